"""Upstream import paths and registrations keep working."""

import importlib

import pytest
import torch
import torch.nn as nn

import mmengine.optim as optim
from mmengine.registry import MODEL_WRAPPERS, OPTIM_WRAPPERS, PARAM_SCHEDULERS

UPSTREAM_NAMES = """
OPTIM_WRAPPER_CONSTRUCTORS OPTIMIZERS build_optim_wrapper DefaultOptimWrapperConstructor
ConstantLR CosineAnnealingLR ExponentialLR LinearLR MultiStepLR StepLR ConstantMomentum
CosineAnnealingMomentum ExponentialMomentum LinearMomentum MultiStepMomentum StepMomentum
ConstantParamScheduler CosineAnnealingParamScheduler ExponentialParamScheduler
LinearParamScheduler MultiStepParamScheduler StepParamScheduler _ParamScheduler OptimWrapper
AmpOptimWrapper ApexOptimWrapper OptimWrapperDict OneCycleParamScheduler OneCycleLR PolyLR
PolyMomentum PolyParamScheduler ReduceOnPlateauLR ReduceOnPlateauMomentum
ReduceOnPlateauParamScheduler ZeroRedundancyOptimizer BaseOptimWrapper CosineRestartLR
CosineRestartMomentum CosineRestartParamScheduler
""".split()


def test_all_upstream_names_exported():
    for name in UPSTREAM_NAMES:
        assert name in optim.__all__, name
        assert hasattr(optim, name), name


@pytest.mark.parametrize(
    "module, name",
    [
        ("mmengine.optim.optimizer.optimizer_wrapper", "OptimWrapper"),
        ("mmengine.optim.optimizer.amp_optimizer_wrapper", "AmpOptimWrapper"),
        ("mmengine.optim.optimizer.optimizer_wrapper_dict", "OptimWrapperDict"),
        ("mmengine.optim.optimizer.base", "BaseOptimWrapper"),
        ("mmengine.optim.optimizer.default_constructor", "DefaultOptimWrapperConstructor"),
        ("mmengine.optim.optimizer.builder", "build_optim_wrapper"),
        ("mmengine.optim.optimizer.zero_optimizer", "ZeroRedundancyOptimizer"),
        ("mmengine.optim.optimizer.apex_optimizer_wrapper", "ApexOptimWrapper"),
        ("mmengine.optim.scheduler.lr_scheduler", "LinearLR"),
        ("mmengine.optim.scheduler.momentum_scheduler", "CosineAnnealingMomentum"),
        ("mmengine.optim.scheduler.param_scheduler", "OneCycleParamScheduler"),
        ("mmengine.optim.scheduler", "MultiStepLR"),
        ("mmengine.optim.optimizer", "OptimWrapper"),
    ],
)
def test_deep_import_paths(module, name):
    obj = getattr(importlib.import_module(module), name)
    assert obj is getattr(optim, name)


def test_registrations():
    for name in ("OptimWrapper", "AmpOptimWrapper", "ApexOptimWrapper"):
        assert OPTIM_WRAPPERS.get(name) is getattr(optim, name)
    scheduler_names = [n for n in UPSTREAM_NAMES if n.endswith(("LR", "Momentum", "Scheduler"))]
    for name in scheduler_names:
        if name != "_ParamScheduler":
            assert PARAM_SCHEDULERS.get(name) is getattr(optim, name), name


def test_classes_pickle_by_upstream_path():
    assert optim.LinearLR.__module__ == "mmengine.optim.scheduler.lr_scheduler"
    assert optim.OptimWrapper.__module__ == "mmengine.optim.optimizer.optimizer_wrapper"


def test_registered_model_wrapper_is_unwrapped():
    @MODEL_WRAPPERS.register_module(force=True)
    class _TestOptimModelWrapper(nn.Module):
        def __init__(self, module):
            super().__init__()
            self.module = module

    inner = nn.Linear(1, 1)
    wrapped = _TestOptimModelWrapper(inner)
    wrapper = optim.build_optim_wrapper(
        wrapped,
        dict(optimizer=dict(type="SGD", lr=0.1), paramwise_cfg=dict(bias_lr_mult=2.0)),
    )
    groups = wrapper.optimizer.param_groups
    assert groups[1]["params"][0] is inner.bias and groups[1]["lr"] == 0.2
    assert isinstance(wrapper.optimizer, torch.optim.SGD)


@pytest.mark.parametrize(
    "module, name, source",
    [
        ("mmengine.optim.optimizer.amp_optimizer_wrapper", "is_cuda_available", "mmengine.device"),
        ("mmengine.optim.optimizer.amp_optimizer_wrapper", "is_npu_available", "mmengine.device"),
        ("mmengine.optim.optimizer.amp_optimizer_wrapper", "is_mlu_available", "mmengine.device"),
        ("mmengine.optim.optimizer.amp_optimizer_wrapper", "is_musa_available", "mmengine.device"),
        ("mmengine.optim.optimizer.amp_optimizer_wrapper", "digit_version", "mmengine.utils"),
        (
            "mmengine.optim.optimizer.amp_optimizer_wrapper",
            "TORCH_VERSION",
            "mmengine.utils.dl_utils",
        ),
        ("mmengine.optim.optimizer.builder", "Config", "mmengine.config"),
        ("mmengine.optim.optimizer.builder", "ConfigDict", "mmengine.config"),
        ("mmengine.optim.optimizer.builder", "OptimWrapper", "mmengine.optim"),
        ("mmengine.optim.optimizer.builder", "is_npu_available", "mmengine.device"),
        ("mmengine.optim.optimizer.builder", "is_npu_support_full_precision", "mmengine.device"),
        ("mmengine.optim.optimizer.default_constructor", "OptimWrapper", "mmengine.optim"),
        ("mmengine.optim.optimizer.default_constructor", "is_list_of", "mmengine.utils"),
        (
            "mmengine.optim.optimizer.default_constructor",
            "mmcv_full_available",
            "mmengine.utils.dl_utils",
        ),
        ("mmengine.optim.optimizer.zero_optimizer", "digit_version", "mmengine.utils"),
        ("mmengine.optim.optimizer.zero_optimizer", "TORCH_VERSION", "mmengine.utils.dl_utils"),
    ],
)
def test_module_globals_downstream_imports_or_patches(module, name, source):
    # e.g. tests patch `mmengine.optim.optimizer.builder.is_npu_available`
    assert getattr(importlib.import_module(module), name) is getattr(
        importlib.import_module(source), name
    )
