"""BaseDataset: the OpenMMLab 2.0 dataset, plus ``Compose`` and ``force_full_init``."""

from __future__ import annotations

import copy
import functools
import logging
import os.path as osp
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from torch.utils.data import Dataset

from mmengine.config import Config
from mmengine.fileio import exists, join_path, list_from_file, load
from mmengine.logging import print_log
from mmengine.registry import TRANSFORMS
from mmengine.utils import is_abs

from . import _serialize

__all__ = ["BaseDataset", "Compose", "force_full_init"]


class Compose:
    """Compose multiple transforms sequentially.

    Args:
        transforms (Sequence[dict | callable], optional): Sequence of
            transform objects or config dicts (built with the ``TRANSFORMS``
            registry) to be composed. A single dict or callable is accepted
            too. ``None`` means no transform.

    Examples:
        >>> pipeline = Compose([lambda x: x + 1, lambda x: x * 2])
        >>> pipeline(1)
        4
    """

    def __init__(self, transforms: Sequence[dict | Callable] | dict | Callable | None):
        if transforms is None:
            transforms = []
        elif isinstance(transforms, dict) or callable(transforms):
            transforms = [transforms]
        self.transforms: list[Callable] = []
        for i, transform in enumerate(transforms):
            if isinstance(transform, dict):
                built = TRANSFORMS.build(transform)
                if not callable(built):
                    raise TypeError(
                        f"transform {i} of the pipeline was built from {transform!r} into a "
                        f"{type(built).__name__}, which is not callable; register a callable "
                        "class or function in TRANSFORMS"
                    )
                self.transforms.append(built)
            elif callable(transform):
                self.transforms.append(transform)
            else:
                raise TypeError(
                    f"transform {i} of the pipeline must be a callable object or a config "
                    f"dict, but got {type(transform).__name__}: {transform!r}"
                )

    def __call__(self, data: Any) -> Any:
        """Apply the transforms in order.

        Args:
            data (Any): The data to be transformed, usually a dict.

        Returns:
            Any: The transformed data, or ``None`` as soon as one transform
            returns ``None`` (the remaining transforms are skipped).
        """
        for transform in self.transforms:
            data = transform(data)
            if data is None:
                return None
        return data

    def __repr__(self) -> str:
        body = "".join(f"\n    {t}" for t in self.transforms)
        return f"{self.__class__.__name__}({body}\n)"


def force_full_init(old_func: Callable) -> Callable:
    """Decorate a method so that it fully initializes the object first.

    The decorated method calls ``obj.full_init()`` when
    ``obj._fully_initialized`` is missing or False, then runs as usual.

    Args:
        old_func (Callable): A method of a class with a ``full_init`` method.

    Returns:
        Callable: The wrapped method.
    """

    @functools.wraps(old_func)
    def wrapper(obj: Any, *args: Any, **kwargs: Any) -> Any:
        if not hasattr(obj, "full_init"):
            raise AttributeError(
                f"{type(obj).__name__} has no `full_init` method, so "
                f"`{old_func.__name__}` decorated by `force_full_init` cannot initialize it"
            )
        if not getattr(obj, "_fully_initialized", False):
            print_log(
                f"Attribute `_fully_initialized` is not defined in {type(obj)} or "
                f"`type(obj)._fully_initialized is False, `full_init` will be called "
                f"and {type(obj)}._fully_initialized will be set to True",
                logger="current",
                level=logging.WARNING,
            )
            obj.full_init()
            obj._fully_initialized = True
        return old_func(obj, *args, **kwargs)

    return wrapper


_ANN_SUFFIXES = (".json", ".yaml", ".yml", ".pkl", ".pickle")


def _join(prefix: str, path: str) -> str:
    """Join two path parts, quickly for local paths, via fileio otherwise."""
    if "://" in prefix or "://" in path:
        return join_path(prefix, path)
    return osp.join(prefix, path)


class BaseDataset(Dataset):
    r"""BaseDataset for open source projects in OpenMMLab.

    The annotation file follows the OpenMMLab 2.0 format: a dict with a
    ``metainfo`` dict and a ``data_list`` list of raw data infos, each parsed
    by :meth:`parse_data_info` into one or several data samples.

    Args:
        ann_file (str, optional): Annotation file path. Defaults to ''.
        metainfo (Mapping | Config | str, optional): Meta information of the
            dataset, such as class information, or the path of a json/yaml/
            pickle file holding it. String values that name an existing text
            file are replaced by the list of its lines. Defaults to None.
        data_root (str, optional): The root directory for ``data_prefix``
            and ``ann_file``. Defaults to ''.
        data_prefix (dict): Prefix for training data. Defaults to
            ``dict(img_path='')``.
        filter_cfg (dict, optional): Config for filtering data. Defaults to
            None.
        indices (int or Sequence[int], optional): Use only the first (or, if
            negative, last) few data infos, or those at the given indices.
            Defaults to None, which means all of them.
        serialize_data (bool, optional): Whether to hold the data list as one
            serialized buffer, so that dataloader workers share the memory of
            the main process instead of copying it. Defaults to True.
        pipeline (list, optional): Processing pipeline. Defaults to [].
        test_mode (bool, optional): ``test_mode=True`` means in test phase.
            Defaults to False.
        lazy_init (bool, optional): Whether to skip loading the annotation
            file during instantiation. Defaults to False.
        max_refetch (int, optional): If the pipeline returns None for a
            sample, the maximum number of extra random samples tried before
            giving up. Defaults to 1000.

    Note:
        Meta information is collected from the annotation file (lowest
        priority), ``BaseDataset.METAINFO`` (medium) and the ``metainfo``
        argument (highest).

    Examples:
        >>> class CustomDataset(BaseDataset):
        ...     METAINFO = dict(task_name='custom_task', dataset_type='custom_type')
        >>> ds = CustomDataset('path/to/ann_file', metainfo=dict(task_name='custom_task_name'))
        >>> ds.metainfo
        {'task_name': 'custom_task_name', 'dataset_type': 'custom_type'}
    """

    METAINFO: dict = dict()
    _fully_initialized: bool = False

    def __init__(
        self,
        ann_file: str | None = "",
        metainfo: Mapping | Config | str | None = None,
        data_root: str | None = "",
        data_prefix: dict = dict(img_path=""),  # noqa: B006  (upstream default; never mutated)
        filter_cfg: dict | None = None,
        indices: int | Sequence[int] | None = None,
        serialize_data: bool = True,
        pipeline: list[dict | Callable] = [],  # noqa: B006  (upstream default; never mutated)
        test_mode: bool = False,
        lazy_init: bool = False,
        max_refetch: int = 1000,
    ):
        self.ann_file = ann_file
        self._metainfo = self._load_metainfo(copy.deepcopy(metainfo))
        self.data_root = data_root
        self.data_prefix = copy.copy(data_prefix)
        self.filter_cfg = copy.deepcopy(filter_cfg)
        self._indices = indices
        self.serialize_data = serialize_data
        self.test_mode = test_mode
        self.max_refetch = max_refetch
        self.data_list: list[dict] = []
        self.data_bytes: np.ndarray
        self.data_address: np.ndarray

        self._join_prefix()
        self.pipeline = Compose(pipeline)
        if not lazy_init:
            self.full_init()

    # ------------------------------------------------------------------ meta
    @classmethod
    def _load_metainfo(cls, metainfo: Mapping | Config | str | None = None) -> dict:
        """Merge ``cls.METAINFO`` with the ``metainfo`` argument.

        Args:
            metainfo (Mapping | Config | str, optional): Meta information
                given to the constructor, or the path of a file holding it.

        Returns:
            dict: The merged meta information.
        """
        cls_metainfo = copy.deepcopy(cls.METAINFO)
        if metainfo is None:
            return cls_metainfo
        if isinstance(metainfo, str):
            path = metainfo
            if not _is_existing_file(path):
                raise TypeError(
                    f"metainfo of {cls.__name__} should be a Mapping, a Config or the path "
                    f"of an existing json/yaml/pickle file, but got the string {path!r}, "
                    "which names no file"
                )
            metainfo = load(path)
            if not isinstance(metainfo, Mapping):
                raise TypeError(
                    f"the metainfo file {path!r} of {cls.__name__} must hold a dict, but "
                    f"it holds a {type(metainfo).__name__}"
                )
        if not isinstance(metainfo, (Mapping, Config)):
            raise TypeError(
                f"metainfo of {cls.__name__} should be a Mapping, a Config or the path of "
                f"a file, but got {type(metainfo).__name__}"
            )
        for key, value in metainfo.items():
            if isinstance(value, str) and _is_existing_file(value):
                cls_metainfo[key] = list_from_file(value)
            else:
                cls_metainfo[key] = value
        return cls_metainfo

    @property
    def metainfo(self) -> dict:
        """dict: A deep copy of the dataset's meta information.

        With ``lazy_init=True`` nothing is read until :meth:`full_init`: the
        meta information is then ``METAINFO`` merged with the ``metainfo``
        argument only. :meth:`full_init` adds the annotation file's ``metainfo``
        keys at the lowest priority.
        """
        return copy.deepcopy(self._metainfo)

    def _join_prefix(self) -> None:
        """Join ``data_root`` with ``ann_file`` and each ``data_prefix``."""
        if self.ann_file and not is_abs(self.ann_file) and self.data_root:
            self.ann_file = join_path(self.data_root, self.ann_file)
        for key, prefix in self.data_prefix.items():
            if not isinstance(prefix, str):
                raise TypeError(
                    f"data_prefix[{key!r}] of {type(self).__name__} should be a string, "
                    f"but got {type(prefix).__name__}: {prefix!r}"
                )
            if not is_abs(prefix) and self.data_root:
                self.data_prefix[key] = join_path(self.data_root, prefix)
            else:
                self.data_prefix[key] = prefix

    # ------------------------------------------------------------------ init
    def full_init(self) -> None:
        """Load the annotation file and set ``_fully_initialized`` to True.

        Runs :meth:`load_data_list`, :meth:`filter_data`, slices the data by
        ``indices`` and serializes it if ``serialize_data`` is True. Calling
        it again does nothing.
        """
        if self._fully_initialized:
            return
        self.data_list = self.load_data_list()
        self.data_list = self.filter_data()
        if self._indices is not None:
            self.data_list = self._get_unserialized_subset(self._indices)
        if self.serialize_data:
            self.data_bytes, self.data_address = self._serialize_data()
        self._fully_initialized = True

    def load_data_list(self) -> list[dict]:
        """Load the data list from ``self.ann_file``.

        The file must follow the OpenMMLab 2.0 format (a dict with
        ``metainfo`` and ``data_list``); override this method for others.
        The file's meta information never overrides ``METAINFO`` or the
        ``metainfo`` argument.

        Returns:
            list[dict]: A list of data infos.
        """
        if not self.ann_file:
            raise _NoAnnFileError(
                f"{type(self).__name__} has no ann_file to load the data list from; pass "
                "`ann_file` or override `load_data_list`"
            )
        annotations = load(self.ann_file)
        if not isinstance(annotations, dict):
            raise TypeError(
                f"The annotations loaded from annotation file {self.ann_file!r} should be a "
                f"dict, but got {type(annotations).__name__}"
            )
        missing = [k for k in ("metainfo", "data_list") if k not in annotations]
        if missing:
            raise ValueError(
                f"Annotation file {self.ann_file!r} must have data_list and metainfo keys "
                f"(OpenMMLab 2.0 format), but {missing} missing; convert the file or "
                f"override `{type(self).__name__}.load_data_list`"
            )
        for key, value in annotations["metainfo"].items():
            self._metainfo.setdefault(key, value)

        data_list: list[dict] = []
        for raw_data_info in annotations["data_list"]:
            data_info = self.parse_data_info(raw_data_info)
            if isinstance(data_info, dict):
                data_list.append(data_info)
            elif isinstance(data_info, list):
                for item in data_info:
                    if not isinstance(item, dict):
                        raise TypeError(
                            "data_info returned by parse_data_info should be a dict or a "
                            f"list of dict, but got a list containing {type(item).__name__}"
                        )
                data_list.extend(data_info)
            else:
                raise TypeError(
                    "data_info returned by parse_data_info should be a dict or a list of "
                    f"dict, but got {type(data_info).__name__}"
                )
        return data_list

    def parse_data_info(self, raw_data_info: dict) -> dict | list[dict]:
        """Parse a raw annotation into one or several data infos.

        The default joins each ``data_prefix`` onto the field of the same
        name.

        Args:
            raw_data_info (dict): Raw data information from ``ann_file``.

        Returns:
            dict or list[dict]: Parsed annotation.
        """
        for prefix_key, prefix in self.data_prefix.items():
            if prefix_key not in raw_data_info:
                raise _DataPrefixKeyError(
                    f"raw_data_info {raw_data_info} does not contain the prefix key "
                    f"{prefix_key!r}; check the `data_prefix` of {type(self).__name__}"
                )
            raw_data_info[prefix_key] = _join(prefix, raw_data_info[prefix_key])
        return raw_data_info

    def filter_data(self) -> list[dict]:
        """Filter the data list according to ``filter_cfg``.

        The default keeps everything; subclasses override it.

        Returns:
            list[dict]: Filtered results.
        """
        return self.data_list

    def get_cat_ids(self, idx: int) -> list[int]:
        """Get category ids by index (required by ``ClassBalancedDataset``).

        Args:
            idx (int): The index of data.

        Returns:
            list[int]: All categories in the sample at ``idx``.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement `get_cat_ids` to be wrapped by "
            "ClassBalancedDataset"
        )

    # ---------------------------------------------------------------- access
    @force_full_init
    def get_data_info(self, idx: int) -> dict:
        """Get the annotation at ``idx`` (a fresh copy).

        The returned dict carries ``sample_idx``, the non-negative index.

        Args:
            idx (int): The index of data.

        Returns:
            dict: The ``idx``-th annotation of the dataset.
        """
        if self.serialize_data:
            data_info = _serialize.load_item(self.data_bytes, self.data_address, idx)
        else:
            data_info = copy.deepcopy(self.data_list[idx])
        if isinstance(data_info, dict):
            data_info["sample_idx"] = idx if idx >= 0 else len(self) + idx
        return data_info

    def prepare_data(self, idx: int) -> Any:
        """Get the data at ``idx`` processed by ``self.pipeline``.

        Args:
            idx (int): The index of ``data_info``.

        Returns:
            Any: Depends on ``self.pipeline``.
        """
        data_info = self.get_data_info(idx)
        return self.pipeline(data_info)

    def __getitem__(self, idx: int) -> Any:
        """Get the data at ``idx`` after the pipeline.

        During training a sample the pipeline turns into ``None`` is replaced
        by a random other sample, up to ``max_refetch`` times. In test mode a
        ``None`` is an error.

        Args:
            idx (int): The index of data.

        Returns:
            Any: The result of the pipeline.
        """
        if not self._fully_initialized:
            print_log(
                "Please call `full_init()` method manually to accelerate the speed.",
                logger="current",
                level=logging.WARNING,
            )
            self.full_init()

        if self.test_mode:
            data = self.prepare_data(idx)
            if data is None:
                raise Exception(
                    f"Test time pipeline should not get `None` data_sample, but the pipeline "
                    f"of {type(self).__name__} returned None for index {idx}"
                )
            return data

        tried = [idx]
        for _ in range(self.max_refetch + 1):
            data = self.prepare_data(idx)
            if data is None:
                idx = self._rand_another()
                tried.append(idx)
                continue
            return data
        raise Exception(
            f"Cannot find valid image after {self.max_refetch} refetches in "
            f"{type(self).__name__}, starting from index {tried[0]}: the pipeline returned "
            "None every time. Please check your image path and pipeline"
        )

    def _rand_another(self) -> int:
        """Return a random index of the dataset."""
        return int(np.random.randint(0, len(self)))

    @force_full_init
    def __len__(self) -> int:
        """Return the number of samples."""
        if self.serialize_data:
            return len(self.data_address)
        return len(self.data_list)

    # ---------------------------------------------------------------- subset
    @force_full_init
    def get_subset_(self, indices: Sequence[int] | int) -> None:
        """Convert the dataset in place into a subset of itself.

        Args:
            indices (int or Sequence[int]): An int keeps the first (positive)
                or last (negative) ``abs(indices)`` samples; a sequence keeps
                the samples at those indices, in that order.
        """
        if self.serialize_data:
            self.data_bytes, self.data_address = self._get_serialized_subset(indices)
        else:
            self.data_list = self._get_unserialized_subset(indices)

    @force_full_init
    def get_subset(self, indices: Sequence[int] | int) -> BaseDataset:
        """Return a new dataset holding a subset of this one.

        Args:
            indices (int or Sequence[int]): An int keeps the first (positive)
                or last (negative) ``abs(indices)`` samples; a sequence keeps
                the samples at those indices, in that order.

        Returns:
            BaseDataset: A subset of the dataset; the original is unchanged.
        """
        sub_dataset = self._copy_without_annotation()
        if self.serialize_data:
            sub_dataset.data_bytes, sub_dataset.data_address = self._get_serialized_subset(indices)
            sub_dataset.data_list = []
        else:
            sub_dataset.data_list = self._get_unserialized_subset(indices)
        return sub_dataset

    def _positions(self, indices: Sequence[int] | int, length: int) -> Sequence[int] | slice:
        """Turn ``indices`` into a slice (int) or validate a sequence."""
        if isinstance(indices, (bool, np.bool_)):
            raise TypeError(f"indices should be an int or a sequence of int, but got {indices!r}")
        if isinstance(indices, (int, np.integer)):
            indices = int(indices)
            return slice(None, indices) if indices >= 0 else slice(indices, None)
        if isinstance(indices, (Sequence, np.ndarray)) and not isinstance(indices, str):
            return [int(i) for i in indices]
        raise TypeError(
            f"indices should be an int or a sequence of int, but got {type(indices).__name__}"
        )

    def _get_serialized_subset(self, indices: Sequence[int] | int) -> tuple[np.ndarray, np.ndarray]:
        """Subset the serialized buffer.

        Args:
            indices (int or Sequence[int]): See :meth:`get_subset_`.

        Returns:
            tuple[np.ndarray, np.ndarray]: The new buffer and end offsets.
        """
        positions = self._positions(indices, len(self.data_address))
        if isinstance(positions, slice):
            start, stop, _ = positions.indices(len(self.data_address))
            if stop <= start:
                return np.zeros(0, np.uint8), np.zeros(0, np.int64)
            base = int(self.data_address[start - 1]) if start > 0 else 0
            end = int(self.data_address[stop - 1])
            return (
                self.data_bytes[base:end].copy(),
                self.data_address[start:stop] - base,
            )
        return _serialize.subset(self.data_bytes, self.data_address, positions)

    def _get_unserialized_subset(self, indices: Sequence[int] | int) -> list:
        """Subset the plain data list.

        Args:
            indices (int or Sequence[int]): See :meth:`get_subset_`.

        Returns:
            list: The data infos of the subset.
        """
        positions = self._positions(indices, len(self.data_list))
        if isinstance(positions, slice):
            return self.data_list[positions]
        return [self.data_list[i] for i in positions]

    def _serialize_data(self) -> tuple[np.ndarray, np.ndarray]:
        """Serialize ``self.data_list`` into one buffer and empty the list.

        Returns:
            tuple[np.ndarray, np.ndarray]: ``(data_bytes, data_address)``:
            the ``uint8`` buffer and the ``int64`` end offset of each item.
        """
        data_list = self.data_list
        self.data_list = []
        return _serialize.serialize_list(data_list)

    def _copy_without_annotation(self, memo: dict | None = None) -> BaseDataset:
        """Deep copy the dataset without its data list.

        Returns:
            BaseDataset: The copy, whose data is to be filled in.
        """
        memo = {} if memo is None else memo
        cls = self.__class__
        other = cls.__new__(cls)
        memo[id(self)] = other
        for key, value in self.__dict__.items():
            if key in ("data_list", "data_address", "data_bytes"):
                continue
            object.__setattr__(other, key, copy.deepcopy(value, memo))
        return other


def _is_existing_file(value: str) -> bool:
    """Return whether ``value`` names an existing file (local or a URI)."""
    if not value or "\n" in value:
        return False
    if "://" not in value:
        return osp.isfile(value)
    try:
        return bool(exists(value))
    except (OSError, ValueError, TypeError, NotImplementedError, ImportError):
        # no backend can reach it: treat it as a plain string value
        return False


class _NoAnnFileError(ValueError, TypeError):
    """No ``ann_file`` to load (upstream's loader fails with a TypeError)."""


class _DataPrefixKeyError(KeyError, AssertionError):
    """A raw data info lacks a key named in ``data_prefix``."""
