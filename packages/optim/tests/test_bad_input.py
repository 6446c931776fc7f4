"""Bad configs and misuse of the optimizer wrappers and schedulers: the error keeps the
class 0.10 raised (its sentence first where it had one) and says what to fix; silent
misconfigurations (typos, keys that match nothing) are rejected or warned about when built."""

from __future__ import annotations

import logging

import pytest
import torch
from torch import nn

from mmengine.optim import (
    AmpOptimWrapper,
    DefaultOptimWrapperConstructor,
    OptimWrapper,
    OptimWrapperDict,
    build_optim_wrapper,
)
from mmengine.optim.optimizer import default_constructor
from mmengine.optim.scheduler import param_scheduler
from mmengine.registry import PARAM_SCHEDULERS


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.backbone = nn.Conv2d(3, 4, 3)
        self.bn = nn.BatchNorm2d(4)
        self.head = nn.Linear(4, 2)


def sgd_cfg(**kwargs) -> dict:
    return dict(optimizer=dict(type="SGD", lr=0.1), **kwargs)


def linear_wrapper(**kwargs) -> OptimWrapper:
    return OptimWrapper(torch.optim.SGD(nn.Linear(2, 1).parameters(), lr=0.1), **kwargs)


@pytest.fixture
def warnings_logged(monkeypatch):
    messages: list[str] = []
    monkeypatch.setattr(
        default_constructor, "print_log", lambda msg, **kw: messages.append(str(msg))
    )
    return messages


# ---------------------------------------------------------------- build_optim_wrapper
@pytest.mark.parametrize(
    "optimizer, expected",
    [
        (None, "got None of type NoneType"),
        ("SGD", "got 'SGD' of type str"),
        (torch.optim.SGD(nn.Linear(1, 1).parameters(), lr=0.1), "got a built SGD optimizer"),
    ],
)
def test_optimizer_that_is_not_a_config_dict(optimizer, expected):
    # 0.10: AttributeError "'NoneType' object has no attribute 'get'"
    with pytest.raises(AttributeError, match="optim_wrapper.optimizer must be a config dict") as e:
        build_optim_wrapper(Net(), dict(optimizer=optimizer))
    assert isinstance(e.value, TypeError)
    assert expected in str(e.value)


def test_a_built_optimizer_says_how_to_use_it():
    optimizer = torch.optim.SGD(nn.Linear(1, 1).parameters(), lr=0.1)
    with pytest.raises(AttributeError, match=r"OptimWrapper\(optimizer=\.\.\.\)"):
        build_optim_wrapper(Net(), dict(optimizer=optimizer))


@pytest.mark.parametrize("cfg", [None, [sgd_cfg()], "SGD"])
def test_cfg_that_is_not_a_dict(cfg):
    # 0.10: TypeError (pop of a list) or AttributeError (None)
    with pytest.raises((TypeError, AttributeError), match="must be a dict") as e:
        build_optim_wrapper(Net(), cfg)
    assert isinstance(e.value, TypeError) and isinstance(e.value, AttributeError)


def test_cfg_that_is_already_a_wrapper():
    with pytest.raises(AttributeError, match="already a built optimizer wrapper"):
        build_optim_wrapper(Net(), linear_wrapper())


def test_model_that_is_not_a_module():
    with pytest.raises(AttributeError, match="must be an nn.Module, but got NoneType"):
        build_optim_wrapper(None, sgd_cfg())


def test_unknown_optimizer_type_keeps_type_error_and_key_error():
    # 0.10: TypeError "None is not a callable object"
    with pytest.raises(TypeError, match="'SDG' is not registered in the OPTIMIZERS") as e:
        build_optim_wrapper(Net(), dict(optimizer=dict(type="SDG", lr=0.1)))
    assert isinstance(e.value, KeyError)


def test_several_wrapper_configs_without_a_constructor():
    cfg = dict(gen=sgd_cfg(), disc=sgd_cfg())
    with pytest.raises(AssertionError, match='must contain "optimizer" config') as e:
        build_optim_wrapper(Net(), cfg)
    assert "custom `constructor` that returns an OptimWrapperDict" in str(e.value)


@pytest.mark.parametrize(
    "model, expected",
    [
        (nn.ReLU(), "has no parameters"),
        (Net().requires_grad_(False), "None of the 6 parameters"),
    ],
)
def test_nothing_to_optimize_explains(model, expected):
    cfg = sgd_cfg(paramwise_cfg=dict(bias_lr_mult=2.0))
    with pytest.raises(ValueError, match="optimizer got an empty parameter list") as e:
        build_optim_wrapper(model, cfg)
    assert expected in "\n".join(e.value.__notes__)


# ---------------------------------------------------------------- paramwise_cfg
@pytest.mark.parametrize(
    "paramwise_cfg, where",
    [
        (dict(bias_lr_mult="2"), "paramwise_cfg.bias_lr_mult"),
        (dict(custom_keys={"backbone": dict(lr_mult="0.1")}), "custom_keys['backbone'].lr_mult"),
    ],
)
def test_non_numeric_multiplier(paramwise_cfg, where):
    # 0.10: TypeError "can't multiply sequence by non-int of type 'float'"
    with pytest.raises(TypeError, match="must be a number") as e:
        build_optim_wrapper(Net(), sgd_cfg(paramwise_cfg=paramwise_cfg))
    assert where in str(e.value)


@pytest.mark.parametrize(
    "paramwise_cfg, where",
    [
        (dict(bias_lr_mult=-2.0), "paramwise_cfg.bias_lr_mult"),
        (dict(custom_keys={"backbone": dict(lr_mult=-1.0)}), "custom_keys['backbone'].lr_mult"),
    ],
)
def test_negative_multiplier(paramwise_cfg, where):
    # 0.10 built param groups with a negative lr (gradient ascent)
    with pytest.raises(ValueError, match="must be >= 0") as e:
        build_optim_wrapper(Net(), sgd_cfg(paramwise_cfg=paramwise_cfg))
    assert where in str(e.value)


def test_zero_lr_mult_still_freezes():
    cfg = sgd_cfg(paramwise_cfg=dict(custom_keys={"backbone": dict(lr_mult=0.0)}))
    wrapper = build_optim_wrapper(Net(), cfg)
    assert [g["lr"] for g in wrapper.param_groups][:3] == [0.0, 0.0, 0.1]


def test_custom_key_option_that_is_not_a_dict():
    # 0.10: TypeError "argument of type 'float' is not iterable"
    cfg = sgd_cfg(paramwise_cfg=dict(custom_keys={"backbone": 0.1}))
    with pytest.raises(TypeError, match=r"custom_keys\['backbone'\] must be a dict"):
        build_optim_wrapper(Net(), cfg)


def test_lr_mult_without_an_optimizer_lr():
    # 0.10: TypeError "unsupported operand type(s) for *: 'NoneType' and 'float'"
    cfg = dict(optimizer=dict(type="SGD"), paramwise_cfg=dict(bias_lr_mult=2.0))
    with pytest.raises(TypeError, match="unsupported operand") as e:
        build_optim_wrapper(Net(), cfg)
    assert "paramwise_cfg.bias_lr_mult=2.0 multiplies the `lr`" in str(e.value)


def test_paramwise_typo_is_warned(warnings_logged):
    cfg = sgd_cfg(paramwise_cfg=dict(bais_lr_mult=2.0))
    wrapper = build_optim_wrapper(Net(), cfg)
    assert {g["lr"] for g in wrapper.param_groups} == {0.1}  # still ignored, as in 0.10
    assert any("'bais_lr_mult'" in m and "'bias_lr_mult'" in m for m in warnings_logged)


def test_custom_key_matching_no_parameter_is_warned(warnings_logged):
    cfg = sgd_cfg(paramwise_cfg=dict(custom_keys={"backbne": dict(lr_mult=0.1), "head": {}}))
    build_optim_wrapper(Net(), cfg)
    unmatched = [m for m in warnings_logged if "matches no parameter" in m]
    assert len(unmatched) == 1 and "'backbne'" in unmatched[0] and "'backbone'" in unmatched[0]


def test_custom_key_close_to_no_name_is_not_warned(monkeypatch):
    # a key shared between model variants (Swin's 'absolute_pos_embed', ViT's '.cls_token'
    # on a model without one) is not a typo: a debug line, no warning, as in 0.10
    logged: list = []
    monkeypatch.setattr(
        default_constructor, "print_log", lambda msg, **kw: logged.append((kw.get("level"), msg))
    )
    cfg = sgd_cfg(paramwise_cfg=dict(custom_keys={".cls_token": dict(lr_mult=0.0)}))
    build_optim_wrapper(Net(), cfg)
    unmatched = [level for level, msg in logged if "matches no parameter" in msg]
    assert unmatched == [logging.DEBUG]


def test_custom_key_option_typo_is_warned(warnings_logged):
    cfg = sgd_cfg(paramwise_cfg=dict(custom_keys={"backbone": dict(lr_mul=0.1)}))
    build_optim_wrapper(Net(), cfg)
    assert any("'lr_mul'" in m and "Did you mean 'lr_mult'" in m for m in warnings_logged)


def test_subclass_keys_are_not_warned(warnings_logged):
    class LayerDecayConstructor(DefaultOptimWrapperConstructor):
        pass

    LayerDecayConstructor(sgd_cfg(), dict(layer_decay_rate=0.9))
    assert not warnings_logged


# ---------------------------------------------------------------- OptimWrapper arguments
@pytest.mark.parametrize("counts", [0, -2, 1.5])
def test_accumulative_counts_out_of_range(counts):
    with pytest.raises(AssertionError, match="_accumulative_counts at least greater than or"):
        build_optim_wrapper(Net(), sgd_cfg(accumulative_counts=counts))


def test_accumulative_counts_of_wrong_type_is_a_type_error():
    with pytest.raises(TypeError, match="got '2' of type str"):
        build_optim_wrapper(Net(), sgd_cfg(accumulative_counts="2"))


def test_integral_float_accumulative_counts_is_accepted():
    assert linear_wrapper(accumulative_counts=2.0).accumulative_counts == 2


@pytest.mark.parametrize(
    "clip_grad, expected",
    [
        (dict(max_norm=-1), "max_norm must be > 0"),
        (dict(max_norm=0), "max_norm must be > 0"),
        (dict(type="value", clip_value=-1), "clip_value must be > 0"),
    ],
)
def test_clip_grad_limit_out_of_range(clip_grad, expected):
    # 0.10 trained with reversed or zeroed gradients
    with pytest.raises(ValueError, match=expected):
        linear_wrapper(clip_grad=clip_grad)


@pytest.mark.parametrize(
    "clip_grad, expected",
    [
        (dict(max_nrom=1), "unexpected keyword argument 'max_nrom'"),
        (dict(type="value", max_norm=1), "unexpected keyword argument 'max_norm'"),
        (dict(norm_type=2), "missing 1 required positional argument: 'max_norm'"),
    ],
)
def test_clip_grad_arguments_checked_when_built(clip_grad, expected):
    # 0.10: the same TypeError from torch, at the first optimizer step
    with pytest.raises(TypeError, match=expected) as e:
        linear_wrapper(clip_grad=clip_grad)
    if "nrom" in expected:
        assert "did you mean 'max_norm'?" in str(e.value)


def test_clip_grad_unknown_type_keeps_the_sentence():
    with pytest.raises(ValueError, match='should be "norm" or "value" but got nrom'):
        linear_wrapper(clip_grad=dict(type="nrom", max_norm=1))


@pytest.mark.parametrize("clip_grad", [{}, 1.0])
def test_clip_grad_not_a_dict_keeps_the_sentence(clip_grad):
    with pytest.raises(AssertionError, match="it should be a `dict` which is the arguments"):
        linear_wrapper(clip_grad=clip_grad)


def test_valid_clip_grad_still_clips():
    model = nn.Linear(2, 1)
    wrapper = OptimWrapper(
        torch.optim.SGD(model.parameters(), lr=0.1), clip_grad=dict(max_norm="1", norm_type=2)
    )
    wrapper.update_params(model(torch.ones(1, 2)).sum() * 100)


@pytest.mark.parametrize(
    "loss, expected",
    [({"loss": torch.tensor(1.0)}, "parse_losses"), (1.0, "not a Python number")],
)
def test_loss_that_is_not_a_tensor(loss, expected):
    # 0.10: TypeError for a dict (scaled first), AttributeError for a float
    with pytest.raises(TypeError, match=expected) as e:
        linear_wrapper().update_params(loss)
    assert isinstance(e.value, AttributeError)


def test_loss_that_is_not_a_scalar():
    model = nn.Linear(2, 1)
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    with pytest.raises(RuntimeError, match="only for scalar outputs") as e:
        wrapper.update_params(model(torch.ones(3, 2)))
    assert "has shape (3, 1)" in "\n".join(e.value.__notes__)


# ---------------------------------------------------------------- AmpOptimWrapper
def amp(**kwargs) -> AmpOptimWrapper:
    return AmpOptimWrapper(
        optimizer=torch.optim.SGD(nn.Linear(2, 1).parameters(), lr=0.1), **kwargs
    )


def test_amp_dtype_typo_keeps_the_sentence():
    with pytest.raises(AssertionError, match=r"dtype should be any of .*got fp16") as e:
        amp(dtype="fp16")
    assert "Did you mean 'float16'?" in str(e.value)


def test_amp_dtype_of_wrong_type_keeps_the_sentence():
    with pytest.raises(TypeError, match="dtype should be None or instance of torch.dtype"):
        amp(dtype=16)


def test_amp_integer_torch_dtype_is_rejected():
    with pytest.raises(ValueError, match="torch.int8 cannot be used for mixed precision"):
        amp(dtype=torch.int8)


def test_amp_loss_scale_keeps_the_sentence():
    with pytest.raises(TypeError, match='must be of type float, dict, or "dynamic", but got dy'):
        amp(loss_scale="dynamc")


@pytest.mark.parametrize("scale", [0, 0.0, float("nan")])
def test_amp_zero_loss_scale(scale):
    with pytest.raises(ValueError, match="static loss_scale must not be") as e:
        amp(loss_scale=scale)
    assert isinstance(e.value, TypeError)  # 0.10: TypeError for an int


def test_amp_loss_scale_dict_typo_names_the_scaler_arguments():
    with pytest.raises(TypeError, match="init_scal") as e:
        amp(loss_scale=dict(init_scal=2.0))
    assert "init_scale, growth_factor" in "\n".join(e.value.__notes__)


def test_amp_unknown_argument_suggests_the_name():
    with pytest.raises(TypeError, match="'dtyp' \\(did you mean 'dtype'\\?\\)"):
        amp(dtyp="float16")


# ---------------------------------------------------------------- OptimWrapperDict
def wrapper_dict() -> OptimWrapperDict:
    return OptimWrapperDict(gen=linear_wrapper(), disc=linear_wrapper())


def test_wrapper_dict_rejects_configs_with_the_sentence():
    with pytest.raises(AssertionError, match="only accept OptimWrapper instance, but got a:"):
        OptimWrapperDict(a=dict(type="OptimWrapper"))


def test_wrapper_dict_missing_name_keeps_the_sentence():
    with pytest.raises(KeyError, match="Cannot find b in OptimWrapperDict, please check") as e:
        wrapper_dict()["b"]
    assert "['gen', 'disc']" in str(e.value)


def test_wrapper_dict_state_mismatch_keeps_the_sentence():
    with pytest.raises(KeyError, match=r"Mismatched `state_dict`! cannot found b in"):
        wrapper_dict().load_state_dict({"b": {}})


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda d: d.update_params(torch.tensor(1.0)), "update_params"),
        (lambda d: d.backward(torch.tensor(1.0)), "backward"),
        (lambda d: d.step(), "step"),
    ],
)
def test_wrapper_dict_per_wrapper_calls_keep_the_sentence(call, name):
    with pytest.raises(NotImplementedError, match=f"`{name}` should be called by each optimizer"):
        call(wrapper_dict())


@pytest.mark.parametrize(
    "call",
    [
        lambda d: d.scale_loss(torch.tensor(1.0)),
        lambda d: d.should_update(),
        lambda d: d.inner_count,
    ],
)
def test_wrapper_dict_accumulation_api_explains(call):
    # 0.10: AttributeError "'OptimWrapperDict' object has no attribute '_inner_count'"
    with pytest.raises(AttributeError, match=r"use the wrapper you mean, e.g. `optim_wrapper"):
        call(wrapper_dict())


# ---------------------------------------------------------------- parameter schedulers


def sgd() -> torch.optim.SGD:
    return torch.optim.SGD(nn.Linear(2, 1).parameters(), lr=0.1, momentum=0.9)


def scheduler(optimizer=None, **cfg):
    return PARAM_SCHEDULERS.build(cfg, default_args=dict(optimizer=optimizer or sgd()))


@pytest.fixture
def scheduler_warnings(monkeypatch):
    messages: list[str] = []
    monkeypatch.setattr(param_scheduler, "print_log", lambda msg, **kw: messages.append(str(msg)))
    return messages


@pytest.mark.parametrize("begin, end", [(5, 5), (5, 2)])
def test_begin_not_before_end_keeps_the_sentence(begin, end):
    with pytest.raises(
        ValueError, match=f"^end should be larger than begin, but got begin={begin}"
    ):
        scheduler(type="MultiStepLR", milestones=[1], begin=begin, end=end)


@pytest.mark.parametrize(
    "cfg, expected",
    [
        (dict(begin="0"), "`begin` must be a number of epochs or iterations, but got '0'"),
        (dict(end=None), "Leave `end` out for no end"),
        (dict(by_epoch="False"), "got the string 'False'"),
    ],
)
def test_begin_end_by_epoch_of_wrong_type(cfg, expected):
    with pytest.raises(TypeError, match=expected):
        scheduler(type="StepLR", step_size=1, **cfg)


def test_scheduler_optimizer_keeps_the_sentence():
    with pytest.raises(TypeError, match=r"^``optimizer`` should be an Optimizer,but got NoneType"):
        param_scheduler.StepParamScheduler(None, "lr", step_size=1)


def test_scheduler_of_a_wrapper_dict():
    # 0.10: AttributeError "'str' object has no attribute 'setdefault'"
    with pytest.raises(AttributeError, match="was given an OptimWrapperDict") as e:
        scheduler(wrapper_dict(), type="MultiStepLR", milestones=[1])
    assert "optim_wrapper['gen']" in str(e.value)


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        (dict(), "^`epoch_length` must be a positive integer, but got None."),
        (dict(epoch_length=0), "^`epoch_length` must be a positive integer, but got 0."),
        (dict(epoch_length=10, by_epoch=False), "^Only epoch-based kwargs whose `by_epoch=True`"),
    ],
)
def test_epoch_conversion_keeps_the_sentences(kwargs, expected):
    with pytest.raises(AssertionError, match=expected):
        param_scheduler.StepParamScheduler.build_iter_from_epoch(sgd(), "lr", step_size=1, **kwargs)


@pytest.mark.parametrize(
    "metrics, expected",
    [
        (dict(accuracy=1.0), "`monitor='acc'` names no metric"),
        (dict(acc=None), "the metric 'acc' is None"),
    ],
)
def test_plateau_monitor_missing_at_step_keeps_the_sentence(metrics, expected):
    plateau = scheduler(type="ReduceOnPlateauLR", monitor="acc", rule="greater")
    with pytest.raises(KeyError, match="Excepted key in") as e:
        plateau.step(metrics)
    assert expected in str(e.value)


def test_plateau_metric_that_is_not_a_number():
    # 0.10: TypeError "'<' not supported between instances of 'str' and 'float'"
    plateau = scheduler(type="ReduceOnPlateauLR", monitor="loss")
    with pytest.raises(TypeError, match="'loss' must be a number, but the evaluator returned 'a'"):
        plateau.step(dict(loss="a"))


@pytest.mark.parametrize(
    "cfg, expected",
    [
        (dict(factor=1.5), r"^Factor should be < 1.0\."),
        (dict(factor=-0.5), "factor must be in"),
        (dict(patience=-1), "patience must be >= 0"),
        (dict(rule="min"), "^mode min is unknown!"),
        (dict(threshold_rule="relative"), "^threshold mode relative is unknown!"),
        (dict(threshold=-0.1), r"^threshold -0.1 should be >= 0\."),
        (dict(min_value=[0.1, 0.2]), "^expected 1 min_lrs, got 2"),
    ],
)
def test_plateau_arguments(cfg, expected):
    with pytest.raises(ValueError, match=expected):
        scheduler(type="ReduceOnPlateauLR", **cfg)


def test_momentum_scheduler_names_the_wrapped_optimizer():
    wrapper = OptimWrapper(torch.optim.ASGD(nn.Linear(2, 1).parameters(), lr=0.1))
    with pytest.raises(ValueError, match="^optimizer must support momentum") as e:
        scheduler(wrapper, type="StepMomentum", step_size=1)
    assert "OptimWrapper(ASGD)" in str(e.value)


@pytest.mark.parametrize(
    "cfg",
    [
        dict(type="StepLR", step_size=1, gamma=-0.5),
        dict(type="MultiStepLR", milestones=[1], gamma=-0.5),
        dict(type="ExponentialLR", gamma=-0.5),
    ],
)
def test_negative_gamma(cfg):
    # 0.10 flipped the sign of the lr at every decay
    with pytest.raises(ValueError, match="gamma must be >= 0"):
        scheduler(**cfg)


@pytest.mark.parametrize(
    "cfg, expected",
    [
        (dict(type="CosineAnnealingLR", T_max=4, eta_min=-0.1), "eta_min must be >= 0 for 'lr'"),
        (dict(type="PolyLR", eta_min=-1.0, end=5), "eta_min must be >= 0 for 'lr'"),
        (dict(type="CosineAnnealingLR", T_max=-3), "T_max must be > 0"),
        (
            dict(type="CosineRestartLR", periods=[0, 2], restart_weights=[1, 1], eta_min=0),
            "every period must be > 0",
        ),
    ],
)
def test_schedules_that_drive_the_lr_negative_or_nowhere(cfg, expected):
    with pytest.raises(ValueError, match=expected):
        scheduler(**cfg)


def test_negative_eta_min_of_another_parameter_is_left_alone():
    optimizer = sgd()
    optimizer.param_groups[0]["bias_shift"] = 1.0
    scheduler(
        optimizer,
        type="CosineAnnealingParamScheduler",
        param_name="bias_shift",
        T_max=4,
        eta_min=-1.0,
    )


@pytest.mark.parametrize(
    "cfg",
    [
        dict(type="StepLR", step_size=0),
        dict(type="LinearLR", start_factor=0, end=3),
        dict(type="ConstantLR", factor=0, end=3),
        dict(type="PolyLR", power=-1.0, end=5),
    ],
)
def test_arguments_that_divided_by_zero_later(cfg):
    # 0.10: ZeroDivisionError after one or more epochs of training
    with pytest.raises(ZeroDivisionError) as e:
        scheduler(**cfg)
    assert isinstance(e.value, ValueError)


@pytest.mark.parametrize(
    "cfg, expected",
    [
        (dict(type="MultiStepLR", milestones=3), "milestones must be a list of steps"),
        (
            dict(type="CosineRestartLR", periods=3, restart_weights=[1], eta_min=0),
            "periods and restart_weights must be lists",
        ),
    ],
)
def test_list_arguments_given_a_number(cfg, expected):
    with pytest.raises(TypeError, match=expected):
        scheduler(**cfg)


@pytest.mark.parametrize(
    "cfg, expected",
    [
        (
            dict(type="ConstantLR", factor=2.0),
            r"^Constant multiplicative factor should between 0 and 1\.",
        ),
        (
            dict(type="LinearLR", start_factor=2.0),
            r"^Starting multiplicative factor should between 0 and 1\.",
        ),
        (
            dict(type="LinearLR", end_factor=2.0),
            r"^Ending multiplicative factor should between 0 and 1\.",
        ),
        (
            dict(type="CosineAnnealingLR", eta_min=0, eta_min_ratio=0.1),
            "^Either `eta_min` or `eta_min_ratio should",
        ),
        (
            dict(type="CosineRestartLR", periods=[1, 2], restart_weights=[1], eta_min=0),
            r"^periods and restart_weights should have the same length\.",
        ),
        (
            dict(type="OneCycleLR", eta_max=0.1, total_steps=3, anneal_strategy="cosine"),
            '^anneal_strategy must by one of "cos"',
        ),
        (
            dict(type="OneCycleParamScheduler", param_name="momentum", total_steps=3),
            "but got patam_name as momentum",
        ),
    ],
)
def test_upstream_sentences_lead(cfg, expected):
    with pytest.raises((ValueError, AssertionError), match=expected):
        scheduler(**cfg)


@pytest.mark.parametrize(
    "cfg, expected",
    [
        (dict(type="LinearLR", start_factor=0.1), "LinearLR has no `end`"),
        (dict(type="CosineAnnealingLR"), "neither `end` nor `T_max`"),
        (dict(type="OneCycleLR", eta_max=0.1), "neither `end` nor `total_steps`"),
    ],
)
def test_schedule_without_end_is_warned(scheduler_warnings, cfg, expected):
    scheduler(**cfg)
    assert any(expected in m for m in scheduler_warnings)


def test_schedule_with_end_is_not_warned(scheduler_warnings):
    scheduler(type="LinearLR", start_factor=0.1, end=5)
    scheduler(type="CosineAnnealingLR", T_max=5)
    assert not scheduler_warnings
