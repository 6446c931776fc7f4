"""Exception types shared by the registry modules.

Upstream mmengine validates a few arguments with ``assert``, so callers (and
their tests) may catch :class:`AssertionError`. The classes below keep that
contract while carrying a more precise base type (``TypeError`` or
``ValueError``) and a message that says what to fix.
"""

from __future__ import annotations


class RegistryTypeError(TypeError, AssertionError):
    """An argument of a registry API has the wrong type."""


class RegistryValueError(ValueError, AssertionError):
    """An argument of a registry API has an invalid value."""
