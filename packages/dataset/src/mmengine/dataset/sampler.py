"""Samplers that work the same with and without distributed training."""

from __future__ import annotations

import itertools
import logging
import math
import operator
from collections.abc import Iterator, Sized
from typing import Any

import torch
from torch.utils.data import Sampler

from mmengine.dist import get_dist_info, sync_random_seed
from mmengine.logging import print_log
from mmengine.registry import DATA_SAMPLERS

from ._errors import EmptyDatasetError, SeedError, is_index, short_repr

__all__ = ["DefaultSampler", "InfiniteSampler"]


def _check_seed(seed: Any, sampler: str) -> int:
    """Return ``seed`` as an int, or raise if torch could not seed with it."""
    if not is_index(seed):
        raise SeedError(
            f"seed of {sampler} should be an int, but got {type(seed).__name__}: "
            f"{short_repr(seed)}; pass an int, or None to draw one"
        )
    seed = operator.index(seed)
    if not -(2**63) <= seed < 2**64:
        raise ValueError(
            f"Overflow when unpacking long long: seed of {sampler} is {seed}, which does not "
            "fit in 64 bits; pass a smaller int"
        )
    return seed


def _warn_str_flag(value: Any, flag: str, sampler: str) -> None:
    if isinstance(value, str):
        print_log(
            f"{flag} of {sampler} is the string {value!r}, which counts as {bool(value)}; "
            "pass True or False",
            logger="current",
            level=logging.WARNING,
        )


def _check_skip(num_samples: int, sampler: str) -> int:
    if isinstance(num_samples, bool) or not isinstance(num_samples, int) or num_samples < 0:
        raise ValueError(
            f"{sampler}.skip() expects a non-negative int number of samples, but got "
            f"{num_samples!r}"
        )
    return num_samples


@DATA_SAMPLERS.register_module()
class DefaultSampler(Sampler):
    """The default data sampler for both distributed and non-distributed runs.

    Differences from ``torch.utils.data.DistributedSampler``:

    1. It also works without a distributed environment.
    2. With ``round_up=True`` extra samples are added so that the number of
       samples is divisible by the world size (like ``drop_last=False``);
       with ``round_up=False`` nothing is added or removed (while
       ``DistributedSampler(drop_last=True)`` removes tail samples).

    Rank ``r`` of ``w`` ranks gets the indices ``r, r + w, r + 2w, ...`` of
    the (shuffled) index list.

    Args:
        dataset (Sized): The dataset.
        shuffle (bool): Whether to shuffle the dataset. Defaults to True.
        seed (int, optional): Random seed used to shuffle; identical on all
            ranks. ``None`` draws one and syncs it across ranks. Defaults to
            None.
        round_up (bool): Whether to add extra samples to make the number of
            samples evenly divisible by the world size. Defaults to True.
    """

    def __init__(
        self, dataset: Sized, shuffle: bool = True, seed: int | None = None, round_up: bool = True
    ) -> None:
        rank, world_size = get_dist_info()
        self.rank = rank
        self.world_size = world_size
        self.dataset = dataset
        self.shuffle = shuffle
        _warn_str_flag(shuffle, "shuffle", "DefaultSampler")
        _warn_str_flag(round_up, "round_up", "DefaultSampler")
        if seed is None:
            seed = sync_random_seed()
        self.seed = _check_seed(seed, "DefaultSampler")
        self.epoch = 0
        self.round_up = round_up
        self._skip = 0

        if self.round_up:
            self.num_samples = math.ceil(len(self.dataset) / world_size)
            self.total_size = self.num_samples * self.world_size
        else:
            self.num_samples = math.ceil((len(self.dataset) - rank) / world_size)
            self.total_size = len(self.dataset)

    def _epoch_indices(self) -> list[int]:
        """All indices of this rank for the current epoch."""
        size = len(self.dataset)
        if self.shuffle:
            g = torch.Generator()
            g.manual_seed(self.seed + self.epoch)
            indices = torch.randperm(size, generator=g).tolist()
        else:
            indices = list(range(size))
        if size == 0 and self.round_up:
            raise EmptyDatasetError(
                f"division by zero: DefaultSampler has no sample to draw, its dataset "
                f"({type(self.dataset).__name__}) is empty; check the dataset's ann_file, "
                "filter_cfg and indices"
            )
        if self.round_up and indices and len(indices) < self.total_size:
            repeats = self.total_size // len(indices) + 1
            indices = (indices * repeats)[: self.total_size]
        if self.world_size == 1 and len(indices) <= self.total_size:
            return indices  # one rank takes them all: no copy of a dataset-sized list
        return indices[self.rank : self.total_size : self.world_size]

    def __iter__(self) -> Iterator[int]:
        """Iterate over the indices of this rank for the current epoch.

        After :meth:`skip`, the first ``num_samples`` indices are left out
        (once).
        """
        indices = self._epoch_indices()
        skip, self._skip = self._skip, 0
        if skip:
            indices = indices[skip:]
        return iter(indices)

    def __len__(self) -> int:
        """The number of samples of this rank in one epoch."""
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Set the epoch; with ``shuffle=True`` each epoch has its own order.

        Args:
            epoch (int): Epoch number.
        """
        self.epoch = epoch

    def skip(self, num_samples: int) -> None:
        """Make the next ``__iter__`` start ``num_samples`` indices in.

        Used to resume in the middle of an epoch without loading the data
        already consumed. The skip applies to the next iteration only and is
        kept across :meth:`set_epoch`.

        Args:
            num_samples (int): How many indices of this rank to skip.
        """
        self._skip = _check_skip(num_samples, type(self).__name__)


@DATA_SAMPLERS.register_module()
class InfiniteSampler(Sampler):
    """An endless sampler for iteration-based training.

    Successive ``__iter__`` calls continue the same endless stream: a new
    permutation (or ``range``) of the dataset is appended each time the
    previous one is exhausted, and rank ``r`` of ``w`` takes every ``w``-th
    index starting at ``r``.

    Args:
        dataset (Sized): The dataset.
        shuffle (bool): Whether to shuffle the dataset. Defaults to True.
        seed (int, optional): Random seed. ``None`` draws one and syncs it
            across ranks. Defaults to None.
    """

    def __init__(self, dataset: Sized, shuffle: bool = True, seed: int | None = None) -> None:
        rank, world_size = get_dist_info()
        self.rank = rank
        self.world_size = world_size
        self.dataset = dataset
        self.shuffle = shuffle
        _warn_str_flag(shuffle, "shuffle", "InfiniteSampler")
        if seed is None:
            seed = sync_random_seed()
        self.seed = _check_seed(seed, "InfiniteSampler")
        self.size = len(dataset)
        self._skip = 0
        self.indices = self._indices_of_rank()

    def _infinite_indices(self) -> Iterator[int]:
        """Endless stream of indices shared by all ranks."""
        if self.size == 0:
            # an endless stream of an empty dataset would loop forever without yielding
            raise EmptyDatasetError(
                f"InfiniteSampler has no sample to draw, its dataset "
                f"({type(self.dataset).__name__}) is empty; check the dataset's ann_file, "
                "filter_cfg and indices"
            )
        g = torch.Generator()
        g.manual_seed(self.seed)
        while True:
            if self.shuffle:
                yield from torch.randperm(self.size, generator=g).tolist()
            else:
                yield from range(self.size)

    def restart(self) -> None:
        """Start this rank's stream over from ``seed`` (after the seed was changed)."""
        self._skip = 0
        self.indices = self._indices_of_rank()

    def _indices_of_rank(self) -> Iterator[int]:
        """Slice the endless stream for this rank."""
        yield from itertools.islice(self._infinite_indices(), self.rank, None, self.world_size)

    def __iter__(self) -> Iterator[int]:
        """Continue the endless stream of this rank (after any pending skip)."""
        skip, self._skip = self._skip, 0
        if skip:
            next(itertools.islice(self.indices, skip - 1, None), None)
        # A plain loop, not ``yield from``: closing this iterator must not
        # close the shared stream, which the next ``__iter__`` continues.
        for idx in self.indices:  # noqa: UP028
            yield idx

    def __len__(self) -> int:
        """The length of the dataset."""
        return self.size

    def set_epoch(self, epoch: int) -> None:
        """Not supported in iteration-based runner (does nothing).

        Args:
            epoch (int): Epoch number.
        """

    def skip(self, num_samples: int) -> None:
        """Make the next ``__iter__`` start ``num_samples`` indices further.

        The indices skipped are consumed from the stream without loading any
        data. The skip applies once.

        Args:
            num_samples (int): How many indices of this rank to skip.
        """
        self._skip = _check_skip(num_samples, type(self).__name__)
