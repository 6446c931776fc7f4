"""InstanceData: per-instance annotations or predictions, all fields of one length."""

from __future__ import annotations

import itertools
from collections.abc import Sized
from typing import Any, Union

import numpy as np
import torch

from mmengine.utils._builtin_names import show_as_builtins

from .base_data_element import BaseDataElement

BoolTypeTensor = Union[torch.BoolTensor, "torch.cuda.BoolTensor"]
LongTypeTensor = Union[torch.LongTensor, "torch.cuda.LongTensor"]
IndexType = Union[str, slice, int, list, LongTypeTensor, BoolTypeTensor, np.ndarray]


class _IndexTypeError(AssertionError, TypeError):
    """An unsupported index: an ``AssertionError`` as in mmengine 0.10, and a ``TypeError``."""


class _ArrayIndexTypeError(_IndexTypeError, IndexError):
    """A numpy index of an unsupported dtype: an ``IndexError`` as in mmengine 0.10 (and an
    ``AssertionError``/``TypeError`` as the other unsupported indexes)."""


show_as_builtins((_IndexTypeError, "AssertionError"), (_ArrayIndexTypeError, "IndexError"))

# Index tensors used as they are; other integer dtypes are widened to long first.
_INDEX_DTYPES = (torch.long, torch.int32)
_WIDENED_DTYPES = (torch.int16, torch.int8)


def _python_indexes(item: torch.Tensor) -> list[int]:
    """The positions a bool mask or an index tensor selects, as Python ints."""
    if item.dtype == torch.bool:
        return torch.nonzero(item).view(-1).tolist()
    return item.tolist()


def _take(value: Any, indexes: list[int]) -> Any:
    """Select ``indexes`` from a list/str/tuple or a custom type with ``cat``."""
    # A slice with step len(value) picks exactly one element and keeps the container type.
    pieces = [value[slice(i, None, len(value))] for i in indexes] or [value[slice(None, 0)]]
    if isinstance(value, (str, list, tuple)):
        out = pieces[0]
        for piece in pieces[1:]:
            out = out + piece
        return out
    return type(value).cat(pieces)


class InstanceData(BaseDataElement):
    """Data of the instances of one sample: boxes, labels, masks, scores...

    Every data field has the same length (``len(instance_data)``). Fields may be tensors,
    numpy arrays, lists, strings, tuples, or any type with ``__len__``, ``__getitem__`` and a
    ``cat`` static method. Indexing by int, slice, bool or long tensor, list or numpy array
    returns a new ``InstanceData`` holding the selected instances; :meth:`cat` concatenates.

    Examples:
        >>> import torch
        >>> from mmengine.structures import InstanceData
        >>> inst = InstanceData(metainfo=dict(img_shape=(8, 8)))
        >>> inst.scores = torch.tensor([0.9, 0.2])
        >>> inst.labels = torch.tensor([1, 3])
        >>> len(inst[inst.scores > 0.5])
        1
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("_metainfo_fields", "_data_fields"):
            super().__setattr__(name, value)
            return
        if not isinstance(value, Sized):
            raise AssertionError(
                f"value must contain `__len__` attribute: every field of an InstanceData holds "
                f"one entry per instance, but {name!r} is a {type(value).__name__}"
            )
        if len(self) > 0 and len(value) != len(self):
            raise AssertionError(
                f"The length of values {len(value)} is not consistent with the length of this "
                f":obj:`InstanceData` {len(self)}"
            )
        super().__setattr__(name, value)

    __setitem__ = __setattr__

    def __getitem__(self, item: IndexType) -> Any:
        if isinstance(item, list):
            item = np.array(item)
        if isinstance(item, np.ndarray):
            if not item.size:
                item = torch.zeros(0, dtype=torch.long)
            elif item.dtype == np.bool_ or (
                item.dtype.kind in "iu" and item.dtype != np.uint8 and item.dtype.itemsize <= 8
            ):
                item = torch.from_numpy(item if item.dtype.kind == "b" else item.astype(np.int64))
            else:
                raise _ArrayIndexTypeError(
                    "arrays used as indices must be of integer (or boolean) type: got a numpy "
                    f"array of {item.dtype}; use a bool mask or int64 indexes (e.g. "
                    "item.astype(np.int64))"
                )
        if isinstance(item, str):
            return getattr(self, item)
        if isinstance(item, int):
            if item >= len(self) or item < -len(self):
                raise IndexError(f"Index {item} out of range!")
            item = slice(item, None, len(self))  # keep the first dimension
        new_data = self.__class__(metainfo=self.metainfo)
        if isinstance(item, torch.Tensor):
            if item.dim() != 1:
                raise AssertionError("Only support to get the values along the first dimension.")
            if item.dtype == torch.bool:
                if len(item) != len(self):
                    raise AssertionError(
                        f"The shape of the input(BoolTensor) {len(item)} does not match the "
                        f"shape of the indexed tensor in results_field {len(self)} at first "
                        "dimension."
                    )
            elif item.dtype in _INDEX_DTYPES or item.dtype in _WIDENED_DTYPES:
                if item.dtype in _WIDENED_DTYPES:
                    item = item.long()
            else:
                raise _IndexTypeError(
                    f"Unsupported index tensor dtype {item.dtype}; use a bool mask or long "
                    "indexes (e.g. item.long())"
                )
            indexes = None
            for k, v in self.items():
                if isinstance(v, torch.Tensor):
                    new_data[k] = v[item if v.device == item.device else item.to(v.device)]
                elif isinstance(v, np.ndarray):
                    new_data[k] = v[item.cpu().numpy()]
                elif isinstance(v, (str, list, tuple)) or (
                    hasattr(v, "__getitem__") and hasattr(v, "cat")
                ):
                    if indexes is None:  # only list-like fields need Python indexes
                        indexes = _python_indexes(item)
                    new_data[k] = _take(v, indexes)
                else:
                    raise ValueError(
                        f"The type of `{k}` is `{type(v)}`, which has no attribute of `cat`, so "
                        "it does not support slice with `bool`"
                    )
        elif isinstance(item, slice):
            for k, v in self.items():
                new_data[k] = v[item]
        else:
            raise _IndexTypeError(
                f"Unsupported index type {type(item).__name__}: use str, int, slice, list, "
                "numpy array, or a bool/long tensor"
            )
        return new_data

    @staticmethod
    def cat(instances_list: list[InstanceData]) -> InstanceData:
        """Concatenate several ``InstanceData`` with the same keys, in order."""
        if not all(isinstance(r, InstanceData) for r in instances_list):
            raise AssertionError("cat() takes a list of InstanceData")
        if not instances_list:
            raise AssertionError("cat() needs at least one InstanceData")
        if len(instances_list) == 1:
            return instances_list[0]
        keys = instances_list[0].keys()
        first_keys = set(instances_list[0].all_keys())
        for i, other in enumerate(instances_list[1:], 1):
            if set(other.all_keys()) != first_keys:
                # 0.10 compares metainfo and data keys together
                raise AssertionError(
                    "There are different keys in `instances_list`, which may cause the cat "
                    "operation to fail. Please make sure all elements in `instances_list` have "
                    "the exact same key. (instances_list[0] has metainfo keys "
                    f"{sorted(instances_list[0].metainfo_keys())} and data keys {sorted(keys)}; "
                    f"instances_list[{i}] has {sorted(other.metainfo_keys())} and "
                    f"{sorted(other.keys())})"
                )
        new_data = instances_list[0].__class__(metainfo=instances_list[0].metainfo)
        for k in keys:
            values = [r[k] for r in instances_list]
            v0 = values[0]
            if isinstance(v0, torch.Tensor):
                new_values: Any = torch.cat(values, dim=0)
            elif isinstance(v0, np.ndarray):
                new_values = np.concatenate(values, axis=0)
            elif isinstance(v0, str):
                new_values = "".join(values)
            elif isinstance(v0, list):
                new_values = list(itertools.chain(*values))
            elif isinstance(v0, tuple):
                new_values = tuple(itertools.chain(*values))
            elif hasattr(v0, "cat"):
                new_values = type(v0).cat(values)
            else:
                raise ValueError(
                    f"The type of `{k}` is `{type(v0)}` which has no attribute of `cat`"
                )
            new_data[k] = new_values
        return new_data

    def __len__(self) -> int:
        if self._data_fields:
            return len(self.values()[0])
        return 0
