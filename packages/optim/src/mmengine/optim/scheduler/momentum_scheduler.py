"""Momentum schedulers: the ParamSchedulers applied to momentum.

For Adam-like optimizers, which have ``betas`` instead of ``momentum``, the
scheduled momentum is ``betas[0]``: it is kept in a ``momentum`` entry of each
group and copied back into ``betas`` after every step.
"""

from __future__ import annotations

from mmengine.registry import PARAM_SCHEDULERS

from .param_scheduler import (
    ConstantParamScheduler,
    CosineAnnealingParamScheduler,
    CosineRestartParamScheduler,
    ExponentialParamScheduler,
    LinearParamScheduler,
    MultiStepParamScheduler,
    PolyParamScheduler,
    ReduceOnPlateauParamScheduler,
    StepParamScheduler,
    _check_optimizer,
)


def _optimizer_name(optimizer) -> str:
    inner = getattr(optimizer, "optimizer", None)
    if inner is not None and inner is not optimizer:
        return f"{type(optimizer).__name__}({type(inner).__name__})"
    return type(optimizer).__name__


class MomentumSchedulerMixin:
    """Fix ``param_name='momentum'``; handle the ``betas`` of Adam-like optimizers."""

    def __init__(self, optimizer, *args, **kwargs) -> None:
        _check_optimizer(optimizer, type(self).__name__)
        self.use_betas = False
        defaults = optimizer.defaults
        if "momentum" in defaults:
            pass
        elif "betas" in defaults:
            self.use_betas = True
            for group in optimizer.param_groups:
                group["momentum"] = group["betas"][0]
        else:
            raise ValueError(
                "optimizer must support momentum when using momentum scheduler: "
                f"{type(self).__name__} was given {_optimizer_name(optimizer)}, which has "
                "neither `momentum` nor `betas` in its defaults."
            )
        super().__init__(optimizer, "momentum", *args, **kwargs)  # type: ignore[call-arg]

    def step(self, *args, **kwargs) -> None:
        """Step the schedule, then copy momentum into ``betas[0]`` if needed."""
        super().step(*args, **kwargs)  # type: ignore[misc]
        if self.use_betas:
            for group in self.optimizer.param_groups:  # type: ignore[attr-defined]
                _, beta_1 = group["betas"]
                group["betas"] = (group["momentum"], beta_1)


@PARAM_SCHEDULERS.register_module()
class ConstantMomentum(MomentumSchedulerMixin, ConstantParamScheduler):
    """Multiply the momentum by a constant factor until ``end``.

    Takes the arguments of :class:`ConstantParamScheduler` except ``param_name``.

    Args:
        optimizer (Optimizer or OptimWrapper): Wrapped optimizer.
        *args: Positional arguments of :class:`ConstantParamScheduler` after
            ``param_name``.
        **kwargs: Keyword arguments of :class:`ConstantParamScheduler`.
    """


@PARAM_SCHEDULERS.register_module()
class CosineAnnealingMomentum(MomentumSchedulerMixin, CosineAnnealingParamScheduler):
    """Anneal the momentum along a cosine curve.

    Takes the arguments of :class:`CosineAnnealingParamScheduler` except ``param_name``.

    Args:
        optimizer (Optimizer or OptimWrapper): Wrapped optimizer.
        *args: Positional arguments of :class:`CosineAnnealingParamScheduler` after
            ``param_name``.
        **kwargs: Keyword arguments of :class:`CosineAnnealingParamScheduler`.
    """


@PARAM_SCHEDULERS.register_module()
class ExponentialMomentum(MomentumSchedulerMixin, ExponentialParamScheduler):
    """Decay the momentum by ``gamma`` every step.

    Takes the arguments of :class:`ExponentialParamScheduler` except ``param_name``.

    Args:
        optimizer (Optimizer or OptimWrapper): Wrapped optimizer.
        *args: Positional arguments of :class:`ExponentialParamScheduler` after
            ``param_name``.
        **kwargs: Keyword arguments of :class:`ExponentialParamScheduler`.
    """


@PARAM_SCHEDULERS.register_module()
class LinearMomentum(MomentumSchedulerMixin, LinearParamScheduler):
    """Change the momentum by a linearly changing factor until ``end``.

    Takes the arguments of :class:`LinearParamScheduler` except ``param_name``.

    Args:
        optimizer (Optimizer or OptimWrapper): Wrapped optimizer.
        *args: Positional arguments of :class:`LinearParamScheduler` after
            ``param_name``.
        **kwargs: Keyword arguments of :class:`LinearParamScheduler`.
    """


@PARAM_SCHEDULERS.register_module()
class MultiStepMomentum(MomentumSchedulerMixin, MultiStepParamScheduler):
    """Decay the momentum by ``gamma`` at each milestone.

    Takes the arguments of :class:`MultiStepParamScheduler` except ``param_name``.

    Args:
        optimizer (Optimizer or OptimWrapper): Wrapped optimizer.
        *args: Positional arguments of :class:`MultiStepParamScheduler` after
            ``param_name``.
        **kwargs: Keyword arguments of :class:`MultiStepParamScheduler`.
    """


@PARAM_SCHEDULERS.register_module()
class StepMomentum(MomentumSchedulerMixin, StepParamScheduler):
    """Decay the momentum by ``gamma`` every ``step_size`` steps.

    Takes the arguments of :class:`StepParamScheduler` except ``param_name``.

    Args:
        optimizer (Optimizer or OptimWrapper): Wrapped optimizer.
        *args: Positional arguments of :class:`StepParamScheduler` after
            ``param_name``.
        **kwargs: Keyword arguments of :class:`StepParamScheduler`.
    """


@PARAM_SCHEDULERS.register_module()
class PolyMomentum(MomentumSchedulerMixin, PolyParamScheduler):
    """Decay the momentum polynomially.

    Takes the arguments of :class:`PolyParamScheduler` except ``param_name``.

    Args:
        optimizer (Optimizer or OptimWrapper): Wrapped optimizer.
        *args: Positional arguments of :class:`PolyParamScheduler` after
            ``param_name``.
        **kwargs: Keyword arguments of :class:`PolyParamScheduler`.
    """


@PARAM_SCHEDULERS.register_module()
class CosineRestartMomentum(MomentumSchedulerMixin, CosineRestartParamScheduler):
    """Cosine annealing of the momentum with restarts.

    Takes the arguments of :class:`CosineRestartParamScheduler` except ``param_name``.

    Args:
        optimizer (Optimizer or OptimWrapper): Wrapped optimizer.
        *args: Positional arguments of :class:`CosineRestartParamScheduler` after
            ``param_name``.
        **kwargs: Keyword arguments of :class:`CosineRestartParamScheduler`.
    """


@PARAM_SCHEDULERS.register_module()
class ReduceOnPlateauMomentum(MomentumSchedulerMixin, ReduceOnPlateauParamScheduler):
    """Reduce the momentum when a metric stops improving.

    Takes the arguments of :class:`ReduceOnPlateauParamScheduler` except ``param_name``.

    Args:
        optimizer (Optimizer or OptimWrapper): Wrapped optimizer.
        *args: Positional arguments of :class:`ReduceOnPlateauParamScheduler` after
            ``param_name``.
        **kwargs: Keyword arguments of :class:`ReduceOnPlateauParamScheduler`.
    """
