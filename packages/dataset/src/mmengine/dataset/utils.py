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


def _transpose(data_batch: Sequence, collate: Any) -> list:
    """Collate a batch of equal-length sequences position by position."""
    size = len(data_batch[0])
    for i, item in enumerate(data_batch):
        if len(item) != size:
            raise RuntimeError(
                "each data_item in list of batch should be of equal size, but item 0 has "
                f"{size} elements and item {i} has {len(item)}"
            )
    return [collate(list(samples)) for samples in zip(*data_batch)]


def _collate(data_batch: Sequence, leaf: Any, recurse: Any) -> Any:
    """Shared recursion of the two collate functions."""
    data_batch = list(data_batch)
    if not data_batch:
        return data_batch
    data_item = data_batch[0]
    data_item_type = type(data_item)
    if isinstance(data_item, (str, bytes)) or _is_data_element(data_item):
        return data_batch
    if _is_namedtuple(data_item):
        return data_item_type(*(recurse(list(s)) for s in zip(*data_batch)))
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
        collated = {key: recurse([d[key] for d in data_batch]) for key in data_item}
        try:
            return data_item_type(collated)
        except TypeError:
            # the mapping type cannot be built from a dict
            return collated
    return leaf(data_batch)


def _keep_list(data_batch: list) -> list:
    return data_batch


@FUNCTIONS.register_module()
def pseudo_collate(data_batch: Sequence) -> Any:
    """Gather a batch into the structure of one item, without stacking.

    Dicts become dicts of lists, sequences become lists of lists (tuples turn
    into lists, namedtuples stay namedtuples) and every other object,
    including tensors, arrays and ``BaseDataElement``, is kept in a list.

    Args:
        data_batch (Sequence): Batch of data from dataloader.

    Returns:
        Any: Transposed data in the same format as an item of the batch.

    Examples:
        >>> pseudo_collate([dict(a=1, b=[1, 2]), dict(a=2, b=[3, 4])])
        {'a': [1, 2], 'b': [[1, 3], [2, 4]]}
    """
    return _collate(data_batch, _keep_list, pseudo_collate)


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
    return _collate(data_batch, torch_default_collate, default_collate)
