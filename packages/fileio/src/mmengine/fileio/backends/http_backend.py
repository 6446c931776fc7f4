"""Read-only storage backend for HTTP and HTTPS URLs (standard library only)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Generator
from contextlib import contextmanager
from typing import Any

from .base import BaseStorageBackend


def __getattr__(name: str) -> Any:
    # ``urlopen`` is resolved lazily: urllib.request pulls in http.client and
    # ssl, which would slow down ``import mmengine.fileio``. Assigning the
    # module attribute (e.g. ``mock.patch``) replaces it for HTTPBackend.
    if name == "urlopen":
        from urllib.request import urlopen

        return urlopen
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class HTTPBackend(BaseStorageBackend):
    """HTTP and HTTPS storage backend.

    Uses :func:`urllib.request.urlopen`, so proxies configured through the
    usual environment variables are honoured.
    """

    def get(self, filepath: str) -> bytes:
        """Read bytes from a given ``filepath``.

        Args:
            filepath (str): URL to read data from.

        Returns:
            bytes: Expected bytes object.

        Raises:
            urllib.error.HTTPError: If the server answers with an error status;
                the message names the URL.
            urllib.error.URLError: If the server cannot be reached.

        Examples:
            >>> from mmengine.fileio import HTTPBackend
            >>> backend = HTTPBackend()
            >>> # not run by the doctests: it needs a web server
            >>> backend.get('http://path/of/file')  # doctest: +SKIP
            b'hello world'
        """
        from urllib.error import HTTPError, URLError

        url = str(filepath)
        try:
            opener = globals().get("urlopen") or __getattr__("urlopen")
            response = opener(url)
            try:
                return response.read()
            finally:
                response.close()
        except HTTPError as exc:
            raise HTTPError(
                url, exc.code, f"{exc.reason} (while fetching {url})", exc.headers, None
            ) from exc
        except URLError as exc:
            raise URLError(f"{exc.reason} (while fetching {url})") from exc

    def get_text(self, filepath: str, encoding: str = "utf-8") -> str:
        """Read text from a given ``filepath``.

        Args:
            filepath (str): URL to read data from.
            encoding (str): The encoding used to decode the response.
                Defaults to 'utf-8'.

        Returns:
            str: Expected text reading from ``filepath``.
        """
        return self.get(filepath).decode(encoding)

    @contextmanager
    def get_local_path(self, filepath: str) -> Generator[str, None, None]:
        """Download a file from ``filepath`` to a local temporary file.

        The temporary file is removed when leaving the ``with`` block.

        Args:
            filepath (str): Download a file from ``filepath``.

        Yields:
            str: The temporary path.

        Examples:
            >>> from mmengine.fileio import HTTPBackend
            >>> backend = HTTPBackend()
            >>> # not run by the doctests: it needs a web server
            >>> with backend.get_local_path('http://path/of/file') as path:  # doctest: +SKIP
            ...     print(open(path, 'rb').read())  # a temporary copy, removed on exit
            b'hello world'
        """
        data = self.get(filepath)
        suffix = os.path.splitext(str(filepath).split("?", 1)[0])[1]
        fd, path = tempfile.mkstemp(suffix=suffix)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            yield path
        finally:
            os.remove(path)
