"""How the Visualizer builds its storage backends from ``vis_backends``."""

from __future__ import annotations

import copy
import inspect
import os
import os.path as osp
import warnings
from typing import Any, Optional

from mmengine.registry import VISBACKENDS

from .vis_backend import BaseVisBackend

# 0.10's sentence for vis_backends of a wrong type (a TypeError).
_TYPE_SENTENCE = "vis_backends must be a list of dicts or a list of BaseBackend instances"


def build_vis_backends(
    vis_backends: Any, save_dir: Optional[str], owner: str
) -> dict[str, BaseVisBackend]:
    """Build the backends from configs (or take built ones), keyed by name.

    Args:
        vis_backends (list, dict or BaseVisBackend, optional): Backend configs (dicts with
            ``type`` and optionally ``name`` and ``save_dir``) or built backends.
        save_dir (str, optional): The backends save to ``{save_dir}/vis_data`` unless their
            config sets a ``save_dir``. A backend that needs one is skipped (with a warning)
            when there is none.
        owner (str): The visualizer's instance name, for messages.

    Returns:
        dict[str, BaseVisBackend]: Each backend under its ``name`` field, or its type name.
    """
    if vis_backends is None:
        return {}
    if save_dir is not None and not isinstance(save_dir, (str, os.PathLike)):
        raise TypeError(
            f"Visualizer {owner!r}: save_dir should be a str (a folder), but got "
            f"{type(save_dir).__name__} {save_dir!r:.80}; pass a folder path such as "
            "save_dir='work_dirs/exp'"
        )
    if isinstance(vis_backends, (dict, BaseVisBackend)):
        vis_backends = [vis_backends]
    if not isinstance(vis_backends, (list, tuple)):
        raise TypeError(
            f"{_TYPE_SENTENCE}: Visualizer {owner!r} got vis_backends of type "
            f"{type(vis_backends).__name__} ({vis_backends!r:.80}); write e.g. "
            "vis_backends=[dict(type='LocalVisBackend')]"
        )
    for index, cfg in enumerate(vis_backends):
        _check_backend_item(cfg, index, owner)
    cfgs = [copy.deepcopy(dict(cfg)) if isinstance(cfg, dict) else cfg for cfg in vis_backends]
    _check_names(cfgs, owner)
    backend_save_dir = osp.join(save_dir, "vis_data") if save_dir is not None else None
    built: dict[str, BaseVisBackend] = {}
    for cfg in cfgs:
        name = None
        if isinstance(cfg, dict):
            name = cfg.pop("name", None)
            cfg.setdefault("save_dir", backend_save_dir)
            backend = VISBACKENDS.build(cfg)
        else:
            backend = cfg
        if _needs_save_dir(backend):
            warnings.warn(
                f"Failed to add {type(backend)}, please provide the `save_dir` argument. "
                f"(Visualizer {owner!r}: {type(backend).__name__} needs a save_dir and none "
                "was given; pass save_dir= to the Visualizer, or to the backend config, to "
                "store data.)",
                UserWarning,
                stacklevel=3,
            )
            continue
        built[name or type(backend).__name__] = backend
    return built


def _check_backend_item(cfg: Any, index: int, owner: str) -> None:
    """Raise TypeError for an entry of ``vis_backends`` that is neither a config nor a backend.

    Configs are dicts; built backends are usually ``BaseVisBackend`` instances, but any other
    object providing the backend methods is accepted too. Names, classes, numbers, None and
    nested lists are rejected.
    """
    if isinstance(cfg, (dict, BaseVisBackend)):
        return
    where = f"{_TYPE_SENTENCE}: Visualizer {owner!r} got vis_backends[{index}] = {cfg!r:.80}"
    if isinstance(cfg, str):
        raise TypeError(f"{where} (a str); write dict(type={cfg!r:.40}) instead")
    if isinstance(cfg, type):
        raise TypeError(
            f"{where} (a class); write dict(type={cfg.__name__}) or pass an instance, "
            f"{cfg.__name__}(save_dir=...)"
        )
    if cfg is None or isinstance(cfg, (int, float, bytes, list, tuple, set)):
        raise TypeError(
            f"{where} ({type(cfg).__name__}); each entry should be a config such as "
            "dict(type='LocalVisBackend') or a built backend"
        )


def _check_names(cfgs: list, owner: str) -> None:
    """Each backend is stored under its ``name`` field, or its type name without one (as in
    0.10, named and unnamed backends may be mixed): those keys must be unique."""
    keys = [
        (cfg.get("name") if isinstance(cfg, dict) else None) or backend_type_name(cfg)
        for cfg in cfgs
    ]
    duplicate = next((key for key in keys if keys.count(key) > 1), None)
    if duplicate is not None:
        raise RuntimeError(
            f"vis_backend name {duplicate} already exists: Visualizer {owner!r}: each vis "
            "backend is stored under its `name` field, or its type name when it has none, "
            f"and these must be unique, but got {keys}; please set a distinct `name` field "
            "for each backend"
        )


def backend_type_name(cfg: Any) -> str:
    """The type name of a backend config (its ``type``) or of a built backend."""
    if not isinstance(cfg, dict):
        return type(cfg).__name__
    if "type" not in cfg:
        raise KeyError(
            f'`cfg` or `default_args` must contain the key "type", but got {cfg}: a vis backend '
            "config must have a `type` key, such as dict(type='LocalVisBackend')"
        )
    backend_type = cfg["type"]
    return backend_type if isinstance(backend_type, str) else backend_type.__name__


def _needs_save_dir(backend: Any) -> bool:
    """Whether ``backend`` requires a ``save_dir`` (no default) but was given None."""
    if getattr(backend, "_save_dir", None) is not None:
        return False
    try:
        parameter = inspect.signature(type(backend).__init__).parameters.get("save_dir")
    except (TypeError, ValueError):
        return False
    return parameter is not None and parameter.default is inspect.Parameter.empty
