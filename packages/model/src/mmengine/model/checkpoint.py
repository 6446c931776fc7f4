"""Checkpoint IO: load from local paths, URLs, model zoos and storage backends; atomic saving.

This module is re-exported by ``mmengine.runner.checkpoint``; it lives here
because :class:`~mmengine.model.PretrainedInit` needs it.

Loading is *safe by default*: ``torch.load(weights_only=True)`` with an
allow-list of the plain metadata that mmengine-era checkpoints hold (numpy
arrays, dtypes and scalars, ``OrderedDict``, ``HistoryBuffer``,
``ConfigDict``). A checkpoint that pickles anything else is refused with an
:class:`UnsafeCheckpointError`. For files you trust, pass
``weights_only=False`` to :func:`load_checkpoint` / :func:`_load_checkpoint` /
:meth:`CheckpointLoader.load_checkpoint`, or set the environment variable
``MMENGINE_CHECKPOINT_WEIGHTS_ONLY=0``.
"""

from __future__ import annotations

import _compat_pickle
import io
import json
import logging
import os
import os.path as osp
import pickle
import re
import types
import uuid
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any, Optional, Union
from urllib.parse import urlparse

import torch
import torch.nn as nn

from mmengine.dist import get_dist_info
from mmengine.fileio import FileClient, get_file_backend
from mmengine.logging import print_log

from .wrappers.utils import is_model_wrapper

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

WEIGHTS_ONLY_ENV = "MMENGINE_CHECKPOINT_WEIGHTS_ONLY"
DEFAULT_CACHE_DIR = "~/.cache"
ENV_MMENGINE_HOME = "MMENGINE_HOME"
ENV_XDG_CACHE_HOME = "XDG_CACHE_HOME"
_ZOO_DIR = osp.join(osp.dirname(osp.abspath(__file__)), "model_zoo")

# Per-call override of the weights_only policy, visible to the built-in
# loaders without changing the ``loader(filename, map_location)`` protocol.
_weights_only_var: ContextVar[Optional[bool]] = ContextVar("mmengine_weights_only", default=None)


class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint could not be loaded with ``weights_only=True``.

    Raised when the file pickles a global that is not on the allow-list.
    """


# --------------------------------------------------------------------------
# safe loading
# --------------------------------------------------------------------------
_TORCH_FORCE_SAFE_ENV = "TORCH_FORCE_WEIGHTS_ONLY_LOAD"
_TORCH_FORCE_UNSAFE_ENV = "TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"


def _torch_env_flag(name: str) -> bool:
    """Whether ``name`` is set the way torch reads its own switches (1/y/yes/true)."""
    return os.environ.get(name, "").strip().lower() in ("1", "y", "yes", "true")


def _weights_only_default() -> Optional[bool]:
    """``MMENGINE_CHECKPOINT_WEIGHTS_ONLY`` as a bool, or None when it is unset/empty."""
    value = os.environ.get(WEIGHTS_ONLY_ENV)
    if value is None or value.strip() == "":
        return None
    return value.strip().lower() not in ("0", "false", "no", "off")


def _resolve_weights_only(weights_only: Optional[bool]) -> tuple[bool, bool]:
    """Decide whether a load is restricted; returns ``(weights_only, forced_off_by_torch_env)``.

    Precedence, highest first:

    1. ``TORCH_FORCE_WEIGHTS_ONLY_LOAD`` (torch's switch; it overrides even an
       explicit ``weights_only=False`` in ``torch.load`` itself, so it does here).
       Setting it together with ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`` is an error,
       as in torch.
    2. The caller's explicit ``weights_only`` (argument or the scope opened by
       :meth:`CheckpointLoader.load_checkpoint`).
    3. ``MMENGINE_CHECKPOINT_WEIGHTS_ONLY``.
    4. ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`` (the caller must then warn).
    5. The default: True.
    """
    force_safe = _torch_env_flag(_TORCH_FORCE_SAFE_ENV)
    if force_safe and _torch_env_flag(_TORCH_FORCE_UNSAFE_ENV):
        raise RuntimeError(
            f"Only one of `{_TORCH_FORCE_SAFE_ENV}` or `{_TORCH_FORCE_UNSAFE_ENV}` should be "
            "set, but both were set. Unset one of these environment variables to choose "
            "between the restricted (weights_only=True) and the full unpickler."
        )
    if force_safe:
        return True, False
    if weights_only is None:
        weights_only = _weights_only_var.get()
    if weights_only is not None:
        return bool(weights_only), False
    from_env = _weights_only_default()
    if from_env is not None:
        return from_env, False
    if _torch_env_flag(_TORCH_FORCE_UNSAFE_ENV):
        return False, True
    return True, False


def _warn_forced_unsafe(source: str) -> None:
    message = (
        f"Environment variable {_TORCH_FORCE_UNSAFE_ENV} detected, since the"
        "`weights_only` argument was not explicitly passed to `torch.load`, forcing "
        f"weights_only=False. Loading checkpoint {source!r} with the full unpickler, which "
        "can run arbitrary code: only do this for files you trust."
    )
    warnings.warn(message, UserWarning, stacklevel=4)
    print_log(message, logger="current", level=logging.WARNING)


@contextmanager
def _weights_only_scope(weights_only: Optional[bool]) -> Iterator[None]:
    if weights_only is None:
        yield
        return
    token = _weights_only_var.set(bool(weights_only))
    try:
        yield
    finally:
        _weights_only_var.reset(token)


# ``HistoryBuffer`` pickles its statistics methods (``_statistics_methods``) as
# ``getattr(HistoryBuffer, '<name>')`` (protocol 2), so every mmengine 0.10 training
# checkpoint holds the global ``builtins.getattr``. Unpickling resolves that name to
# this guard, which allows exactly those calls.
_HISTORY_BUFFER_STATISTICS = frozenset({"min", "max", "mean", "current"})
_refused_getattr: ContextVar[Optional[str]] = ContextVar("mmengine_refused_getattr", default=None)


def _describe_pickled_object(obj: Any) -> str:
    if isinstance(obj, type):
        return f"{obj.__module__}.{obj.__qualname__}"
    if isinstance(obj, types.ModuleType):
        return f"module {obj.__name__}"
    return f"a {type(obj).__qualname__} object"


def _checkpoint_getattr(obj: Any, name: Any, *default: Any) -> Any:
    """What ``builtins.getattr`` resolves to while a checkpoint is unpickled safely.

    Only ``getattr(HistoryBuffer, name)`` for ``name`` in ``min``, ``max``,
    ``mean`` and ``current`` (the statistics methods mmengine 0.10 checkpoints
    pickle this way) is performed; any other call raises
    :class:`UnsafeCheckpointError` without touching ``obj``.
    """
    try:
        from mmengine.logging.history_buffer import HistoryBuffer
    except ImportError:  # pragma: no cover - mmengine.logging is a dependency
        HistoryBuffer = None  # noqa: N806
    if (
        not default
        and HistoryBuffer is not None
        and obj is HistoryBuffer
        and isinstance(name, str)
        and name in _HISTORY_BUFFER_STATISTICS
    ):
        return getattr(HistoryBuffer, name)
    call = f"getattr({_describe_pickled_object(obj)}, {name!r}{', ...' if default else ''})"
    _refused_getattr.set(call)
    raise UnsafeCheckpointError(
        f"Unsupported getattr call: the checkpoint pickles {call}; only getattr(HistoryBuffer, "
        "'min'|'max'|'mean'|'current') is allowed."
    )


def _safe_globals() -> list:
    """The allow-list for ``weights_only`` loading of mmengine-era checkpoints."""
    import datetime
    import pathlib
    from collections import defaultdict

    import numpy as np

    # plain containers/values that appear in mmengine checkpoint metadata
    allowed: list = [OrderedDict, defaultdict, frozenset, slice, range, np.ndarray, np.dtype]
    allowed += [datetime.datetime, datetime.date, datetime.time, datetime.timedelta]
    allowed += [pathlib.PurePosixPath, pathlib.PosixPath, pathlib.PureWindowsPath]
    dtypes_mod = getattr(np, "dtypes", None)
    if dtypes_mod is not None:
        allowed += [
            obj
            for obj in vars(dtypes_mod).values()
            if isinstance(obj, type) and issubclass(obj, np.dtype)
        ]
    multiarray = getattr(getattr(np, "_core", None), "multiarray", None)
    if multiarray is None:  # numpy < 2
        multiarray = np.core.multiarray
    for name in ("_reconstruct", "scalar"):
        fn = getattr(multiarray, name)
        # Files written under numpy 1.x and 2.x name these differently.
        allowed.append((fn, f"numpy.core.multiarray.{name}"))
        allowed.append((fn, f"numpy._core.multiarray.{name}"))
    try:
        from mmengine.logging.history_buffer import HistoryBuffer

        allowed.append(HistoryBuffer)
    except ImportError:
        pass
    allowed.append((_checkpoint_getattr, "builtins.getattr"))
    try:
        from mmengine.config import ConfigDict

        allowed.append(ConfigDict)
    except ImportError:
        pass
    return allowed


def _supports_safe_load() -> bool:
    return hasattr(torch.serialization, "safe_globals")


def _describe(source: Any) -> str:
    return source if isinstance(source, str) else type(source).__name__


def _allowed_globals_by_name() -> dict[str, Any]:
    """Name -> object map of torch's own safe globals, the user's and mmengine's."""
    allowed: dict[str, Any] = {}
    wo = getattr(torch, "_weights_only_unpickler", None)
    for getter in ("_get_allowed_globals", "_get_user_allowed_globals"):
        fn = getattr(wo, getter, None)
        if fn is not None:
            allowed.update(fn())
    for item in _safe_globals():
        if isinstance(item, tuple):
            allowed[item[1]] = item[0]
        else:
            allowed[f"{item.__module__}.{item.__qualname__}"] = item
    return allowed


def _restricted_pickle_module() -> types.ModuleType:
    """A ``pickle_module`` for ``torch.load`` whose unpickler resolves only allow-listed globals.

    Used when torch's own ``weights_only`` unpickler rejects a checkpoint for a
    structural reason rather than a forbidden global (for example a ``dict``
    subclass such as ``ConfigDict``, which it cannot fill). Restricting
    ``find_class`` is the mechanism the :mod:`pickle` documentation recommends
    for untrusted data: nothing outside the allow-list can be imported or called.
    """
    allowed = _allowed_globals_by_name()

    class RestrictedUnpickler(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            # Python 2 era names written by protocol-2 pickles (pickle's fix_imports)
            if (module, name) in _compat_pickle.NAME_MAPPING:
                module, name = _compat_pickle.NAME_MAPPING[(module, name)]
            elif module in _compat_pickle.IMPORT_MAPPING:
                module = _compat_pickle.IMPORT_MAPPING[module]
            key = f"{module}.{name}"
            if key in allowed:
                return allowed[key]
            raise pickle.UnpicklingError(
                f"Unsupported global: GLOBAL {key} was not an allowed global."
            )

    def load(file: Any, **kwargs: Any) -> Any:
        return RestrictedUnpickler(file, **kwargs).load()

    module = types.ModuleType("mmengine_restricted_pickle")
    module.Unpickler = RestrictedUnpickler  # type: ignore[attr-defined]
    module.load = load  # type: ignore[attr-defined]
    module.__dict__.update(
        {k: getattr(pickle, k) for k in ("UnpicklingError", "HIGHEST_PROTOCOL", "dumps", "loads")}
    )
    return module


def _is_forbidden_global(exc: BaseException) -> bool:
    text = str(exc)
    return "GLOBAL" in text or "is blocked" in text


Loader = Callable[[bool, Optional[types.ModuleType]], Any]


@contextmanager
def _without_env(name: str) -> Iterator[None]:
    """Hide ``name`` from ``os.environ`` for the duration of the block."""
    value = os.environ.pop(name, None)
    try:
        yield
    finally:
        if value is not None:
            os.environ[name] = value


def _safe_call(load: Loader, source: str, policy: tuple[bool, bool]) -> Any:
    """Run ``load(weights_only, pickle_module)`` under mmengine's loading policy.

    ``policy`` is what :func:`_resolve_weights_only` returned. Tries torch's
    ``weights_only`` unpickler with the allow-list first; when it fails for a
    structural reason, retries with a restricted unpickler that honours the same
    allow-list. Refusals become :class:`UnsafeCheckpointError`.
    """
    safe, forced_unsafe = policy
    if forced_unsafe:
        _warn_forced_unsafe(source)
    if not safe or not _supports_safe_load():
        return load(False, None)
    token = _refused_getattr.set(None)
    try:
        return _safe_load(load, source)
    finally:
        _refused_getattr.reset(token)


def _safe_load(load: Loader, source: str) -> Any:
    try:
        with torch.serialization.safe_globals(_safe_globals()):
            return load(True, None)
    except pickle.UnpicklingError as exc:
        if isinstance(exc, UnsafeCheckpointError):
            raise
        error: BaseException = exc
    if not _is_forbidden_global(error) and _refused_getattr.get() is None:
        try:
            # The restricted unpickler is as strict as torch's; torch would refuse a
            # custom pickle_module while TORCH_FORCE_WEIGHTS_ONLY_LOAD is set.
            with _without_env(_TORCH_FORCE_SAFE_ENV):
                return load(False, _restricted_pickle_module())
        except pickle.UnpicklingError as exc:
            error = exc
    refused_call = _refused_getattr.get()
    if refused_call is not None:
        raise UnsafeCheckpointError(
            f"Refused to load checkpoint {source!r} with weights_only=True: it pickles "
            f"{refused_call}, and the only getattr calls allowed are getattr(HistoryBuffer, "
            "'min'|'max'|'mean'|'current') (the statistics methods of mmengine's "
            "HistoryBuffer). If you trust this file, load it with `weights_only=False` or set "
            f"the environment variable {WEIGHTS_ONLY_ENV}=0."
        ) from error
    text = str(error)
    found = re.search(r"GLOBAL ([\w.]+)", text)
    offending = found.group(1) if found else "an object that cannot be unpickled safely"
    hint = (
        f"; alternatively allow that class with torch.serialization.add_safe_globals"
        f"([{offending.rsplit('.', 1)[-1]}])"
        if found
        else ""
    )
    raise UnsafeCheckpointError(
        f"Refused to load checkpoint {source!r} with weights_only=True: it pickles "
        f"{offending}, which is not on the allow-list of safe globals. If you trust "
        "this file, load it with `weights_only=False` (e.g. "
        "load_checkpoint(model, filename, weights_only=False)) or set the environment "
        f"variable {WEIGHTS_ONLY_ENV}=0{hint}."
    ) from error


def _torch_load(
    f: Any,
    map_location: Any = None,
    source: Optional[str] = None,
    weights_only: Optional[bool] = None,
) -> Any:
    """``torch.load`` with mmengine's safe-by-default policy (see module docstring)."""

    def load(wo: bool, pickle_module: Optional[types.ModuleType]) -> Any:
        if hasattr(f, "seek"):
            f.seek(0)
        extra = {} if pickle_module is None else {"pickle_module": pickle_module}
        return torch.load(f, map_location=map_location, weights_only=wo, **extra)

    source = source or _describe(f)
    policy = _resolve_weights_only(weights_only)
    try:
        return _safe_call(load, source, policy)
    except (RuntimeError, EOFError) as exc:
        if type(exc) not in (RuntimeError, EOFError):
            raise
        # e.g. a truncated or non-checkpoint file: say which one
        raise type(exc)(
            f"Failed to load checkpoint {source!r}: {exc}. The file may be truncated or "
            "not a PyTorch checkpoint."
        ) from exc


# --------------------------------------------------------------------------
# model zoo indexes
# --------------------------------------------------------------------------
def _get_mmengine_home() -> str:
    mmengine_home = os.path.expanduser(
        os.getenv(
            ENV_MMENGINE_HOME,
            os.path.join(os.getenv(ENV_XDG_CACHE_HOME, DEFAULT_CACHE_DIR), "mmengine"),
        )
    )
    os.makedirs(mmengine_home, exist_ok=True)
    return mmengine_home


def _load_zoo_json(name: str) -> dict:
    with open(osp.join(_ZOO_DIR, name), encoding="utf-8") as f:
        return json.load(f)


def get_torchvision_models() -> dict:
    """Return a ``{name: url}`` index of torchvision checkpoints for ``torchvision://``.

    Holds the legacy (torchvision 0.12) names bundled with mmengine and, when
    torchvision >= 0.13 is installed, ``<model>.<weights>`` keys such as
    ``resnet50.imagenet1k_v1`` and ``resnet50.default``. No network access.

    Returns:
        dict: model name -> URL.
    """
    model_urls = _load_zoo_json("torchvision_0.12.json")
    try:
        import torchvision.models as tv_models  # type: ignore
    except ImportError:
        return model_urls
    weights_classes: list = []
    if hasattr(tv_models, "list_models"):
        for name in tv_models.list_models(tv_models):
            try:
                weights_classes.append(tv_models.get_model_weights(name))
            except Exception:  # a model without registered weights
                continue
    else:
        weights_classes = [
            cls for cls_name, cls in vars(tv_models).items() if cls_name.endswith("_Weights")
        ]
    for cls in weights_classes:
        if not hasattr(cls, "DEFAULT"):
            continue
        key = cls.__name__.replace("_Weights", "").lower()
        model_urls[f"{key}.default"] = cls.DEFAULT.url
        for weight in cls:
            model_urls[f"{key}.{weight.name.lower()}"] = weight.url
    return model_urls


def get_external_models() -> dict:
    """Return the ``{name: url}`` index used by ``open-mmlab://``.

    The bundled index is updated with ``$MMENGINE_HOME/open_mmlab.json`` when
    that file exists (a value may also be a path relative to MMENGINE_HOME).

    Returns:
        dict: model name -> URL or path.
    """
    default_urls = _load_zoo_json("openmmlab.json")
    external_json_path = osp.join(_get_mmengine_home(), "open_mmlab.json")
    if osp.exists(external_json_path):
        with open(external_json_path, encoding="utf-8") as f:
            default_urls.update(json.load(f))
    return default_urls


def get_mmcls_models() -> dict:
    """Return the ``{name: url}`` index used by ``mmcls://``.

    The bundled index is updated with ``$MMENGINE_HOME/mmcls.json`` when it exists.

    Returns:
        dict: model name -> URL.
    """
    urls = _load_zoo_json("mmcls.json")
    user_json = osp.join(_get_mmengine_home(), "mmcls.json")
    if osp.exists(user_json):
        with open(user_json, encoding="utf-8") as f:
            urls.update(json.load(f))
    return urls


def get_deprecated_model_names() -> dict:
    """Return the ``{deprecated name: new name}`` map of ``open-mmlab://`` models.

    Returns:
        dict: deprecated name -> current name.
    """
    return _load_zoo_json("deprecated.json")


def _process_mmcls_checkpoint(checkpoint: dict) -> dict:
    """Keep only the ``backbone.`` weights of an mmcls checkpoint, without the prefix."""
    state_dict = checkpoint.get("state_dict", checkpoint)
    new_state_dict = OrderedDict(
        (k[len("backbone.") :], v) for k, v in state_dict.items() if k.startswith("backbone.")
    )
    return dict(state_dict=new_state_dict)


# --------------------------------------------------------------------------
# loaders
# --------------------------------------------------------------------------
class CheckpointLoader:
    """A general checkpoint loader to manage all schemes.

    A loader is a function ``loader(filename, map_location)`` registered for
    one or more path prefixes (regular expressions matched at the start of
    the path). The longest matching prefix wins; the empty prefix (local
    files and any other storage backend) matches everything.
    """

    _schemes: dict[str, Callable] = {}

    @classmethod
    def _register_scheme(
        cls, prefixes: Union[str, Sequence[str]], loader: Callable, force: bool = False
    ) -> None:
        if isinstance(prefixes, str):
            prefixes = [prefixes]
        else:
            if not isinstance(prefixes, (list, tuple)):
                raise AssertionError(
                    f"prefixes should be a str or a list/tuple of str, but got {type(prefixes)}"
                )
        for prefix in prefixes:
            if prefix not in cls._schemes or force:
                cls._schemes[prefix] = loader
            else:
                raise KeyError(
                    f"{prefix} is already registered as a loader backend "
                    f'({cls._schemes[prefix].__name__}), add "force=True" if you want to '
                    "override it"
                )
        # longest prefixes first, so the most specific scheme wins
        cls._schemes = OrderedDict(sorted(cls._schemes.items(), key=lambda t: t[0], reverse=True))

    @classmethod
    def register_scheme(
        cls,
        prefixes: Union[str, Sequence[str]],
        loader: Optional[Callable] = None,
        force: bool = False,
    ) -> Callable:
        """Register a loader to CheckpointLoader.

        This method can be used as a normal class method or a decorator.

        Args:
            prefixes (str or list[str] or tuple[str]): The prefix of the
                registered loader.
            loader (function, optional): The loader function to be registered.
                When this method is used as a decorator, loader is None.
                Defaults to None.
            force (bool, optional): Whether to override the loader
                if the prefix has already been registered. Defaults to False.
        """
        if loader is not None:
            cls._register_scheme(prefixes, loader, force=force)
            return loader

        def _register(loader_cls: Callable) -> Callable:
            cls._register_scheme(prefixes, loader_cls, force=force)
            return loader_cls

        return _register

    @classmethod
    def _get_checkpoint_loader(cls, path: str) -> Callable:
        """Finds a loader that supports the given path. Falls back to the local loader.

        Args:
            path (str): checkpoint path

        Returns:
            callable: checkpoint loader
        """
        for prefix in sorted(cls._schemes, key=len, reverse=True):
            if re.match(prefix, path) is not None:
                return cls._schemes[prefix]
        return load_from_local

    @classmethod
    def load_checkpoint(
        cls,
        filename: str,
        map_location: Any = None,
        logger: Any = "current",
        *,
        weights_only: Optional[bool] = None,
    ) -> Union[dict, OrderedDict]:
        """Load checkpoint through URL scheme path.

        Args:
            filename (str): checkpoint file name with given prefix
            map_location (str, optional): Same as :func:`torch.load`.
                Default: None
            logger (str): The logger for message. Defaults to 'current'.
            weights_only (bool, optional): Load with ``torch.load(weights_only=True)``
                plus mmengine's allow-list (the default, also controlled by the
                ``MMENGINE_CHECKPOINT_WEIGHTS_ONLY`` environment variable). Pass
                False only for files you trust.

        Returns:
            dict or OrderedDict: The loaded checkpoint.
        """
        filename = os.fspath(filename)
        checkpoint_loader = cls._get_checkpoint_loader(filename)
        class_name = checkpoint_loader.__name__
        print_log(
            f"Loads checkpoint by {class_name[10:]} backend from path: {filename}",
            logger=logger,
        )
        with _weights_only_scope(weights_only):
            return checkpoint_loader(filename, map_location)


@CheckpointLoader.register_scheme(prefixes="")
def load_from_local(filename: str, map_location: Any = None) -> Union[dict, OrderedDict]:
    """Load checkpoint by local file path (or any path a fileio backend understands).

    Args:
        filename (str): local checkpoint file path
        map_location (str, optional): Same as :func:`torch.load`.

    Returns:
        dict or OrderedDict: The loaded checkpoint.
    """
    filename = os.fspath(filename)
    if "://" in filename:
        return _load_from_backend(filename, map_location)
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f"{filename} can not be found.")
    return _torch_load(filename, map_location=map_location, source=filename)


def _load_from_backend(
    filename: str, map_location: Any = None, backend_args: Optional[dict] = None
) -> Union[dict, OrderedDict]:
    file_backend = get_file_backend(filename, backend_args=backend_args)
    with io.BytesIO(file_backend.get(filename)) as buffer:
        return _torch_load(buffer, map_location=map_location, source=filename)


def _download_to_cache(url: str, model_dir: Optional[str], progress: bool) -> str:
    """Download ``url`` into ``model_dir`` (torch hub's checkpoint cache by default) once."""
    if model_dir is None:
        model_dir = osp.join(torch.hub.get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    cached_file = osp.join(model_dir, osp.basename(urlparse(url).path))
    if not osp.exists(cached_file):
        torch.hub.download_url_to_file(url, cached_file, None, progress=progress)
    return cached_file


@CheckpointLoader.register_scheme(prefixes=("http://", "https://"))
def load_from_http(
    filename: str,
    map_location: Any = None,
    model_dir: Optional[str] = None,
    progress: bool = os.isatty(0),
) -> Union[dict, OrderedDict]:
    """Load checkpoint through HTTP or HTTPS scheme path.

    In distributed setting, this function only download checkpoint at local
    rank 0.

    Args:
        filename (str): checkpoint file path with modelzoo or
            torchvision prefix
        map_location (str, optional): Same as :func:`torch.load`.
        model_dir (str, optional): directory in which to save the object,
            Defaults to None
        progress (bool): whether to show a progress bar.

    Returns:
        dict or OrderedDict: The loaded checkpoint.
    """

    def fetch() -> Any:
        try:
            cached_file = _download_to_cache(filename, model_dir, progress)
        except OSError as exc:
            raise ConnectionError(
                f"Failed to download checkpoint from {filename}: {exc}. Check the network "
                "or download the file yourself and pass its local path."
            ) from exc
        return _torch_load(cached_file, map_location=map_location, source=filename)

    rank, world_size = get_dist_info()
    if rank == 0:
        checkpoint = fetch()
    if world_size > 1:
        torch.distributed.barrier()
        if rank > 0:
            checkpoint = fetch()
    return checkpoint


@CheckpointLoader.register_scheme(prefixes="pavi://")
def load_from_pavi(filename: str, map_location: Any = None) -> Union[dict, OrderedDict]:
    """Load checkpoint through the file path prefixed with pavi.

    In distributed setting, this function download ckpt at all ranks to
    different temporary directories.

    Args:
        filename (str): checkpoint file path with pavi prefix
        map_location (str, optional): Same as :func:`torch.load`.

    Returns:
        dict or OrderedDict: The loaded checkpoint.
    """
    if not filename.startswith("pavi://"):
        raise AssertionError(f"Expected filename startswith `pavi://`, but get {filename}")
    model_path = filename[7:]
    try:
        from pavi import modelcloud  # type: ignore
    except ImportError as exc:
        raise ImportError("Please install pavi to load checkpoint from modelcloud.") from exc
    model = modelcloud.get(model_path)
    with TemporaryDirectory() as tmp_dir:
        downloaded_file = osp.join(tmp_dir, model.name)
        model.download(downloaded_file)
        return _torch_load(downloaded_file, map_location=map_location, source=filename)


@CheckpointLoader.register_scheme(prefixes=r"(\S+\:)?s3://")
def load_from_ceph(
    filename: str, map_location: Any = None, backend: str = "petrel"
) -> Union[dict, OrderedDict]:
    """Load checkpoint through the file path prefixed with s3.

    Args:
        filename (str): checkpoint file path with s3 prefix
        map_location (str, optional): Same as :func:`torch.load`.
        backend (str): The storage backend to read with. Defaults to 'petrel'.

    Returns:
        dict or OrderedDict: The loaded checkpoint.
    """
    return _load_from_backend(filename, map_location, backend_args={"backend": backend})


@CheckpointLoader.register_scheme(prefixes=("modelzoo://", "torchvision://"))
def load_from_torchvision(filename: str, map_location: Any = None) -> Union[dict, OrderedDict]:
    """Load checkpoint through the file path prefixed with modelzoo or torchvision.

    Args:
        filename (str): checkpoint file path with modelzoo or
            torchvision prefix
        map_location (str, optional): Same as :func:`torch.load`.

    Returns:
        dict or OrderedDict: The loaded checkpoint.
    """
    model_urls = get_torchvision_models()
    if filename.startswith("modelzoo://"):
        print_log(
            'The URL scheme of "modelzoo://" is deprecated, please use "torchvision://" instead',
            logger="current",
            level=logging.WARNING,
        )
        model_name = filename[11:]
    else:
        model_name = filename[14:]
    # `ResNet50_Weights.IMAGENET1K_V1` -> `resnet50.imagenet1k_v1`
    model_name = model_name.lower().replace("_weights", "")
    if model_name not in model_urls:
        raise KeyError(
            f"Unknown torchvision model {model_name!r} in {filename!r}; known names include "
            f"{sorted(model_urls)[:10]}. Install torchvision for the full index or use a URL."
        )
    return load_from_http(model_urls[model_name], map_location=map_location)


@CheckpointLoader.register_scheme(prefixes=("open-mmlab://", "openmmlab://"))
def load_from_openmmlab(filename: str, map_location: Any = None) -> Union[dict, OrderedDict]:
    """Load checkpoint through the file path prefixed with open-mmlab or openmmlab.

    Args:
        filename (str): checkpoint file path with open-mmlab or
            openmmlab prefix
        map_location (str, optional): Same as :func:`torch.load`.

    Returns:
        dict or OrderedDict: The loaded checkpoint.
    """
    model_urls = get_external_models()
    prefix_str = "open-mmlab://" if filename.startswith("open-mmlab://") else "openmmlab://"
    model_name = filename[len(prefix_str) :]
    deprecated_urls = get_deprecated_model_names()
    if model_name in deprecated_urls:
        print_log(
            f"{prefix_str}{model_name} is deprecated in favor of "
            f"{prefix_str}{deprecated_urls[model_name]}",
            logger="current",
            level=logging.WARNING,
        )
        model_name = deprecated_urls[model_name]
    if model_name not in model_urls:
        raise KeyError(
            f"Unknown model {model_name!r} in {filename!r}: it is not in the open-mmlab "
            f"index. Add it to {osp.join(_get_mmengine_home(), 'open_mmlab.json')} or use "
            "a URL/local path."
        )
    model_url = model_urls[model_name]
    if model_url.startswith(("http://", "https://")):
        return load_from_http(model_url, map_location=map_location)
    filename = osp.join(_get_mmengine_home(), model_url)
    if not osp.isfile(filename):
        raise FileNotFoundError(f"{filename} can not be found.")
    return _torch_load(filename, map_location=map_location, source=filename)


@CheckpointLoader.register_scheme(prefixes="mmcls://")
def load_from_mmcls(filename: str, map_location: Any = None) -> Union[dict, OrderedDict]:
    """Load checkpoint through the file path prefixed with mmcls.

    Args:
        filename (str): checkpoint file path with mmcls prefix
        map_location (str, optional): Same as :func:`torch.load`.

    Returns:
        dict or OrderedDict: The loaded checkpoint.
    """
    model_urls = get_mmcls_models()
    model_name = filename[8:]
    if model_name not in model_urls:
        raise KeyError(
            f"Unknown mmcls model {model_name!r} in {filename!r}. Add it to "
            f"{osp.join(_get_mmengine_home(), 'mmcls.json')} or use a URL/local path."
        )
    checkpoint = load_from_http(model_urls[model_name], map_location=map_location)
    return _process_mmcls_checkpoint(checkpoint)


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
    state_dict = {k[prefix_len:]: v for k, v in state_dict.items() if k.startswith(prefix)}
    if not state_dict:
        raise AssertionError(f"{prefix} is not in the pretrained model {filename}")
    return state_dict


# --------------------------------------------------------------------------
# state dicts
# --------------------------------------------------------------------------
class _IncompatibleKeys:
    def __init__(self, missing_keys: list, unexpected_keys: list) -> None:
        self.missing_keys = missing_keys
        self.unexpected_keys = unexpected_keys


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
    from .test_time_aug import BaseTTAModel

    unexpected_keys: list[str] = []
    missing_keys: list[str] = []
    err_msg: list[str] = []

    metadata = getattr(state_dict, "_metadata", None)
    state_dict = OrderedDict(state_dict)
    if metadata is not None:
        state_dict._metadata = metadata  # type: ignore[attr-defined]

    def load(module: nn.Module, local_state_dict: dict, prefix: str = "") -> None:
        if is_model_wrapper(module) or isinstance(module, BaseTTAModel):
            module = module.module
        local_metadata = {} if metadata is None else metadata.get(prefix[:-1], {})
        module._load_from_state_dict(
            local_state_dict, prefix, local_metadata, True, missing_keys, unexpected_keys, err_msg
        )
        for name, child in module._modules.items():
            if child is not None:
                child_prefix = prefix + name + "."
                child_state_dict = {
                    k: v for k, v in local_state_dict.items() if k.startswith(child_prefix)
                }
                load(child, child_state_dict, child_prefix)
        incompatible = _IncompatibleKeys(missing_keys, unexpected_keys)
        for hook in getattr(module, "_load_state_dict_post_hooks", {}).values():
            out = hook(module, incompatible)
            if out is not None:
                raise AssertionError(
                    "Hooks registered with ``register_load_state_dict_post_hook`` are not "
                    "expected to return new values."
                )

    load(module, state_dict)
    load = None  # type: ignore[assignment]  # break the reference cycle

    # ignore "num_batches_tracked" of BN layers
    missing_keys = [key for key in missing_keys if "num_batches_tracked" not in key]

    if unexpected_keys:
        err_msg.append(f"unexpected key in source state_dict: {', '.join(unexpected_keys)}\n")
    if missing_keys:
        err_msg.append(f"missing keys in source state_dict: {', '.join(missing_keys)}\n")

    if err_msg:
        err_msg.insert(0, "The model and loaded state dict do not match exactly\n")
        message = "\n".join(err_msg)
        if strict:
            raise RuntimeError(message)
        rank, _ = get_dist_info()
        if rank == 0:
            print_log(message, logger=logger, level=logging.WARNING)


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
    metadata = getattr(state_dict, "_metadata", OrderedDict())
    for pattern, replacement in revise_keys:
        state_dict = OrderedDict(
            (re.sub(pattern, replacement, k), v) for k, v in state_dict.items()
        )
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


def weights_to_cpu(state_dict: dict) -> dict:
    """Copy a model state_dict to cpu.

    Tensors already on the CPU are returned as they are (no copy). Nested
    dicts, lists and tuples are handled.

    Args:
        state_dict (OrderedDict): Model weights on GPU.

    Returns:
        OrderedDict: Model weights on CPU.
    """

    def to_cpu(obj: Any) -> Any:
        if isinstance(obj, torch.Tensor):
            return obj if obj.device.type == "cpu" else obj.cpu()
        if isinstance(obj, dict):
            out = type(obj)() if isinstance(obj, OrderedDict) else {}
            for k, v in obj.items():
                out[k] = to_cpu(v)
            return out
        if isinstance(obj, (list, tuple)) and not hasattr(obj, "_fields"):
            return type(obj)(to_cpu(v) for v in obj)
        return obj

    metadata = getattr(state_dict, "_metadata", OrderedDict())
    result = OrderedDict((k, to_cpu(v)) for k, v in state_dict.items())
    result._metadata = metadata  # type: ignore[attr-defined]
    return result


def _save_to_state_dict(module: nn.Module, destination: dict, prefix: str, keep_vars: bool) -> None:
    """Saves the parameters and persistent buffers of ``module`` itself into ``destination``.

    Args:
        module (nn.Module): The module to generate state_dict.
        destination (dict): A dict where state will be stored.
        prefix (str): The prefix for parameters and buffers used in this
            module.
        keep_vars (bool): Whether to keep the variable property of the
            parameters.
    """
    module._save_to_state_dict(destination, prefix, keep_vars)


def get_state_dict(
    module: nn.Module,
    destination: Optional[OrderedDict] = None,
    prefix: str = "",
    keep_vars: bool = False,
) -> OrderedDict:
    """Returns a dictionary containing a whole state of the module.

    Both parameters and persistent buffers (e.g. running averages) are
    included. Keys are corresponding parameter and buffer names.
    This method is modified from :meth:`torch.nn.Module.state_dict` to
    recursively check parallel module in case that the model has a
    complicated structure, e.g., nn.Module(nn.Module(DDP)).

    Args:
        module (nn.Module): The module to generate state_dict.
        destination (OrderedDict): Returned dict for the state of the
            module.
        prefix (str): Prefix of the key.
        keep_vars (bool): Whether to keep the variable property of the
            parameters. Defaults to False.

    Returns:
        dict: A dictionary containing a whole state of the module.
    """
    if is_model_wrapper(module):
        module = module.module
    if destination is None:
        destination = OrderedDict()
        destination._metadata = OrderedDict()  # type: ignore[attr-defined]
    local_metadata = dict(version=module._version)
    if hasattr(destination, "_metadata"):
        destination._metadata[prefix[:-1]] = local_metadata
    for hook in getattr(module, "_state_dict_pre_hooks", {}).values():
        hook(module, prefix, keep_vars)
    _save_to_state_dict(module, destination, prefix, keep_vars)
    for name, child in module._modules.items():
        if child is not None:
            get_state_dict(child, destination, prefix + name + ".", keep_vars=keep_vars)
    for hook in module._state_dict_hooks.values():
        hook_result = hook(module, destination, prefix, local_metadata)
        if hook_result is not None:
            destination = hook_result
    return destination


# --------------------------------------------------------------------------
# saving
# --------------------------------------------------------------------------
def _atomic_torch_save(checkpoint: Any, filename: str) -> None:
    """``torch.save`` to a temporary file beside ``filename``, then ``os.replace`` it.

    The temporary file is written by torch directly (no in-memory copy); if
    anything fails or the process dies before the rename, the previous
    ``filename`` is untouched. The temporary file is removed on failure.
    """
    filename = osp.abspath(osp.expanduser(filename))
    if osp.islink(filename):  # write through the link, as torch.save would
        filename = osp.realpath(filename)
    dirname = osp.dirname(filename)
    os.makedirs(dirname, exist_ok=True)
    tmp = osp.join(dirname, f".{osp.basename(filename)}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        torch.save(checkpoint, tmp)
        os.replace(tmp, filename)
    except BaseException:
        try:
            os.remove(tmp)
        except FileNotFoundError:
            pass
        raise


def _is_local_backend(backend: Any) -> bool:
    try:
        from mmengine.fileio import LocalBackend
    except ImportError:  # pragma: no cover
        return type(backend).__name__ == "LocalBackend"
    return isinstance(backend, LocalBackend)


def save_checkpoint(
    checkpoint: dict,
    filename: Union[str, Path],
    file_client_args: Optional[dict] = None,
    backend_args: Optional[dict] = None,
) -> None:
    """Save checkpoint to file.

    Local files are written atomically: the checkpoint is streamed by
    ``torch.save`` into a temporary file in the same directory which then
    replaces ``filename``, so an interrupted save never corrupts an existing
    checkpoint. Other backends receive the serialized bytes through
    ``put``.

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
    """
    filename = os.fspath(filename)
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
        _save_to_pavi(checkpoint, filename)
        return

    if (
        "://" not in filename
        and file_client_args is None
        and (backend_args is None or backend_args.get("backend", "local") == "local")
    ):
        _atomic_torch_save(checkpoint, filename)
        return

    if file_client_args is not None:
        file_backend: Any = FileClient.infer_client(file_client_args, filename)
    else:
        file_backend = get_file_backend(filename, backend_args=backend_args)
    if _is_local_backend(file_backend) or _is_local_backend(getattr(file_backend, "client", None)):
        _atomic_torch_save(checkpoint, filename)
        return
    with io.BytesIO() as f:
        torch.save(checkpoint, f)
        file_backend.put(f.getvalue(), filename)


def _save_to_pavi(checkpoint: dict, filename: str) -> None:
    try:
        from pavi import exception, modelcloud  # type: ignore
    except ImportError as exc:
        raise ImportError("Please install pavi to load checkpoint from modelcloud.") from exc
    model_path = filename[7:]
    root = modelcloud.Folder()
    model_dir, model_name = osp.split(model_path)
    try:
        model = modelcloud.get(model_dir)
    except exception.NodeNotFoundError:
        model = root.create_training_model(model_dir)
    with TemporaryDirectory() as tmp_dir:
        checkpoint_file = osp.join(tmp_dir, model_name)
        torch.save(checkpoint, checkpoint_file)
        model.create_file(checkpoint_file, name=model_name)


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
        print_log("Did not find last_checkpoint to be resumed.", logger="current")
        return None
    with open(save_file, encoding="utf-8") as f:
        last_saved = f.read().strip()
    return last_saved or None
