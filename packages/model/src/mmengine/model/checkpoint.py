"""Checkpoint IO: load from local paths, URLs, model zoos and storage backends; save atomically.

``mmengine.runner.checkpoint`` is this same module (upstream's import path); it
lives here because :class:`~mmengine.model.PretrainedInit` needs it.

This module defines the user-facing functions and binds every name it has ever
bound, so code that patches a global here (``_load_checkpoint``,
``print_log``, ``load_from_http``, ``get_torchvision_models``, ...) changes
what all checkpoint functions call. The internals live in
:mod:`mmengine.model._checkpoint`, one module per concept: safe unpickling
(:mod:`~mmengine.model._checkpoint.safe_load`), sources and URL schemes
(:mod:`~mmengine.model._checkpoint.sources`), state-dict matching
(:mod:`~mmengine.model._checkpoint.state_dict`), saving
(:mod:`~mmengine.model._checkpoint.saving`) and the safetensors container
(:mod:`~mmengine.model._checkpoint.safetensors_format`).

Loading is *safe by default*: ``torch.load(weights_only=True)`` with an
allow-list of the plain metadata that mmengine-era checkpoints hold (numpy
arrays, dtypes and scalars, ``OrderedDict``, ``HistoryBuffer``,
``ConfigDict``, and the ``getattr(HistoryBuffer, 'min')``-style calls of 0.10
message hubs). A checkpoint that pickles anything else is refused with an
:class:`UnsafeCheckpointError`. For files you trust, pass
``weights_only=False`` to :func:`load_checkpoint` / :func:`_load_checkpoint` /
:meth:`CheckpointLoader.load_checkpoint`, or set the environment variable
``MMENGINE_CHECKPOINT_WEIGHTS_ONLY=0``; torch's ``TORCH_FORCE_WEIGHTS_ONLY_LOAD``
and ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`` are honoured as torch honours them.

Checkpoints may also be saved in the safetensors format
(``save_checkpoint(ckpt, 'epoch_1.safetensors')`` or ``save_format='safetensors'``;
needs ``pip install safetensors``): tensors as tensors, everything else as JSON
metadata, loaded by the same functions without unpickling anything.
"""

from __future__ import annotations

import _compat_pickle  # noqa: F401
import io  # noqa: F401
import json  # noqa: F401
import logging
import os
import os.path as osp
import pickle  # noqa: F401
import pkgutil  # noqa: F401  (upstream binds these names here)
import re
import types  # noqa: F401
import uuid  # noqa: F401
import warnings  # noqa: F401
from collections import OrderedDict, namedtuple  # noqa: F401
from collections.abc import Callable, Iterable, Iterator, Sequence  # noqa: F401
from contextlib import contextmanager  # noqa: F401
from contextvars import ContextVar  # noqa: F401
from importlib import import_module  # noqa: F401
from pathlib import Path
from tempfile import TemporaryDirectory  # noqa: F401
from typing import Any, Dict, Optional, Union  # noqa: F401, UP035
from urllib.parse import urlparse  # noqa: F401

import torch  # noqa: F401  (patched as mmengine.runner.checkpoint.torch)
import torch.nn as nn

from mmengine.dist import get_dist_info
from mmengine.fileio import FileClient, get_file_backend
from mmengine.fileio import load as load_file  # noqa: F401
from mmengine.logging import print_log
from mmengine.utils import apply_to, deprecated_function, digit_version, mkdir_or_exist  # noqa: F401
from mmengine.utils.dl_utils import load_url  # noqa: F401

from ._checkpoint.safe_load import (  # noqa: F401
    _HISTORY_BUFFER_STATISTICS,
    _TORCH_FORCE_SAFE_ENV,
    _TORCH_FORCE_UNSAFE_ENV,
    WEIGHTS_ONLY_ENV,
    Loader,
    UnsafeCheckpointError,
    _allowed_globals_by_name,
    _checkpoint_getattr,
    _describe,
    _describe_pickled_object,
    _is_forbidden_global,
    _refused_getattr,
    _resolve_weights_only,
    _restricted_pickle_module,
    _safe_call,
    _safe_globals,
    _safe_load,
    _supports_safe_load,
    _torch_env_flag,
    _torch_load,
    _warn_forced_unsafe,
    _weights_only_default,
    _weights_only_scope,
    _weights_only_var,
    _without_env,
)
from ._checkpoint.saving import (  # noqa: F401
    SAVE_FORMATS,
    _atomic_torch_save,
    _is_local_backend,
    _save_to_pavi,
    checkpoint_bytes,
    resolve_save_format,
    save_local,
)
from ._checkpoint.sources import (  # noqa: F401
    _ZOO_DIR,
    DEFAULT_CACHE_DIR,
    ENV_MMENGINE_HOME,
    ENV_XDG_CACHE_HOME,
    CheckpointLoader,
    _download_to_cache,
    _get_mmengine_home,
    _load_from_backend,
    _load_zoo_json,
    _process_mmcls_checkpoint,
    get_deprecated_model_names,
    get_external_models,
    get_mmcls_models,
    get_torchvision_models,
    load_from_ceph,
    load_from_http,
    load_from_local,
    load_from_mmcls,
    load_from_openmmlab,
    load_from_pavi,
    load_from_torchvision,
)
from ._checkpoint.state_dict import (  # noqa: F401
    _IncompatibleKeys,
    _save_to_state_dict,
    checkpoint_state_dict,
    get_state_dict,
    load_into_module,
    mismatch_report,
    weights_to_cpu,
)
from .test_time_aug import BaseTTAModel  # noqa: F401
from .wrappers.utils import is_model_wrapper  # noqa: F401

__all__ = [
    "CheckpointLoader",
    "UnsafeCheckpointError",
    "find_latest_checkpoint",
    "get_deprecated_model_names",
    "get_external_models",
    "get_mmcls_models",
    "get_state_dict",
    "get_torchvision_models",
    "load_checkpoint",
    "load_state_dict",
    "save_checkpoint",
    "weights_to_cpu",
]


def _load_checkpoint(
    filename: str,
    map_location: Any = None,
    logger: Any = None,
    *,
    weights_only: Optional[bool] = None,
) -> Union[dict, OrderedDict]:
    """Load checkpoint from somewhere (modelzoo, file, url).

    Args:
        filename (str): Accept local filepath, URL, ``torchvision://xxx``,
            ``open-mmlab://xxx``.
        map_location (str, optional): Same as :func:`torch.load`.
        logger (:mod:`logging.Logger`, optional): The logger for error message.
        weights_only (bool, optional): See :meth:`CheckpointLoader.load_checkpoint`.

    Returns:
        dict or OrderedDict: The loaded checkpoint. It can be either an
        OrderedDict storing model weights or a dict containing other
        information, which depends on the checkpoint.
    """
    return CheckpointLoader.load_checkpoint(
        filename, map_location, logger, weights_only=weights_only
    )


def _load_checkpoint_with_prefix(
    prefix: str,
    filename: str,
    map_location: Any = None,
    *,
    weights_only: Optional[bool] = None,
) -> dict:
    """Load partial pretrained model with specific prefix.

    Args:
        prefix (str): The prefix of sub-module.
        filename (str): Accept local filepath, URL, ``torchvision://xxx``,
            ``open-mmlab://xxx``.
        map_location (str | None): Same as :func:`torch.load`.
        weights_only (bool, optional): See :meth:`CheckpointLoader.load_checkpoint`.

    Returns:
        dict: The state dict of the sub-module, with ``prefix`` stripped.
    """
    checkpoint = _load_checkpoint(filename, map_location=map_location, weights_only=weights_only)
    state_dict = checkpoint["state_dict"] if "state_dict" in checkpoint else checkpoint
    if not prefix.endswith("."):
        prefix += "."
    prefix_len = len(prefix)
    state_dict_with_prefix = {
        k[prefix_len:]: v for k, v in state_dict.items() if k.startswith(prefix)
    }
    if not state_dict_with_prefix:
        raise AssertionError(
            f"{prefix} is not in the pretrained model {filename}: no key of its state dict "
            f"starts with {prefix!r}. {_key_prefix_summary(state_dict)} Set `prefix` to one "
            "of those (without it, the whole checkpoint is loaded)."
        )
    return state_dict_with_prefix


def _key_prefix_summary(state_dict: Any) -> str:
    """One sentence on what the keys of ``state_dict`` start with (for error messages)."""
    keys = [k for k in state_dict if isinstance(k, str)] if hasattr(state_dict, "keys") else []
    if not keys:
        return "Its state dict has no keys."
    firsts: dict[str, None] = {}
    for key in keys:
        firsts.setdefault(key.split(".", 1)[0] + ("." if "." in key else ""), None)
    shown = ", ".join(repr(p) for p in list(firsts)[:10])
    more = f" and {len(firsts) - 10} more" if len(firsts) > 10 else ""
    return f"Its {len(keys)} keys start with {shown}{more}."


class StateDictTypeError(AttributeError, TypeError):
    """What should be a state dict is not a mapping (an AttributeError as in 0.10, where
    ``.copy()``/``.items()`` failed, and a TypeError)."""


class RegexError(re.error):
    """A ``revise_keys`` pattern or replacement that ``re`` rejects (``re.error`` as in 0.10)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def _check_state_dict(state_dict: Any, what: str, attribute: str = "items") -> None:
    if not hasattr(state_dict, "items") or not hasattr(state_dict, "keys"):
        raise StateDictTypeError(
            f"{type(state_dict).__name__!r} object has no attribute {attribute!r}: {what} must be a "
            "state dict (a dict mapping parameter names to tensors, e.g. model.state_dict()), "
            f"but got {type(state_dict).__name__}."
        )


def _check_revise_keys(revise_keys: Any) -> list:
    """``revise_keys`` as a list of compiled ``(pattern, replacement)`` pairs, or a clear error."""
    example = "[(r'^module\\.', '')]"
    if isinstance(revise_keys, (str, bytes)) or not isinstance(revise_keys, Iterable):
        error = TypeError if not isinstance(revise_keys, (str, bytes)) else ValueError
        raise error(
            f"revise_keys must be a list of (pattern, replacement) pairs such as {example}, "
            f"but got {type(revise_keys).__name__} {revise_keys!r}. Pass [] to keep the keys "
            "as they are."
        )
    pairs = list(revise_keys)
    compiled = []
    for index, pair in enumerate(pairs):
        if isinstance(pair, (str, bytes)) or not isinstance(pair, Sequence) or len(pair) != 2:
            hint = (
                f" It looks like one pair without its list: write [{tuple(pairs)!r}]."
                if len(pairs) == 2 and all(isinstance(p, str) for p in pairs)
                else ""
            )
            raise ValueError(
                f"revise_keys must be a list of (pattern, replacement) pairs such as {example}, "
                f"but item {index} is {pair!r}.{hint}"
            )
        pattern, replacement = pair
        try:
            regex = re.compile(pattern)
        except re.error as exc:
            raise RegexError(
                f"{exc}: the pattern of revise_keys item {index} ({pattern!r}, "
                f"{replacement!r}) is not a valid regular expression (escape literal dots and "
                "brackets, e.g. r'^module\\.')."
            ) from exc
        except TypeError as exc:
            raise TypeError(
                f"{exc}: the pattern of revise_keys item {index} ({pattern!r}, "
                f"{replacement!r}) must be a str."
            ) from exc
        compiled.append((regex, replacement))
    return compiled


def load_state_dict(
    module: nn.Module, state_dict: dict, strict: bool = False, logger: Any = None
) -> None:
    """Load state_dict to a module.

    This method is modified from :meth:`torch.nn.Module.load_state_dict`.
    Default value for ``strict`` is set to ``False`` and the message for
    param mismatch will be shown even if strict is False. Model wrappers
    (DDP, ...) nested anywhere in the module tree are looked through.

    Args:
        module (Module): Module that receives the state_dict.
        state_dict (OrderedDict): Weights.
        strict (bool): whether to strictly enforce that the keys
            in :attr:`state_dict` match the keys returned by this module's
            :meth:`~torch.nn.Module.state_dict` function. Defaults to False.
        logger (:obj:`logging.Logger` or str, optional): Logger to log the
            error message. If not specified, print function will be used.

    Raises:
        RuntimeError: If ``strict`` and the keys or shapes do not match.
    """
    if not isinstance(module, nn.Module):
        raise StateDictTypeError(
            f"{type(module).__name__!r} object has no attribute '_load_from_state_dict': "
            f"the weights are loaded into an nn.Module, but got {type(module).__name__} "
            f"{module!r:.80}; build the model first."
        )
    _check_state_dict(state_dict, "the state_dict given to load_state_dict", "copy")
    missing_keys, unexpected_keys, err_msg = load_into_module(module, state_dict)
    message = mismatch_report(missing_keys, unexpected_keys, err_msg)
    if message is None:
        return
    if missing_keys and unexpected_keys and len(unexpected_keys) == len(state_dict):
        message += _nothing_loaded_hint(unexpected_keys, missing_keys)
    if strict:
        raise RuntimeError(message)
    rank, _ = get_dist_info()
    if rank == 0:
        print_log(message, logger=logger, level=logging.WARNING)


def _nothing_loaded_hint(unexpected_keys: list, missing_keys: list) -> str:
    """What to do when no key of the source matched the model (a prefix is the usual cause)."""
    hint = (
        "\nNothing was loaded: no key of the source state_dict matches the model "
        f"(the source has e.g. {unexpected_keys[0]!r}, the model expects e.g. "
        f"{missing_keys[0]!r})."
    )
    missing = set(missing_keys)
    for source in unexpected_keys[:50]:
        for target in missing_keys[:50]:
            if source.endswith("." + target):
                extra = source[: -len(target)]
                if sum(k.startswith(extra) and k[len(extra) :] in missing for k in unexpected_keys):
                    return hint + (
                        f" The source keys have an extra prefix {extra!r}: strip it with "
                        f"load_checkpoint(..., revise_keys=[(r'^{re.escape(extra)}', '')]) (or, "
                        "in an init_cfg, "
                        f"dict(type='Pretrained', checkpoint=..., prefix={extra!r}))."
                    )
            if target.endswith("." + source):
                lacking = target[: -len(source)]
                if sum(lacking + k in missing for k in unexpected_keys):
                    return hint + (
                        f" The model's keys have a prefix {lacking!r} the source lacks: "
                        f"add it with load_checkpoint(..., revise_keys=[(r'^', {lacking!r})]) or "
                        "load the weights into that sub-module."
                    )
    return hint


def _load_checkpoint_to_model(
    model: nn.Module,
    checkpoint: dict,
    strict: bool = False,
    logger: Any = None,
    revise_keys: Sequence = ((r"^module\.", ""),),
) -> dict:
    """Load the ``state_dict`` of a loaded checkpoint (or the checkpoint itself) into ``model``.

    Args:
        model (Module): Module to load checkpoint.
        checkpoint (dict): The loaded checkpoint.
        strict (bool): Whether to allow different params for the model and
            checkpoint.
        logger (:mod:`logging.Logger` or None): The logger for error message.
        revise_keys (list): A list of customized keywords to modify the
            state_dict in checkpoint. Each item is a (pattern, replacement)
            pair of the regular expression operations.

    Returns:
        dict: ``checkpoint``.
    """
    state_dict = checkpoint["state_dict"] if "state_dict" in checkpoint else checkpoint
    _check_state_dict(state_dict, "checkpoint['state_dict']")
    metadata = getattr(state_dict, "_metadata", OrderedDict())
    for regex, replacement in _check_revise_keys(revise_keys):
        try:
            state_dict = OrderedDict((regex.sub(replacement, k), v) for k, v in state_dict.items())
        except re.error as exc:
            raise RegexError(
                f"{exc}: the replacement {replacement!r} of revise_keys pattern "
                f"{regex.pattern!r} is invalid (groups are numbered from 1 in the pattern; "
                "write a literal backslash as r'\\\\')."
            ) from exc
    state_dict._metadata = metadata  # type: ignore[attr-defined]
    load_state_dict(model, state_dict, strict, logger)
    return checkpoint


def load_checkpoint(
    model: nn.Module,
    filename: str,
    map_location: Any = None,
    strict: bool = False,
    logger: Any = None,
    revise_keys: Sequence = [(r"^module\.", "")],  # noqa: B006
    *,
    weights_only: Optional[bool] = None,
) -> Union[dict, OrderedDict]:
    """Load checkpoint from a file or URI.

    Args:
        model (Module): Module to load checkpoint.
        filename (str): Accept local filepath, URL, ``torchvision://xxx``,
            ``open-mmlab://xxx``. Please refer to ``docs/model_zoo.md`` for
            details.
        map_location (str): Same as :func:`torch.load`.
        strict (bool): Whether to allow different params for the model and
            checkpoint.
        logger (:mod:`logging.Logger` or None): The logger for error message.
        revise_keys (list): A list of customized keywords to modify the
            state_dict in checkpoint. Each item is a (pattern, replacement)
            pair of the regular expression operations. Defaults to strip
            the prefix 'module.' by [(r'^module\\.', '')].
        weights_only (bool, optional): See :meth:`CheckpointLoader.load_checkpoint`.

    Returns:
        dict or OrderedDict: The loaded checkpoint.
    """
    checkpoint = _load_checkpoint(filename, map_location, logger, weights_only=weights_only)
    if not isinstance(checkpoint, dict):
        raise RuntimeError(f"No state_dict found in checkpoint file {filename}")
    return _load_checkpoint_to_model(model, checkpoint, strict, logger, revise_keys)


def save_checkpoint(
    checkpoint: dict,
    filename: Union[str, Path],
    file_client_args: Optional[dict] = None,
    backend_args: Optional[dict] = None,
    *,
    save_format: Optional[str] = None,
) -> None:
    """Save checkpoint to file.

    Local files are written atomically: the checkpoint is streamed into a
    temporary file in the same directory which then replaces ``filename``, so
    an interrupted save never corrupts an existing checkpoint. Other backends
    receive the serialized bytes through ``put``.

    Args:
        checkpoint (dict): Module whose params are to be saved.
        filename (str): Checkpoint filename.
        file_client_args (dict, optional): Arguments to instantiate a
            FileClient. See :class:`mmengine.fileio.FileClient` for details.
            Defaults to None. It will be deprecated in future. Please use
            `backend_args` instead.
        backend_args (dict, optional): Arguments to instantiate the
            prefix of uri corresponding backend. Defaults to None.
            New in v0.2.0.
        save_format (str, optional): ``'pth'`` (``torch.save``) or
            ``'safetensors'`` (tensors in a safetensors file, everything else
            as JSON metadata in it; loadable without unpickling, needs
            ``pip install safetensors``). Defaults to None: ``'safetensors'``
            when ``filename`` ends with ``.safetensors``, else ``'pth'``.
    """
    filename = os.fspath(filename)
    save_format = resolve_save_format(filename, save_format)
    if file_client_args is not None:
        print_log(
            '"file_client_args" will be deprecated in future. Please use "backend_args" instead',
            logger="current",
            level=logging.WARNING,
        )
        if backend_args is not None:
            raise ValueError(
                '"file_client_args" and "backend_args" cannot be set at the same time.'
            )

    if filename.startswith("pavi://"):
        if file_client_args is not None or backend_args is not None:
            raise ValueError(
                '"file_client_args" or "backend_args" should be "None" if filename starts '
                f'with "pavi://", but got file_client_args={file_client_args} and '
                f"backend_args={backend_args}"
            )
        if save_format != "pth":
            raise ValueError(f"pavi:// only stores .pth checkpoints, not {save_format}: {filename}")
        _save_to_pavi(checkpoint, filename)
        return

    if (
        "://" not in filename
        and file_client_args is None
        and (backend_args is None or backend_args.get("backend", "local") == "local")
    ):
        save_local(checkpoint, filename, save_format)
        return

    if file_client_args is not None:
        file_backend: Any = FileClient.infer_client(file_client_args, filename)
    else:
        file_backend = get_file_backend(filename, backend_args=backend_args)
    if _is_local_backend(file_backend) or _is_local_backend(getattr(file_backend, "client", None)):
        save_local(checkpoint, filename, save_format)
        return
    file_backend.put(checkpoint_bytes(checkpoint, save_format), filename)


def find_latest_checkpoint(path: str) -> Optional[str]:
    """Find the latest checkpoint from the given path.

    Reads the ``last_checkpoint`` file that the runner writes in ``path``.

    Args:
        path(str): The path to find checkpoints.

    Returns:
        str or None: File path of the latest checkpoint.
    """
    save_file = osp.join(path, "last_checkpoint")
    if not os.path.exists(save_file):
        # 0.10 prints this (no logger): it is on stdout, not in the run's log file
        print_log("Did not find last_checkpoint to be resumed.")
        return None
    with open(save_file, encoding="utf-8") as f:
        last_saved = f.read().strip()
    return last_saved or None
