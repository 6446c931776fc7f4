"""Merging of child config values into base config values."""

from __future__ import annotations

from .config_dict import DELETE_KEY, ConfigDict
from .utils import suggest_names

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at runtime (import cost)
    from typing import Any

__all__ = ["merge_a_into_b", "strip_delete_key"]


def strip_delete_key(value: Any) -> Any:
    """Drop ``_delete_`` markers from dicts that have nothing to replace."""
    if isinstance(value, dict):
        if DELETE_KEY in value:
            dict.pop(value, DELETE_KEY)
        for v in dict.values(value):
            strip_delete_key(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            strip_delete_key(v)
    return value


def merge_a_into_b(a: dict, b: Any, allow_list_keys: bool = False, _path: str = "") -> Any:
    """Merge dict ``a`` into a copy of ``b`` and return the copy.

    Values of ``a`` win. Nested dicts are merged recursively unless the dict
    of ``a`` has ``_delete_=True``, in which case it replaces the value of
    ``b``. With ``allow_list_keys`` digit keys of ``a`` index into a list of
    ``b``.

    Examples:
        >>> merge_a_into_b(dict(obj=dict(a=2)), dict(obj=dict(a=1, b=2)))
        {'obj': {'a': 2, 'b': 2}}
        >>> merge_a_into_b(dict(obj=dict(_delete_=True, a=2)), dict(obj=dict(a=1)))
        {'obj': {'a': 2}}
        >>> merge_a_into_b({'0': dict(a=2)}, [dict(a=1), dict(b=2)], True)
        [{'a': 2}, {'b': 2}]

    Args:
        a (dict): The source dict (child values).
        b (dict or list): The destination (base values); not modified.
        allow_list_keys (bool): Whether digit keys of ``a`` may index lists of
            ``b``. Defaults to False.

    Returns:
        dict or list: The merged copy of ``b``.

    Raises:
        KeyError: If a list index is out of range.
        TypeError: If a dict of ``a`` must be merged into a value of ``b``
            that is neither a dict (nor a list with ``allow_list_keys``).
    """
    b = b.copy()
    for k, v in dict.items(a) if isinstance(a, dict) else a.items():
        key_path = f"{_path}.{k}" if _path else str(k)
        is_index = isinstance(k, int) or (isinstance(k, str) and k.isdigit())
        if allow_list_keys and isinstance(b, list) and is_index:
            index = int(k)
            if index >= len(b):
                raise KeyError(
                    f"Index {index} exceeds the length of list {b} (at key {key_path!r}); "
                    f"valid indices are 0..{len(b) - 1}"
                )
            b[index] = merge_a_into_b(v, b[index], allow_list_keys, key_path)
        elif isinstance(v, dict):
            delete = bool(dict.pop(v, DELETE_KEY, False))
            if isinstance(b, list):
                raise TypeError(
                    f"Cannot merge key {key_path!r} into a list: use an integer index "
                    f"(e.g. {_path}.0) with allow_list_keys=True"
                )
            if k in b and not delete:
                allowed = (dict, list) if allow_list_keys else dict
                if not isinstance(dict.__getitem__(b, k), allowed):
                    raise TypeError(
                        f"{k}={v} in child config cannot inherit from base because {k} is a "
                        f"dict in the child config but is of type {type(b[k])} in base config. "
                        f"You may set `{DELETE_KEY}=True` to ignore the base config. "
                        f"(config key: {key_path!r})"
                    )
                b[k] = merge_a_into_b(v, dict.__getitem__(b, k), allow_list_keys, key_path)
            else:
                b[k] = ConfigDict(strip_delete_key(v))
        else:
            if isinstance(b, list):
                raise TypeError(
                    f"Cannot set key {key_path!r} on a list: use an integer index with "
                    "allow_list_keys=True"
                )
            b[k] = v
    return b


def new_key_hint(a: dict, b: Any, _path: str = "") -> list:
    """List ``(dotted key, hint)`` for keys of ``a`` that are new in ``b`` but
    close to an existing key (probably misspelt)."""
    hints = []
    if not isinstance(a, dict) or not isinstance(b, dict):
        return hints
    for k, v in dict.items(a):
        key_path = f"{_path}.{k}" if _path else str(k)
        if k in b:
            sub = dict.__getitem__(b, k)
            if isinstance(v, dict) and isinstance(sub, dict):
                hints.extend(new_key_hint(v, sub, key_path))
        else:
            hint = suggest_names(k, [str(x) for x in dict.keys(b)], n=1)
            if hint:
                hints.append((key_path, hint))
    return hints
