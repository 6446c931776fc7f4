"""Helpers to recognise model wrappers (DDP, FSDP, ...)."""

from __future__ import annotations

import torch.nn as nn

from mmengine.registry import MODEL_WRAPPERS, Registry


def is_model_wrapper(model: nn.Module, registry: Registry = MODEL_WRAPPERS) -> bool:
    """Check if a module is a model wrapper.

    Every class registered in ``registry`` (by default
    :data:`mmengine.registry.MODEL_WRAPPERS`) or in one of its children
    registries is regarded as a model wrapper. ``DataParallel``,
    ``DistributedDataParallel``, :class:`MMDistributedDataParallel`,
    :class:`MMSeparateDistributedDataParallel` and
    :class:`MMFullyShardedDataParallel` are registered by default. Register
    your own wrapper into ``MODEL_WRAPPERS`` to have it recognised.

    Args:
        model (nn.Module): The model to be checked.
        registry (Registry): The parent registry to search for model
            wrappers.

    Returns:
        bool: True if the input model is a model wrapper.
    """
    # A plain loop over the registry's own dict: no tuple built per call (get_state_dict asks
    # once per submodule).
    for cls in registry._module_dict.values():
        if isinstance(cls, type) and isinstance(model, cls):
            return True
    for child in registry._children.values():
        if is_model_wrapper(model, child):
            return True
    return False
