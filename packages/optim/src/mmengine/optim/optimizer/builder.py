"""Register optimizers into OPTIMIZERS and build optimizer wrappers."""

from __future__ import annotations

import copy
import importlib
import importlib.util
import inspect
from collections.abc import Mapping
from typing import Any

import torch
import torch.nn as nn

from mmengine.config import Config, ConfigDict  # noqa: F401  (upstream keeps this name here)
from mmengine.device import is_npu_available, is_npu_support_full_precision
from mmengine.registry import OPTIM_WRAPPER_CONSTRUCTORS, OPTIMIZERS

from ._errors import OptimConfigTypeError
from .base import BaseOptimWrapper
from .optimizer_wrapper import OptimWrapper  # noqa: F401  (upstream keeps this name here)


def _is_optimizer_class(obj: Any) -> bool:
    return inspect.isclass(obj) and issubclass(obj, torch.optim.Optimizer)


def _register(cls: type, name: str | None = None) -> str:
    name = name or cls.__name__
    OPTIMIZERS.register_module(name=name, module=cls, force=True)
    return name


def _installed(package: str) -> bool:
    try:
        return importlib.util.find_spec(package) is not None
    except (ImportError, ValueError):
        return False


def register_torch_optimizers() -> list[str]:
    """Register every optimizer class of ``torch.optim`` into OPTIMIZERS.

    ``torch.optim.Adafactor`` is registered as ``'TorchAdafactor'`` so that
    ``'Adafactor'`` keeps meaning the transformers optimizer.

    Returns:
        list[str]: Names of the registered optimizers.
    """
    torch_optimizers = []
    for module_name in dir(torch.optim):
        if module_name.startswith("__"):
            continue
        _optim = getattr(torch.optim, module_name)
        if _is_optimizer_class(_optim):
            name = "TorchAdafactor" if module_name == "Adafactor" else module_name
            _register(_optim, name)
            torch_optimizers.append(module_name)
    return torch_optimizers


TORCH_OPTIMIZERS = register_torch_optimizers()


def register_torch_npu_optimizers() -> list[str]:
    """Register the optimizers of ``torch_npu.optim`` (Ascend) when available.

    Returns:
        list[str]: Names of the registered optimizers.
    """
    if not _installed("torch_npu"):
        return []
    try:
        from mmengine.device import is_npu_available
    except ImportError:  # pragma: no cover
        return []
    if not is_npu_available():
        return []
    import torch_npu  # workspace: optional

    if not hasattr(torch_npu, "optim"):
        return []
    registered = []
    for module_name in dir(torch_npu.optim):
        _optim = getattr(torch_npu.optim, module_name)
        if module_name.startswith("__") or module_name in OPTIMIZERS:
            continue
        if _is_optimizer_class(_optim):
            registered.append(_register(_optim, module_name))
    return registered


NPU_OPTIMIZERS = register_torch_npu_optimizers()


def register_dadaptation_optimizers() -> list[str]:
    """Register ``dadaptation``'s DAdaptAdaGrad/DAdaptAdam/DAdaptSGD if installed.

    Returns:
        list[str]: Names of the registered optimizers.
    """
    if not _installed("dadaptation"):
        return []
    import dadaptation  # workspace: optional

    registered = []
    for module_name in ["DAdaptAdaGrad", "DAdaptAdam", "DAdaptSGD"]:
        _optim = getattr(dadaptation, module_name, None)
        if _is_optimizer_class(_optim):
            registered.append(_register(_optim, module_name))
    return registered


DADAPTATION_OPTIMIZERS = register_dadaptation_optimizers()


def register_lion_optimizers() -> list[str]:
    """Register ``lion_pytorch.Lion`` if installed.

    Returns:
        list[str]: Names of the registered optimizers.
    """
    if not _installed("lion_pytorch"):
        return []
    from lion_pytorch import Lion  # workspace: optional

    return [_register(Lion, "Lion")]


LION_OPTIMIZERS = register_lion_optimizers()


def register_sophia_optimizers() -> list[str]:
    """Register the optimizers of the ``Sophia`` package if installed.

    Returns:
        list[str]: Names of the registered optimizers.
    """
    if not _installed("Sophia"):
        return []
    sophia = importlib.import_module("Sophia")
    registered = []
    for module_name in dir(sophia):
        _optim = getattr(sophia, module_name)
        if _is_optimizer_class(_optim):
            registered.append(_register(_optim, module_name))
    return registered


SOPHIA_OPTIMIZERS = register_sophia_optimizers()


def register_deepspeed_optimizers() -> list[str]:
    """Register DeepSpeed's fused and one-bit optimizers if installed.

    Returns:
        list[str]: Names of the registered optimizers.
    """
    if not _installed("deepspeed"):
        return []
    import importlib

    # Each family on its own: DeepSpeed releases move or drop modules (0.19 has no
    # deepspeed.runtime.fp16.onebit), and one missing family must not break the others.
    families = {
        "deepspeed.ops.adam": ("DeepSpeedCPUAdam", "FusedAdam"),
        "deepspeed.ops.lamb": ("FusedLamb",),
        "deepspeed.runtime.fp16.onebit": ("OnebitAdam", "OnebitLamb", "ZeroOneAdam"),
    }
    registered = []
    for module_name, names in families.items():
        try:
            module = importlib.import_module(module_name)
        except Exception:  # noqa: BLE001 - an optional family that this release lacks
            continue
        for name in names:
            cls = getattr(module, name, None)
            if _is_optimizer_class(cls):
                registered.append(_register(cls))
    return registered


DEEPSPEED_OPTIMIZERS = register_deepspeed_optimizers()


def register_bitsandbytes_optimizers() -> list[str]:
    """Register ``bitsandbytes.optim`` optimizers (8-bit, paged) if installed.

    Names clashing with already registered optimizers get a ``bnb_`` prefix,
    e.g. ``bnb_Adagrad``.

    Returns:
        list[str]: Names of the registered optimizers.
    """
    if not _installed("bitsandbytes"):
        return []
    import bitsandbytes as bnb  # workspace: optional

    registered = []
    for name, optim_cls in inspect.getmembers(bnb.optim, _is_optimizer_class):
        if name in OPTIMIZERS:
            name = f"bnb_{name}"
        registered.append(_register(optim_cls, name))
    return registered


BITSANDBYTES_OPTIMIZERS = register_bitsandbytes_optimizers()


def register_transformers_optimizers() -> list[str]:
    """Register ``transformers.Adafactor`` as ``'Adafactor'`` if installed.

    Returns:
        list[str]: Names of the registered optimizers.
    """
    if not _installed("transformers"):
        return []
    try:
        from transformers import Adafactor
    except ImportError:
        return []
    return [_register(Adafactor, "Adafactor")]


TRANSFORMERS_OPTIMIZERS = register_transformers_optimizers()


def build_optim_wrapper(model: nn.Module, cfg: dict) -> BaseOptimWrapper:
    """Build an optimizer wrapper for ``model`` from a config.

    ``cfg`` is the ``optim_wrapper`` config: the wrapper ``type`` (defaults to
    ``'OptimWrapper'``), ``optimizer=dict(type=..., lr=...)``, optional
    ``paramwise_cfg`` and optional ``constructor`` (a registered optimizer
    wrapper constructor, ``'DefaultOptimWrapperConstructor'`` by default).

    Args:
        model (nn.Module): Model to be optimized.
        cfg (dict or Config or ConfigDict): Config of the optimizer wrapper,
            its constructor and the optimizer.

    Returns:
        OptimWrapper: The built optimizer wrapper.

    Examples:
        >>> import torch.nn as nn
        >>> from mmengine.optim import build_optim_wrapper
        >>> optim_wrapper = build_optim_wrapper(
        ...     nn.Linear(2, 2), dict(optimizer=dict(type='SGD', lr=0.01)))
        >>> type(optim_wrapper).__name__, type(optim_wrapper.optimizer).__name__
        ('OptimWrapper', 'SGD')
    """
    if isinstance(cfg, BaseOptimWrapper):
        raise OptimConfigTypeError(
            "build_optim_wrapper: `cfg` is already a built optimizer wrapper "
            f"({type(cfg).__name__}); use it as it is instead of building it again."
        )
    if not isinstance(cfg, (Mapping, Config)):
        raise OptimConfigTypeError(
            "build_optim_wrapper: `cfg` (the `optim_wrapper` config) must be a dict such as "
            f"dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.01)), but got {cfg!r}."
        )
    optim_wrapper_cfg = copy.deepcopy(cfg)
    constructor_type = optim_wrapper_cfg.pop("constructor", "DefaultOptimWrapperConstructor")
    paramwise_cfg = optim_wrapper_cfg.pop("paramwise_cfg", None)

    # Some NPUs only train in mixed precision. The module globals are called (a constant
    # probe, no import), so tests may patch `builder.is_npu_available` as they do on 0.10.
    if is_npu_available() and not is_npu_support_full_precision():
        optim_wrapper_cfg["type"] = "AmpOptimWrapper"

    optim_wrapper_constructor = OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(
            type=constructor_type,
            optim_wrapper_cfg=optim_wrapper_cfg,
            paramwise_cfg=paramwise_cfg,
        )
    )
    return optim_wrapper_constructor(model)
