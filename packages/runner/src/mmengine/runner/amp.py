"""A device-aware autocast context."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import torch

from mmengine.device import get_device
from mmengine.logging import print_log


@contextmanager
def autocast(
    device_type: str | None = None,
    dtype: torch.dtype | None = None,
    enabled: bool = True,
    cache_enabled: bool | None = None,
) -> Iterator[None]:
    """Run the block in mixed precision on any device, wrapping :class:`torch.autocast`.

    Args:
        device_type (str, optional): 'cuda', 'cpu', 'npu', 'mlu', 'mps' or 'musa'; defaults to
            the current device (:func:`mmengine.device.get_device`).
        dtype (torch.dtype, optional): the low precision dtype; defaults to float16 on CUDA and
            bfloat16 on the CPU, as torch does.
        enabled (bool): when False the block runs in full precision.
        cache_enabled (bool, optional): whether autocast caches weight casts.

    Examples:
        >>> with autocast(device_type='cpu', dtype=torch.bfloat16):
        ...     y = torch.nn.Linear(2, 2)(torch.ones(1, 2))
    """
    if not enabled:
        with torch.autocast(device_type=device_type or "cpu", enabled=False):
            yield
        return
    device_type = device_type or get_device()
    if device_type == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(
            "autocast(device_type='cuda') needs CUDA, which is not available here; use "
            "device_type='cpu' (with dtype=torch.bfloat16) or enabled=False"
        )
    kwargs: dict = {}
    if dtype is not None:
        kwargs["dtype"] = dtype
    if cache_enabled is not None:
        kwargs["cache_enabled"] = cache_enabled
    if device_type == "cpu" and dtype is torch.float16:
        print_log(
            "float16 autocast on the CPU is slow and partly supported; bfloat16 is the CPU's "
            "low precision dtype",
            logger="current",
            level=logging.WARNING,
        )
    with torch.autocast(device_type=device_type, **kwargs):
        yield
