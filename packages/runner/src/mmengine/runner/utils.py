"""Small runner utilities: seeding and batch-size discovery."""

from __future__ import annotations

import logging
import os
import random
from typing import Any

import numpy as np
import torch

from mmengine.dist import get_rank, sync_random_seed
from mmengine.logging import print_log


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
    used = seed + get_rank() if diff_rank_seed else seed
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


def _get_batch_size(dataloader: Any) -> int | None:
    """Batch size of a DataLoader or of a dataloader config dict, or None if unknown."""
    if isinstance(dataloader, dict):
        if "batch_size" in dataloader:
            return dataloader["batch_size"]
        sampler = dataloader.get("batch_sampler") or {}
        return sampler.get("batch_size") if isinstance(sampler, dict) else None
    if dataloader is None:
        return None
    size = getattr(dataloader, "batch_size", None)
    if size is None:
        size = getattr(getattr(dataloader, "batch_sampler", None), "batch_size", None)
    return size
