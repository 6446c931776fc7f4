"""Local path helpers: directories, symlinks, scanning, VCS root."""

from __future__ import annotations

import os
import os.path as osp
from collections.abc import Generator
from pathlib import Path
from typing import IO, Any

from .misc import is_str


def is_filepath(x: Any) -> bool:
    """Whether ``x`` is a file path (a ``str`` or a :class:`pathlib.Path`)."""
    return is_str(x) or isinstance(x, Path)


def fopen(filepath: str | Path, *args: Any, **kwargs: Any) -> IO:
    """Open ``filepath`` (``str`` or :class:`pathlib.Path`) like :func:`open`.

    Raises:
        ValueError: If ``filepath`` is neither a string nor a Path.
    """
    if is_str(filepath):
        return open(filepath, *args, **kwargs)  # noqa: SIM115
    if isinstance(filepath, Path):
        return filepath.open(*args, **kwargs)
    raise ValueError(f"`filepath` should be a string or a Path, but got {type(filepath)}")


def check_file_exist(filename: str | Path, msg_tmpl: str = 'file "{}" does not exist') -> None:
    """Raise :class:`FileNotFoundError` if ``filename`` is not an existing file.

    Args:
        filename (str | Path): Path of the file to check.
        msg_tmpl (str): Message template, formatted with ``filename``.
    """
    if not osp.isfile(filename):
        raise FileNotFoundError(msg_tmpl.format(filename))


def mkdir_or_exist(dir_name: str | Path, mode: int = 0o777) -> None:
    """Create a directory (and its parents) unless it already exists.

    Args:
        dir_name (str | Path): Directory to create; ``~`` is expanded. An
            empty string does nothing.
        mode (int): Permission bits for created directories.
    """
    if dir_name == "":
        return
    dir_name = osp.expanduser(dir_name)
    os.makedirs(dir_name, mode=mode, exist_ok=True)


def symlink(src: str, dst: str, overwrite: bool = True, **kwargs: Any) -> None:
    """Create a symbolic link ``dst`` pointing to ``src``.

    Args:
        src (str): Target of the link.
        dst (str): Path of the link to create.
        overwrite (bool): Replace ``dst`` if it already exists.
        **kwargs: Passed to :func:`os.symlink`.
    """
    if os.path.lexists(dst) and overwrite:
        os.remove(dst)
    os.symlink(src, dst, **kwargs)


def scandir(
    dir_path: str | Path,
    suffix: str | tuple[str, ...] | None = None,
    recursive: bool = False,
    case_sensitive: bool = True,
) -> Generator[str, None, None]:
    """Scan a directory to find the interested files.

    Hidden files (names starting with ``.``) are skipped.

    Args:
        dir_path (str | Path): Path of the directory.
        suffix (str | tuple(str), optional): File suffix that we are
            interested in. Default: None.
        recursive (bool, optional): If set to True, recursively scan the
            directory. Default: False.
        case_sensitive (bool, optional): If set to False, ignore the case of
            suffix. Default: True.

    Returns:
        A generator for all the interested files with relative paths.
    """
    if isinstance(dir_path, Path):
        dir_path = str(dir_path)
    elif not isinstance(dir_path, str):
        raise TypeError(f'"dir_path" must be a string or Path object, but got {type(dir_path)}')
    if suffix is not None and not isinstance(suffix, (str, tuple)):
        raise TypeError(f'"suffix" must be a string or tuple of strings, but got {type(suffix)}')
    if suffix is not None and not case_sensitive:
        suffix = suffix.lower() if isinstance(suffix, str) else tuple(s.lower() for s in suffix)
    root = dir_path

    def _scandir(path: str) -> Generator[str, None, None]:
        for entry in os.scandir(path):
            if not entry.name.startswith(".") and entry.is_file():
                rel_path = osp.relpath(entry.path, root)
                cmp_path = rel_path if case_sensitive else rel_path.lower()
                if suffix is None or cmp_path.endswith(suffix):
                    yield rel_path
            elif recursive and os.path.isdir(entry.path):
                yield from _scandir(entry.path)

    return _scandir(dir_path)


def find_vcs_root(path: str | Path, markers: tuple[str, ...] = (".git",)) -> str | None:
    """Find the root directory (including itself) of a version-controlled tree.

    Args:
        path (str | Path): Path of a directory or file inside the tree.
        markers (tuple[str]): Files or directories marking the root.

    Returns:
        str | None: The directory containing one of ``markers``, or None if
        no parent contains one.
    """
    path = str(path)
    if osp.isfile(path):
        path = osp.dirname(path)
    prev, cur = None, osp.abspath(osp.expanduser(path))
    while cur != prev:
        if any(osp.exists(osp.join(cur, marker)) for marker in markers):
            return cur
        prev, cur = cur, osp.split(cur)[0]
    return None


def is_abs(path: str) -> bool:
    """Check if path is an absolute path in different backends.

    Args:
        path (str): path of directory or file.

    Returns:
        bool: whether path is an absolute path.
    """
    return bool(osp.isabs(path) or path.startswith(("http://", "https://", "s3://")))
