"""JSON handler that also serialises sets, ranges and numpy values."""

from __future__ import annotations

import json
import sys
from typing import IO, Any

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
        json.dump(obj, file, **kwargs)

    def dump_to_str(self, obj: Any, **kwargs: Any) -> str:
        """Dump ``obj`` to a json string (kwargs go to :func:`json.dumps`)."""
        kwargs.setdefault("default", set_default)
        return json.dumps(obj, **kwargs)
