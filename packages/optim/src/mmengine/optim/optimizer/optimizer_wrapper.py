"""OptimWrapper: one interface for backward, step, zero_grad and accumulation."""

from __future__ import annotations

import inspect
import logging
import numbers
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import torch
import torch.nn as nn
from torch.optim import Optimizer

from mmengine.config.parsing import add_note as _add_note  # PEP 678 notes, also on 3.10
from mmengine.logging import MessageHub, print_log
from mmengine.registry import OPTIM_WRAPPERS
from mmengine.utils._messages import closest
from mmengine.utils.dl_utils import has_batch_norm

from ._errors import OptimConfigTypeError, OptimTypeError, OptimValueError
from .base import BaseOptimWrapper

# What ``optim_context`` returns when there is nothing to enter (reusable, reentrant).
_NO_CONTEXT = nullcontext()

_NO_GRAD_NOTE = (
    "The loss returned by the model does not depend on any trainable parameter (it has no "
    "grad_fn): the model's output was detached (.detach(), .item(), a new tensor built "
    "from values, or computed under torch.no_grad()), every parameter it uses is frozen "
    "(requires_grad=False), or the loss is a constant. Compute the loss from the model's "
    "outputs with autograd enabled, and leave at least one of the parameters it uses "
    "trainable."
)


def _check_accumulative_counts(accumulative_counts: Any) -> int:
    """``accumulative_counts`` as an int >= 1 (an integral float such as 2.0 is accepted)."""
    if isinstance(accumulative_counts, float) and accumulative_counts.is_integer():
        accumulative_counts = int(accumulative_counts)
    if not isinstance(accumulative_counts, numbers.Real):
        raise OptimTypeError(
            "_accumulative_counts at least greater than or equal to 1: `accumulative_counts` "
            f"must be a positive integer, but got {accumulative_counts!r} of type "
            f"{type(accumulative_counts).__name__}."
        )
    if not isinstance(accumulative_counts, numbers.Integral) or accumulative_counts < 1:
        raise OptimValueError(
            "_accumulative_counts at least greater than or equal to 1: `accumulative_counts` "
            f"must be a positive integer (1 updates every iteration), but got "
            f"{accumulative_counts!r}."
        )
    return int(accumulative_counts)


def _check_clip_kwargs(clip_func: Any, clip_type: str, kwargs: dict) -> None:
    """Check the arguments of ``clip_func`` when the wrapper is built, not at the first step."""
    try:
        parameters = inspect.signature(clip_func).parameters
    except (TypeError, ValueError):  # pragma: no cover - torch functions have signatures
        return
    accepted = [name for name in parameters if name != "parameters"]
    unknown = [name for name in kwargs if name not in parameters or name == "parameters"]
    if unknown:
        hints = []
        for name in unknown:
            close = closest(name, accepted)
            if close:
                hints.append(f"{name!r} (did you mean {close[0]!r}?)")
            else:
                hints.append(repr(name))
        raise OptimTypeError(
            f"{clip_func.__name__}() got an unexpected keyword argument {unknown[0]!r}: "
            f"clip_grad (type {clip_type!r}) has unknown argument(s) {', '.join(hints)}. "
            f"{clip_func.__name__} accepts {accepted}."
        )
    missing = [
        name
        for name, p in parameters.items()
        if name != "parameters" and p.default is inspect.Parameter.empty and name not in kwargs
    ]
    if missing:
        raise OptimTypeError(
            f"{clip_func.__name__}() missing 1 required positional argument: {missing[0]!r}: "
            f"clip_grad (type {clip_type!r}) needs {missing[0]!r}, e.g. "
            f"clip_grad=dict(type={clip_type!r}, {missing[0]}=1.0)."
        )
    limit_name = "max_norm" if clip_type == "norm" else "clip_value"
    limit = kwargs.get(limit_name)
    if isinstance(limit, numbers.Real) and not isinstance(limit, bool) and limit <= 0:
        if limit == 0:
            effect = "0 sets every gradient to zero"
        elif clip_type == "norm":
            effect = "a negative max_norm flips the sign of the gradients (gradient ascent)"
        else:
            effect = "a negative clip_value replaces every gradient element by that value"
        raise OptimValueError(
            f"clip_grad {limit_name} must be > 0, but got {limit!r}: {effect}, so the model "
            f"would not learn. Use a positive value, e.g. clip_grad=dict({limit_name}=1.0)."
        )


class _explain_backward:
    """Context manager around a ``backward`` of ``loss``: a RuntimeError raised inside
    while ``loss`` does not require grad gets :data:`_NO_GRAD_NOTE` (the error itself,
    torch's class and text, propagates unchanged). Shared by every wrapper's ``backward``.

    A class rather than a generator: entering it costs next to nothing on the
    per-iteration path and adds no frame to the traceback.
    """

    __slots__ = ("loss",)

    def __init__(self, loss: Any) -> None:
        self.loss = loss

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, exc: BaseException | None, traceback: Any) -> bool:
        if exc is None:
            return False
        loss = self.loss
        if isinstance(exc, RuntimeError):
            if not getattr(loss, "requires_grad", True):
                _add_note(exc, _NO_GRAD_NOTE)
            elif "only for scalar outputs" in str(exc) and isinstance(loss, torch.Tensor):
                _add_note(
                    exc,
                    f"The loss given to the optimizer wrapper has shape {tuple(loss.shape)}; "
                    "it must be a single number. Reduce it first, e.g. loss.mean() or "
                    "loss.sum() (the model's loss function should return a scalar).",
                )
        elif isinstance(exc, AttributeError) and not isinstance(loss, torch.Tensor):
            raise OptimConfigTypeError(
                f"{exc}: the optimizer wrapper needs the loss as a scalar torch.Tensor, but "
                f"got {type(loss).__name__}. "
                + (
                    "Sum a dict of losses first, e.g. `loss, log_vars = "
                    "model.parse_losses(losses)`."
                    if isinstance(loss, dict)
                    else "Return the loss tensor itself, not a Python number (.item() drops "
                    "the autograd graph)."
                )
            ) from exc
        return False  # never swallow the error


@OPTIM_WRAPPERS.register_module()
class OptimWrapper(BaseOptimWrapper):
    """Optimizer wrapper providing a common interface for updating parameters.

    ``OptimWrapper`` wraps a ``torch.optim.Optimizer`` and implements gradient
    accumulation and gradient clipping; subclasses such as
    :class:`AmpOptimWrapper` add mixed precision by overriding
    :meth:`backward`, :meth:`step` and :meth:`optim_context`.

    Args:
        optimizer (Optimizer): Optimizer used to update model parameters.
        accumulative_counts (int): Number of iterations to accumulate
            gradients over; parameters are updated every
            ``accumulative_counts`` calls of :meth:`update_params`.
            Defaults to 1.
        clip_grad (dict, optional): Arguments of
            ``torch.nn.utils.clip_grad_norm_`` (``type='norm'``, the default:
            ``max_norm``, ``norm_type``, ``error_if_nonfinite``) or of
            ``torch.nn.utils.clip_grad_value_`` (``type='value'``:
            ``clip_value``). The gradient norm is logged to the current
            :class:`MessageHub` as ``train/grad_norm``. Defaults to None.

    Note:
        With ``accumulative_counts > 1``, run the forward pass and
        :meth:`update_params` inside :meth:`optim_context` to skip the
        gradient synchronization of DDP on the accumulating iterations, and
        call :meth:`initialize_count_status` so that the last incomplete
        window is scaled correctly.

    Examples:
        >>> import torch, torch.nn as nn
        >>> from mmengine.optim import OptimWrapper
        >>> model = nn.Linear(1, 1)
        >>> optim_wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
        >>> loss = model(torch.ones(1, 1)).sum()
        >>> optim_wrapper.update_params(loss)
    """

    def __init__(
        self,
        optimizer: Optimizer,
        accumulative_counts: int = 1,
        clip_grad: dict | None = None,
    ) -> None:
        # Like 0.10, any optimizer-like object with ``param_groups`` is accepted (optimizers
        # of other libraries need not derive from torch.optim.Optimizer).
        if not isinstance(optimizer, Optimizer) and not hasattr(optimizer, "param_groups"):
            raise OptimConfigTypeError(
                f"{type(optimizer).__name__!r} object has no attribute 'param_groups': "
                "OptimWrapper needs a built optimizer (a `torch.optim.Optimizer` instance), "
                f"but got {type(optimizer)}. Build the optimizer first, e.g. "
                "`OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))`, or give "
                "`optimizer=dict(type=...)` to `build_optim_wrapper`."
            )
        accumulative_counts = _check_accumulative_counts(accumulative_counts)
        super().__init__(optimizer)
        self._accumulative_counts = int(accumulative_counts)

        self.clip_grad_kwargs: dict[str, Any] | None = None
        if clip_grad is not None:
            self._init_clip_grad(clip_grad)

        # Recorded at construction, as upstream does: the runner creates its
        # MessageHub before it builds the optimizer wrapper.
        self.message_hub = MessageHub.get_current_instance()
        # Number of `update_params`/`backward` calls done so far.
        self._inner_count = 0
        # Total number of iterations; -1 until `initialize_count_status`.
        self._max_counts = -1
        # Size of the last, incomplete accumulation window (-1: unknown).
        self._remainder_counts = -1

    def _init_clip_grad(self, clip_grad: dict) -> None:
        if not isinstance(clip_grad, dict) or not clip_grad:
            raise OptimTypeError(
                "If `clip_grad` is not None, it should be a `dict` which is the arguments of "
                "`torch.nn.utils.clip_grad_norm_` or clip_grad_value_`. Got "
                f"{clip_grad!r}; e.g. clip_grad=dict(max_norm=1.0) or "
                'clip_grad=dict(type="value", clip_value=0.5).'
            )
        kwargs = dict(clip_grad)
        clip_type = kwargs.pop("type", "norm")
        if clip_type == "norm":
            self.clip_func = torch.nn.utils.clip_grad_norm_
            self.grad_name = "grad_norm"
        elif clip_type == "value":
            self.clip_func = torch.nn.utils.clip_grad_value_
            self.grad_name = "grad_value"
        else:
            raise OptimValueError(
                f'type of clip_grad should be "norm" or "value" but got {clip_type}. '
                '"norm" clips the total gradient norm (clip_grad_norm_, argument max_norm), '
                '"value" clips each gradient element (clip_grad_value_, argument clip_value).'
            )
        if not kwargs:
            raise OptimValueError(
                "`clip_grad` should contain other arguments besides `type`, e.g. "
                '`max_norm` for type "norm" or `clip_value` for type "value".'
            )
        _check_clip_kwargs(self.clip_func, clip_type, kwargs)
        self.clip_grad_kwargs = kwargs

    # ------------------------------------------------------------------ update
    def update_params(
        self,
        loss: torch.Tensor,
        step_kwargs: dict | None = None,
        zero_kwargs: dict | None = None,
    ) -> None:
        """Back-propagate ``loss`` and, when due, step and zero the gradients.

        Args:
            loss (torch.Tensor): The loss to back-propagate.
            step_kwargs (dict, optional): Arguments for ``optimizer.step``.
            zero_kwargs (dict, optional): Arguments for ``optimizer.zero_grad``.
        """
        loss = self.scale_loss(loss)
        self.backward(loss)
        if self.should_update():
            if step_kwargs:
                self.step(**step_kwargs)
            else:
                self.step()
            if zero_kwargs:
                self.zero_grad(**zero_kwargs)
            else:
                self.zero_grad()

    def backward(self, loss: torch.Tensor, **kwargs) -> None:
        """Back-propagate ``loss`` and count the iteration.

        Subclasses overriding this method must increment ``_inner_count``.

        Args:
            loss (torch.Tensor): The loss of the current iteration.
            **kwargs: Keyword arguments passed to ``torch.Tensor.backward``.
        """
        with _explain_backward(loss):
            loss.backward(**kwargs)
        self._inner_count += 1

    def zero_grad(self, **kwargs) -> None:
        """Zero the gradients (``optimizer.zero_grad``).

        Args:
            **kwargs: Keyword arguments passed to ``optimizer.zero_grad``.
        """
        self.optimizer.zero_grad(**kwargs)

    def step(self, **kwargs) -> None:
        """Clip gradients when configured, then call ``optimizer.step``.

        Args:
            **kwargs: Keyword arguments passed to ``optimizer.step``.
        """
        if self.clip_grad_kwargs:
            self._clip_grad()
        self.optimizer.step(**kwargs)

    def _clip_grad(self) -> None:
        params = [
            p
            for group in self.optimizer.param_groups
            for p in group["params"]
            if p.requires_grad and p.grad is not None
        ]
        if not params:
            return
        grad = self.clip_func(params, **self.clip_grad_kwargs)
        # clip_grad_value_ returns None.
        if grad is not None:  # a tensor: on an accelerator, the hub converts it when read
            self.message_hub.update_scalar(f"train/{self.grad_name}", grad)

    # ------------------------------------------------------------ accumulation
    def initialize_count_status(self, model: nn.Module, init_counts: int, max_counts: int) -> None:
        """Initialize the counters used by gradient accumulation.

        Without this call accumulation still works, but when ``max_counts``
        is not a multiple of ``accumulative_counts`` the last window would be
        scaled by the full ``accumulative_counts`` and never stepped.

        Args:
            model (nn.Module): The training model (checked for BatchNorm).
            init_counts (int): The initial value of the inner count (the
                iteration training resumes from).
            max_counts (int): The total number of training iterations.
        """
        self._inner_count = init_counts
        self._max_counts = max_counts
        if self._inner_count % self._accumulative_counts != 0:
            # 0.10's sentence (verbatim, stale hook name included) leads; the numbers follow.
            print_log(
                "Resumed iteration number is not divisible by `_accumulative_counts` in "
                "`GradientCumulativeOptimizerHook`, which means the gradient of some iterations "
                f"is lost and the result may be influenced slightly. (Resumed at iteration "
                f"{init_counts} with accumulative_counts={self._accumulative_counts}.)",
                logger="current",
                level=logging.WARNING,
            )
        if self._accumulative_counts > 1 and has_batch_norm(model):
            print_log(
                "Gradient accumulative may slightly decrease performance because the model "
                "has BatchNorm layers.",
                logger="current",
                level=logging.WARNING,
            )
        self._remainder_counts = self._max_counts % self._accumulative_counts

    def scale_loss(self, loss: torch.Tensor) -> torch.Tensor:
        """Divide ``loss`` by the size of the current accumulation window.

        The window is ``accumulative_counts`` long, except the last one when
        ``max_counts`` is not a multiple of it: there the divisor is the
        number of iterations left in that window.

        Args:
            loss (torch.Tensor): Original loss calculated by the model.

        Returns:
            torch.Tensor: The scaled loss.
        """
        accumulative_counts = self._accumulative_counts
        if accumulative_counts == 1:
            return loss
        if self._max_counts == -1:
            loss_factor = accumulative_counts
        else:
            if self._inner_count < self._max_counts - self._remainder_counts:
                loss_factor = accumulative_counts
            else:
                loss_factor = self._remainder_counts
            if loss_factor <= 0:
                raise OptimValueError(
                    "loss_factor should be larger than zero! This happens when "
                    "`initialize_count_status` was called with a wrong `init_counts` "
                    f"({self._inner_count}) or `max_counts` ({self._max_counts})."
                )
        return loss / loss_factor

    def should_update(self) -> bool:
        """Whether the parameters should be updated at this iteration.

        Returns:
            bool: True at the end of each accumulation window and at the
            last iteration.
        """
        inner_count = self._inner_count
        return inner_count % self._accumulative_counts == 0 or inner_count == self._max_counts

    def should_sync(self) -> bool:
        """Whether gradients should be synchronized at this iteration.

        Called before :meth:`backward`, so it looks one iteration ahead.

        Returns:
            bool: False while accumulating, True before an update.
        """
        next_count = self._inner_count + 1
        return next_count % self._accumulative_counts == 0 or next_count == self._max_counts

    def optim_context(self, model: nn.Module) -> AbstractContextManager:
        """Context for the forward pass and :meth:`update_params`.

        With gradient accumulation, enters ``model.no_sync()`` (when the model
        has one, e.g. DDP) on the iterations that do not update parameters;
        otherwise it does nothing (a shared ``nullcontext``: nothing is created
        per iteration).

        Args:
            model (nn.Module): The training model.

        Returns:
            AbstractContextManager: The context to enter.
        """
        if not self.should_sync() and hasattr(model, "no_sync"):
            return model.no_sync()
        return _NO_CONTEXT

    @property
    def inner_count(self) -> int:
        """Number of ``update_params``/``backward`` calls counted so far."""
        return self._inner_count

    @property
    def max_counts(self) -> int:
        """Total number of iterations (-1 until initialized)."""
        return self._max_counts

    @property
    def accumulative_counts(self) -> int:
        """Number of iterations gradients are accumulated over."""
        return self._accumulative_counts

    def __repr__(self) -> str:
        wrapper_info = (
            f"Type: {type(self).__name__}\n"
            f"_accumulative_counts: {self._accumulative_counts}\n"
            "optimizer: \n"
        )
        return wrapper_info + repr(self.optimizer) + "\n"
