""" "Did you mean ...?" for error messages: the closest of some names to a misspelt one.

difflib is imported on first use only: these run on error paths, never at import time.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["closest", "did_you_mean"]


def closest(name: object, names: Iterable[object], n: int = 1, cutoff: float = 0.6) -> list[str]:
    """The (at most ``n``) names closest to ``name``, best first (``difflib``'s ratio)."""
    import difflib

    return difflib.get_close_matches(str(name), [str(x) for x in names], n=n, cutoff=cutoff)


def did_you_mean(name: object, names: Iterable[object]) -> str:
    """``" Did you mean 'x'?"`` for the closest name, or an empty string."""
    match = closest(name, names)
    return f" Did you mean {match[0]!r}?" if match else ""
