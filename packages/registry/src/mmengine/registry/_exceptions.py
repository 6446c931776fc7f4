"""Exception types shared by the registry modules.

Upstream mmengine validates a few arguments with ``assert``, so callers (and
their tests) may catch :class:`AssertionError`. The classes below keep that
contract while carrying a more precise base type (``TypeError``,
``ValueError`` or ``AttributeError``) and a message that says what to fix.

They are shown and named as the builtin that 0.10 raised in the same place
(``type(err).__name__ == 'AssertionError'``), which code comparing exception
names with 0.10's relies on, and they pickle as themselves.
"""

from __future__ import annotations

from typing import Any

from mmengine.utils._builtin_names import PlainMessage, show_as_builtins


def _rebuild(kind: str, args: tuple) -> BaseException:
    """Unpickle one of the classes below (their shown name is a builtin's)."""
    return _KINDS[kind](*args)


class RegistryTypeError(TypeError, AssertionError):
    """An argument of a registry API has the wrong type (0.10: ``AssertionError``)."""

    def __reduce__(self) -> Any:
        return (_rebuild, ("type", self.args))


class RegistryValueError(ValueError, AssertionError):
    """An argument of a registry API has an invalid value (0.10: ``AssertionError``)."""

    def __reduce__(self) -> Any:
        return (_rebuild, ("value", self.args))


class NotARegistryError(TypeError, AttributeError):
    """A registry was expected but something else was given (0.10 failed with
    ``AttributeError`` on a missing registry attribute)."""

    def __reduce__(self) -> Any:
        return (_rebuild, ("attribute", self.args))


class EmptyNameError(PlainMessage, KeyError, RuntimeError):
    """An empty string was given as the name to look up (0.10: ``RuntimeError``
    "Failed to get "; a ``KeyError`` too, as for any unknown name)."""

    def __reduce__(self) -> Any:
        return (_rebuild, ("empty", self.args))


_KINDS: dict[str, type] = {
    "type": RegistryTypeError,
    "value": RegistryValueError,
    "attribute": NotARegistryError,
    "empty": EmptyNameError,
}

show_as_builtins(
    (RegistryTypeError, "AssertionError"),
    (RegistryValueError, "AssertionError"),
    (NotARegistryError, "AttributeError"),
    (EmptyNameError, "RuntimeError"),
)
