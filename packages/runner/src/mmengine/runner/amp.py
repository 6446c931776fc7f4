"""A device-aware autocast context."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

import torch

from mmengine.device import (  # noqa: F401  (upstream's module globals)
    get_device,
    is_cuda_available,
    is_mlu_available,
    is_npu_available,
)
from mmengine.logging import print_log
from mmengine.utils import digit_version  # noqa: F401
from mmengine.utils.dl_utils import TORCH_VERSION  # noqa: F401

_AUTOCAST_DEVICES = ("cuda", "cpu", "mlu", "npu", "musa")


def _autocast_off(device_type: str) -> AbstractContextManager:
    """``torch.autocast(device_type, enabled=False)``; a no-op for a device this torch's
    autocast does not know (torch < 2.5 rejects 'mps' even to turn it off)."""
    try:
        return torch.autocast(device_type=device_type, enabled=False)
    except RuntimeError:
        return nullcontext()


@contextmanager
def autocast(
    device_type: str | None = None,
    dtype: torch.dtype | None = None,
    enabled: bool = True,
    cache_enabled: bool | None = None,
) -> Iterator[None]:
    """Run the block in mixed precision on any device, wrapping :class:`torch.autocast`.

    Args:
        device_type (str, optional): 'cuda', 'cpu', 'mlu', 'npu' or 'musa'; defaults to the
            current device (:func:`mmengine.device.get_device`).
        dtype (torch.dtype, optional): the low precision dtype; defaults to float16 on CUDA and
            bfloat16 on the CPU, as torch does. The CPU supports only bfloat16.
        enabled (bool): when False the block runs in full precision.
        cache_enabled (bool, optional): whether autocast caches weight casts.

    Raises:
        ValueError: an unsupported ``device_type`` (e.g. 'mps') with ``enabled=True``.
        AssertionError: CPU autocast with a dtype other than ``torch.bfloat16``.

    Examples:
        >>> import torch
        >>> from mmengine.runner import autocast
        >>> with autocast(device_type='cpu', dtype=torch.bfloat16):
        ...     torch.nn.Linear(2, 2)(torch.ones(1, 2)).dtype
        torch.bfloat16
    """
    if not enabled:
        with _autocast_off(device_type or "cpu"):
            yield
        return
    device_type = device_type or get_device()
    if device_type not in _AUTOCAST_DEVICES:
        raise ValueError(
            f"User specified autocast device_type must be cuda or cpu, but got {device_type} "
            f"(mmengine's autocast supports {', '.join(_AUTOCAST_DEVICES)}; pass "
            "enabled=False to run this device in full precision)"
        )
    if device_type == "cpu" and dtype is not None and dtype is not torch.bfloat16:
        raise AssertionError(
            "In CPU autocast, only support `torch.bfloat16` dtype "
            f"(got {dtype}; pass dtype=torch.bfloat16 or leave it None)"
        )
    if device_type == "cuda" and not torch.cuda.is_available():
        print_log(
            "autocast(device_type='cuda') is disabled because CUDA is not available here: the "
            "block runs in full precision. Use device_type='cpu' (bfloat16) for mixed "
            "precision on the CPU",
            logger="current",
            level=logging.WARNING,
        )
        yield
        return
    kwargs: dict = {}
    if dtype is not None:
        kwargs["dtype"] = dtype
    if cache_enabled is not None:
        kwargs["cache_enabled"] = cache_enabled
    with torch.autocast(device_type=device_type, **kwargs):
        yield
