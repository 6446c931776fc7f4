"""Pack a list of annotation dicts into one shared byte buffer and back.

A dataset holding a million small Python dicts makes every dataloader worker
copy the pages those objects live on (reference counting writes to them).
Packing the list into one ``numpy.uint8`` buffer plus an ``int64`` array of
end offsets keeps the data in two flat arrays that forked workers share
copy-on-read.

The packer pickles the items one at a time into a growing ``bytearray`` and
drops each source item as soon as it is packed, so the peak memory is close
to that of the plain list and no second full copy is ever alive.
"""

from __future__ import annotations

import pickle
from array import array
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._errors import add_note

_PROTOCOL = 5


def _unpicklable_note(item: Any, i: int) -> str:
    """Say which entry (and key) of a data list pickle failed on."""
    where = f"data_list[{i}]"
    if isinstance(item, dict):
        for key, value in item.items():
            try:
                pickle.dumps(value, _PROTOCOL)
            except Exception:
                where += f"[{key!r}] (a {type(value).__name__})"
                break
    return (
        f"while serializing {where} of the dataset (serialize_data=True packs every data "
        "info with pickle): keep data infos picklable (no lambdas or open files), or pass "
        "serialize_data=False"
    )


def serialize_list(data_list: list) -> tuple[np.ndarray, np.ndarray]:
    """Pickle every item of ``data_list`` into one buffer, emptying the list.

    The list is consumed: each entry is replaced by ``None`` once it has been
    packed and the list is cleared at the end, which releases the memory of
    the original objects while the buffer grows.

    Args:
        data_list (list): The items to pack. Must be picklable.

    Returns:
        tuple[np.ndarray, np.ndarray]: ``(data_bytes, data_address)``, the
        ``uint8`` buffer and the ``int64`` end offset of every item in it.
    """
    buffer = bytearray()
    ends = array("q")
    dumps = pickle.dumps
    append_end = ends.append
    i = 0
    try:
        for i in range(len(data_list)):  # noqa: B007 (read in except)
            buffer += dumps(data_list[i], _PROTOCOL)
            data_list[i] = None
            append_end(len(buffer))
    except Exception as e:
        add_note(e, _unpicklable_note(data_list[i], i))
        raise
    data_list.clear()
    data_bytes = np.frombuffer(buffer, dtype=np.uint8) if buffer else np.zeros(0, np.uint8)
    data_address = np.frombuffer(ends, dtype=np.int64) if ends else np.zeros(0, np.int64)
    return data_bytes, data_address


def load_item(data_bytes: np.ndarray, data_address: np.ndarray, idx: int):
    """Unpickle the ``idx``-th item of a packed buffer.

    Args:
        data_bytes (np.ndarray): The ``uint8`` buffer.
        data_address (np.ndarray): End offsets of the items.
        idx (int): Index of the item, negative values count from the end.

    Returns:
        Any: A fresh copy of the stored item.
    """
    end = int(data_address[idx])
    if idx < 0:
        idx += len(data_address)
    start = int(data_address[idx - 1]) if idx > 0 else 0
    return pickle.loads(memoryview(data_bytes)[start:end])


def subset(
    data_bytes: np.ndarray, data_address: np.ndarray, indices: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Return a new packed buffer holding only the items at ``indices``.

    Args:
        data_bytes (np.ndarray): The ``uint8`` buffer.
        data_address (np.ndarray): End offsets of the items.
        indices (Sequence[int]): Indices of the kept items, in output order.

    Returns:
        tuple[np.ndarray, np.ndarray]: The packed buffer and end offsets of
        the subset.
    """
    n = len(data_address)
    idx = np.asarray(list(indices), dtype=np.int64).reshape(-1)
    if idx.size == 0:
        return np.zeros(0, np.uint8), np.zeros(0, np.int64)
    out_of_range = (idx >= n) | (idx < -n)
    if out_of_range.any():
        bad = int(idx[out_of_range][0])
        raise IndexError(f"index {bad} is out of range for a dataset of length {n}")
    idx = np.where(idx < 0, idx + n, idx)
    ends = data_address[idx]
    starts = np.where(idx > 0, data_address[np.maximum(idx - 1, 0)], 0)
    lengths = ends - starts
    new_address = np.cumsum(lengths, dtype=np.int64)
    new_bytes = np.empty(int(new_address[-1]), dtype=np.uint8)
    pos = 0
    for start, end in zip(starts.tolist(), ends.tolist()):
        new_bytes[pos : pos + end - start] = data_bytes[start:end]
        pos += end - start
    return new_bytes, new_address
