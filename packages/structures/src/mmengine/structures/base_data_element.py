"""BaseDataElement: the container passed between dataset, model, evaluator and visualizer."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import torch

from mmengine.utils._builtin_names import show_as_builtins

_PRIVATE = ("_metainfo_fields", "_data_fields")


def _indent(text: str, spaces: int = 4, blank_lines: bool = False) -> str:
    """Indent every line of ``text`` but the first (empty lines only if ``blank_lines``)."""
    lines = text.split("\n")
    pad = " " * spaces
    return "\n".join(
        [lines[0]] + [pad + line if line or blank_lines else line for line in lines[1:]]
    )


def _format_items(items: Iterable[tuple[Any, Any]]) -> str:
    """``\nkey: value`` per item; dict values expand into nested items (as upstream prints)."""
    return "".join(f"\n{k}: {_indent(_format_value(v), blank_lines=True)}" for k, v in items)


def _format_value(value: Any) -> str:
    if isinstance(value, dict):
        return _format_items(value.items())
    return repr(value)


class _PopArgsError(AssertionError, IndexError):
    """``pop`` without a key: an ``IndexError`` as in mmengine 0.10 (an ``AssertionError``
    for too many arguments)."""


show_as_builtins((_PopArgsError, "IndexError"))


class BaseDataElement:
    """A data interface with dict-like and tensor-like operations.

    Fields are split in two: ``metainfo`` (information about the sample, e.g. ``img_shape``)
    and ``data`` (annotations or predictions, e.g. ``bboxes``). Both are read and written as
    attributes; ``keys()``/``values()``/``items()`` cover the data fields,
    ``metainfo_keys()``... the metainfo fields and ``all_keys()``... both. Tensor methods
    (``to``, ``cpu``, ``cuda``, ``numpy``, ``detach``...) apply to every data field and return a
    new element; the metainfo is carried over unchanged.

    Subclasses may expose a typed field through a property whose setter calls
    :meth:`set_field` with ``name='_' + property_name`` and a ``dtype`` check.

    Args:
        metainfo (dict, optional): meta information of the sample. Defaults to None.
        **kwargs: data fields.

    Examples:
        >>> import torch
        >>> from mmengine.structures import BaseDataElement
        >>> sample = BaseDataElement(metainfo=dict(img_shape=(4, 4)), scores=torch.rand(3))
        >>> 'img_shape' in sample.metainfo_keys(), 'scores' in sample.keys()
        (True, True)
    """

    def __init__(self, *, metainfo: dict | None = None, **kwargs: Any) -> None:
        self._metainfo_fields: set[str] = set()
        self._data_fields: set[str] = set()
        if metainfo is not None:
            self.set_metainfo(metainfo=metainfo)
        if kwargs:
            self.set_data(kwargs)

    # ----------------------------------------------------------------- field management
    def set_metainfo(self, metainfo: dict) -> None:
        """Set or change metainfo fields from a dict (the values are deep-copied)."""
        if not isinstance(metainfo, dict):
            raise AssertionError(f"metainfo should be a ``dict`` but got {type(metainfo)}")
        for key, value in copy.deepcopy(metainfo).items():
            self.set_field(name=key, value=value, field_type="metainfo", dtype=None)

    def set_data(self, data: dict) -> None:
        """Set or change data fields from a dict."""
        if not isinstance(data, dict):
            raise AssertionError(
                f"data should be a `dict` but got {data}: set_data takes a dict of data "
                f"fields, not a {type(data).__name__}"
            )
        for key, value in data.items():
            setattr(self, key, value)

    def update(self, instance: BaseDataElement) -> None:
        """Update this element with the metainfo and data fields of another one."""
        if not isinstance(instance, BaseDataElement):
            raise AssertionError(
                f"instance should be a `BaseDataElement` but got {type(instance)}: update "
                "takes another data element; use set_data/set_metainfo for a dict"
            )
        self.set_metainfo(dict(instance.metainfo_items()))
        self.set_data(dict(instance.items()))

    def set_field(
        self,
        value: Any,
        name: str,
        dtype: type | tuple[type, ...] | None = None,
        field_type: str = "data",
    ) -> None:
        """Set a field, checking its type; used by property setters of subclasses."""
        if field_type not in ("metainfo", "data"):
            raise AssertionError(f"field_type must be 'metainfo' or 'data', got {field_type!r}")
        if dtype is not None and not isinstance(value, dtype):
            raise AssertionError(f"{value} should be a {dtype} but got {type(value)}")
        if field_type == "metainfo":
            if name in self._data_fields:
                raise AttributeError(
                    f"Cannot set {name} to be a field of metainfo because {name} is already a "
                    "data field"
                )
            self._metainfo_fields.add(name)
        else:
            if name in self._metainfo_fields:
                raise AttributeError(
                    f"Cannot set {name} to be a field of data because {name} is already a "
                    "metainfo field"
                )
            self._data_fields.add(name)
        object.__setattr__(self, name, value)

    def new(self, *, metainfo: dict | None = None, **kwargs: Any) -> BaseDataElement:
        """Return a new element of the same type.

        Without arguments it carries this element's metainfo and data; ``metainfo`` or data
        keyword arguments replace the corresponding part.
        """
        new_data = self.__class__()
        new_data.set_metainfo(dict(self.metainfo_items()) if metainfo is None else metainfo)
        new_data.set_data(kwargs if kwargs else dict(self.items()))
        return new_data

    def clone(self) -> BaseDataElement:
        """Copy this element: a new container with the same metainfo and data."""
        clone_data = self.__class__()
        clone_data.set_metainfo(dict(self.metainfo_items()))
        clone_data.set_data(dict(self.items()))
        return clone_data

    # ----------------------------------------------------------------- views
    def keys(self) -> list:
        """Names of the data fields (private names backing properties are hidden)."""
        cls = type(self)
        backing = {
            "_" + key for key in self._data_fields if isinstance(getattr(cls, key, None), property)
        }
        return list(self._data_fields - backing)

    def metainfo_keys(self) -> list:
        """Names of the metainfo fields."""
        return list(self._metainfo_fields)

    def values(self) -> list:
        """Values of the data fields."""
        return [getattr(self, k) for k in self.keys()]

    def metainfo_values(self) -> list:
        """Values of the metainfo fields."""
        return [getattr(self, k) for k in self.metainfo_keys()]

    def all_keys(self) -> list:
        """Names of the metainfo and data fields."""
        return self.metainfo_keys() + self.keys()

    def all_values(self) -> list:
        """Values of the metainfo and data fields."""
        return self.metainfo_values() + self.values()

    def all_items(self) -> Iterator[tuple[str, Any]]:
        """Iterate ``(key, value)`` over the metainfo and data fields."""
        for k in self.all_keys():
            yield k, getattr(self, k)

    def items(self) -> Iterator[tuple[str, Any]]:
        """Iterate ``(key, value)`` over the data fields."""
        for k in self.keys():
            yield k, getattr(self, k)

    def metainfo_items(self) -> Iterator[tuple[str, Any]]:
        """Iterate ``(key, value)`` over the metainfo fields."""
        for k in self.metainfo_keys():
            yield k, getattr(self, k)

    @property
    def metainfo(self) -> dict:
        """dict: the metainfo fields."""
        return dict(self.metainfo_items())

    # ----------------------------------------------------------------- attribute protocol
    def __setattr__(self, name: str, value: Any) -> None:
        if name in _PRIVATE:
            if name in self.__dict__:
                raise AttributeError(
                    f"{name} has been used as a private attribute, which is immutable."
                )
            object.__setattr__(self, name, value)
        else:
            self.set_field(name=name, value=value, field_type="data", dtype=None)

    def __delattr__(self, item: str) -> None:
        if item in _PRIVATE:
            raise AttributeError(
                f"{item} has been used as a private attribute, which is immutable."
            )
        object.__delattr__(self, item)
        if item in self._metainfo_fields:
            self._metainfo_fields.remove(item)
        elif item in self._data_fields:
            self._data_fields.remove(item)

    __delitem__ = __delattr__

    def get(self, key: str, default: Any = None) -> Any:
        """Return the field ``key`` (metainfo or data), or ``default``."""
        return getattr(self, key, default)

    def pop(self, *args: Any) -> Any:
        """Remove a field and return its value; ``pop(key, default)`` like ``dict.pop``."""
        if not args:
            raise _PopArgsError("``pop`` takes a key and an optional default, got nothing")
        if len(args) > 2:
            raise AssertionError(
                f"``pop`` get more than 2 arguments: it takes a key and an optional default, "
                f"got {len(args)} arguments"
            )
        name = args[0]
        for fields in (self._metainfo_fields, self._data_fields):
            if name in fields:
                fields.remove(name)
                return self.__dict__.pop(name)
        if len(args) == 2:
            return args[1]
        raise KeyError(f"{name} is not contained in metainfo or data")

    def __contains__(self, item: str) -> bool:
        return item in self._data_fields or item in self._metainfo_fields

    # ----------------------------------------------------------------- tensor-like
    def _map_data(self, fn: Any, types: tuple[type, ...]) -> BaseDataElement:
        new_data = self.new()
        for k, v in self.items():
            if isinstance(v, types):
                new_data.set_data({k: fn(v)})
        return new_data

    def to(self, *args: Any, **kwargs: Any) -> BaseDataElement:
        """Apply ``.to(*args, **kwargs)`` to every data field that has a ``to`` method."""
        new_data = self.new()
        for k, v in self.items():
            if hasattr(v, "to"):
                new_data.set_data({k: v.to(*args, **kwargs)})
        return new_data

    def cpu(self) -> BaseDataElement:
        """Move every tensor in the data fields to the CPU."""
        return self._map_data(lambda v: v.cpu(), (torch.Tensor, BaseDataElement))

    def cuda(self) -> BaseDataElement:
        """Move every tensor in the data fields to the current CUDA device."""
        return self._map_data(lambda v: v.cuda(), (torch.Tensor, BaseDataElement))

    def npu(self) -> BaseDataElement:
        """Move every tensor in the data fields to the NPU."""
        return self._map_data(lambda v: v.npu(), (torch.Tensor, BaseDataElement))

    def mlu(self) -> BaseDataElement:
        """Move every tensor in the data fields to the MLU."""
        return self._map_data(lambda v: v.mlu(), (torch.Tensor, BaseDataElement))

    def musa(self) -> BaseDataElement:
        """Move every tensor in the data fields to the MUSA device."""
        return self._map_data(lambda v: v.musa(), (torch.Tensor, BaseDataElement))

    def detach(self) -> BaseDataElement:
        """Detach every tensor in the data fields."""
        return self._map_data(lambda v: v.detach(), (torch.Tensor, BaseDataElement))

    def numpy(self) -> BaseDataElement:
        """Convert every tensor in the data fields to ``np.ndarray``."""
        return self._map_data(
            lambda v: v.numpy() if isinstance(v, BaseDataElement) else v.detach().cpu().numpy(),
            (torch.Tensor, BaseDataElement),
        )

    def to_tensor(self) -> BaseDataElement:
        """Convert every ``np.ndarray`` in the data fields to a tensor."""
        return self._map_data(
            lambda v: v.to_tensor() if isinstance(v, BaseDataElement) else torch.from_numpy(v),
            (np.ndarray, BaseDataElement),
        )

    def to_dict(self) -> dict:
        """Convert to a plain dict of all fields (nested elements converted too)."""
        return {
            k: v.to_dict() if isinstance(v, BaseDataElement) else v for k, v in self.all_items()
        }

    # ----------------------------------------------------------------- printing
    def __repr__(self) -> str:
        # A field value's continuation lines (blank ones included) are indented
        # once per nesting level; this element's own blank separators stay empty.
        def block(title: str, items: Iterator[tuple[str, Any]]) -> str:
            return f"\n\n{title}{_format_items(items)}"

        inner = block("META INFORMATION", self.metainfo_items()) + block(
            "DATA FIELDS", self.items()
        )
        return f"<{self.__class__.__name__}({_indent(inner)}\n) at {hex(id(self))}>"

    __str__ = __repr__
