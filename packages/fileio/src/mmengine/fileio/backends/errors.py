"""Exceptions raised by the backend registry and URI parsing.

Both derive from :class:`KeyError` *and* :class:`ValueError`: upstream
MMEngine raised one or the other in different places (``FileClient`` a
``KeyError`` for duplicates, ``register_backend`` a ``ValueError``, a bare
table lookup a ``KeyError``), so code catching either keeps working.
"""

from __future__ import annotations


class _RegistryError(KeyError, ValueError):
    def __str__(self) -> str:
        # KeyError would show the repr() of the message, quotes and all.
        return str(self.args[0]) if self.args else ""


class BackendNotFoundError(_RegistryError):
    """No storage backend is registered under a name or URI prefix."""


class DuplicateBackendError(_RegistryError):
    """A backend name or prefix is already registered and ``force`` is False."""


class PathTypeError(TypeError, AssertionError):
    """A path argument is neither a ``str`` nor a :class:`pathlib.Path`.

    Also an :class:`AssertionError`, which upstream MMEngine raised here.
    """


class PrefixesTypeError(TypeError, AssertionError):
    """``prefixes`` of a backend registration is not a str or list/tuple of str.

    Also an :class:`AssertionError`, which upstream MMEngine raised here.
    """
