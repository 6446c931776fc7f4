"""DefaultOptimWrapperConstructor and build_optim_wrapper with paramwise_cfg."""

import pytest
import torch
import torch.nn as nn

from mmengine.optim import (
    AmpOptimWrapper,
    DefaultOptimWrapperConstructor,
    OptimWrapper,
    build_optim_wrapper,
)
from mmengine.optim.optimizer import default_constructor
from mmengine.registry import OPTIM_WRAPPER_CONSTRUCTORS


class ToyModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.ModuleDict(dict(layer0=nn.Linear(1, 1), layer1=nn.Linear(1, 1)))
        self.conv = nn.Conv2d(3, 4, 3)
        self.dwconv = nn.Conv2d(4, 4, 3, groups=4)
        self.bn = nn.BatchNorm2d(4)
        self.head = nn.Linear(4, 2)


BASE_LR, BASE_WD = 0.01, 1e-4


def _groups(paramwise_cfg, model=None, **optimizer):
    model = model or ToyModel()
    cfg = dict(
        optimizer=dict(type="SGD", lr=BASE_LR, weight_decay=BASE_WD, momentum=0.9, **optimizer),
        paramwise_cfg=paramwise_cfg,
    )
    wrapper = build_optim_wrapper(model, cfg)
    names = {p: n for n, p in model.named_parameters()}
    return wrapper, {names[g["params"][0]]: g for g in wrapper.optimizer.param_groups}


def test_without_paramwise_cfg_one_group():
    model = ToyModel()
    wrapper = build_optim_wrapper(model, dict(optimizer=dict(type="SGD", lr=0.01)))
    assert type(wrapper) is OptimWrapper
    assert len(wrapper.optimizer.param_groups) == 1
    assert wrapper.get_lr() == {"lr": [0.01]}


def test_wrapper_type_and_wrapper_args_from_cfg():
    wrapper = build_optim_wrapper(
        nn.Linear(1, 1),
        dict(
            type="AmpOptimWrapper",
            dtype="bfloat16",
            accumulative_counts=2,
            clip_grad=dict(max_norm=1.0),
            optimizer=dict(type="AdamW", lr=1e-3),
        ),
    )
    assert isinstance(wrapper, AmpOptimWrapper)
    assert wrapper.accumulative_counts == 2
    assert isinstance(wrapper.optimizer, torch.optim.AdamW)


def test_multipliers():
    wrapper, groups = _groups(
        dict(
            bias_lr_mult=2.0,
            bias_decay_mult=0.5,
            norm_decay_mult=0.0,
            dwconv_decay_mult=0.1,
            flat_decay_mult=0.3,
        )  # fmt: skip
    )
    assert groups["conv.bias"]["lr"] == BASE_LR * 2
    assert groups["conv.bias"]["weight_decay"] == BASE_WD * 0.5
    assert "lr" not in groups["conv.weight"] or groups["conv.weight"]["lr"] == BASE_LR
    assert groups["bn.weight"]["weight_decay"] == 0.0
    assert groups["bn.bias"]["weight_decay"] == 0.0
    assert "lr" not in groups["bn.bias"] or groups["bn.bias"]["lr"] == BASE_LR  # norm bias
    assert groups["dwconv.weight"]["weight_decay"] == pytest.approx(BASE_WD * 0.1)
    assert groups["dwconv.bias"]["weight_decay"] == BASE_WD * 0.5  # bias rule first
    assert len(wrapper.optimizer.param_groups) == len(list(ToyModel().parameters()))
    assert wrapper.get_lr()["base_lr"] == [BASE_LR]


def test_flat_decay_mult_applies_to_1d_params():
    _, groups = _groups(dict(flat_decay_mult=0.0))
    assert groups["conv.bias"]["weight_decay"] == 0.0
    assert groups["bn.weight"]["weight_decay"] == 0.0
    assert groups["conv.weight"]["weight_decay"] == BASE_WD


def test_custom_keys_longest_match_wins_and_overrides_rules():
    _, groups = _groups(
        dict(
            bias_lr_mult=10.0,
            custom_keys={
                "backbone.layer0": dict(lr_mult=0, decay_mult=0),
                "backbone": dict(lr_mult=1),
                "head": dict(lr_mult=0.1),
            },
        )
    )
    assert groups["backbone.layer0.weight"]["lr"] == 0
    assert groups["backbone.layer0.weight"]["weight_decay"] == 0
    assert groups["backbone.layer0.weight"]["lr_mult"] == 0
    assert groups["backbone.layer1.bias"]["lr"] == BASE_LR  # custom key beats bias_lr_mult
    assert groups["head.weight"]["lr"] == pytest.approx(BASE_LR * 0.1)
    assert groups["head.bias"]["lr"] == pytest.approx(BASE_LR * 0.1)
    assert groups["conv.bias"]["lr"] == pytest.approx(BASE_LR * 10)


def test_custom_keys_equal_length_alphabetical():
    _, groups = _groups(dict(custom_keys={"layer1": dict(lr_mult=2), "layer0": dict(lr_mult=3)}))
    assert groups["backbone.layer0.weight"]["lr"] == pytest.approx(BASE_LR * 3)
    model = nn.Sequential()
    model.add_module("ab", nn.Linear(1, 1))
    _, groups = _groups(dict(custom_keys={"a": dict(lr_mult=2), "b": dict(lr_mult=3)}), model)
    assert groups["ab.weight"]["lr"] == pytest.approx(BASE_LR * 2)


def test_frozen_and_duplicate_params():
    model = ToyModel()
    model.head.weight.requires_grad_(False)
    _, groups = _groups(dict(norm_decay_mult=0.0), model)
    assert "head.weight" not in groups and "head.bias" in groups

    shared = nn.Linear(1, 1)
    model = nn.Sequential(shared, shared)
    model.add_module("extra", nn.Linear(1, 1))
    model.extra.weight = shared.weight
    wrapper, groups = _groups(dict(bypass_duplicate=True), model)
    assert sum(len(g["params"]) for g in wrapper.optimizer.param_groups) == 3


def test_validation_errors():
    with pytest.raises(TypeError):
        DefaultOptimWrapperConstructor([])
    with pytest.raises((KeyError, AssertionError)):
        DefaultOptimWrapperConstructor(dict(type="OptimWrapper"))
    with pytest.raises(TypeError):
        DefaultOptimWrapperConstructor(dict(optimizer=dict(type="SGD", lr=0.1)), paramwise_cfg=[])
    with pytest.raises(TypeError):
        DefaultOptimWrapperConstructor(
            dict(optimizer=dict(type="SGD", lr=0.1)), dict(custom_keys=[1])
        )
    with pytest.raises(ValueError, match="weight_decay"):
        DefaultOptimWrapperConstructor(
            dict(optimizer=dict(type="SGD", lr=0.1)), dict(norm_decay_mult=0)
        )
    with pytest.raises(ValueError, match="weight_decay"):
        DefaultOptimWrapperConstructor(
            dict(optimizer=dict(type="SGD", lr=0.1)), dict(custom_keys={"a": dict(decay_mult=0)})
        )
    with pytest.raises(KeyError, match="NoSuchOptim"):
        build_optim_wrapper(nn.Linear(1, 1), dict(optimizer=dict(type="NoSuchOptim", lr=0.1)))


def test_model_wrapper_is_unwrapped_but_module_attribute_is_not(monkeypatch):
    inner = nn.Linear(2, 2)
    dp = nn.DataParallel(inner)
    wrapper = build_optim_wrapper(
        dp,
        dict(
            optimizer=dict(type="SGD", lr=0.1, weight_decay=1e-4),
            paramwise_cfg=dict(custom_keys={"weight": dict(lr_mult=0.5)}),
        ),  # fmt: skip
    )
    params = [g["params"][0] for g in wrapper.optimizer.param_groups]
    assert params[0] is inner.weight

    class HasModuleChild(nn.Module):
        def __init__(self):
            super().__init__()
            self.module = nn.Linear(1, 1)
            self.other = nn.Linear(1, 1)

    messages = []
    monkeypatch.setattr(default_constructor, "print_log", lambda msg, **kw: messages.append(msg))
    model = HasModuleChild()
    wrapper = build_optim_wrapper(model, dict(optimizer=dict(type="SGD", lr=0.1)))
    n_params = sum(len(g["params"]) for g in wrapper.optimizer.param_groups)
    assert n_params == 4  # 0.10 optimizes `module` only: 2
    assert "parameters outside it (other.weight, other.bias)" in messages[0]


def test_unregistered_wrapper_is_unwrapped_for_paramwise_constructors():
    """mmdet's layer-decay test: a hand-made wrapper (not in MODEL_WRAPPERS) holding the
    model as ``module`` reaches ``add_params`` unwrapped, as in 0.10."""

    class PseudoDataParallel(nn.Module):
        def __init__(self, module):
            super().__init__()
            self.module = module

    seen = []

    class Recording(DefaultOptimWrapperConstructor):
        def add_params(self, params, module, **kwargs):
            seen.append(module)
            super().add_params(params, module, **kwargs)

    model = ToyModel()
    constructor = Recording(
        dict(optimizer=dict(type="SGD", lr=0.1, weight_decay=1e-4)),
        paramwise_cfg=dict(norm_decay_mult=0.0),
    )
    wrapper = constructor(PseudoDataParallel(model))
    assert seen[0] is model
    names = {p: n for n, p in model.named_parameters()}
    assert {names[g["params"][0]] for g in wrapper.optimizer.param_groups} == set(
        dict(model.named_parameters())
    )


def test_custom_constructor_from_registry():
    @OPTIM_WRAPPER_CONSTRUCTORS.register_module(force=True)
    class HalfLRConstructor(DefaultOptimWrapperConstructor):
        def __call__(self, model):
            self.optimizer_cfg["lr"] = self.optimizer_cfg["lr"] / 2
            return super().__call__(model)

    wrapper = build_optim_wrapper(
        nn.Linear(1, 1),
        dict(constructor="HalfLRConstructor", optimizer=dict(type="SGD", lr=0.2)),
    )
    assert wrapper.get_lr() == {"lr": [0.1]}


def test_build_from_config_object():
    from mmengine.config import Config

    cfg = Config(
        dict(
            optim_wrapper=dict(
                type="OptimWrapper",
                optimizer=dict(type="AdamW", lr=1e-3, weight_decay=0.05),
                paramwise_cfg=dict(norm_decay_mult=0.0),
            )
        )
    )
    model = nn.Sequential(nn.Linear(2, 2), nn.LayerNorm(2))
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    decays = [g["weight_decay"] for g in wrapper.optimizer.param_groups]
    assert decays == [0.05, 0.05, 0.0, 0.0]
    # The config itself is not modified.
    assert "paramwise_cfg" in cfg.optim_wrapper
