"""The process environment of a strategy: open-file limits, the shared run timestamp and the
settings reported by :meth:`BaseStrategy.collect_env` and at the top of a run's log."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict

import torch

from mmengine.dist import broadcast
from mmengine.utils.dl_utils import collect_env


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


def log_env(logger: logging.Logger, settings: dict, randomness: dict, seed: int, launcher: str,
            world_size: int) -> None:  # fmt: skip
    """Log the environment block 0.10 logs: ``collect_env()`` under "System environment", then
    under "Runtime environment" ``settings`` (the ``env_cfg`` items), the randomness settings,
    the seed and the distributed setup."""
    if not any(handler.level <= logging.INFO for handler in logger.handlers):
        return  # no handler would show it (``log_level='WARNING'``): nothing to collect
    runtime = OrderedDict(settings)
    runtime.update(runtime_env(randomness, seed, launcher, launcher != "none", world_size))

    def lines(items: dict) -> str:
        return "".join(f"    {key}: {value}\n" for key, value in items.items())

    sep = "-" * 60
    logger.info(
        f"\n{sep}\nSystem environment:\n{lines(collect_env())}\n"
        f"Runtime environment:\n{lines(runtime)}{sep}\n"
    )
