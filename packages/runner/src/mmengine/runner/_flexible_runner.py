"""FlexibleRunner: the Runner with a pluggable training strategy (DDP, FSDP, ...)."""

from __future__ import annotations

import copy
import inspect
import os.path as osp
from collections.abc import Callable
from typing import Any

from torch import nn
from torch.utils.data import DataLoader

from mmengine._strategy import BaseStrategy
from mmengine._strategy._environment import log_env
from mmengine._strategy.sharded_checkpoint import is_sharded_checkpoint
from mmengine.config import Config, ConfigDict  # noqa: F401  (upstream's module globals)
from mmengine.dataset import worker_init_fn as default_worker_init_fn  # noqa: F401
from mmengine.dist import get_rank, infer_launcher, master_only  # noqa: F401
from mmengine.evaluator import Evaluator
from mmengine.fileio import FileClient, join_path  # noqa: F401
from mmengine.hooks import Hook
from mmengine.logging import MessageHub, print_log  # noqa: F401
from mmengine.model import is_model_wrapper
from mmengine.model.checkpoint import find_latest_checkpoint  # noqa: F401
from mmengine.optim import (  # noqa: F401
    BaseOptimWrapper,
    OptimWrapper,
    OptimWrapperDict,
    _ParamScheduler,
)
from mmengine.registry import (  # noqa: F401
    DATA_SAMPLERS,
    DATASETS,
    EVALUATOR,
    FUNCTIONS,
    HOOKS,
    LOG_PROCESSORS,
    LOOPS,
    RUNNERS,
    STRATEGIES,
    VISUALIZERS,
    DefaultScope,
)
from mmengine.utils import digit_version, get_git_hash, get_mmengine_version  # noqa: F401
from mmengine.utils.dl_utils import TORCH_VERSION  # noqa: F401
from mmengine.visualization import Visualizer

from . import checkpointing, validation_record
from .base_loop import BaseLoop  # noqa: F401
from .log_processor import LogProcessor  # noqa: F401
from .loops import EpochBasedTrainLoop, IterBasedTrainLoop, TestLoop, ValLoop  # noqa: F401
from .priority import Priority, get_priority  # noqa: F401
from .resilience import RESUME_STATE_KEY, resume_state
from .runner import ConfigType, Runner
from .utils import _get_batch_size


@RUNNERS.register_module()
class FlexibleRunner(Runner):
    """A :class:`Runner` whose strategy decides how the model is placed, wrapped and
    checkpointed.

    Everything else (loops, hooks, optimizer wrapper, schedulers, logging, resume) is the
    Runner's, so a config that trains with ``Runner`` trains the same way here.

    Args:
        model (nn.Module or dict): the model or its config.
        work_dir (str): the working directory. Defaults to 'work_dirs'.
        strategy (BaseStrategy or dict, optional): e.g. ``dict(type='FSDPStrategy')``.
            Defaults to ``DDPStrategy`` when the launcher is not 'none', else
            ``SingleDeviceStrategy``.
        resume (bool or str): resume training; a str is the checkpoint to resume from.
        launcher (str, optional): 'none', 'pytorch', 'slurm' or 'mpi'. None (the default)
            infers it from the environment: ``WORLD_SIZE`` (torchrun) gives 'pytorch',
            ``SLURM_NTASKS`` gives 'slurm', ``OMPI_COMM_WORLD_LOCAL_RANK`` gives 'mpi',
            otherwise 'none'.
        compile (bool or dict): compile ``model.train_step`` with ``torch.compile`` (a dict
            gives its arguments). Defaults to False.
        Other arguments: as :class:`Runner`.

    Examples:
        >>> import torch
        >>> from mmengine.runner import FlexibleRunner
        >>> # dict(type='DDPStrategy') when launched with torchrun
        >>> runner = FlexibleRunner(model=torch.nn.Linear(2, 2), work_dir='work_dirs/x',
        ...                         strategy=dict(type='SingleDeviceStrategy'),
        ...                         log_level='WARNING')
        >>> type(runner.strategy).__name__
        'SingleDeviceStrategy'
    """

    _meta_version_key = "mmengine"  # 0.10's FlexibleRunner checkpoints: meta['mmengine']

    def __init__(
        self,
        model: nn.Module | dict,
        *,
        work_dir: str = "work_dirs",
        experiment_name: str | None = None,
        train_dataloader: DataLoader | dict | None = None,
        optim_wrapper: OptimWrapper | dict | None = None,
        param_scheduler: _ParamScheduler | dict | list | None = None,
        train_cfg: dict | None = None,
        val_dataloader: DataLoader | dict | None = None,
        val_evaluator: Evaluator | dict | list | None = None,
        val_cfg: dict | None = None,
        test_dataloader: DataLoader | dict | None = None,
        test_evaluator: Evaluator | dict | list | None = None,
        test_cfg: dict | None = None,
        strategy: BaseStrategy | dict | None = None,
        auto_scale_lr: dict | None = None,
        default_hooks: dict[str, Hook | dict | None] | None = None,
        custom_hooks: list[Hook | dict] | None = None,
        data_preprocessor: nn.Module | dict | None = None,
        load_from: str | None = None,
        resume: bool | str = False,
        launcher: str | None = None,
        env_cfg: dict = dict(dist_cfg=dict(backend="nccl")),  # noqa: B006,B008 (upstream's)
        log_processor: dict | None = None,
        log_level: str = "INFO",
        visualizer: Visualizer | dict | None = None,
        default_scope: str | None = "mmengine",
        randomness: dict = dict(seed=None),  # noqa: B006,B008 (upstream's)
        compile: bool | dict = False,
        cfg: ConfigType | None = None,
    ) -> None:
        launcher, load_from, resume = _launch_settings(launcher, load_from, resume)
        self._work_dir = osp.abspath(work_dir)
        self.auto_scale_lr = auto_scale_lr
        # The model's forward is compiled (train, val and test), not only train_step.
        self._strategy_compile = compile
        self.strategy = self.build_strategy(
            strategy,
            launcher=launcher,
            randomness=randomness,
            env_cfg=env_cfg,
            experiment_name=experiment_name,
            log_level=log_level,
        )
        # Every argument the Runner also takes is passed on as given (launcher, load_from and
        # resume as resolved above); the Runner's others keep their defaults.
        arguments = locals()
        super().__init__(**{k: arguments[k] for k in _RUNNER_PARAMETERS if k in arguments})
        self._compile = False  # done by the strategy on the model's forward

    @classmethod
    def from_cfg(cls, cfg: ConfigType) -> FlexibleRunner:
        """Build from a config: the Runner's keys plus ``strategy`` and ``compile``.

        A config without ``launcher`` infers it from the environment (see ``launcher``).
        """
        cfg = copy.deepcopy(cfg)
        kwargs = cls._kwargs_from_cfg(cfg)
        kwargs["launcher"] = cfg.get("launcher")
        model = kwargs.pop("model")
        return cls(
            model,
            **kwargs,
            strategy=cfg.get("strategy"),
            compile=cfg.get("compile", False),
        )

    def build_strategy(
        self,
        strategy: BaseStrategy | dict | None = None,
        launcher: str = "none",
        randomness: dict | None = None,
        env_cfg: dict = dict(dist_cfg=dict(backend="nccl")),  # noqa: B006,B008 (upstream's)
        experiment_name: str | None = None,
        log_level: str | None = None,
    ) -> BaseStrategy:
        """Build the strategy: ``DDPStrategy`` for a distributed launcher, else
        ``SingleDeviceStrategy``, unless ``strategy`` names one.

        A strategy config gets the runner's settings as defaults (``setdefault``):
        ``work_dir``, ``experiment_name``, ``auto_scale_lr``, ``env_kwargs`` (``launcher``,
        ``randomness`` and ``env_cfg``'s ``cudnn_benchmark``, ``mp_cfg``, ``dist_cfg``,
        ``resource_limit``) and ``log_kwargs`` (``log_level``). A built strategy is used as
        it is. Either way the strategy then shares the runner's logger, timestamp and seed.

        Args:
            strategy (BaseStrategy or dict, optional): the strategy or its config.
            launcher (str): the (inferred) launcher.
            randomness (dict, optional): the runner's randomness settings.
            env_cfg (dict): the runner's environment settings.
            experiment_name (str, optional): the runner's experiment name.
            log_level (str, optional): the runner's log level.

        Returns:
            BaseStrategy: the strategy.
        """
        if strategy is None:
            strategy = dict(type="DDPStrategy" if launcher != "none" else "SingleDeviceStrategy")
        if isinstance(strategy, dict):
            strategy = copy.deepcopy(dict(strategy))
            strategy.setdefault("work_dir", getattr(self, "_work_dir", "work_dirs"))
            strategy.setdefault("experiment_name", experiment_name)
            strategy.setdefault("auto_scale_lr", getattr(self, "auto_scale_lr", None))
            env_kwargs = dict(launcher=launcher, randomness=dict(randomness or dict(seed=None)))
            for key in ("cudnn_benchmark", "mp_cfg", "dist_cfg", "resource_limit"):
                if key in (env_cfg or {}):
                    env_kwargs[key] = copy.deepcopy(env_cfg[key])
            strategy.setdefault("env_kwargs", env_kwargs)
            strategy.setdefault("log_kwargs", dict(log_level=log_level) if log_level else {})
            strategy = STRATEGIES.build(strategy)
        if not isinstance(strategy, BaseStrategy):
            raise TypeError(
                f"strategy should be a BaseStrategy or a dict, but got {type(strategy)}: give "
                "e.g. dict(type='DDPStrategy')"
            )
        return strategy

    def _log_env(self, env_cfg: dict) -> None:
        """0.10's FlexibleRunner reports the strategy's environment settings (``launcher``,
        ``randomness`` and the ``env_cfg`` items it took) as its runtime environment."""
        settings = getattr(self.strategy, "_env_kwargs", None) or env_cfg
        log_env(self.logger, settings, self.randomness, self._seed, self._launcher,
                      self._world_size)  # fmt: skip

    # ------------------------------------------------------------------ model
    def wrap_model(self, model_wrapper_cfg: dict | None, model: nn.Module) -> nn.Module:
        """Compile (when asked) and wrap the model through the strategy."""
        if model_wrapper_cfg is not None:
            raise ValueError(
                "FlexibleRunner wraps the model through its strategy: give "
                "`strategy=dict(type=..., model_wrapper=...)` instead of `model_wrapper_cfg`"
            )
        self.strategy.attach_runner(self)
        if self._strategy_compile and not is_model_wrapper(model):
            model = self.strategy.compile_model(model, self._strategy_compile)
        return self.strategy.wrap_model(model)

    def build_optim_wrapper(self, optim_wrapper: Any) -> Any:
        """Build the optimizer wrapper; a strategy that builds its engine from the model and
        the optimizer together (DeepSpeed) wraps the model now."""
        if isinstance(optim_wrapper, BaseOptimWrapper):
            built = optim_wrapper  # e.g. DeepSpeed's, which is not an OptimWrapper
        else:
            built = super().build_optim_wrapper(optim_wrapper)
        wrap_with_optimizer = getattr(self.strategy, "wrap_with_optimizer", None)
        if wrap_with_optimizer is not None and not is_model_wrapper(self.model):
            try:
                batch_size = _get_batch_size(self._train_dataloader)
            except (ValueError, TypeError, AttributeError):
                batch_size = None  # DeepSpeed's config must then give it
            if batch_size is not None:
                self.strategy.dispatch_kwargs.setdefault(
                    "train_micro_batch_size_per_gpu", batch_size
                )
            self.model = wrap_with_optimizer(self.model, built)
        return built

    def build_param_scheduler(self, scheduler: Any) -> Any:
        """Build the schedulers; those of an optimizer wrapper that is not an
        ``OptimWrapper`` (DeepSpeed's) are built by the strategy."""
        if isinstance(self.optim_wrapper, OptimWrapper) or not isinstance(
            self.optim_wrapper, BaseOptimWrapper
        ):
            return super().build_param_scheduler(scheduler)
        default_args: dict = {}
        if self._train_loop is not None:
            default_args = dict(
                max_epochs=self.max_epochs,
                max_iters=self.max_iters,
                epoch_length=len(self.train_dataloader),
            )
        return self.strategy.build_param_scheduler(scheduler, self.optim_wrapper, default_args)

    def _maybe_compile(self, target: str | tuple[str, ...]) -> None:
        """Nothing to do: ``wrap_model`` compiled the model's forward."""

    def _init_model_weights(self) -> None:
        if self.strategy.inits_weights_on_wrap:
            return  # initialised before sharding, in the strategy's wrap_model
        super()._init_model_weights()

    def train(self) -> nn.Module:
        """Train the model (see :meth:`Runner.train`); wait for asynchronous checkpoints."""
        try:
            return super().train()
        finally:
            self.strategy.wait_for_checkpoint()

    # ------------------------------------------------------------------ checkpoints
    def model_state_dict(self) -> dict:
        self.strategy.model = self.model
        return self.strategy.model_state_dict()

    def _load_model_state(self, checkpoint: dict, strict: bool, revise_keys: list) -> dict:
        self.strategy.model = self.model
        weights = checkpoint.get("state_dict", checkpoint)
        self.strategy.load_model_state_dict(weights, strict=strict, revise_keys=revise_keys)
        return checkpoint

    def _strategy_io(self, filename: str | None = None) -> bool:
        """Whether checkpoints go through the strategy (sharded or gathered state)."""
        if not self.strategy.runner_checkpoint_io:
            return True
        return filename is not None and is_sharded_checkpoint(filename)

    def _sync_strategy(self) -> None:
        """Hand the built components to the strategy, which saves and loads them."""
        strategy = self.strategy
        strategy.model = self.model
        if isinstance(self.optim_wrapper, BaseOptimWrapper):
            strategy.optim_wrapper = self.optim_wrapper
        if _built_schedulers(self.param_schedulers):
            strategy.param_schedulers = self.param_schedulers
        loop = self._train_loop
        if loop is not None and not isinstance(loop, dict):
            strategy.dispatch_kwargs.setdefault("max_iters", loop.max_iters)

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
        """Save a checkpoint: as the Runner does, or through the strategy when it shards or
        gathers the state (FSDP: a directory of shards or one file gathered on rank 0;
        DeepSpeed: its engine's checkpoint). Every process must call it."""
        if not self._strategy_io():
            return super().save_checkpoint(
                out_dir,
                filename,
                file_client_args=file_client_args,
                save_optimizer=save_optimizer,
                save_param_scheduler=save_param_scheduler,
                meta=meta,
                by_epoch=by_epoch,
                backend_args=backend_args,
            )
        meta = checkpointing.build_meta(self, meta, by_epoch)
        if save_optimizer and not isinstance(self.optim_wrapper, BaseOptimWrapper):
            raise TypeError(
                "self.optim_wrapper should be an `OptimWrapper` or `OptimWrapperDict` "
                f"instance, but got {self.optim_wrapper}"
            )
        self._sync_strategy()
        filepath = join_path(out_dir, filename, backend_args=backend_args)
        extra = {
            "meta": meta,
            "message_hub": self.message_hub.state_dict(),
            # what an exact resume needs (random generators, sampler seed...)
            RESUME_STATE_KEY: resume_state(self, collective=bool(self.checkpoint_collective)),
        }
        self.strategy.save_checkpoint(
            filepath,
            save_optimizer=save_optimizer,
            save_param_scheduler=save_param_scheduler and self.param_schedulers is not None,
            extra_ckpt=dict(extra),
            callback=lambda checkpoint: self.call_hook(
                "before_save_checkpoint", checkpoint=checkpoint
            ),
        )
        validation_record.expect_validation(self, extra, filepath, backend_args)

    def load_checkpoint(
        self,
        filename: str,
        map_location: str | Callable = "cpu",
        strict: bool = False,
        revise_keys: list = [(r"^module.", "")],  # noqa: B006 (upstream's signature)
    ) -> dict:
        """Load a checkpoint's weights (a file, or a sharded directory saved on any number of
        processes) into the model."""
        if not self._strategy_io(filename):
            return super().load_checkpoint(filename, map_location, strict, revise_keys)
        self._sync_strategy()
        checkpoint = self.strategy.load_checkpoint(
            filename,
            map_location=map_location,
            strict=strict,
            revise_keys=revise_keys,
            callback=lambda ckpt: self.call_hook("after_load_checkpoint", checkpoint=ckpt),
        )
        self._has_loaded = True
        return checkpoint

    def resume(
        self,
        filename: str,
        resume_optimizer: bool = True,
        resume_param_scheduler: bool = True,
        map_location: str | Callable = "default",
    ) -> None:
        """Resume training: the Runner's way, or through the strategy for sharded or gathered
        checkpoints (which reshard onto the current number of processes)."""
        if not self._strategy_io(filename):
            return super().resume(
                filename,
                resume_optimizer=resume_optimizer,
                resume_param_scheduler=resume_param_scheduler,
                map_location=map_location,
            )
        if resume_optimizer and self.optim_wrapper is not None:
            self.optim_wrapper = self.build_optim_wrapper(self.optim_wrapper)
        if resume_param_scheduler and self.param_schedulers is not None:
            self.param_schedulers = self.build_param_scheduler(self.param_schedulers)
        self._sync_strategy()
        checkpoint = self.strategy.resume(
            filename,
            resume_optimizer=resume_optimizer,
            resume_param_scheduler=resume_param_scheduler,
            map_location=map_location,
            callback=lambda ckpt: self.call_hook("after_load_checkpoint", checkpoint=ckpt),
        )
        record = checkpointing.apply_resumed_state(self, checkpoint, filename)
        validation_record.restore_after_validation(
            self,
            record,
            optimizer=resume_optimizer and isinstance(self.optim_wrapper, BaseOptimWrapper),
            schedulers=resume_param_scheduler and _built_schedulers(self.param_schedulers),
        )
        self._has_loaded = True
        self.logger.info(f"resumed epoch: {self.train_loop.epoch}, iter: {self.train_loop.iter}")
        return None


#: The parameters of ``Runner.__init__``, which ``FlexibleRunner.__init__`` passes on.
_RUNNER_PARAMETERS = tuple(inspect.signature(Runner.__init__).parameters)[1:]


def _launch_settings(
    launcher: str | None, load_from: str | None, resume: bool | str
) -> tuple[str, str | None, bool]:
    """(launcher, load_from, resume) as the Runner takes them: a launcher of None is inferred
    from the environment, and ``resume`` naming a checkpoint loads from it and resumes."""
    if launcher is None:
        launcher = infer_launcher()
    if isinstance(resume, str):
        load_from, resume = resume, True
    return launcher, load_from, resume


def _built_schedulers(schedulers: Any) -> bool:
    """Whether ``schedulers`` are built schedulers (a list, or a dict of lists)."""
    if isinstance(schedulers, list):
        return bool(schedulers) and all(isinstance(s, _ParamScheduler) for s in schedulers)
    if isinstance(schedulers, dict):
        return bool(schedulers) and all(
            isinstance(group, list) and all(isinstance(s, _ParamScheduler) for s in group)
            for group in schedulers.values()
        )
    return False
