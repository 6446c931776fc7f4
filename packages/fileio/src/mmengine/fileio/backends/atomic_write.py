"""Crash-safe local writes: write a sibling temporary file, then rename it.

This module is the project's one implementation of atomic writes: the local
backend's ``put``/``put_text`` (and so ``dump``) use :func:`atomic_write_bytes`,
streamed writers such as checkpoint saving use :func:`atomic_open`, and
writers that only take a file name use :func:`atomic_path`.

``os.replace`` is atomic on POSIX and Windows when source and destination
live on the same filesystem, which is why the temporary file is created in
the destination's own directory. A reader therefore sees either the previous
content or the complete new content, never a truncated file, even when the
writing process dies half way. No ``fsync`` is issued: the goal is safety
against process crashes, not against power loss. Like ``open()``, a write to
a symbolic link replaces the file the link points to (the link stays).

Temporary files are named ``.<name>.<host>.<pid>.<n>.tmp`` beside the
destination ``<name>`` (a name over 200 characters is shortened to
``mmengine``), where ``<host>`` is this machine's short host name reduced to
ASCII letters, digits and ``-``, ``<pid>`` the writing process and ``<n>`` a
per-process counter. A process killed in the middle of a write leaves such a
file behind; :func:`remove_stale_temporaries` deletes those of dead
processes.

The hot path is kept to five system calls (lstat, open, write, close,
rename): the destination directory is only created when opening the
temporary file fails because it is missing, and temporary names come from
the host, pid and a process wide counter instead of
:func:`tempfile.mkstemp`'s random names.
"""

from __future__ import annotations

import itertools
import os
import sys
from contextlib import contextmanager

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at runtime (import cost)
    from collections.abc import Iterator
    from typing import IO, Optional, Union

__all__ = [
    "atomic_write_bytes",
    "atomic_open",
    "atomic_path",
    "remove_stale_temporaries",
    "TEMP_NAME_PATTERN",
]

# Same permission bits as ``open(path, 'wb')``: 0o666 filtered by the umask.
_MODE = 0o666
_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)  # Windows: no newline translation
    | getattr(os, "O_NOINHERIT", 0)
)
_counter = itertools.count()
# A temporary name longer than this would risk ENAMETOOLONG on most
# filesystems; fall back to a short name built from the pid and counter.
_MAX_NAME = 200
_SEPS = (os.sep, os.altsep) if os.altsep else (os.sep,)


def _short_host() -> str:
    """This machine's short host name, reduced to ASCII letters, digits and '-'."""
    if hasattr(os, "uname"):
        node = os.uname().nodename
    else:  # Windows
        node = os.environ.get("COMPUTERNAME", "")
    node = node.split(".", 1)[0][:32]
    node = "".join(c if c.isascii() and (c.isalnum() or c == "-") else "-" for c in node)
    return node or "host"


_HOST = _short_host()
#: Regular expression of the temporary file names (groups ``target``, ``host``,
#: ``pid`` and ``n``); see the module docstring.
TEMP_NAME_PATTERN = r"^\.(?P<target>.+)\.(?P<host>[A-Za-z0-9-]+)\.(?P<pid>\d+)\.(?P<n>\d+)\.tmp$"

# The host and pid are part of temporary names; cache them (as ".<host>.<pid>.")
# and refresh the pid in forked children instead of asking the kernel on every write.
_tag = f".{_HOST}.{os.getpid()}."


def _refresh_pid() -> None:
    global _tag
    _tag = f".{_HOST}.{os.getpid()}."


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_refresh_pid)

_SEP = os.sep
_HAS_ALTSEP = os.altsep is not None
_open = os.open
_write = os.write
_close = os.close
_replace = os.replace
_islink = os.path.islink


def _temp_path(filepath: str) -> str:
    """Return a fresh hidden temporary path beside ``filepath``."""
    cut = max(filepath.rfind(sep) for sep in _SEPS)
    tail = filepath[cut + 1 :]
    if len(tail) > _MAX_NAME:
        tail = "mmengine"
    return f"{filepath[: cut + 1]}.{tail}{_tag}{next(_counter)}.tmp"


def _why(exc: OSError, filepath: str) -> str:
    """What a failed write of ``filepath`` means for the user (error path only)."""
    import errno

    if exc.errno == errno.EISDIR:
        return f"; {filepath!r} is a directory: give a file name inside it"
    if exc.errno == errno.ENOTDIR:
        parent = os.path.dirname(filepath)
        while parent and not os.path.lexists(parent):
            up = os.path.dirname(parent)
            if up == parent:
                break
            parent = up
        if parent and os.path.lexists(parent) and not os.path.isdir(parent):
            return f"; {parent!r} is a file, not a directory"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        folder = os.path.dirname(filepath) or "."
        return f"; check that {folder!r} is writable"
    return ""


def _renamed(exc: OSError, filepath: str) -> OSError:
    """A copy of ``exc`` that names ``filepath`` instead of the temp file."""
    return type(exc)(
        exc.errno,
        f"{exc.strerror} (writing {filepath!r} atomically{_why(exc, filepath)})",
        filepath,
    )


def _open_temp(filepath: str) -> tuple[int, str]:
    """Create and open a temporary file next to ``filepath``.

    Creates the parent directory when it does not exist yet and skips names
    left behind by a crashed process that had the same pid.
    """
    made_dirs = False
    while True:
        tmp = _temp_path(filepath)
        try:
            return _open(tmp, _FLAGS, _MODE), tmp
        except FileExistsError:
            continue
        except FileNotFoundError:
            parent = os.path.dirname(filepath)
            if made_dirs or not parent:
                raise FileNotFoundError(
                    2, "No such file or directory (cannot create the file there)", filepath
                ) from None
            # Not mmengine.utils.mkdir_or_exist: it expands "~", and the
            # file itself is opened without expansion, like open() does.
            os.makedirs(parent, exist_ok=True)
            made_dirs = True
        except OSError as exc:
            raise _renamed(exc, filepath) from exc


def atomic_write_bytes(data: bytes | bytearray | memoryview, filepath: str) -> None:
    """Write ``data`` to ``filepath`` atomically.

    The data is written to a hidden temporary file in the same directory,
    which then replaces ``filepath`` in one rename. Missing parent
    directories are created. On any error the temporary file is removed and
    the previous content of ``filepath`` (if any) is left untouched.

    The new file gets the permission bits a plain ``open(filepath, 'wb')``
    would give a new file (0o666 minus the umask). The temporary file is
    named as described in the module docstring.

    Args:
        data (bytes-like): The content to write.
        filepath (str): Destination path.

    Raises:
        TypeError: If ``data`` is not bytes-like.
        OSError: If the file cannot be written; ``filename`` names the
            destination path.
    """
    # Fast path inlined (this runs for every checkpoint, log and dump).
    if _islink(filepath):  # like open(): replace the file the link points to
        filepath = os.path.realpath(filepath)
    cut = max(filepath.rfind(s) for s in _SEPS) if _HAS_ALTSEP else filepath.rfind(_SEP)
    if len(filepath) - cut > _MAX_NAME:
        fd, tmp = _open_temp(filepath)
    else:
        tmp = f"{filepath[: cut + 1]}.{filepath[cut + 1 :]}{_tag}{next(_counter)}.tmp"
        try:
            fd = _open(tmp, _FLAGS, _MODE)
        except (FileNotFoundError, FileExistsError):
            fd, tmp = _open_temp(filepath)
        except OSError as exc:  # e.g. PermissionError: name the user's path
            raise _renamed(exc, filepath) from exc
    try:
        try:
            written = _write(fd, data)
            total = len(data) if data.__class__ is bytes else memoryview(data).nbytes
            if written < total:
                # Partial writes happen for very large buffers (> 2 GiB on
                # Linux) or when interrupted: finish the rest.
                view = memoryview(data).cast("B")
                while written < total:
                    written += _write(fd, view[written:])
        finally:
            _close(fd)
        _replace(tmp, filepath)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError) and exc.filename == tmp:
            # Report the path the user asked for, not our temporary name.
            raise _renamed(exc, filepath) from exc
        raise


@contextmanager
def atomic_open(
    filepath: Union[str, os.PathLike],
    mode: str = "wb",
    encoding: Optional[str] = None,
) -> Iterator[IO]:
    """Open ``filepath`` for writing, atomically: a context manager.

    The file object written inside the ``with`` block is a hidden temporary
    file beside ``filepath`` (named ``.<name>.<host>.<pid>.<n>.tmp``, see
    :data:`TEMP_NAME_PATTERN`). When the block ends normally it is closed and
    renamed over ``filepath`` in one step; when the block raises (or the
    process is interrupted) it is removed and ``filepath`` keeps its previous
    content, if any. Missing parent directories are created. Readers never
    see a partly written file.

    Examples:
        >>> import torch
        >>> from mmengine.fileio import atomic_open
        >>> with atomic_open('work_dir/epoch_1.pth') as f:
        ...     torch.save({'meta': {'epoch': 1}}, f)

    Args:
        filepath (str or PathLike): Destination path (``~`` is not expanded,
            as with ``open()``).
        mode (str): ``'wb'`` for a binary file object (default) or ``'w'``
            for a text one.
        encoding (str, optional): Text encoding in ``'w'`` mode. Defaults to
            UTF-8.

    Yields:
        IO: The writable file object.

    Raises:
        ValueError: If ``mode`` is not a write mode listed above.
        OSError: If the file cannot be written; ``filename`` names
            ``filepath``.
    """
    if mode not in ("wb", "bw", "w", "wt", "tw"):
        raise ValueError(
            f"atomic_open supports the modes 'wb' (binary) and 'w' (text), but got {mode!r}; "
            "appending or reading cannot be atomic."
        )
    binary = "b" in mode
    if encoding is not None and binary:
        raise ValueError("atomic_open: `encoding` is only used in text mode ('w')")
    path = os.fspath(filepath)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if _islink(path):  # like open(): replace the file the link points to
        path = os.path.realpath(path)
    fd, tmp = _open_temp(path)
    try:
        if binary:
            f = os.fdopen(fd, "wb")
        else:
            f = os.fdopen(fd, "w", encoding=encoding or "utf-8")
    except BaseException:
        _close(fd)
        _unlink_quietly(tmp)
        raise
    try:
        with f:
            yield f
        _replace(tmp, path)
    except BaseException as exc:
        _unlink_quietly(tmp)
        if isinstance(exc, OSError) and exc.filename == tmp:
            raise _renamed(exc, path) from exc
        raise


@contextmanager
def atomic_path(filepath: Union[str, os.PathLike]) -> Iterator[str]:
    """Give a temporary path to write ``filepath`` by name, atomically.

    For writers that only take a path (``safetensors.torch.save_file``,
    ``numpy.save`` to a name, ...). The yielded path is a new empty hidden
    file beside ``filepath`` (named as :data:`TEMP_NAME_PATTERN` says); write
    it inside the ``with`` block. When the block ends normally it is renamed
    over ``filepath`` in one step; when the block raises it is removed and
    ``filepath`` is untouched. Missing parent directories are created; a
    symbolic link ``filepath`` is written through, like ``open()``.

    Examples:
        >>> import safetensors.torch
        >>> import torch
        >>> from mmengine.fileio import atomic_path
        >>> with atomic_path('work_dir/model.safetensors') as tmp:
        ...     safetensors.torch.save_file({'weight': torch.zeros(2)}, tmp)

    Args:
        filepath (str or PathLike): Destination path (``~`` is not expanded).

    Yields:
        str: The temporary path to write.

    Raises:
        OSError: If the file cannot be written; ``filename`` names
            ``filepath``.
    """
    path = os.fspath(filepath)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if _islink(path):
        path = os.path.realpath(path)
    fd, tmp = _open_temp(path)
    _close(fd)
    try:
        yield tmp
        _replace(tmp, path)
    except BaseException as exc:
        _unlink_quietly(tmp)
        if isinstance(exc, OSError) and exc.filename == tmp:
            raise _renamed(exc, path) from exc
        raise


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _pid_alive(pid: int) -> bool:
    """Whether process ``pid`` of this machine is running (True when unsure)."""
    if pid <= 0:
        return True  # not a pid we write; never treat it as dead
    if sys.platform == "win32":
        return _pid_alive_windows(pid)
    try:
        os.kill(pid, 0)  # signal 0: only checks that the process exists
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # it exists but belongs to another user (or we cannot tell)
    return True


def _pid_alive_windows(pid: int) -> bool:  # pragma: no cover - Windows only
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return kernel32.GetLastError() != 87  # ERROR_INVALID_PARAMETER: no such process
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def remove_stale_temporaries(
    directory: Union[str, os.PathLike], min_age: float = 5.0, recursive: bool = False
) -> list:
    """Delete the temporary files that interrupted atomic writes left behind.

    Only files whose name matches :data:`TEMP_NAME_PATTERN`
    (``.<name>.<host>.<pid>.<n>.tmp``, as written by :func:`atomic_open`,
    :func:`atomic_write_bytes` and so every local ``put``/``dump`` and
    checkpoint save) are considered, and one is deleted only when all of
    these hold:

    - it was written on this machine (``<host>``): the liveness of a process
      of another machine sharing the directory cannot be checked, so those
      files are kept;
    - its writer ``<pid>`` is not running (a live writer's file, this
      process's included, is never touched; a reused pid keeps the file);
    - it was last modified at least ``min_age`` seconds ago.

    A missing ``directory`` is not an error (nothing to clean yet).

    Args:
        directory (str or PathLike): The folder to clean, e.g. a work_dir.
        min_age (float): Minimum age in seconds of a deleted file. Defaults
            to 5.
        recursive (bool): Also clean the sub-folders (symbolic links to
            folders are not followed). Defaults to False.

    Returns:
        list[str]: The paths of the deleted files.
    """
    import re
    import time

    pattern = re.compile(TEMP_NAME_PATTERN)
    now = time.time()
    removed: list = []
    pending = [os.fspath(directory)]
    alive: dict = {}
    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if recursive:
                        pending.append(entry.path)
                    continue
                match = pattern.match(entry.name)
                if match is None or match["host"] != _HOST:
                    continue
                if not entry.is_file(follow_symlinks=False):
                    continue
                pid = int(match["pid"])
                if pid not in alive:
                    alive[pid] = _pid_alive(pid)
                if alive[pid] or now - entry.stat(follow_symlinks=False).st_mtime < min_age:
                    continue
                os.unlink(entry.path)
            except FileNotFoundError:  # renamed or removed meanwhile
                continue
            removed.append(entry.path)
    return removed
