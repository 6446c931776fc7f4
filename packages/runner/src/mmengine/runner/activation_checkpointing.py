"""Activation checkpointing: recompute chosen sub-modules' activations in the backward pass."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from operator import attrgetter
from typing import Any

import torch
from torch.utils.checkpoint import checkpoint


def wrap_forward(forward: Callable) -> Callable:
    """Wrap ``forward`` so that it runs under :func:`torch.utils.checkpoint.checkpoint`.

    Only positional arguments are forwarded, as upstream does.
    """

    @wraps(forward)
    def wrapper(*args: Any) -> Any:
        return checkpoint(forward, *args, use_reentrant=False)

    return wrapper


def turn_on_activation_checkpointing(model: torch.nn.Module, modules: list[str] | str) -> None:
    """Checkpoint the activations of the named sub-modules of ``model``.

    Each sub-module's ``forward`` is replaced (on the instance) by one that runs it under
    :func:`torch.utils.checkpoint.checkpoint`: its activations are freed after the forward
    pass and recomputed in the backward pass, trading compute for memory. Outputs and
    gradients are unchanged.

    Args:
        model (torch.nn.Module): the model.
        modules (str or list[str]): dotted paths of sub-modules, e.g. ``'backbone.layer1'``.

    Raises:
        AttributeError: a path that names no sub-module of ``model``.

    Examples:
        >>> import torch
        >>> from torch import nn
        >>> from mmengine.runner import turn_on_activation_checkpointing
        >>> model = nn.Module()
        >>> model.backbone = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
        >>> turn_on_activation_checkpointing(model, ['backbone.0', 'backbone.1'])
        >>> model.backbone(torch.ones(1, 2)).sum().backward()  # forwards run again here
        >>> model.backbone[0].weight.grad is not None
        True
    """
    if isinstance(modules, str):
        modules = [modules]
    for module_name in modules:
        module = attrgetter(module_name)(model)
        module.forward = wrap_forward(module.forward)
