"""Argument checks of :class:`~mmengine.infer.BaseInferencer` and the errors they raise.

Each error class derives from every builtin class upstream MMEngine 0.10 raises for the same
mistake (sometimes much later, from deep inside torch), so ``except``/``pytest.raises``
written against upstream still catch it; it is shown and named as upstream's class.
"""

from __future__ import annotations

import os
import os.path as osp
from collections.abc import Iterator, Mapping
from typing import Any

import torch

from mmengine.config.parsing import add_note
from mmengine.config.utils import suggest_names
from mmengine.utils._builtin_names import PlainMessage, show_as_builtins
from mmengine.utils._messages import short_repr  # noqa: F401  (here and for the modules importing it from here)

__all__ = [
    "add_note",
    "short_repr",
    "check_batch_size",
    "check_device",
    "check_scope",
    "check_weights",
    "model_path_hint",
    "checkpoint_suffix",
    "CONFIG_SUFFIXES",
    "NoModelError",
    "UnknownScopeError",
    "NoMetafileError",
]

CONFIG_SUFFIXES = (".py", ".yml", ".yaml", ".json")
_PLUGIN_DEVICES = ("npu", "mlu", "musa", "dipu", "xla", "hpu")
_CHECKPOINT_SUFFIXES = (".pth", ".pt", ".ckpt", ".bin", ".safetensors", ".pkl", ".tar")


class NoModelError(PlainMessage, AttributeError, KeyError):
    """The config has no ``model`` (0.10: ``AttributeError`` from ``cfg.model``)."""


class BatchSizeError(PlainMessage, IndexError, ValueError):
    """``batch_size < 1`` (0.10: ``IndexError`` from collating an empty chunk)."""


class DeviceError(RuntimeError, AssertionError):
    """An unknown or unavailable device (0.10: ``RuntimeError`` from torch, or its
    ``AssertionError`` 'Torch not compiled with CUDA enabled')."""


class ScopeTypeError(TypeError, AssertionError):
    """``scope`` that is not a string (0.10: ``AssertionError`` from ``DefaultScope``)."""


class UnknownScopeError(PlainMessage, AssertionError, KeyError):
    """A scope that 0.10 does not list and that cannot be imported (0.10: ``AssertionError``)."""


class NoMetafileError(AssertionError, FileNotFoundError):
    """A scope that 0.10 does not list and whose package ships no metafiles."""


show_as_builtins(
    (NoModelError, "AttributeError"),
    (BatchSizeError, "IndexError"),
    (DeviceError, "RuntimeError"),
    (ScopeTypeError, "AssertionError"),
    (UnknownScopeError, "AssertionError"),
    (NoMetafileError, "AssertionError"),
)


def check_batch_size(batch_size: Any, owner: str) -> None:
    """Raise unless ``batch_size`` is an integer >= 1 (``True`` counts as 1, as in 0.10).

    Raises:
        TypeError: If it is not an integer (0.10 fails with ``TypeError`` in ``range``).
        IndexError: If it is below 1 (0.10 fails collating an empty chunk); also a
            ``ValueError``.
    """
    try:
        value = batch_size.__index__()
    except (AttributeError, TypeError):
        hint = ""
        if isinstance(batch_size, float) and batch_size.is_integer():
            hint = f" Write batch_size={int(batch_size)}."
        elif isinstance(batch_size, str) and batch_size.strip().isdigit():
            hint = f" Write batch_size={int(batch_size)} (a number, not a string)."
        raise TypeError(
            f"'{type(batch_size).__name__}' object cannot be interpreted as an integer: "
            f"`batch_size` of {owner} must be a positive integer (the number of inputs per "
            f"forward pass), but got {batch_size!r}.{hint}"
        ) from None
    if value < 1:
        raise BatchSizeError(
            f"batch_size must be a positive integer, but got {batch_size!r}: `batch_size` of "
            f"{owner} is the number of inputs per forward pass; use 1 or more."
        )


def check_device(device: Any, owner: str) -> None:
    """Check, before anything is built or loaded, that ``device`` names a usable device.

    Raises:
        RuntimeError: If ``device`` is not a device string torch knows, or names a CUDA
            device index this machine does not have, or a backend that is not available
            (also an ``AssertionError``, as torch builds without CUDA raise).
    """
    if isinstance(device, str) and device.split(":")[0] in _PLUGIN_DEVICES:
        return  # registered by their torch plugins (torch_npu, torch_mlu, ...) when imported
    try:
        parsed = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        hint = ""
        if isinstance(device, str):
            low = device.strip().lower()
            aliases = {"gpu": "cuda", "cuda0": "cuda:0", "nvidia": "cuda", "cpu0": "cpu"}
            if low.startswith("gpu:") and low[4:].isdigit():
                hint = f" Did you mean 'cuda:{low[4:]}'?"
            elif low in aliases:
                hint = f" Did you mean {aliases[low]!r}?"
            elif low != device:
                try:
                    torch.device(low)
                    hint = f" Did you mean {low!r}? (device names are lower case)"
                except RuntimeError:
                    pass
        raise DeviceError(
            f"{exc}. `device={device!r}` of {owner} is not a torch device; use e.g. 'cpu', "
            f"'cuda' or 'cuda:0', or leave device=None to use the available one.{hint}"
        ) from exc
    if parsed.type == "cuda":
        if not torch.cuda.is_available():
            raise DeviceError(
                f"`device={device!r}` of {owner} needs CUDA, but torch.cuda.is_available() is "
                "False on this machine (no GPU, no driver, or a CPU-only torch build); use "
                "device='cpu', or leave device=None to use the available device."
            )
        count = torch.cuda.device_count()
        if parsed.index is not None and parsed.index >= count:
            raise DeviceError(
                f"CUDA error: invalid device ordinal. `device={device!r}` of {owner} names GPU "
                f"{parsed.index}, but this machine has {count} visible GPU(s) (cuda:0 to "
                f"cuda:{count - 1}; CUDA_VISIBLE_DEVICES={os.environ.get('CUDA_VISIBLE_DEVICES')!r})."
            )
    elif parsed.type == "mps":
        mps = getattr(torch.backends, "mps", None)
        if mps is None or not mps.is_available():
            raise DeviceError(
                f"`device={device!r}` of {owner} needs Apple's MPS backend, which this torch "
                "build or machine does not provide; use device='cpu', or leave device=None."
            )


def check_scope(scope: Any, owner: str) -> None:
    """Raise unless ``scope`` is None or a string."""
    if scope is not None and not isinstance(scope, str):
        raise ScopeTypeError(
            f"scope should be a string, but got {scope!r}: `scope` of {owner} is the name of "
            "the package whose registries build the model (e.g. scope='mmdet'), or None for "
            "the current default scope."
        )


def check_weights(weights: Any, owner: str) -> Any:
    """Return ``weights`` as a string path (a path-like is converted), or raise ``TypeError``."""
    if weights is None or isinstance(weights, str):
        return weights
    if isinstance(weights, os.PathLike):
        return os.fspath(weights)
    if isinstance(weights, Mapping):
        raise TypeError(
            f"expected str, bytes or os.PathLike object, not {type(weights).__name__}: "
            f"`weights` of {owner} is the path or URL of a checkpoint file, not a state dict; "
            "save it with torch.save and pass the path, or load it into `inferencer.model` "
            "with model.load_state_dict()."
        )
    raise TypeError(
        f"expected str, bytes or os.PathLike object, not {type(weights).__name__}: `weights` "
        f"of {owner} is the path or URL of a checkpoint file, but got {short_repr(weights)}."
    )


def checkpoint_suffix(path: str) -> str:
    """The suffix of ``path`` when it is one of checkpoint files (``''`` otherwise)."""
    suffix = osp.splitext(path)[1].lower()
    return suffix if suffix in _CHECKPOINT_SUFFIXES else ""


def model_path_hint(model: str) -> str:
    """Extra explanation for a ``model`` string that is not an existing config file.

    Returns ``''`` when ``model`` looks like a metafile model name (no path separator, no
    config suffix), else a sentence saying what is at that path.
    """
    if osp.isdir(model):
        configs = sorted(
            name for name in os.listdir(model) if osp.splitext(name)[1] in CONFIG_SUFFIXES
        )[:5]
        listed = f" (it holds {', '.join(configs)})" if configs else ""
        return (
            f" {model!r} is a directory{listed}: pass the config file itself, e.g. "
            f"{osp.join(model, configs[0] if configs else 'my_config.py')!r}."
        )
    looks_like_path = (
        "/" in model or os.sep in model or osp.splitext(model)[1].lower() in CONFIG_SUFFIXES
    )
    if not looks_like_path:
        return ""
    parent = osp.dirname(osp.abspath(model))
    if osp.isdir(parent):
        extra = ""
        close = suggest_names(
            osp.basename(model),
            [n for n in os.listdir(parent) if osp.splitext(n)[1] in CONFIG_SUFFIXES],
        )
    else:
        extra, close = f"; the folder {osp.dirname(model)!r} does not exist either", ""
    return (
        f" No config file exists at {model!r} (relative paths start from the working "
        f"directory {os.getcwd()!r}){extra}.{close}"
    )


def iterator_hint(item: Any) -> str:
    """A note for an input that is an iterator: it is taken as one input."""
    if isinstance(item, Iterator) and not isinstance(item, (str, bytes)):
        return (
            " A generator or iterator is taken as ONE input; pass list(...) of the inputs instead."
        )
    return ""


def unloaded_parameters_warning(model: Any, checkpoint: dict, source: str) -> str:
    """A warning text when parameters of ``model`` were not in ``checkpoint`` (``''`` if all
    were there with their shapes).

    The checkpoint's keys are compared as ``_load_checkpoint_to_model`` loads them (a leading
    ``module.`` dropped).
    """
    state = checkpoint.get("state_dict", checkpoint)
    if not isinstance(state, Mapping):
        return ""
    keys = {(k[len("module.") :] if k.startswith("module.") else k): v for k, v in state.items()}
    missing, mismatched, total = [], [], 0
    for name, param in model.named_parameters():
        total += 1
        value = keys.get(name)
        if value is None:
            missing.append(name)
        elif hasattr(value, "shape") and tuple(value.shape) != tuple(param.shape):
            mismatched.append(
                f"{name} {tuple(value.shape)} in the checkpoint vs {tuple(param.shape)}"
            )
    bad = len(missing) + len(mismatched)
    if not bad:
        return ""
    parts = []
    if missing:
        shown = ", ".join(missing[:3]) + (", ..." if len(missing) > 3 else "")
        parts.append(f"{len(missing)} not in it ({shown})")
    if mismatched:
        shown = "; ".join(mismatched[:3]) + ("; ..." if len(mismatched) > 3 else "")
        parts.append(f"{len(mismatched)} with another shape ({shown})")
    verb = "were loaded" if bad == total else "were not loaded"
    head = f"None of the {total}" if bad == total else f"{bad} of the {total}"
    tail = (
        " The checkpoint is probably of another model: check that it belongs to the model "
        "of this config."
        if bad == total
        else " Check that the checkpoint belongs to the model of this config."
    )
    return (
        f"{head} parameters of {type(model).__name__} {verb} from the checkpoint {source}: "
        f"{' and '.join(parts)}. They keep their random initialisation, so the predictions "
        f"are not those of a trained model.{tail}"
    )
