"""Rank, world size, device and host of this process, without importing torch.

``torch.distributed`` is consulted only when the user's program has already
imported it and initialised a process group; otherwise the launcher's
environment variables (``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``, as set by
``torchrun``, ``torch.distributed.launch``, slurm wrappers) are used.
"""

from __future__ import annotations

import os
import sys
import warnings
from typing import Any

__all__ = ["get_rank", "get_world_size", "get_device_id", "get_host_info"]


def _initialized_torch_dist() -> Any:
    """The ``torch.distributed`` module if it is imported and initialised."""
    dist = sys.modules.get("torch.distributed")
    if dist is None:
        return None
    if dist.is_available() and dist.is_initialized():
        return dist
    return None


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(
            f"Environment variable {name}={raw!r} is not an integer; unset it "
            "or set it to the process rank / world size."
        ) from None


def get_rank() -> int:
    """Global rank of this process (0 when not distributed).

    Returns:
        int: ``torch.distributed.get_rank()`` if a process group is
        initialised, else ``$RANK``, else 0.
    """
    dist = _initialized_torch_dist()
    if dist is not None:
        return int(dist.get_rank())
    return _int_env("RANK", 0)


def get_world_size() -> int:
    """Number of processes (1 when not distributed).

    Returns:
        int: ``torch.distributed.get_world_size()`` if a process group is
        initialised, else ``$WORLD_SIZE``, else 1.
    """
    dist = _initialized_torch_dist()
    if dist is not None:
        return int(dist.get_world_size())
    return _int_env("WORLD_SIZE", 1)


def _cuda_available() -> bool | None:
    """``torch.cuda.is_available()``, or None when torch is not installed.

    torch is used if already imported, else imported only if installed (this
    is asked for the per-rank log file names of distributed runs, which run
    torch anyway).
    """
    torch = sys.modules.get("torch")
    if torch is None:
        import importlib.util

        if importlib.util.find_spec("torch") is None:
            return None
        import torch  # workspace: optional
    return bool(torch.cuda.is_available())


def get_device_id() -> int | str:
    """Id of the accelerator this process uses.

    As upstream: 0 without torch; ``$LOCAL_RANK`` when CUDA is not
    available; with CUDA, ``$LOCAL_RANK`` mapped through
    ``$CUDA_VISIBLE_DEVICES`` when that is set (entries that are not
    integers, such as MIG UUIDs, are returned as strings).

    Returns:
        int or str: The device id.
    """
    cuda = _cuda_available()
    if cuda is None:
        return 0
    local_rank = _int_env("LOCAL_RANK", 0)
    if not cuda:
        return local_rank
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if not visible:
        return local_rank
    devices = [d.strip() for d in visible.split(",") if d.strip()]
    if local_rank >= len(devices):
        return local_rank
    device = devices[local_rank]
    try:
        return int(device)
    except ValueError:
        return device


def get_host_info() -> str:
    """``user@hostname`` of this process, or '' if it cannot be found."""
    from getpass import getuser  # deferred: socket costs ~4 ms at import
    from socket import gethostname

    try:
        return f"{getuser()}@{gethostname()}"
    except Exception as exc:  # getuser raises OSError/KeyError in containers
        warnings.warn(f"Host or user not found: {exc}", stacklevel=2)
        return ""
