"""Command-line front end of ``mmengine-train``, ``mmengine-test`` and ``mmengine-verify-resume``.

This module imports no torch: it parses the arguments, loads the config (a torch-free
package) and checks every user input that can be checked before anything is built (the
config file, ``--cfg-options``, checkpoint files, the work dir). Only then does it import the
runner. It lives outside ``mmengine.runner`` because importing any module of that package
runs its ``__init__``, which imports torch (seconds), and ``--help`` must answer at once.

A user error prints one line, ``<prog>: error: argument <ARG>: <what is wrong and how to fix
it>``, and exits with code 2 without a traceback; ``--debug`` shows the full traceback
instead. Errors raised while training are not user errors and keep their tracebacks.
"""

from __future__ import annotations

import argparse
import logging
import os
import os.path as osp
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from mmengine.config import Config, DictAction

__all__ = ["UsageError", "test_main", "train_main", "verify_resume_main"]

#: Prefixes of checkpoints that are not local files (the loader fetches them).
_REMOTE_MARKER = "://"


class UsageError(Exception):
    """A mistake in the command line or in the config it names: exit 2, no traceback.

    Args:
        argument (str): The argument (``'--resume'``, ``'config'``) or config key
            (``'load_from'``) at fault.
        message (str): What is wrong and how to fix it.
    """

    def __init__(self, argument: str, message: str) -> None:
        super().__init__(f"argument {argument}: {message}")
        self.argument = argument


class _Parser(argparse.ArgumentParser):
    """argparse's parser, with argparse's own errors in the same one-line form as ours."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _add_common_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--work-dir", help="the directory to save logs and checkpoints (default: the config's "
        "work_dir, else ./work_dirs/<config name>)"
    )  # fmt: skip
    parser.add_argument(
        "--cfg-options",
        nargs="+",
        action=DictAction,
        metavar="KEY=VALUE",
        help="override settings of the config, e.g. --cfg-options train_cfg.max_epochs=3 "
        'optim_wrapper.optimizer.lr=0.01 model.depths="[1,2]"',
    )
    parser.add_argument(
        "--launcher",
        choices=["none", "pytorch", "slurm", "mpi"],
        default="none",
        help="job launcher for distributed runs",
    )
    # torch.distributed.launch passes --local-rank (torch >= 2.0) or --local_rank.
    parser.add_argument("--local_rank", "--local-rank", type=int, default=0)
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show the full traceback of a command-line or config error",
    )


def build_train_parser(prog: str | None = None) -> argparse.ArgumentParser:
    """The parser of ``mmengine-train`` / ``tools/train.py`` (upstream's argument names)."""
    parser = _Parser(prog=prog, description="Train a model from a config file.")
    parser.add_argument("config", help="train config file path")
    parser.add_argument(
        "--resume",
        nargs="?",
        type=str,
        const="auto",
        metavar="CKPT",
        help="resume from the given checkpoint, or (without a value) from the latest "
        "checkpoint in the work dir",
    )
    parser.add_argument(
        "--load-from", metavar="CKPT", help="initialise the model from this checkpoint's weights"
    )
    parser.add_argument(
        "--amp",
        action="store_true",
        help="enable automatic mixed precision training (float16 on a GPU, bfloat16 on the "
        "CPU; optim_wrapper.dtype chooses)",
    )
    parser.add_argument(
        "--auto-scale-lr",
        action="store_true",
        help="scale the learning rate with the total batch size (needs auto_scale_lr = "
        "dict(base_batch_size=...) in the config)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="build everything without reading data or training; print the plan of the run "
        "(hooks, dataloader lengths, parameters, FLOPs) and plot its schedule into the work dir",
    )
    _add_common_args(parser)
    return parser


def build_test_parser(prog: str | None = None) -> argparse.ArgumentParser:
    """The parser of ``mmengine-test`` / ``tools/test.py``."""
    parser = _Parser(prog=prog, description="Test a checkpoint with a config file's test set-up.")
    parser.add_argument("config", help="test config file path")
    parser.add_argument("checkpoint", help="checkpoint file")
    parser.add_argument(
        "--out",
        help="dump the predictions to this .pkl/.pickle file (with several test datasets, "
        "one file each: <stem>_<name or index>.pkl)",
    )
    _add_common_args(parser)
    return parser


def build_verify_resume_parser(prog: str | None = None) -> argparse.ArgumentParser:
    """The parser of ``mmengine-verify-resume``."""
    parser = _Parser(
        prog=prog,
        description="Check that resuming is bit-exact: train N iterations straight, and K "
        "iterations + resume + N-K, then compare the weights. Exits 0 when they are "
        "identical, 1 otherwise (naming the first iteration and tensor that differ).",
    )
    parser.add_argument("config", help="train config file path")
    parser.add_argument(
        "--iters", type=int, default=6, metavar="N", help="iterations to train (default: 6)"
    )
    parser.add_argument(
        "--at",
        type=int,
        default=None,
        metavar="K",
        help="iteration after which the interrupted run stops and resumes (default: N // 2)",
    )
    parser.add_argument(
        "--sequential",
        action="store_true",
        help="run the straight and the interrupted run one after the other, not at the same "
        "time (when two runs do not fit on the device at once)",
    )
    _add_common_args(parser)
    return parser


# ---------------------------------------------------------------------------------------------
# checks that need no torch


def _is_remote(path: str) -> bool:
    return _REMOTE_MARKER in path


def check_checkpoint_file(path: Any, argument: str) -> None:
    """Raise :class:`UsageError` when the local checkpoint file ``path`` does not exist.

    URLs and model-zoo names (``https://``, ``s3://``, ``open-mmlab://``, ...) are left to
    the checkpoint loader.
    """
    if not isinstance(path, str) or _is_remote(path):
        return
    full = osp.expanduser(path)
    if osp.isdir(full):
        raise UsageError(
            argument,
            f"checkpoint {path!r} is a directory; name a checkpoint file in it (e.g. "
            f"{osp.join(path, 'epoch_1.pth')!r})",
        )
    if not osp.isfile(full):
        where = osp.dirname(osp.abspath(full))
        hint = "" if osp.isdir(where) else f" (the directory {where!r} does not exist either)"
        raise UsageError(argument, f"checkpoint file {path!r} does not exist{hint}")


def check_writable_dir(path: str, argument: str) -> None:
    """Create ``path`` if needed and raise :class:`UsageError` when it cannot be written."""
    if _is_remote(path):
        return
    try:
        os.makedirs(path, exist_ok=True)
        probe = osp.join(path, f".mmengine_write_test_{os.getpid()}")
        with open(probe, "w"):
            pass
        os.remove(probe)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UsageError(
            argument,
            f"cannot write to work dir {path!r} ({reason}); choose a writable directory "
            "with --work-dir",
        ) from exc


def _exception_text(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    notes = getattr(exc, "__notes__", None)
    if notes:
        text += " " + " ".join(str(n) for n in notes)
    return text + " (--debug shows the traceback)"


def load_config(args: argparse.Namespace) -> Config:
    """Load ``args.config`` and apply ``--cfg-options``, ``--launcher`` and ``--work-dir``.

    Raises:
        UsageError: The config file is missing or broken, an option does not apply, or
            the work dir cannot be written.
    """
    path = args.config
    if osp.isdir(path):
        raise UsageError("config", f"{path!r} is a directory; name a config file in it")
    if not osp.isfile(path):
        raise UsageError("config", f"config file {path!r} does not exist")
    if args.work_dir is not None:  # before the config, whose custom_imports may be slow
        check_writable_dir(args.work_dir, "--work-dir")
    # Configs name their own modules in `custom_imports`; let them import from the working
    # directory as `python tools/train.py` users expect.
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        cfg = Config.fromfile(path)
    except Exception as exc:
        raise UsageError("config", f"cannot load {path!r}: {_exception_text(exc)}") from exc
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        try:
            cfg.merge_from_dict(args.cfg_options)
        except Exception as exc:
            raise UsageError("--cfg-options", _exception_text(exc)) from exc
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    else:
        if cfg.get("work_dir") is None:
            cfg.work_dir = osp.join("./work_dirs", osp.splitext(osp.basename(path))[0])
        check_writable_dir(cfg.work_dir, "--work-dir (the work dir of the config)")
    if "LOCAL_RANK" not in os.environ:
        os.environ["LOCAL_RANK"] = str(args.local_rank)
    return cfg


def prepare_train_config(args: argparse.Namespace) -> Config:
    """The config ``mmengine-train`` runs, with every user input checked (no torch)."""
    # Checkpoints named on the command line are checked first, before the config (whose
    # custom_imports may import torch): a typo here must not cost the minutes of set-up.
    if args.load_from is not None and args.resume is not None:
        raise UsageError(
            "--load-from",
            "cannot be combined with --resume: --resume CKPT resumes the whole training "
            "state from CKPT, --load-from CKPT only initialises the weights",
        )
    if args.resume not in (None, "auto"):
        check_checkpoint_file(args.resume, "--resume")
    check_checkpoint_file(args.load_from, "--load-from")
    cfg = load_config(args)
    if args.amp:
        optim_wrapper = cfg.get("optim_wrapper")
        if optim_wrapper is None:
            raise UsageError("--amp", "the config has no optim_wrapper to enable AMP in")
        optim_type = optim_wrapper.get("type", "OptimWrapper")
        if optim_type in ("AmpOptimWrapper", "DeepSpeedOptimWrapper"):
            _log("AMP training is already enabled in your config.")
        else:
            optim_wrapper.type = "AmpOptimWrapper"
            optim_wrapper.setdefault("loss_scale", "dynamic")
    if args.auto_scale_lr:
        auto_scale_lr = cfg.get("auto_scale_lr")
        if not auto_scale_lr or "base_batch_size" not in auto_scale_lr:
            raise UsageError(
                "--auto-scale-lr",
                "the config has no auto_scale_lr.base_batch_size; add auto_scale_lr = "
                "dict(enable=False, base_batch_size=<the total batch size the lr is tuned for>)",
            )
        auto_scale_lr.enable = True
    if args.load_from is not None:
        cfg.load_from = args.load_from
    if args.resume == "auto":
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    if args.resume is None and args.load_from is None:
        check_checkpoint_file(cfg.get("load_from"), "load_from (in the config)")
    return cfg


def prepare_test_config(args: argparse.Namespace) -> Config:
    """The config ``mmengine-test`` runs, with every user input checked (no torch)."""
    if args.out is not None and not args.out.endswith((".pkl", ".pickle")):
        raise UsageError("--out", f"the dump file must be a .pkl or .pickle file, got {args.out!r}")
    check_checkpoint_file(args.checkpoint, "checkpoint")
    cfg = load_config(args)
    cfg.load_from = args.checkpoint
    if args.out is not None:
        cfg.test_evaluator = _with_dumps(cfg.get("test_evaluator"), cfg.get("test_dataloader"),
                                         args.out)  # fmt: skip
    return cfg


def _with_dump(evaluator: Any, out: str) -> list:
    """``evaluator`` (one, a list of metrics, or None) plus a ``DumpResults`` to ``out``."""
    dump = dict(type="DumpResults", out_file_path=out)
    if evaluator is None:
        return [dump]
    if isinstance(evaluator, (list, tuple)):
        return [*evaluator, dump]
    return [evaluator, dump]


def _with_dumps(evaluator: Any, dataloader: Any, out: str) -> Any:
    """The test evaluator(s) with ``--out``'s dump: one file, or with several test datasets
    one per dataset, ``<out stem>_<name or index><ext>`` (see ``eval_loops``)."""
    stem, ext = os.path.splitext(out)
    if isinstance(dataloader, (list, tuple)):
        keys: list = list(range(len(dataloader)))
    elif (
        isinstance(dataloader, dict)
        and dataloader
        and "dataset" not in dataloader
        and all(isinstance(v, dict) and "dataset" in v for v in dataloader.values())
    ):
        keys = list(dataloader)
    else:
        return _with_dump(evaluator, out)
    if evaluator is None or (isinstance(evaluator, dict) and set(evaluator) != set(keys)):
        per_key = {key: evaluator for key in keys}  # one evaluator config, built per dataset
    elif isinstance(evaluator, dict):
        per_key = {key: evaluator[key] for key in keys}
    elif len(evaluator) == len(keys):
        per_key = dict(zip(keys, evaluator))
    else:
        return evaluator  # the runner names the mismatch
    per = {key: _with_dump(ev, f"{stem}_{key}{ext}") for key, ev in per_key.items()}
    return list(per.values()) if isinstance(dataloader, (list, tuple)) else per


# ---------------------------------------------------------------------------------------------
# running (torch from here on)


def _log(message: str, level: int = logging.INFO) -> None:
    from mmengine.logging import print_log

    print_log(message, logger="current", level=level)


def report_amp_dtype(cfg: Config) -> str:
    """Log the dtype AMP autocasts to on this machine and write it into the config.

    Returns:
        str: The dtype's name (``'float16'``, ``'bfloat16'``, ...).
    """
    from mmengine.device import get_device

    optim_wrapper = cfg.optim_wrapper
    device = get_device()
    dtype = optim_wrapper.get("dtype")
    if dtype is None:
        dtype = "bfloat16" if device == "cpu" else "float16"
        optim_wrapper.dtype = dtype
        if device == "cpu":
            _log(
                "--amp: no GPU here, so AMP autocasts to bfloat16 on the CPU (CPU autocast "
                "supports bfloat16 only; float16 with loss scaling needs a GPU). Set "
                "optim_wrapper.dtype to choose another dtype.",
                logging.WARNING,
            )
            return dtype
    _log(f"--amp: AMP autocasts to {dtype} on {device}.")
    return str(dtype)


def build_runner(cfg: Config) -> Any:
    """Build the runner a config asks for (``runner_type``, else ``Runner``)."""
    from mmengine.registry import RUNNERS

    if "runner_type" in cfg:
        return RUNNERS.build(cfg)
    from mmengine.runner import Runner

    return Runner.from_cfg(cfg)


def _run_train(cfg: Config, args: argparse.Namespace) -> None:
    if args.dry_run:
        from mmengine.runner._dry_run import dry_run

        dry_run(cfg)
        return
    if args.amp:
        report_amp_dtype(cfg)
    build_runner(cfg).train()


def _run_test(cfg: Config, args: argparse.Namespace) -> None:
    build_runner(cfg).test()


def _main(
    parser: argparse.ArgumentParser,
    argv: Sequence[str] | None,
    prepare: Callable[[argparse.Namespace], Any],
    run: Callable[[Any, argparse.Namespace], Any],
) -> Any:
    try:
        args = parser.parse_args(argv)
    except ValueError as err:  # a malformed --cfg-options KEY=VALUE (DictAction)
        parser.error(str(err))
    try:
        prepared = prepare(args)
    except UsageError as err:
        if args.debug:
            raise
        parser.exit(2, f"{parser.prog}: error: {err}\n")
    return run(prepared, args)


def train_main(argv: Sequence[str] | None = None) -> None:
    """``mmengine-train CONFIG [--work-dir DIR] [--resume [CKPT]] [--amp] ...``."""
    _main(build_train_parser(), argv, prepare_train_config, _run_train)


def test_main(argv: Sequence[str] | None = None) -> None:
    """``mmengine-test CONFIG CHECKPOINT [--work-dir DIR] [--out F.pkl] ...``."""
    _main(build_test_parser(), argv, prepare_test_config, _run_test)


def _prepare_verify_resume(args: argparse.Namespace) -> Any:
    if args.iters < 2:
        raise UsageError("--iters", f"needs at least 2 iterations, got {args.iters}")
    at = args.iters // 2 if args.at is None else args.at
    if not 0 < at < args.iters:
        raise UsageError("--at", f"must be between 1 and --iters - 1 = {args.iters - 1}, got {at}")
    args.at = at
    cfg = load_config(args)  # the three runs go to sub-directories of the work dir
    if args.work_dir is None:  # keep them apart from the config's own training runs
        cfg.work_dir = osp.join(cfg.work_dir, "verify_resume")
    check_checkpoint_file(cfg.get("load_from"), "load_from (in the config)")
    return cfg


def _run_verify_resume(cfg: Config, args: argparse.Namespace) -> NoReturn:
    from mmengine.runner._verify_resume import RunFailed, verify_resume

    try:
        result = verify_resume(
            cfg, iters=args.iters, at=args.at, work_dir=cfg.work_dir, sequential=args.sequential
        )
    except RunFailed as exc:
        if args.debug:
            raise
        print(exc, file=sys.stderr)
        sys.exit(1)
    sys.exit(0 if result.identical else 1)


def verify_resume_main(argv: Sequence[str] | None = None, prog: str | None = None) -> None:
    """``mmengine-verify-resume CONFIG [--work-dir DIR] [--iters N] [--at K]``."""
    parser = build_verify_resume_parser(prog)
    _main(parser, argv, _prepare_verify_resume, _run_verify_resume)
