"""Unified file IO: pick a storage backend from the URI, then delegate.

Every function takes an optional ``backend_args`` dict. Without it the
backend is chosen by the URI prefix (``s3://``, ``http://``, none for local
paths); with ``{'backend': name, ...}`` the named backend is built with the
remaining items as keyword arguments. Backends are cached, so calling these
functions in a loop does not rebuild clients.
"""

from __future__ import annotations

import inspect
import json
import os.path as osp
import warnings
from collections.abc import Generator, Iterator, Mapping
from contextlib import contextmanager
from io import BytesIO, StringIO
from pathlib import Path
from typing import IO, Any, Optional, Union

from mmengine.utils import is_filepath, is_str
from mmengine.utils._messages import closest, did_you_mean

from .backends import BaseStorageBackend
from .backends.errors import (
    BackendArgsTypeError,
    BackendNotFoundError,
    PathTypeError,
    UnsupportedOperationError,
    with_context,
)
from .backends.registry_utils import backends, prefix_to_backends
from .file_client import FileClient
from .handlers import file_handlers, register_handler  # noqa: F401 (upstream binds it here)

# Cache of backends built with ``enable_singleton=True``, keyed by
# "<prefix>:<json of backend_args>" (e.g. ':{}' for local paths).
backend_instances: dict[str, BaseStorageBackend] = {}

_EMPTY_ARGS_KEY = ":{}"


def _parse_uri_prefix(uri: Union[str, Path]) -> str:
    """Parse the prefix of uri.

    Args:
        uri (str | Path): Uri to be parsed that contains the file prefix.

    Returns:
        str: Return the prefix of uri if the uri contains '://'. Otherwise,
        return ''.

    Examples:
        >>> from mmengine.fileio.io import _parse_uri_prefix
        >>> _parse_uri_prefix('/home/path/of/your/file')
        ''
        >>> _parse_uri_prefix('s3://path/of/your/file')
        's3'
        >>> _parse_uri_prefix('clusterName:s3://path/of/your/file')
        's3'
    """
    if uri.__class__ is not str:
        if not is_filepath(uri):
            raise PathTypeError(f"uri should be a str or Path object, but got {type(uri)}: {uri!r}")
        uri = str(uri)
    if "://" not in uri:
        return ""
    prefix = uri.split("://", 1)[0]
    # "clusterName:s3://..." selects a cluster; the prefix is what follows.
    if ":" in prefix:
        prefix = prefix.split(":", 1)[1]
    return prefix


def _check_backend_args(backend_args: Any) -> None:
    if not isinstance(backend_args, Mapping):
        raise BackendArgsTypeError(
            f"backend_args should be a dict such as {{'backend': 'local'}} (or None), but got "
            f"{type(backend_args).__name__} {backend_args!r}"
        )


def _build_backend(
    backend_cls: type[BaseStorageBackend], kwargs: dict, backend_args: dict, chosen_by: str
) -> BaseStorageBackend:
    """``backend_cls(**kwargs)``; explain arguments the class does not take."""
    try:
        return backend_cls(**kwargs)
    except TypeError as exc:
        try:
            inspect.signature(backend_cls).bind(**kwargs)
        except TypeError:
            pass
        except ValueError:  # no signature to check against
            raise exc from None
        else:
            raise  # the arguments fit: the error comes from inside the backend
        known = [
            p.name
            for p in inspect.signature(backend_cls).parameters.values()
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        ]
        hints = []
        for key in kwargs:
            if key not in known:
                close = closest(key, [*known, "backend"], n=1, cutoff=0.6)
                if close:
                    hints.append(f"{key!r} -> {close[0]!r}?")
        hint = f" Did you mean {', '.join(hints)}" if hints else ""
        raise TypeError(
            f"{exc} (backend_args={backend_args!r} build {backend_cls.__name__}, {chosen_by}, "
            f"which takes the arguments {known}).{hint}"
        ).with_traceback(exc.__traceback__) from None


def _get_file_backend(prefix: str, backend_args: dict) -> BaseStorageBackend:
    """Build a backend from ``backend_args['backend']`` or from ``prefix``."""
    _check_backend_args(backend_args)
    given = backend_args
    backend_args = dict(backend_args)
    if "backend" in backend_args:
        name = backend_args.pop("backend")
        if name not in backends:
            hint = did_you_mean(name, backends)
            raise BackendNotFoundError(
                f'Storage backend "{name}" given in backend_args is not registered.{hint} '
                f"Registered backends are {sorted(backends)}; register new ones with "
                "mmengine.fileio.register_backend()."
            )
        return _build_backend(
            backends[name], backend_args, given, f"named by backend_args['backend']={name!r}"
        )
    if prefix not in prefix_to_backends:
        close = closest(prefix, [p for p in prefix_to_backends if p], n=1)
        hint = f" Did you mean {close[0] + '://'!r}?" if close else ""
        raise BackendNotFoundError(
            f'No storage backend is registered for the URI prefix "{prefix}://".{hint} '
            f"Registered prefixes are {sorted(p for p in prefix_to_backends if p)} (plus local "
            'paths); pass backend_args={"backend": ...} or register one with '
            "mmengine.fileio.register_backend(name, prefixes=...)."
        )
    chosen_by = f'chosen by the URI prefix "{prefix}://"' if prefix else "chosen for a local path"
    return _build_backend(prefix_to_backends[prefix], backend_args, given, chosen_by)


def get_file_backend(
    uri: Union[str, Path, None] = None,
    *,
    backend_args: Optional[dict] = None,
    enable_singleton: bool = False,
) -> BaseStorageBackend:
    """Return a file backend based on the prefix of uri or backend_args.

    Args:
        uri (str or Path): Uri to be parsed that contains the file prefix.
        backend_args (dict, optional): Arguments to instantiate the
            corresponding backend. Defaults to None.
        enable_singleton (bool): Whether to enable the singleton pattern.
            If it is True, the backend created will be reused if the
            signature is same with the previous one. Defaults to False.

    Returns:
        BaseStorageBackend: Instantiated Backend object.

    Raises:
        ValueError: If neither ``uri`` nor ``backend_args['backend']`` is
            given.
        BackendNotFoundError: (a KeyError and ValueError) If no backend is registered for
            the name or the prefix.

    Examples:
        >>> from mmengine.fileio import get_file_backend
        >>> # get file backend based on the prefix of uri
        >>> uri = 'http://path/of/your/file'
        >>> backend = get_file_backend(uri)
        >>> type(backend).__name__
        'HTTPBackend'
        >>> # get file backend based on the backend_args
        >>> backend = get_file_backend(backend_args={'backend': 'local'})
        >>> type(backend).__name__
        'LocalBackend'
        >>> # backend name has a higher priority if 'backend' in backend_args
        >>> backend = get_file_backend(uri, backend_args={'backend': 'local'})
        >>> type(backend).__name__
        'LocalBackend'
    """
    if enable_singleton and backend_args is None:
        return _backend_for(uri)  # type: ignore[arg-type]
    if uri is None:
        if backend_args is not None:
            _check_backend_args(backend_args)
        if not backend_args or "backend" not in backend_args:
            raise ValueError(
                'uri should not be None when "backend" does not exist in backend_args; '
                'pass a path/URI or backend_args={"backend": <name>}.'
            )
        prefix = ""
    else:
        prefix = _parse_uri_prefix(uri)

    if not enable_singleton:
        return _get_file_backend(prefix, backend_args or {})

    if backend_args is not None:
        _check_backend_args(backend_args)
    if not backend_args:
        key = prefix + _EMPTY_ARGS_KEY
        expected_cls = prefix_to_backends.get(prefix)
    else:
        try:
            # Same key as upstream, so code inspecting the cache keeps working.
            args_key = json.dumps(backend_args)
        except TypeError:  # e.g. a ready client object among the arguments
            args_key = json.dumps(backend_args, sort_keys=True, default=repr)
        key = f"{prefix}:{args_key}"
        name = backend_args.get("backend")
        expected_cls = backends.get(name) if name is not None else prefix_to_backends.get(prefix)
    backend = backend_instances.get(key)
    # Re-registering a backend with force=True invalidates cached instances.
    if backend is None or backend.__class__ is not expected_cls:
        backend = _get_file_backend(prefix, backend_args or {})
        backend_instances[key] = backend
    return backend


def _backend_for(
    filepath: Union[str, Path], backend_args: Optional[dict] = None
) -> BaseStorageBackend:
    """Cached backend for ``filepath``: ``get_file_backend(..., enable_singleton=True)``.

    A plain local path without ``backend_args`` (the call behind every
    checkpoint, log and dump) is answered with two dict lookups.
    """
    if backend_args is None:
        if filepath.__class__ is str and "://" not in filepath:
            backend = backend_instances.get(_EMPTY_ARGS_KEY)
            if backend is not None and backend.__class__ is prefix_to_backends.get(""):
                return backend
        if filepath is None:
            raise ValueError(
                'uri should not be None when "backend" does not exist in backend_args; '
                'pass a path/URI or backend_args={"backend": <name>}.'
            )
        prefix = _parse_uri_prefix(filepath)
        key = prefix + _EMPTY_ARGS_KEY
        backend = backend_instances.get(key)
        if backend is None or backend.__class__ is not prefix_to_backends.get(prefix):
            backend = _get_file_backend(prefix, {})
            backend_instances[key] = backend
        return backend
    return get_file_backend(filepath, backend_args=backend_args, enable_singleton=True)


def get(filepath: Union[str, Path], backend_args: Optional[dict] = None) -> bytes:
    """Read bytes from a given ``filepath`` with 'rb' mode.

    Args:
        filepath (str or Path): Path to read data.
        backend_args (dict, optional): Arguments to instantiate the
            corresponding backend. Defaults to None.

    Returns:
        bytes: Expected bytes object.

    Examples:
        >>> from mmengine.fileio import get, put
        >>> put(b'hello world', 'path/of/file')
        >>> get('path/of/file')
        b'hello world'
    """
    backend = _backend_for(filepath, backend_args)
    return backend.get(filepath)


def get_text(
    filepath: Union[str, Path], encoding: str = "utf-8", backend_args: Optional[dict] = None
) -> str:
    """Read text from a given ``filepath`` with 'r' mode.

    Args:
        filepath (str or Path): Path to read data.
        encoding (str): The encoding format used to open the ``filepath``.
            Defaults to 'utf-8'.
        backend_args (dict, optional): Arguments to instantiate the
            corresponding backend. Defaults to None.

    Returns:
        str: Expected text reading from ``filepath``.
    """
    backend = _backend_for(filepath, backend_args)
    return backend.get_text(filepath, encoding)


def put(obj: bytes, filepath: Union[str, Path], backend_args: Optional[dict] = None) -> None:
    """Write bytes to a given ``filepath`` with 'wb' mode.

    Note:
        ``put`` creates the directory of ``filepath`` if it does not exist.
        Local writes are atomic: a crash never leaves a half-written file.

    Args:
        obj (bytes): Data to be written.
        filepath (str or Path): Path to write data.
        backend_args (dict, optional): Arguments to instantiate the
            corresponding backend. Defaults to None.

    Examples:
        >>> from mmengine.fileio import get, put
        >>> put(b'hello world', 'path/of/file')
        >>> get('path/of/file')
        b'hello world'
    """
    backend = _backend_for(filepath, backend_args)
    backend.put(obj, filepath)


def put_text(
    obj: str,
    filepath: Union[str, Path],
    encoding: str = "utf-8",
    backend_args: Optional[dict] = None,
) -> None:
    """Write text to a given ``filepath`` with 'w' mode.

    Note:
        ``put_text`` creates the directory of ``filepath`` if it does not
        exist. Local writes are atomic.

    Args:
        obj (str): Data to be written.
        filepath (str or Path): Path to write data.
        encoding (str, optional): The encoding format used to open the
            ``filepath``. Defaults to 'utf-8'.
        backend_args (dict, optional): Arguments to instantiate the
            corresponding backend. Defaults to None.

    Examples:
        >>> from mmengine.fileio import get_text, put_text
        >>> put_text('hello world', 'path/of/file')
        >>> get_text('path/of/file')
        'hello world'
    """
    backend = _backend_for(filepath, backend_args)
    backend.put_text(obj, filepath, encoding)


def exists(filepath: Union[str, Path], backend_args: Optional[dict] = None) -> bool:
    """Check whether a file path exists.

    Args:
        filepath (str or Path): Path to be checked whether exists.
        backend_args (dict, optional): Arguments to instantiate the
            corresponding backend. Defaults to None.

    Returns:
        bool: Return ``True`` if ``filepath`` exists, ``False`` otherwise.
    """
    backend = _backend_for(filepath, backend_args)
    return backend.exists(filepath)


def isdir(filepath: Union[str, Path], backend_args: Optional[dict] = None) -> bool:
    """Check whether a file path is a directory.

    Args:
        filepath (str or Path): Path to be checked whether it is a directory.
        backend_args (dict, optional): Arguments to instantiate the
            corresponding backend. Defaults to None.

    Returns:
        bool: Return ``True`` if ``filepath`` points to a directory,
        ``False`` otherwise.
    """
    backend = _backend_for(filepath, backend_args)
    return backend.isdir(filepath)


def isfile(filepath: Union[str, Path], backend_args: Optional[dict] = None) -> bool:
    """Check whether a file path is a file.

    Args:
        filepath (str or Path): Path to be checked whether it is a file.
        backend_args (dict, optional): Arguments to instantiate the
            corresponding backend. Defaults to None.

    Returns:
        bool: Return ``True`` if ``filepath`` points to a file, ``False``
        otherwise.
    """
    backend = _backend_for(filepath, backend_args)
    return backend.isfile(filepath)


def join_path(
    filepath: Union[str, Path],
    *filepaths: Union[str, Path],
    backend_args: Optional[dict] = None,
) -> Union[str, Path]:
    r"""Concatenate all file paths.

    Join one or more filepath components intelligently. The return value
    is the concatenation of filepath and any members of \*filepaths.

    Args:
        filepath (str or Path): Path to be concatenated.
        *filepaths (str or Path): Other paths to be concatenated.
        backend_args (dict, optional): Arguments to instantiate the
            corresponding backend. Defaults to None.

    Returns:
        str: The result of concatenation.

    Examples:
        >>> from mmengine.fileio import join_path
        >>> join_path('/path/of/dir1', 'dir2', 'path/of/file')
        '/path/of/dir1/dir2/path/of/file'
    """
    backend = _backend_for(filepath, backend_args)
    return backend.join_path(filepath, *filepaths)


@contextmanager
def get_local_path(
    filepath: Union[str, Path], backend_args: Optional[dict] = None
) -> Generator[Union[str, Path], None, None]:
    """Download data from ``filepath`` and write the data to local path.

    ``get_local_path`` is decorated by :meth:`contextlib.contextmanager`. It
    can be called with ``with`` statement, and when exists from the ``with``
    statement, the temporary path will be released.

    Note:
        If the ``filepath`` is a local path, just return itself and it will
        not be released (removed).

    Args:
        filepath (str or Path): Path to be read data.
        backend_args (dict, optional): Arguments to instantiate the
            corresponding backend. Defaults to None.

    Yields:
        Iterable[str]: Only yield one path.

    Examples:
        >>> from mmengine.fileio import get_local_path
        >>> with get_local_path('path/of/abc.jpg') as path:
        ...     print(path)  # a local file is not copied
        path/of/abc.jpg
        >>> # not run by the doctests: it needs a Petrel cluster
        >>> with get_local_path('s3://bucket/abc.jpg') as path:  # doctest: +SKIP
        ...     print(path)  # a temporary copy, removed on exit
        /tmp/....jpg
    """
    backend = _backend_for(filepath, backend_args)
    with backend.get_local_path(str(filepath)) as local_path:
        yield local_path


def copyfile(
    src: Union[str, Path], dst: Union[str, Path], backend_args: Optional[dict] = None
) -> Union[str, Path]:
    """Copy a file src to dst and return the destination file.

    src and dst should have the same prefix. If dst specifies a directory,
    the file will be copied into dst using the base filename from src. If
    dst specifies a file that already exists, it will be replaced.

    Args:
        src (str or Path): A file to be copied.
        dst (str or Path): Copy file to dst.
        backend_args (dict, optional): Arguments to instantiate the
            corresponding backend. Defaults to None.

    Returns:
        str: The destination file.

    Raises:
        SameFileError: If src and dst are the same file.
    """
    backend = _backend_for(src, backend_args)
    return backend.copyfile(src, dst)


def copytree(
    src: Union[str, Path], dst: Union[str, Path], backend_args: Optional[dict] = None
) -> Union[str, Path]:
    """Recursively copy a directory tree rooted at src to a directory dst.

    src and dst should have the same prefix and dst must not already exist.

    Args:
        src (str or Path): A directory to be copied.
        dst (str or Path): Copy directory to dst.
        backend_args (dict, optional): Arguments to instantiate the
            corresponding backend. Defaults to None.

    Returns:
        str: The destination directory.

    Raises:
        FileExistsError: If dst had already existed.
    """
    backend = _backend_for(src, backend_args)
    return backend.copytree(src, dst)


def copyfile_from_local(
    src: Union[str, Path], dst: Union[str, Path], backend_args: Optional[dict] = None
) -> Union[str, Path]:
    """Copy a local file src to dst and return the destination file.

    Note:
        If the backend is the instance of LocalBackend, it does the same
        thing with :func:`copyfile`.

    Args:
        src (str or Path): A local file to be copied.
        dst (str or Path): Copy file to dst.
        backend_args (dict, optional): Arguments to instantiate the
            corresponding backend. Defaults to None.

    Returns:
        str: If dst specifies a directory, the file will be copied into dst
        using the base filename from src.
    """
    backend = _backend_for(dst, backend_args)
    return backend.copyfile_from_local(src, dst)


def copytree_from_local(
    src: Union[str, Path], dst: Union[str, Path], backend_args: Optional[dict] = None
) -> Union[str, Path]:
    """Recursively copy a local directory tree rooted at src to dst.

    Note:
        If the backend is the instance of LocalBackend, it does the same
        thing with :func:`copytree`.

    Args:
        src (str or Path): A local directory to be copied.
        dst (str or Path): Copy directory to dst.
        backend_args (dict, optional): Arguments to instantiate the
            corresponding backend. Defaults to None.

    Returns:
        str: The destination directory.
    """
    backend = _backend_for(dst, backend_args)
    return backend.copytree_from_local(src, dst)


def copyfile_to_local(
    src: Union[str, Path], dst: Union[str, Path], backend_args: Optional[dict] = None
) -> Union[str, Path]:
    """Copy the file src to local dst and return the destination file.

    If dst specifies a directory, the file will be copied into dst using
    the base filename from src. If dst specifies a file that already
    exists, it will be replaced.

    Note:
        If the backend is the instance of LocalBackend, it does the same
        thing with :func:`copyfile`.

    Args:
        src (str or Path): A file to be copied.
        dst (str or Path): Copy file to local dst.
        backend_args (dict, optional): Arguments to instantiate the
            corresponding backend. Defaults to None.

    Returns:
        str: If dst specifies a directory, the file will be copied into dst
        using the base filename from src.
    """
    backend = _backend_for(src, backend_args)
    return backend.copyfile_to_local(src, dst)


def copytree_to_local(
    src: Union[str, Path], dst: Union[str, Path], backend_args: Optional[dict] = None
) -> Union[str, Path]:
    """Recursively copy a directory tree rooted at src to a local dst.

    Note:
        If the backend is the instance of LocalBackend, it does the same
        thing with :func:`copytree`.

    Args:
        src (str or Path): A directory to be copied.
        dst (str or Path): Copy directory to local dst.
        backend_args (dict, optional): Arguments to instantiate the
            corresponding backend. Defaults to None.

    Returns:
        str: The destination directory.
    """
    backend = _backend_for(src, backend_args)
    return backend.copytree_to_local(src, dst)


def remove(filepath: Union[str, Path], backend_args: Optional[dict] = None) -> None:
    """Remove a file.

    Args:
        filepath (str, Path): Path to be removed.
        backend_args (dict, optional): Arguments to instantiate the
            corresponding backend. Defaults to None.

    Raises:
        FileNotFoundError: If filepath does not exist.
        IsADirectoryError: If filepath is a directory.
    """
    backend = _backend_for(filepath, backend_args)
    backend.remove(filepath)


def rmtree(dir_path: Union[str, Path], backend_args: Optional[dict] = None) -> None:
    """Recursively delete a directory tree.

    Args:
        dir_path (str or Path): A directory to be removed.
        backend_args (dict, optional): Arguments to instantiate the
            corresponding backend. Defaults to None.
    """
    backend = _backend_for(dir_path, backend_args)
    backend.rmtree(dir_path)


def copy_if_symlink_fails(
    src: Union[str, Path], dst: Union[str, Path], backend_args: Optional[dict] = None
) -> bool:
    """Create a symbolic link pointing to src named dst.

    If failed to create a symbolic link pointing to src, directory copy src
    to dst instead.

    Args:
        src (str or Path): Create a symbolic link pointing to src.
        dst (str or Path): Create a symbolic link named dst.
        backend_args (dict, optional): Arguments to instantiate the
            corresponding backend. Defaults to None.

    Returns:
        bool: Return True if successfully create a symbolic link pointing to
        src. Otherwise, return False.
    """
    backend = _backend_for(src, backend_args)
    return backend.copy_if_symlink_fails(src, dst)


def list_dir_or_file(
    dir_path: Union[str, Path],
    list_dir: bool = True,
    list_file: bool = True,
    suffix: Optional[Union[str, tuple[str, ...]]] = None,
    recursive: bool = False,
    backend_args: Optional[dict] = None,
) -> Iterator[str]:
    """Scan a directory to find the interested directories or files in
    arbitrary order.

    Note:
        :meth:`list_dir_or_file` returns the path relative to ``dir_path``.

    Args:
        dir_path (str or Path): Path of the directory.
        list_dir (bool): List the directories. Defaults to True.
        list_file (bool): List the path of files. Defaults to True.
        suffix (str or tuple[str], optional): File suffix that we are
            interested in. Defaults to None.
        recursive (bool): If set to True, recursively scan the directory.
            Defaults to False.
        backend_args (dict, optional): Arguments to instantiate the
            corresponding backend. Defaults to None.

    Yields:
        Iterable[str]: A relative path to ``dir_path``.

    Examples:
        >>> from mmengine.fileio import list_dir_or_file, put_text
        >>> put_text('a', 'path/of/dir/a.txt')
        >>> put_text('b', 'path/of/dir/b.py')
        >>> # only list files ending with specified suffixes
        >>> for file_path in list_dir_or_file('path/of/dir', list_dir=False, suffix='.txt'):
        ...     print(file_path)
        a.txt
    """
    backend = _backend_for(dir_path, backend_args)
    return backend.list_dir_or_file(dir_path, list_dir, list_file, suffix, recursive)


def generate_presigned_url(
    url: str,
    client_method: str = "get_object",
    expires_in: int = 3600,
    backend_args: Optional[dict] = None,
) -> str:
    """Generate the presigned url of video stream which can be passed to
    mmcv.VideoReader. Now only work on Petrel backend.

    Note:
        Now only work on Petrel backend.

    Args:
        url (str): Url of video stream.
        client_method (str): Method of client, 'get_object' or
            'put_object'. Default: 'get_object'.
        expires_in (int): expires, in seconds. Default: 3600.
        backend_args (dict, optional): Arguments to instantiate the
            corresponding backend. Defaults to None.

    Returns:
        str: Generated presigned url.

    Raises:
        NotImplementedError: If the backend chosen for ``url`` cannot
            presign URLs (also an ``AttributeError``, as 0.10 raised).
    """
    backend = _backend_for(url, backend_args)
    method = getattr(backend, "generate_presigned_url", None)
    if method is None:
        raise UnsupportedOperationError(  # 0.10's AttributeError sentence first
            f"'{type(backend).__name__}' object has no attribute 'generate_presigned_url': "
            f"{backend.name} cannot generate presigned URLs (asked for {url!r}); "
            "only backends such as PetrelBackend support it."
        )
    return method(url, client_method, expires_in)


def _check_deprecated_args(
    file_client_args: Optional[dict], backend_args: Optional[dict], func: str
) -> None:
    if file_client_args is None:
        return
    warnings.warn(  # 0.10's sentence, then where
        '"file_client_args" will be deprecated in future. Please use "backend_args" '
        f"instead (file_client_args was given to {func}())",
        DeprecationWarning,
        stacklevel=3,
    )
    if backend_args is not None:
        raise ValueError(
            '"file_client_args" and "backend_args" cannot be set at the same time. '
            f'Both were given to {func}(); use "backend_args" only.'
        )


def _format_hint(file_format: Any, file: Any, inferred: bool) -> str:
    """Explain an unsupported ``file_format``: where it came from and what would fix it."""
    supported = sorted(file_handlers)
    hint = ""
    if isinstance(file_format, str):
        candidates = {file_format.lower(), file_format.strip().lstrip(".").lower()}
        close = [c for c in supported if c in candidates]
        if not close:
            close = closest(file_format.lower(), supported, n=1, cutoff=0.6)
        if close and close[0] != file_format:
            hint = f" Did you mean {close[0]!r}?"
    if inferred:
        name = file.replace("\\", "/").rsplit("/", 1)[-1]
        if "/" in file_format or "\\" in file_format or "." not in name:
            where = (
                f" ({file!r} is a directory: give a file name inside it)"
                if osp.isdir(file)
                else f" ({file!r} has no file extension to infer the format from)"
            )
        else:
            where = f" (inferred from the extension of {file!r})"
    elif file_format is None and file is None:
        where = " (file is None and file_format was not given)"
    elif file_format is None:
        where = " (file_format was not given and a file object has no extension to infer it from)"
    else:
        where = " (given as file_format)"
    return (
        f"{where}.{hint} Supported formats are {supported}; pass file_format=<one of them> "
        "(without the dot) or register a handler with mmengine.fileio.register_handler()."
    )


def _handler_for(file_format: Any, file: Any, inferred: bool = False) -> Any:
    try:
        return file_handlers[file_format]
    except (KeyError, TypeError):  # TypeError: an unhashable file_format
        pass
    raise TypeError(f"Unsupported format: {file_format}{_format_hint(file_format, file, inferred)}")


def _empty_note(data: Union[str, bytes, None]) -> str:
    return "; the file is empty (0 bytes)" if data is not None and not data else ""


def load(
    file: Union[str, Path, IO],
    file_format: Optional[str] = None,
    file_client_args: Optional[dict] = None,
    backend_args: Optional[dict] = None,
    **kwargs: Any,
) -> Any:
    """Load data from json/yaml/pickle files.

    This method provides a unified api for loading data from serialized
    files, which can be stored in different backends.

    Args:
        file (str or :obj:`Path` or file-like object): Filename or a
            file-like object.
        file_format (str, optional): If not specified, the file format will
            be inferred from the file extension, otherwise use the specified
            one. Currently supported formats include "json", "yaml/yml" and
            "pickle/pkl".
        file_client_args (dict, optional): Arguments to instantiate a
            FileClient. Deprecated: use ``backend_args`` instead.
        backend_args (dict, optional): Arguments to instantiate the
            prefix of uri corresponding backend. Defaults to None.
        **kwargs: Passed to the handler's ``load_from_fileobj``.

    Returns:
        The content from the file.

    Raises:
        TypeError: If the format is unsupported or ``file`` is neither a
            path nor a readable file object.

    Examples:
        >>> from mmengine.fileio import dump, load
        >>> dump({'a': 1}, 'path/of/your/file.json')
        >>> load('path/of/your/file.json')  # file is stored in disk
        {'a': 1}
        >>> # not run by the doctests: they need a web server and a Petrel cluster
        >>> load('https://path/of/your/file.json')  # doctest: +SKIP
        >>> load('s3://path/of/your/file.json')  # doctest: +SKIP
    """
    if isinstance(file, Path):
        file = str(file)
    inferred = file_format is None and is_str(file)
    if inferred:
        file_format = file.split(".")[-1]
    handler = _handler_for(file_format, file, inferred)
    _check_deprecated_args(file_client_args, backend_args, "load")

    if is_str(file):
        if file_client_args is not None:
            file_backend: Any = FileClient.infer_client(file_client_args, file)
        else:
            file_backend = get_file_backend(file, backend_args=backend_args)
        data: Union[str, bytes, None] = None
        try:
            if handler.str_like:
                data = file_backend.get_text(file)
                with StringIO(data) as f:
                    # PyYAML names the stream in its error marks.
                    f.name = file  # type: ignore[misc]
                    return handler.load_from_fileobj(f, **kwargs)
            data = file_backend.get(file)
            with BytesIO(data) as f:
                return handler.load_from_fileobj(f, **kwargs)
        except Exception as exc:
            if isinstance(exc, OSError) or file in str(exc):
                raise
            context = f" (while loading {file!r} as {file_format}{_empty_note(data)})"
            raise with_context(exc, context).with_traceback(exc.__traceback__) from None
    if hasattr(file, "read"):
        return handler.load_from_fileobj(file, **kwargs)
    raise TypeError(f'"file" must be a filepath str or a file-object, but got {type(file)}')


def dump(
    obj: Any,
    file: Union[str, Path, IO, None] = None,
    file_format: Optional[str] = None,
    file_client_args: Optional[dict] = None,
    backend_args: Optional[dict] = None,
    **kwargs: Any,
) -> Union[str, bytes, None]:
    """Dump data to json/yaml/pickle strings or files.

    This method provides a unified api for dumping data as strings or to
    files, which can be saved to different backends. Local files are
    written atomically.

    Args:
        obj (any): The python object to be dumped.
        file (str or :obj:`Path` or file-like object, optional): If not
            specified, then the object is dumped to a str, otherwise to a file
            specified by the filename or file-like object.
        file_format (str, optional): Same as :func:`load`.
        file_client_args (dict, optional): Arguments to instantiate a
            FileClient. Deprecated: use ``backend_args`` instead.
        backend_args (dict, optional): Arguments to instantiate the
            prefix of uri corresponding backend. Defaults to None.
        **kwargs: Passed to the handler's ``dump_to_fileobj`` /
            ``dump_to_str``.

    Returns:
        str or bytes or None: The dumped string when ``file`` is None,
        otherwise None.

    Raises:
        ValueError: If ``file`` is None and ``file_format`` is not given.
        TypeError: If the format is unsupported or ``file`` is neither a
            path nor a writable file object.

    Examples:
        >>> from mmengine.fileio import dump
        >>> dump({'a': 1}, file_format='json')  # to a str
        '{"a": 1}'
        >>> dump({'a': 1}, 'path/of/your/file.json')  # disk
        >>> # not run by the doctests: it needs a Petrel cluster
        >>> dump({'a': 1}, 's3://path/of/your/file.json')  # doctest: +SKIP
    """
    if isinstance(file, Path):
        file = str(file)
    inferred = file_format is None and is_str(file)
    if file_format is None:
        if is_str(file):
            file_format = file.split(".")[-1]
        elif file is None:
            raise ValueError("file_format must be specified since file is None")
    handler = _handler_for(file_format, file, inferred)
    _check_deprecated_args(file_client_args, backend_args, "dump")

    if file is None:
        return handler.dump_to_str(obj, **kwargs)
    if is_str(file):
        if file_client_args is not None:
            file_backend: Any = FileClient.infer_client(file_client_args, file)
        else:
            file_backend = get_file_backend(file, backend_args=backend_args)
        # Serialise fully before writing: an object that cannot be serialised
        # leaves no file (and an existing one unchanged).
        try:
            if handler.str_like:
                with StringIO() as f:
                    handler.dump_to_fileobj(obj, f, **kwargs)
                    text: Union[str, bytes] = f.getvalue()
            else:
                with BytesIO() as f:
                    handler.dump_to_fileobj(obj, f, **kwargs)
                    text = f.getvalue()
        except Exception as exc:
            context = (
                f" (while dumping to {file!r} as {file_format}; nothing was written to the file)"
            )
            raise with_context(exc, context).with_traceback(exc.__traceback__) from None
        if handler.str_like:
            file_backend.put_text(text, file)
        else:
            file_backend.put(text, file)
        return None
    if hasattr(file, "write"):
        handler.dump_to_fileobj(obj, file, **kwargs)
        return None
    raise TypeError(f'"file" must be a filename str or a file-object, but got {type(file)}')
