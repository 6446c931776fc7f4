"""Equality of nested metadata that may hold arrays (private; used across the packages).

Dataset metainfo is compared when datasets are concatenated and when a run resumes. It is
often nested and holds NumPy arrays (mmpose's ``sigmas`` and ``joint_weights``), where a
plain ``==`` on the enclosing dict raises ``ValueError: The truth value of an array ... is
ambiguous``. :func:`deep_equal` compares such values element by element instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def deep_equal(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` hold the same values, looking inside dicts, lists and tuples.

    Array-likes (NumPy arrays, tensors) are equal when they have the same shape and the same
    elements; a list and a tuple differ (as they do under ``==``). Values whose comparison
    raises count as different.
    """
    if a is b:
        return True
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(deep_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return (
            isinstance(a, list) == isinstance(b, list)
            and len(a) == len(b)
            and all(deep_equal(x, y) for x, y in zip(a, b))
        )
    if hasattr(a, "shape") or hasattr(b, "shape"):
        return _arrays_equal(a, b)
    try:
        return bool(a == b)
    except Exception:  # an object whose == gives no truth value
        return False


def _arrays_equal(a: Any, b: Any) -> bool:
    if not (hasattr(a, "shape") and hasattr(b, "shape")):
        return False  # an array against a scalar or a list: not the same metadata
    if tuple(a.shape) != tuple(b.shape):
        return False
    try:
        result = a == b
        return bool(result.all()) if hasattr(result, "all") else bool(result)
    except Exception:  # e.g. a tensor against an array of another device or dtype kind
        return False
