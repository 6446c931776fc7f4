"""The Runner, its loops, log processing, checkpoint IO and hook priorities."""

import mmengine.utils._coexist  # noqa: F401 - refuses to run next to upstream mmengine

from ._flexible_runner import FlexibleRunner
from .activation_checkpointing import turn_on_activation_checkpointing
from .amp import autocast
from .base_loop import BaseLoop
from .checkpoint import (
    CheckpointLoader,
    find_latest_checkpoint,
    get_deprecated_model_names,
    get_external_models,
    get_mmcls_models,
    get_state_dict,
    get_torchvision_models,
    load_checkpoint,
    load_state_dict,
    save_checkpoint,
    weights_to_cpu,
)
from .checkpoint_store import CheckpointStore
from .eval_loops import DataLoaderGroup
from .log_processor import LogProcessor
from .loops import EpochBasedTrainLoop, IterBasedTrainLoop, TestLoop, ValLoop
from .priority import Priority, get_priority
from .runner import Runner
from .state import LoadPlan, TrainState
from .utils import set_random_seed

__all__ = [
    "BaseLoop",
    "CheckpointStore",
    "CheckpointLoader",
    "DataLoaderGroup",
    "EpochBasedTrainLoop",
    "FlexibleRunner",
    "IterBasedTrainLoop",
    "LoadPlan",
    "LogProcessor",
    "Priority",
    "Runner",
    "TestLoop",
    "TrainState",
    "ValLoop",
    "autocast",
    "find_latest_checkpoint",
    "get_deprecated_model_names",
    "get_external_models",
    "get_mmcls_models",
    "get_priority",
    "get_state_dict",
    "get_torchvision_models",
    "load_checkpoint",
    "load_state_dict",
    "save_checkpoint",
    "set_random_seed",
    "turn_on_activation_checkpointing",
    "weights_to_cpu",
]
