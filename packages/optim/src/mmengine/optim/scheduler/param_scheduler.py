"""Generic parameter schedulers: adjust any value in ``param_groups``.

Each scheduler is active on the steps ``[begin, end)`` counted in epochs
(``by_epoch=True``) or iterations. The schedules are *chainable*: every step
derives the new value from the current one, so several schedulers can act on
the same parameter (e.g. a linear warm-up followed by a multi-step decay).
"""

from __future__ import annotations

import logging
import math
import numbers
import warnings
import weakref
from collections import Counter
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, Union

from torch.optim import Optimizer

from mmengine.logging import print_log
from mmengine.registry import PARAM_SCHEDULERS
from mmengine.utils._messages import did_you_mean

from ..optimizer._errors import (
    OptimConfigTypeError,
    OptimTypeValueError,
    OptimValueError,
    OptimZeroDivisionError,
)
from ..optimizer.base import BaseOptimWrapper
from ..optimizer.optimizer_wrapper_dict import OptimWrapperDict

INF = int(1e9)

OptimizerType = Union[BaseOptimWrapper, Optimizer]


def _check_optimizer(optimizer: Any, scheduler: str) -> None:
    if not isinstance(optimizer, (Optimizer, BaseOptimWrapper)):
        raise TypeError(
            f"``optimizer`` should be an Optimizer,but got {type(optimizer).__name__}. "
            f"({scheduler} needs a torch.optim.Optimizer or an OptimWrapper built from the "
            "`optim_wrapper` config.)"
        )
    if isinstance(optimizer, OptimWrapperDict):
        names = list(optimizer.keys())
        raise OptimConfigTypeError(
            f"{scheduler} was given an OptimWrapperDict (optimizer wrappers {names}): a "
            "scheduler adjusts one optimizer. Build one per wrapper, e.g. "
            f"{scheduler}(optim_wrapper[{names[0] if names else 'name'!r}], ...), or in a "
            "Runner config give param_scheduler a dict keyed by these names."
        )


_CHECKED_PARAMS = ("lr", "momentum", "weight_decay")


def _check_begin_end(scheduler: str, begin: Any, end: Any, by_epoch: Any) -> None:
    """Check the types of ``begin``/``end``/``by_epoch`` (before they are compared)."""
    for name, value in (("begin", begin), ("end", end)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            hint = " Leave `end` out for no end." if name == "end" and value is None else ""
            raise TypeError(
                f"{scheduler}: `{name}` must be a number of epochs or iterations, but got "
                f"{value!r} of type {type(value).__name__}.{hint}"
            )
    if isinstance(by_epoch, str):
        raise TypeError(
            f"{scheduler}: `by_epoch` must be a bool, but got the string {by_epoch!r} (any "
            "non-empty string counts as True). Write by_epoch=True or by_epoch=False."
        )
    if end <= begin:
        raise ValueError(
            f"end should be larger than begin, but got begin={begin}, end={end} "
            f"({scheduler} is active on the steps [begin, end); set end > begin)."
        )


def _check_gamma(scheduler: str, gamma: Any) -> None:
    if isinstance(gamma, numbers.Real) and gamma < 0:
        raise OptimValueError(
            f"{scheduler}: gamma must be >= 0 (the value is multiplied by it), but got "
            f"{gamma}: a negative gamma flips the sign of the value at every decay. Use e.g. "
            "gamma=0.1."
        )


def _check_not_negative(scheduler: str, param_name: str, **values: Any) -> None:
    """Reject a negative target value of a parameter that torch requires to be >= 0."""
    if param_name not in _CHECKED_PARAMS:
        return
    for name, value in values.items():
        if isinstance(value, numbers.Real) and value < 0:
            raise OptimValueError(
                f"{scheduler}: {name} must be >= 0 for {param_name!r}, but got {value}: the "
                f"schedule would drive {param_name} below zero."
            )


def _warn_no_end(scheduler: str, other: str | None = None) -> None:
    missing = f"neither `end` nor {other}" if other else "no `end`"
    print_log(
        f"{scheduler} has {missing}: its schedule is spread over {INF} steps, so it never "
        "visibly progresses. Set `end` (a Runner sets it to the training length when it is "
        "left out of the config).",
        logger="current",
        level=logging.WARNING,
    )


def _epoch_to_iter(
    scheduler: str, begin: int, end: int, by_epoch: bool, epoch_length: int | None
) -> tuple[int, int]:
    """Check the conversion arguments and convert ``begin``/``end``."""
    if not by_epoch:
        raise OptimValueError(
            "Only epoch-based kwargs whose `by_epoch=True` can be converted to iter-based. "
            f"({scheduler}.build_iter_from_epoch was called with by_epoch=False.)"
        )
    if (
        isinstance(epoch_length, bool)
        or not isinstance(epoch_length, numbers.Real)
        or epoch_length <= 0
    ):
        raise OptimValueError(
            f"`epoch_length` must be a positive integer, but got {epoch_length}. "
            f"({scheduler}.build_iter_from_epoch needs the number of iterations per epoch, "
            "e.g. len(train_dataloader).)"
        )
    begin = int(begin * epoch_length)
    if end != INF:
        end = int(end * epoch_length)
    return begin, end


def _with_step_counter(method: Callable) -> Callable:
    """Wrap a bound ``step`` so each call increments ``owner._global_step``."""
    if getattr(method, "_with_counter", False):
        return method
    # Weak reference to the owner to avoid a reference cycle.
    instance_ref = weakref.ref(method.__self__)  # type: ignore[attr-defined]
    func = method.__func__  # type: ignore[attr-defined]
    cls = instance_ref().__class__
    del method

    @wraps(func)
    def wrapper(*args, **kwargs):
        instance = instance_ref()
        instance._global_step += 1
        return func.__get__(instance, cls)(*args, **kwargs)

    wrapper._with_counter = True  # type: ignore[attr-defined]
    return wrapper


class _ParamScheduler:
    """Base class of parameter schedulers.

    Subclasses implement :meth:`_get_value`, which returns the new value of
    ``param_name`` for every parameter group at ``self.last_step``. Creating
    a scheduler records ``initial_<param_name>`` in each group (unless set)
    and performs the first step.

    Args:
        optimizer (BaseOptimWrapper or Optimizer): Wrapped optimizer.
        param_name (str): Name of the parameter to adjust, e.g. ``'lr'``.
        begin (int): Step at which to start updating. Defaults to 0.
        end (int): Step at which to stop updating. Defaults to INF.
        last_step (int): Index of the last step, to resume without a state
            dict. -1 means ``step`` was never called. Defaults to -1.
        by_epoch (bool): Whether steps are epochs (else iterations).
            Defaults to True.
        verbose (bool): Whether to print the value at each update.
            Defaults to False.
    """

    def __init__(
        self,
        optimizer: OptimizerType,
        param_name: str,
        begin: int = 0,
        end: int = INF,
        last_step: int = -1,
        by_epoch: bool = True,
        verbose: bool = False,
    ) -> None:
        _check_optimizer(optimizer, type(self).__name__)
        self.optimizer = optimizer
        self.param_name = param_name

        _check_begin_end(type(self).__name__, begin, end, by_epoch)
        self.begin = begin
        self.end = end
        self.by_epoch = by_epoch

        if not isinstance(last_step, int) or last_step < -1:
            raise OptimValueError(
                f"{type(self).__name__}: last_step must be an integer >= -1, got {last_step!r}"
            )
        self._init_initial_values(param_name, last_step)
        self.base_values = [group[f"initial_{param_name}"] for group in optimizer.param_groups]
        self.last_step = last_step

        # Count optimizer.step() calls to warn about a wrong call order
        # (https://github.com/pytorch/pytorch/issues/20124).
        self.optimizer.step = _with_step_counter(self.optimizer.step)  # type: ignore[method-assign]
        self.optimizer._global_step = -1  # type: ignore[union-attr]

        self._global_step = -1
        self.verbose = verbose
        self.step()

    def _init_initial_values(self, param_name: str, last_step: int) -> None:
        groups = self.optimizer.param_groups
        if last_step == -1:
            for i, group in enumerate(groups):
                if param_name not in group:
                    raise KeyError(
                        f"{type(self).__name__}: param_groups[{i}] of the optimizer has no "
                        f"{param_name!r}; available keys: {sorted(k for k in group if k != 'params')}"
                    )
                group.setdefault(f"initial_{param_name}", group[param_name])
        else:
            for i, group in enumerate(groups):
                if f"initial_{param_name}" not in group:
                    raise KeyError(
                        f"param 'initial_{param_name}' is not specified in param_groups[{i}] "
                        "when resuming an optimizer"
                    )

    def state_dict(self) -> dict:
        """Return the state of the scheduler (everything but the optimizer).

        Returns:
            dict: Scheduler state.
        """
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict: dict) -> None:
        """Load the scheduler state.

        Args:
            state_dict (dict): Scheduler state, as returned by
                :meth:`state_dict`.
        """
        self.__dict__.update(state_dict)

    def get_last_value(self) -> list:
        """Return the last value computed by this scheduler.

        Returns:
            list: The value of ``param_name`` of each parameter group.
        """
        return self._last_value

    def _get_value(self) -> list:
        """Compute the value of each parameter group at ``last_step``."""
        raise NotImplementedError

    def print_value(self, is_verbose: bool, group: int, value: float) -> None:
        """Log the parameter value when ``is_verbose``.

        Args:
            is_verbose (bool): Whether to print the value.
            group (int): The index of the parameter group.
            value (float): The parameter value.
        """
        if is_verbose:
            print_log(
                f"Adjusting parameter value of group {group} to {value:.4e}.", logger="current"
            )

    def step(self) -> None:
        """Advance one step and update the parameter of each group if active."""
        if self._global_step == 0:
            if not hasattr(self.optimizer.step, "_with_counter"):
                warnings.warn(
                    "Seems like `optimizer.step()` has been overridden after parameter "
                    "value scheduler initialization. Please, make sure to call "
                    "`optimizer.step()` before `scheduler.step()`. See more details at "
                    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate",
                    UserWarning,
                )
            elif self.optimizer._global_step < 0:  # type: ignore[union-attr]
                warnings.warn(
                    "Detected call of `scheduler.step()` before `optimizer.step()`. In "
                    "PyTorch 1.1.0 and later, you should call them in the opposite order: "
                    "`optimizer.step()` before `scheduler.step()`. Failure to do this will "
                    "result in PyTorch skipping the first value of the parameter value "
                    "schedule. See more details at "
                    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate",
                    UserWarning,
                )
        self._global_step += 1

        if self.begin <= self._global_step < self.end:
            self.last_step += 1
            values = self._get_value()
            for i, (param_group, value) in enumerate(zip(self.optimizer.param_groups, values)):
                param_group[self.param_name] = value
                self.print_value(self.verbose, i, value)

        self._last_value = [group[self.param_name] for group in self.optimizer.param_groups]

    def _current_values(self) -> list:
        return [group[self.param_name] for group in self.optimizer.param_groups]


#: Public alias of the base class.
ParamScheduler = _ParamScheduler


class _EpochToIter:
    """``build_iter_from_epoch``: turn an epoch-based config into an iteration-based one.

    ``begin`` and ``end`` are converted, and so is every argument named in
    ``_epoch_valued`` (a number of epochs, or a list of them) that is given.
    As in 0.10 these arguments are keyword-only: those in ``_epoch_required``
    must be given by name, and the others are passed on by name (None when
    left out), so a value given by position is never left unconverted.
    """

    _epoch_valued: tuple[str, ...] = ()
    _epoch_required: tuple[str, ...] = ()

    @classmethod
    def build_iter_from_epoch(
        cls,
        *args,
        begin: int = 0,
        end: int = INF,
        by_epoch: bool = True,
        epoch_length: int | None = None,
        **kwargs,
    ):
        """Build an iter-based instance of this scheduler from an epoch-based config."""
        for name in cls._epoch_required:
            if name not in kwargs:
                owner = next(c for c in cls.__mro__ if "_epoch_valued" in vars(c))
                raise TypeError(
                    f"{owner.__name__}.build_iter_from_epoch() missing 1 required keyword-only "
                    f"argument: {name!r} (give it by name, e.g. "
                    f"{cls.__name__}.build_iter_from_epoch(optimizer, {name}=..., "
                    "epoch_length=...), so that it is converted to iterations)"
                )
        begin, end = _epoch_to_iter(cls.__name__, begin, end, by_epoch, epoch_length)
        for name in cls._epoch_valued:
            value = kwargs.setdefault(name, None)
            if isinstance(value, (list, tuple)):
                kwargs[name] = [v * epoch_length for v in value]  # type: ignore[operator]
            elif value is not None:
                kwargs[name] = value * epoch_length  # type: ignore[operator]
        return cls(*args, begin=begin, end=end, by_epoch=False, **kwargs)


@PARAM_SCHEDULERS.register_module()
class StepParamScheduler(_EpochToIter, _ParamScheduler):
    """Decay the parameter value by ``gamma`` every ``step_size`` steps.

    Args:
        optimizer (BaseOptimWrapper or Optimizer): Wrapped optimizer.
        param_name (str): Name of the parameter to adjust.
        step_size (int): Period of the decay.
        gamma (float): Multiplicative factor of the decay. Defaults to 0.1.
        begin (int): Step at which to start updating. Defaults to 0.
        end (int): Step at which to stop updating. Defaults to INF.
        last_step (int): Index of the last step. Defaults to -1.
        by_epoch (bool): Whether steps are epochs. Defaults to True.
        verbose (bool): Whether to print each update. Defaults to False.
    """

    _epoch_valued = ("step_size",)
    _epoch_required = ("step_size",)

    def __init__(
        self,
        optimizer: OptimizerType,
        param_name: str,
        step_size: int,
        gamma: float = 0.1,
        begin: int = 0,
        end: int = INF,
        last_step: int = -1,
        by_epoch: bool = True,
        verbose: bool = False,
    ) -> None:
        if step_size == 0:
            raise OptimZeroDivisionError(
                f"{type(self).__name__}: step_size must not be 0 (the value decays every "
                "step_size steps, and step % 0 divides by zero at the first step). Use e.g. "
                "step_size=30."
            )
        _check_gamma(type(self).__name__, gamma)
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(
            optimizer=optimizer,
            param_name=param_name,
            begin=begin,
            end=end,
            last_step=last_step,
            by_epoch=by_epoch,
            verbose=verbose,
        )

    def _get_value(self) -> list:
        if self.last_step == 0 or self.last_step % self.step_size != 0:
            return self._current_values()
        return [group[self.param_name] * self.gamma for group in self.optimizer.param_groups]


@PARAM_SCHEDULERS.register_module()
class MultiStepParamScheduler(_EpochToIter, _ParamScheduler):
    """Decay the parameter value by ``gamma`` at each milestone.

    Args:
        optimizer (BaseOptimWrapper or Optimizer): Wrapped optimizer.
        param_name (str): Name of the parameter to adjust.
        milestones (list): Increasing list of step indices.
        gamma (float): Multiplicative factor of the decay. Defaults to 0.1.
        last_step (int): Index of the last step. Defaults to -1.
        begin (int): Step at which to start updating. Defaults to 0.
        end (int): Step at which to stop updating. Defaults to INF.
        by_epoch (bool): Whether steps are epochs. Defaults to True.
        verbose (bool): Whether to print each update. Defaults to False.
    """

    _epoch_valued = ("milestones",)
    _epoch_required = ("milestones",)

    def __init__(
        self,
        optimizer: OptimizerType,
        param_name: str,
        milestones: list[int],
        gamma: float = 0.1,
        last_step: int = -1,
        begin: int = 0,
        end: int = INF,
        by_epoch: bool = True,
        verbose: bool = False,
    ) -> None:
        if not isinstance(milestones, (list, tuple)):
            raise TypeError(
                f"{type(self).__name__}: milestones must be a list of steps, e.g. "
                f"milestones=[8, 11], but got {milestones!r} of type {type(milestones).__name__}."
            )
        _check_gamma(type(self).__name__, gamma)
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(
            optimizer,
            param_name=param_name,
            begin=begin,
            end=end,
            last_step=last_step,
            by_epoch=by_epoch,
            verbose=verbose,
        )

    def _get_value(self) -> list:
        if self.last_step not in self.milestones:
            return self._current_values()
        factor = self.gamma ** self.milestones[self.last_step]
        return [group[self.param_name] * factor for group in self.optimizer.param_groups]


@PARAM_SCHEDULERS.register_module()
class ConstantParamScheduler(_EpochToIter, _ParamScheduler):
    """Multiply the parameter value by ``factor`` until ``end``.

    The value is ``factor * base`` on steps ``[begin, end - 1)`` and
    restored at step ``end - 1``.

    Args:
        optimizer (Optimizer or BaseOptimWrapper): Wrapped optimizer.
        param_name (str): Name of the parameter to adjust.
        factor (float): Factor in ``[0, 1]`` applied until the milestone.
            Defaults to 1./3.
        begin (int): Step at which to start updating. Defaults to 0.
        end (int): Step at which to stop updating. Defaults to INF.
        last_step (int): Index of the last step. Defaults to -1.
        by_epoch (bool): Whether steps are epochs. Defaults to True.
        verbose (bool): Whether to print each update. Defaults to False.
    """

    def __init__(
        self,
        optimizer: OptimizerType,
        param_name: str,
        factor: float = 1.0 / 3,
        begin: int = 0,
        end: int = INF,
        last_step: int = -1,
        by_epoch: bool = True,
        verbose: bool = False,
    ) -> None:
        if factor > 1.0 or factor < 0:
            raise ValueError(
                "Constant multiplicative factor should between 0 and 1. "
                f"({type(self).__name__} got factor={factor}.)"
            )
        if factor == 0 and end != INF:
            raise OptimZeroDivisionError(
                f"{type(self).__name__}: factor must be > 0 when `end` is set: the value is "
                "divided by the factor at end - 1 to restore it (0 divides by zero, and the "
                "value stays 0). Use a small factor such as 0.001."
            )
        self.factor = factor
        self.total_iters = end - begin - 1
        super().__init__(
            optimizer,
            param_name=param_name,
            begin=begin,
            end=end,
            last_step=last_step,
            by_epoch=by_epoch,
            verbose=verbose,
        )

    def _get_value(self) -> list:
        if self.last_step == 0:
            return [group[self.param_name] * self.factor for group in self.optimizer.param_groups]
        if self.last_step != self.total_iters:
            return self._current_values()
        return [
            group[self.param_name] * (1.0 / self.factor) for group in self.optimizer.param_groups
        ]


@PARAM_SCHEDULERS.register_module()
class ExponentialParamScheduler(_EpochToIter, _ParamScheduler):
    """Decay the parameter value by ``gamma`` every step.

    Args:
        optimizer (Optimizer or BaseOptimWrapper): Wrapped optimizer.
        param_name (str): Name of the parameter to adjust.
        gamma (float): Multiplicative factor of the decay.
        begin (int): Step at which to start updating. Defaults to 0.
        end (int): Step at which to stop updating. Defaults to INF.
        last_step (int): Index of the last step. Defaults to -1.
        by_epoch (bool): Whether steps are epochs. Defaults to True.
        verbose (bool): Whether to print each update. Defaults to False.
    """

    def __init__(
        self,
        optimizer: OptimizerType,
        param_name: str,
        gamma: float,
        begin: int = 0,
        end: int = INF,
        last_step: int = -1,
        by_epoch: bool = True,
        verbose: bool = False,
    ) -> None:
        _check_gamma(type(self).__name__, gamma)
        self.gamma = gamma
        super().__init__(
            optimizer,
            param_name=param_name,
            begin=begin,
            end=end,
            last_step=last_step,
            by_epoch=by_epoch,
            verbose=verbose,
        )

    def _get_value(self) -> list:
        if self.last_step == 0:
            return self._current_values()
        return [group[self.param_name] * self.gamma for group in self.optimizer.param_groups]


@PARAM_SCHEDULERS.register_module()
class CosineAnnealingParamScheduler(_EpochToIter, _ParamScheduler):
    r"""Anneal the parameter value along a cosine curve (SGDR without restarts).

    .. math::
        \eta_t = \eta_{min} + \frac{1}{2}(\eta_{max} - \eta_{min})
        \left(1 + \cos\left(\frac{T_{cur}}{T_{max}}\pi\right)\right)

    computed recursively, so other changes to the value compose with it.

    Args:
        optimizer (Optimizer or BaseOptimWrapper): Wrapped optimizer.
        param_name (str): Name of the parameter to adjust.
        T_max (int, optional): Maximum number of steps; ``end - begin`` when
            None. Defaults to None.
        eta_min (float, optional): Minimum value. Defaults to None (0 unless
            ``eta_min_ratio`` is given).
        begin (int): Step at which to start updating. Defaults to 0.
        end (int): Step at which to stop updating. Defaults to INF.
        last_step (int): Index of the last step. Defaults to -1.
        by_epoch (bool): Whether steps are epochs. Defaults to True.
        verbose (bool): Whether to print each update. Defaults to False.
        eta_min_ratio (float, optional): Minimum value as a ratio of the base
            value; mutually exclusive with ``eta_min``. Defaults to None.
    """

    _epoch_valued = ("T_max",)

    def __init__(
        self,
        optimizer: OptimizerType,
        param_name: str,
        T_max: int | None = None,
        eta_min: float | None = None,
        begin: int = 0,
        end: int = INF,
        last_step: int = -1,
        by_epoch: bool = True,
        verbose: bool = False,
        eta_min_ratio: float | None = None,
    ) -> None:
        if eta_min is None and eta_min_ratio is None:
            eta_min = 0.0
        if not ((eta_min is None) ^ (eta_min_ratio is None)):
            raise OptimValueError(
                "Either `eta_min` or `eta_min_ratio should be specified. "
                f"({type(self).__name__} got both: eta_min={eta_min}, "
                f"eta_min_ratio={eta_min_ratio}; give one of them.)"
            )
        if isinstance(T_max, numbers.Real) and T_max < 0:
            raise OptimValueError(
                f"{type(self).__name__}: T_max must be > 0 (the number of steps from the "
                f"maximum to the minimum), but got {T_max}."
            )
        _check_not_negative(
            type(self).__name__, param_name, eta_min=eta_min, eta_min_ratio=eta_min_ratio
        )
        if not T_max and end == INF:
            _warn_no_end(type(self).__name__, "`T_max`")
        self.T_max = T_max or (end - begin)
        self.eta_min = eta_min
        self.eta_min_ratio = eta_min_ratio
        super().__init__(
            optimizer,
            param_name=param_name,
            begin=begin,
            end=end,
            last_step=last_step,
            by_epoch=by_epoch,
            verbose=verbose,
        )

    def _eta_min(self, base_value: float) -> float:
        if self.eta_min_ratio is None:
            return self.eta_min  # type: ignore[return-value]
        return base_value * self.eta_min_ratio

    def _get_value(self) -> list:
        t, t_max = self.last_step, self.T_max
        groups = self.optimizer.param_groups
        if t == 0:
            return self._current_values()
        if (t - 1 - t_max) % (2 * t_max) == 0:
            return [
                group[self.param_name]
                + (base - self._eta_min(base)) * (1 - math.cos(math.pi / t_max)) / 2
                for base, group in zip(self.base_values, groups)
            ]
        ratio = (1 + math.cos(math.pi * t / t_max)) / (1 + math.cos(math.pi * (t - 1) / t_max))
        return [
            ratio * (group[self.param_name] - self._eta_min(base)) + self._eta_min(base)
            for base, group in zip(self.base_values, groups)
        ]


@PARAM_SCHEDULERS.register_module()
class LinearParamScheduler(_EpochToIter, _ParamScheduler):
    """Change the parameter value by a linearly changing factor until ``end``.

    The factor goes from ``start_factor`` at ``begin`` to ``end_factor`` at
    ``end - 1``.

    Args:
        optimizer (Optimizer or BaseOptimWrapper): Wrapped optimizer.
        param_name (str): Name of the parameter to adjust.
        start_factor (float): Factor at the first step. Defaults to 1./3.
        end_factor (float): Factor at the end. Defaults to 1.0.
        begin (int): Step at which to start updating. Defaults to 0.
        end (int): Step at which to stop updating. Defaults to INF.
        last_step (int): Index of the last step. Defaults to -1.
        by_epoch (bool): Whether steps are epochs. Defaults to True.
        verbose (bool): Whether to print each update. Defaults to False.
    """

    def __init__(
        self,
        optimizer: OptimizerType,
        param_name: str,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        begin: int = 0,
        end: int = INF,
        last_step: int = -1,
        by_epoch: bool = True,
        verbose: bool = False,
    ) -> None:
        if start_factor > 1.0 or start_factor < 0:
            raise ValueError(
                "Starting multiplicative factor should between 0 and 1. "
                f"({type(self).__name__} got start_factor={start_factor}.)"
            )
        if end_factor > 1.0 or end_factor < 0:
            raise ValueError(
                "Ending multiplicative factor should between 0 and 1. "
                f"({type(self).__name__} got end_factor={end_factor}.)"
            )
        if start_factor == 0:
            raise OptimZeroDivisionError(
                f"{type(self).__name__}: start_factor must be > 0: the schedule multiplies the "
                "current value, so a value that starts at 0 stays 0, and the second step "
                "divides by zero. Use a small factor such as 0.001 to warm up from near zero."
            )
        if end == INF:
            _warn_no_end(type(self).__name__)
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = end - begin - 1
        super().__init__(
            optimizer,
            param_name=param_name,
            begin=begin,
            end=end,
            last_step=last_step,
            by_epoch=by_epoch,
            verbose=verbose,
        )

    def _get_value(self) -> list:
        if self.last_step == 0:
            return [
                group[self.param_name] * self.start_factor for group in self.optimizer.param_groups
            ]
        delta = self.end_factor - self.start_factor
        factor = 1.0 + delta / (self.total_iters * self.start_factor + (self.last_step - 1) * delta)
        return [group[self.param_name] * factor for group in self.optimizer.param_groups]


@PARAM_SCHEDULERS.register_module()
class PolyParamScheduler(_EpochToIter, _ParamScheduler):
    """Decay the parameter value polynomially towards ``eta_min`` at ``end``.

    Args:
        optimizer (Optimizer or BaseOptimWrapper): Wrapped optimizer.
        param_name (str): Name of the parameter to adjust.
        eta_min (float): Value at the end of the schedule. Defaults to 0.
        power (float): Power of the polynomial. Defaults to 1.0.
        begin (int): Step at which to start updating. Defaults to 0.
        end (int): Step at which to stop updating. Defaults to INF.
        last_step (int): Index of the last step. Defaults to -1.
        by_epoch (bool): Whether steps are epochs. Defaults to True.
        verbose (bool): Whether to print each update. Defaults to False.
    """

    def __init__(
        self,
        optimizer: OptimizerType,
        param_name: str,
        eta_min: float = 0,
        power: float = 1.0,
        begin: int = 0,
        end: int = INF,
        last_step: int = -1,
        by_epoch: bool = True,
        verbose: bool = False,
    ) -> None:
        if isinstance(power, numbers.Real) and power < 0:
            raise OptimZeroDivisionError(
                f"{type(self).__name__}: power must be >= 0, but got {power}: a negative power "
                "raises the value at every step and divides by zero at the last step."
            )
        _check_not_negative(type(self).__name__, param_name, eta_min=eta_min)
        if end == INF:
            _warn_no_end(type(self).__name__)
        self.eta_min = eta_min
        self.power = power
        self.total_iters = end - begin - 1
        super().__init__(
            optimizer,
            param_name=param_name,
            begin=begin,
            end=end,
            last_step=last_step,
            by_epoch=by_epoch,
            verbose=verbose,
        )

    def _get_value(self) -> list:
        if self.last_step == 0:
            return self._current_values()
        factor = (1 - 1 / (self.total_iters - self.last_step + 1)) ** self.power
        return [
            (group[self.param_name] - self.eta_min) * factor + self.eta_min
            for group in self.optimizer.param_groups
        ]


@PARAM_SCHEDULERS.register_module()
class OneCycleParamScheduler(_EpochToIter, _ParamScheduler):
    """Set the parameter value following the 1cycle policy.

    The value anneals from ``eta_max / div_factor`` up to ``eta_max`` and
    then down to ``eta_max / div_factor / final_div_factor`` (Smith &
    Topin, "Super-Convergence"). Two phases by default (as fastai); three
    with ``three_phase=True``. Not chainable; only ``param_name='lr'``.

    Args:
        optimizer (Optimizer or BaseOptimWrapper): Wrapped optimizer.
        param_name (str): Name of the parameter to adjust (``'lr'``).
        eta_max (float or list): Upper value of the cycle per group.
            Defaults to 0.
        total_steps (int, optional): Steps in the cycle; ``end - begin``
            when None. Defaults to None.
        pct_start (float): Fraction of the cycle spent increasing.
            Defaults to 0.3.
        anneal_strategy (str): ``'cos'`` or ``'linear'``. Defaults to
            ``'cos'``.
        div_factor (float): ``initial = eta_max / div_factor``.
            Defaults to 25.
        final_div_factor (float): ``min = initial / final_div_factor``.
            Defaults to 1e4.
        three_phase (bool): Use the three-phase schedule. Defaults to False.
        begin (int): Step at which to start updating. Defaults to 0.
        end (int): Step at which to stop updating. Defaults to INF.
        last_step (int): Index of the last step. Defaults to -1.
        by_epoch (bool): Whether steps are epochs. Defaults to True.
        verbose (bool): Whether to print each update. Defaults to False.
    """

    _epoch_valued = ("total_steps",)

    def __init__(
        self,
        optimizer: OptimizerType,
        param_name: str,
        eta_max: float | Sequence[float] = 0,
        total_steps: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        begin: int = 0,
        end: int = INF,
        last_step: int = -1,
        by_epoch: bool = True,
        verbose: bool = False,
    ) -> None:
        if param_name != "lr":
            raise OptimValueError(
                "OneCycle only works for learning rate updating, but got patam_name as "
                f"{param_name}. (Use param_name='lr', or another scheduler for {param_name}.)"
            )
        _check_optimizer(optimizer, type(self).__name__)
        self.eta_max = eta_max
        self.div_factor = div_factor
        self.final_div_factor = final_div_factor

        if total_steps is not None:
            if not isinstance(total_steps, int) or total_steps <= 0:
                raise ValueError(f"Expected positive integer total_steps, but got {total_steps}")
            self.total_steps = total_steps
        else:
            if end == INF:
                _warn_no_end(type(self).__name__, "`total_steps`")
            self.total_steps = end - begin

        if not isinstance(pct_start, float) or pct_start < 0 or pct_start > 1:
            raise ValueError(f"Expected float between 0 and 1 pct_start, but got {pct_start}")

        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(
                f'anneal_strategy must by one of "cos" or "linear", instead got {anneal_strategy}'
            )
        self.anneal_strategy = anneal_strategy
        self.three_phase = three_phase

        start, peak, low = f"initial_{param_name}", f"max_{param_name}", f"min_{param_name}"
        s_key, e_key = f"start_{param_name}", f"end_{param_name}"

        def phase(end_step: float, from_key: str, to_key: str) -> dict:
            return {"end_step": end_step, s_key: from_key, e_key: to_key}

        if three_phase:
            self._schedule_phases = [
                phase(float(pct_start * self.total_steps) - 1, start, peak),
                phase(float(2 * pct_start * self.total_steps) - 2, peak, start),
                phase(self.total_steps - 1, start, low),
            ]
        else:
            self._schedule_phases = [
                phase(float(pct_start * self.total_steps) - 1, start, peak),
                phase(self.total_steps - 1, peak, low),
            ]

        max_values = self._format_param(f"max_{param_name}", optimizer, eta_max)
        if last_step == -1:
            for idx, group in enumerate(optimizer.param_groups):
                group[start] = max_values[idx] / div_factor
                group[peak] = max_values[idx]
                group[low] = group[start] / final_div_factor

        super().__init__(
            optimizer=optimizer,
            param_name=param_name,
            begin=begin,
            end=end,
            last_step=last_step,
            by_epoch=by_epoch,
            verbose=verbose,
        )

    def _format_param(self, name: str, optimizer: OptimizerType, param: Any) -> list:
        """Return ``param`` as one value per parameter group."""
        n_groups = len(optimizer.param_groups)
        if isinstance(param, (list, tuple)):
            if len(param) != n_groups:
                raise ValueError(f"expected {n_groups} values for {name}, got {len(param)}")
            return list(param)
        return [param] * n_groups

    @staticmethod
    def _annealing_cos(start: float, end: float, pct: float) -> float:
        """Cosine anneal from ``start`` to ``end`` as ``pct`` goes 0 -> 1."""
        return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)

    @staticmethod
    def _annealing_linear(start: float, end: float, pct: float) -> float:
        """Linear anneal from ``start`` to ``end`` as ``pct`` goes 0 -> 1."""
        return (end - start) * pct + start

    @property
    def anneal_func(self) -> Callable[[float, float, float], float]:
        """The annealing function selected by ``anneal_strategy``."""
        if self.anneal_strategy == "cos":
            return self._annealing_cos
        return self._annealing_linear

    def load_state_dict(self, state_dict: dict) -> None:
        """Load the scheduler state, also one saved by mmengine 0.10.

        0.10 saved the annealing function itself (``anneal_func``) instead of
        ``anneal_strategy``; it is turned back into the strategy name, so the
        state this scheduler saves next holds plain data only (loadable with
        ``torch.load(weights_only=True)``).

        Args:
            state_dict (dict): Scheduler state, as returned by
                :meth:`state_dict`.
        """
        state_dict = dict(state_dict)
        anneal_func = state_dict.pop("anneal_func", None)
        if anneal_func is not None and "anneal_strategy" not in state_dict:
            name = getattr(anneal_func, "__name__", "")
            if name == "_annealing_linear":
                state_dict["anneal_strategy"] = "linear"
            elif name == "_annealing_cos":
                state_dict["anneal_strategy"] = "cos"
        super().load_state_dict(state_dict)

    def _get_value(self) -> list:
        step_num = self.last_step
        if step_num > self.total_steps:
            raise ValueError(
                f"Tried to step {step_num + 1} times. The specified number of total steps "
                f"is {self.total_steps}"
            )
        anneal = self.anneal_func
        s_key, e_key = f"start_{self.param_name}", f"end_{self.param_name}"
        values = []
        last_phase = len(self._schedule_phases) - 1
        for group in self.optimizer.param_groups:
            start_step = 0.0
            value = group[self.param_name]
            for i, phase in enumerate(self._schedule_phases):
                end_step = phase["end_step"]
                if step_num <= end_step or i == last_phase:
                    pct = (step_num - start_step) / (end_step - start_step)
                    value = anneal(group[phase[s_key]], group[phase[e_key]], pct)
                    break
                start_step = end_step
            values.append(value)
        return values


@PARAM_SCHEDULERS.register_module()
class CosineRestartParamScheduler(_EpochToIter, _ParamScheduler):
    """Cosine annealing with restarts (SGDR).

    Each period ``i`` anneals from ``base * restart_weights[i]`` to the
    minimum along a cosine; then the next period restarts.

    Args:
        optimizer (Optimizer or BaseOptimWrapper): Wrapped optimizer.
        param_name (str): Name of the parameter to adjust.
        periods (list[int]): Length of each cosine period.
        restart_weights (list[float]): Weight of the restart value of each
            period. Defaults to [1].
        eta_min (float, optional): Minimum value; mutually exclusive with
            ``eta_min_ratio``. Defaults to None.
        eta_min_ratio (float, optional): Minimum value as a ratio of the base
            value. Defaults to None.
        begin (int): Step at which to start updating. Defaults to 0.
        end (int): Step at which to stop updating. Defaults to INF.
        last_step (int): Index of the last step. Defaults to -1.
        by_epoch (bool): Whether steps are epochs. Defaults to True.
        verbose (bool): Whether to print each update. Defaults to False.
    """

    _epoch_valued = ("periods",)
    _epoch_required = ("periods",)

    def __init__(
        self,
        optimizer: OptimizerType,
        param_name: str,
        periods: list[int],
        restart_weights: Sequence[float] = (1,),
        eta_min: float | None = None,
        eta_min_ratio: float | None = None,
        begin: int = 0,
        end: int = INF,
        last_step: int = -1,
        by_epoch: bool = True,
        verbose: bool = False,
    ) -> None:
        if not ((eta_min is None) ^ (eta_min_ratio is None)):
            raise OptimValueError(
                f"{type(self).__name__}: either `eta_min` or `eta_min_ratio` should be "
                f"specified (exactly one), got eta_min={eta_min}, eta_min_ratio={eta_min_ratio}."
            )
        if not isinstance(periods, (list, tuple)) or not isinstance(restart_weights, (list, tuple)):
            raise TypeError(
                f"{type(self).__name__}: periods and restart_weights must be lists of the same "
                f"length, e.g. periods=[10, 20], restart_weights=[1, 0.5], but got "
                f"periods={periods!r}, restart_weights={restart_weights!r}."
            )
        if len(periods) != len(restart_weights):
            raise OptimValueError(
                "periods and restart_weights should have the same length. "
                f"({type(self).__name__} got {len(periods)} periods and "
                f"{len(restart_weights)} restart_weights.)"
            )
        bad = [p for p in periods if isinstance(p, numbers.Real) and p <= 0]
        if bad:
            raise OptimValueError(
                f"{type(self).__name__}: every period must be > 0 steps, but periods={periods}."
            )
        _check_not_negative(
            type(self).__name__, param_name, eta_min=eta_min, eta_min_ratio=eta_min_ratio
        )
        self.periods = periods
        self.eta_min = eta_min
        self.eta_min_ratio = eta_min_ratio
        self.restart_weights = restart_weights
        self.cumulative_periods = [sum(periods[: i + 1]) for i in range(len(periods))]
        super().__init__(
            optimizer,
            param_name=param_name,
            begin=begin,
            end=end,
            last_step=last_step,
            by_epoch=by_epoch,
            verbose=verbose,
        )

    @staticmethod
    def get_position_from_periods(iteration: int, cumulative_periods: list[int]) -> int | None:
        """Index of the period containing ``iteration`` (None past the end).

        Args:
            iteration (int): Current step.
            cumulative_periods (list[int]): Cumulative sums of the periods.

        Returns:
            int | None: The period index.
        """
        for i, period in enumerate(cumulative_periods):
            if iteration < period:
                return i
        return None

    def _get_value(self) -> list:
        idx = self.get_position_from_periods(self.last_step, self.cumulative_periods)
        if idx is None:
            return self._current_values()
        weight = self.restart_weights[idx]
        nearest_restart = 0 if idx == 0 else self.cumulative_periods[idx - 1]
        period = self.periods[idx]
        step = self.last_step - nearest_restart
        values = []
        for base, group in zip(self.base_values, self.optimizer.param_groups):
            eta_max = base * weight
            eta_min = self.eta_min if self.eta_min_ratio is None else base * self.eta_min_ratio
            if step == 0:
                values.append(eta_max)
            else:
                ratio = (1 + math.cos(math.pi * step / period)) / (
                    1 + math.cos(math.pi * (step - 1) / period)
                )
                values.append(ratio * (group[self.param_name] - eta_min) + eta_min)
        return values


@PARAM_SCHEDULERS.register_module()
class ReduceOnPlateauParamScheduler(_ParamScheduler):
    """Reduce the parameter value when a monitored metric stops improving.

    ``step()`` without metrics only counts steps (the runner calls it after
    each training epoch); ``step(metrics)`` (after validation) checks the
    ``monitor`` metric and multiplies the value by ``factor`` after
    ``patience`` steps without improvement. Mirrors torch's
    ``ReduceLROnPlateau``.

    Args:
        optimizer (Optimizer or BaseOptimWrapper): Wrapped optimizer.
        param_name (str): Name of the parameter to adjust.
        monitor (str): Key of the metric to monitor. Defaults to ``'loss'``.
        rule (str): ``'less'`` (reduce when the metric stops decreasing) or
            ``'greater'``. Defaults to ``'less'``.
        factor (float): ``new = old * factor``; must be < 1. Defaults to 0.1.
        patience (int): Steps without improvement tolerated. Defaults to 10.
        threshold (float): Threshold of a significant change. Defaults to
            1e-4.
        threshold_rule (str): ``'rel'`` or ``'abs'``. Defaults to ``'rel'``.
        cooldown (int): Steps to wait after a reduction. Defaults to 0.
        min_value (float or list[float]): Lower bound per group. Defaults to
            0.
        eps (float): Reductions smaller than this are ignored. Defaults to
            1e-8.
        begin (int): Step at which to start monitoring. Defaults to 0.
        end (int): Step at which to stop monitoring. Defaults to INF.
        last_step (int): Index of the last step. Defaults to -1.
        by_epoch (bool): Must be True. Defaults to True.
        verbose (bool): Whether to print each update. Defaults to False.
    """

    need_val_args = True

    def __init__(
        self,
        optimizer: OptimizerType,
        param_name: str,
        monitor: str = "loss",
        rule: str = "less",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_rule: str = "rel",
        cooldown: int = 0,
        min_value: float | Sequence[float] = 0.0,
        eps: float = 1e-8,
        begin: int = 0,
        end: int = INF,
        last_step: int = -1,
        by_epoch: bool = True,
        verbose: bool = False,
    ) -> None:
        _check_optimizer(optimizer, type(self).__name__)
        self.optimizer = optimizer
        self.param_name = param_name
        _check_begin_end(type(self).__name__, begin, end, by_epoch)
        self.begin = begin
        self.end = end
        if not by_epoch:
            raise OptimValueError(f"Now {type(self).__name__} only support by_epoch=True")
        self.by_epoch = by_epoch
        if not isinstance(last_step, int) or last_step < -1:
            raise OptimValueError(
                f"{type(self).__name__}: last_step must be an integer >= -1, got {last_step!r}"
            )
        self._init_initial_values(param_name, last_step)
        self.last_step = last_step
        self._global_step = 0
        self.verbose = verbose

        if factor >= 1.0:
            raise ValueError(
                f"Factor should be < 1.0. ({type(self).__name__} got factor={factor}; the value "
                "is multiplied by it at each reduction.)"
            )
        if factor < 0:
            raise ValueError(
                f"{type(self).__name__}: factor must be in [0, 1), but got {factor}: a "
                "negative factor makes the value negative (it is then clipped to min_value)."
            )
        if isinstance(patience, numbers.Real) and patience < 0:
            raise ValueError(
                f"{type(self).__name__}: patience must be >= 0 (the number of checks without "
                f"improvement tolerated), but got {patience}: the value would be reduced at "
                "every check, even when the metric improves."
            )
        self.factor = factor

        # An OptimWrapper with several groups adds a base-settings group last;
        # give it the bound of the last real group.
        raw_optimizer = (
            optimizer.optimizer if isinstance(optimizer, BaseOptimWrapper) else optimizer
        )
        if isinstance(min_value, (list, tuple)):
            if len(min_value) != len(raw_optimizer.param_groups):
                raise ValueError(
                    f"expected {len(raw_optimizer.param_groups)} min_lrs, got {len(min_value)}. "
                    f"({type(self).__name__}: give one min_value per param group, or a "
                    "single number for all of them.)"
                )
            self.min_values = list(min_value)
            if (
                isinstance(optimizer, BaseOptimWrapper)
                and optimizer.base_param_settings is not None
            ):
                self.min_values.append(self.min_values[-1])
        else:
            self.min_values = [min_value] * len(optimizer.param_groups)

        self.patience = patience
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.rule_worse: float | None = None
        self.best: float | None = None
        self.num_bad_epochs = 0
        self.eps = eps
        self.threshold = threshold
        self.rule = rule
        self.threshold_rule = threshold_rule
        self.monitor = monitor
        self._init_is_better(rule=rule, threshold=threshold, threshold_rule=threshold_rule)
        self._reset()

        self._last_value = self._current_values()

    def step(self, metrics: dict | None = None) -> None:  # type: ignore[override]
        """Count a step, or check ``metrics`` and reduce the value if due.

        Args:
            metrics (dict[str, float], optional): Evaluation results on the
                validation set. None only counts the step. Defaults to None.
        """
        if metrics is None:
            self._global_step += 1
            return
        if not isinstance(metrics, dict):
            raise TypeError(f"metrics type should be dict, but got type {type(metrics)}")

        if self.begin <= self._global_step < self.end:
            self.last_step += 1
            metric = metrics.get(self.monitor, None)
            if metric is None:
                raise KeyError(self._missing_metric_message(metrics))
            try:
                metric = float(metric)
            except (TypeError, ValueError):
                raise OptimTypeValueError(
                    f"{type(self).__name__}: the monitored metric {self.monitor!r} must be a "
                    f"number, but the evaluator returned {metric!r}."
                ) from None
            if self._is_better(metric, self.best):
                self.best = metric
                self.num_bad_epochs = 0
            else:
                self.num_bad_epochs += 1

            if self._in_cooldown():
                self.cooldown_counter -= 1
                self.num_bad_epochs = 0

            if self.num_bad_epochs > self.patience:
                values = self._get_value()
                for i, (group, value) in enumerate(zip(self.optimizer.param_groups, values)):
                    if group[self.param_name] - value > self.eps:
                        group[self.param_name] = value
                        self.print_value(self.verbose, i, value)
                self.cooldown_counter = self.cooldown
                self.num_bad_epochs = 0

        self._last_value = self._current_values()

    def _missing_metric_message(self, metrics: dict) -> str:
        keys = list(metrics.keys())
        message = f"Excepted key in {keys}, but got key {self.monitor} is not in dict. "
        if self.monitor in metrics:
            return message + (
                f"({type(self).__name__}: the metric {self.monitor!r} is None; the evaluator "
                "must return a number for it.)"
            )
        hint = did_you_mean(self.monitor, keys)
        return message + (
            f"({type(self).__name__}: `monitor={self.monitor!r}` names no metric of the "
            f"evaluator; set it to one of the keys above, with their prefix.{hint})"
        )

    def print_value(self, is_verbose: bool, group: int, value: float) -> None:
        """Log the parameter value when ``is_verbose``.

        Args:
            is_verbose (bool): Whether to print the value.
            group (int): The index of the parameter group.
            value (float): The parameter value.
        """
        if is_verbose:
            print_log(
                f"Adjusting parameter value of group {group} to {value:.4e} "
                f"in epoch {self.last_step}.",
                logger="current",
            )

    def _get_value(self) -> list:
        values = [
            float(group[self.param_name]) * self.factor for group in self.optimizer.param_groups
        ]
        return [max(value, min_value) for value, min_value in zip(values, self.min_values)]

    def _in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def _is_better(self, a: float, best: float | None) -> bool:
        assert best is not None
        if self.rule == "less" and self.threshold_rule == "rel":
            return a < best * (1.0 - self.threshold)
        if self.rule == "less" and self.threshold_rule == "abs":
            return a < best - self.threshold
        if self.rule == "greater" and self.threshold_rule == "rel":
            return a > best * (self.threshold + 1.0)
        return a > best + self.threshold

    def _init_is_better(self, rule: str, threshold: float, threshold_rule: str) -> None:
        if rule not in {"less", "greater"}:
            raise ValueError(
                f"mode {rule} is unknown! ({type(self).__name__}: rule must be 'less', to "
                "reduce when the metric stops decreasing, or 'greater'.)"
            )
        if threshold_rule not in {"rel", "abs"}:
            raise ValueError(
                f"threshold mode {threshold_rule} is unknown! ({type(self).__name__}: "
                "threshold_rule must be 'rel' or 'abs'.)"
            )
        if threshold < 0:
            raise ValueError(
                f"threshold {threshold} should be >= 0. ({type(self).__name__}: it is the "
                "change that counts as an improvement.)"
            )
        if rule == "less" and threshold_rule == "rel" and not 0 <= threshold < 1:
            raise ValueError(
                "With rule='less' and threshold_rule='rel' the threshold must be in [0, 1) "
                f"(a metric is better when below best * (1 - threshold)), got {threshold}."
            )
        # 0.10 starts from +-INF (1e9), not math.inf: state dicts and ``best`` hold that value.
        self.rule_worse = INF if rule == "less" else -INF

    def _reset(self) -> None:
        self.best = self.rule_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0
