"""Configs and models of installed OpenMMLab packages, addressed as ``package::path``.

``get_config('mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py')`` reads the config that the
installed ``mmdet`` ships (listed in its ``.mim/model-index.yml`` metafiles, or found under
``.mim/configs``); ``get_model`` builds the model it describes, optionally with the pretrained
weights named in the metafile.

Unlike upstream, a missing package is never pip-installed behind the user's back: an
:class:`ImportError` names the package and the command that installs it.
"""

from __future__ import annotations

import importlib
import os.path as osp
from typing import Any

import torch.nn as nn

from mmengine.config import Config
from mmengine.config.utils import (
    PKG2PROJECT,
    _get_cfg_metainfo,
    _get_external_cfg_base_path,
    _get_package_and_cfg_path,
)
from mmengine.model.checkpoint import load_checkpoint
from mmengine.registry import MODELS, DefaultScope
from mmengine.utils import get_installed_path, install_package  # noqa: F401  (upstream's names)
from mmengine.utils._builtin_names import show_as_builtins
from mmengine.utils._messages import did_you_mean

__all__ = ["get_config", "get_model"]


class UnknownPackageError(AssertionError, ImportError):
    """A ``package::path`` whose package is neither installed nor an OpenMMLab one (0.10:
    AssertionError; an ImportError, as for a known package that is not installed)."""


show_as_builtins((UnknownPackageError, "AssertionError"))


def _split(cfg_path: str) -> tuple[str, str, str]:
    """``'mmseg::a/b.py'`` -> ``('mmseg', 'mmsegmentation', 'a/b.py')``.

    Returns:
        tuple[str, str, str]: The import name (also the registry scope), the
        distribution name (what ``pip install`` takes) and the config path inside the package.
    """
    distribution, rel_path = _get_package_and_cfg_path(cfg_path)
    module = cfg_path.split("::", 1)[0]
    return module, distribution, rel_path


def _package_path(module: str, distribution: str, cfg_path: str) -> str:
    """Install directory of an OpenMMLab package, or an ImportError saying how to install it."""
    for name in dict.fromkeys((distribution, module)):
        try:
            return get_installed_path(name)
        except Exception:  # not installed under that name; try the next one
            continue
    if module not in PKG2PROJECT:
        hint = did_you_mean(module, PKG2PROJECT)
        raise UnknownPackageError(
            f"mmengine does not support to load {module} config. {module!r} (in {cfg_path!r}) "
            f"is neither installed nor one of the OpenMMLab packages {sorted(PKG2PROJECT)}."
            f"{hint}"
        )
    raise ImportError(
        f"Cannot import {module} correctly, please try to install the {distribution} by "
        f'"pip install {distribution}". mmengine.hub needs the package {module!r} to read '
        f"{cfg_path!r}, and does not install packages itself: run `pip install {distribution}` "
        f"(or `mim install {distribution}`) and retry."
    )


def get_config(cfg_path: str, pretrained: bool = False) -> Config:
    """Get the config of an installed OpenMMLab package.

    The config is looked up in the package's metafiles (``.mim/model-index.yml`` and the
    files it imports); a config they do not list is read from ``.mim/configs/<path>``.

    Args:
        cfg_path (str): ``package::relative/path.py``, the path being relative to the
            package's ``configs`` folder, e.g.
            ``'mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py'``.
        pretrained (bool): Whether to set ``cfg.model_path`` to the URL or path of the
            pretrained weights given by the metafile's ``Weights``. Defaults to False.

    Returns:
        Config: The config.

    Raises:
        ImportError: If the package is not installed.
        AssertionError: If ``pretrained`` is True and the metafile gives no weights.

    Examples:
        >>> from mmengine.hub import get_config
        >>> # skipped: needs mmdet installed
        >>> cfg = get_config('mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py',  # doctest: +SKIP
        ...                  pretrained=True)
        >>> cfg.model_path  # the checkpoint URL listed in mmdet's metafile  # doctest: +SKIP
        'https://download.openmmlab.com/mmdetection/v2.0/faster_rcnn/...pth'
    """
    module, distribution, rel_path = _split(cfg_path)
    package_path = _package_path(module, distribution, cfg_path)
    try:
        metainfo: dict | None = _get_cfg_metainfo(package_path, rel_path)
    except ValueError:  # not listed in the metafiles (or no model index at all)
        metainfo = None
    if metainfo is not None:
        cfg_file = osp.join(package_path, ".mim", metainfo["Config"])
        if not osp.isfile(cfg_file):  # a source checkout keeps configs beside the package
            cfg_file = osp.join(package_path, metainfo["Config"])
    else:
        cfg_file = osp.join(package_path, ".mim", "configs", rel_path)
        try:
            cfg_file = _get_external_cfg_base_path(package_path, rel_path)
        except FileNotFoundError:
            pass  # Config.fromfile reports the missing file with upstream's message
    cfg = Config.fromfile(cfg_file)
    if pretrained:
        weights = (metainfo or {}).get("Weights")
        if not weights:
            where = (
                f"the metafile entry of {rel_path!r} ({metainfo.get('Name', '?')}) has no `Weights`"
                if metainfo is not None
                else f"{rel_path!r} is not listed in the metafiles of {module!r} "
                f"({osp.join(package_path, '.mim', 'model-index.yml')})"
            )
            raise AssertionError(
                "Cannot find `Weights` in cfg_file.metafile.yml, please check the metafile: "
                f"{cfg_path!r}: {where}, so there are no pretrained weights to load. "
                "Use pretrained=False, or load a checkpoint yourself."
            )
        cfg.model_path = weights
    return cfg


def get_model(cfg_path: str, pretrained: bool = False, **kwargs: Any) -> nn.Module:
    """Build the model described by a config of an installed OpenMMLab package.

    The model is built in the package's registry scope, after
    ``<package>.utils.register_all_modules()`` registered the package's modules. The config's
    top-level ``data_preprocessor`` (if any) becomes the model's.

    Args:
        cfg_path (str): ``package::relative/path.py``, see :func:`get_config`.
        pretrained (bool): Whether to load the pretrained weights named by the metafile.
            Defaults to False.
        **kwargs: Default arguments of the model (values the config does not set).

    Returns:
        nn.Module: The built model.

    Raises:
        ImportError: If the package, or its ``utils`` module, cannot be imported.

    Examples:
        >>> from mmengine.hub import get_model
        >>> # skipped: needs mmdet installed, and downloads the checkpoint
        >>> model = get_model('mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py',  # doctest: +SKIP
        ...                   pretrained=True)
    """
    module, _, _ = _split(cfg_path)
    cfg = get_config(cfg_path, pretrained)
    if "data_preprocessor" in cfg:
        cfg.model.data_preprocessor = cfg.data_preprocessor
    with DefaultScope.overwrite_default_scope(module):
        try:
            utils = importlib.import_module(f"{module}.utils")
        except ImportError as exc:
            raise ImportError(
                f"Cannot import {module}.utils: {exc}. mmengine.hub calls "
                f"`{module}.utils.register_all_modules()` to register the modules that "
                f"{cfg_path!r} uses; check that {module!r} is installed correctly."
            ) from exc
        register_all_modules = getattr(utils, "register_all_modules", None)
        if register_all_modules is None:
            raise ImportError(
                f"{module}.utils has no `register_all_modules`, which mmengine.hub calls to "
                f"register the modules that {cfg_path!r} uses. Is {module!r} an OpenMMLab "
                "package built on mmengine?"
            )
        register_all_modules()
        model = MODELS.build(cfg.model, default_args=kwargs)
    if pretrained:
        load_checkpoint(model, cfg.model_path, map_location="cpu")
        # Weights were loaded: a later init_weights() must not overwrite them.
        model._is_init = True
    return model
