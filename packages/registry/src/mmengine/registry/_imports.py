"""Importing the modules that fill registries (``locations``, ``<scope>.registry``).

Both kinds of import are attempted lazily, at most once per process for a
given module unless the import environment changes, so that lookups on the
hot path cost a dictionary access.
"""

from __future__ import annotations

import logging
import sys
from importlib import import_module

from mmengine.config.parsing import add_note
from mmengine.logging import print_log
from mmengine.utils._messages import closest

# The ``mmengine.<sub>`` packages of this workspace, each installable alone, and the
# distribution that provides each (``mmengine-ng-<sub>`` unless it lives in another one).
_WORKSPACE_DISTRIBUTIONS = {
    **{
        sub: f"mmengine-ng-{sub}"
        for sub in "analysis config dataset dist evaluator fileio hooks hub infer logging "
        "model optim registry runner structures utils visualization".split()
    },
    "_strategy": "mmengine-ng-runner",
    "testing": "mmengine-ng-runner",
    "device": "mmengine-ng-dist",
}

_warned_locations: set[str] = set()
# scope -> sys.path snapshot at the time ``import <scope>.registry`` failed.
_failed_scope_imports: dict[str, tuple[str, ...]] = {}
# Scopes whose ``<scope>.registry`` is missing, and those already warned about.
_absent_scopes: set[str] = set()
_warned_scopes: set[str] = set()


def distribution_hint(module_name: str) -> str:
    """Return the name of the distribution that provides ``module_name``.

    Args:
        module_name (str): A dotted module name such as ``'mmengine.optim'``.

    Returns:
        str: The name to ``pip install``.
    """
    parts = module_name.split(".")
    if parts[0] == "mmengine":  # never upstream's ``mmengine``: this workspace's distributions
        if len(parts) == 1:
            return "mmengine-ng"
        return _WORKSPACE_DISTRIBUTIONS.get(parts[1], "mmengine-ng")
    try:
        from mmengine.config.utils import MODULE2PACKAGE
    except ImportError:  # older config package: no mapping, use the top name
        MODULE2PACKAGE = {}
    return MODULE2PACKAGE.get(parts[0], _THIRD_PARTY.get(parts[0], parts[0]))


# Import names of common packages the zoos import whose distribution is named otherwise.
_THIRD_PARTY = {
    "cv2": "opencv-python",
    "PIL": "pillow",
    "yaml": "pyyaml",
    "sklearn": "scikit-learn",
    "skimage": "scikit-image",
    "bs4": "beautifulsoup4",
    "dateutil": "python-dateutil",
    "attr": "attrs",
}


def _is_missing(error: ModuleNotFoundError, module_name: str) -> bool:
    """Whether ``error`` says that ``module_name`` itself (or a package
    containing it) is not installed, rather than one of its dependencies."""
    missing = error.name
    if not missing:
        return False
    return module_name == missing or module_name.startswith(missing + ".")


def _distribution_absent(missing: str) -> bool:
    """Whether the missing module ``missing`` stands for a distribution that
    is not installed (a top-level package, a member of a namespace package,
    or an ``mmengine.<sub>`` member of this workspace) rather than a module
    missing from an installed package (a typo in the location)."""
    if "." not in missing or missing.startswith("mmengine."):
        return True
    parent = sys.modules.get(missing.rsplit(".", 1)[0])
    return parent is None or getattr(parent, "__file__", None) is None


def _workspace_member(location: str) -> bool:
    """Whether ``location`` lies in a package of this workspace (``mmengine.model...``)."""
    parts = location.split(".")
    return len(parts) > 1 and parts[0] == "mmengine" and parts[1] in _WORKSPACE_DISTRIBUTIONS


def _submodule_names(package_name: str) -> list[str]:
    """Names of the modules in the installed package ``package_name``."""
    import pkgutil

    package = sys.modules.get(package_name)
    path = getattr(package, "__path__", None)
    if path is None:
        return []
    return sorted(info.name for info in pkgutil.iter_modules(path))


def _location_failed(error: BaseException, location: str, registry_desc: str) -> BaseException:
    """The error to raise when importing the location ``location`` failed
    with ``error``: the same class, upstream's message first, then which
    location of which registry failed and what to do."""
    context = f'while importing "{location}", listed in `locations` of the {registry_desc}'
    if isinstance(error, ModuleNotFoundError) and error.name:
        missing = error.name
        not_installed = (
            _workspace_member(missing)
            if missing.startswith("mmengine.")
            else _distribution_absent(missing)
        )
        if _is_missing(error, location) and not_installed:
            detail = (
                f'"{missing}" is not installed: install it (pip install '
                f"{distribution_hint(missing)}) or fix the location in the registry's "
                "`locations`."
            )
        elif _is_missing(error, location):
            parent, _, leaf = missing.rpartition(".")
            near = closest(leaf, _submodule_names(parent), 1)
            hint = f' (did you mean "{parent}.{near[0]}"?)' if near else ""
            detail = (
                f'"{parent}" is installed but has no module "{leaf}"{hint}. Fix the '
                "location in the registry's `locations`."
            )
        else:
            detail = (
                f'it imports "{missing}", which is not installed: install it (pip install '
                f"{distribution_hint(missing)}) or fix that import."
            )
        new = ModuleNotFoundError(f"{error}\n{context}: {detail}", name=missing, path=error.path)
        return new
    if type(error) in (ImportError, ModuleNotFoundError):
        return type(error)(
            f"{error}\n{context}. Fix that import (the traceback above shows where it fails).",
            name=error.name,
            path=error.path,
        )
    note = f"{context} (its import raised {type(error).__name__}; the traceback shows where)"
    add_note(error, note)
    return error


def import_location(location: str, registry_desc: str, owner: str | None = None) -> None:
    """Import one ``locations`` entry of a registry.

    A location in a package of this workspace that is not installed (the root
    registries list ``mmengine.model``, which a config-only install lacks) is
    reported once with a warning naming the distribution. Any other location
    that cannot be imported raises, as in 0.10; every import error propagates with
    its class, its message first, then the location and the registry: a
    module missing from an installed package (a typo in ``locations``), a
    missing dependency, or an error raised by the module itself.

    Args:
        location (str): Dotted module name to import.
        registry_desc (str): Description of the registry, for messages.
        owner (str, optional): The registry as 0.10's DEBUG line names it once the
            location is imported (``mmpretrain's model registry``).
    """
    try:
        import_module(location)
    except ModuleNotFoundError as e:
        if not (
            _is_missing(e, location)
            and _distribution_absent(e.name or "")
            and _workspace_member(location)
        ):
            failed = _location_failed(e, location, registry_desc)
            if failed is e:
                raise
            raise failed from e
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
    except Exception as e:
        failed = _location_failed(e, location, registry_desc)
        if failed is e:
            raise
        raise failed from e
    else:
        print_log(
            f"Modules of {owner or 'the ' + registry_desc} have been automatically imported "
            f"from {location}",
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
        # Failed before; a lookup that did not warn then (``warn=False``)
        # must not keep the user from hearing about it now.
        if warn and scope in _absent_scopes:
            _warn_scope_absent(scope, module_name)
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
        else:
            _absent_scopes.add(scope)
            if warn:
                _warn_scope_absent(scope, module_name)
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


def _warn_scope_absent(scope: str, module_name: str) -> None:
    """Warn (once per scope) that ``<scope>.registry`` cannot be imported."""
    if scope in _warned_scopes:
        return
    _warned_scopes.add(scope)
    print_log(
        f'Failed to import `{module_name}` (the package "{scope}" is not '
        f"installed or has no registry.py), so its modules will not be "
        f"registered. If you want to use modules defined in {scope}, "
        f"install it with `pip install {distribution_hint(scope)}`.",
        logger="current",
        level=logging.WARNING,
    )


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
