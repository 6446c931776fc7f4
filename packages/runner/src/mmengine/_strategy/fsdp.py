"""FSDPStrategy: fully sharded data parallel training (FSDP1 or FSDP2) and its checkpoints."""

from __future__ import annotations

import copy  # noqa: F401  (upstream's module global)
import os  # noqa: F401  (upstream's module global)
import os.path as osp  # noqa: F401  (upstream's module global)
import re
import time  # noqa: F401  (upstream's module global)
from collections.abc import Callable
from functools import partial
from typing import Any, Optional, Union

import torch
from torch import nn

from mmengine.config import Config, ConfigDict  # noqa: F401  (upstream's module globals)
from mmengine.device import get_device
from mmengine.dist import get_rank, is_distributed, is_main_process  # noqa: F401
from mmengine.model import BaseDataPreprocessor, is_model_wrapper  # noqa: F401
from mmengine.model.checkpoint import _load_checkpoint
from mmengine.optim import (  # noqa: F401  (upstream's module globals)
    AmpOptimWrapper,
    BaseOptimWrapper,
    OptimWrapper,
    OptimWrapperDict,
    _ParamScheduler,
    build_optim_wrapper,
)
from mmengine.registry import (  # noqa: F401  (upstream's module globals)
    FUNCTIONS,
    MODEL_WRAPPERS,
    OPTIM_WRAPPERS,
    PARAM_SCHEDULERS,
    STRATEGIES,
    Registry,
)
from mmengine.utils import get_git_hash, mkdir_or_exist  # noqa: F401

from . import _checkpoint_state
from . import sharded_checkpoint as sharded
from .base import _DEFAULT_REVISE_KEYS
from .distributed import DDPStrategy
from .utils import MetaTensorContext

# Upstream registers FSDP's config classes here (``FSDP_CONFIGS``) for dict configs.
FSDP_CONFIGS = Registry("fsdp configs")

_STATE_DICT_TYPES = {
    "full": "full",
    "full_state_dict": "full",
    "local": "sharded",
    "local_state_dict": "sharded",
    "sharded": "sharded",
    "sharded_state_dict": "sharded",
}
_FSDP1_ONLY_OPTIONS = (
    "sharding_strategy",
    "backward_prefetch",
    "use_orig_params",
    "param_init_fn",
    "device_id",
    "forward_prefetch",
    "limit_all_gathers",
    "ignored_modules",
    "process_group",
    "fsdp_auto_wrap_policy",
)


def _build_mmfsdp2(*args: Any, **kwargs: Any) -> nn.Module:
    """Stand-in registered as ``MMFSDP2`` until the real class is imported.

    The FSDP wrappers' module imports ``torch.distributed.fsdp`` (slow), so it is imported on
    first use: a Runner config naming ``model_wrapper_cfg=dict(type='MMFSDP2')`` lands here,
    which imports it (registering the real class in this one's place) and builds the wrapper.
    """
    from mmengine.model.wrappers.fully_sharded_distributed import MMFSDP2

    return MMFSDP2(*args, **kwargs)


_build_mmfsdp2._mmengine_stand_in = True  # type: ignore[attr-defined]
if "MMFSDP2" not in MODEL_WRAPPERS.module_dict:  # a lookup would log (and make a logger)
    MODEL_WRAPPERS.register_module(name="MMFSDP2", module=_build_mmfsdp2)


def _require_state_dict_api() -> None:
    """FSDPStrategy saves and loads through ``torch.distributed.checkpoint.state_dict``."""
    try:
        import torch.distributed.checkpoint.state_dict  # noqa: F401
    except ImportError:
        import torch

        raise ImportError(
            f"FSDPStrategy needs torch >= 2.2 (torch.distributed.checkpoint.state_dict), but "
            f"this is torch {torch.__version__}: upgrade torch, or train with DDP "
            "(DDPStrategy, or the Runner's launcher)"
        ) from None


@STRATEGIES.register_module()
class FSDPStrategy(DDPStrategy):
    """Shard parameters, gradients and optimizer state across processes.

    Two implementations, chosen by ``fsdp_version``:

    - ``1`` (the default, as upstream): ``MMFullyShardedDataParallel`` (torch's
      ``FullyShardedDataParallel``); ``model_wrapper`` takes its options
      (``auto_wrap_policy``, ``mixed_precision``, ``sharding_strategy``, ``cpu_offload``...).
    - ``2``: ``MMFSDP2`` (``torch.distributed.fsdp.fully_shard``): parameters become
      ``DTensor`` shards and keep their names; runs on CPU with gloo too. ``model_wrapper``
      takes ``shard_modules`` (class names, classes or a predicate choosing the submodules
      sharded as groups; or an FSDP1 ``auto_wrap_policy``), ``mixed_precision``
      (``dict(param_dtype='bfloat16', reduce_dtype='float32')``), ``cpu_offload`` (bool),
      ``reshard_after_forward`` and ``mesh``.

    Checkpoints (``state_dict_cfg``):

    - ``'sharded'`` (``'local'`` means the same): every process writes its own shards into a
      checkpoint directory through ``torch.distributed.checkpoint``; nothing is gathered.
      ``resume`` and ``load_checkpoint`` read it on any number of processes (resharding), and
      ``python -m mmengine._strategy.consolidate DIR OUT.pth`` turns it into one file.
      ``dict(state_dict_type='sharded', async_save=True)`` writes in the background.
    - ``'full'``: the full weights and optimizer state are gathered on rank 0 (on the CPU)
      and saved as one ordinary checkpoint file.

    A dict of upstream's form (``state_dict_type='FULL_STATE_DICT'`` / ``'LOCAL_STATE_DICT'``
    / ``'SHARDED_STATE_DICT'``, with ``state_dict_config``/``optim_state_dict_config``) is
    accepted; full state dicts are always gathered on rank 0 on the CPU.

    Launched without a process group (one process), the model is not sharded and sharded
    checkpoints saved by any number of processes load into it.

    Args:
        model_wrapper (dict, optional): the wrapper's options (see above); its ``type``
            defaults to ``MMFullyShardedDataParallel`` (version 1) or ``MMFSDP2`` (version 2).
        skip_init_weights (bool): build a model given as a config on the meta device and do
            not call ``init_weights``: weights are only allocated as shards (then reset with
            the modules' ``reset_parameters``), to be loaded from a checkpoint. Defaults to
            False.
        state_dict_cfg (str or dict): see above. Defaults to 'local' (sharded).
        activation_checkpointing (dict, optional): arguments of torch's
            ``apply_activation_checkpointing``: ``check_fn`` (a callable, its name in
            ``FUNCTIONS``, or a dict with ``type``) or ``module_classes`` (class names whose
            instances are checkpointed).
        fsdp_version (int): 1 or 2. Defaults to 1; a ``model_wrapper`` of type ``MMFSDP2``
            implies 2.
        **kwargs: the :class:`DDPStrategy`/:class:`BaseStrategy` arguments.
    """

    runner_checkpoint_io = False
    inits_weights_on_wrap = True

    def __init__(
        self,
        *,
        model_wrapper: Optional[dict] = None,
        skip_init_weights: bool = False,
        state_dict_cfg: Union[str, dict] = "local",
        activation_checkpointing: Optional[dict] = None,
        fsdp_version: Optional[int] = None,
        **kwargs: Any,
    ) -> None:
        _require_state_dict_api()
        super().__init__(model_wrapper=model_wrapper, **kwargs)
        wrapper_type = (model_wrapper or {}).get("type")
        if fsdp_version is None:
            fsdp_version = 2 if wrapper_type in ("MMFSDP2", "FSDP2") else 1
        if fsdp_version not in (1, 2):
            raise ValueError(f"fsdp_version should be 1 or 2, but got {fsdp_version!r}")
        self.fsdp_version = fsdp_version
        self.skip_init_weights = skip_init_weights
        self.activation_checkpointing = activation_checkpointing
        self._init_state_dict_cfg(state_dict_cfg)

    # ------------------------------------------------------------------ configuration
    def _init_state_dict_cfg(self, state_dict_cfg: Union[str, dict]) -> None:
        """Parse ``state_dict_cfg`` into ``state_dict_type`` ('full' or 'sharded')."""
        self.state_dict_cfg = state_dict_cfg
        self.async_save = False
        if isinstance(state_dict_cfg, str):
            kind = state_dict_cfg
        elif isinstance(state_dict_cfg, dict):
            cfg = dict(state_dict_cfg)
            kind = cfg.pop("state_dict_type", cfg.pop("type", "local"))
            kind = getattr(kind, "name", kind)  # a StateDictType member
            self.async_save = bool(cfg.pop("async_save", False))
            # Upstream's FSDP1 configs: full state dicts are always offloaded to the CPU and
            # kept on rank 0 only, which is what these usually ask for.
            for key in ("state_dict_config", "optim_state_dict_config"):
                cfg.pop(key, None)
            if cfg:
                raise ValueError(
                    f"Unknown keys {sorted(cfg)} in state_dict_cfg {state_dict_cfg!r}: the keys "
                    "are state_dict_type, async_save, state_dict_config, optim_state_dict_config"
                )
        else:
            raise TypeError(
                "state_dict_cfg should be a str ('full', 'sharded' or 'local') or a dict, but "
                f"got {type(state_dict_cfg)}"
            )
        key = str(kind).lower()
        if key not in _STATE_DICT_TYPES:
            raise ValueError(
                f"state_dict_cfg {state_dict_cfg!r}: unknown state dict type {kind!r}; use "
                "'full' (one file gathered on rank 0), 'sharded' or 'local' (a directory of "
                "shards written by every process)"
            )
        self.state_dict_type = _STATE_DICT_TYPES[key]
        if self.async_save and self.state_dict_type != "sharded":
            raise ValueError(
                "async_save=True needs sharded state dicts (state_dict_type='sharded')"
            )

    def _is_full_state_dict(self) -> bool:
        return self.state_dict_type == "full"

    # ------------------------------------------------------------------ model
    def build_model(self, model: Union[nn.Module, dict]) -> nn.Module:
        """Build the model; with ``skip_init_weights`` a config is built on the meta device."""
        if self.skip_init_weights and isinstance(model, dict):
            with MetaTensorContext():
                return super().build_model(model)
        return super().build_model(model)

    def _init_model_weights(self, model: nn.Module) -> nn.Module:
        if self.skip_init_weights:
            return model
        return super()._init_model_weights(model)

    def wrap_model(self, model: nn.Module) -> nn.Module:
        """Initialise the weights (unless ``skip_init_weights``), then shard the model."""
        if not is_model_wrapper(model):
            model = self._init_model_weights(model)
        return super().wrap_model(model)

    def _wrap_model(self, model: nn.Module) -> nn.Module:
        if is_model_wrapper(model):
            return model
        on_meta = any(p.is_meta for p in model.parameters())
        if not is_distributed():
            self.logger.info(
                "FSDPStrategy: not distributed (one process), so the model is not sharded"
            )
            if on_meta:
                model = _materialize(model, get_device())
            return self.convert_model(model).to(get_device())
        if self.fsdp_version == 2:
            return self._wrap_fsdp2(model, on_meta)
        return self._wrap_fsdp1(model, on_meta)

    def _apply_activation_checkpointing(self, model: nn.Module) -> None:
        if not self.activation_checkpointing:
            return
        from torch.distributed.algorithms._checkpoint.checkpoint_wrapper import (
            apply_activation_checkpointing,
        )

        cfg = dict(self.activation_checkpointing)
        classes = cfg.pop("module_classes", None)
        if classes is not None:
            names = {classes} if isinstance(classes, str) else set(classes)
            cfg["check_fn"] = lambda m: (
                type(m).__name__ in names
                or isinstance(m, tuple(c for c in names if isinstance(c, type)))
            )
        check_fn = cfg.get("check_fn")
        if isinstance(check_fn, str):
            cfg["check_fn"] = FUNCTIONS.get(check_fn)
            if cfg["check_fn"] is None:
                raise ValueError(
                    f"activation_checkpointing: check_fn {check_fn!r} is not registered in "
                    "FUNCTIONS; register it or give a callable"
                )
        elif isinstance(check_fn, dict):
            fn_cfg = dict(check_fn)
            fn = FUNCTIONS.get(fn_cfg.pop("type"))
            cfg["check_fn"] = partial(fn, **fn_cfg)
        apply_activation_checkpointing(model, **cfg)

    def _wrap_fsdp2(self, model: nn.Module, on_meta: bool) -> nn.Module:
        from mmengine.model.wrappers.fully_sharded_distributed import MMFSDP2

        model = self.convert_model(model)
        if not on_meta:
            model = model.to(get_device())
        self._apply_activation_checkpointing(model)
        cfg = dict(self.model_wrapper or {})
        cfg["type"] = "MMFSDP2" if cfg.get("type") in (None, "FSDP2") else cfg["type"]
        # The strategy saves and loads shards itself (torch.distributed.checkpoint).
        cfg.setdefault("full_state_dict", False)
        if on_meta:
            cfg["sync_module_states"] = False
        fsdp1_only = sorted(set(cfg) & set(_FSDP1_ONLY_OPTIONS))
        if fsdp1_only:
            raise TypeError(
                f"FSDPStrategy(fsdp_version=2): {fsdp1_only} are options of FSDP1 "
                "(MMFullyShardedDataParallel); FSDP2's are shard_modules (or auto_wrap_policy), "
                "mixed_precision, cpu_offload, reshard_after_forward and mesh"
            )
        wrapped = MODEL_WRAPPERS.build(cfg, default_args=dict(module=model))
        if not isinstance(wrapped, MMFSDP2) and not hasattr(wrapped, "module"):
            raise TypeError(f"the FSDP2 model wrapper {cfg['type']} should hold `module`")
        if on_meta:
            _materialize(wrapped.module, get_device())
        return wrapped

    def _wrap_fsdp1(self, model: nn.Module, on_meta: bool) -> nn.Module:
        model = self.convert_model(model)
        cfg = dict(self.model_wrapper or {})
        cfg.setdefault("type", "MMFullyShardedDataParallel")
        if torch.cuda.is_available():
            cfg.setdefault("device_id", torch.cuda.current_device())
            if not on_meta:
                model = model.to(get_device())
        else:
            cfg.setdefault("device_id", torch.device("cpu"))
        if on_meta:
            device = get_device()
            cfg.setdefault("param_init_fn", partial(_materialize, device=device, recurse=False))
        wrapped = MODEL_WRAPPERS.build(cfg, default_args=dict(module=model))
        self._apply_activation_checkpointing(wrapped)
        return wrapped

    def build_optim_wrapper(
        self,
        optim_wrapper: Union[torch.optim.Optimizer, OptimWrapper, dict],
        model: Optional[nn.Module] = None,
    ) -> BaseOptimWrapper:
        """Build the optimizer wrapper on the sharded parameters (AMP uses a sharded scaler)."""
        if isinstance(optim_wrapper, dict) and self.fsdp_version == 1:
            optim_wrapper = dict(optim_wrapper)
            if optim_wrapper.get("type") in ("AmpOptimWrapper", AmpOptimWrapper):
                optim_wrapper.setdefault("use_fsdp", True)
        return super().build_optim_wrapper(optim_wrapper, model)

    # ------------------------------------------------------------------ state dicts
    def _state_root(self) -> nn.Module:
        """The module torch's state-dict API works on: the FSDP1 root or the FSDP2 module."""
        from torch.distributed.fsdp import FullyShardedDataParallel

        if isinstance(self.model, FullyShardedDataParallel):
            return self.model
        return self._unwrapped()

    def _optimizers(self) -> list:
        return [w.optimizer for _, w in sharded.optimizers_of(getattr(self, "optim_wrapper", None))]

    def _options(self, full: bool, **kwargs: Any) -> Any:
        from torch.distributed.checkpoint.state_dict import StateDictOptions

        return StateDictOptions(full_state_dict=full, cpu_offload=full, **kwargs)

    def model_state_dict(self) -> dict:
        """The weights: full tensors on rank 0 (empty elsewhere) with ``state_dict_cfg='full'``,
        this process's ``DTensor`` shards with 'sharded'. Every process must call it."""
        from torch.distributed.checkpoint.state_dict import get_model_state_dict

        return get_model_state_dict(
            self._state_root(), options=self._options(self._is_full_state_dict())
        )

    def optim_state_dict(self) -> dict:
        """The optimizer state keyed by parameter names (full on rank 0, or shards)."""
        from torch.distributed.checkpoint.state_dict import get_optimizer_state_dict

        optimizers = self._optimizers()
        return get_optimizer_state_dict(
            self._state_root(),
            optimizers if len(optimizers) > 1 else optimizers[0],
            options=self._options(self._is_full_state_dict()),
        )

    def load_model_state_dict(
        self,
        state_dict: dict,
        *,
        strict: bool = False,
        revise_keys: list = _DEFAULT_REVISE_KEYS,
    ) -> None:
        """Load full weights (every process gives the same full tensors) into the shards."""
        from torch.distributed.checkpoint.state_dict import set_model_state_dict

        if not is_distributed():
            return super().load_model_state_dict(state_dict, strict=strict, revise_keys=revise_keys)
        weights = dict(state_dict)
        for pattern, replacement in revise_keys or []:
            weights = {re.sub(pattern, replacement, k): v for k, v in weights.items()}
        root = self._state_root()
        result = set_model_state_dict(root, weights, options=self._options(True, strict=strict))
        if result is not None and (result.missing_keys or result.unexpected_keys):
            self.logger.warning(
                f"unexpected key in source state_dict: {', '.join(result.unexpected_keys)}\n"
                f"missing keys in source state_dict: {', '.join(result.missing_keys)}"
            )
        return None

    def load_optim_state_dict(self, state_dict: dict) -> None:
        """Load a full optimizer state (keyed by parameter names, or by position as a plain
        ``Optimizer.state_dict()``) into the sharded optimizer."""
        from torch.distributed.checkpoint.state_dict import set_optimizer_state_dict

        if not is_distributed():
            if _keyed_by_name(state_dict):
                set_optimizer_state_dict(
                    self._state_root(),
                    self._optimizers(),
                    state_dict,
                    options=self._options(True),
                )
            else:
                super().load_optim_state_dict(state_dict)
            return
        wrappers = sharded.optimizers_of(self.optim_wrapper)
        if isinstance(self.optim_wrapper, OptimWrapperDict) and not _keyed_by_name(state_dict):
            per_name = [(state_dict[name], [w]) for name, w in wrappers]
        else:
            per_name = [(state_dict, wrappers)]
        for state, group in per_name:
            optimizers = [w.optimizer for _, w in group]
            if not _keyed_by_name(state):
                state = _name_optimizer_state(state, optimizers[0], self._state_root())
            set_optimizer_state_dict(
                self._state_root(),
                optimizers if len(optimizers) > 1 else optimizers[0],
                {k: v for k, v in state.items() if k in ("state", "param_groups")},
                options=self._options(True),
            )
            for _, wrapper in group:
                scaler = getattr(wrapper, "loss_scaler", None)
                if "loss_scaler" in state and scaler is not None:
                    scaler.load_state_dict(state["loss_scaler"])

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
        """Save a checkpoint; every process must call it.

        With sharded state dicts, ``filename`` becomes a directory of shards (see
        :mod:`mmengine._strategy.sharded_checkpoint`); with full ones, rank 0 writes one file.
        """
        if not is_distributed():
            return super(DDPStrategy, self).save_checkpoint(
                filename,
                save_optimizer=save_optimizer,
                save_param_scheduler=save_param_scheduler,
                extra_ckpt=extra_ckpt,
                callback=callback,
            )
        if self.state_dict_type == "sharded":
            extra = self._checkpoint_meta(extra_ckpt)
            if save_param_scheduler and hasattr(self, "param_schedulers"):
                extra["param_schedulers"] = self.scheduler_state_dict()
            optimizers = (
                sharded.optimizers_of(self.optim_wrapper)
                if save_optimizer and hasattr(self, "optim_wrapper")
                else None
            )
            sharded.save(
                filename,
                self._state_root(),
                optimizers,
                extra,
                async_save=self.async_save,
                callback=callback,
            )
            return None
        checkpoint = self._collect_checkpoint(save_optimizer, save_param_scheduler, extra_ckpt)
        if not is_main_process():
            return None
        if callback is not None:
            callback(checkpoint)
        from mmengine.model.checkpoint import save_checkpoint

        save_checkpoint(checkpoint, filename)
        return None

    def wait_for_checkpoint(self) -> None:
        """Block until an asynchronous sharded save has finished."""
        sharded.wait_for_pending_save()

    def load_checkpoint(self, filename: str, **kwargs: Any) -> dict:
        """Load the weights of a checkpoint file (full) or of a sharded checkpoint directory
        (saved on any number of processes); return the rest of the checkpoint."""
        if sharded.is_sharded_checkpoint(filename):
            self.logger.info(f"Load checkpoint from {filename}")
            return self._load_sharded(
                filename, strict=kwargs.get("strict", False), callback=kwargs.get("callback")
            )
        map_location = kwargs.pop("map_location", "cpu")
        callback = kwargs.pop("callback", None)
        self.logger.info(f"Load checkpoint from {filename}")
        checkpoint = _checkpoint_state.read_checkpoint(filename, map_location, _load_checkpoint)
        if callback is not None:
            callback(checkpoint)
        if isinstance(checkpoint, dict) and "state_dict" in checkpoint:
            state_dict = checkpoint.pop("state_dict")
        else:
            state_dict, checkpoint = checkpoint, {}
        self.load_model_state_dict(
            state_dict,
            strict=kwargs.get("strict", False),
            revise_keys=kwargs.get("revise_keys", _DEFAULT_REVISE_KEYS),
        )
        return checkpoint


def _keyed_by_name(state_dict: dict) -> bool:
    """Whether an optimizer state dict is keyed by parameter names (torch's DCP form)."""
    groups = state_dict.get("param_groups", [])
    params = [p for g in groups for p in g.get("params", [])]
    return bool(params) and all(isinstance(p, str) for p in params)


def _name_optimizer_state(state_dict: dict, optimizer: Any, model: nn.Module) -> dict:
    """Key a positional optimizer state (``Optimizer.state_dict()``) by parameter names."""
    names = {id(p): n for n, p in model.named_parameters()}
    order = [p for group in optimizer.param_groups for p in group["params"]]
    index_to_name = {}
    for i, param in enumerate(order):
        if id(param) not in names:
            raise ValueError(
                "The optimizer holds a parameter that is not the model's; cannot load a "
                "positional optimizer state into the sharded model"
            )
        index_to_name[i] = names[id(param)]
    groups = []
    for group in state_dict["param_groups"]:
        out = dict(group)
        out["params"] = [index_to_name[i] for i in group["params"]]
        groups.append(out)
    state = {index_to_name[int(i)]: value for i, value in state_dict["state"].items()}
    return dict(state=state, param_groups=groups)


def _materialize(module: nn.Module, device: Any, recurse: bool = True) -> nn.Module:
    """Allocate a meta-device module on ``device`` and reset its parameters where it can."""
    module.to_empty(device=device, recurse=recurse)
    targets = module.modules() if recurse else [module]
    with torch.no_grad():
        for sub in targets:
            reset = getattr(sub, "reset_parameters", None)
            if callable(reset):
                reset()
    return module
