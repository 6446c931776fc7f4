"""Installed-package queries and pip helpers (``importlib.metadata`` based)."""

from __future__ import annotations

import os.path as osp
import sys


def _find_spec(name: str):  # noqa: ANN202
    import importlib.util

    try:
        return importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None


def is_installed(package: str) -> bool:
    """Check package whether installed.

    A package counts as installed if a distribution of that name exists or
    an importable (non-namespace) module of that name can be found, e.g. on
    ``PYTHONPATH``.

    Args:
        package (str): Name of package to be checked.

    Returns:
        bool: Whether the package is installed.
    """
    import importlib.metadata

    try:
        importlib.metadata.distribution(package)
        return True
    except importlib.metadata.PackageNotFoundError:
        pass
    except ValueError:  # invalid distribution name
        pass
    spec = _find_spec(package)
    return spec is not None and spec.origin is not None


def package2module(package: str) -> str:
    """Infer the top-level module name of an installed distribution.

    Args:
        package (str): Distribution name, e.g. ``'mmcv-full'``.

    Returns:
        str: The module name, e.g. ``'mmcv'``.

    Raises:
        ValueError: If the module name cannot be inferred.
    """
    import importlib.metadata

    dist = importlib.metadata.distribution(package)
    top_level = dist.read_text("top_level.txt")
    if top_level:
        names = [line.strip() for line in top_level.splitlines() if line.strip()]
        # prefer public modules (pyyaml lists '_yaml' before 'yaml')
        names.sort(key=lambda name: name.startswith("_"))
        if names:
            return names[0]
    # No top_level.txt (e.g. wheels built by meson or hatch): look for a
    # regular package (``name/__init__.py``) or a top-level module file.
    for file in dist.files or []:
        parts = file.parts
        if len(parts) == 2 and parts[1] == "__init__.py":
            return parts[0]
    for file in dist.files or []:
        parts = file.parts
        if len(parts) == 1 and file.suffix == ".py":
            return file.stem
    raise ValueError(
        f"can not infer the module name of {package}: the distribution lists no "
        "top-level module (no top_level.txt and no package files)."
    )


def get_installed_path(package: str) -> str:
    """Get installed path of package.

    Args:
        package (str): Name of package.

    Returns:
        str: The directory holding the package's module.

    Raises:
        importlib.metadata.PackageNotFoundError: If the package is neither
            installed nor importable.
        RuntimeError: If ``package`` only resolves to a namespace package.

    Example:
        >>> from mmengine.utils import get_installed_path
        >>> get_installed_path('numpy')
        '.../site-packages/numpy'
    """
    import importlib.metadata

    try:
        dist = importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError:
        spec = _find_spec(package)
        if spec is None:
            raise
        if spec.origin is None:
            raise RuntimeError(
                f"{package} is a namespace package, which is invalid for `get_installed_path`"
            ) from None
        return osp.dirname(spec.origin)

    location = str(dist.locate_file(""))
    possible_path = osp.join(location, package)
    if osp.exists(possible_path):
        return possible_path
    try:
        module_name = package2module(package)
    except ValueError:
        # e.g. an editable install that only ships a .pth file
        module_name = package.replace("-", "_")
        if _find_spec(module_name) is None:
            raise
    possible_path = osp.join(location, module_name)
    if osp.exists(possible_path):
        return possible_path
    # Editable / path-configured installs: ask the import system.
    spec = _find_spec(module_name)
    if spec is not None:
        if spec.submodule_search_locations:
            return list(spec.submodule_search_locations)[0]
        if spec.origin is not None:
            return osp.dirname(spec.origin)
    return possible_path


def call_command(cmd: list) -> None:
    """Run ``cmd`` and raise :class:`subprocess.CalledProcessError` on failure.

    Args:
        cmd (list): The command and its arguments.
    """
    import subprocess

    subprocess.check_call(cmd)


def install_package(package: str) -> None:
    """Install ``package`` with pip unless it is already installed.

    Args:
        package (str): The distribution to install.
    """
    if not is_installed(package):
        call_command([sys.executable, "-m", "pip", "install", package])
