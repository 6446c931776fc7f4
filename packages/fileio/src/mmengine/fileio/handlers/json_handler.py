"""JSON handler that also serialises sets, ranges and numpy values."""

from __future__ import annotations

import json
import sys
from typing import IO, Any

from ..backends.errors import with_context
from .base import BaseFileHandler


def set_default(obj: Any) -> Any:
    """Make objects json can not handle natively serialisable.

    ``set`` and ``range`` become lists, numpy arrays become (nested) lists
    and numpy scalars become Python scalars. numpy is never imported here; it
    is only recognised when the caller already uses it.

    Args:
        obj: The object json failed to serialise.

    Returns:
        A json-serialisable equivalent of ``obj``.

    Raises:
        TypeError: If ``obj`` has an unsupported type.
    """
    if isinstance(obj, (set, frozenset, range)):
        return list(obj)
    np = sys.modules.get("numpy")
    if np is not None:
        if isinstance(obj, np.ndarray):
            return obj.tolist()
        if isinstance(obj, np.generic):
            return obj.item()
    raise TypeError(f"{type(obj)} is unsupported for json dump")


_JSON_SCALARS = (str, int, float, bool, type(None))
_HOW_TO_FIX = (
    "; convert it to a list, dict, str, int, float, bool or None first, or pass "
    "default=<function returning one of those> to dump()"
)


def find_unserializable(obj: Any, path: str = "obj", depth: int = 0) -> Any:
    """Return where in ``obj`` the first value json cannot dump is, or None.

    Values :func:`set_default` converts count as serialisable. Used to
    explain a failed dump, never on the normal path.

    Args:
        obj: The object that failed to dump.
        path (str): How ``obj`` itself is named in the result.
        depth (int): Current nesting depth (the search stops at 200).

    Returns:
        str or None: e.g. ``"obj['model']['act']"`` or
        ``"obj['a'], the key (1, 2)"``.
    """
    if depth > 200 or isinstance(obj, _JSON_SCALARS):
        return None
    if isinstance(obj, dict):
        for key, value in obj.items():
            if not isinstance(key, _JSON_SCALARS):
                return f"{path}, the key {key!r}"
            found = find_unserializable(value, f"{path}[{key!r}]", depth + 1)
            if found is not None:
                return found
        return None
    if isinstance(obj, (list, tuple)):
        for index, value in enumerate(obj):
            found = find_unserializable(value, f"{path}[{index}]", depth + 1)
            if found is not None:
                return found
        return None
    try:
        converted = set_default(obj)
    except TypeError:
        return f"{path} (a {type(obj).__name__})"
    return find_unserializable(converted, path, depth + 1)


def _explained(exc: TypeError, obj: Any) -> BaseException:
    where = find_unserializable(obj)
    if where is None:
        return exc
    fix = "" if ", the key " in where else _HOW_TO_FIX
    return with_context(exc, f" at {where}{fix}")


class JsonHandler(BaseFileHandler):
    """Handler for the json format.

    Sets, ranges, numpy arrays and numpy scalars are converted to plain
    lists and scalars when dumping; pass ``default=...`` to override.
    """

    def load_from_fileobj(self, file: IO, **kwargs: Any) -> Any:
        """Load json from a file object (kwargs go to :func:`json.load`)."""
        return json.load(file, **kwargs)

    def dump_to_fileobj(self, obj: Any, file: IO, **kwargs: Any) -> None:
        """Dump ``obj`` as json into a file object (kwargs go to :func:`json.dump`)."""
        kwargs.setdefault("default", set_default)
        try:
            json.dump(obj, file, **kwargs)
        except TypeError as exc:
            if kwargs["default"] is not set_default:
                raise
            raise _explained(exc, obj).with_traceback(exc.__traceback__) from None

    def dump_to_str(self, obj: Any, **kwargs: Any) -> str:
        """Dump ``obj`` to a json string (kwargs go to :func:`json.dumps`)."""
        kwargs.setdefault("default", set_default)
        try:
            return json.dumps(obj, **kwargs)
        except TypeError as exc:
            if kwargs["default"] is not set_default:
                raise
            raise _explained(exc, obj).with_traceback(exc.__traceback__) from None
