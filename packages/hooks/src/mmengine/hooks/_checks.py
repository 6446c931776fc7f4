"""Argument checks the hooks run once, in ``__init__`` or ``before_run``/``before_train``.

They turn a config typo into an error that names the hook, the argument and a fix before
training starts, instead of a bare ``TypeError`` from a comparison deep in the first epoch
(where mmengine 0.10 fails). Nothing here runs per iteration.
"""

from __future__ import annotations

import errno
import logging
import numbers
import os
from collections.abc import Iterable
from typing import Any

from mmengine.logging import print_log
from mmengine.utils._messages import closest


class ArgumentTypeError(TypeError, AttributeError):
    """A hook argument of the wrong type where mmengine 0.10 failed with AttributeError.

    (e.g. ``filename_tmpl=5`` failed at the first save with ``'int' object has no attribute
    'format'``): ``except TypeError`` and ``except AttributeError`` both catch it.
    """


class PathArgumentError(TypeError, AssertionError):
    """A directory argument that is not a str or Path (0.10 failed in the file backend with a
    bare AssertionError): ``except TypeError`` and ``except AssertionError`` both catch it."""


def is_integer(value: Any) -> bool:
    """Whether ``value`` is an int (numpy ints and bools included) or an integral float."""
    if isinstance(value, numbers.Integral):
        return True
    return isinstance(value, numbers.Real) and float(value).is_integer()


def check_integer(owner: str, name: str, value: Any, hint: str) -> None:
    """Raise TypeError unless ``value`` is an integer (an integral float is accepted)."""
    if not is_integer(value):
        raise TypeError(
            f"{owner}: {name} must be an integer, but got {type(value).__name__}: {value!r}. {hint}"
        )


def check_real(owner: str, name: str, value: Any, hint: str, allow_none: bool = False) -> None:
    """Raise TypeError unless ``value`` is a real number (or None when allowed)."""
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        kind = "a number or None" if allow_none else "a number"
        raise TypeError(
            f"{owner}: {name} must be {kind}, but got {type(value).__name__}: {value!r}. {hint}"
        )


def check_flag(owner: str, name: str, value: Any) -> None:
    """Raise TypeError for a string given as a boolean flag (``'False'`` is truthy)."""
    if isinstance(value, str):
        word = value.strip().lower()
        meant = "True" if word in ("true", "1", "yes", "on") else "False"
        if word not in ("true", "1", "yes", "on", "false", "0", "no", "off", "none", ""):
            meant = "True or False"
        raise TypeError(
            f"{owner}: {name} must be a bool, but got the string {value!r}, which counts as "
            f"{bool(value)}; write {name}={meant} without quotes."
        )


def warn(owner: str, message: str) -> None:
    """Log a configuration warning (to the current logger) once, at construction."""
    print_log(f"{owner}: {message}", logger="current", level=logging.WARNING)


def suggest(name: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest candidate, or an empty string."""
    close = closest(name, candidates)
    return f" (did you mean {close[0]!r}?)" if close else ""


def ensure_local_dir(owner: str, name: str, path: str, fix: str) -> None:
    """Create the local directory ``path`` now, so that an unusable one fails before training.

    Raises the ``OSError`` subclass that creating it raised (``FileNotFoundError``,
    ``PermissionError``, ``NotADirectoryError``...), naming the argument and the fix.
    """
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as e:
        code = e.errno if e.errno is not None else errno.EIO
        raise type(e)(
            code,
            f"{owner}: cannot create {name} directory {path!r} ({e.strerror or e}); {fix}",
        ) from e


def check_scalar_metric(owner: str, arg: str, key: str, value: Any) -> None:
    """Raise TypeError unless the metric ``value`` is one number (a 0-d tensor/array counts).

    Run once per validation, on the one monitored metric.
    """
    if isinstance(value, numbers.Real) or getattr(value, "ndim", None) == 0:
        return
    raise TypeError(
        f"{owner}: the metric {key!r} ({arg}) is {type(value).__name__} {value!r:.80}, not a "
        "number, so it cannot be compared with the best value; monitor a scalar metric "
        "(e.g. a mean over classes) instead."
    )
