"""LR schedulers agree with torch.optim.lr_scheduler over long runs."""

import math

import pytest
import torch.nn as nn
from torch.optim import SGD
from torch.optim import lr_scheduler as tsched

from mmengine.optim import (
    ConstantLR,
    CosineAnnealingLR,
    CosineRestartLR,
    ExponentialLR,
    LinearLR,
    MultiStepLR,
    OneCycleLR,
    OptimWrapper,
    PolyLR,
    ReduceOnPlateauLR,
    StepLR,
)

STEPS = 320


def _pair(lr=0.05, groups=2):
    def make():
        model = nn.Sequential(*[nn.Linear(1, 1) for _ in range(groups)])
        param_groups = [{"params": m.parameters(), "lr": lr * (i + 1)} for i, m in enumerate(model)]
        return SGD(param_groups, lr=lr, momentum=0.9)

    return make(), make()


def _run(ours_factory, torch_factory, steps=STEPS, wrap=False):
    opt_ours, opt_torch = _pair()
    target = OptimWrapper(opt_ours) if wrap else opt_ours
    ours = ours_factory(target)
    theirs = torch_factory(opt_torch)
    for step in range(steps):
        for ga, gb in zip(opt_ours.param_groups, opt_torch.param_groups):
            assert ga["lr"] == pytest.approx(gb["lr"], abs=1e-6, rel=1e-6), f"step {step}"
        target.step()
        opt_torch.step()
        ours.step()
        theirs.step()
    return ours


@pytest.mark.parametrize("wrap", [False, True])
def test_step_lr(wrap):
    _run(
        lambda o: StepLR(o, step_size=7, gamma=0.9),
        lambda o: tsched.StepLR(o, step_size=7, gamma=0.9),
        wrap=wrap,
    )


def test_multistep_lr():
    _run(
        lambda o: MultiStepLR(o, milestones=[10, 50, 50, 200], gamma=0.5),
        lambda o: tsched.MultiStepLR(o, milestones=[10, 50, 50, 200], gamma=0.5),
    )


def test_exponential_lr():
    _run(lambda o: ExponentialLR(o, gamma=0.99), lambda o: tsched.ExponentialLR(o, gamma=0.99))


@pytest.mark.parametrize("wrap", [False, True])
def test_cosine_annealing_lr_with_periodic_restart_branch(wrap):
    # Over 320 steps with T_max=100 the chainable form passes T_max and
    # climbs back up: both branches of the recursion are exercised.
    _run(
        lambda o: CosineAnnealingLR(o, T_max=100, eta_min=0.001),
        lambda o: tsched.CosineAnnealingLR(o, T_max=100, eta_min=0.001),
        wrap=wrap,
    )


def test_linear_lr_end_is_torch_total_iters_plus_one():
    _run(
        lambda o: LinearLR(o, start_factor=0.1, end_factor=0.9, end=101),
        lambda o: tsched.LinearLR(o, start_factor=0.1, end_factor=0.9, total_iters=100),
    )


def test_constant_lr():
    _run(
        lambda o: ConstantLR(o, factor=0.25, end=51),
        lambda o: tsched.ConstantLR(o, factor=0.25, total_iters=50),
    )


def test_poly_lr():
    _run(
        lambda o: PolyLR(o, power=0.9, eta_min=0, end=301),
        lambda o: tsched.PolynomialLR(o, total_iters=300, power=0.9),
    )


@pytest.mark.parametrize("three_phase", [False, True])
@pytest.mark.parametrize("strategy", ["cos", "linear"])
def test_one_cycle_lr(three_phase, strategy):
    _run(
        lambda o: OneCycleLR(
            o,
            eta_max=[0.2, 0.4],
            total_steps=STEPS,
            anneal_strategy=strategy,
            three_phase=three_phase,
        ),
        lambda o: tsched.OneCycleLR(
            o,
            max_lr=[0.2, 0.4],
            total_steps=STEPS,
            anneal_strategy=strategy,
            three_phase=three_phase,
            cycle_momentum=False,
        ),
        steps=STEPS,
    )


def test_cosine_restart_matches_warm_restarts():
    _run(
        lambda o: CosineRestartLR(o, periods=[40] * 8, restart_weights=[1] * 8, eta_min=0.001),
        lambda o: tsched.CosineAnnealingWarmRestarts(o, T_0=40, T_mult=1, eta_min=0.001),
    )
    _run(
        lambda o: CosineRestartLR(o, periods=[20, 40, 80, 160], restart_weights=[1] * 4, eta_min=0),
        lambda o: tsched.CosineAnnealingWarmRestarts(o, T_0=20, T_mult=2, eta_min=0),
        steps=300,
    )


def test_chained_warmup_then_multistep_matches_torch_sequential():
    opt_ours, opt_torch = _pair()
    warmup = LinearLR(opt_ours, start_factor=0.01, by_epoch=False, begin=0, end=21)
    main = MultiStepLR(opt_ours, milestones=[100, 250], gamma=0.1, by_epoch=False)
    t_warm = tsched.LinearLR(opt_torch, start_factor=0.01, total_iters=20)
    t_main = tsched.MultiStepLR(opt_torch, milestones=[100, 250], gamma=0.1)
    for step in range(STEPS):
        for ga, gb in zip(opt_ours.param_groups, opt_torch.param_groups):
            assert ga["lr"] == pytest.approx(gb["lr"], abs=1e-6), step
        opt_ours.step()
        opt_torch.step()
        warmup.step()
        main.step()
        t_warm.step()
        t_main.step()


def test_reduce_on_plateau_matches_torch():
    opt_ours, opt_torch = _pair()
    ours = ReduceOnPlateauLR(
        opt_ours, monitor="loss", patience=3, factor=0.5, cooldown=2, min_value=0.004
    )
    theirs = tsched.ReduceLROnPlateau(
        opt_torch, mode="min", patience=3, factor=0.5, cooldown=2, min_lr=0.004
    )
    for step in range(STEPS):
        metric = 1.0 / (1 + step % 37) + 0.001 * math.sin(step)
        opt_ours.step()
        opt_torch.step()
        ours.step()  # epoch counter
        ours.step({"loss": metric})
        theirs.step(metric)
        for ga, gb in zip(opt_ours.param_groups, opt_torch.param_groups):
            assert ga["lr"] == pytest.approx(gb["lr"], abs=1e-9), step
    assert opt_ours.param_groups[0]["lr"] == pytest.approx(0.004)


def test_reduce_on_plateau_missing_metric_and_bad_args():
    opt, _ = _pair()
    sched = ReduceOnPlateauLR(opt, monitor="acc", rule="greater")
    with pytest.raises(KeyError, match="acc"):
        sched.step({"loss": 1.0})
    with pytest.raises(TypeError):
        sched.step([1.0])
    with pytest.raises(ValueError):
        ReduceOnPlateauLR(opt, factor=1.0)
    with pytest.raises(ValueError):
        ReduceOnPlateauLR(opt, rule="bigger")
    with pytest.raises(ValueError):
        ReduceOnPlateauLR(opt, by_epoch=False)
    assert ReduceOnPlateauLR.need_val_args is True
