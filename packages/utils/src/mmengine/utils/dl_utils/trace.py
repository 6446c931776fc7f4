"""Detect TorchScript tracing."""

from __future__ import annotations

import torch


def is_jit_tracing() -> bool:
    """Whether the code is being run under :func:`torch.jit.trace`.

    Returns:
        bool: True while tracing.
    """
    return bool(torch.jit.is_tracing())
