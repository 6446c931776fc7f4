"""Pickle handler (binary)."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import IO, Any, Union

from .base import BaseFileHandler


class PickleHandler(BaseFileHandler):
    """Handler for the pickle format.

    Dumps use pickle protocol 2 by default, like upstream MMEngine, so files
    stay readable by old Python versions; pass ``protocol=...`` to change it.
    """

    str_like = False

    def load_from_fileobj(self, file: IO, **kwargs: Any) -> Any:
        """Unpickle an object from a binary file object."""
        return pickle.load(file, **kwargs)

    def load_from_path(self, filepath: Union[str, Path], **kwargs: Any) -> Any:
        """Unpickle an object from a local path (opened in 'rb' mode)."""
        return super().load_from_path(filepath, mode="rb", **kwargs)

    def dump_to_str(self, obj: Any, **kwargs: Any) -> bytes:
        """Pickle ``obj`` to bytes."""
        kwargs.setdefault("protocol", 2)
        return pickle.dumps(obj, **kwargs)

    def dump_to_fileobj(self, obj: Any, file: IO, **kwargs: Any) -> None:
        """Pickle ``obj`` into a binary file object."""
        kwargs.setdefault("protocol", 2)
        pickle.dump(obj, file, **kwargs)

    def dump_to_path(self, obj: Any, filepath: Union[str, Path], **kwargs: Any) -> None:
        """Pickle ``obj`` to a local path (opened in 'wb' mode)."""
        super().dump_to_path(obj, filepath, mode="wb", **kwargs)
