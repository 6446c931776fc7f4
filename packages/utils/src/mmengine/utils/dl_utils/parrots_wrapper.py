"""Aliases of torch internals that OpenMMLab code imports by these names.

``parrots`` (SenseTime's PyTorch-compatible framework) is not supported; the
names resolve to their PyTorch counterparts.
"""

from __future__ import annotations

from typing import Any

import torch
from torch.nn.modules.batchnorm import _BatchNorm
from torch.nn.modules.conv import _ConvNd, _ConvTransposeMixin
from torch.nn.modules.instancenorm import _InstanceNorm
from torch.nn.modules.pooling import (
    _AdaptiveAvgPoolNd,
    _AdaptiveMaxPoolNd,
    _AvgPoolNd,
    _MaxPoolNd,
)
from torch.utils.data import DataLoader

TORCH_VERSION = torch.__version__

# parrots has a dedicated PoolDataLoader; on PyTorch it is the DataLoader.
PoolDataLoader = DataLoader
SyncBatchNorm_ = torch.nn.SyncBatchNorm


def is_rocm_pytorch() -> bool:
    """Whether PyTorch was built for ROCm (AMD GPUs)."""
    return getattr(torch.version, "hip", None) is not None


def _get_cuda_home() -> str | None:
    """The CUDA (or ROCm) toolkit directory PyTorch extensions build against."""
    if is_rocm_pytorch():
        from torch.utils.cpp_extension import ROCM_HOME

        return ROCM_HOME
    from torch.utils.cpp_extension import CUDA_HOME

    return CUDA_HOME


def get_build_config() -> str:
    """The output of ``torch.__config__.show()``: how PyTorch was built."""
    return torch.__config__.show()


def _get_conv() -> tuple:
    return _ConvNd, _ConvTransposeMixin


def _get_dataloader() -> tuple:
    return DataLoader, PoolDataLoader


def _get_extension() -> tuple:
    from torch.utils.cpp_extension import BuildExtension, CppExtension, CUDAExtension

    return BuildExtension, CppExtension, CUDAExtension


def _get_pool() -> tuple:
    return _AdaptiveAvgPoolNd, _AdaptiveMaxPoolNd, _AvgPoolNd, _MaxPoolNd


def _get_norm() -> tuple:
    return _BatchNorm, _InstanceNorm, SyncBatchNorm_


class SyncBatchNorm(SyncBatchNorm_):  # type: ignore[misc, valid-type]
    """``torch.nn.SyncBatchNorm`` (kept as a subclass for compatibility)."""


def __getattr__(name: str) -> Any:
    # torch.utils.cpp_extension is slow to import: load it only on demand.
    if name in ("BuildExtension", "CppExtension", "CUDAExtension"):
        return dict(zip(("BuildExtension", "CppExtension", "CUDAExtension"), _get_extension()))[
            name
        ]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
