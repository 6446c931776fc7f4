"""Runner: composes a training run from a config and drives the loops.

Construction calls the free functions of :mod:`.build` in a visible order; checkpoint
contents are in :mod:`.checkpointing`, hook dispatch in :mod:`.hook_table`, graceful stops
and failure checkpoints in :mod:`.resilience`.
"""

from __future__ import annotations

import copy
import gc
import inspect
import os
import os.path as osp
from collections.abc import Callable
from typing import Any

from torch import nn
from torch.optim import Optimizer
from torch.utils.data import DataLoader

from mmengine._strategy._environment import log_env
from mmengine.config import Config, ConfigDict
from mmengine.config.parsing import add_note
from mmengine.dist import is_main_process, master_only
from mmengine.evaluator import Evaluator
from mmengine.fileio import join_path, put_text
from mmengine.hooks import Hook
from mmengine.hooks.checkpoint_store import CheckpointStore
from mmengine.logging import MessageHub, MMLogger
from mmengine.model import is_model_wrapper
from mmengine.model.checkpoint import (  # noqa: F401  (weights_to_cpu: upstream's global)
    _load_checkpoint,
    _load_checkpoint_to_model,
    checkpoint_state_dict,
    save_checkpoint,
    weights_to_cpu,
)
from mmengine.optim import OptimWrapper, OptimWrapperDict, _ParamScheduler
from mmengine.registry import RUNNERS, DefaultScope
from mmengine.visualization import Visualizer

from . import build, checkpointing, validation_record
from ._upstream_names import bind_names
from .base_loop import BaseLoop
from .build import DEFAULT_HOOKS, ParamSchedulerType
from .cfg_keys import runner_kwargs
from .hook_table import HookTable, merge_default_hooks
from .log_processor import LogProcessor
from .preemption import StopRequest
from .priority import Priority
from .resilience import run_train_loop
from .state import LoadPlan, TrainState
from .utils import set_random_seed
from .views import adopt_train_loop, loop_view, plan_field, spec_view

# Further names 0.10 has in this module (code imports or patches them here).
bind_names(
    globals(),
    """
mmengine.dataset: worker_init_fn=default_worker_init_fn
mmengine.device: get_device
mmengine.dist: broadcast get_dist_info get_rank get_world_size init_dist is_distributed
mmengine.fileio: FileClient
mmengine.logging: print_log
mmengine.model: MMDistributedDataParallel convert_sync_batchnorm revert_sync_batchnorm
mmengine.model.checkpoint: find_latest_checkpoint
mmengine.optim: build_optim_wrapper
mmengine.registry: DATA_SAMPLERS DATASETS EVALUATOR FUNCTIONS HOOKS LOG_PROCESSORS LOOPS
mmengine.registry: MODEL_WRAPPERS MODELS OPTIM_WRAPPERS PARAM_SCHEDULERS VISUALIZERS
mmengine.utils: apply_to digit_version get_git_hash is_seq_of
mmengine.utils.dl_utils: TORCH_VERSION collect_env set_multi_processing
mmengine.model.efficient_conv_bn_eval: turn_on_efficient_conv_bn_eval
mmengine.runner.activation_checkpointing: turn_on_activation_checkpointing
mmengine.runner.loops: EpochBasedTrainLoop IterBasedTrainLoop TestLoop ValLoop
mmengine.runner.priority: get_priority
mmengine.runner.build: _SlicedDataset
""",
)

ConfigType = dict | Config | ConfigDict


@RUNNERS.register_module()
class Runner:
    """A training helper for PyTorch: train, validate and test a model from a config.

    Build it with ``Runner.from_cfg(cfg)`` or the arguments below. Dataloaders, loops,
    optimizer wrapper, schedulers and evaluators are built when a task needs them; until
    then the attributes 0.10 exposes hold their configs, as upstream's do.

    Args:
        model (nn.Module or dict): the model, or its config (built with ``MODELS``).
        work_dir (str): checkpoints and config go here, logs to ``work_dir/<timestamp>``.
        train_dataloader, val_dataloader, test_dataloader (DataLoader or dict, optional):
            the dataloaders or their configs (``dataset``, ``sampler``, ``batch_size``...).
        train_cfg, val_cfg, test_cfg (dict, optional): the loops (``type`` or ``by_epoch``,
            ``max_epochs``/``max_iters``, ``val_begin``, ``val_interval``).
        auto_scale_lr (dict, optional): ``dict(base_batch_size=..., enable=True)``.
        optim_wrapper, param_scheduler, val_evaluator, test_evaluator (optional): the
            optimizer wrapper, schedulers and evaluators, or their configs.
        default_hooks (dict, optional): default hooks overridden by name (None removes one);
            custom_hooks (list, optional): further hooks or their configs.
        data_preprocessor (dict, optional): the model config's default ``data_preprocessor``.
        load_from (str, optional), resume (bool): the checkpoint to load, or resume from
            (``load_from`` or the work dir's latest).
        launcher (str): 'none', 'pytorch', 'slurm' or 'mpi'; env_cfg (dict):
            ``cudnn_benchmark``, ``mp_cfg``, ``dist_cfg``.
        log_processor (dict, optional), log_level (str or int), visualizer (optional).
        default_scope (str, optional): the registry scope (None creates none).
        randomness (dict): ``seed``, ``diff_rank_seed``, ``deterministic``.
        experiment_name (str, optional): defaults to ``<config name>_<timestamp>``.
        cfg (dict or Config, optional): the full config (logged, dumped, in checkpoints).
    """

    def __init__(
        self,
        model: nn.Module | dict,
        work_dir: str,
        train_dataloader: DataLoader | dict | None = None,
        val_dataloader: DataLoader | dict | None = None,
        test_dataloader: DataLoader | dict | None = None,
        train_cfg: dict | None = None,
        val_cfg: dict | None = None,
        test_cfg: dict | None = None,
        auto_scale_lr: dict | None = None,
        optim_wrapper: OptimWrapper | dict | None = None,
        param_scheduler: _ParamScheduler | dict | list | None = None,
        val_evaluator: Evaluator | dict | list | None = None,
        test_evaluator: Evaluator | dict | list | None = None,
        default_hooks: dict[str, Hook | dict | None] | None = None,
        custom_hooks: list[Hook | dict] | None = None,
        data_preprocessor: nn.Module | dict | None = None,
        load_from: str | None = None,
        resume: bool = False,
        launcher: str = "none",
        env_cfg: dict = dict(dist_cfg=dict(backend="nccl")),  # noqa: B006,B008 (upstream's)
        log_processor: dict | None = None,
        log_level: str | int = "INFO",
        visualizer: Visualizer | dict | None = None,
        default_scope: str | None = "mmengine",
        randomness: dict = dict(seed=None),  # noqa: B006,B008 (upstream's)
        experiment_name: str | None = None,
        cfg: ConfigType | None = None,
    ) -> None:
        build.check_runner_arguments(locals())
        self._work_dir = osp.abspath(work_dir)
        os.makedirs(self._work_dir, exist_ok=True)
        self.cfg = build.config_of(cfg)
        # each task's loop inputs, and its loop once built (0.10's `_train_loop`... view them)
        self._loop_specs = build.loop_specs(locals())
        self._loops: dict[str, BaseLoop] = {}
        self.optim_wrapper, self.param_schedulers = optim_wrapper, param_scheduler
        self.auto_scale_lr: dict | None = auto_scale_lr
        self.load_plan = LoadPlan(load_from, resume)
        self.train_state = TrainState()  # advanced by the train loop, saved in checkpoints
        self._progress: Any = self.train_state  # or a custom loop keeping its own counters
        self._compose(launcher, env_cfg, randomness, experiment_name, default_scope, log_level,
                      log_processor)  # fmt: skip
        self.message_hub = self.build_message_hub()
        self.visualizer = self.build_visualizer(visualizer)
        if self._cfg_renderable:
            self.visualizer.add_config(self.cfg)
        self._compile = self.cfg.get("compile", False)
        if isinstance(model, dict) and data_preprocessor is not None:
            model.setdefault("data_preprocessor", data_preprocessor)
        self.model = self.wrap_model(self.cfg.get("model_wrapper_cfg"), self.build_model(model))
        self._model_name = self._unwrapped_model().__class__.__name__
        # never lose work: the checkpoint store (the CheckpointHook's) and stop requests
        self.checkpoint_store: CheckpointStore | None = None
        self.stop_request = StopRequest()
        self._hook_table = HookTable()
        self.register_hooks(default_hooks, custom_hooks)
        self.logger.info(f"Hooks will be executed in the following order:\n{self.get_hooks_info()}")
        self.dump_config()

    def _compose(self, launcher: str, env_cfg: dict, randomness: dict, experiment_name: str | None,
                 default_scope: str | None, log_level: str | int,
                 log_processor: dict | None) -> None:  # fmt: skip
        """Environment, randomness, directories, scope, log processor, logger and the config in
        the log (the log processor before the logger, as in 0.10: what its build warns of is
        printed, not written to the run's log file)."""
        env_cfg = copy.deepcopy(dict(env_cfg)) if env_cfg is not None else {}
        self._launcher, self._distributed = launcher, launcher != "none"
        self.setup_env(env_cfg)
        self.randomness = dict(randomness) if randomness is not None else dict(seed=None)
        self.set_randomness(**self.randomness)
        self._experiment_name, self._timestamp = build.unique_run_names(
            build.experiment_name_of(experiment_name, self.cfg, self._timestamp), self._timestamp
        )
        self._log_dir = osp.join(self._work_dir, self._timestamp)
        os.makedirs(self._log_dir, exist_ok=True)
        self.default_scope: DefaultScope | None = None
        if default_scope is not None:
            self.default_scope = DefaultScope.get_instance(
                self._experiment_name, scope_name=default_scope
            )
        self.log_processor = self.build_log_processor(log_processor or dict())
        self.logger = self.build_logger(log_level=log_level)
        self._log_env(env_cfg)
        self.cfg_text, self._cfg_renderable = (
            build.config_text_of(self.cfg) if self.cfg else ("", False)
        )
        if self.cfg:
            self.logger.info(f"Config:\n{self.cfg_text}")

    # ================================================================== construction
    @classmethod
    def from_cfg(cls, cfg: ConfigType) -> Runner:
        """Build a runner from a config whose keys are this class's arguments."""
        return cls(**cls._kwargs_from_cfg(copy.deepcopy(cfg)))

    @classmethod
    def _kwargs_from_cfg(cls, cfg: ConfigType) -> dict:
        """The constructor arguments a config gives (absent keys take their defaults)."""
        return runner_kwargs(cfg, inspect.signature(Runner.__init__).parameters, cls.__name__)

    def setup_env(self, env_cfg: dict) -> None:
        """Set cuDNN benchmark, multiprocessing options and the distributed environment."""
        self._rank, self._world_size, self._timestamp = build.setup_env(env_cfg, self._launcher)

    def set_randomness(
        self, seed: int | None, diff_rank_seed: bool = False, deterministic: bool = False
    ) -> None:
        """Seed every random generator (see :func:`set_random_seed`)."""
        self._deterministic = deterministic
        self._seed = set_random_seed(
            seed=seed, deterministic=deterministic, diff_rank_seed=diff_rank_seed
        )

    def _log_env(self, env_cfg: dict) -> None:
        log_env(self.logger, env_cfg, self.randomness, self._seed, self._launcher,
                      self._world_size)  # fmt: skip

    def build_logger(
        self, log_level: int | str = "INFO", log_file: str | None = None, **kwargs: Any
    ) -> MMLogger:
        """Build the run's :class:`MMLogger`, logging to ``<log_dir>/<timestamp>.log``."""
        if log_file is None:
            log_file = osp.join(self._log_dir, f"{self._timestamp}.log")
        return build.build_logger(self._experiment_name, log_file, log_level, **kwargs)

    def build_message_hub(self, message_hub: dict | None = None) -> MessageHub:
        """Build the run's :class:`MessageHub` (named after the experiment by default)."""
        return build.build_message_hub(message_hub, self._experiment_name)

    def build_visualizer(self, visualizer: Visualizer | dict | None = None) -> Visualizer:
        """Build the visualizer; by default a local backend writing under the log dir."""
        return build.build_visualizer(visualizer, self._experiment_name, self._log_dir)

    def build_model(self, model: nn.Module | dict) -> nn.Module:
        """Return ``model`` if it is a module, else build it with the ``MODELS`` registry."""
        return build.build_model(model)

    def wrap_model(self, model_wrapper_cfg: dict | None, model: nn.Module) -> nn.Module:
        """Move the model to the device and, when distributed, wrap it (DDP by default);
        not distributed, revert every SyncBN layer to a plain batch norm."""
        return build.wrap_model(model, model_wrapper_cfg, self._distributed, self.cfg, self.logger)

    def build_optim_wrapper(
        self, optim_wrapper: Optimizer | OptimWrapper | dict
    ) -> OptimWrapper | OptimWrapperDict:
        """Build the optimizer wrapper (or a dict of them) for the model."""
        return build.build_optim_wrapper(self.model, optim_wrapper)

    def scale_lr(self, optim_wrapper: OptimWrapper, auto_scale_lr: dict | None = None) -> None:
        """Scale the learning rates linearly with ``world_size * batch_size / base_batch_size``
        (before the schedulers are built)."""
        build.scale_lr(optim_wrapper, auto_scale_lr, self._loop_specs["train"].dataloader,
                       self._world_size, self.param_schedulers, self.logger)  # fmt: skip

    def build_param_scheduler(self, scheduler: _ParamScheduler | dict | list) -> ParamSchedulerType:
        """Build the parameter schedulers: a list, or a dict of lists per optimizer."""
        limits = None
        if self.loop_configured("train"):
            limits = lambda: (self.max_epochs, self.max_iters, len(self.train_dataloader))  # noqa: E731
        return build.build_param_schedulers(scheduler, self.optim_wrapper, limits)

    def build_evaluator(self, evaluator: Evaluator | dict | list) -> Evaluator:
        """Build an :class:`Evaluator` from an evaluator, a metric config or a list of them."""
        return build.build_evaluator(evaluator)

    @staticmethod
    def build_dataloader(
        dataloader: DataLoader | dict, seed: int | None = None, diff_rank_seed: bool = False
    ) -> DataLoader:
        """Build a DataLoader: dataset, sampler (and batch sampler), collate and worker init."""
        return build.build_dataloader(dataloader, seed=seed, diff_rank_seed=diff_rank_seed)

    def build_train_loop(self, loop: BaseLoop | dict) -> BaseLoop:
        """Build the train loop: ``type`` from ``LOOPS``, or ``by_epoch`` choosing the loop."""
        return build.build_train_loop(self, loop, self._loop_specs["train"].dataloader)

    def build_val_loop(self, loop: BaseLoop | dict) -> BaseLoop:
        """Build the validation loop (``ValLoop`` unless ``type`` says otherwise)."""
        spec = self._loop_specs["val"]
        return build.build_eval_loop(self, loop, "val", spec.dataloader, spec.evaluator)

    def build_test_loop(self, loop: BaseLoop | dict) -> BaseLoop:
        """Build the test loop (``TestLoop`` unless ``type`` says otherwise)."""
        spec = self._loop_specs["test"]
        return build.build_eval_loop(self, loop, "test", spec.dataloader, spec.evaluator)

    def build_log_processor(self, log_processor: LogProcessor | dict) -> LogProcessor:
        """Build the :class:`LogProcessor`."""
        return build.build_log_processor(log_processor)

    @master_only
    def dump_config(self) -> None:
        """Write the config to the work dir (under its own file name or the timestamp).

        A runner built without ``cfg`` writes an empty ``<timestamp>.py``, as 0.10 does.
        """
        name = osp.basename(self.cfg.filename) if self.cfg.filename else f"{self._timestamp}.py"
        put_text(self.cfg_text or "\n", osp.join(self._work_dir, name))

    # ================================================================== properties
    experiment_name = property(lambda self: self._experiment_name, doc="str: the experiment.")
    model_name = property(lambda self: self._model_name, doc="str: the (unwrapped) model class.")
    work_dir = property(lambda self: self._work_dir, doc="str: checkpoints and config go here.")
    log_dir = property(lambda self: self._log_dir, doc="str: this run's logs go here.")
    timestamp = property(lambda self: self._timestamp, doc="str: the start, shared by ranks.")
    launcher = property(lambda self: self._launcher, doc="str: the launcher.")
    distributed = property(lambda self: self._distributed, doc="bool: whether distributed.")
    rank = property(lambda self: self._rank, doc="int: this process's rank.")
    world_size = property(lambda self: self._world_size, doc="int: the number of processes.")
    deterministic = property(lambda self: self._deterministic, doc="bool: deterministic ops.")
    seed = property(lambda self: self._seed, doc="int: the random seed.")
    hooks = _hooks = property(lambda self: self._hook_table.hooks, doc="list[Hook]: by priority.")

    def _loop(self, stage: str) -> BaseLoop | None:
        """The ``stage`` loop, built from its config on first use (0.10's contract, R2)."""
        loop = self._loops.get(stage)
        if loop is None and self._loop_specs[stage].cfg is not None:
            loop = getattr(self, f"build_{stage}_loop")(self._loop_specs[stage].cfg)
            self._loops[stage] = loop
            if stage == "train":
                adopt_train_loop(self, loop)
        return loop

    _train_loop, _val_loop, _test_loop = map(loop_view, ("train", "val", "test"))
    _train_dataloader, _val_dataloader, _test_dataloader = (
        spec_view(stage, "dataloader") for stage in ("train", "val", "test")
    )
    _val_evaluator, _test_evaluator = (spec_view(stage, "evaluator") for stage in ("val", "test"))

    @property
    def train_loop(self) -> BaseLoop:
        """BaseLoop: the train loop, built from its config on first access (as 0.10's)."""
        if not self.loop_configured("train"):
            raise RuntimeError(
                "`self._train_loop` should not be None when calling train method. Please "
                "provide `train_dataloader`, `train_cfg`, `optimizer` and `param_scheduler` "
                "arguments when initializing runner."
            )
        return self._loop("train")

    val_loop = property(lambda self: self._loop("val"), doc="BaseLoop or None: built on use.")
    test_loop = property(lambda self: self._loop("test"), doc="BaseLoop or None: built on use.")
    train_dataloader = property(lambda self: self.train_loop.dataloader, doc="DataLoader.")
    val_dataloader = property(lambda self: self._require("val").dataloader, doc="DataLoader.")
    test_dataloader = property(lambda self: self._require("test").dataloader, doc="DataLoader.")
    val_evaluator = property(lambda self: self._require("val").evaluator, doc="Evaluator.")
    test_evaluator = property(lambda self: self._require("test").evaluator, doc="Evaluator.")
    val_interval = property(lambda self: self.train_loop.val_interval, doc="int: the interval.")
    val_begin = property(lambda self: self.train_loop.val_begin, doc="int: the first one.")

    def _require(self, stage: str) -> BaseLoop:
        loop = self.val_loop if stage == "val" else self.test_loop
        if loop is None:
            space = "" if stage == "val" else " "  # sic: upstream's val sentence has no space
            raise RuntimeError(
                f"`self._{stage}_loop` should not be None when calling {stage} method."
                f"{space}Please provide `{stage}_dataloader`, `{stage}_cfg` and "
                f"`{stage}_evaluator` arguments when initializing runner."
            )
        return loop

    def loop_configured(self, stage: str) -> bool:
        """Whether the ``stage`` ('train', 'val' or 'test') loop is configured, built or not."""
        return stage in self._loops or self._loop_specs[stage].cfg is not None

    def built_loop(self, stage: str) -> BaseLoop | None:
        """The ``stage`` loop if it is built, else None (builds nothing)."""
        return self._loops.get(stage)

    epoch = property(lambda self: self._progress.epoch, doc="int: completed training epochs.")
    iter = property(lambda self: self._progress.iter, doc="int: completed training iterations.")

    def _limit(self, name: str) -> int:
        """A training limit, 0 without a train loop (reading it builds the loop, as in 0.10)."""
        loop = self._loops.get("train")  # read by hooks every iteration: the short path first
        if loop is None:
            return getattr(self.train_loop, name) if self.loop_configured("train") else 0
        return getattr(loop, name)

    max_epochs = property(lambda self: self._limit("max_epochs"), doc="int: epochs to train.")
    max_iters = property(lambda self: self._limit("max_iters"), doc="int: iterations to train.")
    # 0.10's private names, which hooks and tools read (and set): views of the state
    _randomness_cfg = property(lambda self: self.randomness)
    _load_from, _resume, _has_loaded = map(plan_field, ("load_from", "resume", "done"))

    # ================================================================== tasks
    def _unwrapped_model(self) -> nn.Module:
        return self.model.module if is_model_wrapper(self.model) else self.model

    def _init_model_weights(self) -> None:
        """Initialise the weights of a model that knows how (``init_weights``)."""
        build.init_model_weights(self._unwrapped_model(), self._distributed)

    def _maybe_compile(self, target: str | tuple[str, ...]) -> None:
        """Compile ``model.<target>`` with ``torch.compile`` when the config asks for it."""
        build.compile_model_method(self.model, target, self._compile, self.logger)

    def _build_for_training(self) -> BaseLoop:
        """Build what training needs, in upstream's order (the train loop may draw)."""
        build.check_trainable(self._unwrapped_model(), validates=self.loop_configured("val"))
        loop = self.train_loop
        self.optim_wrapper = self.build_optim_wrapper(self.optim_wrapper)
        self.scale_lr(self.optim_wrapper, self.auto_scale_lr)
        if self.param_schedulers is not None:
            self.param_schedulers = self.build_param_scheduler(self.param_schedulers)
        self._loop("val")
        return loop

    def train(self) -> nn.Module:
        """Train the model; return it.

        Raises:
            SystemExit: after a preemption signal, once its checkpoint is written (status
                ``128 + signal``; see :mod:`mmengine.runner.preemption`).
        """
        loop = self._build_for_training()
        self.call_hook("before_run")
        try:
            self._init_model_weights()
            build.apply_module_features(self._unwrapped_model(), self.cfg, self.logger)
            self.load_or_resume()
            self.optim_wrapper.initialize_count_status(self.model, loop.iter, loop.max_iters)
            self._maybe_compile(("train_step", "val_step"))
            # Objects that live for the whole run (modules, datasets, imports) leave the
            # garbage collector's generations, so its passes during training stay short.
            gc.freeze()
            try:
                model = run_train_loop(self, loop)
            finally:
                gc.unfreeze()
        finally:
            self.call_hook("after_run")
        code = self.stop_request.exit_code
        if getattr(loop, "stopped_by_request", False) and code is not None:
            self.stop_request.clear()
            raise SystemExit(code)
        return model

    def request_stop(self, reason: str, exit_code: int | None = None) -> None:
        """Ask training to stop at the end of the current iteration, with a checkpoint (it
        becomes ``last_checkpoint``; ``resume=True`` continues). ``exit_code`` exits the
        process afterwards; None lets ``train()`` return."""
        self.stop_request.set(reason, exit_code)

    def _evaluate(self, stage: str) -> dict:
        loop = self._require(stage)
        self.call_hook("before_run")
        try:
            self.load_or_resume()
            self._maybe_compile(f"{stage}_step")
            return loop.run()
        finally:
            self.call_hook("after_run")

    def val(self) -> dict:
        """Validate the model; return the metrics."""
        return self._evaluate("val")

    def test(self) -> dict:
        """Test the model; return the metrics."""
        return self._evaluate("test")

    # ================================================================== hooks
    def call_hook(self, fn_name: str, **kwargs: Any) -> None:
        """Call ``fn_name(self, **kwargs)`` on every hook that implements it, by priority.

        ``fn_name`` is any method name: the points of ``Hook.stages``, or a stage a custom
        loop adds (e.g. ``'before_warmup_iter'``), which runs on the hooks that define it.
        """
        try:
            for hook in self._hook_table.for_stage(fn_name):
                getattr(hook, fn_name)(self, **kwargs)
        except TypeError as exc:
            add_note(exc, f"(raised while calling the {fn_name!r} hooks)")
            raise

    def register_hook(
        self, hook: Hook | dict, priority: int | str | Priority | None = None
    ) -> None:
        """Register a hook (or a ``HOOKS`` config) after the hooks of its priority."""
        self._hook_table.register(hook, priority)

    def register_default_hooks(self, hooks: dict[str, Hook | dict | None] | None = None) -> None:
        """Register the default hooks, updated by ``hooks`` (a None value removes one)."""
        for hook in merge_default_hooks(DEFAULT_HOOKS, hooks).values():
            if hook is not None:
                self.register_hook(hook)

    def register_custom_hooks(self, hooks: list[Hook | dict]) -> None:
        """Register the custom hooks."""
        for hook in hooks:
            self.register_hook(hook)

    def register_hooks(
        self,
        default_hooks: dict[str, Hook | dict | None] | None = None,
        custom_hooks: list[Hook | dict] | None = None,
    ) -> None:
        """Register the default hooks and then the custom hooks."""
        self.register_default_hooks(default_hooks)
        if custom_hooks is not None:
            self.register_custom_hooks(custom_hooks)

    def get_hooks_info(self) -> str:
        """Describe which hooks run at each hook point, with their priorities."""
        return self._hook_table.info()

    # ================================================================== checkpoints
    def model_state_dict(self) -> dict:
        """The weights a checkpoint holds, on the CPU: the model's own ``state_dict()``, as
        0.10's (see :func:`~mmengine.model.checkpoint.checkpoint_state_dict`)."""
        return checkpoint_state_dict(self.model)

    def _load_model_state(self, checkpoint: dict, strict: bool, revise_keys: list) -> dict:
        model = self._unwrapped_model()
        return _load_checkpoint_to_model(model, checkpoint, strict, revise_keys=revise_keys)

    def load_or_resume(self) -> None:
        """Resume or load weights as ``resume``/``load_from`` say, unless already loaded."""
        checkpointing.load_or_resume(self)

    def load_checkpoint(
        self,
        filename: str,
        map_location: str | Callable = "cpu",
        strict: bool = False,
        revise_keys: list = [(r"^module.", "")],  # noqa: B006 (upstream's signature)
    ) -> dict:
        """Load a checkpoint's weights into the model (reporting missing/unexpected keys)."""
        checkpoint = checkpointing.read_checkpoint(filename, map_location, _load_checkpoint)
        self.call_hook("after_load_checkpoint", checkpoint=checkpoint)
        checkpoint = self._load_model_state(checkpoint, strict, revise_keys)
        self.load_plan.done = True
        self.logger.info(f"Load checkpoint from {filename}")
        return checkpoint

    def resume(
        self,
        filename: str,
        resume_optimizer: bool = True,
        resume_param_scheduler: bool = True,
        map_location: str | Callable = "default",
    ) -> None:
        """Resume training from a checkpoint: weights, counters, optimizer, schedulers, logs,
        and (for checkpoints written here) the random state, bit for bit."""
        checkpointing.resume(self, filename, resume_optimizer, resume_param_scheduler, map_location)

    def save_checkpoint(
        self,
        out_dir: str,
        filename: str,
        file_client_args: dict | None = None,
        save_optimizer: bool = True,
        save_param_scheduler: bool = True,
        meta: dict | None = None,
        by_epoch: bool = True,
        backend_args: dict | None = None,
    ) -> None:
        """Save the runner's state (see ``checkpointing``) to ``out_dir/filename``, atomically."""
        checkpoint = checkpointing.build_checkpoint(
            self, save_optimizer, save_param_scheduler, meta, by_epoch
        )
        self.call_hook("before_save_checkpoint", checkpoint=checkpoint)
        filepath = join_path(out_dir, filename, backend_args=backend_args)
        if self._writes_checkpoints():
            save_checkpoint(
                checkpoint, filepath, file_client_args=file_client_args, backend_args=backend_args
            )
        validation_record.expect_validation(self, checkpoint, filepath, backend_args)

    #: Set by the checkpoint store while every rank saves (each rank's random state is kept).
    checkpoint_collective = False

    def _writes_checkpoints(self) -> bool:
        """Whether this process writes checkpoint files (the main one; a strategy may make
        every rank write its part)."""
        return is_main_process()

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}(experiment_name={self._experiment_name!r}, "
            f"work_dir={self._work_dir!r}, model={self._model_name})"
        )
