"""Formatting a config dict as Python source (``Config.pretty_text``).

The output is valid Python that ``Config.fromstring(text, '.py')`` loads back
to an equal config. Dicts whose keys are all identifiers are written as
``dict(a=1)``, others as ``{'a b': 1}``. In compact mode (the default) a value
is kept on one line when it fits in :data:`LINE_WIDTH` columns, otherwise its
items go one per line with a 4-space hanging indent.

As upstream, the keys of every dict (the top level included) are written
sorted by ``str(key)``, so two configs that differ only in key order give the
same text (``Config.diff`` and tools that diff dumped configs rely on it).
"""

from __future__ import annotations

import keyword

from .lazy import LazyAttr, LazyObject, dotted_name

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at runtime (import cost)
    from typing import Any

__all__ = ["format_config", "LINE_WIDTH"]

LINE_WIDTH = 79
_INDENT = 4
_INF = float("inf")


def _is_name(key: Any) -> bool:
    return isinstance(key, str) and key.isidentifier() and not keyword.iskeyword(key)


def _basic(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, float) and (value != value or value in (_INF, -_INF)):
        return f"float('{value}')"
    if isinstance(value, (LazyObject, LazyAttr)):
        return repr(dotted_name(value))
    if isinstance(value, type) or callable(value) and hasattr(value, "__qualname__"):
        module = getattr(value, "__module__", None)
        name = value.__qualname__
        return repr(f"{module}.{name}" if module and module != "builtins" else name)
    return str(value)


def _items(value: dict) -> list:
    """The items of ``value`` sorted by ``str(key)`` (stable for equal strings)."""
    return sorted(dict.items(value), key=lambda item: str(item[0]))


def _key(key: Any) -> str:
    return repr(key) if isinstance(key, str) else str(key)


def _flat(value: Any, budget: int) -> str | None:
    """One-line form of ``value``, or None if longer than ``budget``."""
    if isinstance(value, dict):
        if not value:
            return "dict()"
        use_call = all(_is_name(k) for k in value)
        parts = []
        used = 6
        for k, v in _items(value):
            sub = _flat(v, budget - used)
            if sub is None:
                return None
            item = f"{k}={sub}" if use_call else f"{_key(k)}: {sub}"
            used += len(item) + 2
            if used > budget:
                return None
            parts.append(item)
        body = ", ".join(parts)
        return f"dict({body})" if use_call else f"{{{body}}}"
    if isinstance(value, (list, tuple)):
        parts = []
        used = 2
        for v in value:
            sub = _flat(v, budget - used)
            if sub is None:
                return None
            used += len(sub) + 2
            if used > budget:
                return None
            parts.append(sub)
        body = ", ".join(parts)
        if isinstance(value, list):
            return f"[{body}]"
        if len(parts) == 1:
            return f"({body},)"
        return f"({body})"
    text = _basic(value)
    if len(text) > budget:
        return None
    return text


def _expanded(value: Any, indent: int, column: int, compact: bool) -> str:
    """Format ``value`` starting at ``column``; continuation lines are
    indented relative to ``indent``."""
    if not isinstance(value, (dict, list, tuple)) or not value:
        return _flat(value, 1 << 30)  # type: ignore[return-value]
    if compact:
        flat = _flat(value, max(LINE_WIDTH - column, 0))
        if flat is not None:
            return flat
    pad = " " * (indent + _INDENT)
    lines = []
    if isinstance(value, dict):
        use_call = all(_is_name(k) for k in value)
        opening, closing = ("dict(", ")") if use_call else ("{", "}")
        for k, v in _items(value):
            prefix = f"{k}=" if use_call else f"{_key(k)}: "
            sub = _expanded(v, indent + _INDENT, indent + _INDENT + len(prefix) + 1, compact)
            lines.append(f"{pad}{prefix}{sub},")
    else:
        opening, closing = ("[", "]") if isinstance(value, list) else ("(", ")")
        for v in value:
            sub = _expanded(v, indent + _INDENT, indent + _INDENT + 1, compact)
            lines.append(f"{pad}{sub},")
    return opening + "\n" + "\n".join(lines) + "\n" + " " * indent + closing


def format_config(cfg: dict, compact: bool = True) -> str:
    """Format the top-level config dict as Python assignments.

    Args:
        cfg (dict): Plain config dict (lazy objects are written as their
            dotted import path strings).
        compact (bool): Keep values on one line when they fit. Defaults to
            True.

    Returns:
        str: Python source, one ``key = value`` statement per key, keys
        sorted by ``str(key)``.
    """
    lines = []
    for key, value in _items(cfg):
        if _is_name(key):
            prefix = f"{key} = "
        else:
            prefix = f"globals()[{_key(key)}] = "
        lines.append(prefix + _expanded(value, 0, len(prefix), compact))
    return "\n".join(lines) + "\n" if lines else ""
