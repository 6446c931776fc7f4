"""The abstract base class of file format handlers."""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from pathlib import Path
from typing import IO, Any, Union


class BaseFileHandler(metaclass=ABCMeta):
    """Base class of the handlers that (de)serialise one file format.

    A handler converts Python objects to and from file objects and strings.
    Set the class attribute :attr:`str_like` to False for binary formats
    (files are then opened in binary mode).
    """

    # Whether the format is text (True) or binary (False).
    str_like = True

    @abstractmethod
    def load_from_fileobj(self, file: IO, **kwargs: Any) -> Any:
        """Load an object from an open file object."""

    @abstractmethod
    def dump_to_fileobj(self, obj: Any, file: IO, **kwargs: Any) -> None:
        """Dump ``obj`` into an open file object."""

    @abstractmethod
    def dump_to_str(self, obj: Any, **kwargs: Any) -> Union[str, bytes]:
        """Dump ``obj`` to a string (bytes for binary formats)."""

    def load_from_path(self, filepath: Union[str, Path], mode: str = "r", **kwargs: Any) -> Any:
        """Load an object from a local path.

        Args:
            filepath (str or Path): The file to read.
            mode (str): Mode passed to :func:`open`. Defaults to 'r'.
            **kwargs: Passed to :meth:`load_from_fileobj`.
        """
        with open(filepath, mode) as f:
            return self.load_from_fileobj(f, **kwargs)

    def dump_to_path(
        self, obj: Any, filepath: Union[str, Path], mode: str = "w", **kwargs: Any
    ) -> None:
        """Dump ``obj`` to a local path.

        Args:
            obj: The object to dump.
            filepath (str or Path): The file to write.
            mode (str): Mode passed to :func:`open`. Defaults to 'w'.
            **kwargs: Passed to :meth:`dump_to_fileobj`.
        """
        with open(filepath, mode) as f:
            self.dump_to_fileobj(obj, f, **kwargs)
