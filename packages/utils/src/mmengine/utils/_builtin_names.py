"""Error classes shown under the builtin name they stand for.

The packages raise private subclasses that derive from several builtin classes at once (0.10
raised different ones for the same mistake), so that every ``except`` written for 0.10 still
catches them. Named as the builtin, tracebacks read ``KeyError: ...`` as 0.10's did, and code
comparing ``type(err).__name__`` with 0.10's class name keeps working.
"""

from __future__ import annotations

__all__ = ["PlainMessage", "show_as_builtins"]


def show_as_builtins(*pairs: tuple[type, str]) -> None:
    """Name each ``(cls, builtin_name)`` class as the builtin (module, qualname and name)."""
    for cls, shown in pairs:
        cls.__module__ = "builtins"
        cls.__qualname__ = cls.__name__ = shown


class PlainMessage:
    """Mixin for error classes deriving from ``KeyError``: ``str(err)`` is the message as
    written, not ``KeyError``'s quoted repr of it (put it first among the bases)."""

    def __str__(self) -> str:
        args = getattr(self, "args", ())
        if len(args) == 1 and isinstance(args[0], str):
            return args[0]
        return super().__str__()
