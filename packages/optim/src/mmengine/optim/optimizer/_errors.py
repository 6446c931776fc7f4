"""Exception types shared by the optimizer wrappers.

Upstream MMEngine reports several misconfigurations with ``assert``. The
classes below keep ``except AssertionError`` working for such callers while
giving the error a precise type (``TypeError``/``ValueError``/``KeyError``).
"""


class OptimTypeError(TypeError, AssertionError):
    """An argument has the wrong type (also an ``AssertionError``)."""


class OptimValueError(ValueError, AssertionError):
    """An argument has an invalid value (also an ``AssertionError``)."""


class OptimKeyError(KeyError, AssertionError):
    """A name could not be found (also an ``AssertionError``)."""

    def __str__(self) -> str:
        # KeyError quotes its message; keep the message readable.
        return str(self.args[0]) if self.args else ""


class OptimImportError(ImportError, AssertionError):
    """An optional dependency is missing (also an ``AssertionError``)."""


class OptimConfigTypeError(TypeError, AttributeError):
    """A value has the wrong type where upstream failed with an ``AttributeError``
    (``'NoneType' object has no attribute 'get'``) or a ``TypeError``: both stay
    catchable."""


class OptimKeyTypeError(OptimKeyError, TypeError):
    """An unknown name where upstream failed with a ``TypeError`` (an optimizer
    type missing from the registry): ``KeyError`` and ``TypeError`` both catch it."""


class OptimTypeValueError(TypeError, ValueError, AssertionError):
    """A value that is neither of the right type nor in range, where upstream
    raised a ``TypeError`` for some inputs and a ``ValueError`` for others."""


class OptimZeroDivisionError(ValueError, ZeroDivisionError):
    """An argument that upstream accepted and later divided by zero with
    (``ZeroDivisionError`` at a later step), rejected at construction."""
