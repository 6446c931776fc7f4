"""Exception types for invalid arguments to the collectives.

Upstream mmengine checks some arguments with ``assert``; code written for it
may catch ``AssertionError``. These types are also the natural ``TypeError`` /
``ValueError``, so both kinds of ``except`` clause keep working while the
message says what was wrong and how to fix it.
"""

from __future__ import annotations

__all__ = [
    "InvalidArgumentTypeError",
    "InvalidArgumentValueError",
    "LocalGroupInitializedError",
    "ProcessGroupInitializedError",
]


class InvalidArgumentTypeError(TypeError, AssertionError):
    """An argument has the wrong type (also an ``AssertionError``)."""


class InvalidArgumentValueError(ValueError, AssertionError):
    """An argument has a wrong value (also an ``AssertionError``)."""


class ProcessGroupInitializedError(ValueError, RuntimeError):
    """The default process group already exists.

    0.10 let torch raise ``ValueError`` ("trying to initialize the default
    process group twice!"); it is also a ``RuntimeError`` for code written
    against earlier releases of this package.
    """


class LocalGroupInitializedError(RuntimeError, AssertionError):
    """``init_local_group`` was called twice (0.10 asserted: an ``AssertionError`` too)."""
