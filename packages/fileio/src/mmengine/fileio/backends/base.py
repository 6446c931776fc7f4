"""The abstract base class every storage backend derives from."""

from __future__ import annotations

import warnings
from abc import ABCMeta, abstractmethod
from pathlib import Path
from typing import Any, Union


def __getattr__(name: str) -> Any:
    # Upstream binds ``print_log`` in this module; mmengine.logging is optional for
    # fileio, so it is imported on first access.
    if name == "print_log":
        from mmengine.logging import print_log  # workspace: optional

        globals()["print_log"] = print_log
        return print_log
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _deprecation(message: str) -> None:
    """Log a deprecation through the current MMLogger at WARNING (as upstream:
    it reaches the run's log file; the logger shows each message once).

    Without ``mmengine.logging`` installed, a :class:`DeprecationWarning` is
    issued instead.
    """
    try:
        from mmengine.logging import print_log  # workspace: optional
    except ImportError:
        warnings.warn(message, DeprecationWarning, stacklevel=3)
        return
    import logging

    print_log(message, logger="current", level=logging.WARNING)


class BaseStorageBackend(metaclass=ABCMeta):
    """Abstract class of storage backends.

    All backends need to implement two apis: :meth:`get` and :meth:`get_text`.

    - :meth:`get` reads the file as a byte stream.
    - :meth:`get_text` reads the file as texts.

    Subclasses usually also implement ``put``, ``put_text``, ``exists``,
    ``isdir``, ``isfile``, ``join_path``, ``get_local_path`` and the copy /
    remove family; the functions of :mod:`mmengine.fileio.io` dispatch to them.
    """

    # Whether the backend can create symbolic links (only the local one can).
    _allow_symlink = False

    @property
    def name(self) -> str:
        """str: The class name of the backend."""
        return self.__class__.__name__

    @property
    def allow_symlink(self) -> bool:
        """bool: Whether the backend supports symbolic links (deprecated).

        Reading it logs 0.10's deprecation warning through the current
        MMLogger; the backends themselves read ``_allow_symlink``.
        """
        _deprecation("allow_symlink will be deprecated in future")
        return self._allow_symlink

    @abstractmethod
    def get(self, filepath: Union[str, Path]) -> bytes:
        """Read data from a given ``filepath`` with 'rb' mode.

        Args:
            filepath (str or Path): Path to read data.

        Returns:
            bytes: The content of the file.
        """

    @abstractmethod
    def get_text(self, filepath: Union[str, Path], encoding: str = "utf-8") -> str:
        """Read data from a given ``filepath`` with 'r' mode.

        Args:
            filepath (str or Path): Path to read data.
            encoding (str): The encoding used to decode the content.
                Defaults to 'utf-8'.

        Returns:
            str: The decoded content of the file.
        """
