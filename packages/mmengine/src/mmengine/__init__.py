"""MMEngine: OpenMMLab's PyTorch training foundation, as separately installable packages.

This file is the only ``mmengine/__init__.py``; it belongs to the meta-package. Every other
distribution (``mmengine-ng-config``, ``mmengine-ng-runner``, ...) ships a portion of the ``mmengine``
namespace, found through :func:`pkgutil.extend_path`.

The top-level names upstream exported (``Config``, ``Registry``, ``load``, ``dump``,
``print_log``, ``mkdir_or_exist``, ...) are resolved lazily on first access, so
``import mmengine`` costs nothing and ``import mmengine.config`` loads only the config package.
"""

from __future__ import annotations

import os as _os
import sys as _sys


def _extend_path(path: list[str]) -> list[str]:
    """Add every ``mmengine`` folder on ``sys.path`` (the members' portions) to ``path``.

    This is what :func:`pkgutil.extend_path` does, without importing pkgutil (import time
    matters: ``import mmengine.config`` runs this file first).
    """
    path = list(path)
    for entry in _sys.path:
        if not isinstance(entry, str):
            continue
        candidate = _os.path.join(entry or ".", "mmengine")
        if candidate not in path and _os.path.isdir(candidate):
            path.append(candidate)
    return path


__path__ = _extend_path(__path__)

from .version import __version__ as __version__  # noqa: E402
from .version import version_info as version_info  # noqa: E402

# Subpackages whose public names upstream re-exported at the top level, in upstream's order
# (a later one wins a name clash, as with upstream's successive ``import *``).
_FACADE = ("config", "fileio", "logging", "registry", "utils")

_missing: dict[str, str] = {}  # subpackage -> import error, for the error message
_resolved: dict[str, object] = {}


def _facade_modules() -> list:
    modules = []
    for sub in _FACADE:
        try:
            modules.append(__import__(f"{__name__}.{sub}", fromlist=["__all__"]))
        except ImportError as exc:  # the distribution is not installed
            if exc.name is not None and not exc.name.startswith(f"{__name__}.{sub}"):
                raise
            _missing[sub] = str(exc)
    return modules


def _all_names() -> list[str]:
    names: list[str] = []
    for mod in _facade_modules():
        names.extend(n for n in getattr(mod, "__all__", ()) if n not in names)
    return names


def __getattr__(name: str) -> object:
    if name == "__all__":
        return _all_names() + ["__version__", "version_info"]
    if name.startswith("__"):
        raise AttributeError(name)
    if name in _resolved:
        return _resolved[name]
    found = None
    for mod in _facade_modules():
        if name in getattr(mod, "__all__", ()):
            found = getattr(mod, name)
    if found is not None:
        _resolved[name] = found
        return found
    if _missing:
        hint = ", ".join(f"mmengine-ng-{sub}" for sub in sorted(_missing))
        raise AttributeError(
            f"module 'mmengine' has no attribute {name!r}; it may live in a distribution that "
            f"is not installed ({hint}): `pip install {hint.split(', ')[0]}` or install the "
            "whole framework with `pip install mmengine-ng`"
        )
    raise AttributeError(f"module 'mmengine' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_all_names()))
