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
