"""The table of file handlers, keyed by file format (extension)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Union

from mmengine.utils import is_list_of

from .base import BaseFileHandler
from .json_handler import JsonHandler
from .pickle_handler import PickleHandler
from .yaml_handler import YamlHandler

file_handlers: dict[str, BaseFileHandler] = {
    "json": JsonHandler(),
    "yaml": YamlHandler(),
    "yml": YamlHandler(),
    "pickle": PickleHandler(),
    "pkl": PickleHandler(),
}


def _register_handler(handler: BaseFileHandler, file_formats: Union[str, list[str]]) -> None:
    """Register a handler instance for some file extensions.

    Args:
        handler (BaseFileHandler): Handler to be registered.
        file_formats (str or list[str]): File formats to be handled by this
            handler.

    Raises:
        TypeError: If ``handler`` is not a :class:`BaseFileHandler` or
            ``file_formats`` is not a str or a list of str.
    """
    if not isinstance(handler, BaseFileHandler):
        raise TypeError(f"handler must be a child of BaseFileHandler, not {type(handler)}")
    if isinstance(file_formats, str):
        file_formats = [file_formats]
    if not is_list_of(file_formats, str):
        raise TypeError(f"file_formats must be a str or a list of str, but got {file_formats!r}")
    for ext in file_formats:
        file_handlers[ext] = handler


def register_handler(file_formats: Union[str, list[str]], **kwargs: Any) -> Callable:
    """Class decorator registering a handler for some file formats.

    Args:
        file_formats (str or list[str]): File formats (extensions without
            the dot) handled by the decorated class.
        **kwargs: Arguments to instantiate the handler class.

    Returns:
        The decorator, which returns the class unchanged.

    Examples:
        >>> from mmengine.fileio import BaseFileHandler, dump, load, register_handler
        >>> @register_handler(['txt', 'log'])
        ... class TxtHandler(BaseFileHandler):
        ...     def load_from_fileobj(self, file):
        ...         return file.read()
        ...
        ...     def dump_to_fileobj(self, obj, file):
        ...         file.write(str(obj))
        ...
        ...     def dump_to_str(self, obj, **kwargs):
        ...         return str(obj)
        >>> dump('hello world', 'demo.txt')
        >>> load('demo.txt')
        'hello world'
    """

    if isinstance(file_formats, type):
        raise TypeError(
            f"file_formats must be a str or a list of str, but got {file_formats!r}; it looks "
            "like @register_handler was used without formats: write "
            f"@register_handler(['<ext>', ...]) above class {file_formats.__name__}"
        )
    if not isinstance(file_formats, str) and not is_list_of(file_formats, str):
        raise TypeError(f"file_formats must be a str or a list of str, but got {file_formats!r}")

    def wrap(cls: type[BaseFileHandler]) -> type[BaseFileHandler]:
        if not isinstance(cls, type):
            raise TypeError(
                f"register_handler(...) decorates a handler class, but got {cls!r}; to register "
                f"an instance, decorate its class (arguments go to register_handler(formats, "
                "**kwargs))"
            )
        _register_handler(cls(**kwargs), file_formats)
        return cls

    return wrap
