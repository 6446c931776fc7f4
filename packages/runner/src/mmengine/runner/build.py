"""Building the parts of a run: free functions with explicit arguments.

The :class:`~mmengine.runner.Runner` composes a run by calling these in a visible order; its
``build_*`` methods (upstream's public API) delegate here. Each function takes what it needs
and returns what it built.
"""

from __future__ import annotations

import copy
import errno
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch import nn
from torch.optim import Optimizer

from mmengine._strategy import _components
from mmengine.config import Config, ConfigDict
from mmengine.config.utils import config_text
from mmengine.device import get_device
from mmengine.dist import (
    broadcast,
    get_dist_info,
    init_dist,
    is_distributed,
)
from mmengine.evaluator import BaseMetric, Evaluator
from mmengine.logging import MessageHub, MMLogger, print_log
from mmengine.model import convert_sync_batchnorm, is_model_wrapper, revert_sync_batchnorm
from mmengine.model.efficient_conv_bn_eval import turn_on_efficient_conv_bn_eval
from mmengine.optim import OptimWrapper, OptimWrapperDict, _ParamScheduler
from mmengine.optim import build_optim_wrapper as _build_optim_wrapper
from mmengine.registry import (
    EVALUATOR,
    LOG_PROCESSORS,
    LOOPS,
    MODEL_WRAPPERS,
    MODELS,
    OPTIM_WRAPPERS,
    PARAM_SCHEDULERS,
    VISUALIZERS,
    DefaultScope,
)
from mmengine.utils import digit_version
from mmengine.utils._messages import shorten
from mmengine.utils.dl_utils import TORCH_VERSION, set_multi_processing
from mmengine.visualization import Visualizer

from .activation_checkpointing import turn_on_activation_checkpointing
from .base_loop import BaseLoop, LoopSpec
from .dataloader import _SlicedDataset, build_dataloader  # noqa: F401  (the Runner's entry)
from .eval_loops import (
    build_eval_loop,  # noqa: F401  (re-exported: the runner calls it here)
    eval_parts,
    is_multi_dataloader,
)
from .log_processor import LogProcessor
from .loops import EpochBasedTrainLoop, IterBasedTrainLoop
from .utils import _get_batch_size

ParamSchedulerType = list[_ParamScheduler] | dict[str, list[_ParamScheduler]]

DEFAULT_HOOKS: dict[str, dict] = dict(
    runtime_info=dict(type="RuntimeInfoHook"),
    timer=dict(type="IterTimerHook"),
    sampler_seed=dict(type="DistSamplerSeedHook"),
    logger=dict(type="LoggerHook"),
    param_scheduler=dict(type="ParamSchedulerHook"),
    checkpoint=dict(type="CheckpointHook", interval=1),
)


# ---------------------------------------------------------------------- arguments
def check_task_parts(stage: str, **parts: Any) -> None:
    """Raise upstream's ValueError when only some of the parts a task needs are given."""
    given = {name for name, value in parts.items() if value is not None}
    if given and given != set(parts):
        missing = sorted(set(parts) - given)
        names = list(parts)
        got = ", ".join(f"{k}={shorten(str(parts[k]))}" for k in names)  # a dataset list is long
        end = "." if stage == "train" else ""  # upstream's sentences differ by this period
        raise ValueError(
            f"{', '.join(names[:-1])}, and {names[-1]} should be either all None or not None, "
            f"but got {got}{end} To {stage}, also give {', '.join(missing)}; to skip {stage}, "
            "leave them all None."
        )


def loop_specs(args: dict) -> dict[str, LoopSpec]:
    """What each task's loop is built from, out of the Runner's arguments."""
    return dict(
        train=LoopSpec(args["train_cfg"], args["train_dataloader"]),
        val=LoopSpec(args["val_cfg"], args["val_dataloader"], args["val_evaluator"]),
        test=LoopSpec(args["test_cfg"], args["test_dataloader"], args["test_evaluator"]),
    )


def check_runner_arguments(args: dict) -> None:
    """Check the Runner's constructor arguments (``locals()``) as upstream does."""
    check_work_dir(args["work_dir"])
    check_task_parts(
        "train",
        train_dataloader=args["train_dataloader"],
        train_cfg=args["train_cfg"],
        optim_wrapper=args["optim_wrapper"],
    )
    for stage, task in (("val", "validate"), ("test", "test")):
        check_task_parts(task, **{f"{stage}_{part}": args[f"{stage}_{part}"]
                                  for part in ("dataloader", "cfg", "evaluator")})  # fmt: skip
        check_eval_parts(stage, args[f"{stage}_dataloader"], args[f"{stage}_evaluator"])
    if args["param_scheduler"] is not None and args["optim_wrapper"] is None:
        raise ValueError(
            "param_scheduler should be None when optim_wrapper is None, but got "
            f"{args['param_scheduler']} (schedulers adjust an optimizer: give optim_wrapper, "
            "the train dataloader and train_cfg too, or drop param_scheduler)"
        )


def check_work_dir(work_dir: Any) -> None:
    """Raise upstream's FileExistsError (``work_dir`` is a file) or NotADirectoryError (it lies
    below one), upstream's sentence naming the path ``os.makedirs`` fails on first, explained."""
    if not isinstance(work_dir, (str, os.PathLike)):
        return
    given = os.fspath(work_dir)
    path = os.path.abspath(given)  # as the runner makes it (a trailing slash dropped)
    if os.path.isfile(path):
        raise FileExistsError(
            errno.EEXIST,
            f"File exists: {path!r}. work_dir {given!r} is a file, not a directory. The "
            "runner writes checkpoints, logs and the config under work_dir: give the path of "
            "a directory (it is created if missing)",
        )
    blocked = _file_on_the_way(path)
    if blocked is not None:
        file, failing = blocked
        raise NotADirectoryError(
            errno.ENOTDIR,
            f"Not a directory: {failing!r}. work_dir {given!r} lies below {file!r}, which is "
            "a file, not a directory: the runner cannot create work_dir there. Give a work_dir "
            "whose parents are directories, or move that file away",
        )


def _file_on_the_way(path: str) -> tuple[str, str] | None:
    """``(file, below)`` when a parent of the absolute ``path`` is an existing file: ``below``
    is the path right under it, the one ``os.makedirs(path)`` fails on."""
    below, parent = path, os.path.dirname(path)
    while parent != below:
        if os.path.isdir(parent):
            return None
        if os.path.isfile(parent):
            return parent, below
        below, parent = parent, os.path.dirname(parent)
    return None


def check_eval_parts(stage: str, dataloader: Any, evaluator: Any) -> None:
    """Check that several ``stage`` dataloaders (a list or a named dict) come with matching
    evaluators, before anything is built (see :func:`.eval_loops.eval_parts`).

    Raises:
        ValueError: no dataloader, or evaluators that do not match the dataloaders.
        TypeError: a dataset name that is not a str, or an evaluator of another type.
    """
    if dataloader is not None and evaluator is not None and is_multi_dataloader(dataloader):
        eval_parts(stage, dataloader, evaluator)


def config_of(cfg: Any) -> Config:
    """The runner's own copy of ``cfg`` (an empty Config when None)."""
    if cfg is None:
        return Config(dict())
    if isinstance(cfg, Config):
        return copy.deepcopy(cfg)
    return Config(dict(cfg))


def config_text_of(cfg: Config) -> tuple[str, bool]:
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


def experiment_name_of(name: str | None, cfg: Config, timestamp: str) -> str:
    """``<name>_<timestamp>``, ``<config file stem>_<timestamp>`` or the timestamp."""
    if name is not None:
        return f"{name}_{timestamp}"
    if cfg.filename is not None:
        return f"{os.path.splitext(os.path.basename(cfg.filename))[0]}_{timestamp}"
    return timestamp


def unique_run_names(name: str, timestamp: str) -> tuple[str, str]:
    """The experiment name and timestamp of a new run, unique in this process.

    Runs started in the same second under the same name would share the logger, message
    hub, visualizer and log dir that are looked up by that name (the later run logging into
    the earlier run's file, its hub holding the earlier run's scalars). The later run gets
    ``_2``, ``_3``... after both its name and its timestamp instead.
    """
    managers = (MMLogger, MessageHub, Visualizer, DefaultScope)
    if not any(manager.check_instance_created(name) for manager in managers):
        return name, timestamp
    number = 2
    while any(manager.check_instance_created(f"{name}_{number}") for manager in managers):
        number += 1
    return f"{name}_{number}", f"{timestamp}_{number}"


# ---------------------------------------------------------------------- environment
def setup_env(env_cfg: dict, launcher: str) -> tuple[int, int, str]:
    """Set cuDNN benchmark, multiprocessing options and the distributed environment.

    Returns:
        tuple: rank, world size, and rank 0's timestamp (``%Y%m%d_%H%M%S``).
    """
    distributed = launcher != "none"
    if env_cfg.get("cudnn_benchmark"):
        torch.backends.cudnn.benchmark = True
    set_multi_processing(**env_cfg.get("mp_cfg", {}), distributed=distributed)
    if distributed and not is_distributed():
        init_dist(launcher, **env_cfg.get("dist_cfg", {}))
    rank, world_size = get_dist_info()
    stamp = torch.tensor(time.time(), dtype=torch.float64)
    broadcast(stamp)  # every rank uses rank 0's timestamp (a no-op undistributed)
    return rank, world_size, time.strftime("%Y%m%d_%H%M%S", time.localtime(stamp.item()))


# ---------------------------------------------------------------------- logging
def build_logger(name: str, log_file: str, log_level: int | str = "INFO", **kwargs: Any):  # noqa: ANN201
    """The run's :class:`MMLogger`."""
    cfg = dict(log_level=log_level, log_file=log_file, **kwargs)
    cfg.setdefault("name", name)
    return MMLogger.get_instance(**cfg)


def build_message_hub(message_hub: dict | None, name: str) -> MessageHub:
    """The run's :class:`MessageHub` (named ``name`` by default).

    Raises:
        TypeError: ``message_hub`` is neither a dict nor None.
    """
    if message_hub is None:
        cfg: dict = dict(name=name)
    elif isinstance(message_hub, dict):
        cfg = dict(message_hub)
        cfg.setdefault("name", name)
    else:
        raise TypeError(
            f"message_hub should be dict or None, but got {message_hub} (give the "
            "MessageHub.get_instance arguments as a dict, e.g. dict(name='exp'))"
        )
    return MessageHub.get_instance(**cfg)


def build_visualizer(visualizer: Visualizer | dict | None, name: str, log_dir: str) -> Visualizer:
    """The visualizer; by default a local backend writing under the log dir."""
    if isinstance(visualizer, Visualizer):
        return visualizer
    if visualizer is None:
        return Visualizer.get_instance(
            name=name, vis_backends=[dict(type="LocalVisBackend")], save_dir=log_dir
        )
    if isinstance(visualizer, dict):
        cfg = dict(visualizer)
        cfg.setdefault("name", name)
        cfg.setdefault("save_dir", log_dir)
        return VISUALIZERS.build(cfg)
    raise TypeError(f"visualizer should be Visualizer object, a dict or None, but got {visualizer}")


def build_log_processor(log_processor: LogProcessor | dict) -> LogProcessor:
    """The :class:`LogProcessor`."""
    if isinstance(log_processor, LogProcessor):
        return log_processor
    if isinstance(log_processor, dict):
        cfg = copy.deepcopy(dict(log_processor))
        if "type" not in cfg:
            # As 0.10: without a ``type`` it is mmengine's own LogProcessor, built
            # directly: a default scope with no ``log_processor`` registry (mmrazor)
            # gets no fallback warning, and one whose registry holds its own
            # ``LogProcessor`` does not replace mmengine's.
            return LogProcessor(**cfg)
        return LOG_PROCESSORS.build(cfg)
    raise TypeError(
        f"log processor should be a LogProcessor object or dict, butgot {log_processor}"
    )


# ---------------------------------------------------------------------- model
def build_model(model: nn.Module | dict) -> nn.Module:
    """``model`` if it is a module, else built with the ``MODELS`` registry."""
    if isinstance(model, nn.Module):
        return model
    if isinstance(model, dict):
        return MODELS.build(model)
    raise TypeError(
        f"model should be a nn.Module object or dict, but got {model} (a {type(model).__name__})"
    )


def wrap_model(model: nn.Module, model_wrapper_cfg: dict | None, distributed: bool, cfg: Config,
               logger: MMLogger) -> nn.Module:  # fmt: skip
    """Move the model to the device and, when distributed, wrap it (DDP by default).

    Not distributed, every ``SyncBatchNorm`` layer is reverted to a plain batch norm
    (``_BatchNormXd``), keeping its weights and buffers.
    """
    if is_model_wrapper(model):
        if model_wrapper_cfg is not None:
            raise TypeError(
                "model has been wrapped and `model_wrapper_cfg` should be None, but got "
                f"{model_wrapper_cfg}"
            )
        return model
    model = model.to(get_device())
    if not distributed:
        logger.info(
            "Distributed training is not used, all SyncBatchNorm (SyncBN) layers in the "
            "model will be automatically reverted to BatchNormXd layers if they are used."
        )
        if cfg.get("sync_bn"):
            logger.warning("sync_bn is ignored when not distributed")
        return revert_sync_batchnorm(model)
    if cfg.get("sync_bn") is not None:
        model = convert_sync_batchnorm(model, cfg.get("sync_bn"))
    if model_wrapper_cfg is None:
        model_wrapper_cfg = dict(
            type="MMDistributedDataParallel",
            broadcast_buffers=False,
            find_unused_parameters=cfg.get("find_unused_parameters", False),
        )
        if torch.cuda.is_available():
            model_wrapper_cfg["device_ids"] = [int(os.environ.get("LOCAL_RANK", 0))]
    return MODEL_WRAPPERS.build(dict(model_wrapper_cfg), default_args=dict(module=model))


def init_model_weights(model: nn.Module, distributed: bool) -> None:
    """Initialise the weights of a model that knows how (``init_weights``); when distributed,
    every rank then takes rank 0's."""
    if hasattr(model, "init_weights"):
        model.init_weights()
        if distributed:
            for tensor in model.state_dict().values():
                broadcast(tensor)


def apply_module_features(model: nn.Module, cfg: Config, logger: MMLogger) -> None:
    """Apply the ``activation_checkpointing``/``efficient_conv_bn_eval`` cfg keys."""
    for key, turn_on in (
        ("activation_checkpointing", turn_on_activation_checkpointing),
        ("efficient_conv_bn_eval", turn_on_efficient_conv_bn_eval),
    ):
        modules = cfg.get(key)
        if modules is not None:
            turn_on(model, modules)
            logger.info(f'Enabling the "{key}" feature for sub-modules: {modules}')


def compile_model_method(
    model: nn.Module, target: str | tuple[str, ...], compile_cfg: Any, logger: MMLogger
) -> None:
    """Compile ``model.<target>`` (each of several) with ``torch.compile`` when ``compile_cfg``
    asks for it: the options pass through; a method compiled before is left as it is."""
    if not compile_cfg:
        return
    if digit_version(TORCH_VERSION) < digit_version("2.0.0"):
        raise RuntimeError("compile needs PyTorch >= 2.0")
    cfg = {} if compile_cfg is True else dict(compile_cfg)
    compiled_any = False
    for name in (target,) if isinstance(target, str) else target:
        method = getattr(model, name, None)
        if method is None or getattr(method, "mmengine_compiled", False):
            continue
        compiled = torch.compile(method, **cfg)
        compiled.mmengine_compiled = True
        setattr(model, name, compiled)
        compiled_any = True
        logger.debug(f"model.{name} compiled with torch.compile({cfg})")
    if compiled_any:  # 0.10's line
        logger.info(
            'Model has been "compiled". The first few iterations will be slow, please be patient.'
        )


def check_trainable(model: nn.Module, validates: bool) -> None:
    """Upstream's AssertionErrors for a model without ``train_step`` (or ``val_step``)."""
    if not hasattr(model, "train_step"):
        raise AssertionError(
            "If you want to train your model, please make sure your model has implemented "
            "`train_step`."
        )
    if validates and not hasattr(model, "val_step"):
        raise AssertionError(
            "If you want to validate your model, please make sure your model has implemented "
            "`val_step`."
        )


# ---------------------------------------------------------------------- optimization
def build_optim_wrapper(
    model: nn.Module, optim_wrapper: Optimizer | OptimWrapper | dict
) -> OptimWrapper | OptimWrapperDict:
    """The optimizer wrapper (or a dict of them) for ``model``."""
    if isinstance(optim_wrapper, OptimWrapper):
        return optim_wrapper
    if isinstance(optim_wrapper, Optimizer):
        return OptimWrapper(optim_wrapper)
    if not isinstance(optim_wrapper, (dict, ConfigDict, Config)):
        raise TypeError(
            f"optimizer wrapper should be an OptimWrapper object or dict, but got {optim_wrapper}"
        )
    optimizer = optim_wrapper.get("optimizer", None)
    if isinstance(optimizer, Optimizer):
        cfg = dict(optim_wrapper)
        cfg.setdefault("type", "OptimWrapper")
        return OPTIM_WRAPPERS.build(cfg)
    if optimizer is not None or "constructor" in optim_wrapper:
        return _build_optim_wrapper(model, optim_wrapper)
    wrappers = OrderedDict()
    for name, item in optim_wrapper.items():
        if not isinstance(item, OptimWrapper):
            raise ValueError(
                'each item mush be an optimizer object when "type" and "constructor" are not '
                f"in optimizer, but got {name}={item} (optim_wrapper has no 'optimizer' and no "
                "'constructor', so each of its values must be a built OptimWrapper; give "
                "`optimizer=dict(type=...)`, or a constructor for several optimizers)"
            )
        wrappers[name] = item
    return OptimWrapperDict(**wrappers)


def schedulers_built(schedulers: Any) -> bool:
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


def scale_lr(optim_wrapper: OptimWrapper, auto_scale_lr: dict | None, train_dataloader: Any,
             world_size: int, schedulers: Any, logger: MMLogger) -> None:  # fmt: skip
    """Scale the learning rates linearly with ``world_size * batch_size / base_batch_size``."""
    if auto_scale_lr is None or not auto_scale_lr.get("enable", False):
        return
    base_bs = _components.base_batch_size_of(auto_scale_lr)
    if schedulers_built(schedulers):
        raise RuntimeError(
            "`scale_lr` should be called before building ParamScheduler because "
            "ParamScheduler will store initial lr from optimizer wrappers"
        )
    batch_size = _get_batch_size(train_dataloader)
    if batch_size is None:
        raise ValueError("auto_scale_lr needs the train dataloader's batch_size")
    _components.scale_lr(optim_wrapper, base_bs, world_size * batch_size, logger)


def build_param_schedulers(scheduler: Any, optim_wrapper: Any, train_limits: Callable | None):
    """The parameter schedulers: a list, or a dict of lists per optimizer of a dict.

    Args:
        scheduler: schedulers or their configs.
        optim_wrapper: the built optimizer wrapper (or OptimWrapperDict).
        train_limits (callable, optional): returns ``(max_epochs, max_iters, epoch_length)``
            of the training (None without a train loop).
    """
    if not isinstance(optim_wrapper, OptimWrapper):
        raise AssertionError(
            "`build_optimizer` should be called before`build_param_scheduler` because the "
            f"latter depends on the former (runner.optim_wrapper is still "
            f"{type(optim_wrapper).__name__}: call "
            "`runner.optim_wrapper = runner.build_optim_wrapper(runner.optim_wrapper)` first)"
        )
    if not isinstance(optim_wrapper, OptimWrapperDict):
        if isinstance(scheduler, dict) and "type" not in scheduler and scheduler:
            raise AssertionError(
                "`scheduler` should be a list or a ParamScheduler config when a single "
                "optimizer is used; a dict of schedulers per optimizer needs an OptimWrapperDict"
            )
        return _schedulers_of(scheduler, optim_wrapper, train_limits)
    schedulers: dict[str, list[_ParamScheduler]] = {}
    for name, wrapper in optim_wrapper.items():
        per_wrapper = (
            scheduler[name]
            if isinstance(scheduler, dict) and "type" not in scheduler
            else scheduler
        )
        schedulers[name] = _schedulers_of(per_wrapper, wrapper, train_limits)
    return schedulers


def _schedulers_of(scheduler: Any, optim_wrapper: OptimWrapper, train_limits: Callable | None):
    items = scheduler if isinstance(scheduler, Sequence) else [scheduler]
    built: list[_ParamScheduler] = []
    for item in items:
        if isinstance(item, _ParamScheduler):
            built.append(item)
        elif isinstance(item, dict):
            cfg = copy.deepcopy(item)
            default_args: dict = dict(optimizer=optim_wrapper)
            if train_limits is not None:
                max_epochs, max_iters, epoch_length = train_limits()
                cfg.setdefault("end", max_epochs if cfg.get("by_epoch", True) else max_iters)
                default_args["epoch_length"] = epoch_length
            built.append(PARAM_SCHEDULERS.build(cfg, default_args=default_args))
        else:
            raise TypeError(
                f"scheduler should be a _ParamScheduler object or dict, but got {item} "
                f"(a {type(item).__name__})"
            )
    return built


def build_evaluator(evaluator: Evaluator | dict | list) -> Evaluator:
    """An :class:`Evaluator` from an evaluator, a metric config or a list of them."""
    if isinstance(evaluator, Evaluator):
        return evaluator
    if isinstance(evaluator, dict):
        if "metrics" in evaluator:
            cfg = dict(evaluator)
            cfg.setdefault("type", "Evaluator")
            return EVALUATOR.build(cfg)
        return Evaluator(evaluator)
    if isinstance(evaluator, (list, BaseMetric)):
        return Evaluator(evaluator)
    raise TypeError(
        f"evaluator should be one of dict, list of dict, and Evaluator, but got {evaluator}"
    )


# ---------------------------------------------------------------------- loops
def build_train_loop(runner: Any, loop: Any, dataloader: Any) -> Any:
    """The train loop: ``type`` from ``LOOPS``, or ``by_epoch`` choosing the loop."""
    if isinstance(loop, BaseLoop):
        return loop
    if not isinstance(loop, dict):
        raise TypeError(f"train_loop should be a Loop object or dict, but got {loop}")
    cfg = copy.deepcopy(dict(loop))
    if "type" in cfg and "by_epoch" in cfg:
        raise RuntimeError("Only one of `type` or `by_epoch` can exist in `loop_cfg`.")
    if "type" in cfg:
        check_train_limits(cfg, cfg["type"])
        return LOOPS.build(cfg, default_args=dict(runner=runner, dataloader=dataloader))
    cls = EpochBasedTrainLoop if cfg.pop("by_epoch", True) else IterBasedTrainLoop
    check_train_limits(cfg, cls)
    return cls(**cfg, runner=runner, dataloader=dataloader)


def check_train_limits(cfg: dict, loop_type: Any) -> None:
    """Raise 0.10's TypeError when ``train_cfg`` gives ``max_iters`` to an epoch-based
    loop or ``max_epochs`` to an iteration-based one: 0.10's sentence (the loop's unexpected
    keyword argument) first, then which limit each loop takes."""
    name = loop_type if isinstance(loop_type, str) else getattr(loop_type, "__name__", "")
    name = name.rpartition(".")[2]
    if name == "EpochBasedTrainLoop":
        own, other, by_epoch = "max_epochs", "max_iters", True
    elif name == "IterBasedTrainLoop":
        own, other, by_epoch = "max_iters", "max_epochs", False
    else:
        return
    if other not in cfg:
        return
    if "type" in cfg:
        chosen = f"type={name!r}"
        switch = "type='IterBasedTrainLoop'" if by_epoch else "type='EpochBasedTrainLoop'"
    else:
        chosen, switch = f"by_epoch={by_epoch}", f"by_epoch={not by_epoch}"
    if own in cfg:
        given, fix = f"both {own} and {other}", f"Keep only {own}"
    else:
        given, fix = f"{other} but no {own}", f"Give {own} instead of {other}"
    raise TypeError(
        f"{name}.__init__() got an unexpected keyword argument {other!r}. train_cfg gives "
        f"{given} for an {name} ({chosen}): an epoch-based loop (by_epoch=True, the default) "
        "takes max_epochs, an iteration-based loop (by_epoch=False) takes max_iters. "
        f"{fix}, or set {switch} to train for {other}."
    )
