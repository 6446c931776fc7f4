"""Resume after a validation without repeating it.

A regular checkpoint is saved when a training epoch (or iteration) ends, just before the
validation that follows it, and says so (``validation_pending`` in its resume state): a run
that crashes during that validation resumes by validating first, as the uninterrupted run did.

When the validation finishes, the state it changed (the message hub with its metrics and best
scores, the parameter schedulers that step on metrics and the learning rates and other
hyperparameters they set in the optimizer, the random generators it drew from) is written
next to the checkpoint, as ``<checkpoint>.validated``. Resuming from the checkpoint
then takes that state instead of validating again, so the resumed run continues exactly as the
uninterrupted one did, and logs what upstream's resume logs (no repeated validation). The
record names the checkpoint it belongs to (its counters, save time and experiment), so a
checkpoint saved again under the same name never takes an older record.
"""

from __future__ import annotations

import logging
from typing import Any

from mmengine._strategy._checkpoint_state import load_scheduler_state_dict, scheduler_state_dict
from mmengine.dist import get_dist_info, is_main_process
from mmengine.fileio import get_file_backend
from mmengine.hooks.checkpoint_store import VALIDATION_RECORD_SUFFIX
from mmengine.logging import print_log
from mmengine.model.checkpoint import _load_checkpoint, save_checkpoint
from mmengine.optim import BaseOptimWrapper, OptimWrapperDict

from .resilience import RESUME_STATE_KEY, resume_state

__all__ = [
    "apply_validation_record",
    "expect_validation",
    "record_validation",
    "restore_after_validation",
]

#: What a validation changes among the parts of a checkpoint that resuming reads from it;
#: the schedulers and the optimizer's hyperparameters are set after they are loaded
#: (:func:`restore_after_validation`). The weights and the optimizer's state stay as saved.
_RECORDED_KEYS = ("message_hub", RESUME_STATE_KEY)


def _optimizers(optim_wrapper: Any) -> list:
    """The optimizers of ``optim_wrapper`` (one, or one per wrapper of an OptimWrapperDict)."""
    if isinstance(optim_wrapper, OptimWrapperDict):
        return [wrapper.optimizer for wrapper in optim_wrapper.values()]
    return [optim_wrapper.optimizer] if isinstance(optim_wrapper, BaseOptimWrapper) else []


def _hyperparameters(optim_wrapper: Any) -> list:
    """Per optimizer, per param group: its hyperparameters (lr, momentum...), not params."""
    return [
        [{k: v for k, v in group.items() if k != "params"} for group in optimizer.param_groups]
        for optimizer in _optimizers(optim_wrapper)
    ]


def _fingerprint(checkpoint: dict) -> dict:
    meta = checkpoint.get("meta") or {}
    return {key: meta.get(key) for key in ("epoch", "iter", "time", "experiment_name")}


def _validation_pending(checkpoint: dict) -> bool:
    state = checkpoint.get(RESUME_STATE_KEY)
    return isinstance(state, dict) and bool(state.get("validation_pending"))


def expect_validation(runner: Any, checkpoint: dict, path: str, backend_args: Any) -> None:
    """Called on every rank after ``checkpoint`` was saved to ``path``.

    Removes a record an older checkpoint of the same name left, and when a validation follows
    this checkpoint, remembers to record it (see :func:`record_validation`).
    """
    if is_main_process():
        _remove_stale_record(path, backend_args)
    if not _validation_pending(checkpoint):
        return
    if get_dist_info()[1] > 1 and not getattr(runner, "checkpoint_collective", False):
        return  # one rank saving alone: recording would need every rank
    runner.train_state.validation_record = dict(
        path=path, backend_args=backend_args, fingerprint=_fingerprint(checkpoint)
    )


def _remove_stale_record(path: str, backend_args: Any) -> None:
    record = path + VALIDATION_RECORD_SUFFIX
    try:
        backend = get_file_backend(record, backend_args=backend_args)
        if backend.isfile(record):
            backend.remove(record)
    except NotImplementedError:
        pass  # a backend that cannot tell: a stale record is refused on load anyway
    except Exception as exc:  # noqa: BLE001
        print_log(f"Could not remove {record}: {exc}", logger="current", level=logging.WARNING)


def record_validation(runner: Any) -> None:
    """Called on every rank when a validation during training finished: write what it
    changed next to the checkpoint saved just before it, if there is one."""
    target = runner.train_state.validation_record
    if target is None:
        return
    runner.train_state.validation_record = None
    if target["fingerprint"]["iter"] != runner.iter:
        return  # not the validation that followed the checkpoint
    # every rank takes part (the random states of all ranks are gathered), then only the
    # main process writes; a record that cannot be written costs a repeated validation
    # after a resume, never the training
    state = resume_state(runner, collective=get_dist_info()[1] > 1)
    state["validation_pending"] = False
    if not is_main_process():
        return
    path = target["path"] + VALIDATION_RECORD_SUFFIX
    try:
        record: dict[str, Any] = {
            "fingerprint": target["fingerprint"],
            "message_hub": runner.message_hub.state_dict(),
            RESUME_STATE_KEY: state,
        }
        if runner.param_schedulers is not None:
            record["param_schedulers"] = scheduler_state_dict(runner.param_schedulers)
        record["param_groups"] = _hyperparameters(runner.optim_wrapper)
        save_checkpoint(record, path, backend_args=target["backend_args"])
    except Exception as exc:  # noqa: BLE001
        print_log(
            f"Could not write {path} ({type(exc).__name__}: {exc}); a run resumed from "
            f"{target['path']} will repeat the validation.",
            logger="current",
            level=logging.WARNING,
        )


def apply_validation_record(runner: Any, filename: str, checkpoint: dict) -> dict | None:
    """Resuming from ``checkpoint`` (read from ``filename``): when it was saved before a
    validation that finished, take the hub and random state that validation left
    (``checkpoint`` is updated in place) and return the record, for
    :func:`restore_after_validation`; otherwise the resumed run validates first and records
    it (returns None)."""
    if not _validation_pending(checkpoint):
        return None
    fingerprint = _fingerprint(checkpoint)
    record_path = filename + VALIDATION_RECORD_SUFFIX
    record = _read_record(record_path)
    if isinstance(record, dict) and record.get("fingerprint") == fingerprint:
        for key in _RECORDED_KEYS:
            if key in checkpoint and key in record:
                checkpoint[key] = record[key]
        runner.logger.info(
            f"The validation after this checkpoint finished before the run stopped "
            f"({record_path}): training continues without repeating it."
        )
        return record
    if record is not None:
        runner.logger.warning(
            f"{record_path} belongs to another checkpoint saved under this name: ignored; "
            "the validation after the checkpoint runs again."
        )
    runner.train_state.validation_record = dict(
        path=filename, backend_args=None, fingerprint=fingerprint
    )
    return None


def restore_after_validation(
    runner: Any, record: dict | None, *, optimizer: bool, schedulers: bool
) -> None:
    """After a resume loaded the optimizer (``optimizer``) and the schedulers
    (``schedulers``) from the checkpoint: set what the recorded validation changed in them
    (a scheduler stepped on a metric, the learning rate it lowered)."""
    if not record:
        return
    if schedulers and "param_schedulers" in record:
        load_scheduler_state_dict(runner.param_schedulers, record["param_schedulers"])
    if optimizer and "param_groups" in record:
        for live, saved in zip(_optimizers(runner.optim_wrapper), record["param_groups"]):
            for group, hyperparameters in zip(live.param_groups, saved):
                group.update(hyperparameters)


def _read_record(path: str) -> Any:
    """The record at ``path``, or None when there is none or it cannot be read."""
    try:
        if not get_file_backend(path).isfile(path):
            return None
        # not a checkpoint: no "Loads checkpoint by ... backend" line (0.10 logs one per resume)
        return _load_checkpoint(path, map_location="cpu", logger="silent")
    except Exception as exc:  # noqa: BLE001 (without it, the validation runs again)
        print_log(
            f"Could not read {path} ({type(exc).__name__}: {exc}); the validation after the "
            "checkpoint runs again.",
            logger="current",
            level=logging.WARNING,
        )
        return None
