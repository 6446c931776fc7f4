"""Learning rate schedulers: the ParamSchedulers applied to ``lr``."""

from __future__ import annotations

from mmengine.registry import PARAM_SCHEDULERS

from .param_scheduler import (
    ConstantParamScheduler,
    CosineAnnealingParamScheduler,
    CosineRestartParamScheduler,
    ExponentialParamScheduler,
    LinearParamScheduler,
    MultiStepParamScheduler,
    OneCycleParamScheduler,
    PolyParamScheduler,
    ReduceOnPlateauParamScheduler,
    StepParamScheduler,
)


class LRSchedulerMixin:
    """Fix ``param_name='lr'`` for a parameter scheduler."""

    def __init__(self, optimizer, *args, **kwargs) -> None:
        super().__init__(optimizer, "lr", *args, **kwargs)  # type: ignore[call-arg]


@PARAM_SCHEDULERS.register_module()
class ConstantLR(LRSchedulerMixin, ConstantParamScheduler):
    """Multiply the learning rate by a constant factor until ``end``.

    Takes the arguments of :class:`ConstantParamScheduler` except ``param_name``.

    Args:
        optimizer (Optimizer or OptimWrapper): Wrapped optimizer.
        *args: Positional arguments of :class:`ConstantParamScheduler` after
            ``param_name``.
        **kwargs: Keyword arguments of :class:`ConstantParamScheduler`.
    """


@PARAM_SCHEDULERS.register_module()
class CosineAnnealingLR(LRSchedulerMixin, CosineAnnealingParamScheduler):
    """Anneal the learning rate along a cosine curve.

    Takes the arguments of :class:`CosineAnnealingParamScheduler` except ``param_name``.

    Args:
        optimizer (Optimizer or OptimWrapper): Wrapped optimizer.
        *args: Positional arguments of :class:`CosineAnnealingParamScheduler` after
            ``param_name``.
        **kwargs: Keyword arguments of :class:`CosineAnnealingParamScheduler`.
    """


@PARAM_SCHEDULERS.register_module()
class ExponentialLR(LRSchedulerMixin, ExponentialParamScheduler):
    """Decay the learning rate by ``gamma`` every step.

    Takes the arguments of :class:`ExponentialParamScheduler` except ``param_name``.

    Args:
        optimizer (Optimizer or OptimWrapper): Wrapped optimizer.
        *args: Positional arguments of :class:`ExponentialParamScheduler` after
            ``param_name``.
        **kwargs: Keyword arguments of :class:`ExponentialParamScheduler`.
    """


@PARAM_SCHEDULERS.register_module()
class LinearLR(LRSchedulerMixin, LinearParamScheduler):
    """Change the learning rate by a linearly changing factor until ``end``.

    Takes the arguments of :class:`LinearParamScheduler` except ``param_name``.

    Args:
        optimizer (Optimizer or OptimWrapper): Wrapped optimizer.
        *args: Positional arguments of :class:`LinearParamScheduler` after
            ``param_name``.
        **kwargs: Keyword arguments of :class:`LinearParamScheduler`.
    """


@PARAM_SCHEDULERS.register_module()
class MultiStepLR(LRSchedulerMixin, MultiStepParamScheduler):
    """Decay the learning rate by ``gamma`` at each milestone.

    Takes the arguments of :class:`MultiStepParamScheduler` except ``param_name``.

    Args:
        optimizer (Optimizer or OptimWrapper): Wrapped optimizer.
        *args: Positional arguments of :class:`MultiStepParamScheduler` after
            ``param_name``.
        **kwargs: Keyword arguments of :class:`MultiStepParamScheduler`.
    """


@PARAM_SCHEDULERS.register_module()
class StepLR(LRSchedulerMixin, StepParamScheduler):
    """Decay the learning rate by ``gamma`` every ``step_size`` steps.

    Takes the arguments of :class:`StepParamScheduler` except ``param_name``.

    Args:
        optimizer (Optimizer or OptimWrapper): Wrapped optimizer.
        *args: Positional arguments of :class:`StepParamScheduler` after
            ``param_name``.
        **kwargs: Keyword arguments of :class:`StepParamScheduler`.
    """


@PARAM_SCHEDULERS.register_module()
class PolyLR(LRSchedulerMixin, PolyParamScheduler):
    """Decay the learning rate polynomially.

    Takes the arguments of :class:`PolyParamScheduler` except ``param_name``.

    Args:
        optimizer (Optimizer or OptimWrapper): Wrapped optimizer.
        *args: Positional arguments of :class:`PolyParamScheduler` after
            ``param_name``.
        **kwargs: Keyword arguments of :class:`PolyParamScheduler`.
    """


@PARAM_SCHEDULERS.register_module()
class CosineRestartLR(LRSchedulerMixin, CosineRestartParamScheduler):
    """Cosine annealing of the learning rate with restarts.

    Takes the arguments of :class:`CosineRestartParamScheduler` except ``param_name``.

    Args:
        optimizer (Optimizer or OptimWrapper): Wrapped optimizer.
        *args: Positional arguments of :class:`CosineRestartParamScheduler` after
            ``param_name``.
        **kwargs: Keyword arguments of :class:`CosineRestartParamScheduler`.
    """


@PARAM_SCHEDULERS.register_module()
class ReduceOnPlateauLR(LRSchedulerMixin, ReduceOnPlateauParamScheduler):
    """Reduce the learning rate when a metric stops improving.

    Takes the arguments of :class:`ReduceOnPlateauParamScheduler` except ``param_name``.

    Args:
        optimizer (Optimizer or OptimWrapper): Wrapped optimizer.
        *args: Positional arguments of :class:`ReduceOnPlateauParamScheduler` after
            ``param_name``.
        **kwargs: Keyword arguments of :class:`ReduceOnPlateauParamScheduler`.
    """


@PARAM_SCHEDULERS.register_module()
class OneCycleLR(LRSchedulerMixin, OneCycleParamScheduler):
    """Set the learning rate following the 1cycle policy (not chainable).

    Takes the arguments of :class:`OneCycleParamScheduler` except ``param_name``.

    Args:
        optimizer (Optimizer or OptimWrapper): Wrapped optimizer.
        *args: Positional arguments of :class:`OneCycleParamScheduler` after
            ``param_name``.
        **kwargs: Keyword arguments of :class:`OneCycleParamScheduler`.
    """
