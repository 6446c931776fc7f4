"""Dataset wrappers: ConcatDataset, RepeatDataset and ClassBalancedDataset."""

from __future__ import annotations

import bisect
import copy
import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from torch.utils.data.dataset import ConcatDataset as _ConcatDataset

from mmengine.logging import print_log
from mmengine.registry import DATASETS
from mmengine.utils._equal import deep_equal

from ._errors import (
    ArgTypeError,
    DatasetsArgError,
    EmptyDatasetError,
    IndexOutOfRangeError,
    IndexTypeError,
    add_note,
    is_index,
    short_repr,
)
from .base_dataset import BaseDataset, force_full_init

__all__ = ["ClassBalancedDataset", "ConcatDataset", "RepeatDataset"]


def _build_dataset(dataset: Any, wrapper: str, position: str = "dataset") -> BaseDataset:
    """Build ``dataset`` from a config dict or check it is a BaseDataset."""
    if isinstance(dataset, dict):
        try:
            return DATASETS.build(dataset)
        except Exception as e:
            add_note(e, f"while building {position} of {wrapper}")
            raise
    if isinstance(dataset, BaseDataset):
        return dataset
    raise TypeError(
        "elements in datasets sequence should be config or `BaseDataset` instance, but got "
        f"{type(dataset)}: {position} of {wrapper} is {short_repr(dataset)}"
    )


def _ordinal(i: int) -> str:
    """``i``-th for upstream's messages, which count datasets from 1."""
    return f"{i + 1}-th"


def _out_of_range(idx: Any, length: int, wrapper: str) -> Exception:
    """The error for an index of a wrapper that is not an int or out of range."""
    if not is_index(idx):
        return IndexTypeError(
            f"the index of {wrapper} should be an int, but got {type(idx).__name__}: "
            f"{short_repr(idx)}"
        )
    if length == 0:
        return EmptyDatasetError(f"index {idx} is out of range: {wrapper} is empty")
    return IndexOutOfRangeError(
        f"index {idx} is out of range for {wrapper} of length {length} "
        f"(valid: {-length} to {length - 1})"
    )


def _unsupported_subset(wrapper: str) -> NotImplementedError:
    # 0.10's text, typos included; the hint about ``indices`` follows
    return NotImplementedError(
        f"`{wrapper}` dose not support `get_subset` and `get_subset_` interfaces because "
        "this will lead to ambiguous implementation of some methods. If you want to use "
        "`get_subset` or `get_subset_` interfaces, please use them in the wrapped dataset "
        f"first and then use `{wrapper}`. (Passing `indices` to the wrapped dataset's config "
        "does the same.)"
    )


def _warn_lazy() -> None:
    # 0.10's line, the same for every wrapper (the logger shows it once)
    print_log(
        "Please call `full_init` method manually to accelerate the speed.",
        logger="current",
        level=logging.WARNING,
    )


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
        if isinstance(datasets, (dict, BaseDataset)) or not isinstance(datasets, Iterable):
            raise DatasetsArgError(
                "datasets of ConcatDataset should be a list of datasets or dataset configs, "
                f"but got a single {type(datasets).__name__}; write datasets=[...]"
            )
        self.datasets: list[BaseDataset] = [
            _build_dataset(d, "ConcatDataset", f"datasets[{i}]") for i, d in enumerate(datasets)
        ]
        if not self.datasets:
            raise EmptyDatasetError(
                "datasets of ConcatDataset should not be an empty sequence: pass at least one "
                "dataset or dataset config"
            )
        if ignore_keys is None:
            self.ignore_keys: list[str] = []
        elif isinstance(ignore_keys, str):
            self.ignore_keys = [ignore_keys]
        elif isinstance(ignore_keys, list):
            self.ignore_keys = ignore_keys
        else:
            raise TypeError(
                f"ignore_keys should be a list or str, but got {type(ignore_keys)}: the "
                f"ignore_keys of ConcatDataset is {short_repr(ignore_keys)}"
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
                        f"{key} does not in the meta information of the {_ordinal(i)} "
                        f"dataset: datasets[{i}] ({type(dataset).__name__}) of ConcatDataset "
                        f"has no metainfo key {key!r}, which another dataset has; add it, or "
                        f"pass ignore_keys=[{key!r}]{self._unused_ignore_keys(meta_keys)}"
                    )
                if i == 0:
                    continue
                first, cur = self._metainfo[key], metainfo[key]
                if type(first) is not type(cur):
                    raise TypeError(
                        f"The type {type(cur)} of {key} in the {_ordinal(i)} dataset should "
                        f"be the same with the first dataset {type(first)} (datasets[{i}] of "
                        f"ConcatDataset); pass ignore_keys=[{key!r}] to allow it"
                        f"{self._unused_ignore_keys(meta_keys)}"
                    )
                if not deep_equal(first, cur):
                    raise ValueError(
                        f"The meta information of the {_ordinal(i)} dataset does not match "
                        f"meta information of the first dataset: {key!r} of datasets[{i}] is "
                        f"{short_repr(cur)} instead of {short_repr(first)}; pass "
                        f"ignore_keys=[{key!r}] to allow it{self._unused_ignore_keys(meta_keys)}"
                    )

        self._fully_initialized = False
        if not lazy_init:
            self.full_init()

    def _unused_ignore_keys(self, meta_keys: set) -> str:
        """A clause naming the ignore_keys that match no metainfo key (typos)."""
        unused = [k for k in self.ignore_keys if k not in meta_keys]
        if not unused:
            return ""
        return (
            f" (ignore_keys {unused} match no metainfo key; the keys are "
            f"{sorted(meta_keys, key=str)})"
        )

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
        try:
            negative = idx < 0
        except TypeError as e:
            raise _out_of_range(idx, length, "ConcatDataset") from e
        if negative:
            if -idx > length:
                raise ValueError(
                    f"absolute value of index({idx}) should not exceed datasetlength({length})."
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
        try:
            dataset = self.datasets[dataset_idx]
        except IndexError as e:
            raise _out_of_range(idx, len(self), "ConcatDataset") from e
        return dataset.get_data_info(sample_idx)

    @force_full_init
    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> Any:
        if not self._fully_initialized:
            _warn_lazy()
            self.full_init()
        dataset_idx, sample_idx = self._get_ori_dataset_idx(idx)
        try:
            dataset = self.datasets[dataset_idx]
        except IndexError as e:
            raise _out_of_range(idx, len(self), "ConcatDataset") from e
        try:
            return dataset[sample_idx]
        except Exception as e:
            if not isinstance(e, (IndexOutOfRangeError, IndexTypeError)):
                add_note(
                    e,
                    f"(index {idx} of ConcatDataset is index {sample_idx} of "
                    f"datasets[{dataset_idx}], {type(dataset).__name__})",
                )
            raise

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
            _warn_lazy()
            self.full_init()
        ori_idx = self._get_ori_dataset_idx(idx)
        try:
            return self.dataset[ori_idx]
        except Exception as e:
            if not isinstance(e, (IndexOutOfRangeError, IndexTypeError)):
                add_note(
                    e,
                    f"(index {idx} of {type(self).__name__} is index {ori_idx} of its "
                    f"dataset, {type(self.dataset).__name__})",
                )
            raise


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
        if not is_index(times):
            raise ArgTypeError(
                f"times of RepeatDataset should be an int, but got {type(times).__name__}: "
                f"{short_repr(times)}"
            )
        if times < 0:
            raise ValueError(
                f"__len__() should return >= 0: times of RepeatDataset is {times}; it should "
                "be a positive int"
            )
        if times == 0:
            print_log(
                "times of RepeatDataset is 0, so the dataset is empty; set times >= 1",
                logger="current",
                level=logging.WARNING,
            )
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
        try:
            return idx % self._ori_len
        except (ZeroDivisionError, TypeError) as e:
            raise _out_of_range(idx, len(self), "RepeatDataset") from e

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
        if not isinstance(oversample_thr, (int, float, np.integer, np.floating)):
            raise ArgTypeError(
                "oversample_thr of ClassBalancedDataset should be a float (a frequency in "
                f"[0, 1]), but got {type(oversample_thr).__name__}: {short_repr(oversample_thr)}"
            )
        if oversample_thr < 0:
            raise ValueError(
                f"math domain error: oversample_thr of ClassBalancedDataset is "
                f"{oversample_thr}; it should be a frequency >= 0 (e.g. 1e-3)"
            )
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
        name = type(dataset).__name__
        cat_ids_per_sample = []
        for i in range(num_samples):
            try:
                cat_ids = dataset.get_cat_ids(i)
            except Exception as e:
                if not isinstance(e, NotImplementedError):
                    add_note(e, f"in `{name}.get_cat_ids({i})`, called by ClassBalancedDataset")
                raise
            try:
                cat_ids_per_sample.append(set(cat_ids))
            except TypeError as e:
                raise TypeError(
                    f"{name}.get_cat_ids({i}) should return the list of category ids of "
                    f"sample {i} (used by ClassBalancedDataset), but returned "
                    f"{type(cat_ids).__name__}: {short_repr(cat_ids)}"
                ) from e
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
        try:
            return self.repeat_indices[idx]
        except (IndexError, TypeError) as e:
            raise _out_of_range(idx, len(self), "ClassBalancedDataset") from e

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
