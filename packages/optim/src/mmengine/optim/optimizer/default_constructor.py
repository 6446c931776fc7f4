"""DefaultOptimWrapperConstructor: optimizer + wrapper from config, paramwise."""

from __future__ import annotations

import inspect
import logging
from typing import Any

import torch
import torch.nn as nn
from torch.nn import GroupNorm, LayerNorm
from torch.nn.modules.batchnorm import _BatchNorm
from torch.nn.modules.instancenorm import _InstanceNorm

from mmengine.logging import print_log
from mmengine.registry import OPTIM_WRAPPER_CONSTRUCTORS, OPTIM_WRAPPERS, OPTIMIZERS
from mmengine.utils import is_list_of  # noqa: F401  (upstream keeps this name here)
from mmengine.utils.dl_utils import mmcv_full_available  # noqa: F401  (upstream keeps this name here)

from ._errors import OptimKeyError, OptimTypeError
from ._model_utils import unwrap_model
from .base import BaseOptimWrapper
from .optimizer_wrapper import (
    OptimWrapper,  # noqa: F401  (upstream keeps this name here)
    _add_note,
)

_DCN_CLASS_NAMES = frozenset({"DeformConv2d", "ModulatedDeformConv2d"})


def _is_dcn_module(module: nn.Module) -> bool:
    """Whether ``module`` is an mmcv deformable convolution (by class name)."""
    return any(
        cls.__name__ in _DCN_CLASS_NAMES and cls.__module__.startswith("mmcv")
        for cls in type(module).__mro__
    )


def _type_name(obj: Any) -> str:
    return getattr(obj, "__name__", None) or str(obj)


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class DefaultOptimWrapperConstructor:
    """Default constructor of optimizer wrappers.

    Builds the optimizer from ``optim_wrapper_cfg['optimizer']`` and wraps it
    in the ``optim_wrapper_cfg['type']`` wrapper (``OptimWrapper`` when
    omitted). By default every parameter shares the optimizer settings;
    ``paramwise_cfg`` sets them per parameter, with these fields:

    - ``custom_keys`` (dict): settings for parameters whose name contains a
      key. The longest matching key wins (ties: alphabetical order); the
      value may hold ``lr_mult``, ``decay_mult`` and other group options, and
      overrides every other rule below.
    - ``bias_lr_mult`` (float): multiplies the lr of biases (except those of
      normalization layers and DCN offset layers).
    - ``bias_decay_mult`` (float): multiplies the weight decay of biases
      (except normalization, depthwise conv and DCN offset layers).
    - ``norm_decay_mult`` (float): multiplies the weight decay of the weight
      and bias of normalization layers.
    - ``flat_decay_mult`` (float): multiplies the weight decay of all
      one-dimensional parameters.
    - ``dwconv_decay_mult`` (float): multiplies the weight decay of depthwise
      conv layers.
    - ``dcn_offset_lr_mult`` (float): multiplies the lr of the offset layers
      of deformable convs (overrides ``bias_lr_mult`` there).
    - ``bypass_duplicate`` (bool): skip parameters shared by several modules
      instead of failing. Defaults to False.

    Parameters with ``requires_grad=False`` are left out of the optimizer.

    Args:
        optim_wrapper_cfg (dict): Config of the optimizer wrapper. Required:
            ``optimizer`` (with its ``type``); optional: ``type`` of the
            wrapper and its other arguments (``accumulative_counts``,
            ``clip_grad``, ...).
        paramwise_cfg (dict, optional): Parameter-wise options.

    Examples:
        >>> model = torch.nn.Conv1d(1, 1, 1)
        >>> constructor = DefaultOptimWrapperConstructor(
        ...     dict(type='OptimWrapper', optimizer=dict(
        ...         type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4)),
        ...     paramwise_cfg=dict(norm_decay_mult=0.))
        >>> optim_wrapper = constructor(model)
    """

    def __init__(self, optim_wrapper_cfg: dict, paramwise_cfg: dict | None = None) -> None:
        if not isinstance(optim_wrapper_cfg, dict):
            raise OptimTypeError(
                f"optimizer_cfg should be a dict, but got {type(optim_wrapper_cfg)}"
            )
        if "optimizer" not in optim_wrapper_cfg:
            raise OptimKeyError(
                '`optim_wrapper_cfg` must contain "optimizer" config, e.g. '
                "optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)); got keys "
                f"{list(optim_wrapper_cfg)}."
            )
        self.optim_wrapper_cfg = optim_wrapper_cfg.copy()
        self.optimizer_cfg = self.optim_wrapper_cfg.pop("optimizer")
        self.paramwise_cfg = {} if paramwise_cfg is None else paramwise_cfg
        self.base_lr = self.optimizer_cfg.get("lr", None)
        self.base_wd = self.optimizer_cfg.get("weight_decay", None)
        self._validate_cfg()

    def _validate_cfg(self) -> None:
        """Check that ``paramwise_cfg`` is consistent with the optimizer cfg."""
        if not isinstance(self.paramwise_cfg, dict):
            raise TypeError(
                f"paramwise_cfg should be None or a dict, but got {type(self.paramwise_cfg)}"
            )
        if "custom_keys" in self.paramwise_cfg:
            custom_keys = self.paramwise_cfg["custom_keys"]
            if not isinstance(custom_keys, dict):
                raise TypeError(
                    f"If specified, custom_keys must be a dict, but got {type(custom_keys)}"
                )
            if self.base_wd is None:
                for key in custom_keys:
                    if "decay_mult" in custom_keys[key]:
                        raise ValueError(
                            f"base_wd should not be None: paramwise_cfg.custom_keys[{key!r}] "
                            "sets `decay_mult`, so the optimizer config needs `weight_decay`."
                        )
        for name in ("bias_decay_mult", "norm_decay_mult", "dwconv_decay_mult"):
            if name in self.paramwise_cfg and self.base_wd is None:
                raise ValueError(
                    f"base_wd should not be None: paramwise_cfg sets `{name}`, so the "
                    "optimizer config needs `weight_decay`."
                )

    def _is_in(self, param_group: dict, param_group_list: list) -> bool:
        """Whether a parameter of ``param_group`` is already in the list."""
        param = set(param_group["params"])
        param_set: set = set()
        for group in param_group_list:
            param_set.update(set(group["params"]))
        return not param.isdisjoint(param_set)

    def add_params(
        self,
        params: list[dict],
        module: nn.Module,
        prefix: str = "",
        is_dcn_module: int | float | None = None,
    ) -> None:
        """Add the parameters of ``module`` (recursively) to ``params``.

        Each parameter becomes its own group, with the settings that
        ``paramwise_cfg`` gives it.

        Args:
            params (list[dict]): Param groups, modified in place.
            module (nn.Module): The module whose parameters are added.
            prefix (str): The name prefix of the module.
            is_dcn_module (int | float | None): Whether ``module`` is inside a
                deformable conv; controls the lr of its ``conv_offset``.
                Defaults to None.
        """
        cfg = self.paramwise_cfg
        custom_keys = cfg.get("custom_keys", {})
        # Alphabetical first, then longest first (the sort is stable).
        sorted_keys = sorted(sorted(custom_keys.keys()), key=len, reverse=True)

        bias_lr_mult = cfg.get("bias_lr_mult", None)
        bias_decay_mult = cfg.get("bias_decay_mult", None)
        norm_decay_mult = cfg.get("norm_decay_mult", None)
        dwconv_decay_mult = cfg.get("dwconv_decay_mult", None)
        flat_decay_mult = cfg.get("flat_decay_mult", None)
        bypass_duplicate = cfg.get("bypass_duplicate", False)
        dcn_offset_lr_mult = cfg.get("dcn_offset_lr_mult", None)

        is_norm = isinstance(module, (_BatchNorm, _InstanceNorm, GroupNorm, LayerNorm))
        is_dwconv = isinstance(module, torch.nn.Conv2d) and module.in_channels == module.groups

        for name, param in module.named_parameters(recurse=False):
            param_group: dict[str, Any] = {"params": [param]}
            full_name = f"{prefix}.{name}" if prefix else name
            if bypass_duplicate and self._is_in(param_group, params):
                print_log(
                    f"{prefix} is duplicate. It is skipped since "
                    f"bypass_duplicate={bypass_duplicate}",
                    logger="current",
                    level=logging.WARNING,
                )
                continue
            if not param.requires_grad:
                print_log(
                    f"{full_name} is skipped since its requires_grad={param.requires_grad}",
                    logger="current",
                    level=logging.WARNING,
                )
                continue

            is_custom = False
            for key in sorted_keys:
                if key in f"{prefix}.{name}":
                    is_custom = True
                    lr_mult = custom_keys[key].get("lr_mult", 1.0)
                    param_group["lr"] = self.base_lr * lr_mult
                    if self.base_wd is not None:
                        decay_mult = custom_keys[key].get("decay_mult", 1.0)
                        param_group["weight_decay"] = self.base_wd * decay_mult
                    for k, v in custom_keys[key].items():
                        param_group[k] = v
                    break

            if not is_custom:
                if name == "bias" and not (is_norm or is_dcn_module):
                    if bias_lr_mult is not None:
                        param_group["lr"] = self.base_lr * bias_lr_mult

                if (
                    prefix.find("conv_offset") != -1
                    and is_dcn_module
                    and dcn_offset_lr_mult is not None
                    and isinstance(module, torch.nn.Conv2d)
                ):
                    param_group["lr"] = self.base_lr * dcn_offset_lr_mult

                if self.base_wd is not None:
                    if is_norm and norm_decay_mult is not None:
                        param_group["weight_decay"] = self.base_wd * norm_decay_mult
                    elif name == "bias" and not is_dcn_module and bias_decay_mult is not None:
                        param_group["weight_decay"] = self.base_wd * bias_decay_mult
                    elif is_dwconv and dwconv_decay_mult is not None:
                        param_group["weight_decay"] = self.base_wd * dwconv_decay_mult
                    elif param.ndim == 1 and flat_decay_mult is not None:
                        param_group["weight_decay"] = self.base_wd * flat_decay_mult
            params.append(param_group)
            for key, value in param_group.items():
                if key == "params":
                    continue
                print_log(f"paramwise_options -- {full_name}:{key}={value}", logger="current")

        child_is_dcn = _is_dcn_module(module)
        for child_name, child_mod in module.named_children():
            child_prefix = f"{prefix}.{child_name}" if prefix else child_name
            self.add_params(params, child_mod, prefix=child_prefix, is_dcn_module=child_is_dcn)

    def _optimizer_class(self) -> Any:
        optimizer_type = self.optimizer_cfg.get("type")
        if optimizer_type is None:
            raise OptimKeyError(
                f"optim_wrapper.optimizer must have a `type`, got {dict(self.optimizer_cfg)!r}."
            )
        if isinstance(optimizer_type, str):
            # Look the name up where building will: in the registry of the
            # current default scope (e.g. a downstream repo's child registry).
            with OPTIMIZERS.switch_scope_and_registry(None) as registry:
                optimizer_cls = registry.get(optimizer_type)
            if optimizer_cls is None:
                raise OptimKeyError(
                    f"Optimizer type {optimizer_type!r} is not registered in the OPTIMIZERS "
                    'registry. Use a torch.optim class name such as "SGD" or "AdamW", or '
                    "register your optimizer with @OPTIMIZERS.register_module()."
                )
            return optimizer_cls
        return optimizer_type

    def __call__(self, model: nn.Module) -> BaseOptimWrapper:
        """Build the optimizer wrapper for ``model``.

        Args:
            model (nn.Module): The model (model wrappers are unwrapped).

        Returns:
            OptimWrapper: The optimizer wrapper.
        """
        model = unwrap_model(model)
        optim_wrapper_cfg = self.optim_wrapper_cfg.copy()
        optim_wrapper_cfg.setdefault("type", "OptimWrapper")
        optimizer_cfg = self.optimizer_cfg.copy()
        optimizer_cls = self._optimizer_class()
        # Some optimizers (e.g. colossalai's HybridAdam) name their first
        # argument `model_params`: fill whatever the first argument is called.
        try:
            first_arg_name = next(iter(inspect.signature(optimizer_cls).parameters))
        except (TypeError, ValueError, StopIteration):
            first_arg_name = "params"
        if not self.paramwise_cfg:
            optimizer_cfg[first_arg_name] = model.parameters()
        else:
            params: list[dict] = []
            self.add_params(params, model)
            optimizer_cfg[first_arg_name] = params
        try:
            optimizer = OPTIMIZERS.build(optimizer_cfg)
        except Exception as exc:  # noqa: BLE001 - re-raised as it is, with the config named
            _add_note(
                exc,
                f"while building optimizer {_type_name(optimizer_cls)} from "
                f"optim_wrapper.optimizer={dict(self.optimizer_cfg)!r}",
            )
            raise
        return OPTIM_WRAPPERS.build(optim_wrapper_cfg, default_args=dict(optimizer=optimizer))
