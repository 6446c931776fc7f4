"""mmengine.config: Config, ConfigDict, DictAction and pure-Python configs."""

from .config import Config, ConfigDict, DictAction, read_base
from .lazy import LazyAttr, LazyObject
from .utils import ConfigParsingError

__all__ = [
    "Config",
    "ConfigDict",
    "DictAction",
    "read_base",
    "LazyAttr",
    "LazyObject",
    "ConfigParsingError",
]
