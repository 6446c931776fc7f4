"""Command-line entry points: ``mmengine-train`` / ``tools/train.py`` and ``mmengine-test``.

They follow the OpenMMLab convention: a config file, ``--work-dir``, ``--resume``, ``--amp``,
``--cfg-options key=value ...`` and ``--launcher``.
"""

from __future__ import annotations

import argparse
import os
import os.path as osp
import sys
from collections.abc import Sequence

from mmengine.config import Config, DictAction
from mmengine.logging import print_log


def _common_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--work-dir", help="where logs and checkpoints go")
    parser.add_argument(
        "--cfg-options",
        nargs="+",
        action=DictAction,
        help="override config keys, e.g. --cfg-options train_cfg.max_epochs=3 "
        "optim_wrapper.optimizer.lr=0.01",
    )
    parser.add_argument(
        "--launcher",
        choices=["none", "pytorch", "slurm", "mpi"],
        default="none",
        help="job launcher for distributed runs",
    )
    parser.add_argument("--local_rank", "--local-rank", type=int, default=0)


def _load_config(config: str, args: argparse.Namespace) -> Config:
    if not osp.isfile(config):
        raise SystemExit(f"error: config file {config!r} does not exist")
    # Configs name their own modules in `custom_imports`; let them import from the working
    # directory as `python tools/train.py` users expect.
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    cfg = Config.fromfile(config)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get("work_dir") is None:
        cfg.work_dir = osp.join("./work_dirs", osp.splitext(osp.basename(config))[0])
    if "LOCAL_RANK" not in os.environ:
        os.environ["LOCAL_RANK"] = str(args.local_rank)
    return cfg


def _build_runner(cfg: Config):  # noqa: ANN202
    from mmengine.registry import RUNNERS

    from .runner import Runner

    if "runner_type" in cfg:
        return RUNNERS.build(cfg)
    return Runner.from_cfg(cfg)


def train_main(argv: Sequence[str] | None = None) -> None:
    """Train a model from a config file."""
    parser = argparse.ArgumentParser(description="Train a model from a config file")
    parser.add_argument("config", help="train config file path")
    parser.add_argument(
        "--resume",
        nargs="?",
        type=str,
        const="auto",
        help="resume from the given checkpoint, or (without a value) from the latest "
        "checkpoint in the work dir",
    )
    parser.add_argument("--amp", action="store_true", help="enable automatic mixed precision")
    parser.add_argument(
        "--auto-scale-lr", action="store_true", help="scale the lr with the total batch size"
    )
    _common_args(parser)
    args = parser.parse_args(argv)
    cfg = _load_config(args.config, args)

    if args.amp:
        optim_type = cfg.optim_wrapper.get("type", "OptimWrapper")
        if optim_type in ("AmpOptimWrapper", "DeepSpeedOptimWrapper"):
            print_log("AMP training is already enabled in your config.", logger="current")
        else:
            cfg.optim_wrapper.type = "AmpOptimWrapper"
            cfg.optim_wrapper.setdefault("loss_scale", "dynamic")
    if args.auto_scale_lr:
        if "auto_scale_lr" not in cfg or "base_batch_size" not in cfg.auto_scale_lr:
            raise SystemExit(
                "error: --auto-scale-lr needs `auto_scale_lr = dict(base_batch_size=...)` in the "
                "config"
            )
        cfg.auto_scale_lr.enable = True
    if args.resume == "auto":
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume

    runner = _build_runner(cfg)
    runner.train()


def test_main(argv: Sequence[str] | None = None) -> None:
    """Test a checkpoint with a config file's test set-up."""
    parser = argparse.ArgumentParser(description="Test a checkpoint")
    parser.add_argument("config", help="test config file path")
    parser.add_argument("checkpoint", help="checkpoint file")
    parser.add_argument("--out", help="dump the predictions to this pickle file")
    _common_args(parser)
    args = parser.parse_args(argv)
    cfg = _load_config(args.config, args)
    cfg.load_from = args.checkpoint
    if args.out is not None:
        if not args.out.endswith((".pkl", ".pickle")):
            raise SystemExit("error: --out must be a .pkl or .pickle file")
        evaluator = cfg.test_evaluator
        dump = dict(type="DumpResults", out_file_path=args.out)
        if isinstance(evaluator, (list, tuple)):
            cfg.test_evaluator = list(evaluator) + [dump]
        else:
            cfg.test_evaluator = [evaluator, dump]
    runner = _build_runner(cfg)
    runner.test()
