"""Dataset wrappers: ConcatDataset, RepeatDataset and ClassBalancedDataset."""

from __future__ import annotations

import bisect
import copy
import logging
import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
from torch.utils.data.dataset import ConcatDataset as _ConcatDataset

from mmengine.logging import print_log
from mmengine.registry import DATASETS

from .base_dataset import BaseDataset, force_full_init

__all__ = ["ClassBalancedDataset", "ConcatDataset", "RepeatDataset"]


def _build_dataset(dataset: Any, wrapper: str, position: str = "dataset") -> BaseDataset:
    """Build ``dataset`` from a config dict or check it is a BaseDataset."""
    if isinstance(dataset, dict):
        return DATASETS.build(dataset)
    if isinstance(dataset, BaseDataset):
        return dataset
    raise TypeError(
        f"{position} of {wrapper} should be a config dict or a `BaseDataset` instance, "
        f"but got {type(dataset).__name__}"
    )


def _unsupported_subset(wrapper: str) -> NotImplementedError:
    return NotImplementedError(
        f"`{wrapper}` does not support `get_subset` and `get_subset_` interfaces because "
        "this would lead to an ambiguous meaning of some methods. If you want a subset, "
        f"call `get_subset`/`get_subset_` (or pass `indices`) on the wrapped dataset first "
        f"and then wrap it with `{wrapper}`."
    )


def _warn_lazy(wrapper: str) -> None:
    print_log(
        f"Please call `full_init` method of {wrapper} manually to accelerate the speed.",
        logger="current",
        level=logging.WARNING,
    )


def _meta_equal(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return bool(np.array_equal(a, b))
    result = a == b
    if isinstance(result, np.ndarray):
        return bool(result.all())
    return bool(result)


@DATASETS.register_module()
class ConcatDataset(_ConcatDataset):
    """A wrapper of concatenated dataset.

    Same as ``torch.utils.data.ConcatDataset`` but supports lazy init and
    checks that the meta information of the datasets agrees.

    Note:
        ``ConcatDataset`` does not inherit from ``BaseDataset``: a subset of
        it would be ambiguous. Set ``indices`` on the wrapped datasets
        instead.

    Args:
        datasets (Sequence[BaseDataset] or Sequence[dict]): A list of
            datasets which will be concatenated.
        lazy_init (bool, optional): Whether to skip loading the annotations
            during instantiation. Defaults to False.
        ignore_keys (list[str] or str, optional): Keys of ``metainfo`` that
            may differ between the datasets. Defaults to None.
    """

    def __init__(
        self,
        datasets: Sequence[BaseDataset | dict],
        lazy_init: bool = False,
        ignore_keys: str | list[str] | None = None,
    ):
        self.datasets: list[BaseDataset] = [
            _build_dataset(d, "ConcatDataset", f"the {i}-th element of datasets")
            for i, d in enumerate(datasets)
        ]
        if not self.datasets:
            raise ValueError("datasets of ConcatDataset should not be an empty sequence")
        if ignore_keys is None:
            self.ignore_keys: list[str] = []
        elif isinstance(ignore_keys, str):
            self.ignore_keys = [ignore_keys]
        elif isinstance(ignore_keys, list):
            self.ignore_keys = ignore_keys
        else:
            raise TypeError(
                f"ignore_keys of ConcatDataset should be a list or str, but got "
                f"{type(ignore_keys).__name__}"
            )

        meta_keys: set = set()
        for dataset in self.datasets:
            meta_keys |= dataset.metainfo.keys()
        # Only the first dataset's metainfo is kept.
        self._metainfo = self.datasets[0].metainfo
        for i, dataset in enumerate(self.datasets):
            metainfo = dataset.metainfo
            for key in sorted(meta_keys, key=str):
                if key in self.ignore_keys:
                    continue
                if key not in metainfo:
                    raise ValueError(
                        f"{key!r} is not in the meta information of the {i}-th dataset "
                        f"({type(dataset).__name__}) of ConcatDataset; add it, or pass "
                        f"ignore_keys=[{key!r}]"
                    )
                if i == 0:
                    continue
                first, cur = self._metainfo[key], metainfo[key]
                if type(first) is not type(cur):
                    raise TypeError(
                        f"The type {type(cur)} of {key!r} in the {i}-th dataset should be the "
                        f"same with the first dataset {type(first)}"
                    )
                if not _meta_equal(first, cur):
                    raise ValueError(
                        f"The meta information of the {i}-th dataset does not match meta "
                        f"information of the first dataset: {key!r} is {cur!r} instead of "
                        f"{first!r}; pass ignore_keys=[{key!r}] to allow it"
                    )

        self._fully_initialized = False
        if not lazy_init:
            self.full_init()

    @property
    def metainfo(self) -> dict:
        """dict: Meta information of the first dataset (a deep copy)."""
        return copy.deepcopy(self._metainfo)

    def full_init(self) -> None:
        """Fully initialize every dataset and compute the cumulative sizes."""
        if self._fully_initialized:
            return
        for dataset in self.datasets:
            dataset.full_init()
        self.cumulative_sizes = self.cumsum(self.datasets)
        self._fully_initialized = True

    @force_full_init
    def _get_ori_dataset_idx(self, idx: int) -> tuple[int, int]:
        """Map a global index to ``(dataset_idx, sample_idx)``.

        Args:
            idx (int): Global index, negative values count from the end.

        Returns:
            tuple[int, int]: Index of the dataset and of the sample in it.
        """
        length = len(self)
        if idx < 0:
            if -idx > length:
                raise ValueError(
                    f"absolute value of index({idx}) should not exceed dataset length({length})."
                )
            idx = length + idx
        dataset_idx = bisect.bisect_right(self.cumulative_sizes, idx)
        sample_idx = idx if dataset_idx == 0 else idx - self.cumulative_sizes[dataset_idx - 1]
        return dataset_idx, sample_idx

    @force_full_init
    def get_data_info(self, idx: int) -> dict:
        """Get annotation by global index.

        Args:
            idx (int): Global index of ConcatDataset.

        Returns:
            dict: The idx-th annotation of the datasets.
        """
        dataset_idx, sample_idx = self._get_ori_dataset_idx(idx)
        return self.datasets[dataset_idx].get_data_info(sample_idx)

    @force_full_init
    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> Any:
        if not self._fully_initialized:
            _warn_lazy("ConcatDataset")
            self.full_init()
        dataset_idx, sample_idx = self._get_ori_dataset_idx(idx)
        return self.datasets[dataset_idx][sample_idx]

    def get_subset_(self, indices: list[int] | int) -> None:
        """Not supported in ConcatDataset: a sub-dataset would be ambiguous."""
        raise _unsupported_subset("ConcatDataset")

    def get_subset(self, indices: list[int] | int) -> BaseDataset:
        """Not supported in ConcatDataset: a sub-dataset would be ambiguous."""
        raise _unsupported_subset("ConcatDataset")


class _IndexMappedDataset:
    """What RepeatDataset and ClassBalancedDataset share: each of their indices maps to one
    index of the wrapped dataset through ``_get_ori_dataset_idx``."""

    @force_full_init
    def get_data_info(self, idx: int) -> dict:
        """Get annotation by index.

        Args:
            idx (int): Global index of the wrapper.

        Returns:
            dict: The idx-th annotation of the dataset.
        """
        return self.dataset.get_data_info(self._get_ori_dataset_idx(idx))

    def __getitem__(self, idx: int) -> Any:
        if not self._fully_initialized:
            _warn_lazy(type(self).__name__)
            self.full_init()
        return self.dataset[self._get_ori_dataset_idx(idx)]


@DATASETS.register_module()
class RepeatDataset(_IndexMappedDataset):
    """A wrapper of repeated dataset.

    The length of the repeated dataset is ``times`` that of the original,
    which shortens the time spent between epochs on small datasets.

    Args:
        dataset (BaseDataset or dict): The dataset to be repeated.
        times (int): Repeat times.
        lazy_init (bool): Whether to skip loading the annotations during
            instantiation. Defaults to False.
    """

    def __init__(self, dataset: BaseDataset | dict, times: int, lazy_init: bool = False):
        self.dataset: BaseDataset = _build_dataset(dataset, "RepeatDataset")
        self.times = times
        self._metainfo = self.dataset.metainfo
        self._fully_initialized = False
        if not lazy_init:
            self.full_init()

    @property
    def metainfo(self) -> dict:
        """dict: Meta information of the repeated dataset (a deep copy)."""
        return copy.deepcopy(self._metainfo)

    def full_init(self) -> None:
        """Fully initialize the wrapped dataset."""
        if self._fully_initialized:
            return
        self.dataset.full_init()
        self._ori_len = len(self.dataset)
        self._fully_initialized = True

    @force_full_init
    def _get_ori_dataset_idx(self, idx: int) -> int:
        """Map an index of the repeated dataset to one of the original."""
        return idx % self._ori_len

    @force_full_init
    def __len__(self) -> int:
        return self.times * self._ori_len

    def get_subset_(self, indices: list[int] | int) -> None:
        """Not supported in RepeatDataset: a sub-dataset would be ambiguous."""
        raise _unsupported_subset("RepeatDataset")

    def get_subset(self, indices: list[int] | int) -> BaseDataset:
        """Not supported in RepeatDataset: a sub-dataset would be ambiguous."""
        raise _unsupported_subset("RepeatDataset")


@DATASETS.register_module()
class ClassBalancedDataset(_IndexMappedDataset):
    r"""A wrapper of class balanced dataset.

    Each sample is repeated according to the rarest category it contains
    (the repeat factor sampling of LVIS):

    1. for each category ``c``, ``f(c)`` is the fraction of samples that
       contain it;
    2. the category repeat factor is ``r(c) = max(1, sqrt(t / f(c)))``;
    3. the sample repeat factor is ``r(I) = max_{c in I} r(c)`` (1 for a
       sample without categories), and the sample appears ``ceil(r(I))``
       times.

    The wrapped dataset must implement ``get_cat_ids(idx)``.

    Args:
        dataset (BaseDataset or dict): The dataset to be repeated.
        oversample_thr (float): Frequency threshold ``t`` below which data
            is repeated.
        lazy_init (bool, optional): Whether to skip loading the annotations
            during instantiation. Defaults to False.
    """

    def __init__(self, dataset: BaseDataset | dict, oversample_thr: float, lazy_init: bool = False):
        self.dataset: BaseDataset = _build_dataset(dataset, "ClassBalancedDataset")
        self.oversample_thr = oversample_thr
        self._metainfo = self.dataset.metainfo
        self._fully_initialized = False
        if not lazy_init:
            self.full_init()

    @property
    def metainfo(self) -> dict:
        """dict: Meta information of the wrapped dataset (a deep copy)."""
        return copy.deepcopy(self._metainfo)

    def full_init(self) -> None:
        """Fully initialize the wrapped dataset and compute the repeats."""
        if self._fully_initialized:
            return
        self.dataset.full_init()
        repeat_factors = self._get_repeat_factors(self.dataset, self.oversample_thr)
        repeat_indices: list[int] = []
        for dataset_idx, factor in enumerate(repeat_factors):
            repeat_indices.extend([dataset_idx] * math.ceil(factor))
        self.repeat_indices = repeat_indices
        self._fully_initialized = True

    def _get_repeat_factors(self, dataset: BaseDataset, repeat_thr: float) -> list[float]:
        """Compute the repeat factor of every sample.

        Args:
            dataset (BaseDataset): The dataset.
            repeat_thr (float): Frequency threshold below which data is
                repeated.

        Returns:
            list[float]: The repeat factor of each sample.
        """
        num_samples = len(dataset)
        cat_ids_per_sample = [set(dataset.get_cat_ids(i)) for i in range(num_samples)]
        category_count: dict = defaultdict(int)
        for cat_ids in cat_ids_per_sample:
            for cat_id in cat_ids:
                category_count[cat_id] += 1
        category_repeat = {
            cat_id: max(1.0, math.sqrt(repeat_thr / (count / num_samples)))
            for cat_id, count in category_count.items()
        }
        return [
            max(category_repeat[c] for c in cat_ids) if cat_ids else 1.0
            for cat_ids in cat_ids_per_sample
        ]

    @force_full_init
    def _get_ori_dataset_idx(self, idx: int) -> int:
        """Map an index of the balanced dataset to one of the original."""
        return self.repeat_indices[idx]

    @force_full_init
    def get_cat_ids(self, idx: int) -> list[int]:
        """Get category ids of class balanced dataset by index.

        Args:
            idx (int): Index of data.

        Returns:
            list[int]: All categories in the sample at ``idx``.
        """
        return self.dataset.get_cat_ids(self._get_ori_dataset_idx(idx))

    @force_full_init
    def __len__(self) -> int:
        return len(self.repeat_indices)

    def get_subset_(self, indices: list[int] | int) -> None:
        """Not supported in ClassBalancedDataset: a sub-dataset would be ambiguous."""
        raise _unsupported_subset("ClassBalancedDataset")

    def get_subset(self, indices: list[int] | int) -> BaseDataset:
        """Not supported in ClassBalancedDataset: a sub-dataset would be ambiguous."""
        raise _unsupported_subset("ClassBalancedDataset")
