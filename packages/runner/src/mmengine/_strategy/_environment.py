"""The process environment of a strategy: open-file limits, the shared run timestamp and the
settings reported by :meth:`BaseStrategy.collect_env`."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict

import torch

from mmengine.dist import broadcast


def shared_timestamp() -> str:
    """The run's ``%Y%m%d_%H%M%S`` timestamp: rank 0's on every rank (broadcast when
    distributed, a no-op otherwise)."""
    stamp = torch.tensor(time.time(), dtype=torch.float64)
    broadcast(stamp)
    return time.strftime("%Y%m%d_%H%M%S", time.localtime(stamp.item()))


def runtime_env(
    randomness: dict, seed: int, launcher: str, distributed: bool, world_size: int
) -> OrderedDict:
    """The run's settings as :meth:`BaseStrategy.collect_env` reports them."""
    env: OrderedDict = OrderedDict()
    env.update(randomness)
    env["seed"] = seed
    env["Distributed launcher"] = launcher
    env["Distributed training"] = distributed
    env["GPU number"] = world_size
    return env


def raise_open_files_limit(limit: int) -> None:
    """Raise the soft limit of open files (dataloader workers share tensors through them)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(max(limit, soft), hard) if hard != resource.RLIM_INFINITY else max(limit, soft)
    if wanted > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        except (ValueError, OSError):  # pragma: no cover - not permitted: keep the limit
            logging.getLogger(__name__).debug("could not raise RLIMIT_NOFILE to %s", wanted)
