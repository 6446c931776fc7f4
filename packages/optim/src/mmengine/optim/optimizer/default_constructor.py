"""DefaultOptimWrapperConstructor: optimizer + wrapper from config, paramwise."""

from __future__ import annotations

import inspect
import logging
import numbers
from typing import Any

import torch
import torch.nn as nn
from torch.nn import GroupNorm, LayerNorm
from torch.nn.modules.batchnorm import _BatchNorm
from torch.nn.modules.instancenorm import _InstanceNorm

from mmengine.logging import print_log
from mmengine.registry import OPTIM_WRAPPER_CONSTRUCTORS, OPTIM_WRAPPERS, OPTIMIZERS
from mmengine.utils import is_list_of  # noqa: F401  (upstream keeps this name here)
from mmengine.utils._messages import closest, did_you_mean
from mmengine.utils.dl_utils import mmcv_full_available  # noqa: F401  (upstream keeps this name here)

from ._errors import (
    OptimConfigTypeError,
    OptimKeyError,
    OptimKeyTypeError,
    OptimTypeError,
    OptimValueError,
)
from ._model_utils import is_wrapped_model
from .base import BaseOptimWrapper
from .optimizer_wrapper import (
    OptimWrapper,  # noqa: F401  (upstream keeps this name here)
    _add_note,
)

_MULT_KEYS = (
    "bias_lr_mult",
    "bias_decay_mult",
    "norm_decay_mult",
    "dwconv_decay_mult",
    "flat_decay_mult",
    "dcn_offset_lr_mult",
)
_PARAMWISE_KEYS = ("custom_keys", *_MULT_KEYS, "bypass_duplicate")


def _check_mult(value: Any, where: str) -> None:
    """A multiplier of paramwise_cfg must be a number >= 0 (0 freezes or removes decay)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise OptimTypeError(
            f"{where} must be a number (it multiplies the optimizer's lr or weight_decay), "
            f"but got {value!r} of type {type(value).__name__}."
        )
    if value < 0:
        raise OptimValueError(
            f"{where} must be >= 0, but got {value!r}: a negative multiplier gives a negative "
            "learning rate or weight decay (the parameters would move up the gradient). Use 0 "
            "to freeze the lr or to remove the weight decay."
        )


def _several_wrappers_hint(cfg: dict) -> str:
    values = list(cfg.values())
    if values and all(isinstance(v, dict) and "optimizer" in v for v in values):
        return (
            " Its values look like one optimizer wrapper config per model part: "
            "DefaultOptimWrapperConstructor builds one optimizer; several need a custom "
            "`constructor` that returns an OptimWrapperDict."
        )
    return ""


def _empty_params_note(model: nn.Module) -> str:
    total = sum(1 for _ in model.parameters())
    if total == 0:
        return (
            f"The model ({type(model).__name__}) has no parameters: check that its layers are "
            "created in __init__ and registered as attributes (nn.ModuleList, not a plain list)."
        )
    return (
        f"None of the {total} parameters of the model ({type(model).__name__}) has "
        "requires_grad=True: every parameter is frozen, so there is nothing to optimize. "
        "Unfreeze the parameters to train (e.g. check `frozen_stages` or requires_grad_)."
    )


def _check_optimizer_cfg(optimizer_cfg: Any) -> None:
    if isinstance(optimizer_cfg, dict):
        return
    if isinstance(optimizer_cfg, torch.optim.Optimizer):
        name = type(optimizer_cfg).__name__
        raise OptimConfigTypeError(
            f"optim_wrapper.optimizer must be a config dict such as dict(type={name!r}, "
            f"lr=0.01), but got a built {name} optimizer. Give its config instead, or wrap the "
            "built optimizer yourself, `OptimWrapper(optimizer=...)`, and pass that wrapper as "
            "`optim_wrapper`."
        )
    raise OptimConfigTypeError(
        "optim_wrapper.optimizer must be a config dict such as dict(type='SGD', lr=0.01), "
        f"but got {optimizer_cfg!r} of type {type(optimizer_cfg).__name__}."
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
        >>> import torch
        >>> from mmengine.optim import DefaultOptimWrapperConstructor
        >>> model = torch.nn.Conv1d(1, 1, 1)
        >>> constructor = DefaultOptimWrapperConstructor(
        ...     dict(type='OptimWrapper', optimizer=dict(
        ...         type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4)),
        ...     paramwise_cfg=dict(norm_decay_mult=0.))
        >>> optim_wrapper = constructor(model)
        >>> optim_wrapper.get_lr()
        {'base_lr': [0.01], 'lr': [0.01, 0.01]}
    """

    def __init__(self, optim_wrapper_cfg: dict, paramwise_cfg: dict | None = None) -> None:
        if not isinstance(optim_wrapper_cfg, dict):
            hint = (
                " Pass the `optim_wrapper` part of the config (`cfg.optim_wrapper`, a ConfigDict)."
                if type(optim_wrapper_cfg).__name__ == "Config"
                else ""
            )
            raise OptimTypeError(
                f"optimizer_cfg should be a dict, but got {type(optim_wrapper_cfg)}.{hint}"
            )
        if "optimizer" not in optim_wrapper_cfg:
            raise OptimKeyError(
                '`optim_wrapper_cfg` must contain "optimizer" config, e.g. '
                "optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)); got keys "
                f"{list(optim_wrapper_cfg)}.{_several_wrappers_hint(optim_wrapper_cfg)}"
            )
        self.optim_wrapper_cfg = optim_wrapper_cfg.copy()
        self.optimizer_cfg = self.optim_wrapper_cfg.pop("optimizer")
        _check_optimizer_cfg(self.optimizer_cfg)
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
        for name in _MULT_KEYS:
            if name in self.paramwise_cfg:
                _check_mult(self.paramwise_cfg[name], f"paramwise_cfg.{name}")
        if "custom_keys" in self.paramwise_cfg:
            custom_keys = self.paramwise_cfg["custom_keys"]
            if not isinstance(custom_keys, dict):
                raise TypeError(
                    f"If specified, custom_keys must be a dict, but got {type(custom_keys)}"
                )
            for key, options in custom_keys.items():
                if not isinstance(options, dict):
                    raise OptimConfigTypeError(
                        f"paramwise_cfg.custom_keys[{key!r}] must be a dict of options for the "
                        "parameters whose name contains the key, e.g. "
                        f"custom_keys={{{key!r}: dict(lr_mult=0.1, decay_mult=1.0)}}, "
                        f"but got {options!r}."
                    )
                for name in ("lr_mult", "decay_mult"):
                    if name in options:
                        _check_mult(options[name], f"paramwise_cfg.custom_keys[{key!r}].{name}")
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
        if type(self) is DefaultOptimWrapperConstructor:
            # Subclasses read keys of their own from paramwise_cfg (layer-wise decay, ...).
            self._warn_unknown_keys()

    def _warn_unknown_keys(self) -> None:
        """Warn about paramwise_cfg keys this constructor ignores (typos)."""
        for key in self.paramwise_cfg:
            if key in _PARAMWISE_KEYS:
                continue
            hint = did_you_mean(key, _PARAMWISE_KEYS)
            print_log(
                f"paramwise_cfg key {key!r} is not an option of DefaultOptimWrapperConstructor "
                f"and is ignored.{hint} Its options are: {', '.join(_PARAMWISE_KEYS)}.",
                logger="current",
                level=logging.WARNING,
            )
        # Options of custom_keys that are neither lr_mult/decay_mult nor an option of the
        # optimizer go into the param group unused: warn when they look like a typo.
        known = {"lr_mult", "decay_mult"} | set(self._optimizer_defaults())
        for key, options in self.paramwise_cfg.get("custom_keys", {}).items():
            for name in options:
                if name in known:
                    continue
                close = closest(name, sorted(known))
                if close:
                    print_log(
                        f"paramwise_cfg.custom_keys[{key!r}] sets {name!r}, which is neither "
                        "`lr_mult`/`decay_mult` nor an option of the optimizer: it is stored "
                        f"in the param group and has no effect. Did you mean {close[0]!r}?",
                        logger="current",
                        level=logging.WARNING,
                    )

    def _optimizer_defaults(self) -> list[str]:
        """Names of the optimizer's constructor arguments (empty when unknown)."""
        try:
            optimizer_cls = self._optimizer_class()
            return list(inspect.signature(optimizer_cls).parameters)
        except Exception:  # noqa: BLE001 - only used to suggest names; building reports errors
            return []

    def _lr(self, mult: Any, key: str) -> Any:
        """``base_lr * mult``, explaining a missing or non-numeric ``lr``."""
        try:
            return self.base_lr * mult
        except TypeError as exc:
            raise OptimTypeError(
                f"{exc}: paramwise_cfg.{key}={mult!r} multiplies the `lr` of "
                f"optim_wrapper.optimizer, which is {self.base_lr!r}. Give the optimizer "
                "config a numeric `lr`, e.g. optimizer=dict(type='SGD', lr=0.01)."
            ) from None

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
                    param_group["lr"] = self._lr(lr_mult, f"custom_keys[{key!r}].lr_mult")
                    if self.base_wd is not None:
                        decay_mult = custom_keys[key].get("decay_mult", 1.0)
                        param_group["weight_decay"] = self.base_wd * decay_mult
                    for k, v in custom_keys[key].items():
                        param_group[k] = v
                    break

            if not is_custom:
                if name == "bias" and not (is_norm or is_dcn_module):
                    if bias_lr_mult is not None:
                        param_group["lr"] = self._lr(bias_lr_mult, "bias_lr_mult")

                if (
                    prefix.find("conv_offset") != -1
                    and is_dcn_module
                    and dcn_offset_lr_mult is not None
                    and isinstance(module, torch.nn.Conv2d)
                ):
                    param_group["lr"] = self._lr(dcn_offset_lr_mult, "dcn_offset_lr_mult")

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

    def _warn_unmatched_custom_keys(self, model: nn.Module) -> None:
        """Warn about custom_keys that match the name of no parameter (typos)."""
        custom_keys = self.paramwise_cfg.get("custom_keys") or {}
        if not custom_keys:
            return
        # Matched as add_params does: against "<module prefix>.<parameter name>".
        names = []
        for module_name, module in model.named_modules():
            for name, _ in module.named_parameters(recurse=False):
                names.append(f"{module_name}.{name}")
        for key in custom_keys:
            if any(key in name for name in names):
                continue
            close = closest(
                key, sorted({part for n in names for part in n.split(".") if part}), n=3
            )
            hint = f" Close parameter name parts: {close}." if close else ""
            # A shipped config may share keys between model variants (Swin's
            # 'absolute_pos_embed' without absolute position embeddings): only a key close to
            # a real name, probably misspelt, is a warning; any other is a debug line.
            print_log(
                f"paramwise_cfg.custom_keys[{key!r}] matches no parameter of "
                f"{type(model).__name__}, so its options are not applied.{hint} A key applies "
                "to the parameters whose full name (e.g. 'backbone.layer1.0.conv1.weight') "
                "contains it.",
                logger="current",
                level=logging.WARNING if close else logging.DEBUG,
            )

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
                raise OptimKeyTypeError(
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
        if not isinstance(model, nn.Module):
            raise OptimConfigTypeError(
                f"{type(self).__name__}: the model to optimize must be an nn.Module, but got "
                f"{type(model).__name__}."
            )
        model = _unwrap(model)
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
            if type(self).add_params is DefaultOptimWrapperConstructor.add_params:
                self._warn_unmatched_custom_keys(model)
        try:
            optimizer = OPTIMIZERS.build(optimizer_cfg)
        except Exception as exc:  # noqa: BLE001 - re-raised as it is, with the config named
            _add_note(
                exc,
                f"while building optimizer {_type_name(optimizer_cls)} from "
                f"optim_wrapper.optimizer={dict(self.optimizer_cfg)!r}",
            )
            if isinstance(exc, ValueError) and "empty parameter list" in str(exc):
                _add_note(exc, _empty_params_note(model))
            raise
        return OPTIM_WRAPPERS.build(optim_wrapper_cfg, default_args=dict(optimizer=optimizer))


def _unwrap(model: nn.Module) -> nn.Module:
    """The model inside a wrapper: ``model.module`` when ``model`` is a registered wrapper or
    holds no parameter outside ``module`` (an unregistered wrapper, as 0.10 unwraps: zoo
    constructors such as mmdet's layer decay look up ``model.backbone``).

    A model that merely has a child named ``module`` besides parameters of its own is kept
    whole (0.10 would optimize ``module``'s parameters only), with a warning.
    """
    inner = getattr(model, "module", None)
    if not isinstance(inner, nn.Module):
        return model
    if is_wrapped_model(model):
        return inner
    inner_params = {id(p) for p in inner.parameters()}
    outside = [n for n, p in model.named_parameters() if id(p) not in inner_params]
    if not outside:
        return inner
    print_log(
        f"{type(model).__name__} has a child named `module` and parameters outside it "
        f"({', '.join(outside[:3])}{', ...' if len(outside) > 3 else ''}): all of them are "
        "optimized (mmengine 0.10 optimized only `module`'s, taking the model for a wrapper).",
        logger="current",
        level=logging.WARNING,
    )
    return model
