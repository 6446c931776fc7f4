"""Read-only storage backend for memcached (needs the ``memcached`` extra)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Optional, Union

from .base import BaseStorageBackend


def _read_server_list(server_list_cfg: Union[str, list, tuple]) -> list[tuple[str, int]]:
    """Parse ``host:port`` entries, from a list or a file with one per line."""
    if isinstance(server_list_cfg, (list, tuple)):
        lines = [str(item) for item in server_list_cfg]
        where = "server_list_cfg"
    else:
        with open(server_list_cfg, encoding="utf-8") as f:
            lines = f.read().splitlines()
        where = f"server list file {server_list_cfg!r}"
    servers = []
    for lineno, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        host, sep, port = line.replace(" ", ":").rpartition(":")
        if not sep or not port.isdigit():
            raise ValueError(
                f"Bad memcached server entry {raw!r} at line {lineno} of {where}: "
                'expected "host:port", e.g. "127.0.0.1:11211".'
            )
        servers.append((host.strip(":") or "127.0.0.1", int(port)))
    if not servers:
        raise ValueError(f"No memcached server found in {where}.")
    return servers


class MemcachedBackend(BaseStorageBackend):
    """Memcached storage backend.

    The SenseTime ``mc`` client is used when it is importable (the upstream
    behaviour); otherwise the backend falls back to `pymemcache
    <https://pymemcache.readthedocs.io>`_, for which ``server_list_cfg`` is a
    file listing one ``host:port`` server per line (or a list of such
    strings) and ``client_cfg`` is unused.

    Args:
        server_list_cfg (str): Config file for memcached server list.
        client_cfg (str): Config file for memcached client.
        sys_path (str, optional): Additional path to be appended to
            ``sys.path``. Defaults to None.

    Raises:
        ImportError: If neither ``mc`` nor ``pymemcache`` is installed.
    """

    def __init__(
        self,
        server_list_cfg: Union[str, Path, list],
        client_cfg: Optional[Union[str, Path]] = None,
        sys_path: Optional[str] = None,
    ) -> None:
        if sys_path is not None:
            sys.path.append(sys_path)
        self.server_list_cfg = server_list_cfg
        self.client_cfg = client_cfg
        self.sys_path = sys_path
        try:
            import mc
        except ImportError:
            mc = None
        if mc is not None:
            self._mc = mc
            self._client: Any = mc.MemcachedClient.GetInstance(server_list_cfg, client_cfg)
            self._mc_buffer = mc.pyvector()
            return
        self._mc = None
        try:
            from pymemcache.client.hash import HashClient
        except ImportError as exc:
            raise ImportError(
                "Please install memcached to enable MemcachedBackend. "  # 0.10's sentence
                'MemcachedBackend needs a memcached client, but neither "mc" nor '
                '"pymemcache" is installed. Install one with '
                "`pip install mmengine-ng-fileio[memcached]` (or `pip install pymemcache`)."
            ) from exc
        servers = _read_server_list(
            server_list_cfg if isinstance(server_list_cfg, (list, tuple)) else str(server_list_cfg)
        )
        self._client = HashClient(servers)

    def get(self, filepath: Union[str, Path]) -> bytes:
        """Get values according to the filepath.

        Args:
            filepath (str or Path): Path to read data (the memcached key).

        Returns:
            bytes: Expected bytes object.

        Examples:
            >>> from mmengine.fileio import MemcachedBackend
            >>> # not run by the doctests: it needs a memcached server
            >>> backend = MemcachedBackend(  # doctest: +SKIP
            ...     '/path/of/server_list.conf', '/path/of/mc.conf')
            >>> backend.get('/path/of/file')  # doctest: +SKIP
            b'hello world'
        """
        key = str(filepath)
        if self._mc is not None:
            self._client.Get(key, self._mc_buffer)
            return self._mc.ConvertBuffer(self._mc_buffer)
        value = self._client.get(key)
        if value is None:
            raise FileNotFoundError(f"Key {key!r} not found in memcached ({self.server_list_cfg})")
        return value

    def get_text(self, filepath: Union[str, Path], encoding: str = "utf-8") -> str:
        """Not supported: memcached stores bytes. Use :meth:`get` and decode."""
        raise NotImplementedError(
            "MemcachedBackend does not support get_text(); call get() and decode the bytes."
        )
