"""What a strategy's checkpoints hold besides the weights: scheduler states, the ``meta``
block, and which checkpoint ``load_or_resume`` picks."""

from __future__ import annotations

import time
from typing import Optional, Union

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
    """``extra_ckpt`` with its ``meta`` completed (seed, time, mmengine version)."""
    extra = dict(extra_ckpt or {})
    meta = dict(extra.get("meta") or {})
    meta.update(
        seed=seed,
        time=time.strftime("%Y%m%d_%H%M%S", time.localtime()),
        mmengine=get_mmengine_version(),
    )
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
