"""Importing the modules that fill registries (``locations``, ``<scope>.registry``).

Both kinds of import are attempted lazily, at most once per process for a
given module unless the import environment changes, so that lookups on the
hot path cost a dictionary access.
"""

from __future__ import annotations

import logging
import sys
from importlib import import_module

from mmengine.logging import print_log

# Distributions of this workspace whose import name differs from
# ``mmengine.<sub>`` -> ``mmengine-<sub>``.
_MMENGINE_DISTRIBUTIONS = {
    "_strategy": "mmengine-ng-runner",
    "testing": "mmengine-ng-runner",
    "device": "mmengine-ng-dist",
}

_warned_locations: set[str] = set()
# scope -> sys.path snapshot at the time ``import <scope>.registry`` failed.
_failed_scope_imports: dict[str, tuple[str, ...]] = {}


def distribution_hint(module_name: str) -> str:
    """Return the name of the distribution that provides ``module_name``.

    Args:
        module_name (str): A dotted module name such as ``'mmengine.optim'``.

    Returns:
        str: The name to ``pip install``.
    """
    parts = module_name.split(".")
    if parts[0] == "mmengine":
        if len(parts) == 1:
            return "mmengine"
        return _MMENGINE_DISTRIBUTIONS.get(parts[1], f"mmengine-{parts[1]}")
    try:
        from mmengine.config.utils import MODULE2PACKAGE
    except ImportError:  # older config package: no mapping, use the top name
        MODULE2PACKAGE = {}
    return MODULE2PACKAGE.get(parts[0], parts[0])


def _is_missing(error: ModuleNotFoundError, module_name: str) -> bool:
    """Whether ``error`` says that ``module_name`` itself (or a package
    containing it) is not installed, rather than one of its dependencies."""
    missing = error.name
    if not missing:
        return False
    return module_name == missing or module_name.startswith(missing + ".")


def import_location(location: str, registry_desc: str) -> None:
    """Import one ``locations`` entry of a registry.

    A location whose distribution is not installed is reported once with a
    warning naming the distribution; any other import error propagates.

    Args:
        location (str): Dotted module name to import.
        registry_desc (str): Description of the registry, for messages.
    """
    try:
        import_module(location)
    except ModuleNotFoundError as e:
        if not _is_missing(e, location):
            raise
        if location not in _warned_locations:
            _warned_locations.add(location)
            print_log(
                f'The {registry_desc} lists "{location}" in its `locations`, '
                f"but it is not installed, so the modules it registers are "
                f"unavailable. Install it with `pip install "
                f"{distribution_hint(location)}` to use them.",
                logger="current",
                level=logging.WARNING,
            )
    else:
        print_log(
            f"Modules of the {registry_desc} have been automatically imported from {location}",
            logger="current",
            level=logging.DEBUG,
        )


def import_scope_registry(scope: str, warn: bool) -> bool:
    """Try to import ``<scope>.registry`` so that the registries of the
    package named ``scope`` join the registry tree.

    Args:
        scope (str): Scope (package) name, e.g. ``'mmdet'``.
        warn (bool): Whether to warn if the package cannot be imported.

    Returns:
        bool: Whether ``<scope>.registry`` is imported.
    """
    module_name = f"{scope}.registry"
    if module_name in sys.modules:
        return True
    snapshot = _failed_scope_imports.get(scope)
    if snapshot is not None and snapshot == tuple(sys.path):
        return False
    try:
        import_module(module_name)
    except ModuleNotFoundError as e:
        _failed_scope_imports[scope] = tuple(sys.path)
        if not _is_missing(e, module_name):
            print_log(
                f"Failed to import `{module_name}`: {e!r}. Modules of the "
                f'"{scope}" scope may not be registered.',
                logger="current",
                level=logging.WARNING,
            )
        elif warn:
            print_log(
                f'Failed to import `{module_name}` (the package "{scope}" is not '
                f"installed or has no registry.py), so its modules will not be "
                f"registered. If you want to use modules defined in {scope}, "
                f"install it with `pip install {distribution_hint(scope)}`.",
                logger="current",
                level=logging.WARNING,
            )
        return False
    except (ImportError, AttributeError) as e:
        _failed_scope_imports[scope] = tuple(sys.path)
        print_log(
            f'Failed to import `{module_name}`: {e!r}. Modules of the "{scope}" '
            "scope may not be registered.",
            logger="current",
            level=logging.WARNING,
        )
        return False
    return True


def register_all_modules_of(scope: str, registry_desc: str) -> None:
    """Call ``<scope>.utils.register_all_modules(False)`` for an OpenMMLab
    library (``scope`` in ``MODULE2PACKAGE``) whose registry sets no
    ``locations`` (libraries older than ``locations`` register this way).

    Args:
        scope (str): Scope of the registry, e.g. ``'mmdet'``.
        registry_desc (str): Description of the registry, for messages.
    """
    from mmengine.config.utils import MODULE2PACKAGE

    if scope not in MODULE2PACKAGE:
        return
    print_log(
        f"The {registry_desc} did not set import location. Fallback to call "
        f"`{scope}.utils.register_all_modules` instead.",
        logger="current",
        level=logging.DEBUG,
    )
    try:
        module = import_module(f"{scope}.utils")
    except ImportError as e:
        if isinstance(e, ModuleNotFoundError) and not _is_missing(e, f"{scope}.utils"):
            raise
        print_log(
            f"{scope} is not installed and its modules will not be registered. "
            f"If you want to use modules defined in {scope}, Please install "
            f"{scope} by `pip install {MODULE2PACKAGE[scope]}`.",
            logger="current",
            level=logging.WARNING,
        )
        return
    register_all = getattr(module, "register_all_modules", None)
    if register_all is None:
        print_log(
            f"`{scope}.utils` has no `register_all_modules`, so the modules of the "
            f"{registry_desc} are not registered automatically; set `locations` "
            "on the registry or import the modules manually.",
            logger="current",
            level=logging.WARNING,
        )
        return
    register_all(False)
