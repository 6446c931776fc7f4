""" "Did you mean ...?" for error messages: the closest of some names to a misspelt one.

difflib is imported on first use only: these run on error paths, never at import time.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["closest", "did_you_mean", "short_repr", "shorten"]


def closest(name: object, names: Iterable[object], n: int = 1, cutoff: float = 0.6) -> list[str]:
    """The (at most ``n``) names closest to ``name``, best first (``difflib``'s ratio)."""
    import difflib

    return difflib.get_close_matches(str(name), [str(x) for x in names], n=n, cutoff=cutoff)


def did_you_mean(name: object, names: Iterable[object]) -> str:
    """``" Did you mean 'x'?"`` for the closest name, or an empty string."""
    match = closest(name, names)
    return f" Did you mean {match[0]!r}?" if match else ""


def shorten(text: str, limit: int = 200) -> str:
    """``text`` cut to ``limit`` characters (the cut marked with ``...``)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def short_repr(obj: Any, limit: int = 200) -> str:
    """``repr(obj)`` cut to ``limit`` characters; an array or tensor is described by its
    shape and dtype, and a broken ``__repr__`` never hides the error being reported."""
    shape = getattr(obj, "shape", None)
    if shape is not None and hasattr(obj, "dtype"):
        return f"{type(obj).__name__}(shape={tuple(shape)}, dtype={obj.dtype})"
    try:
        text = repr(obj)
    except Exception:  # noqa: BLE001
        text = f"<{type(obj).__name__} object>"
    return shorten(text, limit)
