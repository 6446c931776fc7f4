"""Storage backend for the local filesystem."""

from __future__ import annotations

import os
import os.path as osp
import shutil
import warnings
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Optional, Union

from .atomic_write import atomic_write_bytes
from .base import BaseStorageBackend
from .errors import with_context

# On POSIX ``open(path, 'w')`` writes '\n' as is; on Windows it translates it.
_NEWLINE = os.linesep if os.linesep != "\n" else None


def check_list_args(
    list_dir: bool, suffix: Optional[Union[str, tuple]], list_file: bool = True
) -> None:
    """Validate the arguments of ``list_dir_or_file`` (before any listing).

    Warns (``UserWarning``) when both ``list_dir`` and ``list_file`` are
    False: nothing can be listed, which upstream MMEngine silently accepted.

    Raises:
        TypeError: If ``suffix`` is given while ``list_dir`` is True, or if
            ``suffix`` is neither a string nor a tuple of strings.
    """
    if list_dir and suffix is not None:
        raise TypeError(
            "`list_dir` should be False when `suffix` is not None: "
            "`suffix` should be None when `list_dir` is True: directories have "
            "no suffix. Pass list_dir=False to filter files by suffix."
        )
    if suffix is not None and not isinstance(suffix, (str, tuple)):
        raise TypeError(
            f"`suffix` must be a string or tuple of strings, but got {type(suffix)} {suffix!r}"
            + (f"; pass suffix={tuple(suffix)!r}" if isinstance(suffix, (list, set)) else "")
        )
    if isinstance(suffix, tuple):
        wrong = [s for s in suffix if not isinstance(s, str)]
        if wrong:
            raise TypeError(
                f"`suffix` must be a string or tuple of strings, but the tuple {suffix!r} "
                f"holds {wrong[0]!r} ({type(wrong[0]).__name__})"
            )
    if not list_dir and not list_file:
        warnings.warn(
            "list_dir_or_file(list_dir=False, list_file=False) lists nothing: set "
            "list_dir=True to list directories and/or list_file=True to list files.",
            UserWarning,
            stacklevel=3,
        )


class LocalBackend(BaseStorageBackend):
    """Raw local storage backend.

    Writes (:meth:`put`, :meth:`put_text`) are atomic: the data goes to a
    hidden temporary file in the destination directory which then replaces
    the destination, so an interrupted write never leaves a truncated file.
    As with every rename-based writer, the written file is a new file: it
    gets the permission bits a new ``open(path, 'w')`` would give (0o666
    minus the umask), and a symbolic link at the destination is replaced by
    a regular file instead of being written through.
    """

    _allow_symlink = True

    def get(self, filepath: Union[str, Path]) -> bytes:
        """Read bytes from a given ``filepath`` with 'rb' mode.

        Args:
            filepath (str or Path): Path to read data.

        Returns:
            bytes: Expected bytes object.

        Examples:
            >>> from mmengine.fileio import LocalBackend
            >>> backend = LocalBackend()
            >>> backend.put(b'hello world', 'path/of/file')
            >>> backend.get('path/of/file')
            b'hello world'
        """
        with open(filepath, "rb") as f:
            return f.read()

    def get_text(self, filepath: Union[str, Path], encoding: str = "utf-8") -> str:
        """Read text from a given ``filepath`` with 'r' mode.

        Args:
            filepath (str or Path): Path to read data.
            encoding (str): The encoding format used to open the ``filepath``.
                Defaults to 'utf-8'.

        Returns:
            str: Expected text reading from ``filepath``.
        """
        with open(filepath, encoding=encoding) as f:
            try:
                return f.read()
            except UnicodeDecodeError as exc:
                context = (
                    f" (while reading {os.fspath(filepath)!r} as {encoding} text; is it a binary "
                    "file, or written in another encoding?)"
                )
                raise with_context(exc, context).with_traceback(exc.__traceback__) from None

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        """Write bytes to a given ``filepath`` atomically.

        The parent directory is created if it does not exist. If writing
        fails, a previous file at ``filepath`` is left untouched.

        Args:
            obj (bytes): Data to be written.
            filepath (str or Path): Path to write data.

        Examples:
            >>> from mmengine.fileio import LocalBackend
            >>> backend = LocalBackend()
            >>> backend.put(b'hello world', 'path/of/file')
            >>> backend.get('path/of/file')
            b'hello world'
        """
        atomic_write_bytes(obj, filepath if filepath.__class__ is str else os.fsdecode(filepath))

    def put_text(self, obj: str, filepath: Union[str, Path], encoding: str = "utf-8") -> None:
        """Write text to a given ``filepath`` atomically.

        The parent directory is created if it does not exist.

        Args:
            obj (str): Data to be written.
            filepath (str or Path): Path to write data.
            encoding (str): The encoding format used to encode ``obj``.
                Defaults to 'utf-8'.

        Examples:
            >>> from mmengine.fileio import LocalBackend
            >>> backend = LocalBackend()
            >>> backend.put_text('hello world', 'path/of/file')
            >>> backend.get_text('path/of/file')
            'hello world'
        """
        if not isinstance(obj, str):
            raise TypeError(f"put_text expects a str to write to {filepath!r}, but got {type(obj)}")
        if _NEWLINE is not None:
            obj = obj.replace("\n", _NEWLINE)
        atomic_write_bytes(
            obj.encode(encoding), filepath if filepath.__class__ is str else os.fsdecode(filepath)
        )

    def exists(self, filepath: Union[str, Path]) -> bool:
        """Check whether a file path exists.

        Args:
            filepath (str or Path): Path to be checked whether exists.

        Returns:
            bool: Return ``True`` if ``filepath`` exists, ``False`` otherwise.
        """
        return osp.exists(filepath)

    def isdir(self, filepath: Union[str, Path]) -> bool:
        """Check whether a file path is a directory.

        Args:
            filepath (str or Path): Path to be checked whether it is a
                directory.

        Returns:
            bool: Return ``True`` if ``filepath`` points to a directory,
            ``False`` otherwise.
        """
        return osp.isdir(filepath)

    def isfile(self, filepath: Union[str, Path]) -> bool:
        """Check whether a file path is a file.

        Args:
            filepath (str or Path): Path to be checked whether it is a file.

        Returns:
            bool: Return ``True`` if ``filepath`` points to a file, ``False``
            otherwise.
        """
        return osp.isfile(filepath)

    def join_path(self, filepath: Union[str, Path], *filepaths: Union[str, Path]) -> str:
        r"""Concatenate all file paths.

        Join one or more filepath components intelligently. The return value
        is the concatenation of filepath and any members of \*filepaths.

        Args:
            filepath (str or Path): Path to be concatenated.
            *filepaths (str or Path): Other paths to be concatenated.

        Returns:
            str: The result of concatenation.

        Examples:
            >>> from mmengine.fileio import LocalBackend
            >>> LocalBackend().join_path('/path/of/dir1', 'dir2', 'path/of/file')
            '/path/of/dir1/dir2/path/of/file'
        """
        return osp.join(filepath, *filepaths)

    @contextmanager
    def get_local_path(self, filepath: Union[str, Path]) -> Generator[Union[str, Path], None, None]:
        """Only for unified API and do nothing: yield ``filepath`` itself.

        Args:
            filepath (str or Path): Path to be read data.

        Yields:
            str or Path: ``filepath`` unchanged; it is never removed. A path that does
            not exist is yielded too, as in 0.10 (code writes through it).
        """
        yield filepath

    def copyfile(self, src: Union[str, Path], dst: Union[str, Path]) -> str:
        """Copy a file src to dst and return the destination file.

        If dst specifies a directory, the file will be copied into dst using
        the base filename from src. If dst specifies a file that already
        exists, it will be replaced.

        Args:
            src (str or Path): A file to be copied.
            dst (str or Path): Copy file to dst.

        Returns:
            str: The destination file.

        Raises:
            SameFileError: If src and dst are the same file.
        """
        return shutil.copy(src, dst)

    def copytree(self, src: Union[str, Path], dst: Union[str, Path]) -> str:
        """Recursively copy a directory tree rooted at src to dst.

        ``dst`` must not already exist.

        Args:
            src (str or Path): A directory to be copied.
            dst (str or Path): Copy directory to dst.

        Returns:
            str: The destination directory.

        Raises:
            FileExistsError: If dst had already existed.
        """
        return shutil.copytree(src, dst)

    def copyfile_from_local(self, src: Union[str, Path], dst: Union[str, Path]) -> str:
        """Copy a local file src to dst and return the destination file.

        Same as :meth:`copyfile`.

        Args:
            src (str or Path): A local file to be copied.
            dst (str or Path): Copy file to dst.

        Returns:
            str: The destination file.
        """
        return self.copyfile(src, dst)

    def copytree_from_local(self, src: Union[str, Path], dst: Union[str, Path]) -> str:
        """Recursively copy a local directory tree. Same as :meth:`copytree`.

        Args:
            src (str or Path): A local directory to be copied.
            dst (str or Path): Copy directory to dst.

        Returns:
            str: The destination directory.
        """
        return self.copytree(src, dst)

    def copyfile_to_local(self, src: Union[str, Path], dst: Union[str, Path]) -> str:
        """Copy the file src to local dst. Same as :meth:`copyfile`.

        Args:
            src (str or Path): A file to be copied.
            dst (str or Path): Copy file to local dst.

        Returns:
            str: The destination file.
        """
        return self.copyfile(src, dst)

    def copytree_to_local(self, src: Union[str, Path], dst: Union[str, Path]) -> str:
        """Recursively copy a directory tree to a local dst. Same as :meth:`copytree`.

        Args:
            src (str or Path): A directory to be copied.
            dst (str or Path): Copy directory to local dst.

        Returns:
            str: The destination directory.
        """
        return self.copytree(src, dst)

    def remove(self, filepath: Union[str, Path]) -> None:
        """Remove a file.

        Args:
            filepath (str or Path): Path to be removed.

        Raises:
            IsADirectoryError: If ``filepath`` is a directory.
            FileNotFoundError: If ``filepath`` does not exist.
        """
        if not self.exists(filepath):
            raise FileNotFoundError(  # 0.10's sentence first
                f"filepath {filepath} does not exist: cannot remove {filepath!r}"
            )
        if self.isdir(filepath):
            raise IsADirectoryError(  # 0.10's sentence first
                f"filepath should be a file: cannot remove {filepath!r}, it is a directory; "
                "use rmtree() instead"
            )
        os.remove(filepath)

    def rmtree(self, dir_path: Union[str, Path]) -> None:
        """Recursively delete a directory tree.

        Args:
            dir_path (str or Path): A directory to be removed.
        """
        shutil.rmtree(dir_path)

    def copy_if_symlink_fails(self, src: Union[str, Path], dst: Union[str, Path]) -> bool:
        """Create a symbolic link pointing to src named dst.

        If creating the symbolic link fails (e.g. on filesystems or platforms
        without symlink support), copy src to dst instead.

        Args:
            src (str or Path): Create a symbolic link pointing to src.
            dst (str or Path): Create a symbolic link named dst.

        Returns:
            bool: True if a symbolic link was created, False if src was
            copied instead.
        """
        try:
            os.symlink(src, dst)
            return True
        except Exception:
            # Any failure (unsupported filesystem, Windows privileges, an
            # existing dst, ...) falls back to copying, as documented.
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

        Paths are yielded in arbitrary order, relative to ``dir_path``.
        Files whose name starts with '.' are skipped.

        Args:
            dir_path (str or Path): Path of the directory.
            list_dir (bool): List the directories. Defaults to True.
            list_file (bool): List the path of files. Defaults to True.
            suffix (str or tuple[str], optional): File suffix that we are
                interested in. Defaults to None.
            recursive (bool): If set to True, recursively scan the directory.
                Defaults to False.

        Yields:
            str: A relative path to ``dir_path``.

        Raises:
            TypeError: If ``suffix`` is set while ``list_dir`` is True or
                ``suffix`` has a wrong type.
        """
        check_list_args(list_dir, suffix, list_file)
        root = os.fspath(dir_path)

        def scan(path: str) -> Iterator[str]:
            with os.scandir(path) as entries:
                entry_list = list(entries)
            for entry in entry_list:
                if not entry.name.startswith(".") and entry.is_file():
                    rel_path = osp.relpath(entry.path, root)
                    if list_file and (suffix is None or rel_path.endswith(suffix)):
                        yield rel_path
                elif entry.is_dir():
                    if list_dir:
                        yield osp.relpath(entry.path, root)
                    if recursive:
                        yield from scan(entry.path)

        return scan(root)
