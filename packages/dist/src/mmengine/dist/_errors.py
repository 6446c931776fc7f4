"""Exception types for invalid arguments to the collectives.

Upstream mmengine checks some arguments with ``assert``; code written for it
may catch ``AssertionError``. These types are also the natural ``TypeError`` /
``ValueError``, so both kinds of ``except`` clause keep working while the
message says what was wrong and how to fix it.
"""

from __future__ import annotations

__all__ = ["InvalidArgumentTypeError", "InvalidArgumentValueError"]


class InvalidArgumentTypeError(TypeError, AssertionError):
    """An argument has the wrong type (also an ``AssertionError``)."""


class InvalidArgumentValueError(ValueError, AssertionError):
    """An argument has a wrong value (also an ``AssertionError``)."""
