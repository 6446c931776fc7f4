"""Module attributes that are imported on first access (PEP 562).

Upstream's modules bind names such as ``print_log`` or ``load`` at import
time and downstream code imports or patches them at those paths
(``from mmengine.config.config import load``). Importing their home packages
eagerly would make ``import mmengine.config`` several times slower, so these
modules resolve them on first access instead and cache them in the module.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at runtime (import cost)
    from collections.abc import Callable
    from typing import Any, Optional

__all__ = ["lazy_names"]


def lazy_names(
    module_name: str, table: dict[str, tuple[str, Optional[str]]]
) -> tuple[Callable[[str], Any], Callable[[], list]]:
    """Make a module ``__getattr__``/``__dir__`` pair serving ``table``.

    Args:
        module_name (str): ``__name__`` of the module that uses them.
        table (dict): Attribute name -> ``(module, attribute)``; an attribute
            of None stands for the module itself (``import tempfile``).

    Returns:
        tuple: ``(__getattr__, __dir__)`` to bind at module level.
    """

    def __getattr__(name: str) -> Any:
        try:
            source, attr = table[name]
        except KeyError:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}") from None
        import importlib

        value = importlib.import_module(source)
        if attr is not None:
            value = getattr(value, attr)
        sys.modules[module_name].__dict__[name] = value  # later lookups are plain
        return value

    def __dir__() -> list:
        return sorted(set(sys.modules[module_name].__dict__) | set(table))

    return __getattr__, __dir__
