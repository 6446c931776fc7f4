"""BaseDataset: the OpenMMLab 2.0 dataset, plus ``Compose`` and ``force_full_init``."""

from __future__ import annotations

import copy
import functools
import logging
import operator
import os
import os.path as osp
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from torch.utils.data import Dataset

from mmengine.config import Config
from mmengine.fileio import exists, join_path, list_from_file, load
from mmengine.logging import print_log
from mmengine.registry import TRANSFORMS
from mmengine.utils import is_abs

from . import _serialize
from ._errors import (
    AnnotationFormatError,
    ArgAssertError,
    AttrTypeError,
    DataPrefixKeyError,
    IndexOutOfRangeError,
    IndexTypeError,
    NoAnnFileError,
    add_note,
    is_index,
    short_repr,
)

__all__ = ["BaseDataset", "Compose", "force_full_init"]


class Compose:
    """Compose multiple transforms sequentially.

    Args:
        transforms (Sequence[dict | callable], optional): Sequence of
            transform objects or config dicts (built with the ``TRANSFORMS``
            registry) to be composed. A single dict or callable is accepted
            too. ``None`` means no transform.

    Examples:
        >>> from mmengine.dataset import Compose
        >>> pipeline = Compose([lambda x: x + 1, lambda x: x * 2])
        >>> pipeline(1)
        4
    """

    def __init__(self, transforms: Sequence[dict | Callable] | dict | Callable | None):
        if transforms is None:
            transforms = []
        elif isinstance(transforms, dict) or callable(transforms):
            transforms = [transforms]
        elif isinstance(transforms, str):
            raise TypeError(
                f"transform must be a callable object or dict, but got {type(transforms)}: the "
                f"pipeline is the string {transforms!r}; write it as a list of transforms, "
                f"e.g. [dict(type={transforms!r})]"
            )
        elif not isinstance(transforms, Iterable):
            raise TypeError(
                "transforms of Compose should be a list of transforms (callables or config "
                f"dicts), but got {type(transforms).__name__}: {short_repr(transforms)}"
            )
        self.transforms: list[Callable] = []
        for i, transform in enumerate(transforms):
            if isinstance(transform, dict):
                try:
                    built = TRANSFORMS.build(transform)
                except Exception as e:
                    add_note(e, f"while building transform {i} of the pipeline: {transform!r}")
                    raise
                if not callable(built):
                    raise TypeError(
                        f"transform should be a callable object, but got {type(built)}: "
                        f"transform {i} of the pipeline was built from {transform!r} into a "
                        f"{type(built).__name__}, which is not callable; register a callable "
                        "class or function in TRANSFORMS"
                    )
                self.transforms.append(built)
            elif callable(transform):
                self.transforms.append(transform)
            else:
                hint = (
                    f"; for a registered transform write dict(type={transform!r})"
                    if isinstance(transform, str)
                    else ""
                )
                raise TypeError(
                    f"transform must be a callable object or dict, but got {type(transform)}: "
                    f"transform {i} of the pipeline is {short_repr(transform)}{hint}"
                )

    def __call__(self, data: Any) -> Any:
        """Apply the transforms in order.

        Args:
            data (Any): The data to be transformed, usually a dict.

        Returns:
            Any: The transformed data, or ``None`` as soon as one transform
            returns ``None`` (the remaining transforms are skipped).
        """
        transform = None
        try:
            for transform in self.transforms:
                data = transform(data)
                if data is None:
                    # read by BaseDataset to say which transform dropped the sample
                    self._none_from = self._position(transform)
                    return None
        except Exception as e:
            add_note(
                e,
                f"in transform {self._position(transform)} of the pipeline: "
                f"{short_repr(transform)}",
            )
            raise
        return data

    def _position(self, transform: Any) -> int:
        """Index of ``transform`` in ``self.transforms`` (by identity)."""
        return next((i for i, t in enumerate(self.transforms) if t is transform), -1)

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
                f"{type(obj)} does not have full_init method. (`{old_func.__name__}` is "
                "decorated by `force_full_init`, which calls `full_init()` first; define it)"
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
        >>> from mmengine.dataset import BaseDataset
        >>> class CustomDataset(BaseDataset):
        ...     METAINFO = dict(classes=('cat', 'dog'), version=1)
        >>> ds = CustomDataset(
        ...     'path/to/ann_file', metainfo=dict(classes=('person',)), lazy_init=True)
        >>> ds.metainfo
        {'classes': ('person',), 'version': 1}
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
        for flag, value in (
            ("serialize_data", serialize_data),
            ("test_mode", test_mode),
            ("lazy_init", lazy_init),
        ):
            if isinstance(value, str):
                print_log(
                    f"{flag} of {type(self).__name__} is the string {value!r}, which counts as "
                    f"{bool(value)}; pass True or False",
                    logger="current",
                    level=logging.WARNING,
                )
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
                    f"metainfo should be a Mapping or Config, but got {type(path)}: the "
                    f"metainfo of {cls.__name__} may also be the path of an existing "
                    f"json/yaml/pickle file, but {path!r} names no file"
                )
            try:
                metainfo = load(path)
            except Exception as e:
                add_note(e, f"while loading the metainfo file {path!r} of {cls.__name__}")
                raise
            if not isinstance(metainfo, Mapping):
                raise TypeError(
                    f"metainfo should be a Mapping or Config, but got {type(metainfo)}: the "
                    f"metainfo file {path!r} of {cls.__name__} must hold a dict"
                )
        if not isinstance(metainfo, (Mapping, Config)):
            raise TypeError(
                f"metainfo should be a Mapping or Config, but got {type(metainfo)}: the "
                f"metainfo of {cls.__name__} is {short_repr(metainfo)}; pass a dict such as "
                "dict(classes=('cat', 'dog')) or the path of a json/yaml/pickle file"
            )
        for key, value in metainfo.items():
            if isinstance(value, str):
                if _is_existing_file(value):
                    cls_metainfo[key] = list_from_file(value)
                    continue
                # 0.10 logs this for every string value that names no file
                print_log(
                    f"{value} is not a meta file, simply parsed as meta information",
                    logger="current",
                    level=logging.WARNING,
                )
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
        name = type(self).__name__
        if self.ann_file and not isinstance(self.ann_file, (str, os.PathLike)):
            # 0.10's message is os.path's (tests match "expected str"): it leads here.
            raise TypeError(
                "expected str, bytes or os.PathLike object, not "
                f"{type(self.ann_file).__name__}: ann_file of {name} should be a str path, "
                f"but got {short_repr(self.ann_file)}"
            )
        if self.data_root and not isinstance(self.data_root, (str, os.PathLike)):
            raise ArgAssertError(
                f"data_root of {name} should be a str path, but got "
                f"{type(self.data_root).__name__}: {short_repr(self.data_root)}"
            )
        if not isinstance(self.data_prefix, Mapping):
            raise AttrTypeError(
                f"data_prefix of {name} should be a dict mapping a key of the data infos to "
                f"the folder prepended to it, e.g. dict(img_path='images'), but got "
                f"{type(self.data_prefix).__name__}: {short_repr(self.data_prefix)}"
            )
        if self.ann_file and not is_abs(self.ann_file) and self.data_root:
            self.ann_file = join_path(self.data_root, self.ann_file)
        for key, prefix in self.data_prefix.items():
            if not isinstance(prefix, str):
                raise TypeError(
                    f"prefix should be a string, but got {type(prefix)}: data_prefix[{key!r}] "
                    f"of {name} is {short_repr(prefix)}"
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
        self.data_list = _check_data_list(self.load_data_list(), self, "load_data_list")
        self.data_list = _check_data_list(self.filter_data(), self, "filter_data")
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
            raise NoAnnFileError(
                f"{type(self).__name__} has no ann_file to load the data list from; pass "
                "`ann_file` or override `load_data_list`"
            )
        name = type(self).__name__
        try:
            annotations = load(self.ann_file)
        except Exception as e:
            hint = (
                f" (a relative ann_file is joined to data_root {self.data_root!r})"
                if self.data_root
                else ""
            )
            add_note(
                e,
                f"while loading the annotation file of {name}: ann_file={self.ann_file!r}"
                f"{hint}; check `ann_file` and `data_root`",
            )
            raise
        if not isinstance(annotations, dict):
            raise TypeError(
                "The annotations loaded from annotation file should be a dict, but got "
                f"{type(annotations)}! ({self.ann_file!r}: an OpenMMLab 2.0 annotation file "
                f"is a dict with `metainfo` and `data_list`; override `{name}.load_data_list` "
                "for other formats)"
            )
        missing = [k for k in ("metainfo", "data_list") if k not in annotations]
        if missing:
            raise ValueError(
                f"Annotation must have data_list and metainfo keys: annotation file "
                f"{self.ann_file!r} (OpenMMLab 2.0 format) has no {' and no '.join(missing)} "
                f"(its keys: {short_repr(sorted(map(str, annotations)))}); convert the file "
                f"or override `{name}.load_data_list`"
            )
        file_metainfo = annotations["metainfo"]
        if not isinstance(file_metainfo, Mapping):
            raise AttrTypeError(
                f"The `metainfo` of annotation file {self.ann_file!r} should be a dict, but "
                f"got {type(file_metainfo).__name__}: {short_repr(file_metainfo)}"
            )
        raw_data_list = annotations["data_list"]
        if not isinstance(raw_data_list, (list, tuple)):
            raise AnnotationFormatError(
                f"The `data_list` of annotation file {self.ann_file!r} should be a list of "
                f"dict, but got {type(raw_data_list).__name__}: {short_repr(raw_data_list)}"
            )
        for key, value in file_metainfo.items():
            self._metainfo.setdefault(key, value)

        data_list: list[dict] = []
        i = 0
        for i, raw_data_info in enumerate(raw_data_list):  # noqa: B007 (read in except)
            try:
                data_info = self.parse_data_info(raw_data_info)
            except Exception as e:
                add_note(
                    e,
                    f"while parsing data_list[{i}] of the annotation file {self.ann_file!r} "
                    f"with {name}.parse_data_info",
                )
                raise
            if isinstance(data_info, dict):
                data_list.append(data_info)
            elif isinstance(data_info, list):
                for item in data_info:
                    if not isinstance(item, dict):
                        raise TypeError(
                            f"data_info must be list of dict, but got {type(item)}: "
                            f"{name}.parse_data_info returned, for "
                            f"data_list[{i}] of {self.ann_file!r}, a list containing "
                            f"{short_repr(item)}"
                        )
                data_list.extend(data_info)
            else:
                raise TypeError(
                    f"data_info should be a dict or list of dict, but got {type(data_info)}: "
                    f"{name}.parse_data_info returned {short_repr(data_info)} for "
                    f"data_list[{i}] of {self.ann_file!r}"
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
            if not (isinstance(raw_data_info, Mapping) and prefix_key in raw_data_info):
                if not isinstance(raw_data_info, Mapping):
                    raise AnnotationFormatError(
                        f"raw_data_info should be a dict, but got {type(raw_data_info)}: "
                        f"{short_repr(raw_data_info)} (each entry of `data_list` is a dict "
                        f"holding the keys of data_prefix {list(self.data_prefix)})"
                    )
                raise DataPrefixKeyError(
                    f"raw_data_info: {short_repr(raw_data_info, 500)} dose not contain prefix "
                    f"key{prefix_key}, please check your data_prefix. (The data_prefix of "
                    f"{type(self).__name__} names the key {prefix_key!r}, which this entry "
                    f"lacks; its keys are {short_repr(list(raw_data_info))}. Use a key the "
                    "entries have, or data_prefix=dict() for none.)"
                )
            try:
                raw_data_info[prefix_key] = _join(prefix, raw_data_info[prefix_key])
            except TypeError as e:
                value = raw_data_info[prefix_key]
                raise TypeError(
                    f"{prefix_key!r} of raw_data_info {short_repr(raw_data_info)} should be "
                    f"a str path to join with data_prefix[{prefix_key!r}]={prefix!r}, but "
                    f"got {type(value).__name__}: {short_repr(value)}"
                ) from e
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
            f"{type(self)} must implement `get_cat_ids` method: ClassBalancedDataset calls "
            f"`{type(self).__name__}.get_cat_ids(idx)` for the category ids of each sample"
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
        try:
            if self.serialize_data:
                data_info = _serialize.load_item(self.data_bytes, self.data_address, idx)
            else:
                data_info = copy.deepcopy(self.data_list[idx])
        except (IndexError, TypeError) as e:
            err = _bad_index(idx, len(self), type(self).__name__)
            if err is None:
                raise
            raise err from e
        try:
            data_info["sample_idx"] = idx if idx >= 0 else len(self) + idx
        except TypeError as e:
            raise TypeError(
                f"the data info at index {idx} of {type(self).__name__} is a "
                f"{type(data_info).__name__} ({short_repr(data_info)}), not a dict: "
                f"`{type(self).__name__}.load_data_list` must return a list of dict"
            ) from e
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
            try:
                data = self.prepare_data(idx)
            except Exception as e:
                self._note_sample(e, idx, idx)
                raise
            if data is None:
                raise Exception(
                    "Test time pipline should not get `None` data_sample (the pipeline of "
                    f"{type(self).__name__} returned None for index {idx}"
                    f"{self._none_source()}; in test mode a sample is not replaced by "
                    "another, so every sample must pass the pipeline)"
                )
            return data

        first = idx
        try:
            attempts = range(self.max_refetch + 1)
        except TypeError as e:
            raise TypeError(
                f"max_refetch of {type(self).__name__} should be an int, but got "
                f"{type(self.max_refetch).__name__}: {self.max_refetch!r}"
            ) from e
        for _ in attempts:
            try:
                data = self.prepare_data(idx)
            except Exception as e:
                self._note_sample(e, idx, first)
                raise
            if data is None:
                idx = self._rand_another()
                continue
            return data
        raise Exception(
            f"Cannot find valid image after {self.max_refetch}! Please check your image path "
            f"and pipeline ({self._refetch_detail(first)})"
        )

    def _note_sample(self, err: BaseException, idx: int, first: int) -> None:
        """Add a note naming the sample whose preparation raised ``err``."""
        if isinstance(err, (IndexOutOfRangeError, IndexTypeError)):
            return  # the message names the index already
        where = f"sample index {idx}"
        if idx != first:
            where += f" (drawn at random after the pipeline returned None for index {first})"
        add_note(err, f"while preparing {where} of {type(self).__name__}")

    def _none_source(self) -> str:
        """Which transform of the pipeline returned None last, as a clause."""
        i = getattr(self.pipeline, "_none_from", None)
        transforms = getattr(self.pipeline, "transforms", None)
        if i is None or not transforms or i >= len(transforms):
            return ""
        return f", from transform {i}: {short_repr(transforms[i])}"

    def _refetch_detail(self, first: int) -> str:
        """Explain why no sample was found after ``max_refetch`` refetches."""
        name = type(self).__name__
        if self.max_refetch < 0:
            return (
                f"max_refetch of {name} is {self.max_refetch}, so not even index {first} was "
                "tried; set max_refetch to an int >= 0"
            )
        others = (
            "max_refetch is 0, so no other index was tried"
            if self.max_refetch == 0
            else f"for each of the {self.max_refetch} random indices tried after it"
        )
        return (
            f"the pipeline of {name} returned None for index {first} and {others}"
            f"{self._none_source()}. A "
            "transform returns None to drop a sample (a file it cannot read, a filter that "
            "removes everything): check data_root/data_prefix and the pipeline's settings"
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
        name = type(self).__name__
        if isinstance(indices, (bool, np.bool_)):
            raise TypeError(
                f"indices should be a int or sequence of int, but got {type(indices)}: "
                f"indices of {name} is {indices!r}"
            )
        if isinstance(indices, (int, np.integer)):
            indices = int(indices)
            return slice(None, indices) if indices >= 0 else slice(indices, None)
        if not isinstance(indices, (Sequence, np.ndarray)) or isinstance(indices, str):
            raise TypeError(
                f"indices should be a int or sequence of int, but got {type(indices)}: "
                f"indices of {name} is {short_repr(indices)}; pass an int (keep the first "
                "or last few samples) or a list of sample indices"
            )
        try:
            positions = [operator.index(i) for i in indices]
        except TypeError as e:
            bad = next(i for i in indices if not is_index(i))
            raise TypeError(
                f"indices should be a int or sequence of int, but got {type(bad)}: the "
                f"indices of {name} contain {bad!r}"
            ) from e
        if positions and (max(positions) >= length or min(positions) < -length):
            bad = next(i for i in positions if not -length <= i < length)
            raise IndexOutOfRangeError(
                f"index {bad} in the indices of {name} is out of range for its {length} "
                f"samples (valid: {-length} to {length - 1})"
            )
        return positions

    def _get_serialized_subset(self, indices: Sequence[int] | int) -> tuple[np.ndarray, np.ndarray]:
        """Subset the serialized buffer.

        Args:
            indices (int or Sequence[int]): See :meth:`get_subset_`.

        Returns:
            tuple[np.ndarray, np.ndarray]: The new buffer and end offsets.
        """
        length = len(self.data_address)
        if isinstance(indices, (int, np.integer)) and not -length < indices < length:
            # 0.10 refuses a count past the end for serialized data only (a plain data list,
            # and ``indices=`` at construction, keep every sample): 0.10's words lead.
            raise IndexOutOfRangeError(
                f"{indices} is out of dataset length({length}): {type(self).__name__} holds "
                f"{length} samples, so an int `indices` keeps the first (or last) at most "
                f"{length - 1}; pass a smaller count, or no subset to keep them all"
            )
        positions = self._positions(indices, length)
        if isinstance(positions, slice):
            start, stop, _ = positions.indices(length)
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
    except (OSError, ValueError, TypeError, NotImplementedError, ImportError, AttributeError):
        # no backend can reach it: treat it as a plain string value
        return False


def _check_data_list(data_list: Any, dataset: BaseDataset, method: str) -> list:
    """Return ``data_list`` as a list, or raise if ``method`` returned something else."""
    if isinstance(data_list, list):
        return data_list
    if isinstance(data_list, tuple):
        return list(data_list)
    raise TypeError(
        f"{type(dataset).__name__}.{method} should return a list of dict, but returned "
        f"{type(data_list).__name__}: {short_repr(data_list)}"
    )


def _bad_index(idx: Any, length: int, name: str) -> Exception | None:
    """The error for an index that is not an int or out of range, else None."""
    if not is_index(idx):
        return IndexTypeError(
            f"the index of {name} should be an int, but got {type(idx).__name__}: {short_repr(idx)}"
        )
    idx = operator.index(idx)
    if -length <= idx < length:
        return None
    if length == 0:
        return IndexOutOfRangeError(f"index {idx} is out of range: {name} is empty")
    return IndexOutOfRangeError(
        f"index {idx} is out of range for {name} of length {length} "
        f"(valid: {-length} to {length - 1})"
    )
