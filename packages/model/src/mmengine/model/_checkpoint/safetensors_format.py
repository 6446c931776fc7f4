"""Checkpoints in the safetensors format: tensors as tensors, everything else as JSON.

A safetensors file holds named tensors plus a ``str -> str`` metadata header and
can be read without unpickling anything. A whole training checkpoint is stored
in one such file:

- every ``torch.Tensor`` (and numpy array) of the checkpoint becomes one tensor
  of the file. Tensors under the top-level ``state_dict`` keep their state-dict
  names (so ``safetensors.torch.load_file`` alone yields the model weights);
  others are named by their path, e.g. ``optimizer/state/0/momentum_buffer``;
- everything else (``meta``, message-hub scalars, optimizer hyper-parameters,
  scheduler counters, ...) goes into the metadata entry ``mmengine_checkpoint``
  as a JSON *skeleton* of the checkpoint, where each tensor is a reference
  ``{"__type__": "tensor", "key": name}``. Python types JSON lacks are tagged the
  same way: ``tuple``, ``OrderedDict`` (with the ``_metadata`` of state dicts),
  ``Counter``, dicts with non-string keys, numpy scalars, non-finite floats,
  ``HistoryBuffer`` and ``ConfigDict``.

Only those types can be saved; anything else raises a :class:`TypeError` that
names the key and suggests the ``.pth`` format. Reading only ever builds those
types, whatever the file says.

``safetensors`` is an optional dependency, imported on first use.
"""

from __future__ import annotations

import json
import math
import os
import os.path as osp
import struct
from collections import Counter, OrderedDict
from typing import Any, Union

import numpy as np
import torch

SKELETON_KEY = "mmengine_checkpoint"
VERSION_KEY = "mmengine_checkpoint_version"
FORMAT_VERSION = "1"
_TYPE = "__type__"
# the largest header we accept when sniffing a file (safetensors itself caps it at 100 MB)
_MAX_HEADER = 100_000_000


def _require_safetensors() -> Any:
    try:
        import safetensors.torch  # workspace: optional
    except ImportError as exc:
        raise ImportError(
            "Saving or loading checkpoints in the safetensors format needs the `safetensors` "
            "package: pip install safetensors (or save with the default .pth format)."
        ) from exc
    return safetensors.torch


# --------------------------------------------------------------------------
# detection
# --------------------------------------------------------------------------
def _looks_like_header(head: bytes, total_size: int) -> bool:
    if len(head) < 10:
        return False
    (header_len,) = struct.unpack("<Q", head[:8])
    return 2 <= header_len <= min(_MAX_HEADER, total_size - 8) and head[8:9] == b"{"


def is_safetensors_bytes(data: bytes) -> bool:
    """Whether ``data`` (a whole file's content) is in the safetensors format."""
    return _looks_like_header(bytes(data[:10]), len(data))


def is_safetensors_file(filename: str) -> bool:
    """Whether ``filename`` is a safetensors file: by its suffix, else by its first bytes.

    ``torch.save`` files start with a zip (``PK``) or pickle (``\\x80``) signature;
    safetensors files with the 8-byte little-endian length of a JSON header.
    """
    if filename.endswith(".safetensors"):
        return True
    try:
        with open(filename, "rb") as f:
            head = f.read(10)
        return _looks_like_header(head, os.path.getsize(filename))
    except OSError:
        return False


# --------------------------------------------------------------------------
# encoding
# --------------------------------------------------------------------------
def _history_buffer_class() -> type:
    from mmengine.logging.history_buffer import HistoryBuffer

    return HistoryBuffer


def _config_dict_class() -> type:
    from mmengine.config import ConfigDict

    return ConfigDict


class _Encoder:
    """Turns a checkpoint into ``(tensors, skeleton)``."""

    def __init__(self) -> None:
        self.tensors: dict[str, torch.Tensor] = {}
        self._names_by_id: dict[int, tuple[Any, str]] = {}
        self._storages: set[tuple[str, int]] = set()

    def _name(self, path: list) -> str:
        parts = [str(p) for p in path]
        if len(parts) > 1 and parts[0] == "state_dict":
            parts = parts[1:]  # the model weights keep their state-dict names
        base = "/".join(parts) or "tensor"
        name, n = base, 1
        while name in self.tensors:
            n += 1
            name = f"{base}#{n}"
        return name

    def _add_tensor(self, tensor: torch.Tensor, path: list, owner: Any = None) -> str:
        """Store ``tensor`` (converted from ``owner``, if given) and return its name."""
        owner = tensor if owner is None else owner
        if id(owner) in self._names_by_id:  # the same object twice: stored once
            return self._names_by_id[id(owner)][1]
        t = tensor.detach()
        if t.device.type != "cpu":
            t = t.cpu()
        t = t.contiguous()
        if t.numel():
            storage = (str(t.device), t.untyped_storage().data_ptr())
            if storage in self._storages:
                t = t.clone()  # safetensors refuses tensors that share memory
            self._storages.add(storage)
        name = self._name(path)
        self.tensors[name] = t
        # keep ``owner`` alive so that its id is not reused by another object
        self._names_by_id[id(owner)] = (owner, name)
        return name

    def _items(self, mapping: Any, path: list) -> list:
        return [
            [self.encode(k, path + ["<key>"]), self.encode(v, path + [k])]
            for k, v in mapping.items()
        ]

    def encode(self, obj: Any, path: list) -> Any:
        if obj is None or type(obj) in (bool, int, str):
            return obj
        if type(obj) is float:
            return obj if math.isfinite(obj) else {_TYPE: "float", "value": repr(obj)}
        if isinstance(obj, torch.Tensor):
            return {_TYPE: "tensor", "key": self._add_tensor(obj, path)}
        if isinstance(obj, np.ndarray):
            if obj.dtype == object:
                raise self._unsupported(obj, path)
            tensor = torch.from_numpy(np.ascontiguousarray(obj))
            return {_TYPE: "ndarray", "key": self._add_tensor(tensor, path, owner=obj)}
        if isinstance(obj, np.generic):
            return {
                _TYPE: "numpy_scalar",
                "dtype": obj.dtype.str,
                "value": self.encode(obj.item(), path),
            }
        if type(obj) is list:
            return [self.encode(v, path + [i]) for i, v in enumerate(obj)]
        if type(obj) is tuple:
            return {
                _TYPE: "tuple",
                "items": [self.encode(v, path + [i]) for i, v in enumerate(obj)],
            }
        if isinstance(obj, dict):
            return self._encode_mapping(obj, path)
        if isinstance(obj, _history_buffer_class()):
            return {_TYPE: "HistoryBuffer", "state": self.encode(obj.__getstate__(), path)}
        raise self._unsupported(obj, path)

    def _encode_mapping(self, obj: dict, path: list) -> Any:
        kind = type(obj)
        if kind is OrderedDict:
            out = {_TYPE: "OrderedDict", "items": self._items(obj, path)}
            metadata = getattr(obj, "_metadata", None)
            if metadata is not None:
                out["metadata"] = self.encode(metadata, path + ["_metadata"])
            return out
        if kind is Counter:
            return {_TYPE: "Counter", "items": self._items(obj, path)}
        if kind is _config_dict_class():
            return {_TYPE: "ConfigDict", "items": self._items(obj, path)}
        if kind is not dict:
            raise self._unsupported(obj, path)
        if all(type(k) is str for k in obj) and _TYPE not in obj:
            return {k: self.encode(v, path + [k]) for k, v in obj.items()}
        return {_TYPE: "dict", "items": self._items(obj, path)}

    @staticmethod
    def _unsupported(obj: Any, path: list) -> TypeError:
        where = "/".join(str(p) for p in path) or "<root>"
        return TypeError(
            f"Cannot save {type(obj).__module__}.{type(obj).__qualname__} at key {where!r} "
            "in a safetensors checkpoint: only tensors, numpy arrays and JSON-like values "
            "(dict, OrderedDict, Counter, list, tuple, str, int, float, bool, None, numpy "
            "scalars, HistoryBuffer, ConfigDict) can be stored without pickling. Convert it "
            "to one of those, or save in the default .pth format."
        )


def encode_checkpoint(checkpoint: Any) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """Split ``checkpoint`` into the tensors and the metadata of a safetensors file."""
    encoder = _Encoder()
    skeleton = encoder.encode(checkpoint, [])
    metadata = {
        "format": "pt",
        VERSION_KEY: FORMAT_VERSION,
        SKELETON_KEY: json.dumps(skeleton, separators=(",", ":"), allow_nan=False),
    }
    return encoder.tensors, metadata


def save_safetensors(checkpoint: Any, filename: str) -> None:
    """Write ``checkpoint`` to the local path ``filename`` in the safetensors format."""
    st = _require_safetensors()
    tensors, metadata = encode_checkpoint(checkpoint)
    st.save_file(tensors, filename, metadata=metadata)


def safetensors_bytes(checkpoint: Any) -> bytes:
    """The safetensors serialization of ``checkpoint`` (for storage backends)."""
    st = _require_safetensors()
    tensors, metadata = encode_checkpoint(checkpoint)
    return st.save(tensors, metadata=metadata)


# --------------------------------------------------------------------------
# decoding
# --------------------------------------------------------------------------
class _Decoder:
    def __init__(self, tensors: dict[str, torch.Tensor], source: str) -> None:
        self.tensors = tensors
        self.source = source

    def _tensor(self, key: Any) -> torch.Tensor:
        if key not in self.tensors:
            raise ValueError(
                f"Corrupt safetensors checkpoint {self.source!r}: its metadata refers to "
                f"tensor {key!r}, which the file does not hold."
            )
        return self.tensors[key]

    def _pairs(self, node: dict) -> list:
        return [(self.decode(k), self.decode(v)) for k, v in node["items"]]

    def decode(self, node: Any) -> Any:
        if isinstance(node, list):
            return [self.decode(v) for v in node]
        if not isinstance(node, dict):
            return node
        kind = node.get(_TYPE)
        if kind is None:
            return {k: self.decode(v) for k, v in node.items()}
        if kind == "tensor":
            return self._tensor(node["key"])
        if kind == "ndarray":
            return self._tensor(node["key"]).cpu().numpy()
        if kind == "float":
            return float(node["value"])
        if kind == "numpy_scalar":
            return np.dtype(node["dtype"]).type(self.decode(node["value"]))
        if kind == "tuple":
            return tuple(self.decode(v) for v in node["items"])
        if kind == "dict":
            return dict(self._pairs(node))
        if kind == "Counter":
            return Counter(dict(self._pairs(node)))
        if kind == "OrderedDict":
            out = OrderedDict(self._pairs(node))
            if "metadata" in node:
                out._metadata = self.decode(node["metadata"])  # type: ignore[attr-defined]
            return out
        if kind == "ConfigDict":
            return _config_dict_class()(dict(self._pairs(node)))
        if kind == "HistoryBuffer":
            history_buffer = _history_buffer_class()
            buffer = history_buffer.__new__(history_buffer)
            buffer.__setstate__(self.decode(node["state"]))
            return buffer
        raise ValueError(
            f"Unknown value type {kind!r} in safetensors checkpoint {self.source!r}; it was "
            "written by a newer mmengine or is corrupt."
        )


def _read_metadata(data: Union[bytes, str]) -> dict:
    if isinstance(data, str):
        with open(data, "rb") as f:
            (length,) = struct.unpack("<Q", f.read(8))
            header = f.read(length)
    else:
        (length,) = struct.unpack("<Q", bytes(data[:8]))
        header = bytes(data[8 : 8 + length])
    return json.loads(header).get("__metadata__") or {}


def _target_device(map_location: Any) -> Union[str, torch.device]:
    """Where ``torch.load(map_location=...)`` would put a tensor saved on the CPU."""
    if map_location is None:
        return "cpu"
    if isinstance(map_location, (str, torch.device)):
        return map_location
    if isinstance(map_location, dict):
        return map_location.get("cpu", "cpu")
    if callable(map_location):  # e.g. ``lambda storage, loc: storage``
        moved = map_location(torch.UntypedStorage(0), "cpu")
        return getattr(moved, "device", "cpu")
    raise TypeError(f"Unsupported map_location {map_location!r} for a safetensors checkpoint.")


def load_safetensors(data: Union[bytes, str], map_location: Any = None, source: str = "") -> Any:
    """Read a checkpoint written by :func:`save_safetensors` (from a path or the file's bytes).

    A plain safetensors file (no mmengine metadata, e.g. downloaded weights)
    loads as an ``OrderedDict`` of its tensors. Nothing is unpickled.
    """
    st = _require_safetensors()
    source = source or (data if isinstance(data, str) else "<bytes>")
    device = _target_device(map_location)
    if isinstance(data, str):
        if not osp.isfile(data):
            raise FileNotFoundError(f"{data} can not be found.")
        tensors = st.load_file(data, device=str(device))
    else:
        tensors = {k: v.to(device) for k, v in st.load(bytes(data)).items()}
    metadata = _read_metadata(data)
    skeleton = metadata.get(SKELETON_KEY)
    if skeleton is None:
        return OrderedDict(tensors)
    version = metadata.get(VERSION_KEY, FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise ValueError(
            f"Safetensors checkpoint {source!r} has mmengine format version {version}; this "
            f"mmengine reads version {FORMAT_VERSION}. Upgrade mmengine to load it."
        )
    return _Decoder(tensors, source).decode(json.loads(skeleton))
