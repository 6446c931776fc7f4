"""Merging of child config values into base config values."""

from __future__ import annotations

from .config_dict import DELETE_KEY, ConfigDict
from .utils import suggest_names

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at runtime (import cost)
    from typing import Any

__all__ = ["merge_a_into_b"]


def _without_marker(value: dict) -> ConfigDict:
    """A ConfigDict copy of ``value`` without its own ``_delete_`` key."""
    return ConfigDict({k: v for k, v in dict.items(value) if k != DELETE_KEY})


def _example(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def merge_a_into_b(
    a: dict, b: Any, allow_list_keys: bool = False, _path: str = "", _marker_read: bool = False
) -> Any:
    """Merge dict ``a`` into a copy of ``b`` and return the copy.

    Values of ``a`` win. Nested dicts are merged recursively unless the dict
    of ``a`` has ``_delete_=True``, in which case it replaces the value of
    ``b``. With ``allow_list_keys`` digit keys of ``a`` index into a list of
    ``b``.

    Neither ``a`` nor ``b`` is modified, so one dict object used under two
    keys of ``a`` (``test_dataloader = val_dataloader``) is merged into each
    base value independently, ``_delete_`` included.

    As upstream, a ``_delete_`` marker is consumed only where there is a base
    value to replace: a dict of ``a`` whose key is new in ``b`` is taken as
    written, markers included (nested ones too), and so is the content of a
    dict that replaces its base value.

    Examples:
        >>> from mmengine.config.merge import merge_a_into_b
        >>> merge_a_into_b(dict(obj=dict(a=2)), dict(obj=dict(a=1, b=2)))
        {'obj': {'a': 2, 'b': 2}}
        >>> merge_a_into_b(dict(obj=dict(_delete_=True, a=2)), dict(obj=dict(a=1)))
        {'obj': {'a': 2}}
        >>> merge_a_into_b({'0': dict(a=2)}, [dict(a=1), dict(b=2)], True)
        [{'a': 2}, {'b': 2}]

    Args:
        a (dict): The source dict (child values); not modified.
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
        if _marker_read and k == DELETE_KEY:
            continue  # the marker of ``a`` itself, already read by the caller
        key_path = f"{_path}.{k}" if _path else str(k)
        is_index = isinstance(k, int) or (isinstance(k, str) and k.isdigit())
        if allow_list_keys and isinstance(b, list) and is_index:
            index = int(k)
            if index >= len(b):
                raise KeyError(
                    f"Index {index} exceeds the length of list {b} (at key {key_path!r}); "
                    f"valid indices are 0..{len(b) - 1}"
                )
            if isinstance(v, dict):
                if dict.get(v, DELETE_KEY, False):
                    b[index] = _without_marker(v)
                elif not isinstance(b[index], (dict, list)):
                    raise TypeError(
                        f"Cannot merge the dict {dict(v)} into {key_path!r}, which is "
                        f"{b[index]!r} (of type {type(b[index]).__name__}) in the base "
                        f"config. Set the whole item instead, or add `{DELETE_KEY}=True` to "
                        "the dict to replace it."
                    )
                else:
                    b[index] = merge_a_into_b(v, b[index], allow_list_keys, key_path, True)
            else:
                b[index] = v
        elif isinstance(v, dict):
            if isinstance(b, list):
                raise TypeError(
                    f"Cannot merge key {key_path!r} into a list: use an integer index "
                    f"(e.g. {_path}.0) with allow_list_keys=True"
                )
            if k not in b:
                b[k] = ConfigDict(v)
            elif dict.get(v, DELETE_KEY, False):
                b[k] = _without_marker(v)
            else:
                allowed = (dict, list) if allow_list_keys else dict
                if not isinstance(dict.__getitem__(b, k), allowed):
                    shown = {x: y for x, y in dict.items(v) if x != DELETE_KEY}
                    base_value = dict.__getitem__(b, k)
                    extra = ""
                    if isinstance(base_value, (list, tuple)) and shown:
                        kind = type(base_value).__name__
                        extra = (
                            f". {key_path!r} is a {kind} of length {len(base_value)}: keys like "
                            f"'{key_path}.0' index into a list only with allow_list_keys=True "
                            "(the default of merge_from_dict and --cfg-options) and never into "
                            f"a tuple; otherwise set the whole {kind}, e.g. "
                            f"{key_path}={_example(base_value)}."
                        )
                    raise TypeError(
                        f"{k}={shown} in child config cannot inherit from base because {k} is "
                        f"a dict in the child config but is of type {type(b[k])} in base "
                        f"config. You may set `{DELETE_KEY}=True` to ignore the base config. "
                        f"(config key: {key_path!r})" + extra
                    )
                b[k] = merge_a_into_b(v, dict.__getitem__(b, k), allow_list_keys, key_path, True)
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
            # a new key is legitimate (e.g. visualizer.backend next to vis_backends): warn
            # only for a near-certain misspelling (momentun, max_epoch, batchsize)
            hint = suggest_names(k, [str(x) for x in dict.keys(b)], n=1, cutoff=0.8)
            if hint:
                hints.append((key_path, hint))
    return hints
