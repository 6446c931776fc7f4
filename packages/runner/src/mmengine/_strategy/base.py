"""BaseStrategy: the environment, model, optimizer and checkpoints of one training run.

A strategy is usable on its own (``strategy.prepare(model, optim_wrapper=...)`` then your own
loop) and is what :class:`~mmengine.runner.FlexibleRunner` delegates to.
"""

from __future__ import annotations

import os
import os.path as osp
import platform
from abc import ABCMeta, abstractmethod
from collections.abc import Callable
from typing import Any, Optional, Union

import torch
from torch import nn
from torch.optim import Optimizer

from mmengine.config import Config, ConfigDict  # noqa: F401  (upstream's module globals)
from mmengine.dist import (  # noqa: F401  (broadcast: upstream's module global)
    broadcast,
    get_dist_info,
    infer_launcher,
    is_distributed,
)
from mmengine.logging import MMLogger
from mmengine.model import is_model_wrapper
from mmengine.model.checkpoint import (  # noqa: F401  (importable from here before the split)
    _load_checkpoint_to_model,
    checkpoint_state_dict,
    find_latest_checkpoint,
    get_state_dict,
    weights_to_cpu,
)
from mmengine.optim import (  # noqa: F401  (upstream's module globals)
    BaseOptimWrapper,
    OptimWrapper,
    OptimWrapperDict,
    _ParamScheduler,
    build_optim_wrapper,
)
from mmengine.registry import MODELS, OPTIM_WRAPPERS, PARAM_SCHEDULERS  # noqa: F401
from mmengine.utils import digit_version, get_mmengine_version  # noqa: F401
from mmengine.utils.dl_utils import TORCH_VERSION, collect_env, set_multi_processing

from . import _checkpoint_state, _components
from ._components import ParamSchedulerType
from ._environment import raise_open_files_limit, runtime_env, shared_timestamp

_DEFAULT_REVISE_KEYS = [(r"^module.", "")]


class BaseStrategy(metaclass=ABCMeta):
    """How one training run sets up its processes and places, wraps and checkpoints its model.

    Constructing a strategy sets up the environment (multiprocessing, the process group of a
    distributed launch, random seeds) and the logger; :meth:`prepare` then builds, wraps and
    (optionally) compiles the model and builds the optimizer wrapper and the parameter
    schedulers. ``save_checkpoint``, ``load_checkpoint`` and ``resume`` write and read
    checkpoints in the strategy's format.

    Args:
        work_dir (str): where logs and checkpoints go. Defaults to 'work_dirs'.
        experiment_name (str, optional): the run's name, suffixed with the timestamp.
            Defaults to the timestamp.
        env_kwargs (dict, optional): the environment: ``launcher`` ('none', 'pytorch',
            'slurm', 'mpi'; None infers it from the environment variables of torchrun, srun
            or mpirun), ``cudnn_benchmark``, ``mp_cfg``, ``dist_cfg`` (e.g.
            ``dict(backend='gloo')``), ``resource_limit`` and ``randomness``
            (``seed``, ``diff_rank_seed``, ``deterministic``).
        log_kwargs (dict, optional): arguments of :meth:`build_logger` (``log_level``,
            ``log_file``, ``name``...).
        auto_scale_lr (dict, optional): ``dict(base_batch_size=..., enable=True)`` scales the
            learning rate with ``world_size * train_micro_batch_size_per_gpu`` (the latter
            from ``prepare``'s ``dispatch_kwargs``).
    """

    model: nn.Module
    optim_wrapper: BaseOptimWrapper
    param_schedulers: ParamSchedulerType

    def __init__(
        self,
        *,
        work_dir: str = "work_dirs",
        experiment_name: Optional[str] = None,
        env_kwargs: Optional[dict] = None,
        log_kwargs: Optional[dict] = None,
        auto_scale_lr: Optional[dict] = None,
    ) -> None:
        # Created when something is written there (a log file or a checkpoint).
        self._work_dir = osp.abspath(work_dir)
        self._env_kwargs = dict(env_kwargs or {})
        self._setup_env(**self._env_kwargs)
        if experiment_name is not None:
            self._experiment_name = f"{experiment_name}_{self._timestamp}"
        else:
            self._experiment_name = self._timestamp
        self._log_dir = osp.join(self.work_dir, self._timestamp)
        self._log_kwargs = dict(log_kwargs or {})
        self._logger: Optional[MMLogger] = None
        self._auto_scale_lr = auto_scale_lr
        self.dispatch_kwargs: dict = {}
        self._prepared = False

    # ------------------------------------------------------------------ properties
    @property
    def work_dir(self) -> str:
        """str: the working directory (absolute)."""
        return self._work_dir

    @property
    def log_dir(self) -> str:
        """str: this run's log directory, ``work_dir/<timestamp>``."""
        return self._log_dir

    @property
    def experiment_name(self) -> str:
        """str: the experiment name (``<name>_<timestamp>`` or the timestamp)."""
        return self._experiment_name

    @property
    def launcher(self) -> str:
        """str: the launcher ('none', 'pytorch', 'slurm' or 'mpi')."""
        return self._launcher

    @property
    def distributed(self) -> bool:
        """bool: whether the run is distributed (its launcher is not 'none')."""
        return self._distributed

    @property
    def seed(self) -> int:
        """int: the random seed in use."""
        return self._seed

    @property
    def rank(self) -> int:
        """int: this process's rank."""
        return self._rank

    @property
    def world_size(self) -> int:
        """int: the number of processes."""
        return self._world_size

    @property
    def timestamp(self) -> str:
        """str: the run's timestamp (rank 0's, on every rank)."""
        return self._timestamp

    @property
    def randomness(self) -> dict:
        """dict: the randomness settings (``seed``, ``diff_rank_seed``, ``deterministic``)."""
        return self._randomness

    @property
    def logger(self) -> MMLogger:
        """MMLogger: the run's logger, writing ``log_dir/<timestamp>.log`` (built on first use)."""
        if self._logger is None:
            self._logger = self.build_logger(**self._log_kwargs)
        return self._logger

    @logger.setter
    def logger(self, value: MMLogger) -> None:
        self._logger = value

    # ------------------------------------------------------------------ environment
    def _setup_env(
        self,
        *,
        launcher: Optional[str] = None,
        cudnn_benchmark: bool = False,
        mp_cfg: Optional[dict] = None,
        dist_cfg: Optional[dict] = None,
        resource_limit: int = 4096,
        randomness: dict = dict(seed=None),  # noqa: B006 (upstream's signature)
    ) -> None:
        """Set up multiprocessing, the process group, resource limits and random seeds.

        Args:
            launcher (str, optional): None infers it (see
                :func:`mmengine.dist.infer_launcher`).
            cudnn_benchmark (bool): turn on ``torch.backends.cudnn.benchmark``.
            mp_cfg (dict, optional): ``mp_start_method`` and ``opencv_num_threads``.
            dist_cfg (dict, optional): arguments of ``init_dist`` (``backend``, ``timeout``,
                ``port``...). The backend defaults to 'nccl' with CUDA, else 'gloo'.
            resource_limit (int): raise the soft limit of open files to at least this.
            randomness (dict): ``seed``, ``diff_rank_seed`` and ``deterministic``.
        """
        self._launcher = infer_launcher() if launcher is None else launcher
        self._distributed = self._launcher != "none"
        if cudnn_benchmark:
            torch.backends.cudnn.benchmark = True
        set_multi_processing(**(mp_cfg or {}), distributed=self._distributed)
        if self._distributed and not is_distributed():
            dist_cfg = dict(dist_cfg or {})
            dist_cfg.setdefault("backend", "nccl" if torch.cuda.is_available() else "gloo")
            self._setup_distributed(self._launcher, **dist_cfg)
        if platform.system() != "Windows":
            raise_open_files_limit(resource_limit)
        self._rank, self._world_size = get_dist_info()
        self._timestamp = shared_timestamp()  # rank 0's on every rank
        self._randomness = dict(randomness if randomness is not None else dict(seed=None))
        self._set_randomness(**self._randomness)

    def _setup_distributed(self, *args: Any, **kwargs: Any) -> None:  # noqa: B027
        """Initialise the process group; strategies that train distributed implement it."""

    def _set_randomness(
        self, seed: Optional[int] = None, diff_rank_seed: bool = False, deterministic: bool = False
    ) -> None:
        """Seed python, numpy and torch (a random seed, shared by the ranks, when None)."""
        from mmengine.runner.utils import set_random_seed

        self._deterministic = deterministic
        self._seed = set_random_seed(
            seed=seed, diff_rank_seed=diff_rank_seed, deterministic=deterministic
        )

    # ------------------------------------------------------------------ building
    @abstractmethod
    def prepare(
        self,
        model: Union[nn.Module, dict],
        *,
        optim_wrapper: Union[BaseOptimWrapper, dict, None] = None,
        param_scheduler: Union[_ParamScheduler, dict, list, None] = None,
        compile: Union[dict, bool] = False,
        dispatch_kwargs: Optional[dict] = None,
    ) -> Any:
        """Build and wrap the model, the optimizer wrapper and the schedulers.

        Args:
            model (nn.Module or dict): the model or its config (built with ``MODELS``).
            optim_wrapper (BaseOptimWrapper or dict, optional): the optimizer wrapper or its
                config.
            param_scheduler (_ParamScheduler or dict or list, optional): the schedulers or
                their configs.
            compile (bool or dict): compile the model's ``forward`` with ``torch.compile``
                (a dict gives its arguments, e.g. ``dict(backend='inductor')``), which
                speeds up training, validation and testing alike.
            dispatch_kwargs (dict, optional): what the components need to know about the
                run: ``max_epochs``/``max_iters`` and ``epoch_length`` for the schedulers,
                ``train_micro_batch_size_per_gpu`` for ``auto_scale_lr``.

        Returns:
            The model alone, or a list ``[model, optim_wrapper(, param_schedulers)]``.
        """

    def build_model(self, model: Union[nn.Module, dict]) -> nn.Module:
        """Return ``model`` if it is a module, else build it with ``MODELS``."""
        if isinstance(model, nn.Module):
            return model
        if isinstance(model, dict):
            return MODELS.build(model)
        raise TypeError(f"model should be a nn.Module object or dict, but got {type(model)}")

    def compile_model(self, model: nn.Module, compile: Union[dict, bool] = False) -> nn.Module:
        """Compile ``model.forward`` with ``torch.compile`` when ``compile`` is set.

        ``train_step``, ``val_step`` and ``test_step`` all call ``forward``, so training,
        validation and testing run the compiled graph. A dict gives ``torch.compile``'s
        arguments (``backend``, ``mode``, ``dynamic``, ``fullgraph``, ``options``).
        """
        if not compile:
            return model
        if digit_version(TORCH_VERSION) < digit_version("2.0.0"):
            raise RuntimeError(
                f"compile needs PyTorch >= 2.0, but the installed version is {TORCH_VERSION}"
            )
        kwargs = {} if compile is True else dict(compile)
        target = model.module if is_model_wrapper(model) else model
        target.forward = torch.compile(target.forward, **kwargs)
        self.logger.info(
            'Model has been "compiled". The first few iterations will be slow, please be patient.'
        )
        return model

    def _init_model_weights(self, model: nn.Module) -> nn.Module:
        """Call ``model.init_weights()`` when the model has one."""
        target = model.module if is_model_wrapper(model) else model
        if hasattr(target, "init_weights"):
            target.init_weights()
        return model

    def build_optim_wrapper(
        self,
        optim_wrapper: Union[Optimizer, BaseOptimWrapper, dict],
        model: Optional[nn.Module] = None,
    ) -> BaseOptimWrapper:
        """Build the optimizer wrapper (or an ``OptimWrapperDict``) for ``model``.

        Args:
            optim_wrapper (Optimizer or BaseOptimWrapper or dict): a built optimizer or
                wrapper, a wrapper config (``optimizer=dict(type=...)``, ``constructor``...)
                or a dict of built wrappers.
            model (nn.Module, optional): defaults to the prepared model.
        """
        if model is None and isinstance(optim_wrapper, (dict, ConfigDict, Config)):
            model = self.model
        return _components.build_optim_wrapper_from(optim_wrapper, model)

    def _build_param_scheduler(
        self,
        scheduler: Union[_ParamScheduler, dict, list],
        optim_wrapper: BaseOptimWrapper,
        default_args: dict,
    ) -> list[_ParamScheduler]:
        """Build the schedulers of one optimizer wrapper."""
        return _components.build_schedulers(scheduler, optim_wrapper, default_args)

    def build_param_scheduler(
        self,
        scheduler: Union[_ParamScheduler, dict, list],
        optim_wrapper: BaseOptimWrapper,
        default_args: Optional[dict] = None,
    ) -> ParamSchedulerType:
        """Build the schedulers: a list, or a dict of lists for an ``OptimWrapperDict``.

        Args:
            scheduler: the schedulers or their configs (per optimizer name for a dict of
                wrappers).
            optim_wrapper (BaseOptimWrapper): what they adjust.
            default_args (dict, optional): ``max_epochs``, ``max_iters``, ``epoch_length``;
                defaults to the ``dispatch_kwargs`` given to :meth:`prepare`.
        """
        if default_args is None:
            default_args = dict(self.dispatch_kwargs)
        if not isinstance(optim_wrapper, OptimWrapperDict):
            return self._build_param_scheduler(scheduler, optim_wrapper, default_args)
        schedulers: dict[str, list[_ParamScheduler]] = {}
        for name, wrapper in optim_wrapper.items():
            if isinstance(scheduler, dict) and "type" not in scheduler:
                schedulers[name] = self._build_param_scheduler(
                    scheduler[name], wrapper, default_args
                )
            else:
                schedulers[name] = self._build_param_scheduler(scheduler, wrapper, default_args)
        return schedulers

    def _scale_lr(self) -> None:
        """Scale the learning rates with ``world_size * train_micro_batch_size_per_gpu``."""
        cfg = self._auto_scale_lr
        if cfg is None or not cfg.get("enable", False):
            return
        base_bs = _components.base_batch_size_of(cfg)
        real_bs = self.world_size * self.dispatch_kwargs["train_micro_batch_size_per_gpu"]
        _components.scale_lr(self.optim_wrapper, base_bs, real_bs, self.logger)

    def _init_count_status(self, init_counts: int = 0) -> None:
        """Tell the optimizer wrapper(s) about gradient accumulation's iteration counts."""
        _components.init_count_status(
            self.optim_wrapper, self.model, self.dispatch_kwargs, init_counts
        )

    def build_logger(
        self,
        log_level: Union[int, str] = "INFO",
        log_file: Optional[str] = None,
        **kwargs: Any,
    ) -> MMLogger:
        """Build the run's :class:`MMLogger`, logging to ``log_dir/<timestamp>.log``.

        Args:
            log_level (int or str): level of the handlers. Defaults to 'INFO'.
            log_file (str, optional): defaults to ``log_dir/<timestamp>.log``.
            **kwargs: other arguments of ``MMLogger.get_instance`` (``name`` defaults to the
                experiment name).
        """
        if log_file is None:
            os.makedirs(self._log_dir, exist_ok=True)
            log_file = osp.join(self._log_dir, f"{self._timestamp}.log")
        cfg = dict(log_level=log_level, log_file=log_file, **kwargs)
        cfg.setdefault("name", self._experiment_name)
        return MMLogger.get_instance(**cfg)

    # ------------------------------------------------------------------ state dicts
    def _unwrapped(self, model: Optional[nn.Module] = None) -> nn.Module:
        model = self.model if model is None else model
        return model.module if is_model_wrapper(model) else model

    def _state_root(self) -> nn.Module:
        """The module whose state dict a checkpoint holds (the model inside its wrapper)."""
        return self._unwrapped()

    def model_state_dict(self) -> dict:
        """The prepared model's own ``state_dict()`` (outside its wrapper), on the CPU."""
        return checkpoint_state_dict(self._unwrapped())

    def optim_state_dict(self) -> dict:
        """The optimizer wrapper's state dict."""
        return self.optim_wrapper.state_dict()

    def scheduler_state_dict(self) -> Union[dict, list]:
        """The schedulers' state dicts: a list, or a dict of lists per optimizer."""
        return _checkpoint_state.scheduler_state_dict(self.param_schedulers)

    def load_model_state_dict(
        self,
        state_dict: dict,
        *,
        strict: bool = False,
        revise_keys: list = _DEFAULT_REVISE_KEYS,
    ) -> None:
        """Load weights into the prepared model, reporting missing and unexpected keys.

        Args:
            state_dict (dict): the weights.
            strict (bool): raise on missing or unexpected keys. Defaults to False.
            revise_keys (list): ``(pattern, replacement)`` pairs applied to the keys first.
                Defaults to stripping a ``module.`` prefix.
        """
        _load_checkpoint_to_model(
            self._unwrapped(), dict(state_dict=state_dict), strict, revise_keys=revise_keys
        )

    def load_optim_state_dict(self, state_dict: dict) -> None:
        """Load the optimizer wrapper's state."""
        self.optim_wrapper.load_state_dict(state_dict)

    def load_scheduler_state_dict(self, state_dict: Union[dict, list]) -> None:
        """Load the schedulers' states (a list, or a dict of lists per optimizer)."""
        _checkpoint_state.load_scheduler_state_dict(self.param_schedulers, state_dict)

    # ------------------------------------------------------------------ checkpoints
    def load_or_resume(
        self, *, load_from: Optional[str] = None, resume: Union[bool, str] = False
    ) -> Optional[dict]:
        """Resume or load weights as asked; return what remains of the checkpoint.

        ``resume=True`` without ``load_from`` resumes from the checkpoint named by
        ``work_dir/last_checkpoint`` (a file or a sharded checkpoint directory); a str
        ``resume`` is the checkpoint to resume from.
        """
        name = "resume" if isinstance(resume, str) else "load_from"  # what the message names
        if isinstance(resume, str):
            load_from, resume = resume, True
        if not resume and load_from is None:
            return None
        resume_from = None
        if resume and load_from is None:
            resume_from = _checkpoint_state.checkpoint_to_resume(self.work_dir, self.logger)
            if resume_from is None:
                return None
        elif resume:
            resume_from = load_from
        work_dir = self.work_dir if resume else None
        with _checkpoint_state.explain_missing_checkpoint(load_from, name, work_dir):
            if resume_from is not None:
                return self.resume(resume_from)
            assert load_from is not None
            return self.load_checkpoint(load_from)

    def load_checkpoint(
        self,
        filename: str,
        *,
        map_location: Union[str, Callable] = "cpu",
        strict: bool = False,
        revise_keys: list = _DEFAULT_REVISE_KEYS,
        callback: Optional[Callable] = None,
    ) -> dict:
        """Load the weights of a checkpoint; return the rest of it (without ``state_dict``)."""
        raise NotImplementedError(f"{type(self).__name__} does not load checkpoints")

    def resume(
        self,
        filename: str,
        *,
        resume_optimizer: bool = True,
        resume_param_scheduler: bool = True,
        map_location: Union[str, Callable] = "default",
        callback: Optional[Callable] = None,
    ) -> dict:
        """Load weights, optimizer and scheduler states; return the rest of the checkpoint."""
        raise NotImplementedError(f"{type(self).__name__} does not resume")

    def save_checkpoint(
        self,
        filename: str,
        *,
        save_optimizer: bool = True,
        save_param_scheduler: bool = True,
        extra_ckpt: Optional[dict] = None,
        callback: Optional[Callable] = None,
    ) -> None:
        """Save the model (and optimizer and scheduler states) with ``extra_ckpt``."""
        raise NotImplementedError(f"{type(self).__name__} does not save checkpoints")

    def wait_for_checkpoint(self) -> None:  # noqa: B027
        """Block until an asynchronous checkpoint save (if any) has finished."""

    def _checkpoint_meta(self, extra_ckpt: Optional[dict]) -> dict:
        """``extra_ckpt`` with its ``meta`` completed (seed, time, mmengine version)."""
        return _checkpoint_state.checkpoint_meta(extra_ckpt, self.seed)

    def _restore_seed(self, checkpoint: dict) -> None:
        """Use the checkpoint's seed (warning when the config asked for another one)."""
        resumed_seed = checkpoint.get("meta", {}).get("seed", None)
        current_seed = self._randomness.get("seed")
        if resumed_seed is not None and resumed_seed != current_seed:
            if current_seed is not None:
                self.logger.warning(
                    f'The value of random seed in the checkpoint "{resumed_seed}" is '
                    f'different from the value in `randomness` config "{current_seed}"'
                )
            self._randomness.update(seed=resumed_seed)
            self._set_randomness(**self._randomness)

    # ------------------------------------------------------------------ misc
    def collect_env(self) -> tuple[dict, dict]:
        """The system environment and the run's settings, for logging."""
        runtime = runtime_env(
            self._randomness, self._seed, self._launcher, self._distributed, self._world_size
        )
        return collect_env(), runtime

    def _prepared_components(self) -> Any:
        """The model, or ``[model, optim_wrapper(, param_schedulers)]``."""
        components: list = [self.model]
        if hasattr(self, "optim_wrapper"):
            components.append(self.optim_wrapper)
        if hasattr(self, "param_schedulers"):
            components.append(self.param_schedulers)
        return components[0] if len(components) == 1 else components

    # ------------------------------------------------------------------ FlexibleRunner
    #: Whether the Runner's ordinary checkpoint code (one file with the model's own
    #: ``state_dict`` and the optimizer wrapper's) serves this strategy. Strategies that
    #: gather or shard (FSDP, DeepSpeed, ColossalAI) save and load through their own methods.
    runner_checkpoint_io: bool = True
    #: Whether :meth:`wrap_model` initialises the weights itself (before sharding them).
    inits_weights_on_wrap: bool = False

    def attach_runner(self, runner: Any) -> None:
        """Share the runner's names, directories, logger and seed (one run, one log)."""
        self._work_dir = runner.work_dir
        self._timestamp = runner.timestamp
        self._experiment_name = runner.experiment_name
        self._log_dir = runner.log_dir
        self._logger = runner.logger
        self._seed = runner.seed
        self._randomness = dict(getattr(runner, "randomness", self._randomness))

    @staticmethod
    def unwrap(model: nn.Module) -> nn.Module:
        """The model inside a wrapper (or the model itself)."""
        return model.module if is_model_wrapper(model) else model

    def wrap_model(self, model: nn.Module) -> nn.Module:
        """Place, convert and wrap an already built model; it becomes the prepared model.

        This is what :class:`~mmengine.runner.FlexibleRunner` calls for the model it built;
        :meth:`prepare` does the same plus weight initialisation and compilation.
        """
        self.model = self._wrap_model(model)
        return self.model

    def _wrap_model(self, model: nn.Module) -> nn.Module:
        raise NotImplementedError(f"{type(self).__name__} does not wrap models")

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(work_dir={self._work_dir!r}, launcher={self._launcher!r}, "
            f"world_size={self._world_size})"
        )
