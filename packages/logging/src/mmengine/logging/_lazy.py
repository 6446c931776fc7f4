"""Deferred numpy import: ``import mmengine.logging`` must stay cheap (numpy costs ~70 ms)."""

from __future__ import annotations

from typing import Any


def lazy_numpy(module_globals: dict[str, Any]) -> Any:
    """Return a stand-in for ``numpy`` that imports it on first attribute access.

    The first access also rebinds ``np`` in ``module_globals`` to the real module, so later
    uses cost nothing. Use as ``np = lazy_numpy(globals())``.
    """

    class _LazyNumpy:
        def __getattr__(self, name: str) -> Any:
            import numpy

            module_globals["np"] = numpy
            return getattr(numpy, name)

    return _LazyNumpy()
