"""Helpers to look through model wrappers without importing mmengine.model."""

from __future__ import annotations

import torch.nn as nn
from torch.nn.parallel import DataParallel, DistributedDataParallel


def is_wrapped_model(model: object) -> bool:
    """Whether ``model`` is a model wrapper (DDP, DP or a registered wrapper).

    A model counts as wrapped when it is an instance of torch's
    ``DistributedDataParallel``/``DataParallel`` or of any class registered
    in ``mmengine.registry.MODEL_WRAPPERS`` (searched in every scope).
    """
    if isinstance(model, (DistributedDataParallel, DataParallel)):
        return True
    try:
        from mmengine.registry import MODEL_WRAPPERS
    except ImportError:  # pragma: no cover - registry is a declared dependency
        return False
    return _is_registered_wrapper(model, MODEL_WRAPPERS)


def _is_registered_wrapper(model: object, registry) -> bool:
    module_dict = getattr(registry, "module_dict", None) or {}
    classes = tuple(cls for cls in module_dict.values() if isinstance(cls, type))
    if classes and isinstance(model, classes):
        return True
    for child in getattr(registry, "children", {}).values():
        if _is_registered_wrapper(model, child):
            return True
    return False


def unwrap_model(model: nn.Module) -> nn.Module:
    """Return ``model.module`` for a wrapped model, else ``model`` itself."""
    if is_wrapped_model(model) and hasattr(model, "module"):
        return model.module
    return model
