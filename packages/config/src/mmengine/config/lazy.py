"""Placeholders for objects imported by pure-Python (lazy-import) configs.

When a config file such as::

    from torch.optim import SGD
    import torch.nn as nn

    optimizer = dict(type=SGD, lr=0.1)
    act = dict(type=nn.ReLU)

is parsed with ``lazy_import=True``, nothing is really imported. ``SGD``
becomes ``LazyObject('torch.optim', 'SGD')`` and ``nn.ReLU`` becomes a
:class:`LazyAttr` hanging off ``LazyObject('torch.nn')``. The real object is
only imported when :meth:`LazyObject.build` is called (which ``ConfigDict``
does when the value is read outside of parsing).
"""

from __future__ import annotations

import importlib

from ._lazy_names import lazy_names

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at runtime (import cost)
    from typing import Any, Optional, Union

    from mmengine.utils import is_seq_of  # served lazily at runtime by ``__getattr__``

__all__ = ["LazyObject", "LazyAttr", "is_seq_of"]

# Upstream binds ``is_seq_of`` here; it is imported on first access (import cost).
__getattr__, __dir__ = lazy_names(__name__, {"is_seq_of": ("mmengine.utils", "is_seq_of")})


def _config_parsing_error(message: str) -> Exception:
    from .utils import ConfigParsingError

    return ConfigParsingError(message)


def _import_module(name: str, location: Optional[str]) -> Any:
    try:
        return importlib.import_module(name)
    except Exception as e:
        where = f" (imported in {location})" if location else ""
        msg = f"Failed to import module {name!r}{where}: {e}"
        try:
            err = type(e)(msg)
        except Exception:
            err = ImportError(msg)
        raise err from e


class LazyObject:
    """A module, or a name inside a module, imported lazily by a config.

    Examples:
        >>> from mmengine.config.lazy import LazyObject
        >>> # ``import torch.nn as nn`` is recorded as
        >>> nn = LazyObject('torch.nn')
        >>> # ``from torch.optim import SGD`` is recorded as
        >>> SGD = LazyObject('torch.optim', 'SGD')
        >>> # ``import xml.dom; import xml.sax`` is recorded as
        >>> xml = LazyObject(['xml.dom', 'xml.sax'])
        >>> str(SGD), SGD.module
        ('SGD', 'torch.optim')

    Args:
        module (str or list or tuple): The module to import, or the list of
            submodules imported with ``import a.b`` statements that share the
            top-level package ``a``.
        imported (str, optional): Name imported from ``module`` (the ``b`` of
            ``from a import b``). Defaults to None.
        location (str, optional): Config file and line of the import
            statement, used in error messages. Defaults to None.
    """

    def __init__(
        self,
        module: Union[str, list, tuple],
        imported: Optional[str] = None,
        location: Optional[str] = None,
    ):
        if not isinstance(module, str) and not (
            isinstance(module, (list, tuple)) and module and all(isinstance(m, str) for m in module)
        ):
            raise TypeError(
                "LazyObject: `module` should be a str or a non-empty list/tuple of str, "
                f"but got {module!r} ({type(module).__name__})"
            )
        if isinstance(module, str) and isinstance(imported, tuple) and isinstance(location, dict):
            # Python calls the base's type with (name, bases, namespace) for a `class` statement
            lazy = ", ".join(str(b) for b in imported if isinstance(b, LazyObject))
            raise _config_parsing_error(
                f"`class {module}({lazy})`: a pure-Python config cannot subclass a class it "
                "imports, because imports there are lazy (nothing is imported while the config "
                "is read). Define the subclass in a module of your project and import it from "
                "there."
            )
        if imported is not None and not isinstance(imported, str):
            raise TypeError(
                f"LazyObject: `imported` should be a str or None, but got {type(imported).__name__}"
            )
        self._module: Union[str, list, tuple] = module
        self._imported = imported
        self.location = location

    @property
    def module(self) -> str:
        """str: The module the object comes from (the top-level package for
        ``import a.b`` statements)."""
        if isinstance(self._module, str):
            return self._module
        return self._module[0].split(".")[0]

    def build(self) -> Any:
        """Import and return the real object.

        Returns:
            Any: The imported module or object.

        Raises:
            ImportError: If the module or the name cannot be imported; the
                message names the config file and line of the import.
        """
        if not isinstance(self._module, str):
            for name in self._module:
                _import_module(name, self.location)
            return _import_module(self.module, self.location)
        module = _import_module(self._module, self.location)
        if self._imported is None:
            return module
        try:
            return getattr(module, self._imported)
        except AttributeError:
            pass
        # ``from package import submodule`` where the submodule is not loaded
        try:
            return importlib.import_module(f"{self._module}.{self._imported}")
        except ImportError:
            where = f" (imported in {self.location})" if self.location else ""
            raise ImportError(
                f"Cannot import name {self._imported!r} from {self._module!r}{where}"
            ) from None

    def __call__(self, *args, **kwargs):
        raise RuntimeError(
            f"{self.module}.{self} is lazily imported by the config and cannot be called "
            "while the config is parsed; it is only available after parsing."
        )

    def __getattr__(self, name: str) -> LazyAttr:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        location = self.location.split(", line")[0] if self.location else None
        return LazyAttr(name, self, location)

    def __deepcopy__(self, memo):
        return LazyObject(self._module, self._imported, self.location)

    def __copy__(self):
        return LazyObject(self._module, self._imported, self.location)

    def __getstate__(self):
        return self.__dict__

    def __setstate__(self, state):
        self.__dict__.update(state)

    def __eq__(self, other):
        if not isinstance(other, LazyObject):
            return NotImplemented
        return (self._module, self._imported) == (other._module, other._imported)

    def __hash__(self):
        module = self._module if isinstance(self._module, str) else tuple(self._module)
        return hash((LazyObject, module, self._imported))

    def __str__(self) -> str:
        if self._imported is not None:
            return self._imported
        return self.module

    __repr__ = __str__


class LazyAttr:
    """An attribute of a :class:`LazyObject` (or of another ``LazyAttr``).

    Examples:
        >>> from mmengine.config.lazy import LazyObject
        >>> nn = LazyObject('torch.nn')
        >>> relu = nn.ReLU            # a LazyAttr
        >>> relu.module, str(relu)
        ('torch.nn', 'ReLU')

    Args:
        name (str): The attribute name.
        source (LazyObject or LazyAttr): The object owning the attribute.
        location (str, optional): Config file of the access, used in error
            messages. Defaults to None.
    """

    def __init__(
        self, name: str, source: Union[LazyObject, LazyAttr], location: Optional[str] = None
    ):
        self.name = name
        self.source = source
        self.location = location
        if isinstance(source, LazyObject):
            if not isinstance(source._module, str):
                # ``import a.b`` then ``a.x``: the attribute lives in ``a``
                self._module = source.module
            elif source._imported is None:
                # ``import a.b as m`` then ``m.x``
                self._module = source._module
            else:
                # ``from a import b`` then ``b.x``
                self._module = f"{source._module}.{source._imported}"
        elif isinstance(source, LazyAttr):
            self._module = f"{source._module}.{source.name}"
        else:
            raise TypeError(
                f"LazyAttr: `source` must be a LazyObject or LazyAttr, got {type(source).__name__}"
            )

    @property
    def module(self) -> str:
        """str: Dotted path of the object owning this attribute."""
        return self._module

    def build(self) -> Any:
        """Import the source and return the attribute.

        Returns:
            Any: The real attribute.
        """
        owner = self.source.build()
        try:
            return getattr(owner, self.name)
        except AttributeError:
            pass
        try:
            return importlib.import_module(f"{self._module}.{self.name}")
        except ImportError:
            where = f" (used in {self.location})" if self.location else ""
            raise ImportError(f"Failed to import {self._module}.{self.name}{where}") from None

    def __call__(self, *args, **kwargs):
        raise RuntimeError(
            f"{self._module}.{self.name} is lazily imported by the config and cannot be "
            "called while the config is parsed; it is only available after parsing."
        )

    def __getattr__(self, name: str) -> LazyAttr:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return LazyAttr(name, self, self.location)

    def __deepcopy__(self, memo):
        return LazyAttr(self.name, self.source, self.location)

    def __copy__(self):
        return LazyAttr(self.name, self.source, self.location)

    def __getstate__(self):
        return self.__dict__

    def __setstate__(self, state):
        self.__dict__.update(state)

    def __eq__(self, other):
        if not isinstance(other, LazyAttr):
            return NotImplemented
        return (self._module, self.name) == (other._module, other.name)

    def __hash__(self):
        return hash((LazyAttr, self._module, self.name))

    def __str__(self) -> str:
        return self.name

    __repr__ = __str__


def dotted_name(obj: Union[LazyObject, LazyAttr]) -> str:
    """Full import path of a lazy object, as written when a config is dumped.

    ``LazyObject('torch.optim', 'SGD')`` gives ``'torch.optim.SGD'``,
    ``LazyObject('torch.nn')`` gives ``'torch.nn'`` and
    ``LazyObject('torch.nn').ReLU`` gives ``'torch.nn.ReLU'``.
    """
    if isinstance(obj, LazyObject) and obj._imported is None:
        return obj.module
    return f"{obj.module}.{obj}"
