"""Where an OpenMMLab package keeps its configs and metafiles, and what they list.

A package installed from PyPI ships its configs and metafiles under ``<package>/.mim``; a source
checkout installed in development mode keeps them in the repository root, beside the package.
Either folder holds ``model-index.yml``, whose ``Import`` list names the metafiles; each metafile
lists ``Models`` (``Name``, ``Alias``, ``Config``, ``Weights``, ...).
"""

from __future__ import annotations

import importlib
import os.path as osp
from collections.abc import Iterator

from mmengine.config.utils import MODULE2PACKAGE
from mmengine.fileio import load


def repo_or_mim_dir(scope: str) -> str:
    """The folder holding the configs and ``model-index.yml`` of the package ``scope``.

    Args:
        scope (str): Import name of the package (its registry scope), e.g. ``'mmdet'``.

    Returns:
        str: The repository root of a development install (it has ``configs/``), else the
        package's ``.mim`` folder.

    Raises:
        KeyError: If ``scope`` cannot be imported and is not a known OpenMMLab project.
        ImportError: If ``scope`` is a known OpenMMLab project that cannot be imported.
    """
    try:
        module = importlib.import_module(scope)
    except ImportError as exc:
        if scope not in MODULE2PACKAGE:
            raise KeyError(
                f"{scope} is not a valid scope. The available scopes are "
                f"{MODULE2PACKAGE.keys()}. (Importing {scope!r} failed: {exc}. The scope names "
                "the Python package whose metafiles list the models; install that package, or "
                "pass the scope of one that is installed.)"
            ) from exc
        project = MODULE2PACKAGE[scope]
        raise ImportError(
            f'Cannot import {scope} correctly, please try to install the {project} by "pip '
            f'install {project}" (importing it failed: {exc}).'
        ) from exc
    module_file = getattr(module, "__file__", None)
    if module_file is None:
        raise ImportError(
            f"{scope!r} is a namespace package without a folder of its own, so it has no "
            "metafiles; pass the scope of an OpenMMLab package (e.g. 'mmdet')."
        )
    package_dir = osp.dirname(osp.abspath(module_file))
    repo_dir = osp.dirname(package_dir)
    mim_dir = osp.join(package_dir, ".mim")
    # A development install: the repository root beside the package holds ``configs``. (An
    # unrelated ``configs`` folder in site-packages must not hide an installed ``.mim``.)
    if osp.isdir(osp.join(repo_dir, "configs")) and (
        osp.isfile(osp.join(repo_dir, "model-index.yml")) or not osp.isdir(mim_dir)
    ):
        return repo_dir
    return mim_dir


def iter_metafile_models(directory: str) -> Iterator[dict]:
    """Yield every model entry of the metafiles that ``<directory>/model-index.yml`` imports.

    Args:
        directory (str): A folder returned by :func:`repo_or_mim_dir`.

    Yields:
        dict: One ``Models`` entry (``Name``, ``Alias``, ``Config``, ``Weights``, ...).

    Raises:
        FileNotFoundError: If ``directory`` has no ``model-index.yml``.
    """
    index_file = osp.join(directory, "model-index.yml")
    if not osp.isfile(index_file):
        raise FileNotFoundError(
            f"No model index at {index_file}: the package does not ship metafiles there, so "
            "its models cannot be looked up by name. Pass a config path instead."
        )
    meta_index = load(index_file) or {}
    for meta_path in meta_index.get("Import", None) or []:
        metainfo = load(osp.join(directory, meta_path)) or {}
        yield from metainfo.get("Models", None) or []


def model_names(model_info: dict) -> list[str]:
    """The name and the aliases of a metafile model entry, in that order."""
    aliases = model_info.get("Alias", None) or []
    if isinstance(aliases, str):
        aliases = [aliases]
    return [str(model_info["Name"])] + [str(alias) for alias in aliases]
