"""Detect TorchScript tracing."""

from __future__ import annotations

import torch

from ..version_utils import digit_version  # noqa: F401 (upstream binds these names here)


def is_jit_tracing() -> bool:
    """Whether the code is being run under :func:`torch.jit.trace`.

    Returns:
        bool: True while tracing.
    """
    return bool(torch.jit.is_tracing())
