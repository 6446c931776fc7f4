"""FlexibleRunner: the Runner with a pluggable training strategy (DDP, FSDP, ...)."""

from __future__ import annotations

import copy

from torch import nn
from torch.utils.data import DataLoader

from mmengine._strategy import BaseStrategy
from mmengine.config import Config, ConfigDict  # noqa: F401  (upstream's module globals)
from mmengine.dataset import worker_init_fn as default_worker_init_fn  # noqa: F401
from mmengine.dist import get_rank, infer_launcher, master_only  # noqa: F401
from mmengine.evaluator import Evaluator
from mmengine.fileio import FileClient, join_path  # noqa: F401
from mmengine.hooks import Hook
from mmengine.logging import MessageHub, print_log  # noqa: F401
from mmengine.model.checkpoint import find_latest_checkpoint  # noqa: F401
from mmengine.optim import OptimWrapper, OptimWrapperDict, _ParamScheduler  # noqa: F401
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
from mmengine.utils import digit_version  # noqa: F401
from mmengine.utils.dl_utils import TORCH_VERSION  # noqa: F401
from mmengine.visualization import Visualizer

from .base_loop import BaseLoop  # noqa: F401
from .log_processor import LogProcessor  # noqa: F401
from .loops import EpochBasedTrainLoop, IterBasedTrainLoop, TestLoop, ValLoop  # noqa: F401
from .priority import Priority, get_priority  # noqa: F401
from .runner import ConfigType, Runner


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
        >>> runner = FlexibleRunner(model=model, work_dir='work_dirs/x',
        ...                         strategy=dict(type='DDPStrategy'),
        ...                         train_dataloader=..., train_cfg=..., optim_wrapper=...)
    """

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
        if launcher is None:
            launcher = infer_launcher()
        if isinstance(resume, str):
            load_from, resume = resume, True
        self.strategy = self.build_strategy(strategy, launcher=launcher)
        super().__init__(
            model=model,
            work_dir=work_dir,
            train_dataloader=train_dataloader,
            val_dataloader=val_dataloader,
            test_dataloader=test_dataloader,
            train_cfg=train_cfg,
            val_cfg=val_cfg,
            test_cfg=test_cfg,
            auto_scale_lr=auto_scale_lr,
            optim_wrapper=optim_wrapper,
            param_scheduler=param_scheduler,
            val_evaluator=val_evaluator,
            test_evaluator=test_evaluator,
            default_hooks=default_hooks,
            custom_hooks=custom_hooks,
            data_preprocessor=data_preprocessor,
            load_from=load_from,
            resume=resume,
            launcher=launcher,
            env_cfg=env_cfg,
            log_processor=log_processor,
            log_level=log_level,
            visualizer=visualizer,
            default_scope=default_scope,
            randomness=randomness,
            experiment_name=experiment_name,
            cfg=cfg,
        )
        if compile:
            self._compile = compile

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

        Args:
            strategy (BaseStrategy or dict, optional): the strategy or its config.
            launcher (str): the (inferred) launcher.
            randomness, env_cfg, experiment_name, log_level: accepted for upstream's
                signature; the runner applies them itself.

        Returns:
            BaseStrategy: the strategy.
        """
        if strategy is None:
            strategy = dict(type="DDPStrategy" if launcher != "none" else "SingleDeviceStrategy")
        if isinstance(strategy, dict):
            strategy = STRATEGIES.build(copy.deepcopy(strategy))
        if not isinstance(strategy, BaseStrategy):
            raise TypeError(
                f"strategy should be a BaseStrategy or a dict, but got {type(strategy)}: give "
                "e.g. dict(type='DDPStrategy')"
            )
        return strategy

    def wrap_model(self, model_wrapper_cfg: dict | None, model: nn.Module) -> nn.Module:
        if model_wrapper_cfg is not None:
            raise ValueError(
                "FlexibleRunner wraps the model through its strategy: give "
                "`strategy=dict(type=..., model_wrapper=...)` instead of `model_wrapper_cfg`"
            )
        return self.strategy.wrap_model(model)

    def _model_state_dict(self) -> dict:
        return self.strategy.model_state_dict(self.model)

    def _load_model_state(self, checkpoint: dict, strict: bool, revise_keys: list) -> dict:
        return self.strategy.load_model_state_dict(self.model, checkpoint, strict, revise_keys)
