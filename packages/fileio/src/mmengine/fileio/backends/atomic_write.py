"""Crash-safe local writes: write a sibling temporary file, then rename it.

``os.replace`` is atomic on POSIX and Windows when source and destination
live on the same filesystem, which is why the temporary file is created in
the destination's own directory. A reader therefore sees either the previous
content or the complete new content, never a truncated file, even when the
writing process dies half way. No ``fsync`` is issued: the goal is safety
against process crashes, not against power loss.

The hot path is kept to four system calls (open, write, close, rename): the
destination directory is only created when opening the temporary file fails
because it is missing, and temporary names come from the pid and a process
wide counter instead of :func:`tempfile.mkstemp`'s random names.
"""

from __future__ import annotations

import itertools
import os

__all__ = ["atomic_write_bytes"]

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

# The pid is part of temporary names; cache it (as ".<pid>.") and refresh it
# in forked children instead of asking the kernel on every write.
_tag = f".{os.getpid()}."


def _refresh_pid() -> None:
    global _tag
    _tag = f".{os.getpid()}."


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_refresh_pid)

_SEP = os.sep
_HAS_ALTSEP = os.altsep is not None
_open = os.open
_write = os.write
_close = os.close
_replace = os.replace


def _temp_path(filepath: str) -> str:
    """Return a fresh hidden temporary path beside ``filepath``."""
    cut = max(filepath.rfind(sep) for sep in _SEPS)
    tail = filepath[cut + 1 :]
    if len(tail) > _MAX_NAME:
        tail = "mmengine"
    return f"{filepath[: cut + 1]}.{tail}{_tag}{next(_counter)}.tmp"


def _renamed(exc: OSError, filepath: str) -> OSError:
    """A copy of ``exc`` that names ``filepath`` instead of the temp file."""
    return type(exc)(exc.errno, f"{exc.strerror} (writing {filepath!r} atomically)", filepath)


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
    would give a new file (0o666 minus the umask).

    Args:
        data (bytes-like): The content to write.
        filepath (str): Destination path.

    Raises:
        TypeError: If ``data`` is not bytes-like.
        OSError: If the file cannot be written; ``filename`` names the
            destination path.
    """
    # Fast path inlined (this runs for every checkpoint, log and dump).
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
