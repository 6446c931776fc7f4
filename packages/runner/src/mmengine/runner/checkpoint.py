"""Checkpoint IO (``mmengine.runner.checkpoint``).

The implementation lives in :mod:`mmengine.model.checkpoint`, the lowest package that needs it
(weight initialisation loads pretrained checkpoints); this module keeps upstream's import path.
"""

from mmengine.model.checkpoint import (  # noqa: F401  (upstream's private helpers too)
    CheckpointLoader,
    UnsafeCheckpointError,
    _get_mmengine_home,
    _load_checkpoint,
    _load_checkpoint_to_model,
    _load_checkpoint_with_prefix,
    _process_mmcls_checkpoint,
    find_latest_checkpoint,
    get_deprecated_model_names,
    get_external_models,
    get_mmcls_models,
    get_state_dict,
    get_torchvision_models,
    load_checkpoint,
    load_from_ceph,
    load_from_http,
    load_from_local,
    load_from_mmcls,
    load_from_openmmlab,
    load_from_pavi,
    load_from_torchvision,
    load_state_dict,
    save_checkpoint,
    weights_to_cpu,
)

__all__ = [
    "CheckpointLoader",
    "UnsafeCheckpointError",
    "find_latest_checkpoint",
    "get_deprecated_model_names",
    "get_external_models",
    "get_mmcls_models",
    "get_state_dict",
    "get_torchvision_models",
    "load_checkpoint",
    "load_from_ceph",
    "load_from_http",
    "load_from_local",
    "load_from_mmcls",
    "load_from_openmmlab",
    "load_from_pavi",
    "load_from_torchvision",
    "load_state_dict",
    "save_checkpoint",
    "weights_to_cpu",
]
