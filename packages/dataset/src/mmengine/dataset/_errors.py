"""Exception classes of the bad-input checks and the PEP 678 note helper.

Each class derives from every builtin class that upstream MMEngine 0.10
raises for the same mistake (sometimes at a later point), so that
``except``/``pytest.raises`` written against upstream still catch it.
"""

from __future__ import annotations

import operator
from typing import Any

from mmengine.config.parsing import add_note
from mmengine.utils._builtin_names import PlainMessage
from mmengine.utils._messages import short_repr  # noqa: F401  (here and for the modules importing it from here)

__all__ = [
    "add_note",
    "short_repr",
    "is_index",
    "DataPrefixKeyError",
    "NoAnnFileError",
    "AnnotationFormatError",
    "ArgTypeError",
    "ArgAssertError",
    "AttrTypeError",
    "DatasetsArgError",
    "IndexOutOfRangeError",
    "IndexTypeError",
    "EmptyDatasetError",
    "SeedError",
]


def is_index(value: Any) -> bool:
    """Whether ``value`` can be used as an integer index (``operator.index``)."""
    try:
        operator.index(value)
    except TypeError:
        return False
    return True


class DataPrefixKeyError(PlainMessage, KeyError, AssertionError):
    """A raw data info lacks a key named in ``data_prefix`` (0.10: AssertionError)."""


class NoAnnFileError(ValueError, TypeError):
    """No ``ann_file`` to load (0.10's loader fails with a TypeError)."""


class AnnotationFormatError(TypeError, AssertionError):
    """An annotation file or entry of the wrong shape (0.10: TypeError or AssertionError)."""


class ArgTypeError(TypeError):
    """An argument of the wrong type."""


class ArgAssertError(TypeError, AssertionError):
    """An argument of the wrong type that 0.10 rejected with an ``assert``."""


class AttrTypeError(TypeError, AttributeError):
    """An argument of the wrong type that 0.10 rejected with an AttributeError."""


class DatasetsArgError(PlainMessage, TypeError, KeyError):
    """``ConcatDataset(datasets=...)`` given a single dataset or config, not a list."""


class IndexOutOfRangeError(IndexError, AssertionError):
    """An index past the end of a dataset (0.10: IndexError, or an assert for subsets)."""


class IndexTypeError(IndexError, TypeError):
    """An index that is not an integer (0.10: IndexError or TypeError)."""


class EmptyDatasetError(IndexError, ZeroDivisionError, ValueError):
    """Sampling or indexing an empty dataset (0.10: ZeroDivisionError or ValueError)."""


class SeedError(TypeError, RuntimeError):
    """A sampler seed that is not an int (0.10: TypeError or RuntimeError on iteration)."""
