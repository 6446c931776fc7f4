"""The table of storage backends: by name and by URI prefix."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Optional, Union

from .base import BaseStorageBackend
from .errors import DuplicateBackendError, PrefixesTypeError, check_backend_name
from .http_backend import HTTPBackend
from .lmdb_backend import LmdbBackend
from .local_backend import LocalBackend
from .memcached_backend import MemcachedBackend
from .petrel_backend import PetrelBackend
from .s3_backend import S3Backend

# name -> backend class, e.g. 'local' -> LocalBackend
backends: dict[str, type[BaseStorageBackend]] = {}
# URI prefix -> backend class, e.g. 'http' -> HTTPBackend ('' is local paths)
prefix_to_backends: dict[str, type[BaseStorageBackend]] = {}

PrefixesType = Optional[Union[str, list[str], tuple[str, ...]]]


def _register_backend(
    name: str,
    backend: type[BaseStorageBackend],
    force: bool = False,
    prefixes: PrefixesType = None,
) -> None:
    """Validate and record ``backend`` under ``name`` and ``prefixes``."""
    if not isinstance(name, str):
        raise TypeError(f"the backend name should be a string, but got {type(name)}")
    if not inspect.isclass(backend):
        hint = (
            f"; pass the class {type(backend).__name__}, not an instance of it"
            if isinstance(backend, BaseStorageBackend)
            else ""
        )
        raise TypeError(f"backend should be a class, but got {type(backend)}{hint}")
    if not issubclass(backend, BaseStorageBackend):
        raise TypeError(f"backend {backend} is not a subclass of BaseStorageBackend")

    if prefixes is None:
        prefix_list: list[str] = []
    elif isinstance(prefixes, str):
        prefix_list = [prefixes]
    elif isinstance(prefixes, (list, tuple)) and all(isinstance(p, str) for p in prefixes):
        prefix_list = list(prefixes)
    else:
        raise PrefixesTypeError(
            f'prefixes of backend "{name}" should be a str or a list/tuple of str, '
            f"but got {prefixes!r}"
        )

    # Check everything before changing anything, so a failed call leaves the
    # tables as they were.
    if name in backends and not force:
        raise DuplicateBackendError(
            f'{name} is already registered as a storage backend, add "force=True" if you '
            f"want to override it (currently {backends[name].__name__})"
        )
    if not force:
        for prefix in prefix_list:
            if prefix in prefix_to_backends:
                raise DuplicateBackendError(
                    f'{prefix} is already registered as a storage backend, add "force=True" '
                    f'if you want to override it (prefix "{prefix}" of backend "{name}" '
                    f"currently maps to {prefix_to_backends[prefix].__name__})"
                )

    backends[name] = backend
    for prefix in prefix_list:
        prefix_to_backends[prefix] = backend


def register_backend(
    name: str,
    backend: Optional[type[BaseStorageBackend]] = None,
    force: bool = False,
    prefixes: PrefixesType = None,
) -> Union[Callable, None]:
    """Register a backend.

    This method can be used as a normal method or a decorator.

    Args:
        name (str): The name of the registered backend.
        backend (class, optional): The backend class to be registered,
            which must be a subclass of :class:`BaseStorageBackend`.
            When this method is used as a decorator, backend is None.
            Defaults to None.
        force (bool): Whether to override the backend if the name has already
            been registered. Defaults to False.
        prefixes (str or list[str] or tuple[str], optional): The prefix
            of the registered storage backend. Defaults to None.

    Returns:
        The decorator when ``backend`` is None, otherwise None.

    Raises:
        TypeError: If ``name`` is not a str, or ``backend`` is not a subclass
            of :class:`BaseStorageBackend`.
        DuplicateBackendError: (a ValueError and KeyError) If ``name`` or one
            of ``prefixes`` is already registered and ``force`` is False.

    Examples:
        >>> from mmengine.fileio import BaseStorageBackend, register_backend
        >>> class NewBackend(BaseStorageBackend):
        ...     def get(self, filepath):
        ...         return filepath
        ...
        ...     def get_text(self, filepath):
        ...         return filepath
        >>> register_backend('new', NewBackend, force=True)

        >>> @register_backend('new', force=True)
        ... class NewBackend(BaseStorageBackend):
        ...     def get(self, filepath):
        ...         return filepath
        ...
        ...     def get_text(self, filepath):
        ...         return filepath
    """
    check_backend_name(name, "register_backend")
    if backend is not None:
        _register_backend(name, backend, force=force, prefixes=prefixes)
        return None

    def _register(backend_cls: type[BaseStorageBackend]) -> type[BaseStorageBackend]:
        _register_backend(name, backend_cls, force=force, prefixes=prefixes)
        return backend_cls

    return _register


register_backend("local", LocalBackend, prefixes="")
register_backend("memcached", MemcachedBackend)
register_backend("lmdb", LmdbBackend)
# 's3' is served by PetrelBackend, as upstream does.
register_backend("petrel", PetrelBackend, prefixes=["petrel", "s3"])
register_backend("http", HTTPBackend, prefixes=["http", "https"])
# boto3-based S3 (not upstream): opt in with backend_args={"backend": "s3"}.
register_backend("s3", S3Backend)
