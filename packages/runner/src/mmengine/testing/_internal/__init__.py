"""Internal test utilities."""

from .distributed import MultiProcessTestCase

__all__ = ["MultiProcessTestCase"]
