"""Storage backend for Petrel OSS (SenseTime's ``petrel_client``, optional)."""

from __future__ import annotations

import os
import os.path as osp
import re
import tempfile
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from shutil import SameFileError
from typing import Optional, Union

from mmengine.utils import has_method, mkdir_or_exist

from .base import BaseStorageBackend
from .local_backend import check_list_args


class PetrelBackend(BaseStorageBackend):
    """Petrel storage backend (for internal usage).

    PetrelBackend supports reading and writing data to multiple clusters.
    If the file path contains the cluster name, PetrelBackend will read data
    from specified cluster or write data to it. Otherwise, PetrelBackend will
    access the default cluster.

    Args:
        path_mapping (dict, optional): Path mapping dict from local path to
            Petrel path. When ``path_mapping={'src': 'dst'}``, ``src`` in
            ``filepath`` will be replaced by ``dst``. Defaults to None.
        enable_mc (bool, optional): Whether to enable memcached support.
            Defaults to True.
        conf_path (str, optional): Config path of Petrel client. Default: None.

    Raises:
        ImportError: If ``petrel_client`` is not installed.

    Examples:
        >>> from mmengine.fileio import PetrelBackend
        >>> # not run by the doctests: it needs ``petrel_client`` and a Petrel cluster
        >>> backend = PetrelBackend()  # doctest: +SKIP
        >>> filepath1 = 'petrel://path/of/file'
        >>> filepath2 = 'cluster-name:petrel://path/of/file'
        >>> backend.get(filepath1)  # doctest: +SKIP
        >>> backend.get(filepath2)  # doctest: +SKIP
    """

    def __init__(
        self,
        path_mapping: Optional[dict] = None,
        enable_mc: bool = True,
        conf_path: Optional[str] = None,
    ) -> None:
        try:
            from petrel_client import client
        except ImportError as exc:
            raise ImportError(
                "Please install petrel_client to enable PetrelBackend. "  # 0.10's sentence
                'PetrelBackend needs "petrel_client" (SenseTime\'s Petrel OSS SDK), which is '
                "not installed. Install it, or use another backend "
                'via backend_args, e.g. {"backend": "local"}.'
            ) from exc
        if path_mapping is not None and not isinstance(path_mapping, dict):
            # AssertionError as upstream (raised explicitly: not stripped by -O)
            raise AssertionError(
                f"path_mapping should be a dict or None, but got {type(path_mapping)}"
            )
        self._client = client.Client(conf_path=conf_path, enable_mc=enable_mc)
        self.path_mapping = path_mapping

    # -- path helpers -------------------------------------------------------
    def _map_path(self, filepath: Union[str, Path]) -> str:
        filepath = str(filepath)
        if self.path_mapping is not None:
            for src, dst in self.path_mapping.items():
                filepath = filepath.replace(src, dst, 1)
        return filepath

    @staticmethod
    def _format_path(filepath: str) -> str:
        # Backslashes (Windows separators) become forward slashes.
        return re.sub(r"\\+", "/", filepath)

    @staticmethod
    def _replace_prefix(filepath: str) -> str:
        return filepath.replace("petrel://", "s3://")

    def _normalize(self, filepath: Union[str, Path]) -> str:
        return self._replace_prefix(self._format_path(self._map_path(filepath)))

    def _require(self, *methods: str) -> None:
        for method in methods:
            if not has_method(self._client, method):
                raise NotImplementedError(
                    f"The installed Petrel Python SDK has no `{method}` method; "
                    "please upgrade petrel_client."
                )

    # -- reading / writing ---------------------------------------------------
    def get(self, filepath: Union[str, Path]) -> bytes:
        """Read bytes from a given ``filepath`` with 'rb' mode.

        Args:
            filepath (str or Path): Path to read data.

        Returns:
            bytes: Return bytes read from filepath.
        """
        return self._client.Get(self._normalize(filepath))

    def get_text(self, filepath: Union[str, Path], encoding: str = "utf-8") -> str:
        """Read text from a given ``filepath`` with 'r' mode.

        Args:
            filepath (str or Path): Path to read data.
            encoding (str): The encoding format used to decode the content.
                Defaults to 'utf-8'.

        Returns:
            str: Expected text reading from ``filepath``.
        """
        return str(self.get(filepath), encoding=encoding)

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        """Write bytes to a given ``filepath``.

        Args:
            obj (bytes): Data to be saved.
            filepath (str or Path): Path to write data.
        """
        self._client.put(self._normalize(filepath), obj)

    def put_text(self, obj: str, filepath: Union[str, Path], encoding: str = "utf-8") -> None:
        """Write text to a given ``filepath``.

        Args:
            obj (str): Data to be written.
            filepath (str or Path): Path to write data.
            encoding (str): The encoding format used to encode the ``obj``.
                Defaults to 'utf-8'.
        """
        self.put(bytes(obj, encoding=encoding), filepath)

    # -- queries -------------------------------------------------------------
    def exists(self, filepath: Union[str, Path]) -> bool:
        """Check whether a file path exists.

        Args:
            filepath (str or Path): Path to be checked whether exists.

        Returns:
            bool: Return ``True`` if ``filepath`` exists, ``False`` otherwise.
        """
        self._require("contains", "isdir")
        path = self._normalize(filepath)
        return self._client.contains(path) or self._client.isdir(path)

    def isdir(self, filepath: Union[str, Path]) -> bool:
        """Check whether a file path is a directory.

        Args:
            filepath (str or Path): Path to be checked whether it is a
                directory.

        Returns:
            bool: Return ``True`` if ``filepath`` points to a directory.
        """
        self._require("isdir")
        return self._client.isdir(self._normalize(filepath))

    def isfile(self, filepath: Union[str, Path]) -> bool:
        """Check whether a file path is a file.

        Args:
            filepath (str or Path): Path to be checked whether it is a file.

        Returns:
            bool: Return ``True`` if ``filepath`` points to a file.
        """
        self._require("contains")
        return self._client.contains(self._normalize(filepath))

    def join_path(self, filepath: Union[str, Path], *filepaths: Union[str, Path]) -> str:
        r"""Concatenate all file paths with '/'.

        Args:
            filepath (str or Path): Path to be concatenated.
            *filepaths (str or Path): Other paths to be concatenated.

        Returns:
            str: The result after concatenation.

        Examples:
            >>> from mmengine.fileio import PetrelBackend
            >>> # not run by the doctests: it needs ``petrel_client``
            >>> backend = PetrelBackend()  # doctest: +SKIP
            >>> backend.join_path('petrel://path/of/file', '/another/path')  # doctest: +SKIP
            'petrel://path/of/file/another/path'
        """
        first = self._format_path(self._map_path(filepath))
        if first.endswith("/"):
            first = first[:-1]
        parts = [first]
        for path in filepaths:
            parts.append(self._format_path(self._map_path(path)).lstrip("/"))
        return "/".join(parts)

    @contextmanager
    def get_local_path(self, filepath: Union[str, Path]) -> Generator[str, None, None]:
        """Download a file from ``filepath`` to a local temporary file.

        The temporary file is removed when leaving the ``with`` block.

        Args:
            filepath (str or Path): Download a file from ``filepath``.

        Yields:
            str: The temporary path.
        """
        if not self.isfile(filepath):
            raise FileNotFoundError(f"{filepath!r} is not a file on Petrel")
        fd, path = tempfile.mkstemp()
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(self.get(filepath))
            yield path
        finally:
            os.remove(path)

    # -- copying -------------------------------------------------------------
    def copyfile(self, src: Union[str, Path], dst: Union[str, Path]) -> str:
        """Copy a file src to dst and return the destination file.

        If dst is a directory, the file is copied into it with the base name
        of src.

        Raises:
            SameFileError: If src and dst are the same file.
        """
        src = self._format_path(self._map_path(src))
        dst = self._format_path(self._map_path(dst))
        if self.isdir(dst):
            dst = self.join_path(dst, src.split("/")[-1])
        if src == dst:
            raise SameFileError(f"src and dst should not be the same file: {src!r}")
        self.put(self.get(src), dst)
        return dst

    def copytree(self, src: Union[str, Path], dst: Union[str, Path]) -> str:
        """Recursively copy a directory tree rooted at src to dst.

        Raises:
            FileExistsError: If dst had already existed.
        """
        src = self._format_path(self._map_path(src))
        dst = self._format_path(self._map_path(dst))
        if self.exists(dst):
            raise FileExistsError(f"copytree destination {dst!r} already exists")
        for path in self.list_dir_or_file(src, list_dir=False, recursive=True):
            self.put(self.get(self.join_path(src, path)), self.join_path(dst, path))
        return dst

    def copyfile_from_local(self, src: Union[str, Path], dst: Union[str, Path]) -> str:
        """Upload a local file src to dst and return the destination file."""
        dst = self._format_path(self._map_path(dst))
        if self.isdir(dst):
            dst = self.join_path(dst, osp.basename(src))
        with open(src, "rb") as f:
            self.put(f.read(), dst)
        return dst

    def copytree_from_local(self, src: Union[str, Path], dst: Union[str, Path]) -> str:
        """Recursively upload a local directory tree rooted at src to dst.

        Raises:
            FileExistsError: If dst had already existed.
        """
        dst = self._format_path(self._map_path(dst))
        if self.exists(dst):
            raise FileExistsError(f"copytree destination {dst!r} already exists")
        src = str(src)
        for cur_dir, _, files in os.walk(src):
            for name in files:
                src_path = osp.join(cur_dir, name)
                rel = osp.relpath(src_path, src)
                self.copyfile_from_local(src_path, self.join_path(dst, rel))
        return dst

    def copyfile_to_local(self, src: Union[str, Path], dst: Union[str, Path]) -> Union[str, Path]:
        """Download the file src to local dst and return the destination."""
        if osp.isdir(dst):
            basename = osp.basename(str(src))
            dst = osp.join(dst, basename) if isinstance(dst, str) else Path(dst) / basename
        with open(dst, "wb") as f:
            f.write(self.get(src))
        return dst

    def copytree_to_local(self, src: Union[str, Path], dst: Union[str, Path]) -> Union[str, Path]:
        """Recursively download a directory tree rooted at src to local dst."""
        for path in self.list_dir_or_file(src, list_dir=False, recursive=True):
            dst_path = osp.join(dst, path)
            mkdir_or_exist(osp.dirname(dst_path))
            with open(dst_path, "wb") as f:
                f.write(self.get(self.join_path(src, path)))
        return dst

    # -- removing ------------------------------------------------------------
    def remove(self, filepath: Union[str, Path]) -> None:
        """Remove a file.

        Raises:
            FileNotFoundError: If filepath does not exist.
            IsADirectoryError: If filepath is a directory.
        """
        self._require("delete")
        if not self.exists(filepath):
            raise FileNotFoundError(f"Cannot remove {str(filepath)!r}: it does not exist")
        if self.isdir(filepath):
            raise IsADirectoryError(
                f"Cannot remove {str(filepath)!r}: it is a directory; use rmtree() instead"
            )
        self._client.delete(self._normalize(filepath))

    def rmtree(self, dir_path: Union[str, Path]) -> None:
        """Recursively delete a directory tree."""
        for path in self.list_dir_or_file(dir_path, list_dir=False, recursive=True):
            self.remove(self.join_path(dir_path, path))

    def copy_if_symlink_fails(self, src: Union[str, Path], dst: Union[str, Path]) -> bool:
        """Copy src to dst, since Petrel has no symbolic links.

        Returns:
            bool: Always False.
        """
        if self.isfile(src):
            self.copyfile(src, dst)
        else:
            self.copytree(src, dst)
        return False

    def list_dir_or_file(
        self,
        dir_path: Union[str, Path],
        list_dir: bool = True,
        list_file: bool = True,
        suffix: Optional[Union[str, tuple[str, ...]]] = None,
        recursive: bool = False,
    ) -> Iterator[str]:
        """Scan a directory to find the interested directories or files.

        Petrel has no directories; common prefixes ending with '/' play their
        role. Returned directory paths have no trailing '/'.

        Yields:
            str: A relative path to ``dir_path``.
        """
        self._require("list")
        check_list_args(list_dir, suffix, list_file)
        root = self._format_path(self._map_path(dir_path))
        if not root.endswith("/"):
            root += "/"

        def scan(path: str) -> Iterator[str]:
            for name in self._client.list(self._replace_prefix(path)):
                if name.endswith("/"):
                    next_dir = self.join_path(path, name)
                    if list_dir:
                        yield next_dir[len(root) : -1]
                    if recursive:
                        yield from scan(next_dir)
                else:
                    rel_path = self.join_path(path, name)[len(root) :]
                    if list_file and (suffix is None or rel_path.endswith(suffix)):
                        yield rel_path

        return scan(root)

    def generate_presigned_url(
        self, url: str, client_method: str = "get_object", expires_in: int = 3600
    ) -> str:
        """Generate the presigned url of video stream.

        Args:
            url (str): Url of video stream.
            client_method (str): Method of client, 'get_object' or
                'put_object'. Default: 'get_object'.
            expires_in (int): expires, in seconds. Default: 3600.

        Returns:
            str: Generated presigned url.
        """
        return self._client.generate_presigned_url(url, client_method, expires_in)
