"""Detect which accelerator this process can use.

Every ``is_*_available`` check is safe to call on any machine: vendor extensions
(``torch_npu``, ``torch_mlu``, ``torch_musa``, ``torch_dipu``) are only imported
when they are installed, and any failure while probing them means "not
available" rather than an exception.

As in 0.10, the vendor probes run once, at import, into the module flags
``IS_NPU_AVAILABLE``, ``IS_MLU_AVAILABLE``, ``IS_MUSA_AVAILABLE`` and
``IS_DIPU_AVAILABLE``, and the device type into ``DEVICE``: the
``is_*_available()`` functions and :func:`get_device` return those flags, so
patching a flag (``unittest.mock.patch('mmengine.device.utils.DEVICE',
'cuda')``) changes what they answer.  ``is_cuda_available()`` and
``is_mps_available()`` ask torch on every call.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from typing import Any

import torch

__all__ = [
    "get_device",
    "get_max_cuda_memory",
    "get_max_musa_memory",
    "is_cuda_available",
    "is_dipu_available",
    "is_mlu_available",
    "is_mps_available",
    "is_musa_available",
    "is_npu_available",
    "is_npu_support_full_precision",
]

# Ascend SoC versions from this one on compute natively in fp32.
_NPU_FULL_PRECISION_SOC_VERSION = 220


def _try_import(module_name: str) -> Any | None:
    """Import ``module_name`` if it is installed, else return None.

    A vendor extension that is installed but broken (missing driver, ABI
    mismatch) is treated as absent: the whole point of the probe is to decide
    whether the accelerator can be used.
    """
    try:
        if importlib.util.find_spec(module_name) is None:
            return None
        return importlib.import_module(module_name)
    except Exception:  # a broken vendor install means "not available"
        return None


def is_cuda_available() -> bool:
    """Returns True if cuda devices exist."""
    return torch.cuda.is_available()


def _probe_npu() -> bool:
    """Whether Ascend PyTorch (``torch_npu``) is installed and sees a device."""
    if _try_import("torch_npu") is None:
        return False
    try:
        available = hasattr(torch, "npu") and bool(torch.npu.is_available())
        if available:
            # Dynamic shapes are common in detection models; the NPU runs them
            # without JIT compilation unless the user asks for it.
            jit_compile = bool(os.getenv("NPUJITCompile", ""))
            torch.npu.set_compile_mode(jit_compile=jit_compile)
        return available
    except Exception:
        return False


def _probe_mlu() -> bool:
    """Whether Cambricon PyTorch (``torch_mlu``) is installed and sees a device."""
    try:
        if hasattr(torch, "is_mlu_available"):
            return bool(torch.is_mlu_available())
        if _try_import("torch_mlu") is None:
            return False
        return hasattr(torch, "mlu") and bool(torch.mlu.is_available())
    except Exception:
        return False


def _probe_musa() -> bool:
    """Whether Moore Threads PyTorch (``torch_musa``) is installed and sees a device."""
    if _try_import("torch_musa") is None:
        return False
    try:
        return hasattr(torch, "musa") and bool(torch.musa.is_available())
    except Exception:
        return False


def _probe_dipu() -> bool:
    """Whether the DIPU extension (``torch_dipu``) is installed."""
    return _try_import("torch_dipu") is not None


def is_npu_available() -> bool:
    """Returns True if Ascend PyTorch and npu devices exist."""
    return IS_NPU_AVAILABLE


def is_mlu_available() -> bool:
    """Returns True if Cambricon PyTorch and mlu devices exist."""
    return IS_MLU_AVAILABLE


def is_mps_available() -> bool:
    """Return True if mps devices exist.

    It's specialized for mac m1 chips and require torch version 1.12 or higher.
    """
    mps = getattr(torch.backends, "mps", None)
    return mps is not None and bool(mps.is_available())


def is_dipu_available() -> bool:
    """Returns True if the DIPU extension (``torch_dipu``) is installed."""
    return IS_DIPU_AVAILABLE


def is_musa_available() -> bool:
    """Returns True if Moore Threads PyTorch (``torch_musa``) and musa devices exist."""
    return IS_MUSA_AVAILABLE


def is_npu_support_full_precision() -> bool:
    """Returns True if the Ascend NPU in use computes natively in full precision.

    Older Ascend SoCs compute matrix multiplications in fp16 only; callers use
    this to decide whether mixed precision must be forced.
    """
    if not is_npu_available():
        return False
    try:
        import torch_npu

        return torch_npu._C._npu_get_soc_version() >= _NPU_FULL_PRECISION_SOC_VERSION
    except Exception:
        return False


def get_max_cuda_memory(device: torch.device | int | str | None = None) -> int:
    """Returns the maximum GPU memory occupied by tensors in megabytes (MB).

    By default, this returns the peak allocated memory since the beginning of
    this program, or since the previous call: the peak statistics of the
    current device are reset after reading them, so consecutive calls report
    the peak of each interval.

    It calls ``torch.cuda.max_memory_allocated(device=device)`` and then
    ``torch.cuda.reset_peak_memory_stats()`` directly, as 0.10 does (tests
    may patch both).

    Args:
        device (torch.device, optional): selected device. Returns statistic
            for the current device, given by ``torch.cuda.current_device()``,
            if ``device`` is None. Defaults to None.

    Returns:
        int: The maximum GPU memory occupied by tensors in megabytes for a
        given device.

    Raises:
        RuntimeError: If CUDA is not available (torch's error, explained).
    """
    try:
        mem = torch.cuda.max_memory_allocated(device=device)
        torch.cuda.reset_peak_memory_stats()
    except RuntimeError as exc:
        raise RuntimeError(
            f"{exc} (get_max_cuda_memory() reads the CUDA allocator's statistics and needs a "
            f"CUDA device, device={device!r}; torch.cuda.is_available() is "
            f"{torch.cuda.is_available()}. Call it only when "
            "mmengine.device.is_cuda_available() is True.)"
        ) from exc
    return int(mem) // (1024 * 1024)


def get_max_musa_memory(device: torch.device | int | str | None = None) -> int:
    """Returns the maximum MUSA memory occupied by tensors in megabytes (MB).

    The peak since the beginning of the program: as in 0.10, the statistics
    are not reset.

    Args:
        device (torch.device, optional): selected device. Returns statistic
            for the current device if ``device`` is None. Defaults to None.

    Returns:
        int: The maximum MUSA memory occupied by tensors in megabytes.

    Raises:
        AttributeError: If torch has no ``musa`` module (``torch_musa`` is not
            installed), as in 0.10.
    """
    musa = getattr(torch, "musa", None)
    if musa is None:
        raise AttributeError(
            "module 'torch' has no attribute 'musa' (get_max_musa_memory() needs Moore "
            "Threads PyTorch, torch_musa, and a MUSA device; call it only when "
            "mmengine.device.is_musa_available() is True)",
            name="musa",
            obj=torch,
        )
    mem = musa.max_memory_allocated(device=device)
    return int(mem) // (1024 * 1024)


def _detect_device() -> str:
    """The first available of npu, cuda, mlu, mps, dipu and musa, else cpu."""
    if IS_NPU_AVAILABLE:
        return "npu"
    if is_cuda_available():
        return "cuda"
    if IS_MLU_AVAILABLE:
        return "mlu"
    if is_mps_available():
        return "mps"
    if IS_DIPU_AVAILABLE:
        return "dipu"
    if IS_MUSA_AVAILABLE:
        return "musa"
    return "cpu"


def get_device() -> str:
    """Returns the currently existing device type.

    The first available of npu, cuda, mlu, mps, dipu and musa, detected when
    this module was imported (the ``DEVICE`` module global, as in 0.10);
    ``'cpu'`` when none is.

    Returns:
        str: cuda | npu | mlu | mps | musa | dipu | cpu.
    """
    return DEVICE


# Probed once, at import (upstream's module globals; the functions above
# return them). Vendor extensions are only imported when installed.
IS_NPU_AVAILABLE: bool = _probe_npu()
IS_MLU_AVAILABLE: bool = _probe_mlu()
IS_MPS_AVAILABLE: bool = is_mps_available()
IS_MUSA_AVAILABLE: bool = _probe_musa()
IS_DIPU_AVAILABLE: bool = _probe_dipu()
# The device type detected at import; get_device() returns it.
DEVICE: str = _detect_device()
