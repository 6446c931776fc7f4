"""ConfigDict: the attribute-access dictionary that holds config values."""

from __future__ import annotations

import copy
from collections import OrderedDict

from addict import Dict

from mmengine.utils._builtin_names import show_as_builtins

from .lazy import LazyAttr, LazyObject, dotted_name
from .utils import _MissingKeyToDelete, suggest_names

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at runtime (import cost)
    from typing import Any, Optional

__all__ = ["ConfigDict", "DELETE_KEY"]

DELETE_KEY = "_delete_"

_LAZY_TYPES = (LazyAttr, LazyObject)
_MISSING = object()


class _MissingKeyError(AttributeError):
    """AttributeError for a missing config key; the "did you mean" hint is
    only computed when the message is shown (``hasattr`` stays cheap)."""

    def __init__(self, cls_name: str, name: str, keys: list):
        super().__init__(f"'{cls_name}' object has no attribute '{name}'")
        self._key = name
        self._keys = keys

    def __str__(self) -> str:
        message = super().__str__()
        if self._key.startswith("__") and self._key.endswith("__"):
            return message
        hint = suggest_names(self._key, self._keys)
        return f"{message}.{hint}" if hint else message

    def __reduce__(self):
        return (AttributeError, (str(self),))


class _MissingItemError(KeyError):
    """KeyError for a missing config key (``cfg['modle']``): ``args`` is
    ``(key,)`` as for a plain KeyError; the message adds the closest existing
    keys, computed only when it is shown (``try: cfg[k] except KeyError`` stays
    cheap)."""

    def __init__(self, key: Any, keys: Any):
        super().__init__(key)
        self._keys = keys

    def __str__(self) -> str:
        message = super().__str__()
        key = self.args[0] if self.args else None
        if not isinstance(key, str) or (key.startswith("__") and key.endswith("__")):
            return message
        hint = suggest_names(key, self._keys)
        return f"{message}.{hint}" if hint else message

    def __reduce__(self):
        return (KeyError, self.args)


# Shown as plain ``AttributeError`` / ``KeyError`` in tracebacks.
# Shown and named as the builtins (``type(err).__name__`` too, which code compares).
show_as_builtins((_MissingKeyError, "AttributeError"), (_MissingItemError, "KeyError"))


class ConfigDict(Dict):
    """A dictionary for config which has the same interface as python's
    built-in dictionary and can be used as a normal dictionary.

    Values can also be read and written as attributes (``cfg.model.depth``).
    Nested ``dict`` values are converted to ``ConfigDict`` when stored. A
    missing key raises ``KeyError`` for item access and ``AttributeError``
    (with the closest existing keys suggested) for attribute access.

    While a lazy-import config is parsed the class attribute ``lazy`` is
    ``True`` and :class:`~mmengine.config.lazy.LazyObject` values are returned
    as they are; otherwise they are imported (built) when read.

    Examples:
        >>> from mmengine.config import ConfigDict
        >>> cfg = ConfigDict(model=dict(type='ResNet', depth=50))
        >>> cfg.model.depth
        50
        >>> cfg['model']['type']
        'ResNet'
    """

    lazy = False

    def __init__(__self, *args, **kwargs):
        parent = kwargs.pop("__parent", None)
        object.__setattr__(__self, "__parent", parent)
        object.__setattr__(__self, "__key", kwargs.pop("__key", None))
        object.__setattr__(__self, "__frozen", False)
        hook = __self._hook
        for arg in args:
            if not arg:
                continue
            if isinstance(arg, dict):
                # dict.items: do not build lazy objects of a ConfigDict
                if parent is None:  # fast path: nothing to attach to
                    for key, val in dict.items(arg):
                        dict.__setitem__(__self, key, hook(val))
                    continue
                for key, val in dict.items(arg):
                    __self[key] = val
            elif isinstance(arg, tuple) and not isinstance(arg[0], tuple):
                __self[arg[0]] = arg[1]
            else:
                for key, val in iter(arg):
                    __self[key] = val
        for key, val in dict.items(kwargs):
            __self[key] = val

    # ------------------------------------------------------------------ access
    def __missing__(self, name):
        raise _MissingItemError(name, dict.keys(self))

    def __getattr__(self, name: str) -> Any:
        try:
            value = dict.__getitem__(self, name)
        except KeyError:
            raise _MissingKeyError(self.__class__.__name__, name, list(dict.keys(self))) from None
        if not self.lazy and isinstance(value, _LAZY_TYPES):
            value = value.build()
        return value

    def __getitem__(self, key):
        value = dict.__getitem__(self, key)
        if not self.lazy and isinstance(value, _LAZY_TYPES):
            value = value.build()
        return value

    @classmethod
    def _hook(cls, item):
        # Only plain dicts are converted: user-defined dict subclasses stay.
        kind = type(item)
        if kind is dict or kind is OrderedDict:
            return cls(item)
        if kind is str or kind is int or kind is float or kind is bool or item is None:
            return item
        if isinstance(item, list):
            return type(item)(cls._hook(elem) for elem in item)
        if isinstance(item, tuple):
            if hasattr(item, "_fields"):  # namedtuple
                return type(item)(*(cls._hook(elem) for elem in item))
            return type(item)(cls._hook(elem) for elem in item)
        return item

    def __setattr__(self, name: str, value: Any) -> None:
        if hasattr(self.__class__, name):
            raise AttributeError(
                f"'{self.__class__.__name__}' object attribute '{name}' is read-only: it is a "
                f"method name; use item access instead: cfg[{name!r}] = ..."
            )
        self[name] = value

    def __setitem__(self, name, value) -> None:
        value = self._hook(value)
        if self.__dict__.get("__frozen") and name not in self:
            raise KeyError(name)
        dict.__setitem__(self, name, value)
        parent = self.__dict__.get("__parent")
        if parent is not None:
            parent[self.__dict__["__key"]] = self
            object.__delattr__(self, "__parent")
            object.__delattr__(self, "__key")

    def __delattr__(self, name: str) -> None:
        try:
            del self[name]
        except KeyError:
            # 0.10 raised KeyError(name); the error is also an AttributeError
            raise _MissingKeyToDelete(
                name,
                f"{name!r}: cannot delete '{name}', the {self.__class__.__name__} has no such "
                "key." + suggest_names(name, dict.keys(self)),
            ) from None

    def __iter__(self):
        return iter(dict.keys(self))

    def get(self, key: Any, default: Optional[Any] = None) -> Any:
        """Get the value of ``key`` (building lazy objects unless parsing).

        Args:
            key: The key.
            default: Returned when ``key`` is missing. Defaults to None.

        Returns:
            Any: The value of the key.
        """
        return self.build_lazy(dict.get(self, key, default))

    def pop(self, key: Any, default: Optional[Any] = None) -> Any:
        """Remove ``key`` and return its value (``default`` when missing,
        as upstream: a missing key does not raise).

        Args:
            key: The key.
            default: Returned when ``key`` is missing. Defaults to None.

        Returns:
            Any: The value of the key.
        """
        return self.build_lazy(dict.pop(self, key, default))

    def update(self, *args, **kwargs) -> None:
        """Recursively update from a dict: nested dicts are merged, other
        values replaced. Lazy objects are not built while updating."""
        if len(args) > 1:
            raise TypeError(f"update expected at most 1 positional argument, got {len(args)}")
        other: dict = {}
        if args:
            src = args[0]
            if isinstance(src, dict):
                other.update(dict.items(src))
            else:
                other.update(src)
        other.update(kwargs)
        for key, value in other.items():
            current = dict.get(self, key, _MISSING)
            if isinstance(current, dict) and isinstance(value, dict):
                current.update(value)
            else:
                self[key] = value

    def setdefault(self, key: Any, default: Any = None) -> Any:
        """Return ``self[key]``, storing ``default`` first when missing."""
        if key not in self:
            self[key] = default
        return self[key]

    def build_lazy(self, value: Any) -> Any:
        """Build ``value`` if it is a lazy object and ``lazy`` is False.

        Args:
            value (Any): The value to be built.

        Returns:
            Any: The built value (or ``value`` itself).
        """
        if not self.lazy and isinstance(value, _LAZY_TYPES):
            return value.build()
        return value

    def values(self):
        """Values of the dictionary, with lazy objects built."""
        return [self.build_lazy(v) for v in dict.values(self)]

    def items(self):
        """``(key, value)`` pairs of the dictionary, with lazy objects built."""
        return [(k, self.build_lazy(v)) for k, v in dict.items(self)]

    # ------------------------------------------------------------ copy/pickle
    def __copy__(self):
        other = self.__class__()
        for key, value in dict.items(self):
            dict.__setitem__(other, key, value)
        return other

    copy = __copy__

    def __deepcopy__(self, memo):
        other = self.__class__()
        memo[id(self)] = other
        for key, value in dict.items(self):
            dict.__setitem__(other, copy.deepcopy(key, memo), copy.deepcopy(value, memo))
        return other

    def __reduce_ex__(self, protocol):
        return (self.__class__, (), None, None, iter(dict.items(self)))

    def __getstate__(self):
        return self.to_dict()

    def __setstate__(self, state):
        self.update(state)

    # ---------------------------------------------------------------- compare
    def __eq__(self, other):
        if isinstance(other, ConfigDict):
            return self.to_dict() == other.to_dict()
        if isinstance(other, dict):
            return {k: v for k, v in self.items()} == other
        return False

    def __ne__(self, other):
        return not self == other

    __hash__ = None  # type: ignore[assignment]

    # ---------------------------------------------------------------- convert
    def merge(self, other: dict) -> None:
        """Merge ``other`` into this dict in place, honouring ``_delete_``.

        Args:
            other (dict): The dictionary to merge in; its values win.
        """
        from .merge import merge_a_into_b

        merged = merge_a_into_b(copy.deepcopy(other), copy.deepcopy(self), allow_list_keys=False)
        dict.clear(self)
        for key, value in dict.items(merged):
            self[key] = value

    def _to_lazy_dict(self) -> dict:
        """Convert to builtin ``dict``/``list``/``tuple`` recursively, keeping
        lazy objects as they are."""
        return _to_builtin(self, lazy2str=False)

    def to_dict(self) -> dict:
        """Convert to a builtin ``dict`` recursively.

        Lazy objects are turned into strings like ``'torch.optim.SGD'``.

        Returns:
            dict: The plain dictionary.
        """
        return _to_builtin(self, lazy2str=True)


def _to_builtin(data: Any, lazy2str: bool) -> Any:
    if isinstance(data, dict):
        return {k: _to_builtin(v, lazy2str) for k, v in dict.items(data)}
    if isinstance(data, list):
        return [_to_builtin(v, lazy2str) for v in data]
    if isinstance(data, tuple):
        items = [_to_builtin(v, lazy2str) for v in data]
        if hasattr(data, "_fields"):  # namedtuple
            return type(data)(*items)
        return type(data)(items)
    if lazy2str and isinstance(data, _LAZY_TYPES):
        return dotted_name(data)
    return data


# Pickles refer to ``mmengine.config.config.ConfigDict``, as upstream's do.
ConfigDict.__module__ = "mmengine.config.config"
