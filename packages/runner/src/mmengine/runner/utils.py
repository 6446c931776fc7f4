"""Small runner utilities: seeding, batch-size discovery, validation intervals."""

from __future__ import annotations

import logging
import numbers
import os
import random
from typing import Any

import numpy as np
import torch

from mmengine.device import is_cuda_available, is_musa_available  # noqa: F401
from mmengine.dist import get_rank, sync_random_seed
from mmengine.logging import print_log
from mmengine.utils import digit_version, is_list_of  # noqa: F401  (upstream's globals)
from mmengine.utils.dl_utils import TORCH_VERSION  # noqa: F401


def calc_dynamic_intervals(
    start_interval: int, dynamic_interval_list: list[tuple[int, int]] | None = None
) -> tuple[list[int], list[int]]:
    """Turn ``[(milestone, interval), ...]`` into milestone and interval lists.

    The first milestone is 0 with ``start_interval``; the pairs are sorted by milestone.

    Args:
        start_interval (int): the interval before the first milestone.
        dynamic_interval_list (list[tuple[int, int]], optional): ``(milestone, interval)``
            pairs.

    Returns:
        tuple[list[int], list[int]]: the milestones and the interval from each on.
    """
    if dynamic_interval_list is None:
        return [0], [start_interval]
    pairs = sorted(dynamic_interval_list, key=lambda x: x[0])
    milestones = [0] + [m for m, _ in pairs]
    intervals = [start_interval] + [i for _, i in pairs]
    return milestones, intervals


def _load_rich() -> None:
    """Import ``rich`` before seeding, as 0.10 has it imported by then.

    rich draws from Python's global ``random`` when it is first imported (``rich.style`` starts
    an id counter at ``getrandbits(24)``). 0.10's ``import mmengine`` loads it (``mmengine.utils``
    imports its rich progress bar); ours loads it lazily, so a first import after seeding (e.g.
    mmpretrain's, when the runner imports the default scope's modules) shifted the seeded stream
    that data transforms draw from (``RandomApply``, ``RandomGrayscale``, ...).
    """
    try:
        import rich.progress  # noqa: F401  # workspace: optional
    except ImportError:  # without rich nothing draws from the stream on import
        pass


def set_random_seed(
    seed: int | None = None, deterministic: bool = False, diff_rank_seed: bool = False
) -> int:
    """Seed ``random``, NumPy and torch (CPU and every CUDA device).

    Args:
        seed (int, optional): the seed; when None a random one is drawn on rank 0 and shared
            with every rank.
        deterministic (bool): also make cuDNN and torch algorithms deterministic (slower).
        diff_rank_seed (bool): add the rank to the seed so that every rank differs.

    Returns:
        int: the seed actually used (before the rank offset).
    """
    if seed is None:
        seed = sync_random_seed()
    elif not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"The random seed must be an int or None, but got {seed!r} "
            f"({type(seed).__name__}): set randomness.seed (or --cfg-options "
            "randomness.seed=<int>) to a whole number, or leave it unset for a random one."
        )
    elif not isinstance(seed, int):
        seed = int(seed)  # a NumPy integer (Python's random.seed refuses it)
    used = seed + get_rank() if diff_rank_seed else seed
    _load_rich()
    random.seed(used)
    np.random.seed(used % (2**32))
    torch.manual_seed(used)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(used)
    os.environ["PYTHONHASHSEED"] = str(used)
    if deterministic:
        if torch.backends.cudnn.benchmark:
            print_log(
                "torch.backends.cudnn.benchmark is going to be set as `False` to make the "
                "training deterministic",
                logger="current",
                level=logging.WARNING,
            )
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.use_deterministic_algorithms(True)
    return seed


def _get_batch_size(dataloader: Any) -> int:
    """Batch size of a DataLoader or of a dataloader config dict.

    Raises:
        ValueError: a config with neither ``batch_size`` nor ``batch_sampler.batch_size``.
    """
    if isinstance(dataloader, dict):
        if "batch_size" in dataloader:
            return dataloader["batch_size"]
        sampler = dataloader.get("batch_sampler") or {}
        size = sampler.get("batch_size") if isinstance(sampler, dict) else None
        if size is None:
            raise ValueError(
                "Please set batch_size in `Dataloader` or `batch_sampler` (the dataloader "
                f"config has keys {sorted(dataloader)})"
            )
        return size
    size = getattr(dataloader, "batch_size", None)
    if size is None:
        size = getattr(getattr(dataloader, "batch_sampler", None), "batch_size", None)
    return size
