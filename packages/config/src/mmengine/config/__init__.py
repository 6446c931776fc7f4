"""mmengine.config: Config, ConfigDict, DictAction and pure-Python configs."""

import mmengine.utils._coexist  # noqa: F401 - refuses to run next to upstream mmengine

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
