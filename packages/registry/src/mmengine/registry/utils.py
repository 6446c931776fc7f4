"""Helpers around registries: statistics of registered modules and
``init_default_scope``."""

from __future__ import annotations

import logging
import os
import os.path as osp
from typing import Any, Optional

from mmengine.logging import print_log
from mmengine.utils._messages import closest

from ._exceptions import NotARegistryError, RegistryTypeError, RegistryValueError
from .default_scope import DefaultScope
from .registry import Registry, _known_scopes


def __getattr__(name: str) -> Any:
    # Upstream binds mmengine.fileio's ``dump`` here; imported on first access.
    if name == "dump":
        from mmengine.fileio import dump  # workspace: optional (installed with config)

        globals()["dump"] = dump
        return dump
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def traverse_registry_tree(registry: Registry, verbose: bool = True) -> list:
    """Traverse the whole registry tree from any given node, and collect
    information of all registered modules in this registry tree.

    The tree is walked from its root, depth-first, children in insertion
    order, so the result is the same from any node of the tree. Every node is
    listed, empty ones included.

    Args:
        registry (Registry): a registry node in the registry tree.
        verbose (bool): Whether to print log. Defaults to True.

    Returns:
        list: Statistic results of all modules in each node of the registry
        tree: one dict per registry, with keys ``num_modules``, ``scope`` and,
        for each folder (module path with ``/`` separators, without the file)
        the list of names registered from there.
    """
    if not isinstance(registry, Registry):
        raise NotARegistryError(
            f"{type(registry).__name__!r} object has no attribute 'root'\n"
            "traverse_registry_tree expects a Registry, such as "
            f"mmengine.registry.MODELS, but got {registry!r:.80} "
            f"({type(registry).__name__})."
        )
    root_registry = registry._get_root_registry()
    modules_info: list = []

    def visit(node: Registry) -> None:
        num_modules = len(node.module_dict)
        info: dict = dict(num_modules=num_modules, scope=node.scope)
        for name, registered in node.module_dict.items():
            module_path = getattr(registered, "__module__", None) or ""
            folder = "/".join(module_path.split(".")[:-1])
            info.setdefault(folder, []).append(name)
        if verbose:
            print_log(
                f"Find {num_modules} modules in {node.scope}'s '{node.name}' registry ",
                logger="current",
            )
        modules_info.append(info)
        for child in node.children.values():
            visit(child)

    visit(root_registry)
    return modules_info


# The packages whose modules register into the root registries, imported by
# ``count_registered_modules`` when installed (they need torch).
_REGISTERING_PACKAGES = (
    "mmengine.dataset",
    "mmengine.evaluator",
    "mmengine.hooks",
    "mmengine.model",
    "mmengine.optim",
    "mmengine.runner",
    "mmengine.visualization",
)


def _import_registering_packages(verbose: bool) -> None:
    """Import the installed packages of :data:`_REGISTERING_PACKAGES`.

    A package that is not installed, or whose third-party requirement (torch)
    is missing, is skipped (logged when ``verbose``); a package that fails to
    import for another reason is skipped with a warning naming the error.
    """
    import importlib

    for package in _REGISTERING_PACKAGES:
        try:
            importlib.import_module(package)
        except ModuleNotFoundError as e:
            missing = e.name or str(e)
            absent = package.startswith(missing) or not missing.startswith("mmengine.")
            if not absent:
                _warn_broken(package, e)
            elif verbose:
                print_log(
                    f"count_registered_modules: skipped {package} ({missing} is not installed)",
                    logger="current",
                )
        except ImportError as e:
            _warn_broken(package, e)


def _warn_broken(package: str, error: Exception) -> None:
    print_log(
        f"count_registered_modules: {package} is installed but failed to import "
        f"({type(error).__name__}: {error}); the modules it registers are not counted.",
        logger="current",
        level=logging.WARNING,
    )


def count_registered_modules(save_path: Optional[str] = None, verbose: bool = True) -> dict:
    """Scan all modules in MMEngine's root and child registries and dump to
    json.

    The installed mmengine packages that register modules (dataset,
    evaluator, hooks, model, optim, runner and visualization) are imported
    first, so every root registry lists its built-ins.

    Args:
        save_path (str, optional): Directory in which to save the json file
            ``modules_statistic_results.json``. Defaults to None (not saved).
        verbose (bool): Whether to print log. Defaults to True.

    Returns:
        dict: Statistic results of all registered modules, with keys
        ``scan_date`` (``'%Y-%m-%d %H:%M:%S'``) and ``registries`` (root
        registry attribute name -> result of :func:`traverse_registry_tree`).
    """
    from . import root

    if save_path is not None:
        _check_save_dir(save_path)
    _import_registering_packages(verbose)
    registries_info = {}
    for attr in dir(root):
        if attr.startswith("__"):
            continue
        registry = getattr(root, attr)
        if isinstance(registry, Registry):
            registries_info[attr] = traverse_registry_tree(registry, verbose)
    scan_data = dict(
        scan_date=_now().strftime("%Y-%m-%d %H:%M:%S"),
        registries=registries_info,
    )
    if verbose:
        print_log(f"Finish registry analysis, got: {scan_data}", logger="current")
    if save_path is not None:
        json_path = osp.join(save_path, "modules_statistic_results.json")
        os.makedirs(save_path, exist_ok=True)
        with open(json_path, "w", encoding="utf-8") as f:
            import json

            json.dump(scan_data, f, indent=2)
        if verbose:
            print_log(f"Result has been saved to {json_path}", logger="current")
    return scan_data


def _check_save_dir(save_path: Any) -> None:
    """Fail before scanning when ``save_path`` cannot be the output directory."""
    if not isinstance(save_path, (str, os.PathLike)):
        raise TypeError(
            f"expected str, bytes or os.PathLike object, not {type(save_path).__name__}\n"
            "save_path of count_registered_modules is the directory to write "
            f"modules_statistic_results.json in; got {save_path!r:.80}."
        )
    if osp.exists(save_path) and not osp.isdir(save_path):
        import errno

        raise FileExistsError(
            errno.EEXIST,
            "File exists (save_path of count_registered_modules must be a directory to "
            "write modules_statistic_results.json in, but it is a file; give a directory)",
            os.fspath(save_path),
        )


def init_default_scope(scope: str) -> None:
    """Initialize the given default scope.

    Creates (or re-activates) a :class:`DefaultScope` named ``scope`` so that
    registries resolve names in ``scope`` first. If a different default scope
    is current, a warning is logged and ``scope`` becomes current.

    Args:
        scope (str): The name of the default scope.
    """
    if not isinstance(scope, str):
        raise RegistryTypeError(
            f"type of name should be str, but got {type(scope)}\ninit_default_scope takes "
            'the scope name of a package, such as "mmdet" (the `default_scope` of the '
            f"config); got {scope!r:.60}."
        )
    if not scope:
        raise RegistryValueError(
            "name argument must be an non-empty string.\ninit_default_scope takes the "
            'scope name of a package, such as "mmdet" (the `default_scope` of the config), '
            "but got ''."
        )
    if scope not in _known_scopes:
        _warn_unknown_scope(scope)
    current = DefaultScope.get_current_instance()
    if current is None or not DefaultScope.check_instance_created(scope):
        DefaultScope.get_instance(scope, scope_name=scope)
        return
    if current.scope_name != scope:
        print_log(
            f'The current default scope "{current.scope_name}" is not "{scope}", '
            "`init_default_scope` will force set the current default scope to "
            f'"{scope}".',
            logger="current",
            level=logging.WARNING,
        )
        # avoid name conflict
        new_instance_name = f"{scope}-{_now()}"
        DefaultScope.get_instance(new_instance_name, scope_name=scope)


_warned_unknown_scopes: set[str] = set()


def _warn_unknown_scope(scope: str) -> None:
    """Warn (once) about a default scope that no registry has and no
    installed package provides: names in configs would then be looked up in
    the wrong registries (a typo such as "mmdett")."""
    from mmengine.config.utils import MODULE2PACKAGE

    # An OpenMMLab package that is not installed is a missing install, not a
    # typo: its builds fail with their own message.
    if scope in _warned_unknown_scopes or scope in MODULE2PACKAGE:
        return
    import importlib.util

    try:
        if importlib.util.find_spec(scope) is not None:
            return
    except (ImportError, ValueError):
        pass
    _warned_unknown_scopes.add(scope)
    candidates = sorted(set(_known_scopes) | set(MODULE2PACKAGE))
    near = closest(scope, candidates, 1, 0.75)
    hint = f' Did you mean "{near[0]}"?' if near else ""
    print_log(
        f'init_default_scope("{scope}"): no registry has the scope "{scope}" and no '
        f'package named "{scope}" is installed, so names in configs are looked up in '
        f"the registries of another scope (with warnings).{hint} Install the package "
        "or fix the `default_scope` of the config.",
        logger="current",
        level=logging.WARNING,
    )


def _now():  # noqa: ANN202
    """``datetime.datetime.now()``, importing datetime only when needed."""
    import datetime

    return datetime.datetime.now()
