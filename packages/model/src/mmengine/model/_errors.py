"""Errors shared by the models and their wrappers (no imports of the model modules)."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn as nn

__all__ = ["TrainStepTypeError"]


class TrainStepTypeError(AttributeError, TypeError):
    """``train_step`` got something it cannot use: an optimizer where an optimizer wrapper
    belongs, or losses without a loss to back-propagate (an AttributeError as in 0.10, where
    ``.optim_context``/``.backward`` failed, and a TypeError)."""


def _check_optim_wrapper(optim_wrapper: Any, exc: BaseException) -> None:
    """Raise a clear error if ``optim_wrapper`` caused ``exc`` by not being a wrapper."""
    if hasattr(optim_wrapper, "optim_context") and hasattr(optim_wrapper, "update_params"):
        return
    kind = _type_path(optim_wrapper)
    fix = (
        "wrap it: OptimWrapper(optimizer=optimizer)"
        if isinstance(optim_wrapper, torch.optim.Optimizer)
        else "build one, e.g. OptimWrapper(optimizer=torch.optim.SGD(model.parameters(), lr=0.01))"
    )
    raise TrainStepTypeError(
        f"{exc}. train_step(data, optim_wrapper) needs an optimizer wrapper "
        f"(mmengine.optim.OptimWrapper), but got a {kind}; {fix}. In a config, "
        "optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)) builds one."
    ) from exc


def _no_loss_error(model: nn.Module, parsed: Any, losses: Any) -> TrainStepTypeError:
    """The error for losses that parse into a number, not a tensor to back-propagate."""
    keys = list(losses.keys()) if hasattr(losses, "keys") else []
    loss_keys = [k for k in keys if "loss" in k]
    if loss_keys:
        reason = f"the values of {loss_keys} are empty lists"
    else:
        reason = (
            f"parse_losses sums the values whose key contains 'loss', and "
            f"{type(model).__name__}.forward returned none (keys: {keys})"
        )
    return TrainStepTypeError(
        f"{type(parsed).__name__!r} object has no attribute 'backward'. "
        f'forward(mode="loss") returned no loss to back-propagate: {reason}. Return at '
        "least one tensor under a key containing 'loss', e.g. dict(loss_cls=loss)."
    )


def _type_path(obj: Any) -> str:
    """``module.QualName`` of ``obj``'s class (just the name for builtins)."""
    cls = type(obj)
    if cls.__module__ == "builtins":
        return cls.__qualname__
    return f"{cls.__module__}.{cls.__qualname__}"
