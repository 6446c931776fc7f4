"""Version-robust wrappers of torch operators."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from ..version_utils import digit_version  # noqa: F401 (upstream binds these names here)
from .parrots_wrapper import TORCH_VERSION  # noqa: F401

#: 0.10's flag: whether ``torch.meshgrid`` takes ``indexing`` (every supported torch does).
_torch_version_meshgrid_indexing = True


def torch_meshgrid(*tensors: torch.Tensor) -> Sequence[torch.Tensor]:
    """A wrapper of :func:`torch.meshgrid` using ``'ij'`` (matrix) indexing.

    Passing ``indexing`` explicitly avoids the warning recent PyTorch emits
    when it is omitted, while keeping the historical behaviour.

    Args:
        tensors (List[Tensor]): List of scalars or 1 dimensional tensors.

    Returns:
        Sequence[Tensor]: Sequence of meshgrid tensors.
    """
    return torch.meshgrid(*tensors, indexing="ij")
