"""DeepSpeedStrategy: ZeRO stages, offloading and mixed precision through DeepSpeed.

DeepSpeed is optional and imported when the strategy is built (``pip install deepspeed``).
"""

from __future__ import annotations

import json
import logging  # noqa: F401  (upstream's module global)
import os.path as osp
import time  # noqa: F401  (upstream's module global)
from collections.abc import Callable
from typing import Any, Optional, Union

import torch  # noqa: F401  (upstream's module global)
from torch import nn

from mmengine.dist import init_dist, is_main_process
from mmengine.logging import print_log  # noqa: F401  (upstream's module global)
from mmengine.model.checkpoint import (  # noqa: F401  (save_checkpoint: upstream global)
    _load_checkpoint_to_model,
    save_checkpoint,
    weights_to_cpu,
)
from mmengine.model.wrappers._deepspeed import MMDeepSpeedEngineWrapper
from mmengine.optim import BaseOptimWrapper, DeepSpeedOptimWrapper, _ParamScheduler
from mmengine.registry import (  # noqa: F401  (OPTIM_WRAPPERS: upstream global)
    MODEL_WRAPPERS,
    OPTIM_WRAPPERS,
    OPTIMIZERS,
    STRATEGIES,
)
from mmengine.utils import apply_to, digit_version, get_git_hash  # noqa: F401

from . import _checkpoint_state
from .base import _DEFAULT_REVISE_KEYS, BaseStrategy

__all__ = [
    "DeepSpeedOptimWrapper",
    "DeepSpeedStrategy",
    "MMDeepSpeedEngineWrapper",
    "register_deepspeed_optimizers",
]

deepspeed: Any = None  # the module, once imported

_INSTALL_HINT = (
    "DeepSpeedStrategy needs the `deepspeed` package, which is not installed: "
    "`pip install deepspeed` (it builds its CUDA ops on first use, so a CUDA toolkit matching "
    "your PyTorch is needed for the fused optimizers and ZeRO-Offload)."
)


class DeepSpeedUnavailableError(ImportError, AssertionError):
    """DeepSpeed is not installed, or too old for an option (0.10 asserted both)."""


def _import_deepspeed() -> Any:
    global deepspeed
    if deepspeed is None:
        try:
            import deepspeed as _deepspeed
        except ImportError as exc:
            raise DeepSpeedUnavailableError(_INSTALL_HINT) from exc
        deepspeed = _deepspeed
    return deepspeed


def _check_exclude_frozen(ds: Any, exclude_frozen_parameters: Optional[bool]) -> None:
    """``exclude_frozen_parameters`` (True or False) needs DeepSpeed 0.13.2, as in 0.10."""
    if exclude_frozen_parameters is None:
        return
    version = getattr(ds, "__version__", "0")
    if digit_version(version) < digit_version("0.13.2"):
        raise DeepSpeedUnavailableError(
            "DeepSpeed >= 0.13.2 is required to enable exclude_frozen_parameters (installed: "
            f"{version}): `pip install -U deepspeed`, or leave exclude_frozen_parameters unset."
        )


def register_deepspeed_optimizers() -> list[str]:
    """Register DeepSpeed's optimizers (``DeepSpeedCPUAdam``, ``FusedAdam``...) in
    ``OPTIMIZERS``; return their names (none without deepspeed)."""
    try:
        _import_deepspeed()
    except ImportError:
        return []
    names = []
    candidates = {
        "DeepSpeedCPUAdam": ("deepspeed.ops.adam", "DeepSpeedCPUAdam"),
        "FusedAdam": ("deepspeed.ops.adam", "FusedAdam"),
        "FusedLamb": ("deepspeed.ops.lamb", "FusedLamb"),
        "OnebitAdam": ("deepspeed.runtime.fp16.onebit", "OnebitAdam"),
        "OnebitLamb": ("deepspeed.runtime.fp16.onebit", "OnebitLamb"),
        "ZeroOneAdam": ("deepspeed.runtime.fp16.onebit", "ZeroOneAdam"),
    }
    import importlib

    for name, (module, attr) in candidates.items():
        try:
            cls = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError):  # an op this build of deepspeed lacks
            continue
        if name not in OPTIMIZERS:
            OPTIMIZERS.register_module(name=name, module=cls)
        names.append(name)
    return names


@STRATEGIES.register_module()
class DeepSpeedStrategy(BaseStrategy):
    """Train with DeepSpeed: ZeRO stages 0-3, CPU/NVMe offloading, fp16/bf16.

    The DeepSpeed config is ``config`` (a dict or a JSON file) updated with the keyword
    arguments given here. The optimizer wrapper must be a ``DeepSpeedOptimWrapper``
    (``optim_wrapper=dict(type='DeepSpeedOptimWrapper', optimizer=dict(type='AdamW', ...))``):
    DeepSpeed owns the backward pass and the update.

    Checkpoints are DeepSpeed's: ``save_checkpoint(path)`` makes ``path`` a directory written by
    the engine on every process (each writes its ZeRO partitions); ``resume`` and
    ``load_checkpoint`` read it back through the engine. An ordinary checkpoint file (e.g.
    pretrained weights) loads into the model too (gathered parameters under ZeRO-3).

    Args:
        config (str or dict, optional): the DeepSpeed config or the path of its JSON file.
        zero_optimization (dict, optional): e.g. ``dict(stage=2, overlap_comm=True)``.
        gradient_clipping (float, optional): the maximum gradient norm.
        fp16 (dict, optional): e.g. ``dict(enabled=True, loss_scale=0)``.
        inputs_to_half (list[int | str], optional): the positions or keys of the inputs cast
            to half precision.
        bf16 (dict, optional): e.g. ``dict(enabled=True)``.
        amp (dict, optional): NVIDIA apex AMP settings.
        activation_checkpointing (dict, optional): DeepSpeed's activation checkpointing.
        aio (dict, optional): asynchronous I/O for NVMe offloading.
        train_micro_batch_size_per_gpu (int, optional): defaults to ``prepare``'s
            ``dispatch_kwargs['train_micro_batch_size_per_gpu']``.
        gradient_accumulation_steps (int, optional): defaults to the optimizer wrapper's
            ``accumulative_counts``.
        steps_per_print (int): DeepSpeed's own progress printing; effectively never.
        exclude_frozen_parameters (bool, optional): leave frozen parameters out of
            checkpoints.
        **kwargs: the :class:`BaseStrategy` arguments.

    Raises:
        ImportError: deepspeed is not installed.
    """

    runner_checkpoint_io = False

    def __init__(
        self,
        *,
        config: Union[str, dict, None] = None,
        zero_optimization: Optional[dict] = None,
        gradient_clipping: Optional[float] = None,
        fp16: Optional[dict] = None,
        inputs_to_half: Optional[list[Union[int, str]]] = None,
        bf16: Optional[dict] = None,
        amp: Optional[dict] = None,
        activation_checkpointing: Optional[dict] = None,
        aio: Optional[dict] = None,
        train_micro_batch_size_per_gpu: Optional[int] = None,
        gradient_accumulation_steps: Optional[int] = None,
        steps_per_print: int = 10000000000000,
        exclude_frozen_parameters: Optional[bool] = None,
        **kwargs: Any,
    ) -> None:
        ds = _import_deepspeed()
        _check_exclude_frozen(ds, exclude_frozen_parameters)
        super().__init__(**kwargs)
        self.config = self._parse_config(config)
        for key, value in dict(
            zero_optimization=zero_optimization,
            gradient_clipping=gradient_clipping,
            fp16=fp16,
            bf16=bf16,
            amp=amp,
            activation_checkpointing=activation_checkpointing,
            aio=aio,
            train_micro_batch_size_per_gpu=train_micro_batch_size_per_gpu,
            gradient_accumulation_steps=gradient_accumulation_steps,
        ).items():
            if value is not None:
                self.config[key] = value
        self.config.setdefault("steps_per_print", steps_per_print)
        self._inputs_to_half = inputs_to_half
        self.exclude_frozen_parameters = exclude_frozen_parameters
        register_deepspeed_optimizers()

    @staticmethod
    def _parse_config(config: Union[str, dict, None]) -> dict:
        if config is None:
            return {}
        if isinstance(config, str):
            if not osp.isfile(config):
                raise FileNotFoundError(f"DeepSpeed config file {config} does not exist")
            with open(config, encoding="utf-8") as f:
                return json.load(f)
        if isinstance(config, dict):
            return dict(config)
        raise TypeError(f"config should be a dict, a JSON file path or None, got {type(config)}")

    def _setup_distributed(  # type: ignore[override]
        self, launcher: Optional[str] = None, backend: str = "nccl", **kwargs: Any
    ) -> None:
        """Initialise the process group through ``deepspeed.init_distributed``."""
        init_dist(launcher, backend, init_backend="deepspeed", **kwargs)

    @property
    def zero_stage(self) -> int:
        """int: the ZeRO stage of the config (0 without ``zero_optimization``)."""
        return int(self.config.get("zero_optimization", {}).get("stage", 0))

    # ------------------------------------------------------------------ preparing
    def prepare(
        self,
        model: Union[nn.Module, dict],
        *,
        optim_wrapper: Union[BaseOptimWrapper, dict, None] = None,
        param_scheduler: Union[_ParamScheduler, dict, list, None] = None,
        compile: Union[dict, bool] = False,
        dispatch_kwargs: Optional[dict] = None,
    ) -> Any:
        """Build the model and the ``DeepSpeedOptimWrapper``, then the DeepSpeed engine.

        See :meth:`BaseStrategy.prepare`.
        """
        if self._prepared:
            return self._prepared_components()
        if dispatch_kwargs is not None:
            self.dispatch_kwargs.update(dispatch_kwargs)
        model = self.build_model(model)
        model = self._init_model_weights(model)
        model = self.compile_model(model, compile=compile)
        if optim_wrapper is not None:
            self.optim_wrapper = self.build_optim_wrapper(optim_wrapper, model)
            self._scale_lr()
        self.model = self._wrap_model(model)
        if param_scheduler is not None:
            self.param_schedulers = self.build_param_scheduler(param_scheduler, self.optim_wrapper)
        self._prepared = True
        return self._prepared_components()

    def build_optim_wrapper(self, optim_wrapper: Any, model: Optional[nn.Module] = None) -> Any:
        built = super().build_optim_wrapper(optim_wrapper, model)
        if not isinstance(built, DeepSpeedOptimWrapper):
            raise TypeError(
                "DeepSpeedStrategy needs a DeepSpeedOptimWrapper (DeepSpeed runs the backward "
                f"pass and the update), but got {type(built).__name__}: set "
                "optim_wrapper=dict(type='DeepSpeedOptimWrapper', optimizer=dict(...))"
            )
        return built

    def _engine_config(self) -> dict:
        config = dict(self.config)
        if (
            "train_micro_batch_size_per_gpu" not in config
            and "train_batch_size" not in config
            and "train_micro_batch_size_per_gpu" in self.dispatch_kwargs
        ):
            config["train_micro_batch_size_per_gpu"] = self.dispatch_kwargs[
                "train_micro_batch_size_per_gpu"
            ]
        if "gradient_accumulation_steps" not in config and hasattr(self, "optim_wrapper"):
            counts = getattr(self.optim_wrapper, "_accumulative_counts", 1)
            if counts > 1:
                config["gradient_accumulation_steps"] = counts
        if "train_micro_batch_size_per_gpu" not in config and "train_batch_size" not in config:
            raise ValueError(
                "DeepSpeed needs the batch size: give train_micro_batch_size_per_gpu to "
                "DeepSpeedStrategy (or in its config), or "
                "prepare(..., dispatch_kwargs=dict(train_micro_batch_size_per_gpu=...))"
            )
        return config

    def _wrap_model(self, model: nn.Module) -> nn.Module:
        ds = _import_deepspeed()
        kwargs: dict = dict(model=model, config=self._engine_config())
        if hasattr(self, "optim_wrapper"):
            kwargs["optimizer"] = self.optim_wrapper.optimizer
        engine, optimizer, _, _ = ds.initialize(**kwargs)
        if hasattr(self, "optim_wrapper"):
            self.optim_wrapper.optimizer = optimizer
            self.optim_wrapper.model = engine
            if not hasattr(self.optim_wrapper, "initialize_count_status"):
                # The Runner's train() tells the wrapper the iteration counts for gradient
                # accumulation; DeepSpeed counts gradient_accumulation_steps itself.
                self.optim_wrapper.initialize_count_status = _no_count_status
        return MODEL_WRAPPERS.build(
            dict(type="MMDeepSpeedEngineWrapper", model=engine, inputs_to_half=self._inputs_to_half)
        )

    def wrap_model(self, model: nn.Module) -> nn.Module:
        """Place the model; the engine is built with the optimizer (:meth:`wrap_with_optimizer`).

        DeepSpeed builds its engine from the model and the optimizer together, so a
        FlexibleRunner (which builds the optimizer when training starts) keeps the plain
        model until then; validation or testing alone run it as it is.
        """
        from mmengine.device import get_device

        self.model = model.to(get_device())
        return self.model

    def wrap_with_optimizer(self, model: nn.Module, optim_wrapper: Any) -> nn.Module:
        """Build the engine from ``model`` and the built ``optim_wrapper``; return its wrapper."""
        if isinstance(model, MMDeepSpeedEngineWrapper):
            return model
        self.optim_wrapper = self.build_optim_wrapper(optim_wrapper, model)
        self.model = self._wrap_model(model)
        return self.model

    # ------------------------------------------------------------------ state dicts
    def _engine(self) -> Any:
        model = self.model
        return model.model if isinstance(model, MMDeepSpeedEngineWrapper) else None

    def model_state_dict(self) -> dict:
        """The full weights (gathered from the ZeRO-3 partitions on rank 0)."""
        engine = self._engine()
        if engine is None:
            return super().model_state_dict()
        if self.zero_stage == 3:
            state = engine._zero3_consolidated_16bit_state_dict()
            return weights_to_cpu(state) if state is not None else {}
        return weights_to_cpu(engine.module.state_dict())

    def load_model_state_dict(
        self,
        state_dict: dict,
        *,
        strict: bool = False,
        revise_keys: list = _DEFAULT_REVISE_KEYS,
    ) -> None:
        """Load full weights into the engine's module (gathering ZeRO-3 partitions)."""
        engine = self._engine()
        if engine is None:
            return super().load_model_state_dict(state_dict, strict=strict, revise_keys=revise_keys)
        module = engine.module
        checkpoint = dict(state_dict=state_dict)
        if self.zero_stage == 3:
            ds = _import_deepspeed()
            with ds.zero.GatheredParameters(list(module.parameters()), modifier_rank=0):
                if is_main_process():
                    _load_checkpoint_to_model(module, checkpoint, strict, revise_keys=revise_keys)
        else:
            _load_checkpoint_to_model(module, checkpoint, strict, revise_keys=revise_keys)
        # ZeRO's optimizer updates its own fp32 copy of the weights and copies it back into the
        # model after each step: refresh that copy, else the first step restores the old weights.
        refresh = getattr(getattr(engine, "optimizer", None), "refresh_fp32_params", None)
        if callable(refresh):
            refresh()
        return None

    # ------------------------------------------------------------------ checkpoints
    def save_checkpoint(
        self,
        filename: str,
        *,
        save_optimizer: bool = True,
        save_param_scheduler: bool = True,
        extra_ckpt: Optional[dict] = None,
        callback: Optional[Callable] = None,
    ) -> None:
        """Save a DeepSpeed checkpoint directory at ``filename`` (every process writes its
        partitions); ``extra_ckpt`` and the schedulers' states go in its client state."""
        engine = self._engine()
        if engine is None:
            raise RuntimeError(
                "DeepSpeedStrategy.save_checkpoint: the DeepSpeed engine is not built yet "
                "(prepare the strategy with an optimizer wrapper first)"
            )
        client_state = self._checkpoint_meta(extra_ckpt)
        if save_param_scheduler and hasattr(self, "param_schedulers"):
            client_state["param_schedulers"] = self.scheduler_state_dict()
        if save_optimizer and hasattr(self, "optim_wrapper"):
            client_state["optim_wrapper"] = self.optim_wrapper.state_dict()
        if callback is not None:
            callback(client_state)
        # 0.10's layout: ``filename`` is the tag directory inside its folder (no `latest` file),
        # so checkpoints of either project load in the other.
        dirname, basename = osp.split(osp.normpath(filename))
        kwargs: dict = dict(
            save_dir=dirname or ".", tag=basename, client_state=client_state, save_latest=False
        )
        if self.exclude_frozen_parameters is not None:
            kwargs["exclude_frozen_parameters"] = self.exclude_frozen_parameters
        if not save_optimizer:
            # the engine always writes its optimizer partitions; the client state says so
            client_state["meta"]["optimizer_saved"] = False
        engine.save_checkpoint(**kwargs)

    def _load_engine_checkpoint(
        self, filename: str, *, optimizer: bool, callback: Optional[Callable]
    ) -> dict:
        engine = self._engine()
        if osp.isfile(osp.join(filename, "latest")):
            # written by mmengine-ng before 0.2.13: tag directories under ``filename``
            load_dir, tag = filename, None
        else:  # 0.10's layout: ``filename`` is the tag directory
            load_dir, tag = osp.split(osp.normpath(filename))
        # DeepSpeed gathers ZeRO-3 weights without the optimizer only through a `latest` file,
        # which 0.10's layout has not: those weights are gathered from the tag here instead.
        zero3_weights = not optimizer and self.zero_stage == 3 and tag is not None
        _, client_state = engine.load_checkpoint(
            load_dir or ".",
            tag=tag,
            load_module_strict=not self.exclude_frozen_parameters,
            load_optimizer_states=optimizer or zero3_weights,
            load_lr_scheduler_states=False,
            load_module_only=not optimizer,
        )
        if client_state is not None and zero3_weights:
            from deepspeed.utils.zero_to_fp32 import get_fp32_state_dict_from_zero_checkpoint

            state_dict = get_fp32_state_dict_from_zero_checkpoint(load_dir or ".", tag=tag)
            self.load_model_state_dict(state_dict, strict=not self.exclude_frozen_parameters)
        if client_state is None:
            raise FileNotFoundError(
                f"DeepSpeed found no checkpoint in {filename}: give a directory that "
                "DeepSpeedStrategy.save_checkpoint wrote (its model states file, e.g. "
                "mp_rank_00_model_states.pt, directly inside)"
            )
        checkpoint = dict(client_state)
        if callback is not None:
            callback(checkpoint)
        return checkpoint

    def load_checkpoint(
        self,
        filename: str,
        *,
        map_location: Union[str, Callable] = "cpu",
        strict: bool = False,
        revise_keys: list = _DEFAULT_REVISE_KEYS,
        callback: Optional[Callable] = None,
    ) -> dict:
        """Load weights from a DeepSpeed checkpoint directory or an ordinary checkpoint file."""
        from mmengine.model.checkpoint import _load_checkpoint

        self.logger.info(f"Load checkpoint from {filename}")
        if self._engine() is not None and osp.isdir(filename):
            return self._load_engine_checkpoint(filename, optimizer=False, callback=callback)
        checkpoint = _checkpoint_state.read_checkpoint(filename, map_location, _load_checkpoint)
        if callback is not None:
            callback(checkpoint)
        state_dict = checkpoint.pop("state_dict", None) if "state_dict" in checkpoint else None
        if state_dict is None:
            state_dict, checkpoint = checkpoint, {}
        self.load_model_state_dict(state_dict, strict=strict, revise_keys=revise_keys)
        return checkpoint

    def resume(
        self,
        filename: str,
        *,
        resume_optimizer: bool = True,
        resume_param_scheduler: bool = True,
        map_location: Union[str, Callable] = "default",
        callback: Optional[Callable] = None,
    ) -> dict:
        """Resume weights, optimizer partitions, schedulers and seed from a DeepSpeed
        checkpoint directory; return the rest of its client state."""
        self.logger.info(f"Resume checkpoint from {filename}")
        if self._engine() is None or not osp.isdir(filename):
            raise ValueError(
                f"DeepSpeedStrategy resumes from a DeepSpeed checkpoint directory with the "
                f"engine built; {filename} is not a directory or the strategy is not prepared"
            )
        checkpoint = self._load_engine_checkpoint(
            filename, optimizer=resume_optimizer, callback=callback
        )
        wrapper_state = checkpoint.pop("optim_wrapper", None)
        if resume_optimizer and wrapper_state is not None and hasattr(self, "optim_wrapper"):
            self.optim_wrapper.load_state_dict(wrapper_state)
        if (
            resume_param_scheduler
            and hasattr(self, "param_schedulers")
            and "param_schedulers" in checkpoint
        ):
            self.load_scheduler_state_dict(checkpoint.pop("param_schedulers"))
        self._restore_seed(checkpoint)
        return checkpoint


def _no_count_status(model: Any, init_counts: int, max_counts: int) -> None:
    """Nothing to count: DeepSpeed's engine accumulates gradients itself."""
