"""The deprecated :class:`FileClient` and :class:`HardDiskBackend`.

Both are kept so that code written for older MMEngine keeps working; new
code should use the functions of :mod:`mmengine.fileio.io`.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Optional, Union

from mmengine.utils import is_filepath  # noqa: F401 (upstream binds it here)

from .backends import (
    BaseStorageBackend,
    HTTPBackend,
    LmdbBackend,
    LocalBackend,
    MemcachedBackend,
    PetrelBackend,
)
from .backends.base import _deprecation
from .backends.errors import (
    DuplicateBackendError,
    PathTypeError,
    PrefixesTypeError,
    ValueAssertionError,
    check_backend_name,
)


def __getattr__(name: str) -> Any:
    # Upstream binds ``print_log`` in this module; mmengine.logging is optional for
    # fileio, so it is imported on first access.
    if name == "print_log":
        from mmengine.logging import print_log  # workspace: optional

        globals()["print_log"] = print_log
        return print_log
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class HardDiskBackend(LocalBackend):
    """Raw hard disks storage backend.

    Deprecated alias of :class:`LocalBackend`.
    """

    def __init__(self) -> None:
        _deprecation(
            '"HardDiskBackend" is the alias of "LocalBackend" and the former will be '
            "deprecated in future."
        )

    @property
    def name(self) -> str:
        """str: The class name of the backend."""
        return self.__class__.__name__


class FileClient:
    """A general file client to access files in different backends.

    The client loads a file or text in a specified backend from its path
    and returns it as a binary or text file. There are two ways to choose a
    backend, the name of backend and the prefix of path. Although both of
    them can be used to choose a storage backend, ``backend`` has a higher
    priority than ``prefix``. If they are all set, the storage backend will
    be chosen by the backend argument. If they are all `None`, the disk
    backend will be chosen. Note that It can also register other backend
    accessor with a given name, prefixes, and backend class. In addition,
    we use the singleton pattern to avoid repeated object creation. If the
    arguments are the same, the same object will be returned.

    Warning:
        `FileClient` will be deprecated in future. Please use io functions
        of :mod:`mmengine.fileio` (``get``, ``put``, ``exists``, ...; docs/api/fileio.md)

    Args:
        backend (str, optional): The storage backend type. Options are "disk",
            "memcached", "lmdb", "http" and "petrel". Default: None.
        prefix (str, optional): The prefix of the registered storage backend.
            Options are "s3", "http", "https". Default: None.

    Examples:
        >>> import logging
        >>> from mmengine.fileio import FileClient
        >>> logging.disable(logging.WARNING)  # hide the deprecation warnings
        >>> # only set backend
        >>> file_client = FileClient(backend='disk')
        >>> # only set prefix
        >>> file_client = FileClient(prefix='http')
        >>> # set both backend and prefix but use backend to choose client
        >>> file_client = FileClient(backend='disk', prefix='http')
        >>> type(file_client.client).__name__
        'HardDiskBackend'
        >>> # if the arguments are the same, the same object is returned
        >>> file_client1 = FileClient(backend='disk', prefix='http')
        >>> file_client1 is file_client
        True
        >>> logging.disable(logging.NOTSET)

    Attributes:
        client (:obj:`BaseStorageBackend`): The backend object.
    """

    _backends: dict[str, type[BaseStorageBackend]] = {
        "disk": HardDiskBackend,
        "memcached": MemcachedBackend,
        "lmdb": LmdbBackend,
        "petrel": PetrelBackend,
        "http": HTTPBackend,
    }

    _prefix_to_backends: dict[str, type[BaseStorageBackend]] = {
        "s3": PetrelBackend,
        "petrel": PetrelBackend,
        "http": HTTPBackend,
        "https": HTTPBackend,
    }

    _instances: dict[str, FileClient] = {}

    client: Any

    def __new__(
        cls, backend: Optional[str] = None, prefix: Optional[str] = None, **kwargs: Any
    ) -> FileClient:
        _deprecation(
            # 0.10's log line, byte for byte (the page documents the same functions,
            # mmengine.fileio's get, put, exists, ...)
            '"FileClient" will be deprecated in future. Please use io functions in '
            "https://mmengine.readthedocs.io/en/latest/api/fileio.html#file-io"
        )
        if backend is None and prefix is None:
            backend = "disk"
        if backend is not None and backend not in cls._backends:
            raise ValueError(
                f"Backend {backend} is not supported. Currently supported ones"
                f" are {list(cls._backends.keys())}"
            )
        if prefix is not None and prefix not in cls._prefix_to_backends:
            raise ValueError(
                f"prefix {prefix} is not supported. Currently supported ones "
                f"are {list(cls._prefix_to_backends.keys())}"
            )

        # The same arguments give the same instance.
        arg_key = f"{backend}:{prefix}"
        for key, value in kwargs.items():
            arg_key += f":{key}:{value}"

        if arg_key in cls._instances:
            return cls._instances[arg_key]
        instance = super().__new__(cls)
        with warnings.catch_warnings():
            # HardDiskBackend's own deprecation would only repeat ours.
            warnings.simplefilter("ignore", DeprecationWarning)
            if backend is not None:
                instance.client = cls._backends[backend](**kwargs)
            else:
                instance.client = cls._prefix_to_backends[prefix](**kwargs)  # type: ignore[index]
        cls._instances[arg_key] = instance
        return instance

    @property
    def name(self) -> str:
        """str: The name of the backend class."""
        return self.client.name

    @property
    def allow_symlink(self) -> bool:
        """bool: Whether the backend supports symbolic links."""
        return self.client.allow_symlink

    @staticmethod
    def parse_uri_prefix(uri: Union[str, Path]) -> Optional[str]:
        """Parse the prefix of a uri.

        Args:
            uri (str | Path): Uri to be parsed that contains the file prefix.

        Returns:
            str | None: Return the prefix of uri if the uri contains '://' else
            ``None``.

        Examples:
            >>> from mmengine.fileio import FileClient
            >>> FileClient.parse_uri_prefix('s3://path/of/your/file')
            's3'
        """
        if not isinstance(uri, (str, Path)):
            raise PathTypeError(f"uri should be a str or Path, but got {type(uri)}: {uri!r}")
        uri = str(uri)
        if "://" not in uri:
            return None
        prefix, _ = uri.split("://", 1)
        # e.g. "cluster-name:s3://path/of/file": the cluster name is not part
        # of the prefix.
        if ":" in prefix:
            _, prefix = prefix.split(":", 1)
        return prefix

    @classmethod
    def infer_client(
        cls,
        file_client_args: Optional[dict] = None,
        uri: Optional[Union[str, Path]] = None,
    ) -> FileClient:
        """Infer a suitable file client based on the URI and arguments.

        Args:
            file_client_args (dict, optional): Arguments to instantiate a
                FileClient. Default: None.
            uri (str | Path, optional): Uri to be parsed that contains the file
                prefix. Default: None.

        Returns:
            FileClient: Instantiated FileClient object.

        Examples:
            >>> from mmengine.fileio import FileClient
            >>> uri = 'http://path/of/your/file'
            >>> file_client = FileClient.infer_client(uri=uri)
            >>> type(file_client.client).__name__
            'HTTPBackend'
            >>> file_client_args = {'backend': 'disk'}
            >>> file_client = FileClient.infer_client(file_client_args)
            >>> type(file_client.client).__name__
            'HardDiskBackend'
        """
        if file_client_args is None and uri is None:
            raise ValueAssertionError(
                "infer_client needs file_client_args or uri, but both are None: pass "
                "file_client_args={'backend': ...} or the uri of the file to access"
            )
        if file_client_args is None:
            file_prefix = cls.parse_uri_prefix(uri)  # type: ignore[arg-type]
            return cls(prefix=file_prefix)
        return cls(**file_client_args)

    @classmethod
    def _register_backend(
        cls,
        name: str,
        backend: type[BaseStorageBackend],
        force: bool = False,
        prefixes: Optional[Union[str, list[str], tuple[str, ...]]] = None,
    ) -> None:
        if not isinstance(name, str):
            raise TypeError(f"the backend name should be a string, but got {type(name)}")
        if not inspect.isclass(backend):
            raise TypeError(f"backend should be a class but got {type(backend)}")
        if not issubclass(backend, BaseStorageBackend):
            raise TypeError(f"backend {backend} is not a subclass of BaseStorageBackend")
        if prefixes is None:
            prefix_list: list[str] = []
        elif isinstance(prefixes, str):
            prefix_list = [prefixes]
        elif isinstance(prefixes, (list, tuple)):
            prefix_list = list(prefixes)
        else:
            raise PrefixesTypeError(
                f'prefixes of backend "{name}" should be a str or a list/tuple of str, '
                f"but got {prefixes!r}"
            )

        if not force:
            if name in cls._backends:
                raise DuplicateBackendError(
                    f"{name} is already registered as a storage backend, "
                    'add "force=True" if you want to override it'
                )
            for prefix in prefix_list:
                if prefix in cls._prefix_to_backends:
                    raise DuplicateBackendError(
                        f"{prefix} is already registered as a storage backend, "
                        'add "force=True" if you want to override it'
                    )

        if name in cls._backends and force:
            # Drop cached clients built from the backend being replaced.
            old = cls._backends[name]
            for arg_key, instance in list(cls._instances.items()):
                if isinstance(instance.client, old):
                    cls._instances.pop(arg_key)
        cls._backends[name] = backend
        for prefix in prefix_list:
            if prefix in cls._prefix_to_backends and force:
                old = cls._prefix_to_backends[prefix]
                for arg_key, instance in list(cls._instances.items()):
                    if isinstance(instance.client, old):
                        cls._instances.pop(arg_key)
            cls._prefix_to_backends[prefix] = backend

    @classmethod
    def register_backend(
        cls,
        name: str,
        backend: Optional[type[BaseStorageBackend]] = None,
        force: bool = False,
        prefixes: Optional[Union[str, list[str], tuple[str, ...]]] = None,
    ) -> Optional[Callable[[type[BaseStorageBackend]], type[BaseStorageBackend]]]:
        """Register a backend to FileClient.

        This method can be used as a normal class method or a decorator.

        Args:
            name (str): The name of the registered backend.
            backend (class, optional): The backend class to be registered,
                which must be a subclass of :class:`BaseStorageBackend`.
                When this method is used as a decorator, backend is None.
                Defaults to None.
            force (bool, optional): Whether to override the backend if the name
                has already been registered. Defaults to False.
            prefixes (str or list[str] or tuple[str], optional): The prefixes
                of the registered storage backend. Default: None.

        Examples:
            >>> from mmengine.fileio import BaseStorageBackend, FileClient
            >>> @FileClient.register_backend('new', force=True)
            ... class NewBackend(BaseStorageBackend):
            ...     def get(self, filepath):
            ...         return filepath
            ...
            ...     def get_text(self, filepath):
            ...         return filepath
        """
        check_backend_name(name, "FileClient.register_backend")
        if backend is not None:
            cls._register_backend(name, backend, force=force, prefixes=prefixes)
            return None

        def _register(backend_cls: type[BaseStorageBackend]) -> type[BaseStorageBackend]:
            cls._register_backend(name, backend_cls, force=force, prefixes=prefixes)
            return backend_cls

        return _register

    def get(self, filepath: Union[str, Path]) -> Union[bytes, memoryview]:
        """Read data from a given ``filepath`` with 'rb' mode.

        Note:
            There are two types of return values for ``get``, one is ``bytes``
            and the other is ``memoryview``. The advantage of using memoryview
            is that you can avoid copying, and if you want to convert it to
            ``bytes``, you can use ``.tobytes()``.

        Args:
            filepath (str or Path): Path to read data.

        Returns:
            bytes | memoryview: Expected bytes object or a memory view of the
            bytes object.
        """
        return self.client.get(filepath)

    def get_text(self, filepath: Union[str, Path], encoding: str = "utf-8") -> str:
        """Read data from a given ``filepath`` with 'r' mode.

        Args:
            filepath (str or Path): Path to read data.
            encoding (str): The encoding format used to open the ``filepath``.
                Default: 'utf-8'.

        Returns:
            str: Expected text reading from ``filepath``.
        """
        return self.client.get_text(filepath, encoding)

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        """Write data to a given ``filepath`` with 'wb' mode.

        Note:
            ``put`` should create a directory if the directory of ``filepath``
            does not exist.

        Args:
            obj (bytes): Data to be written.
            filepath (str or Path): Path to write data.
        """
        self.client.put(obj, filepath)

    def put_text(self, obj: str, filepath: Union[str, Path]) -> None:
        """Write data to a given ``filepath`` with 'w' mode.

        Note:
            ``put_text`` should create a directory if the directory of
            ``filepath`` does not exist.

        Args:
            obj (str): Data to be written.
            filepath (str or Path): Path to write data.
        """
        self.client.put_text(obj, filepath)

    def remove(self, filepath: Union[str, Path]) -> None:
        """Remove a file.

        Args:
            filepath (str, Path): Path to be removed.
        """
        self.client.remove(filepath)

    def exists(self, filepath: Union[str, Path]) -> bool:
        """Check whether a file path exists.

        Args:
            filepath (str or Path): Path to be checked whether exists.

        Returns:
            bool: Return ``True`` if ``filepath`` exists, ``False`` otherwise.
        """
        return self.client.exists(filepath)

    def isdir(self, filepath: Union[str, Path]) -> bool:
        """Check whether a file path is a directory.

        Args:
            filepath (str or Path): Path to be checked whether it is a
                directory.

        Returns:
            bool: Return ``True`` if ``filepath`` points to a directory,
            ``False`` otherwise.
        """
        return self.client.isdir(filepath)

    def isfile(self, filepath: Union[str, Path]) -> bool:
        """Check whether a file path is a file.

        Args:
            filepath (str or Path): Path to be checked whether it is a file.

        Returns:
            bool: Return ``True`` if ``filepath`` points to a file, ``False``
            otherwise.
        """
        return self.client.isfile(filepath)

    def join_path(self, filepath: Union[str, Path], *filepaths: Union[str, Path]) -> str:
        r"""Concatenate all file paths.

        Join one or more filepath components intelligently. The return value
        is the concatenation of filepath and any members of \*filepaths.

        Args:
            filepath (str or Path): Path to be concatenated.

        Returns:
            str: The result of concatenation.
        """
        return self.client.join_path(filepath, *filepaths)

    @contextmanager
    def get_local_path(self, filepath: Union[str, Path]) -> Generator[Union[str, Path], None, None]:
        """Download data from ``filepath`` and write the data to local path.

        ``get_local_path`` is decorated by :meth:`contextlib.contextmanager`.
        It can be called with ``with`` statement, and when exists from the
        ``with`` statement, the temporary path will be released.

        Note:
            If the ``filepath`` is a local path, just return itself.

        Args:
            filepath (str or Path): Path to be read data.

        Yields:
            Iterable[str]: Only yield one path.

        Examples:
            >>> from mmengine.fileio import FileClient
            >>> file_client = FileClient(backend='disk')
            >>> with file_client.get_local_path('path/of/abc.jpg') as path:
            ...     print(path)  # a local file is not copied
            path/of/abc.jpg
        """
        with self.client.get_local_path(str(filepath)) as local_path:
            yield local_path

    def list_dir_or_file(
        self,
        dir_path: Union[str, Path],
        list_dir: bool = True,
        list_file: bool = True,
        suffix: Optional[Union[str, tuple[str, ...]]] = None,
        recursive: bool = False,
    ) -> Iterator[str]:
        """Scan a directory to find the interested directories or files in
        arbitrary order.

        Note:
            :meth:`list_dir_or_file` returns the path relative to ``dir_path``.

        Args:
            dir_path (str | Path): Path of the directory.
            list_dir (bool): List the directories. Default: True.
            list_file (bool): List the path of files. Default: True.
            suffix (str or tuple[str], optional):  File suffix
                that we are interested in. Default: None.
            recursive (bool): If set to True, recursively scan the
                directory. Default: False.

        Yields:
            Iterable[str]: A relative path to ``dir_path``.
        """
        yield from self.client.list_dir_or_file(dir_path, list_dir, list_file, suffix, recursive)
