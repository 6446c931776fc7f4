"""Read-only storage backend for HTTP and HTTPS URLs (standard library only)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Generator
from contextlib import contextmanager
from .base import BaseStorageBackend


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
            >>> backend = HTTPBackend()
            >>> backend.get('http://path/of/file')
            b'hello world'
        """
        # Imported here: urllib.request pulls in http.client and ssl.
        from urllib.error import HTTPError, URLError
        from urllib.request import urlopen

        url = str(filepath)
        try:
            with urlopen(url) as response:
                return response.read()
        except HTTPError as exc:
            raise HTTPError(
                url, exc.code, f'{exc.reason} (while fetching {url})', exc.headers, None
            ) from exc
        except URLError as exc:
            raise URLError(f'{exc.reason} (while fetching {url})') from exc

    def get_text(self, filepath: str, encoding: str = 'utf-8') -> str:
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
            >>> backend = HTTPBackend()
            >>> with backend.get_local_path('http://path/of/file') as path:
            ...     # do something here
        """
        data = self.get(filepath)
        suffix = os.path.splitext(str(filepath).split('?', 1)[0])[1]
        fd, path = tempfile.mkstemp(suffix=suffix)
        try:
            with os.fdopen(fd, 'wb') as f:
                f.write(data)
            yield path
        finally:
            os.remove(path)
