"""Per-batch random seeds in dataloader workers, so that a resumed epoch replays its data.

A worker seeded once (``worker_init_fn``) draws its random augmentations from one stream
over the batches it is given: batches ``w, w + W, w + 2W, ...`` of the iterator for worker
``w`` of ``W``. A run resumed in the middle of an epoch starts a new iterator at batch ``k``,
so another worker, with a fresh stream, prepares each remaining batch, and the augmentations
differ from the uninterrupted run's.

Here every batch fetched in a worker first reseeds ``random``, NumPy and torch from the run's
seed, the rank, the data epoch and the batch's position in the epoch, so a batch gets the
same random numbers whichever worker prepares it and wherever the iterator started. The
position is the iterator's start offset (set by the loop before the iterator is created)
plus ``w + W * n`` for the ``n``-th batch of worker ``w`` (the DataLoader hands batches to its
workers in turn). Batches fetched in the main process (``num_workers=0``) are not reseeded:
they draw from the global generators, which checkpoints save and restore.

It works through the dataset's ``__getitems__`` (which torch's fetcher calls with a batch
of indices), set on the dataset instance. Persistent workers keep the dataset they started
with, so they are not reseeded per batch (and their resume is not bit-exact).
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

import numpy as np
import torch
from torch.utils.data import get_worker_info

_ATTR = "__getitems__"


class PerBatchSeeding:
    """The ``__getitems__`` set on a dataset: reseed, then fetch the batch.

    Args:
        dataset: the dataset.
        seed (int): the run's seed.
        rank (int): this process's rank.
    """

    def __init__(self, dataset: Any, seed: int, rank: int) -> None:
        self.dataset = dataset
        self.seed = seed
        self.rank = rank
        self.epoch = 0
        self.offset = 0
        self.fetched = 0  # batches this worker fetched from the current iterator
        own = getattr(type(dataset), _ATTR, None)
        self._own = own.__get__(dataset) if own is not None else None

    def position(self, worker_id: int, num_workers: int) -> int:
        """The epoch position of this worker's next batch."""
        return self.offset + worker_id + num_workers * self.fetched

    def __call__(self, indices: list) -> list:
        info = get_worker_info()
        if info is not None:
            position = self.position(info.id, info.num_workers)
            self.fetched += 1
            key = f"{self.seed}:{self.rank}:{self.epoch}:{position}".encode()
            seed = int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "little")
            seed &= 2**63 - 1
            random.seed(seed)
            np.random.seed(seed % 2**32)
            torch.manual_seed(seed)
        if self._own is not None:
            return self._own(indices)
        dataset = self.dataset
        return [dataset[i] for i in indices]

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_own"] = None
        state["_has_own"] = self._own is not None
        return state

    def __setstate__(self, state: dict) -> None:
        has_own = state.pop("_has_own", False)
        self.__dict__.update(state)
        if has_own:
            self._own = getattr(type(self.dataset), _ATTR).__get__(self.dataset)


def install(dataloader_kwargs: dict, dataset: Any, seed: int | None, rank: int) -> None:
    """Reseed per batch the workers of a DataLoader about to be built over ``dataset``.

    Nothing is installed without workers, with persistent workers, without a seed, or on a
    dataset that takes no attributes.
    """
    if seed is None or not dataloader_kwargs.get("num_workers"):
        return
    if dataloader_kwargs.get("persistent_workers"):
        return
    try:
        setattr(dataset, _ATTR, PerBatchSeeding(dataset, seed, rank))
    except (AttributeError, TypeError):
        return


def set_position(dataloader: Any, epoch: int, offset: int) -> None:
    """Tell the workers of the next iterator of ``dataloader`` where its batches start."""
    seeding = getattr(getattr(dataloader, "dataset", None), "__dict__", {}).get(_ATTR)
    if isinstance(seeding, PerBatchSeeding):
        seeding.epoch = epoch
        seeding.offset = offset
        seeding.fetched = 0
