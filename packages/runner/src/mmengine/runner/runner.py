"""Runner: builds the parts of a training run from a config and drives the loops.

The constructor composes the run in a visible order (environment, randomness, directories,
logger, message hub, visualizer, model, hooks); components that only some tasks need
(dataloaders, loops, optimizer wrapper, schedulers, evaluators) are built on first use, so
``runner.test()`` never builds the training data. Each ``build_*`` method takes its input
explicitly and returns the built object.
"""

from __future__ import annotations

import copy
import gc
import logging
import os
import os.path as osp
import platform
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import torch
from torch import nn
from torch.optim import Optimizer
from torch.utils.data import DataLoader

from mmengine.config import Config, ConfigDict
from mmengine.config.utils import config_text
from mmengine.dataset import worker_init_fn as default_worker_init_fn
from mmengine.device import get_device
from mmengine.dist import (
    broadcast,
    get_dist_info,
    get_rank,
    get_world_size,
    init_dist,
    is_distributed,
    is_main_process,
    master_only,
)
from mmengine.evaluator import Evaluator
from mmengine.fileio import FileClient, join_path, put_text  # noqa: F401
from mmengine.hooks import Hook
from mmengine.hooks.checkpoint_store import CheckpointStore
from mmengine.logging import MessageHub, MMLogger, print_log
from mmengine.model import (  # noqa: F401  (MMDistributedDataParallel: upstream's global)
    MMDistributedDataParallel,
    convert_sync_batchnorm,
    is_model_wrapper,
    revert_sync_batchnorm,
)
from mmengine.model.checkpoint import (
    _load_checkpoint,
    _load_checkpoint_to_model,
    find_latest_checkpoint,
    get_state_dict,
    save_checkpoint,
    weights_to_cpu,
)
from mmengine.model.efficient_conv_bn_eval import turn_on_efficient_conv_bn_eval
from mmengine.optim import (
    OptimWrapper,
    OptimWrapperDict,
    _ParamScheduler,
    build_optim_wrapper,
)
from mmengine.registry import (
    DATA_SAMPLERS,
    DATASETS,
    EVALUATOR,
    FUNCTIONS,
    HOOKS,
    LOG_PROCESSORS,
    LOOPS,
    MODEL_WRAPPERS,
    MODELS,
    OPTIM_WRAPPERS,
    PARAM_SCHEDULERS,
    RUNNERS,
    VISUALIZERS,
    DefaultScope,
)
from mmengine.utils import (  # noqa: F401  (apply_to, is_seq_of: upstream's globals)
    apply_to,
    digit_version,
    get_git_hash,
    get_mmengine_version,
    is_seq_of,
)
from mmengine.utils.dl_utils import TORCH_VERSION, collect_env, set_multi_processing  # noqa: F401
from mmengine.visualization import Visualizer

from . import _worker_seeding
from .activation_checkpointing import turn_on_activation_checkpointing
from .base_loop import BaseLoop
from .log_processor import LogProcessor
from .loops import EpochBasedTrainLoop, IterBasedTrainLoop, TestLoop, ValLoop
from .preemption import StopRequest
from .priority import Priority, get_priority
from .resilience import (
    RESUME_STATE_KEY,
    restore_resume_state,
    resume_state,
    run_train_loop,
    save_stop_checkpoint,
)
from .utils import _get_batch_size, set_random_seed

ConfigType = dict | Config | ConfigDict
ParamSchedulerType = list[_ParamScheduler] | dict[str, list[_ParamScheduler]]

DEFAULT_HOOKS: dict[str, dict] = dict(
    runtime_info=dict(type="RuntimeInfoHook"),
    timer=dict(type="IterTimerHook"),
    sampler_seed=dict(type="DistSamplerSeedHook"),
    logger=dict(type="LoggerHook"),
    param_scheduler=dict(type="ParamSchedulerHook"),
    checkpoint=dict(type="CheckpointHook", interval=1),
)


def _config_text(cfg: Config) -> tuple[str, bool]:
    """The config as Python text (or a plain rendering, with a warning) and its validity."""
    text, valid = config_text(cfg)
    if not valid:
        print_log(
            "The config holds values with no Python literal form; checkpoints and the work "
            "dir keep a plain rendering of it instead",
            logger="current",
            level=logging.WARNING,
        )
    return text, valid


class _SlicedDataset:
    """The first ``length`` samples of ``dataset`` (``num_batch_per_epoch`` in a dataloader).

    Every other attribute (``metainfo``, ``get_data_info``, ...) is the dataset's.
    """

    def __init__(self, dataset: Any, length: int) -> None:
        self._dataset = dataset
        self._length = min(length, len(dataset))

    def __getattr__(self, name: str) -> Any:
        if name in ("_dataset", "_length"):  # not set yet (e.g. while unpickling)
            raise AttributeError(name)
        return getattr(self._dataset, name)

    def __getitem__(self, idx: int) -> Any:
        if not -self._length <= idx < self._length:
            raise IndexError(f"index {idx} is out of range for {self._length} samples")
        return self._dataset[idx % self._length]

    def __len__(self) -> int:
        return self._length


def _schedulers_built(schedulers: Any) -> bool:
    """Whether ``runner.param_schedulers`` holds built schedulers (not their configs)."""
    if isinstance(schedulers, _ParamScheduler):
        return True
    if isinstance(schedulers, dict) and "type" not in schedulers:
        schedulers = [s for group in schedulers.values() for s in _as_list(group)]
    return any(isinstance(s, _ParamScheduler) for s in _as_list(schedulers))


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _check_all_or_none(stage: str, **parts: Any) -> None:
    """Raise upstream's ValueError when only some of the parts a task needs are given."""
    given = {name for name, value in parts.items() if value is not None}
    if given and given != set(parts):
        missing = sorted(set(parts) - given)
        names = list(parts)
        got = ", ".join(f"{k}={parts[k]}" for k in names)
        end = "." if stage == "train" else ""  # upstream's sentences differ by this period
        raise ValueError(
            f"{', '.join(names[:-1])}, and {names[-1]} should be either all None or not None, "
            f"but got {got}{end} To {stage}, also give {', '.join(missing)}; to skip {stage}, "
            "leave them all None."
        )


@RUNNERS.register_module()
class Runner:
    """A training helper for PyTorch: train, validate and test a model from a config.

    Build it with ``Runner.from_cfg(cfg)`` or directly with the arguments below. The model,
    logger, message hub, visualizer and hooks are built at construction; dataloaders, loops,
    optimizer wrapper, parameter schedulers and evaluators are built when ``train()``,
    ``val()`` or ``test()`` first needs them.

    Args:
        model (nn.Module or dict): the model, or its config (built with ``MODELS``).
        work_dir (str): where checkpoints and logs go; logs land in ``work_dir/<timestamp>``.
        train_dataloader, val_dataloader, test_dataloader (DataLoader or dict, optional):
            dataloaders or their configs (``dataset``, ``sampler``, ``batch_size``, ...).
        train_cfg (dict, optional): the train loop: ``type`` or ``by_epoch``, plus
            ``max_epochs``/``max_iters``, ``val_begin``, ``val_interval``.
        val_cfg, test_cfg (dict, optional): the validation and test loops.
        auto_scale_lr (dict, optional): ``dict(base_batch_size=..., enable=True)`` scales the
            learning rate linearly with the total batch size.
        optim_wrapper (OptimWrapper or dict, optional): the optimizer wrapper or its config.
        param_scheduler (_ParamScheduler or dict or list, optional): parameter schedulers.
        val_evaluator, test_evaluator (Evaluator or dict or list, optional): the evaluators.
        default_hooks (dict, optional): overrides of the default hooks by name
            (``runtime_info``, ``timer``, ``sampler_seed``, ``logger``, ``param_scheduler``,
            ``checkpoint``); a None value removes that hook.
        custom_hooks (list, optional): further hooks or their configs.
        data_preprocessor (dict, optional): set as the model config's ``data_preprocessor``
            when the model config lacks one.
        load_from (str, optional): a checkpoint to load the weights from.
        resume (bool): resume training; from ``load_from`` if given, else from the latest
            checkpoint in ``work_dir``. Defaults to False.
        launcher (str): 'none', 'pytorch', 'slurm' or 'mpi'. Defaults to 'none'.
        env_cfg (dict): ``cudnn_benchmark``, ``mp_cfg``, ``dist_cfg``.
        log_processor (dict, optional): the LogProcessor config.
        log_level (int or str): level of the logger's handlers. Defaults to 'INFO'.
        visualizer (Visualizer or dict, optional): the visualizer or its config.
        default_scope (str): registry scope of the run. Defaults to 'mmengine'.
        randomness (dict): ``seed``, ``diff_rank_seed``, ``deterministic``.
        experiment_name (str, optional): defaults to ``<config name>_<timestamp>`` or the
            timestamp.
        cfg (dict or Config, optional): the full config, saved in checkpoints and dumped to
            the work dir.
    """

    cfg: Config
    _train_loop: BaseLoop | None
    _val_loop: BaseLoop | None
    _test_loop: BaseLoop | None

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
        env_cfg = copy.deepcopy(dict(env_cfg)) if env_cfg is not None else {}
        randomness = dict(randomness) if randomness is not None else dict(seed=None)
        self._work_dir = osp.abspath(work_dir)
        os.makedirs(self._work_dir, exist_ok=True)

        if cfg is None:
            self.cfg = Config(dict())
        elif isinstance(cfg, Config):
            self.cfg = copy.deepcopy(cfg)
        else:
            self.cfg = Config(dict(cfg))

        # What each task needs must come together (or not at all).
        _check_all_or_none(
            "train",
            train_dataloader=train_dataloader,
            train_cfg=train_cfg,
            optim_wrapper=optim_wrapper,
        )
        _check_all_or_none(
            "validate", val_dataloader=val_dataloader, val_cfg=val_cfg, val_evaluator=val_evaluator
        )
        _check_all_or_none(
            "test",
            test_dataloader=test_dataloader,
            test_cfg=test_cfg,
            test_evaluator=test_evaluator,
        )
        if param_scheduler is not None and optim_wrapper is None:
            raise ValueError(
                "param_scheduler should be None when optim_wrapper is None, but got "
                f"{param_scheduler} (schedulers adjust an optimizer: give optim_wrapper, the "
                "train dataloader and train_cfg too, or drop param_scheduler)"
            )

        # Components built on first use: until then these attributes hold their configs, as
        # upstream's do (hooks and tools read them before training).
        self._train_dataloader = train_dataloader
        self._train_loop: BaseLoop | dict | None = train_cfg
        self._val_dataloader = val_dataloader
        self._val_evaluator = val_evaluator
        self._val_loop: BaseLoop | dict | None = val_cfg
        self._test_dataloader = test_dataloader
        self._test_evaluator = test_evaluator
        self._test_loop: BaseLoop | dict | None = test_cfg
        self.optim_wrapper: OptimWrapper | OptimWrapperDict | dict | None = optim_wrapper
        self.param_schedulers: ParamSchedulerType | dict | list | None = param_scheduler
        self.auto_scale_lr = auto_scale_lr

        self._launcher = launcher
        self._distributed = launcher != "none"
        self.setup_env(env_cfg)

        self._randomness_cfg = dict(randomness)
        self.set_randomness(**randomness)

        if experiment_name is not None:
            self._experiment_name = f"{experiment_name}_{self._timestamp}"
        elif self.cfg.filename is not None:
            stem = osp.splitext(osp.basename(self.cfg.filename))[0]
            self._experiment_name = f"{stem}_{self._timestamp}"
        else:
            self._experiment_name = self._timestamp
        self._log_dir = osp.join(self._work_dir, self._timestamp)
        os.makedirs(self._log_dir, exist_ok=True)

        if default_scope is not None:
            self.default_scope: DefaultScope | None = DefaultScope.get_instance(
                self._experiment_name, scope_name=default_scope
            )
        else:
            self.default_scope = None
        self.logger = self.build_logger(log_level=log_level)
        self._log_env(env_cfg)
        self._cfg_text, renderable = _config_text(self.cfg) if self.cfg else ("", False)
        if self.cfg:
            self.logger.info(f"Config:\n{self._cfg_text}")

        self._load_from = load_from
        self._resume = resume
        self._has_loaded = False

        self.message_hub = self.build_message_hub()
        self.visualizer = self.build_visualizer(visualizer)
        if renderable:
            self.visualizer.add_config(self.cfg)

        self.log_processor = self.build_log_processor(
            log_processor if log_processor is not None else dict()
        )
        self._compile = self.cfg.get("compile", False)

        if isinstance(model, dict) and data_preprocessor is not None:
            model.setdefault("data_preprocessor", data_preprocessor)
        self.model = self.build_model(model)
        self.model = self.wrap_model(self.cfg.get("model_wrapper_cfg"), self.model)
        raw = self.model.module if is_model_wrapper(self.model) else self.model
        self._model_name = raw.__class__.__name__

        # Never lose work: where checkpoints go (the CheckpointHook sets its store up), and
        # requests to stop gracefully (preemption signals, time limits).
        self.checkpoint_store: CheckpointStore | None = None
        self._stop_request = StopRequest()
        self._exit_code: int | None = None

        self._hooks: list[Hook] = []
        self._hook_table: dict[str, list[Hook]] = {}
        self._hook_table_key: tuple[int, int] | None = None
        self.register_hooks(default_hooks, custom_hooks)
        self.logger.info(f"Hooks will be executed in the following order:\n{self.get_hooks_info()}")
        self.dump_config()

    # ================================================================== construction
    @classmethod
    def from_cfg(cls, cfg: ConfigType) -> Runner:
        """Build a runner from a config whose keys are this class's arguments."""
        return cls(**cls._kwargs_from_cfg(copy.deepcopy(cfg)))

    @staticmethod
    def _kwargs_from_cfg(cfg: ConfigType) -> dict:
        """The constructor arguments a config gives (absent keys take their defaults)."""
        return dict(
            model=cfg["model"],
            work_dir=cfg["work_dir"],
            train_dataloader=cfg.get("train_dataloader"),
            val_dataloader=cfg.get("val_dataloader"),
            test_dataloader=cfg.get("test_dataloader"),
            train_cfg=cfg.get("train_cfg"),
            val_cfg=cfg.get("val_cfg"),
            test_cfg=cfg.get("test_cfg"),
            auto_scale_lr=cfg.get("auto_scale_lr"),
            optim_wrapper=cfg.get("optim_wrapper"),
            param_scheduler=cfg.get("param_scheduler"),
            val_evaluator=cfg.get("val_evaluator"),
            test_evaluator=cfg.get("test_evaluator"),
            default_hooks=cfg.get("default_hooks"),
            custom_hooks=cfg.get("custom_hooks"),
            data_preprocessor=cfg.get("data_preprocessor"),
            load_from=cfg.get("load_from"),
            resume=cfg.get("resume", False),
            launcher=cfg.get("launcher", "none"),
            env_cfg=cfg.get("env_cfg", dict(dist_cfg=dict(backend="nccl"))),
            log_processor=cfg.get("log_processor"),
            log_level=cfg.get("log_level", "INFO"),
            visualizer=cfg.get("visualizer"),
            default_scope=cfg.get("default_scope", "mmengine"),
            randomness=cfg.get("randomness", dict(seed=None)),
            experiment_name=cfg.get("experiment_name"),
            cfg=cfg,
        )

    def setup_env(self, env_cfg: dict) -> None:
        """Set cuDNN benchmark, multiprocessing options and the distributed environment."""
        if env_cfg.get("cudnn_benchmark"):
            torch.backends.cudnn.benchmark = True
        set_multi_processing(**env_cfg.get("mp_cfg", {}), distributed=self._distributed)
        if self._distributed and not is_distributed():
            init_dist(self._launcher, **env_cfg.get("dist_cfg", {}))
        self._rank, self._world_size = get_dist_info()
        stamp = torch.tensor(time.time(), dtype=torch.float64)
        broadcast(stamp)  # every rank uses rank 0's timestamp (a no-op undistributed)
        self._timestamp = time.strftime("%Y%m%d_%H%M%S", time.localtime(stamp.item()))

    def set_randomness(
        self, seed: int | None, diff_rank_seed: bool = False, deterministic: bool = False
    ) -> None:
        """Seed every random generator (see :func:`set_random_seed`)."""
        self._deterministic = deterministic
        self._seed = set_random_seed(
            seed=seed, deterministic=deterministic, diff_rank_seed=diff_rank_seed
        )

    def _log_env(self, env_cfg: dict) -> None:
        """Log a short description of the environment and the run's settings."""
        cuda = torch.cuda.is_available()
        lines = [
            f"Python: {platform.python_version()} ({platform.platform()})",
            f"PyTorch: {torch.__version__}, CUDA available: {cuda}",
            f"MMEngine: {get_mmengine_version()}",
            f"Distributed launcher: {self._launcher}, world size: {self._world_size}",
            f"Randomness: seed={self._seed}, deterministic={self._deterministic}",
            f"Environment config: {env_cfg}",
        ]
        sep = "-" * 60
        self.logger.info(
            "\n" + sep + "\nSystem environment:\n    " + "\n    ".join(lines) + "\n" + sep
        )

    def build_logger(
        self, log_level: int | str = "INFO", log_file: str | None = None, **kwargs: Any
    ) -> MMLogger:
        """Build the run's :class:`MMLogger`, logging to ``<log_dir>/<timestamp>.log``."""
        if log_file is None:
            log_file = osp.join(self._log_dir, f"{self._timestamp}.log")
        cfg = dict(log_level=log_level, log_file=log_file, **kwargs)
        cfg.setdefault("name", self._experiment_name)
        return MMLogger.get_instance(**cfg)

    def build_message_hub(self, message_hub: dict | None = None) -> MessageHub:
        """Build the run's :class:`MessageHub` (named after the experiment by default).

        Raises:
            TypeError: ``message_hub`` is neither a dict nor None.
        """
        if message_hub is None:
            cfg: dict = dict(name=self._experiment_name)
        elif isinstance(message_hub, dict):
            cfg = dict(message_hub)
            cfg.setdefault("name", self._experiment_name)
        else:
            raise TypeError(
                f"message_hub should be dict or None, but got {message_hub} (give the "
                "MessageHub.get_instance arguments as a dict, e.g. dict(name='exp'))"
            )
        return MessageHub.get_instance(**cfg)

    def build_visualizer(self, visualizer: Visualizer | dict | None = None) -> Visualizer:
        """Build the visualizer; by default a local backend writing under the log dir."""
        if isinstance(visualizer, Visualizer):
            return visualizer
        if visualizer is None:
            visualizer = dict(
                name=self._experiment_name,
                vis_backends=[dict(type="LocalVisBackend")],
                save_dir=self._log_dir,
            )
            return Visualizer.get_instance(**visualizer)
        if isinstance(visualizer, dict):
            visualizer = dict(visualizer)
            visualizer.setdefault("name", self._experiment_name)
            visualizer.setdefault("save_dir", self._log_dir)
            return VISUALIZERS.build(visualizer)
        raise TypeError(
            f"visualizer should be Visualizer object, a dict or None, but got {visualizer}"
        )

    def build_model(self, model: nn.Module | dict) -> nn.Module:
        """Return ``model`` if it is a module, else build it with the ``MODELS`` registry."""
        if isinstance(model, nn.Module):
            return model
        if isinstance(model, dict):
            built = MODELS.build(model)
            return built
        raise TypeError(f"model should be a nn.Module object or dict, but got {type(model)}")

    def wrap_model(self, model_wrapper_cfg: dict | None, model: nn.Module) -> nn.Module:
        """Move the model to the device and, when distributed, wrap it (DDP by default).

        Not distributed, every ``SyncBatchNorm`` layer is reverted to a plain batch norm
        (``_BatchNormXd``), keeping its weights and buffers, so configs written for several
        GPUs run on one GPU or the CPU.
        """
        if is_model_wrapper(model):
            if model_wrapper_cfg is not None:
                raise TypeError(
                    "model has been wrapped and `model_wrapper_cfg` should be None, but got "
                    f"{model_wrapper_cfg}"
                )
            return model
        model = model.to(get_device())
        if not self._distributed:
            self.logger.info(
                "Distributed training is not used, all SyncBatchNorm (SyncBN) layers in the "
                "model will be automatically reverted to BatchNormXd layers if they are used."
            )
            if self.cfg.get("sync_bn"):
                self.logger.warning("sync_bn is ignored when not distributed")
            return revert_sync_batchnorm(model)
        sync_bn = self.cfg.get("sync_bn")
        if sync_bn is not None:
            model = convert_sync_batchnorm(model, sync_bn)
        if model_wrapper_cfg is None:
            find_unused = self.cfg.get("find_unused_parameters", False)
            model_wrapper_cfg = dict(
                type="MMDistributedDataParallel",
                broadcast_buffers=False,
                find_unused_parameters=find_unused,
            )
            if torch.cuda.is_available():
                model_wrapper_cfg["device_ids"] = [int(os.environ.get("LOCAL_RANK", 0))]
        return MODEL_WRAPPERS.build(dict(model_wrapper_cfg), default_args=dict(module=model))

    def build_optim_wrapper(
        self, optim_wrapper: Optimizer | OptimWrapper | dict
    ) -> OptimWrapper | OptimWrapperDict:
        """Build the optimizer wrapper (or a dict of them) for the model."""
        if isinstance(optim_wrapper, OptimWrapper):
            return optim_wrapper
        if isinstance(optim_wrapper, Optimizer):
            return OptimWrapper(optim_wrapper)
        if isinstance(optim_wrapper, (dict, ConfigDict, Config)):
            optimizer = optim_wrapper.get("optimizer", None)
            if isinstance(optimizer, Optimizer):
                cfg = dict(optim_wrapper)
                cfg.setdefault("type", "OptimWrapper")
                return OPTIM_WRAPPERS.build(cfg)
            if optimizer is not None or "constructor" in optim_wrapper:
                return build_optim_wrapper(self.model, optim_wrapper)
            wrappers = OrderedDict()
            for name, item in optim_wrapper.items():
                if not isinstance(item, OptimWrapper):
                    raise ValueError(
                        'each item mush be an optimizer object when "type" and '
                        f'"constructor" are not in optimizer, but got {name}={item} '
                        "(optim_wrapper has no 'optimizer' and no 'constructor', so each of its "
                        "values must be a built OptimWrapper; give `optimizer=dict(type=...)`, "
                        "or a constructor for several optimizers)"
                    )
                wrappers[name] = item
            return OptimWrapperDict(**wrappers)
        raise TypeError(
            f"optimizer wrapper should be an OptimWrapper object or dict, but got {optim_wrapper}"
        )

    def scale_lr(self, optim_wrapper: OptimWrapper, auto_scale_lr: dict | None = None) -> None:
        """Scale the learning rates linearly with ``world_size * batch_size / base_batch_size``.

        Must run after the optimizer wrapper is built and before the schedulers are.
        """
        if auto_scale_lr is None or not auto_scale_lr.get("enable", False):
            return
        if "base_batch_size" not in auto_scale_lr:
            raise AssertionError(
                "Lack of `base_batch_size` in `auto_scale_lr`. (e.g. "
                "auto_scale_lr=dict(enable=True, base_batch_size=256))"
            )
        if _schedulers_built(self.param_schedulers):
            raise RuntimeError(
                "`scale_lr` should be called before building ParamScheduler because "
                "ParamScheduler will store initial lr from optimizer wrappers"
            )
        batch_size = _get_batch_size(self._train_dataloader)
        if batch_size is None:
            raise ValueError("auto_scale_lr needs the train dataloader's batch_size")
        real_bs = self._world_size * batch_size
        ratio = float(real_bs) / float(auto_scale_lr["base_batch_size"])
        self.logger.info(
            f"LR is set based on batch size of {auto_scale_lr['base_batch_size']} and the "
            f"current batch size is {real_bs}. Scaling the original LR by {ratio}."
        )
        wrappers = (
            list(optim_wrapper.values())
            if isinstance(optim_wrapper, OptimWrapperDict)
            else [optim_wrapper]
        )
        for wrapper in wrappers:
            for group in wrapper.optimizer.param_groups:
                group["lr"] = group["lr"] * ratio

    def build_param_scheduler(self, scheduler: _ParamScheduler | dict | list) -> ParamSchedulerType:
        """Build the parameter schedulers: a list, or a dict of lists per optimizer."""
        if not isinstance(self.optim_wrapper, OptimWrapper):
            raise AssertionError(
                "`build_optimizer` should be called before`build_param_scheduler` because the "
                "latter depends on the former (runner.optim_wrapper is still "
                f"{type(self.optim_wrapper).__name__}: call "
                "`runner.optim_wrapper = runner.build_optim_wrapper(runner.optim_wrapper)` first)"
            )
        if not isinstance(self.optim_wrapper, OptimWrapperDict):
            if isinstance(scheduler, dict) and "type" not in scheduler and scheduler:
                raise AssertionError(
                    "`scheduler` should be a list or a ParamScheduler config when a single "
                    "optimizer is used; a dict of schedulers per optimizer needs an "
                    "OptimWrapperDict"
                )
            return self._build_param_scheduler(scheduler, self.optim_wrapper)
        schedulers: dict[str, list[_ParamScheduler]] = {}
        for name, wrapper in self.optim_wrapper.items():
            if isinstance(scheduler, dict) and "type" not in scheduler:
                schedulers[name] = self._build_param_scheduler(scheduler[name], wrapper)
            else:
                schedulers[name] = self._build_param_scheduler(scheduler, wrapper)
        return schedulers

    def _build_param_scheduler(
        self, scheduler: _ParamScheduler | dict | list, optim_wrapper: OptimWrapper
    ) -> list[_ParamScheduler]:
        items = scheduler if isinstance(scheduler, Sequence) else [scheduler]
        built: list[_ParamScheduler] = []
        for item in items:
            if isinstance(item, _ParamScheduler):
                built.append(item)
            elif isinstance(item, dict):
                cfg = copy.deepcopy(item)
                if self._train_loop is not None:
                    by_epoch = cfg.get("by_epoch", True)
                    cfg.setdefault("end", self.max_epochs if by_epoch else self.max_iters)
                    epoch_length = len(self.train_dataloader)
                else:
                    epoch_length = None
                default_args: dict = dict(optimizer=optim_wrapper)
                if epoch_length is not None:
                    default_args["epoch_length"] = epoch_length
                built.append(PARAM_SCHEDULERS.build(cfg, default_args=default_args))
            else:
                raise TypeError(
                    "scheduler should be a _ParamScheduler object or dict, but got "
                    f"{type(item)}: {item!r}"
                )
        return built

    def build_evaluator(self, evaluator: Evaluator | dict | list) -> Evaluator:
        """Build an :class:`Evaluator` from an evaluator, a metric config or a list of them."""
        if isinstance(evaluator, Evaluator):
            return evaluator
        if isinstance(evaluator, dict):
            if "metrics" in evaluator:
                cfg = dict(evaluator)
                cfg.setdefault("type", "Evaluator")
                return EVALUATOR.build(cfg)
            return Evaluator(evaluator)
        if isinstance(evaluator, list):
            return Evaluator(evaluator)
        raise TypeError(
            f"evaluator should be one of dict, list of dict, and Evaluator, but got {evaluator}"
        )

    @staticmethod
    def build_dataloader(
        dataloader: DataLoader | dict,
        seed: int | None = None,
        diff_rank_seed: bool = False,
    ) -> DataLoader:
        """Build a DataLoader: dataset, sampler (and batch sampler), collate and worker init.

        Without ``collate_fn``, samples are gathered with ``pseudo_collate`` (lists, not
        stacked tensors), as OpenMMLab models expect.
        """
        if isinstance(dataloader, DataLoader):
            return dataloader
        cfg = copy.deepcopy(dict(dataloader))
        if "dataset" not in cfg:
            raise KeyError(f"dataloader config needs a 'dataset' key, got keys {sorted(cfg)}")
        dataset_cfg = cfg.pop("dataset")
        if isinstance(dataset_cfg, dict):
            dataset = DATASETS.build(dataset_cfg)
            if hasattr(dataset, "full_init"):
                dataset.full_init()
        else:
            dataset = dataset_cfg
        num_batch_per_epoch = cfg.pop("num_batch_per_epoch", None)
        if num_batch_per_epoch is not None:
            batch_size = _get_batch_size(cfg)
            num_samples = num_batch_per_epoch * batch_size * get_world_size()
            dataset = _SlicedDataset(dataset, num_samples)

        sampler_cfg = cfg.pop("sampler", dict(type="DefaultSampler", shuffle=False))
        if isinstance(sampler_cfg, dict):
            sampler_seed = None if diff_rank_seed else seed
            sampler = DATA_SAMPLERS.build(
                sampler_cfg, default_args=dict(dataset=dataset, seed=sampler_seed)
            )
        else:
            sampler = sampler_cfg

        batch_sampler_cfg = cfg.pop("batch_sampler", None)
        if batch_sampler_cfg is None:
            batch_sampler = None
        elif isinstance(batch_sampler_cfg, dict):
            batch_sampler = DATA_SAMPLERS.build(
                batch_sampler_cfg,
                default_args=dict(sampler=sampler, batch_size=cfg.pop("batch_size")),
            )
        else:
            batch_sampler = batch_sampler_cfg

        init_fn: Callable | None
        if "worker_init_fn" in cfg:
            fn_cfg = dict(cfg.pop("worker_init_fn"))
            fn_type = fn_cfg.pop("type")
            fn = FUNCTIONS.get(fn_type) if isinstance(fn_type, str) else fn_type
            if fn is None:
                raise KeyError(f"worker_init_fn {fn_type!r} is not registered in FUNCTIONS")
            init_fn = partial(fn, **fn_cfg)
        elif seed is not None:
            disable_warning = cfg.pop("disable_subprocess_warning", False)
            init_fn = partial(
                default_worker_init_fn,
                num_workers=cfg.get("num_workers", 0),
                rank=get_rank(),
                seed=seed,
                disable_subprocess_warning=disable_warning,
            )
            # workers reseed per batch, so a resumed epoch replays its augmentations
            _worker_seeding.install(cfg, dataset, seed, get_rank())
        else:
            init_fn = None
        cfg.pop("disable_subprocess_warning", None)

        collate_cfg = cfg.pop("collate_fn", dict(type="pseudo_collate"))
        if isinstance(collate_cfg, dict):
            collate_cfg = dict(collate_cfg)
            collate_type = collate_cfg.pop("type")
            fn = FUNCTIONS.get(collate_type) if isinstance(collate_type, str) else collate_type
            if fn is None:
                raise KeyError(
                    f"collate_fn {collate_type!r} is not registered in FUNCTIONS; register it "
                    "with @FUNCTIONS.register_module() or pass the function itself"
                )
            collate_fn = partial(fn, **collate_cfg)
        elif callable(collate_cfg):
            collate_fn = collate_cfg
        else:
            raise TypeError(
                f"collate_fn should be a dict or callable object, but got {collate_cfg}"
            )
        return DataLoader(
            dataset=dataset,
            sampler=sampler if batch_sampler is None else None,
            batch_sampler=batch_sampler,
            collate_fn=collate_fn,
            worker_init_fn=init_fn,
            **cfg,
        )

    def build_train_loop(self, loop: BaseLoop | dict) -> BaseLoop:
        """Build the train loop: ``type`` from ``LOOPS``, or ``by_epoch`` choosing the loop."""
        if isinstance(loop, BaseLoop):
            return loop
        if not isinstance(loop, dict):
            raise TypeError(f"train_loop should be a Loop object or dict, but got {loop}")
        cfg = copy.deepcopy(dict(loop))
        if "type" in cfg and "by_epoch" in cfg:
            raise RuntimeError("Only one of `type` or `by_epoch` can exist in `loop_cfg`.")
        if "type" in cfg:
            return LOOPS.build(
                cfg, default_args=dict(runner=self, dataloader=self._train_dataloader)
            )
        by_epoch = cfg.pop("by_epoch", True)
        cls = EpochBasedTrainLoop if by_epoch else IterBasedTrainLoop
        return cls(**cfg, runner=self, dataloader=self._train_dataloader)

    def _build_eval_loop(self, loop: BaseLoop | dict, stage: str) -> BaseLoop:
        if isinstance(loop, BaseLoop):
            return loop
        if not isinstance(loop, dict):
            raise TypeError(f"{stage}_loop should be a Loop object or dict, but got {loop}")
        cfg = copy.deepcopy(dict(loop))
        dataloader = getattr(self, f"_{stage}_dataloader")
        evaluator = getattr(self, f"_{stage}_evaluator")
        if "type" in cfg:
            return LOOPS.build(
                cfg, default_args=dict(runner=self, dataloader=dataloader, evaluator=evaluator)
            )
        cls = ValLoop if stage == "val" else TestLoop
        return cls(**cfg, runner=self, dataloader=dataloader, evaluator=evaluator)

    def build_val_loop(self, loop: BaseLoop | dict) -> BaseLoop:
        """Build the validation loop (``ValLoop`` unless ``type`` says otherwise)."""
        return self._build_eval_loop(loop, "val")

    def build_test_loop(self, loop: BaseLoop | dict) -> BaseLoop:
        """Build the test loop (``TestLoop`` unless ``type`` says otherwise)."""
        return self._build_eval_loop(loop, "test")

    def build_log_processor(self, log_processor: LogProcessor | dict) -> LogProcessor:
        """Build the :class:`LogProcessor`."""
        if isinstance(log_processor, LogProcessor):
            return log_processor
        if isinstance(log_processor, dict):
            cfg = copy.deepcopy(dict(log_processor))
            cfg.setdefault("type", "LogProcessor")
            return LOG_PROCESSORS.build(cfg)
        raise TypeError(
            f"log processor should be a LogProcessor object or dict, butgot {log_processor}"
        )

    @master_only
    def dump_config(self) -> None:
        """Write the config to the work dir (under its own file name or the timestamp)."""
        if not self.cfg:
            return
        name = osp.basename(self.cfg.filename) if self.cfg.filename else f"{self._timestamp}.py"
        put_text(self._cfg_text, osp.join(self._work_dir, name))

    # ================================================================== properties
    @property
    def experiment_name(self) -> str:
        """str: the experiment's name."""
        return self._experiment_name

    @property
    def model_name(self) -> str:
        """str: the class name of the (unwrapped) model."""
        return self._model_name

    @property
    def work_dir(self) -> str:
        """str: the working directory (checkpoints, config)."""
        return self._work_dir

    @property
    def log_dir(self) -> str:
        """str: the directory of this run's logs."""
        return self._log_dir

    @property
    def logger(self) -> MMLogger:
        """MMLogger: the run's logger."""
        return self._logger

    @logger.setter
    def logger(self, value: MMLogger) -> None:
        self._logger = value

    @property
    def timestamp(self) -> str:
        """str: when the run started, shared by every rank."""
        return self._timestamp

    @property
    def launcher(self) -> str:
        """str: the launcher."""
        return self._launcher

    @property
    def distributed(self) -> bool:
        """bool: whether the run is distributed."""
        return self._distributed

    @property
    def rank(self) -> int:
        """int: this process's rank."""
        return self._rank

    @property
    def world_size(self) -> int:
        """int: the number of processes."""
        return self._world_size

    @property
    def deterministic(self) -> bool:
        """bool: whether algorithms are deterministic."""
        return self._deterministic

    @property
    def seed(self) -> int:
        """int: the random seed."""
        return self._seed

    @property
    def hooks(self) -> list[Hook]:
        """list[Hook]: the registered hooks, by priority."""
        return self._hooks

    @property
    def train_loop(self) -> BaseLoop:
        """BaseLoop: the train loop, built from its config on first access."""
        if self._train_loop is None:
            raise RuntimeError(
                "`self._train_loop` should not be None when calling train method. Please "
                "provide `train_dataloader`, `train_cfg`, `optimizer` and `param_scheduler` "
                "arguments when initializing runner."
            )
        if isinstance(self._train_loop, dict):
            self._train_loop = self.build_train_loop(self._train_loop)
        return self._train_loop

    @property
    def val_loop(self) -> BaseLoop | None:
        """BaseLoop or None: the validation loop, built from its config on first access."""
        if isinstance(self._val_loop, dict):
            self._val_loop = self.build_val_loop(self._val_loop)
        return self._val_loop

    @property
    def test_loop(self) -> BaseLoop | None:
        """BaseLoop or None: the test loop, built from its config on first access."""
        if isinstance(self._test_loop, dict):
            self._test_loop = self.build_test_loop(self._test_loop)
        return self._test_loop

    @property
    def train_dataloader(self) -> DataLoader:
        """DataLoader: the train loop's dataloader."""
        return self.train_loop.dataloader

    @property
    def val_dataloader(self) -> DataLoader:
        """DataLoader: the validation loop's dataloader."""
        return self._require(self.val_loop, "val").dataloader

    @property
    def test_dataloader(self) -> DataLoader:
        """DataLoader: the test loop's dataloader."""
        return self._require(self.test_loop, "test").dataloader

    @property
    def val_evaluator(self) -> Evaluator:
        """Evaluator: the validation evaluator."""
        return self._require(self.val_loop, "val").evaluator

    @property
    def test_evaluator(self) -> Evaluator:
        """Evaluator: the test evaluator."""
        return self._require(self.test_loop, "test").evaluator

    @property
    def val_interval(self) -> int:
        """int: validate every this many epochs or iterations."""
        return self.train_loop.val_interval

    @property
    def val_begin(self) -> int:
        """int: the epoch or iteration from which to validate."""
        return self.train_loop.val_begin

    @staticmethod
    def _require(loop: BaseLoop | None, stage: str) -> BaseLoop:
        if loop is None:
            space = "" if stage == "val" else " "  # sic: upstream's val sentence has no space
            raise RuntimeError(
                f"`self._{stage}_loop` should not be None when calling {stage} method."
                f"{space}Please provide `{stage}_dataloader`, `{stage}_cfg` and "
                f"`{stage}_evaluator` arguments when initializing runner."
            )
        return loop

    def _train_counter(self, name: str) -> int:
        if self._train_loop is None:
            return 0
        return getattr(self.train_loop, name)

    @property
    def epoch(self) -> int:
        """int: completed training epochs (0 when the run does not train)."""
        loop = self._train_loop  # read by hooks every iteration: the short path first
        if loop is None or isinstance(loop, dict):
            return self._train_counter("epoch")
        return loop.epoch

    @property
    def iter(self) -> int:
        """int: completed training iterations (0 when the run does not train)."""
        loop = self._train_loop
        if loop is None or isinstance(loop, dict):
            return self._train_counter("iter")
        return loop.iter

    @property
    def max_epochs(self) -> int:
        """int: total training epochs."""
        loop = self._train_loop
        if loop is None or isinstance(loop, dict):
            return self._train_counter("max_epochs")
        return loop.max_epochs

    @property
    def max_iters(self) -> int:
        """int: total training iterations."""
        loop = self._train_loop
        if loop is None or isinstance(loop, dict):
            return self._train_counter("max_iters")
        return loop.max_iters

    # ================================================================== tasks
    def _unwrapped_model(self) -> nn.Module:
        return self.model.module if is_model_wrapper(self.model) else self.model

    def _init_model_weights(self) -> None:
        """Initialise the weights of a model that knows how (``init_weights``)."""
        model = self._unwrapped_model()
        if hasattr(model, "init_weights"):
            model.init_weights()
            if self._distributed:
                # Each rank initialised its own copy: make them all rank 0's.
                for tensor in model.state_dict().values():
                    broadcast(tensor)

    def _maybe_compile(self, target: str) -> None:
        """Compile ``model.<target>`` with ``torch.compile`` when the config asks for it."""
        if not self._compile:
            return
        if digit_version(TORCH_VERSION) < digit_version("2.0.0"):
            raise RuntimeError("compile needs PyTorch >= 2.0")
        cfg = {} if self._compile is True else dict(self._compile)
        func = getattr(self.model, target)
        setattr(self.model, target, torch.compile(func, **cfg))
        self.logger.info(f"model.{target} compiled with torch.compile({cfg})")

    def _apply_module_features(self) -> None:
        """Apply the ``activation_checkpointing``/``efficient_conv_bn_eval`` cfg keys."""
        model = self._unwrapped_model()
        for key, turn_on in (
            ("activation_checkpointing", turn_on_activation_checkpointing),
            ("efficient_conv_bn_eval", turn_on_efficient_conv_bn_eval),
        ):
            modules = self.cfg.get(key)
            if modules is None:
                continue
            turn_on(model, modules)
            self.logger.info(f'Enabling the "{key}" feature for sub-modules: {modules}')

    def train(self) -> nn.Module:
        """Train the model; return it."""
        model = self._unwrapped_model()
        if not hasattr(model, "train_step"):
            raise AssertionError(
                "If you want to train your model, please make sure your model has implemented "
                "`train_step`."
            )
        if self._val_loop is not None and not hasattr(model, "val_step"):
            raise AssertionError(
                "If you want to validate your model, please make sure your model has "
                "implemented `val_step`."
            )
        # Upstream's order (the train loop may draw from the global generator, P1).
        loop = self.train_loop
        self.optim_wrapper = self.build_optim_wrapper(self.optim_wrapper)
        self.scale_lr(self.optim_wrapper, self.auto_scale_lr)
        if self.param_schedulers is not None:
            self.param_schedulers = self.build_param_scheduler(self.param_schedulers)
        self.val_loop  # noqa: B018  (build it now, before the hooks' before_run)
        self.call_hook("before_run")
        try:
            self._init_model_weights()
            self._apply_module_features()
            self.load_or_resume()
            self.optim_wrapper.initialize_count_status(self.model, loop.iter, loop.max_iters)
            self._maybe_compile("train_step")
            # Objects that live for the whole run (modules, datasets, imports) leave the
            # garbage collector's generations, so its passes during training stay short.
            gc.freeze()
            try:
                model = run_train_loop(self, loop)
            finally:
                gc.unfreeze()
        finally:
            self.call_hook("after_run")
        if self._exit_code is not None:
            code, self._exit_code = self._exit_code, None
            raise SystemExit(code)
        return model

    def request_stop(self, reason: str, exit_code: int | None = None) -> None:
        """Ask training to stop at the end of the current iteration, with a checkpoint.

        The checkpoint goes through the checkpoint store and becomes ``last_checkpoint``;
        ``resume=True`` continues from it. Used by preemption signals and
        :class:`~mmengine.hooks.TimeLimitHook`.

        Args:
            reason (str): why (logged).
            exit_code (int, optional): exit the process with this status afterwards; None
                lets ``train()`` return.
        """
        self._stop_request.set(reason, exit_code)

    def _save_stop_checkpoint(self) -> str:
        """Save the checkpoint of a stop request (preemption, time limit); see
        :mod:`mmengine.runner.resilience`."""
        return save_stop_checkpoint(self)

    def val(self) -> dict:
        """Validate the model; return the metrics."""
        loop = self._require(self.val_loop, "val")
        self.call_hook("before_run")
        try:
            self.load_or_resume()
            metrics = loop.run()
        finally:
            self.call_hook("after_run")
        return metrics

    def test(self) -> dict:
        """Test the model; return the metrics."""
        loop = self._require(self.test_loop, "test")
        self.call_hook("before_run")
        try:
            self.load_or_resume()
            metrics = loop.run()
        finally:
            self.call_hook("after_run")
        return metrics

    # ================================================================== hooks
    def call_hook(self, fn_name: str, **kwargs: Any) -> None:
        """Call ``fn_name(self, **kwargs)`` on every hook that implements it, by priority.

        ``fn_name`` is any method name: the points of ``Hook.stages``, or a stage a custom
        loop adds (e.g. ``'before_warmup_iter'``), which runs on the hooks that define it.
        """
        hooks = self._hooks_for(fn_name)
        try:
            for hook in hooks:
                getattr(hook, fn_name)(self, **kwargs)
        except TypeError as exc:
            note = f"(raised while calling the {fn_name!r} hooks)"
            if hasattr(exc, "add_note"):
                exc.add_note(note)
            else:  # Python 3.10: keep the note where PEP 678 puts it
                exc.__notes__ = [*getattr(exc, "__notes__", []), note]
            raise

    def _hooks_for(self, fn_name: str) -> list[Hook]:
        """The hooks that implement ``fn_name``, from a table rebuilt when the list changes.

        Hooks that only inherit ``Hook``'s no-op for a stage are skipped, which keeps the
        per-iteration cost of the hook points low. A name outside ``Hook.stages`` selects the
        hooks that have such a method.
        """
        key = (id(self._hooks), len(self._hooks))
        if key != self._hook_table_key:
            table: dict[str, list[Hook]] = {stage: [] for stage in Hook.stages}
            for hook in self._hooks:
                if isinstance(hook, Hook):
                    stages = set(hook.get_triggered_stages()) | (set(vars(hook)) & set(table))
                else:  # a duck-typed hook: call whatever it has
                    stages = {s for s in table if hasattr(hook, s)}
                for stage in stages:
                    table[stage].append(hook)
            self._hook_table, self._hook_table_key = table, key
        hooks = self._hook_table.get(fn_name)
        if hooks is None:
            hooks = [h for h in self._hooks if callable(getattr(h, fn_name, None))]
            self._hook_table[fn_name] = hooks
        return hooks

    def register_hook(
        self, hook: Hook | dict, priority: int | str | Priority | None = None
    ) -> None:
        """Register a hook (or a config built with ``HOOKS``) at its priority.

        A hook runs after the already registered hooks of the same priority. The priority
        comes from ``priority``, else from the config's ``priority`` key, else the hook's own.
        """
        if not isinstance(hook, (Hook, dict)):
            raise TypeError(f"hook should be an instance of Hook or dict, but got {hook}")
        cfg_priority = None
        if isinstance(hook, dict):
            cfg = dict(hook)
            cfg_priority = cfg.pop("priority", None)
            hook_obj = HOOKS.build(cfg)
        else:
            hook_obj = hook
        if priority is not None:
            hook_obj.priority = priority
        elif cfg_priority is not None:
            hook_obj.priority = cfg_priority
        value = get_priority(hook_obj.priority)
        index = len(self._hooks)
        while index > 0 and get_priority(self._hooks[index - 1].priority) > value:
            index -= 1
        self._hooks.insert(index, hook_obj)

    def register_default_hooks(self, hooks: dict[str, Hook | dict | None] | None = None) -> None:
        """Register the default hooks, updated by ``hooks`` (a None value removes one)."""
        merged: dict[str, Hook | dict | None] = {k: dict(v) for k, v in DEFAULT_HOOKS.items()}
        if hooks is not None:
            merged.update(hooks)
        for hook in merged.values():
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
        by_stage: dict[str, list[str]] = {stage: [] for stage in Hook.stages}
        for hook in self._hooks:
            try:
                priority = Priority(hook.priority).name
            except ValueError:
                priority = str(hook.priority)
            info = f"({priority:<12}) {hook.__class__.__name__:<35}"
            for stage in hook.get_triggered_stages():
                by_stage[stage].append(info)
        blocks = []
        for stage in Hook.stages:
            if by_stage[stage]:
                blocks.append(
                    f"{stage}:\n" + "\n".join(by_stage[stage]) + "\n -------------------- "
                )
        return "\n".join(blocks)

    # ================================================================== checkpoints
    def _model_state_dict(self) -> dict:
        """The model's weights for a checkpoint (on the CPU, without wrapper prefixes)."""
        return weights_to_cpu(get_state_dict(self._unwrapped_model()))

    def _load_model_state(self, checkpoint: dict, strict: bool, revise_keys: list) -> dict:
        """Load a checkpoint's weights into the model; return the checkpoint."""
        return _load_checkpoint_to_model(
            self._unwrapped_model(), checkpoint, strict, revise_keys=revise_keys
        )

    def load_or_resume(self) -> None:
        """Resume or load weights as ``resume``/``load_from`` say, once per runner."""
        if self._has_loaded:
            return
        resume_from = None
        if self._resume and self._load_from is None:
            resume_from = find_latest_checkpoint(self.work_dir)
            if resume_from is not None:
                self.logger.info(f"Auto resumed from the latest checkpoint {resume_from}.")
            else:
                self.logger.info(f"No checkpoint found in {self.work_dir}: training from scratch.")
        elif self._resume:
            resume_from = self._load_from
        if resume_from is not None:
            self.resume(resume_from)
        elif self._load_from is not None:
            self.load_checkpoint(self._load_from)
        self._has_loaded = True

    def load_checkpoint(
        self,
        filename: str,
        map_location: str | Callable = "cpu",
        strict: bool = False,
        revise_keys: list = [(r"^module.", "")],  # noqa: B006 (upstream's signature)
    ) -> dict:
        """Load a checkpoint's weights into the model (reporting missing/unexpected keys)."""
        checkpoint = _load_checkpoint(filename, map_location=map_location)
        self.call_hook("after_load_checkpoint", checkpoint=checkpoint)
        checkpoint = self._load_model_state(checkpoint, strict, revise_keys)
        self._has_loaded = True
        self.logger.info(f"Load checkpoint from {filename}")
        return checkpoint

    def resume(
        self,
        filename: str,
        resume_optimizer: bool = True,
        resume_param_scheduler: bool = True,
        map_location: str | Callable = "default",
    ) -> None:
        """Resume training from a checkpoint: weights, counters, optimizer, schedulers, logs."""
        if map_location == "default":
            from mmengine.device import get_device

            map_location = get_device()
        checkpoint = self.load_checkpoint(filename, map_location=map_location)
        meta = checkpoint.get("meta", {})
        loop = self.train_loop
        loop._epoch = meta.get("epoch", 0)
        loop._iter = meta.get("iter", 0)

        resumed_seed = meta.get("seed")
        if resumed_seed is not None and resumed_seed != self._seed:
            if self._randomness_cfg.get("seed") is not None:
                self.logger.warning(
                    f"The value of random seed in the checkpoint ({resumed_seed}) is different "
                    f"from the value in `randomness` config ({self._seed}); the checkpoint's "
                    "seed is used"
                )
            self._randomness_cfg.update(seed=resumed_seed)
            self.set_randomness(**self._randomness_cfg)

        dataset_meta = getattr(self.train_dataloader.dataset, "metainfo", None)
        if meta.get("dataset_meta") is not None and meta.get("dataset_meta") != dataset_meta:
            self.logger.warning(
                "The dataset metainfo from the resumed checkpoint is different from the current "
                "training dataset, please check the correctness of the checkpoint or the "
                "training dataset."
            )
        if "message_hub" in checkpoint:
            self.message_hub.load_state_dict(checkpoint["message_hub"])
        restore_resume_state(self, checkpoint)

        if "optimizer" in checkpoint and resume_optimizer:
            self.optim_wrapper = self.build_optim_wrapper(self.optim_wrapper)
            self.optim_wrapper.load_state_dict(checkpoint["optimizer"])

        if resume_param_scheduler and self.param_schedulers is None:
            resume_param_scheduler = False
        if "param_schedulers" in checkpoint and resume_param_scheduler:
            self.param_schedulers = self.build_param_scheduler(self.param_schedulers)
            saved = checkpoint["param_schedulers"]
            if isinstance(self.param_schedulers, dict):
                for name, schedulers in self.param_schedulers.items():
                    for scheduler, state in zip(schedulers, saved[name]):
                        scheduler.load_state_dict(state)
            else:
                for scheduler, state in zip(self.param_schedulers, saved):
                    scheduler.load_state_dict(state)
        self._has_loaded = True
        self.logger.info(f"resumed epoch: {loop.epoch}, iter: {loop.iter}")

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
        """Save weights, counters, optimizer, schedulers and message hub to ``out_dir/filename``.

        The write is atomic: a crash leaves the previous file intact.
        """
        if meta is None:
            meta = {}
        elif not isinstance(meta, dict):
            raise TypeError(f"meta should be a dict or None, but got {type(meta)}")
        # Counters the caller records (a hook saving after validation, when the loop has
        # already counted the epoch) win; otherwise this is called from after_train_epoch or
        # after_train_iter, before the loop counts the epoch or iteration as done.
        meta = dict(meta)
        if by_epoch:
            meta.setdefault("epoch", self.epoch + 1)
            meta.setdefault("iter", self.iter)
        else:
            meta.setdefault("epoch", self.epoch)
            meta.setdefault("iter", self.iter + 1)
        filepath = join_path(out_dir, filename, backend_args=backend_args)
        meta.update(
            cfg=self._cfg_text,
            seed=self.seed,
            experiment_name=self.experiment_name,
            time=time.strftime("%Y%m%d_%H%M%S", time.localtime()),
            mmengine_version=get_mmengine_version() + get_git_hash(digits=7, fallback=""),
        )
        dataset = getattr(self.train_dataloader, "dataset", None)
        if hasattr(dataset, "metainfo"):
            meta.update(dataset_meta=dataset.metainfo)

        checkpoint: dict[str, Any] = {
            "meta": meta,
            "state_dict": self._model_state_dict(),
            "message_hub": self.message_hub.state_dict(),
        }
        if save_optimizer:
            if not isinstance(self.optim_wrapper, OptimWrapper):
                raise TypeError(
                    "self.optim_wrapper should be an `OptimWrapper` or `OptimWrapperDict` "
                    f"instance, but got {self.optim_wrapper}"
                )
            checkpoint["optimizer"] = self.optim_wrapper.state_dict()
        if save_param_scheduler and self.param_schedulers is None:
            save_param_scheduler = False
        if save_param_scheduler:
            if isinstance(self.param_schedulers, dict):
                checkpoint["param_schedulers"] = {
                    name: [s.state_dict() for s in schedulers]
                    for name, schedulers in self.param_schedulers.items()
                }
            else:
                checkpoint["param_schedulers"] = [s.state_dict() for s in self.param_schedulers]
        # What an exact resume needs (random generators, sampler seed, pending validation);
        # every rank's random state when every rank is saving (the checkpoint store says so).
        checkpoint[RESUME_STATE_KEY] = resume_state(
            self, collective=bool(getattr(self, "_checkpoint_collective", False))
        )
        self.call_hook("before_save_checkpoint", checkpoint=checkpoint)
        if self._writes_checkpoints():
            save_checkpoint(
                checkpoint, filepath, file_client_args=file_client_args, backend_args=backend_args
            )

    def _writes_checkpoints(self) -> bool:
        """Whether this process writes checkpoint files (the main process; a strategy may
        make every rank write its part)."""
        return is_main_process()

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}(experiment_name={self._experiment_name!r}, "
            f"work_dir={self._work_dir!r}, model={self._model_name})"
        )
