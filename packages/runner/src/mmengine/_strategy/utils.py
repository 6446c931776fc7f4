"""Helpers of the strategies: building a model without allocating its weights."""

from __future__ import annotations

import functools
from typing import Any

import torch
from torch.utils._python_dispatch import TorchDispatchMode

__all__ = ["MetaTensorContext"]


@functools.cache
def _is_tensor_constructor(func: Any) -> bool:
    """Whether an aten op makes a tensor from no tensor (``empty``, ``zeros``, ``randn``...)."""
    schema = getattr(func, "_schema", None)
    if schema is None:
        return False
    returns_tensor = len(schema.returns) == 1 and isinstance(
        schema.returns[0].type, torch.TensorType
    )
    takes_tensor = any(
        isinstance(arg.type, torch.TensorType) or "Tensor" in str(arg.type)
        for arg in schema.arguments
    )
    return returns_tensor and not takes_tensor


class MetaTensorContext(TorchDispatchMode):
    """Inside this context, tensors are created on the ``meta`` device (no memory).

    Building a large model in it costs nothing; its weights are materialised later (e.g.
    ``module.to_empty(device=...)`` after sharding) and then loaded from a checkpoint, which
    is what ``FSDPStrategy(skip_init_weights=True)`` does.
    """

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):  # noqa: ANN001, ANN204
        kwargs = dict(kwargs or {})
        if _is_tensor_constructor(func):
            kwargs["device"] = torch.device("meta")
        return func(*args, **kwargs)
