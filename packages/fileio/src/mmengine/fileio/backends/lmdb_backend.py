"""Read-only storage backend for LMDB databases (needs the ``lmdb`` extra)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Union

from .base import BaseStorageBackend


class LmdbBackend(BaseStorageBackend):
    """Lmdb storage backend.

    Args:
        db_path (str): Lmdb database path.
        readonly (bool): Lmdb environment parameter. If True, disallow any
            write operations. Defaults to True.
        lock (bool): Lmdb environment parameter. If False, when concurrent
            access occurs, do not lock the database. Defaults to False.
        readahead (bool): Lmdb environment parameter. If False, disable the OS
            filesystem readahead mechanism, which may improve random read
            performance when a database is larger than RAM. Defaults to False.
        **kwargs: Keyword arguments passed to ``lmdb.open``.

    Attributes:
        db_path (str): Lmdb database path.

    Raises:
        ImportError: If the ``lmdb`` package is not installed.
    """

    def __init__(
        self,
        db_path: Union[str, Path],
        readonly: bool = True,
        lock: bool = False,
        readahead: bool = False,
        **kwargs: Any,
    ) -> None:
        try:
            import lmdb  # noqa: F401
        except ImportError as exc:
            raise ImportError(
                'Please run "pip install lmdb" to enable LmdbBackend. '  # 0.10's sentence
                'LmdbBackend needs the "lmdb" package, which is not installed. '
                "Install it with `pip install mmengine-ng-fileio[lmdb]` (or `pip install lmdb`)."
            ) from exc
        self.db_path = str(db_path)
        self.readonly = readonly
        self.lock = lock
        self.readahead = readahead
        self.kwargs = kwargs
        # Opened lazily so that the backend can be pickled into dataloader
        # workers before the environment exists.
        self._client: Any = None

    def _get_client(self) -> Any:
        import lmdb

        return lmdb.open(
            self.db_path,
            readonly=self.readonly,
            lock=self.lock,
            readahead=self.readahead,
            **self.kwargs,
        )

    def get(self, filepath: Union[str, Path]) -> bytes:
        """Get values according to the filepath.

        Args:
            filepath (str or Path): Here, filepath is the lmdb key.

        Returns:
            bytes: Expected bytes object (None if the key is absent).

        Examples:
            >>> from mmengine.fileio import LmdbBackend
            >>> # not run by the doctests: it needs the ``lmdb`` package and a database
            >>> backend = LmdbBackend('path/to/lmdb')  # doctest: +SKIP
            >>> backend.get('key')  # doctest: +SKIP
            b'hello world'
        """
        if self._client is None:
            self._client = self._get_client()
        with self._client.begin(write=False) as txn:
            return txn.get(str(filepath).encode("ascii"))

    def get_text(self, filepath: Union[str, Path], encoding: str = "utf-8") -> str:
        """Not supported: LMDB stores bytes. Use :meth:`get` and decode."""
        raise NotImplementedError(
            "LmdbBackend does not support get_text(); call get() and decode the bytes."
        )

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_client"] = None
        return state

    def __del__(self) -> None:
        client = getattr(self, "_client", None)
        if client is not None:
            client.close()
