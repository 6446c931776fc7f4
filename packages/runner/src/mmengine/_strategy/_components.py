"""Building a strategy's training components from configs: optimizer wrappers and schedulers.

Free functions with explicit arguments; :class:`~mmengine._strategy.BaseStrategy`'s
``build_optim_wrapper``, ``build_param_scheduler``, ``_scale_lr`` and
``_init_count_status`` call them with the prepared model and the ``dispatch_kwargs``.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from collections.abc import Sequence
from typing import Optional, Union

from torch import nn
from torch.optim import Optimizer

from mmengine.config import Config, ConfigDict
from mmengine.logging import MMLogger
from mmengine.model import is_model_wrapper
from mmengine.optim import (
    BaseOptimWrapper,
    OptimWrapper,
    OptimWrapperDict,
    _ParamScheduler,
    build_optim_wrapper,
)
from mmengine.registry import OPTIM_WRAPPERS, PARAM_SCHEDULERS

ParamSchedulerType = Union[list[_ParamScheduler], dict[str, list[_ParamScheduler]]]


def wrappers_of(optim_wrapper: BaseOptimWrapper) -> list:
    """The optimizer wrappers inside an ``OptimWrapperDict`` (or ``[optim_wrapper]``)."""
    if isinstance(optim_wrapper, OptimWrapperDict):
        return list(optim_wrapper.values())
    return [optim_wrapper]


def build_optim_wrapper_from(
    optim_wrapper: Union[Optimizer, BaseOptimWrapper, dict], model: Optional[nn.Module]
) -> BaseOptimWrapper:
    """Build an optimizer wrapper (or an ``OptimWrapperDict``) for ``model``.

    See :meth:`BaseStrategy.build_optim_wrapper` for what ``optim_wrapper`` may be; ``model``
    is needed only for a config with ``optimizer=dict(...)`` or a ``constructor``.
    """
    if isinstance(optim_wrapper, BaseOptimWrapper):
        return optim_wrapper
    if isinstance(optim_wrapper, Optimizer):
        return OptimWrapper(optim_wrapper)
    if isinstance(optim_wrapper, (dict, ConfigDict, Config)):
        optimizer = optim_wrapper.get("optimizer", None)
        if isinstance(optimizer, Optimizer):
            cfg = dict(optim_wrapper)
            cfg.setdefault("type", "OptimWrapper")
            return OPTIM_WRAPPERS.build(cfg)
        if optimizer is not None or "constructor" in optim_wrapper:
            target = model.module if is_model_wrapper(model) else model
            return build_optim_wrapper(target, optim_wrapper)
        return _wrapper_dict(optim_wrapper)
    raise TypeError(
        f"optimizer wrapper should be an OptimWrapper object or dict, but got {type(optim_wrapper)}"
    )


def _wrapper_dict(built_wrappers: dict) -> OptimWrapperDict:
    """An ``OptimWrapperDict`` of already built wrappers (refusing anything else)."""
    wrappers = OrderedDict()
    for name, item in built_wrappers.items():
        if not isinstance(item, OptimWrapper):
            raise ValueError(
                'each item mush be an optimizer object when "type" and '
                f'"constructor" are not in optimizer, but got {name}={item} '
                "(give `optimizer=dict(type=...)`, a constructor, or a dict of built "
                "OptimWrapper objects)"
            )
        wrappers[name] = item
    return OptimWrapperDict(**wrappers)


def build_schedulers(
    scheduler: Union[_ParamScheduler, dict, list],
    optim_wrapper: BaseOptimWrapper,
    default_args: dict,
) -> list[_ParamScheduler]:
    """Build the schedulers of one optimizer wrapper (built ones are kept as they are)."""
    items = scheduler if isinstance(scheduler, Sequence) else [scheduler]
    built: list[_ParamScheduler] = []
    for item in items:
        if isinstance(item, _ParamScheduler):
            built.append(item)
            continue
        if not isinstance(item, dict):
            raise TypeError(
                "scheduler should be a _ParamScheduler object or dict, but got "
                f"{type(item)}: {item!r}"
            )
        built.append(_build_scheduler(item, optim_wrapper, default_args))
    return built


def _build_scheduler(
    item: dict, optim_wrapper: BaseOptimWrapper, default_args: dict
) -> _ParamScheduler:
    """Build one scheduler config, its ``end`` and ``epoch_length`` from ``default_args``."""
    cfg = copy.deepcopy(item)
    by_epoch = cfg.get("by_epoch", True)
    if "end" not in cfg:
        key = "max_epochs" if by_epoch else "max_iters"
        if key not in default_args:
            raise ValueError(
                f"{key} must be specified in default_args (scheduler {cfg.get('type')} "
                f"has no `end`: give `end`, or "
                f"prepare(..., dispatch_kwargs=dict({key}=...)))"
            )
        cfg["end"] = default_args[key]
    args: dict = dict(optimizer=optim_wrapper)
    if by_epoch and cfg.get("convert_to_iter_based", False):
        if "epoch_length" not in default_args:
            raise ValueError(
                "epoch_length must be specified in default_args to convert an epoch "
                "based scheduler to an iteration based one "
                "(prepare(..., dispatch_kwargs=dict(epoch_length=...)))"
            )
    if "epoch_length" in default_args:
        args["epoch_length"] = default_args["epoch_length"]
    return PARAM_SCHEDULERS.build(cfg, default_args=args)


def base_batch_size_of(auto_scale_lr: dict) -> int:
    """``auto_scale_lr['base_batch_size']``; without it 0.10's AssertionError, with an example."""
    if "base_batch_size" not in auto_scale_lr:
        raise AssertionError(
            "Lack of `base_batch_size` in `auto_scale_lr`. (e.g. "
            "auto_scale_lr=dict(enable=True, base_batch_size=256))"
        )
    return auto_scale_lr["base_batch_size"]


def scale_lr(
    optim_wrapper: BaseOptimWrapper, base_batch_size: int, real_batch_size: int, logger: MMLogger
) -> None:
    """Scale the learning rates by ``real_batch_size / base_batch_size``.

    Args:
        optim_wrapper (BaseOptimWrapper): whose parameter groups are scaled.
        base_batch_size (int): the batch size the configured learning rates are meant for.
        real_batch_size (int): ``world_size * train_micro_batch_size_per_gpu``.
        logger (MMLogger): where the scaling is reported.
    """
    ratio = float(real_batch_size) / float(base_batch_size)
    logger.info(
        f"LR is set based on batch size of {base_batch_size} and the current batch size is "
        f"{real_batch_size}. Scaling the original LR by {ratio}."
    )
    for wrapper in wrappers_of(optim_wrapper):
        for group in wrapper.optimizer.param_groups:
            group["lr"] = group["lr"] * ratio


def init_count_status(
    optim_wrapper: BaseOptimWrapper, model: nn.Module, dispatch_kwargs: dict, init_counts: int
) -> None:
    """Tell the wrapper(s) that accumulate gradients the run's iteration counts."""
    for wrapper in wrappers_of(optim_wrapper):
        if getattr(wrapper, "_accumulative_counts", 1) == 1:
            continue
        if "max_iters" not in dispatch_kwargs:
            raise ValueError(
                '"max_iters" must be specified because "accumulative_counts" was set as '
                f"{wrapper._accumulative_counts} which is greater than 1: give "
                "prepare(..., dispatch_kwargs=dict(max_iters=...))"
            )
        wrapper.initialize_count_status(model, init_counts, dispatch_kwargs["max_iters"])
