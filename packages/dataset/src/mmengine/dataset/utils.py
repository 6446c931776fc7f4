"""Collate functions and the dataloader worker seeding function."""

from __future__ import annotations

import random
import sys
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch
from torch.utils.data._utils.collate import default_collate as torch_default_collate

from mmengine.registry import FUNCTIONS
from mmengine.utils._builtin_names import PlainMessage

from ._errors import add_note, short_repr

__all__ = ["COLLATE_FUNCTIONS", "default_collate", "pseudo_collate", "worker_init_fn"]

# FUNCTIONS replaced COLLATE_FUNCTIONS in MMEngine v0.7.0; the old name stays
# an alias so that downstream ``@COLLATE_FUNCTIONS.register_module()`` works.
COLLATE_FUNCTIONS = FUNCTIONS


def worker_init_fn(
    worker_id: int,
    num_workers: int,
    rank: int,
    seed: int,
    disable_subprocess_warning: bool = False,
) -> None:
    """Seed ``numpy``, ``random`` and ``torch`` in a dataloader worker.

    The seed of a worker is ``num_workers * rank + worker_id + seed``, so
    every worker of every rank draws different random numbers.

    Args:
        worker_id (int): Worker id in [0, num_workers - 1].
        num_workers (int): How many subprocesses to use for data loading.
        rank (int): Rank of process in distributed environment, 0 if not
            distributed.
        seed (int): Random seed.
        disable_subprocess_warning (bool): Whether to silence warnings in
            every worker but the first one. Defaults to False.
    """
    worker_seed = num_workers * rank + worker_id + seed
    np.random.seed(worker_seed % 2**32)
    random.seed(worker_seed)
    torch.manual_seed(worker_seed)
    if disable_subprocess_warning and worker_id != 0:
        warnings.simplefilter("ignore")


def _is_data_element(obj: Any) -> bool:
    """Whether ``obj`` is an ``mmengine.structures.BaseDataElement``.

    ``mmengine.structures`` is not a dependency of this package; if it has
    not been imported, no object can be one of its data elements.
    """
    structures = sys.modules.get("mmengine.structures")
    element_cls = getattr(structures, "BaseDataElement", None)
    return element_cls is not None and isinstance(obj, element_cls)


def _is_namedtuple(obj: Any) -> bool:
    return isinstance(obj, tuple) and hasattr(obj, "_fields")


class _BatchItemKeyError(PlainMessage, KeyError):
    """An item of a batch lacks a key of the first item."""


def _push_path(err: BaseException, step: Any) -> None:
    """Record that ``err`` arose under key/position ``step`` of the batch items."""
    state = getattr(err, "__dict__", None)
    if state is None:
        return  # an exception without attributes: no path then
    if state.pop("_collate_here", False):
        return  # raised about the items at this level: ``step`` is not on its path
    state.setdefault("_collate_path", []).insert(0, step)


def _item_mismatch(data_batch: list, key: Any) -> Exception:
    """The error for items of a batch that lack ``key`` of the first item."""
    first = data_batch[0]
    for i, item in enumerate(data_batch):
        if not isinstance(item, Mapping):
            err: Exception = TypeError(
                f"item {i} of the batch is a {type(item).__name__}, but item 0 is a "
                f"{type(first).__name__}: every sample of a batch must have the same structure"
            )
            break
        if key not in item:
            err = _BatchItemKeyError(
                f"{key!r}: item {i} of the batch has no key {key!r}, which item 0 has (keys of "
                f"item 0: {short_repr(list(first))}; of item {i}: {short_repr(list(item))}); "
                "every sample of a batch must have the same keys"
            )
            break
    else:  # cannot happen: a lookup failed
        err = KeyError(key)
    err._collate_here = True
    return err


def _transpose(data_batch: Sequence, collate: Any) -> list:
    """Collate a batch of equal-length sequences position by position."""
    size = len(data_batch[0])
    for i, item in enumerate(data_batch):
        try:
            item_size = len(item)
        except TypeError as e:
            raise TypeError(
                f"object of type '{type(item).__name__}' has no len(): item {i} of the batch "
                f"is a {type(item).__name__}, but item 0 is a {type(data_batch[0]).__name__}; "
                "every sample of a batch must have the same structure"
            ) from e
        if item_size != size:
            raise RuntimeError(
                "each data_itement in list of batch should be of equal size (item 0 of the "
                f"batch has {size} elements and item {i} has {item_size})"
            )
    transposed = []
    pos = 0
    try:
        for pos, samples in enumerate(zip(*data_batch)):  # noqa: B007 (read in except)
            transposed.append(collate(samples))
    except Exception as e:
        _push_path(e, pos)
        raise
    return transposed


def _collate(data_batch: Sequence, leaf: Any, recurse: Any) -> Any:
    """Shared recursion of the two collate functions.

    What is kept as it is comes back in the container it came in, as 0.10's: the top-level
    list, or the tuple ``zip`` makes of a sequence's position (``pseudo_collate([[a, 1],
    [b, 2]])`` is ``[(a, b), (1, 2)]``).
    """
    given = data_batch
    data_batch = list(data_batch)
    if not data_batch:
        return data_batch
    data_item = data_batch[0]
    data_item_type = type(data_item)
    if isinstance(data_item, (str, bytes)) or _is_data_element(data_item):
        return given
    if _is_namedtuple(data_item):
        return data_item_type(*_transpose(data_batch, recurse))
    if isinstance(data_item, Sequence):
        transposed = _transpose(data_batch, recurse)
        if isinstance(data_item, tuple):
            return transposed
        try:
            return data_item_type(transposed)
        except TypeError:
            # the sequence type cannot be built from a list
            return transposed
    if isinstance(data_item, Mapping):
        collated = {}
        key = None
        try:
            for key in data_item:
                try:
                    values = [d[key] for d in data_batch]
                except (KeyError, TypeError, IndexError) as e:
                    raise _item_mismatch(data_batch, key) from e
                collated[key] = recurse(values)
        except Exception as e:
            _push_path(e, key)
            raise
        try:
            return data_item_type(collated)
        except TypeError:
            # the mapping type cannot be built from a dict
            return collated
    return leaf(given if leaf is _keep_list else data_batch)


def _keep_list(data_batch: list) -> list:
    return data_batch


def _describe(value: Any) -> str:
    """A short description of one batch value: its type and, for arrays, shape."""
    if isinstance(value, torch.Tensor):
        return f"Tensor(shape={list(value.shape)}, dtype={value.dtype})"
    if isinstance(value, np.ndarray):
        return f"ndarray(shape={value.shape}, dtype={value.dtype})"
    if isinstance(value, (int, float, bool, str, type(None))):
        return f"{type(value).__name__} {short_repr(value, 40)}"
    return type(value).__name__


def _note_collate(err: BaseException, data_batch: Any, fn: str) -> None:
    """Name, on ``err``, where in the batch ``fn`` failed and what the items hold there."""
    state = getattr(err, "__dict__", {})
    path = state.pop("_collate_path", [])
    state.pop("_collate_here", None)
    where = "data_batch[i]" + "".join(f"[{step!r}]" for step in path)
    missing = object()
    values = []
    try:
        for item in list(data_batch)[:8]:
            for step in path:
                try:
                    item = item[step]
                except Exception:
                    item = missing
                    break
            values.append(item)
    except Exception:  # not a sequence: nothing to describe
        add_note(err, f"while collating a batch with {fn}")
        return
    items = "; ".join(
        f"item {i}: {'(missing)' if v is missing else _describe(v)}" for i, v in enumerate(values)
    )
    note = f"while collating {where} of the batch with {fn} ({items})"
    present = [v for v in values if v is not missing]
    if len({type(v) for v in present}) > 1:
        note += ". The samples hold different types there; each must hold the same type"
    elif (
        fn == "default_collate"
        and present
        and isinstance(present[0], (torch.Tensor, np.ndarray))
        and len({tuple(v.shape) for v in present}) > 1
    ):
        note += (
            ". default_collate stacks them, so every sample must have the same shape there: "
            "resize or pad in the pipeline, or use pseudo_collate (and let the model's data "
            "preprocessor pad and stack)"
        )
    add_note(err, note)


def _pseudo_collate(data_batch: Sequence) -> Any:
    return _collate(data_batch, _keep_list, _pseudo_collate)


def _default_collate(data_batch: Sequence) -> Any:
    return _collate(data_batch, torch_default_collate, _default_collate)


@FUNCTIONS.register_module()
def pseudo_collate(data_batch: Sequence) -> Any:
    """Gather a batch into the structure of one item, without stacking.

    Dicts become dicts of lists; a sequence becomes a list (a namedtuple stays a
    namedtuple) holding, per position, the tuple of the samples' values there;
    every other object, including tensors, arrays and ``BaseDataElement``, is
    kept as it comes (the batch list, or such a tuple).

    Args:
        data_batch (Sequence): Batch of data from dataloader.

    Returns:
        Any: Transposed data in the same format as an item of the batch.

    Examples:
        >>> from mmengine.dataset import pseudo_collate
        >>> pseudo_collate([dict(a=1, b=[1, 2]), dict(a=2, b=[3, 4])])
        {'a': [1, 2], 'b': [(1, 3), (2, 4)]}
    """
    try:
        return _collate(data_batch, _keep_list, _pseudo_collate)
    except Exception as e:
        _note_collate(e, data_batch, "pseudo_collate")
        raise


@FUNCTIONS.register_module()
def default_collate(data_batch: Sequence) -> Any:
    """Gather a batch into the structure of one item, stacking tensors.

    Like PyTorch's ``default_collate``: tensors are stacked along a new first
    dimension, and ndarrays, ints and floats become tensors; but
    ``BaseDataElement`` objects (and strings) are kept in a list.

    Note:
        Only tensors of the same shape can be stacked.

    Args:
        data_batch (Sequence): Data sampled from dataset.

    Returns:
        Any: Data in the same format as an item of the batch, with tensors
        stacked.
    """
    try:
        return _collate(data_batch, torch_default_collate, _default_collate)
    except Exception as e:
        _note_collate(e, data_batch, "default_collate")
        raise
