"""Safe unpickling of checkpoints: the ``weights_only`` policy and its allow-list.

Loading is *safe by default*: ``torch.load(weights_only=True)`` with an
allow-list of the plain metadata that mmengine-era checkpoints hold (numpy
arrays, dtypes and scalars, ``OrderedDict``, ``HistoryBuffer``,
``ConfigDict``, and the ``getattr(HistoryBuffer, 'min'|'max'|'mean'|'current')``
calls of 0.10 message hubs and ``getattr(OneCycleParamScheduler, '_annealing_*')`` of
0.10 OneCycle scheduler states). A checkpoint that pickles anything else is refused
with an :class:`UnsafeCheckpointError`. When torch's unpickler fails for a
structural reason (a ``dict`` subclass it cannot fill), a restricted unpickler
with the same allow-list takes over.

Which policy applies is decided by :func:`_resolve_weights_only`: torch's
``TORCH_FORCE_WEIGHTS_ONLY_LOAD``, then the caller's ``weights_only``, then
``MMENGINE_CHECKPOINT_WEIGHTS_ONLY``, then torch's
``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD``, then True.
"""

from __future__ import annotations

import _compat_pickle
import codecs
import errno
import logging
import os
import pickle
import re
import types
import warnings
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Optional

import torch

from . import facade

WEIGHTS_ONLY_ENV = "MMENGINE_CHECKPOINT_WEIGHTS_ONLY"

# Per-call override of the weights_only policy, visible to the built-in
# loaders without changing the ``loader(filename, map_location)`` protocol.
_weights_only_var: ContextVar[Optional[bool]] = ContextVar("mmengine_weights_only", default=None)


class CorruptCheckpointError(KeyError, pickle.UnpicklingError):
    """Bytes that are no pickle at all (torch's unpickler raised a bare ``KeyError(101)``)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint could not be loaded with ``weights_only=True``.

    Raised when the file pickles a global that is not on the allow-list.
    """


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
    facade().print_log(message, logger="current", level=logging.WARNING)


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
# checkpoint holds the global ``builtins.getattr``; a 0.10 ``OneCycleLR`` (or
# ``OneCycleParamScheduler``) state holds its annealing function the same way,
# ``getattr(OneCycleParamScheduler, '_annealing_cos'|'_annealing_linear')``. Unpickling
# resolves ``builtins.getattr`` to this guard, which allows exactly those calls.
_HISTORY_BUFFER_STATISTICS = frozenset({"min", "max", "mean", "current"})
_ONE_CYCLE_ANNEALING = frozenset({"_annealing_cos", "_annealing_linear"})
_ALLOWED_GETATTR = (
    "getattr(HistoryBuffer, 'min'|'max'|'mean'|'current') and "
    "getattr(OneCycleParamScheduler, '_annealing_cos'|'_annealing_linear')"
)
_refused_getattr: ContextVar[Optional[str]] = ContextVar("mmengine_refused_getattr", default=None)


def _describe_pickled_object(obj: Any) -> str:
    if isinstance(obj, type):
        return f"{obj.__module__}.{obj.__qualname__}"
    if isinstance(obj, types.ModuleType):
        return f"module {obj.__name__}"
    return f"a {type(obj).__qualname__} object"


def _getattr_allow_list() -> list[tuple[Any, frozenset]]:
    """(class, attribute names) pairs that 0.10 checkpoints pickle as ``getattr`` calls."""
    pairs: list[tuple[Any, frozenset]] = []
    try:
        from mmengine.logging.history_buffer import HistoryBuffer

        pairs.append((HistoryBuffer, _HISTORY_BUFFER_STATISTICS))
    except ImportError:  # pragma: no cover - mmengine.logging is a dependency
        pass
    try:
        from mmengine.optim.scheduler.param_scheduler import OneCycleParamScheduler

        pairs.append((OneCycleParamScheduler, _ONE_CYCLE_ANNEALING))
    except ImportError:  # pragma: no cover - mmengine.optim is a dependency
        pass
    return pairs


def _checkpoint_getattr(obj: Any, name: Any, *default: Any) -> Any:
    """What ``builtins.getattr`` resolves to while a checkpoint is unpickled safely.

    Only ``getattr(HistoryBuffer, name)`` for ``name`` in ``min``, ``max``, ``mean`` and
    ``current``, and ``getattr(OneCycleParamScheduler, name)`` for its two annealing
    functions (what mmengine 0.10 checkpoints pickle this way) are performed; any other
    call raises :class:`UnsafeCheckpointError` without touching ``obj``.
    """
    if not default and isinstance(name, str):
        for cls, names in _getattr_allow_list():
            if obj is cls and name in names:
                return getattr(cls, name)
    call = f"getattr({_describe_pickled_object(obj)}, {name!r}{', ...' if default else ''})"
    _refused_getattr.set(call)
    raise UnsafeCheckpointError(
        f"Unsupported getattr call: the checkpoint pickles {call}; only {_ALLOWED_GETATTR} "
        "are allowed."
    )


def _safe_globals() -> list:
    """The allow-list for ``weights_only`` loading of mmengine-era checkpoints."""
    import datetime
    import pathlib
    from collections import defaultdict

    import numpy as np

    # plain containers/values that appear in mmengine checkpoint metadata
    allowed: list = [OrderedDict, defaultdict, frozenset, slice, range, np.ndarray, np.dtype]
    # What newer torch allows itself (older torch, which the restricted unpickler serves,
    # does not): numpy arrays' bytes in protocol-2 pickles go through _codecs.encode.
    allowed += [set, bytearray, complex, Counter, (codecs.encode, "_codecs.encode")]
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
    allowed += [cls for cls, _ in _getattr_allow_list()]
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
    if not safe:
        return load(False, None)
    token = _refused_getattr.set(None)
    try:
        return _safe_load(load, source)
    finally:
        _refused_getattr.reset(token)


#: What the unpicklers say of bytes that are not a pickle at all (not of a refused global).
_MALFORMED_PICKLE = (
    "invalid load key",
    "Unsupported operand",
    "pickle data was truncated",
    "could not find MARK",
    "unpickling stack underflow",
    "Ran out of input",
    "Memo value not found",
)


def _malformed_detail(text: str) -> str:
    """The unpickler's own words about malformed bytes, one short phrase."""
    for sign in _MALFORMED_PICKLE:
        start = text.find(sign)
        if start >= 0:
            return text[start:].splitlines()[0].strip().rstrip(".")
    return text.splitlines()[0] if text else "unreadable"


def _safe_load(load: Loader, source: str) -> Any:
    error: Optional[BaseException] = None
    if _supports_safe_load():
        try:
            with torch.serialization.safe_globals(_safe_globals()):
                return load(True, None)
        except pickle.UnpicklingError as exc:
            if isinstance(exc, UnsafeCheckpointError):
                raise
            error = exc
    # torch < 2.5 has no scoped allow-list for its weights_only unpickler: the restricted
    # unpickler below, which enforces the same allow-list, is then the only path.
    if error is None or (not _is_forbidden_global(error) and _refused_getattr.get() is None):
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
    if not found and any(sign in text for sign in _MALFORMED_PICKLE):
        raise pickle.UnpicklingError(
            f"Cannot load checkpoint {source!r}: it is not a PyTorch checkpoint, or it is "
            f"corrupt or truncated ({_malformed_detail(text)}). Check the file (its size, how it "
            "was copied or downloaded), or save it again."
        ) from error
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
        reason = str(exc)
        if not reason or (isinstance(exc, EOFError) and reason == "Ran out of input"):
            # the pure-Python unpickler (older torch) words an empty file this way
            reason = "the file ended before a checkpoint was read (is it empty?)"
        if "deserialize object on" in reason or "map_location" in reason:
            # the file is fine; the device it was saved on is not available here
            raise type(exc)(
                f"Failed to load checkpoint {source!r}: {reason.rstrip('.')}. Pass "
                f"map_location='cpu' (or a device this machine has; got {map_location!r})."
            ) from exc
        raise type(exc)(
            f"Failed to load checkpoint {source!r}: {reason.rstrip('.')}. The file may be "
            "truncated or not a PyTorch checkpoint."
        ) from exc
    except KeyError as exc:
        # the unpickler looks up a memo entry that garbage bytes refer to: KeyError(101)
        if type(exc) is not KeyError or not (exc.args and isinstance(exc.args[0], int)):
            raise
        raise CorruptCheckpointError(
            f"Cannot load checkpoint {source!r}: it is not a PyTorch checkpoint, or it is "
            f"corrupt or truncated (the unpickler found no memo entry {exc.args[0]}). Check "
            "the file (its size, how it was copied or downloaded), or save it again."
        ) from exc
    except OSError as exc:
        # torch's zip reader rejects a truncated archive with a bare "[Errno 22] Invalid
        # argument"; other OS errors (a missing file, no permission) say what they are
        if type(exc) is not OSError or exc.errno != errno.EINVAL:
            raise
        raise OSError(
            exc.errno,
            f"Failed to load checkpoint {source!r}: torch could not read it as a checkpoint "
            f"archive ({exc.strerror}). The file may be truncated or not a PyTorch checkpoint",
        ) from exc
