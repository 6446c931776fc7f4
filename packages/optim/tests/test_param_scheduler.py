"""Generic ParamScheduler behaviour: ranges, conversion, state, momentum."""

import warnings

import pytest
import torch.nn as nn
from torch.optim import SGD, Adam

from mmengine.optim import (
    ConstantParamScheduler,
    CosineAnnealingMomentum,
    CosineAnnealingParamScheduler,
    ExponentialParamScheduler,
    LinearMomentum,
    LinearParamScheduler,
    MultiStepLR,
    MultiStepParamScheduler,
    OneCycleParamScheduler,
    OptimWrapper,
    StepLR,
    StepMomentum,
    StepParamScheduler,
    _ParamScheduler,
)
from mmengine.optim.scheduler.lr_scheduler import LinearLR
from mmengine.optim.scheduler.param_scheduler import INF
from mmengine.registry import PARAM_SCHEDULERS


def _sgd(lr=0.05, momentum=0.9, weight_decay=5e-4):
    return SGD(nn.Linear(1, 1).parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)


def _lrs(optimizer, scheduler, steps):
    values = []
    for _ in range(steps):
        values.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return values


def test_constant_and_linear_targets():
    opt = _sgd()
    sched = ConstantParamScheduler(opt, "lr", factor=0.5, end=5)
    assert _lrs(opt, sched, 10) == pytest.approx([0.025] * 4 + [0.05] * 6)
    opt = _sgd()
    sched = LinearLR(opt, start_factor=0.5, end=5)
    expected = [0.05 * (0.5 + i * 0.5 / 4) for i in range(4)] + [0.05] * 6
    assert _lrs(opt, sched, 10) == pytest.approx(expected)


def test_begin_end_only_act_inside_range():
    opt = _sgd()
    sched = StepParamScheduler(opt, "lr", step_size=2, gamma=0.5, begin=3, end=9)
    values = _lrs(opt, sched, 12)
    # Active on steps 3..8: decays at last_step 2 and 4 (steps 5 and 7).
    assert values == pytest.approx(
        [0.05] * 5 + [0.025, 0.025, 0.0125, 0.0125, 0.0125, 0.0125, 0.0125]
    )


def test_schedules_any_param_name_and_records_initial_value():
    opt = _sgd()
    sched = LinearParamScheduler(opt, "weight_decay", start_factor=0.1, end=11)
    assert opt.param_groups[0]["initial_weight_decay"] == 5e-4
    assert opt.param_groups[0]["weight_decay"] == pytest.approx(5e-5)
    for _ in range(10):
        opt.step()
        sched.step()
    assert opt.param_groups[0]["weight_decay"] == pytest.approx(5e-4)
    assert sched.get_last_value() == [opt.param_groups[0]["weight_decay"]]


def test_unknown_param_name_and_bad_range_raise():
    with pytest.raises(KeyError, match="betas"):
        StepParamScheduler(_sgd(), "betas", step_size=1)
    with pytest.raises(ValueError, match="end should be larger than begin"):
        StepParamScheduler(_sgd(), "lr", step_size=1, begin=5, end=5)
    with pytest.raises(TypeError):
        StepParamScheduler(nn.Linear(1, 1), "lr", step_size=1)
    with pytest.raises(ValueError):
        ConstantParamScheduler(_sgd(), "lr", factor=2)
    with pytest.raises(ValueError):
        LinearParamScheduler(_sgd(), "lr", start_factor=-1)
    with pytest.raises(ValueError):
        CosineAnnealingParamScheduler(_sgd(), "lr", T_max=3, eta_min=0.1, eta_min_ratio=0.1)
    with pytest.raises(ValueError):
        OneCycleParamScheduler(_sgd(), "momentum", eta_max=0.1, total_steps=10)


def test_resume_with_last_step_requires_initial_value():
    with pytest.raises(KeyError, match="initial_lr"):
        StepLR(_sgd(), step_size=2, last_step=3)
    opt = _sgd()
    StepLR(opt, step_size=2)
    sched = StepLR(opt, step_size=2, last_step=3)
    assert sched.last_step == 4


def test_build_iter_from_epoch_converts_units():
    opt = _sgd()
    sched = MultiStepLR.build_iter_from_epoch(
        opt, milestones=[2, 3], gamma=0.1, begin=1, end=4, epoch_length=10
    )
    assert sched.by_epoch is False
    assert (sched.begin, sched.end) == (10, 40)
    assert sorted(sched.milestones) == [20, 30]
    cos = CosineAnnealingParamScheduler.build_iter_from_epoch(_sgd(), "lr", T_max=5, epoch_length=7)
    assert cos.T_max == 35 and cos.end == INF
    step = StepLR.build_iter_from_epoch(_sgd(), step_size=2, epoch_length=5)
    assert step.step_size == 10
    from mmengine.optim import CosineRestartLR, OneCycleLR, PolyLR

    restart = CosineRestartLR.build_iter_from_epoch(
        _sgd(), periods=[2, 3], restart_weights=[1, 0.5], eta_min=0, epoch_length=4
    )
    assert restart.periods == [8, 12]
    one = OneCycleLR.build_iter_from_epoch(_sgd(), eta_max=0.1, total_steps=3, epoch_length=6)
    assert one.total_steps == 18
    poly = PolyLR.build_iter_from_epoch(_sgd(), begin=2, end=5, epoch_length=3)
    assert (poly.begin, poly.end, poly.by_epoch) == (6, 15, False)
    with pytest.raises(ValueError, match="epoch_length"):
        StepLR.build_iter_from_epoch(_sgd(), step_size=1, epoch_length=0)
    with pytest.raises(ValueError, match="by_epoch"):
        StepLR.build_iter_from_epoch(_sgd(), step_size=1, by_epoch=False, epoch_length=3)


def test_registry_builds_schedulers_with_optimizer_default_arg():
    opt = _sgd()
    sched = PARAM_SCHEDULERS.build(
        dict(type="MultiStepLR", milestones=[1], by_epoch=False), default_args=dict(optimizer=opt)
    )
    assert isinstance(sched, MultiStepLR)
    assert isinstance(sched, _ParamScheduler)
    for name in ("CosineRestartLR", "ReduceOnPlateauMomentum", "OneCycleLR", "PolyParamScheduler"):
        assert name in PARAM_SCHEDULERS


def test_state_dict_round_trip_continues_schedule():
    opt = _sgd()
    sched = ExponentialParamScheduler(opt, "lr", gamma=0.5)
    for _ in range(3):
        opt.step()
        sched.step()
    state = sched.state_dict()
    assert "optimizer" not in state and state["last_step"] == 3
    # Resume as the runner does: fresh scheduler, then load both states.
    opt2 = _sgd()
    sched2 = ExponentialParamScheduler(opt2, "lr", gamma=0.5)
    opt2.load_state_dict(opt.state_dict())
    sched2.load_state_dict(state)
    opt2.step()
    sched2.step()
    assert opt2.param_groups[0]["lr"] == pytest.approx(0.05 * 0.5**4)


def test_warning_when_scheduler_steps_before_optimizer():
    opt = _sgd()
    sched = StepLR(opt, step_size=1)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        sched.step()
    opt = _sgd()
    sched = StepLR(opt, step_size=1)
    opt.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched.step()


def test_scheduler_on_wrapper_updates_base_lr_group():
    model = nn.Sequential(nn.Linear(1, 1), nn.Linear(1, 1))
    opt = SGD(
        [{"params": model[0].parameters()}, {"params": model[1].parameters(), "lr": 0.2}], lr=0.1
    )
    wrapper = OptimWrapper(opt)
    sched = MultiStepParamScheduler(wrapper, "lr", milestones=[1], gamma=0.5)
    wrapper.step()
    sched.step()
    assert wrapper.get_lr() == {"base_lr": [0.05], "lr": [0.05, 0.1]}


def test_momentum_scheduler_sgd_and_adam_betas():
    opt = _sgd(momentum=0.9)
    sched = StepMomentum(opt, step_size=1, gamma=0.5)
    opt.step()
    sched.step()
    assert opt.param_groups[0]["momentum"] == pytest.approx(0.45)

    adam = Adam(nn.Linear(1, 1).parameters(), lr=0.01, betas=(0.9, 0.999))
    sched = LinearMomentum(adam, start_factor=0.5, end=3)
    assert adam.param_groups[0]["betas"] == (pytest.approx(0.45), 0.999)
    adam.step()
    sched.step()
    adam.step()
    sched.step()
    assert adam.param_groups[0]["betas"] == (pytest.approx(0.9), 0.999)

    with pytest.raises(ValueError, match="momentum"):
        CosineAnnealingMomentum(_NoMomentum(), T_max=3)


class _NoMomentum(SGD):
    def __init__(self):
        super().__init__(nn.Linear(1, 1).parameters(), lr=0.1)
        self.defaults = {"lr": 0.1}


def test_one_cycle_total_steps_from_range_and_overrun():
    opt = _sgd()
    sched = OneCycleParamScheduler(opt, "lr", eta_max=0.5, begin=0, end=10)
    assert sched.total_steps == 10
    assert opt.param_groups[0]["lr"] == pytest.approx(0.5 / 25)
    sched2 = OneCycleParamScheduler(_sgd(), "lr", eta_max=0.5, total_steps=3)
    for _ in range(3):
        sched2.optimizer.step()
        sched2.step()
    with pytest.raises(ValueError, match="Tried to step"):
        sched2.optimizer.step()
        sched2.step()


def test_cosine_restart_weights_and_eta_min_ratio():
    from mmengine.optim import CosineRestartParamScheduler

    opt = _sgd(lr=1.0)
    sched = CosineRestartParamScheduler(
        opt, "lr", periods=[2, 4], restart_weights=[1, 0.5], eta_min_ratio=0.1
    )
    values = _lrs(opt, sched, 8)
    assert values[0] == pytest.approx(1.0)
    assert values[1] == pytest.approx(0.55)  # halfway down to 0.1 * base
    assert values[2] == pytest.approx(0.5)  # restart at weight 0.5
    assert values[4] == pytest.approx(0.1 + (0.5 - 0.1) / 2)
    assert values[6:] == pytest.approx([values[5]] * 2)  # past the periods: unchanged
    with pytest.raises((ValueError, AssertionError)):
        CosineRestartParamScheduler(_sgd(), "lr", periods=[2], restart_weights=[1, 1], eta_min=0)
    with pytest.raises((ValueError, AssertionError)):
        CosineRestartParamScheduler(_sgd(), "lr", periods=[2], eta_min=0, eta_min_ratio=0.1)


def test_momentum_scheduler_on_wrapper_with_adam_groups():
    from mmengine.optim import ExponentialMomentum

    model = nn.Sequential(nn.Linear(1, 1), nn.Linear(1, 1))
    adam = Adam(
        [{"params": model[0].parameters()}, {"params": model[1].parameters(), "lr": 0.1}],
        lr=0.01,
        betas=(0.8, 0.99),
    )
    wrapper = OptimWrapper(adam)
    sched = ExponentialMomentum(wrapper, gamma=0.5)
    wrapper.step()
    sched.step()
    assert [g["betas"][0] for g in adam.param_groups] == pytest.approx([0.4, 0.4])
    assert wrapper.get_momentum() == {"momentum": pytest.approx([0.4, 0.4])}


def test_reduce_on_plateau_min_values_with_wrapper_groups():
    from mmengine.optim import ReduceOnPlateauParamScheduler

    model = nn.Sequential(nn.Linear(1, 1), nn.Linear(1, 1))
    opt = SGD(
        [{"params": model[0].parameters()}, {"params": model[1].parameters(), "lr": 0.1}], lr=0.1
    )
    wrapper = OptimWrapper(opt)
    sched = ReduceOnPlateauParamScheduler(
        wrapper, "lr", patience=0, factor=0.1, min_value=[0.05, 0.001]
    )
    assert sched.min_values == [0.05, 0.001, 0.001]
    for metric in (1.0, 2.0, 3.0):
        sched.step()
        sched.step(dict(loss=metric))
    lrs = wrapper.get_lr()
    assert lrs["lr"] == pytest.approx([0.05, 0.001])
    assert lrs["base_lr"] == pytest.approx([0.001])
    with pytest.raises(ValueError):
        ReduceOnPlateauParamScheduler(wrapper, "lr", min_value=[0.1, 0.1, 0.1])


def test_verbose_logs_new_value(monkeypatch):
    from mmengine.optim.scheduler import param_scheduler

    messages = []
    monkeypatch.setattr(param_scheduler, "print_log", lambda msg, **kw: messages.append(msg))
    opt = _sgd()
    StepLR(opt, step_size=1, verbose=True)
    assert messages == ["Adjusting parameter value of group 0 to 5.0000e-02."]
    StepLR(opt, step_size=1)
    assert len(messages) == 1


def test_momentum_scheduler_rejects_non_optimizer():
    with pytest.raises(TypeError, match="should be an Optimizer"):
        StepMomentum("invalid_optimizer", step_size=1)


def test_momentum_scheduler_rejects_optimizer_without_momentum():
    from torch.optim import ASGD

    opt = ASGD(nn.Linear(2, 2).parameters(), lr=0.1)
    with pytest.raises(
        ValueError, match="^optimizer must support momentum when using momentum scheduler"
    ) as info:
        StepMomentum(opt, step_size=1)
    assert "ASGD" in str(info.value) and "StepMomentum" in str(info.value)
