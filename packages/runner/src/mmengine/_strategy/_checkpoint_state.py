"""What a strategy's checkpoints hold besides the weights: scheduler states, the ``meta``
block, which checkpoint ``load_or_resume`` picks, and what a checkpoint path that names no
file means (for the Runner, the FlexibleRunner and the strategies alike)."""

from __future__ import annotations

import os
import os.path as osp
import time
from collections.abc import Callable
from typing import Any, Optional, Union

from mmengine.logging import MMLogger
from mmengine.model.checkpoint import find_latest_checkpoint
from mmengine.utils import get_mmengine_version

from ._components import ParamSchedulerType


def scheduler_state_dict(param_schedulers: ParamSchedulerType) -> Union[dict, list]:
    """The schedulers' state dicts: a list, or a dict of lists per optimizer."""
    if isinstance(param_schedulers, dict):
        return {
            name: [s.state_dict() for s in schedulers]
            for name, schedulers in param_schedulers.items()
        }
    return [s.state_dict() for s in param_schedulers]


def load_scheduler_state_dict(
    param_schedulers: ParamSchedulerType, state_dict: Union[dict, list]
) -> None:
    """Load the schedulers' states (a list, or a dict of lists per optimizer)."""
    if isinstance(param_schedulers, dict):
        for name, schedulers in param_schedulers.items():
            for scheduler, state in zip(schedulers, state_dict[name]):
                scheduler.load_state_dict(state)
    else:
        for scheduler, state in zip(param_schedulers, state_dict):
            scheduler.load_state_dict(state)


def checkpoint_meta(extra_ckpt: Optional[dict], seed: int) -> dict:
    """``extra_ckpt`` with its ``meta`` completed (seed, time, mmengine version).

    A ``time`` the runner already put there is kept: the runner's record of the validation
    after this checkpoint names the checkpoint by it (see ``validation_record``), and a second
    stamp taken here could fall into the next second.
    """
    extra = dict(extra_ckpt or {})
    meta = dict(extra.get("meta") or {})
    meta.update(seed=seed, mmengine=get_mmengine_version())
    meta.setdefault("time", time.strftime("%Y%m%d_%H%M%S", time.localtime()))
    extra["meta"] = meta
    return extra


def checkpoint_to_resume(work_dir: str, logger: MMLogger) -> Optional[str]:
    """The checkpoint ``work_dir/last_checkpoint`` names (None, logged, when there is none)."""
    resume_from = find_latest_checkpoint(work_dir)
    if resume_from is None:
        logger.info(f"No checkpoint found in {work_dir}: nothing to resume.")
        return None
    logger.info(f"Auto resumed from the latest checkpoint {resume_from}.")
    return resume_from


class explain_missing_checkpoint:
    """Context manager completing the loader's ``FileNotFoundError('<path> can not be
    found.')`` for ``path`` (0.10's class and sentence, kept first) with what ``path`` names
    instead of a checkpoint file and what to give. Other errors pass unchanged.

    Nested uses explain once: the outermost one, which knows the argument's name
    (``load_from`` rather than ``filename``), rewrites what an inner one added.

    Args:
        path: the checkpoint path as the user gave it.
        name (str): the argument that gave it, as the message names it. Defaults to
            ``'filename'``.
        work_dir (str, optional): given when ``resume=True`` asked to resume from ``path``:
            the message then says that leaving ``load_from`` unset resumes from the latest
            checkpoint in ``work_dir``.
    """

    __slots__ = ("name", "path", "work_dir")

    def __init__(self, path: Any, name: str = "filename", work_dir: Optional[str] = None):
        self.path, self.name, self.work_dir = path, name, work_dir

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, exc: Optional[BaseException], traceback: Any) -> bool:
        if isinstance(exc, FileNotFoundError) and isinstance(self.path, (str, os.PathLike)):
            self._explain(exc)
        return False  # the error propagates, explained

    def _explain(self, exc: FileNotFoundError) -> None:
        given = os.fspath(self.path)
        path = osp.expanduser(given)
        first = f"{path} can not be found."
        if len(exc.args) != 1 or not str(exc).startswith(first):
            return
        if osp.isdir(path):
            what = (
                f"{self.name}={given!r} is a directory, not a checkpoint file: give the path "
                f"of a checkpoint file in it (such as {osp.join(path, 'epoch_1.pth')!r})"
            )
        else:
            what = (
                f"{self.name}={given!r} names no file: check the path (a relative path is "
                f"taken from the current directory {os.getcwd()!r})"
            )
        if self.work_dir is not None:
            what += (
                "; or leave load_from unset with resume=True to resume from the latest "
                f"checkpoint in work_dir ({self.work_dir!r})"
            )
        exc.args = (f"{first} {what}.",)


def read_checkpoint(filename: str, map_location: Any, loader: Callable) -> Any:
    """``loader(filename, map_location=map_location)``, a missing file or a directory
    explained (see :class:`explain_missing_checkpoint`).

    ``loader`` is the caller's module global ``_load_checkpoint``: code written for 0.10
    patches that name in the module it patches, and the patch must keep working.
    """
    with explain_missing_checkpoint(filename):
        return loader(filename, map_location=map_location)


# Flags torch adds to an optimizer's parameter groups from version to version: a checkpoint
# of another torch version has more or fewer of them, and loads.
_TORCH_FLAGS = {
    "foreach",
    "maximize",
    "capturable",
    "differentiable",
    "fused",
    "decoupled_weight_decay",
}


def check_optimizer_fits(optim_wrapper: Any, state: Any, filename: str) -> None:
    """Raise a ValueError when the checkpoint's optimizer is of another kind than the one
    configured (SGD saved, Adam configured): torch would fail inside ``load_state_dict`` or
    at the first step with ``KeyError: 'step'``/``'momentum'``.

    Both have keys in their parameter groups the other lacks (besides torch's flags).
    """
    optimizer = getattr(optim_wrapper, "optimizer", None)
    saved = state.get("param_groups") if isinstance(state, dict) else None
    groups = getattr(optimizer, "param_groups", None)
    if not saved or not groups or not isinstance(saved[0], dict):
        return  # an OptimWrapperDict, or nothing to compare
    saved_keys = set(saved[0]) - _TORCH_FLAGS - {"params"}
    keys = set(groups[0]) - _TORCH_FLAGS - {"params"}
    if saved_keys - keys and keys - saved_keys:
        raise ValueError(
            f"Cannot resume the optimizer from {filename}: it was saved by another kind of "
            f"optimizer than the configured {type(optimizer).__name__} (its parameter groups "
            f"have {sorted(saved_keys - keys)} but not {sorted(keys - saved_keys)}). Configure "
            "the optimizer the checkpoint was saved with to continue that run, or load the "
            f"weights only (load_from='{filename}', resume=False) to train with a new one."
        )
