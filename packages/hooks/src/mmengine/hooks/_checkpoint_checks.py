"""CheckpointHook's argument checks: what 0.10 only found at the first save (or never),
checked when the hook is built or before training."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

from ._checks import ArgumentTypeError, PathArgumentError, check_flag, check_integer, suggest, warn

# Passed by CheckpointStore.save itself: a hook kwarg of that name would collide.
_STORE_PASSED = ("out_dir", "filename", "file_client_args", "save_optimizer",
                 "save_param_scheduler", "meta", "by_epoch", "backend_args")  # fmt: skip


def check_schedule_args(interval: Any, by_epoch: Any, max_keep_ckpts: Any, out_dir: Any) -> None:
    """Types and ranges of the arguments that 0.10 only used at the first save."""
    owner = "CheckpointHook"
    check_integer(owner, "interval", interval,
                  "It is the saving period in epochs (by_epoch=True) or iterations; -1 never "
                  "saves a periodic checkpoint.")  # fmt: skip
    if interval != -1 and interval <= 0:
        warn(owner, f"interval={interval} saves no periodic checkpoint (like the default -1): "
                    "only the last one (save_last) and the best ones (save_best) are saved. "
                    "Set a positive interval to save every `interval` epochs/iterations.")  # fmt: skip
    check_flag(owner, "by_epoch", by_epoch)
    check_integer(owner, "max_keep_ckpts", max_keep_ckpts,
                  "It is the number of newest checkpoints to keep; -1 keeps all.")  # fmt: skip
    if max_keep_ckpts == 0:
        warn(owner, "max_keep_ckpts=0 keeps every checkpoint (like the default -1); set "
                    "max_keep_ckpts=1 to keep only the newest one.")  # fmt: skip
    if out_dir is not None and not isinstance(out_dir, (str, Path)):
        raise PathArgumentError(
            f"CheckpointHook: out_dir must be a str or Path object (a local directory or a "
            f"URI such as 's3://bucket/dir'), but got {type(out_dir).__name__}: {out_dir!r}"
        )


def check_filename_tmpl(filename_tmpl: Any, by_epoch: bool) -> None:
    """``filename_tmpl`` must format with one number: fail now, not at the first save."""
    unit = "epoch" if by_epoch else "iteration"
    example = "'epoch_{}.pth'" if by_epoch else "'iter_{}.pth'"
    if not isinstance(filename_tmpl, str):
        raise ArgumentTypeError(
            f"CheckpointHook: filename_tmpl must be a str such as {example}, but got "
            f"{type(filename_tmpl).__name__}: {filename_tmpl!r}"
        )
    try:
        filename_tmpl.format(1)
    except (KeyError, IndexError, ValueError) as e:
        raise type(e)(
            f"CheckpointHook: filename_tmpl {filename_tmpl!r} cannot be formatted with the "
            f"{unit} number ({type(e).__name__}: {e}); it takes one positional placeholder "
            f"'{{}}', e.g. {example}."
        ) from e
    if filename_tmpl.format(1) == filename_tmpl.format(2):
        warn("CheckpointHook", f"filename_tmpl {filename_tmpl!r} has no '{{}}' placeholder for the "
                               f"{unit} number: every checkpoint is written to the same file, "
                               f"replacing the previous one. Use e.g. {example} to keep them "
                               "apart.")  # fmt: skip


def check_save_kwargs(runner: Any, args: dict, hook_cls: type) -> None:
    """Unknown extra keyword arguments fail now, not at the first save (0.10 fails there).

    The hook passes its extra keyword arguments to ``runner.save_checkpoint``; a typo in a
    hook argument (``intreval=2``) lands there.
    """
    if not args:
        return
    try:
        params = inspect.signature(runner.save_checkpoint).parameters
    except (TypeError, ValueError, AttributeError):
        return
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        accepted: set[str] = set()
        open_kwargs = True
    else:
        accepted = {name for name, p in params.items() if p.kind is not p.VAR_POSITIONAL}
        open_kwargs = False
    own = list(inspect.signature(hook_cls.__init__).parameters)[1:-1]
    owner = getattr(runner.save_checkpoint, "__qualname__", "save_checkpoint")
    for key in args:
        if key in _STORE_PASSED:
            raise TypeError(
                f"{owner}() got multiple values for keyword argument {key!r} "
                "(CheckpointHook sets it itself; remove it from the checkpoint hook's "
                "config)."
            )
        if not open_kwargs and key not in accepted:
            raise TypeError(
                f"{owner}() got an unexpected keyword argument {key!r} "
                f"(CheckpointHook passes its unknown arguments to runner.save_checkpoint"
                f"{suggest(key, own)}). CheckpointHook accepts {own}; fix the key in the "
                "checkpoint hook's config."
            )


def check_loop_kind(runner: Any, by_epoch: bool, interval: int) -> None:
    """Warn when ``by_epoch=True`` meets an iteration-based loop (it saves only at the end)."""
    loop = getattr(runner, "train_loop", None)  # built: this runs in before_train
    is_iter_loop = any(c.__name__ == "IterBasedTrainLoop" for c in type(loop).__mro__)
    if by_epoch and interval > 0 and is_iter_loop:
        runner.logger.warning(
            f"CheckpointHook: by_epoch=True with an {type(loop).__name__}: the whole run is "
            f"one epoch, so interval={interval} saves no checkpoint before the end of "
            "training. Set by_epoch=False to save every `interval` iterations."
        )
