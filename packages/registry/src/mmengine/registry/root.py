"""The root registries of MMEngine.

Every registry of a downstream library (mmdet, mmpretrain, ...) is created
with one of these as its ``parent``, which links the whole ecosystem into one
tree per kind of module. Each root registry lists in ``locations`` the
mmengine subpackages that register into it, so that, e.g.,
``OPTIMIZERS.get('SGD')`` works without importing ``mmengine.optim`` first.
A location whose distribution is not installed is skipped with a warning.
"""

from __future__ import annotations

from .build_functions import (
    build_model_from_cfg,
    build_optimizer_from_cfg,
    build_runner_from_cfg,
    build_scheduler_from_cfg,
)
from .registry import Registry

# manage all kinds of runners like `EpochBasedRunner` and `IterBasedRunner`
RUNNERS = Registry(
    "runner", build_func=build_runner_from_cfg, scope="mmengine", locations=["mmengine.runner"]
)
# manage runner constructors that define how to initialize runners
RUNNER_CONSTRUCTORS = Registry("runner constructor", scope="mmengine")
# manage all kinds of loops like `EpochBasedTrainLoop`
LOOPS = Registry("loop", scope="mmengine", locations=["mmengine.runner"])
# manage all kinds of hooks like `CheckpointHook`
HOOKS = Registry("hook", scope="mmengine", locations=["mmengine.hooks"])

# manage all kinds of strategies like `NativeStrategy` and `DDPStrategy`
STRATEGIES = Registry("strategy", scope="mmengine", locations=["mmengine.runner"])

# manage data-related modules
DATASETS = Registry("dataset", scope="mmengine", locations=["mmengine.dataset"])
DATA_SAMPLERS = Registry("data sampler", scope="mmengine", locations=["mmengine.dataset"])
TRANSFORMS = Registry("transform", scope="mmengine", locations=["mmengine.dataset"])

# mangage all kinds of modules inheriting `nn.Module`
MODELS = Registry("model", build_model_from_cfg, scope="mmengine", locations=["mmengine.model"])
# mangage all kinds of model wrappers like 'MMDistributedDataParallel'
MODEL_WRAPPERS = Registry("model_wrapper", scope="mmengine", locations=["mmengine.model"])
# mangage all kinds of weight initialization modules like `Uniform`
WEIGHT_INITIALIZERS = Registry("weight initializer", scope="mmengine", locations=["mmengine.model"])

# mangage all kinds of optimizers like `SGD` and `Adam`
OPTIMIZERS = Registry(
    "optimizer",
    build_func=build_optimizer_from_cfg,
    scope="mmengine",
    locations=["mmengine.optim"],
)
# manage optimizer wrapper
OPTIM_WRAPPERS = Registry("optim_wrapper", scope="mmengine", locations=["mmengine.optim"])
# manage constructors that customize the optimization hyperparameters.
OPTIM_WRAPPER_CONSTRUCTORS = Registry(
    "optimizer wrapper constructor", scope="mmengine", locations=["mmengine.optim"]
)
# mangage all kinds of parameter schedulers like `MultiStepLR`
PARAM_SCHEDULERS = Registry(
    "parameter scheduler",
    build_func=build_scheduler_from_cfg,
    scope="mmengine",
    locations=["mmengine.optim"],
)

# manage all kinds of metrics
METRICS = Registry("metric", scope="mmengine", locations=["mmengine.evaluator"])
# manage evaluator
EVALUATOR = Registry("evaluator", scope="mmengine", locations=["mmengine.evaluator"])

# manage task-specific modules like anchor generators and box coders
TASK_UTILS = Registry("task util", scope="mmengine")

# manage visualizer
VISUALIZERS = Registry("visualizer", scope="mmengine", locations=["mmengine.visualization"])
# manage visualizer backend
VISBACKENDS = Registry("vis_backend", scope="mmengine", locations=["mmengine.visualization"])

# manage logprocessor
LOG_PROCESSORS = Registry("log_processor", scope="mmengine", locations=["mmengine.runner"])

# manage inferencer
INFERENCERS = Registry("inferencer", scope="mmengine")

# manage function
FUNCTIONS = Registry("function", scope="mmengine", locations=["mmengine.dataset"])
