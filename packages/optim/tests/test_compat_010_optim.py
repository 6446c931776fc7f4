"""Behaviours matched to mmengine 0.10.7 by black-box comparison.

Every expected value, log line and state-dict entry below was recorded by
running the same calls against upstream mmengine 0.10.7.
"""

import logging

import pytest
import torch
import torch.nn as nn
from torch.optim import SGD

from mmengine.logging import MMLogger
from mmengine.optim import OptimWrapper, ReduceOnPlateauLR, ReduceOnPlateauMomentum, StepLR


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelname, record.getMessage()))


@pytest.fixture
def log_records():
    logger = MMLogger.get_current_instance()
    handler = _Records()
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)


def _two_group_sgd():
    conv1, conv2 = nn.Conv2d(1, 1, 1), nn.Conv2d(1, 1, 1)
    return SGD(
        [{"params": conv1.parameters()}, {"params": conv2.parameters(), "lr": 0.5}],
        lr=0.05,
        momentum=0.9,
        weight_decay=5e-4,
    )


# --------------------------------------------------------------- ReduceOnPlateau


@pytest.mark.parametrize("rule, expected", [("less", 1000000000), ("greater", -1000000000)])
def test_plateau_starts_from_upstream_inf(rule, expected):
    # 0.10.7: best and rule_worse start at +-INF (the int 1e9), and the state dict holds it.
    scheduler = ReduceOnPlateauLR(_two_group_sgd(), rule=rule)
    assert scheduler.best == expected and type(scheduler.best) is int
    state = scheduler.state_dict()
    assert state["rule_worse"] == expected and state["best"] == expected
    assert type(state["rule_worse"]) is int


def test_plateau_state_dict_after_steps():
    # Recorded from 0.10.7: three (step, step(metrics)) rounds with loss 1.0, patience=1.
    optimizer = _two_group_sgd()
    scheduler = ReduceOnPlateauLR(optimizer, patience=1)
    for _ in range(3):
        optimizer.step()
        scheduler.step()
        scheduler.step(dict(loss=1.0))
    state = {k: v for k, v in scheduler.state_dict().items() if k != "_last_value"}
    assert state == {
        "_global_step": 3,
        "begin": 0,
        "best": 1.0,
        "by_epoch": True,
        "cooldown": 0,
        "cooldown_counter": 0,
        "end": 1000000000,
        "eps": 1e-08,
        "factor": 0.1,
        "last_step": 2,
        "min_values": [0.0, 0.0],
        "monitor": "loss",
        "num_bad_epochs": 0,
        "param_name": "lr",
        "patience": 1,
        "rule": "less",
        "rule_worse": 1000000000,
        "threshold": 0.0001,
        "threshold_rule": "rel",
        "verbose": False,
    }
    assert scheduler.get_last_value() == pytest.approx([0.005, 0.05])


def test_plateau_verbose_names_the_epoch(log_records):
    # 0.10.7 logs "... to <value> in epoch <last_step>." when the value is reduced.
    optimizer = _two_group_sgd()
    scheduler = ReduceOnPlateauLR(optimizer, patience=0, verbose=True, begin=1)
    for loss in (1.0, 2.0, 3.0):
        scheduler.step()
        scheduler.step()
        scheduler.step(dict(loss=loss))
    messages = [msg for level, msg in log_records if level == "INFO"]
    assert messages == [
        "Adjusting parameter value of group 0 to 5.0000e-03 in epoch 1.",
        "Adjusting parameter value of group 1 to 5.0000e-02 in epoch 1.",
        "Adjusting parameter value of group 0 to 5.0000e-04 in epoch 2.",
        "Adjusting parameter value of group 1 to 5.0000e-03 in epoch 2.",
    ]


def test_plateau_momentum_verbose_names_the_epoch(log_records):
    scheduler = ReduceOnPlateauMomentum(_two_group_sgd(), patience=0, verbose=True)
    scheduler.step(dict(loss=1.0))
    scheduler.step(dict(loss=2.0))
    messages = [msg for level, msg in log_records if level == "INFO"]
    assert messages == [
        "Adjusting parameter value of group 0 to 9.0000e-02 in epoch 1.",
        "Adjusting parameter value of group 1 to 9.0000e-02 in epoch 1.",
    ]


def test_other_schedulers_verbose_has_no_epoch(log_records):
    # Recorded from 0.10.7: only ReduceOnPlateau appends the epoch.
    optimizer = _two_group_sgd()
    scheduler = StepLR(optimizer, step_size=1, verbose=True)
    optimizer.step()
    scheduler.step()
    messages = [msg for level, msg in log_records if level == "INFO"]
    assert messages == [
        "Adjusting parameter value of group 0 to 5.0000e-02.",
        "Adjusting parameter value of group 1 to 5.0000e-01.",
        "Adjusting parameter value of group 0 to 5.0000e-03.",
        "Adjusting parameter value of group 1 to 5.0000e-02.",
    ]


# ----------------------------------------------------------------- OptimWrapper


def test_resume_warning_leads_with_upstream_sentence(log_records):
    model = nn.Linear(2, 2)
    wrapper = OptimWrapper(SGD(model.parameters(), lr=0.1), accumulative_counts=3)
    wrapper.initialize_count_status(model, 4, 10)
    warnings = [msg for level, msg in log_records if level == "WARNING"]
    assert len(warnings) == 1
    assert warnings[0].startswith(
        "Resumed iteration number is not divisible by `_accumulative_counts` in "
        "`GradientCumulativeOptimizerHook`, which means the gradient of some iterations is "
        "lost and the result may be influenced slightly."
    )
    assert (wrapper._inner_count, wrapper._max_counts, wrapper._remainder_counts) == (4, 10, 1)


class _DuckOptimizer:
    """An optimizer-like object that does not derive from torch.optim.Optimizer."""

    def __init__(self, params, lr):
        self.param_groups = [{"params": list(params), "lr": lr, "momentum": 0.5}]
        self.defaults = {"lr": lr, "momentum": 0.5}

    def step(self, closure=None):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p.data.add_(p.grad, alpha=-group["lr"])

    def zero_grad(self, set_to_none=True):
        for group in self.param_groups:
            for p in group["params"]:
                p.grad = None

    def state_dict(self):
        groups = [{k: v for k, v in g.items() if k != "params"} for g in self.param_groups]
        return {"state": {}, "param_groups": groups}

    def __repr__(self):
        return "Duck()"


def test_optimizer_like_object_is_wrapped():
    # 0.10.7 wraps any object with param_groups, and schedulers drive it.
    model = nn.Linear(2, 1)
    wrapper = OptimWrapper(_DuckOptimizer(model.parameters(), 0.1))
    before = model.weight.detach().clone()
    wrapper.update_params(model(torch.ones(1, 2)).sum())
    assert not torch.equal(before, model.weight)
    scheduler = StepLR(wrapper, step_size=1)
    wrapper.step()
    scheduler.step()
    assert wrapper.get_lr()["lr"] == pytest.approx([0.01])
    assert wrapper.get_momentum() == {"momentum": [0.5]}
    assert repr(wrapper) == "Type: OptimWrapper\n_accumulative_counts: 1\noptimizer: \nDuck()\n"
    assert sorted(wrapper.state_dict()) == ["param_groups", "state"]


@pytest.mark.parametrize("bad", [None, dict(type="SGD", lr=0.1), nn.Linear(1, 1)])
def test_non_optimizer_raises_attribute_error(bad):
    # 0.10.7 raised AttributeError: '<type>' object has no attribute 'param_groups'.
    with pytest.raises(AttributeError, match="object has no attribute 'param_groups'"):
        OptimWrapper(bad)
    with pytest.raises(TypeError):
        OptimWrapper(bad)


# ------------------------------------------------------- build_iter_from_epoch


@pytest.mark.parametrize(
    "cls_name, args, owner, name",
    [
        ("StepLR", (2,), "StepParamScheduler", "step_size"),
        ("MultiStepLR", ([2],), "MultiStepParamScheduler", "milestones"),
        ("CosineRestartLR", ([2, 3], [1, 0.5], 0.0), "CosineRestartParamScheduler", "periods"),
    ],
)
def test_build_iter_from_epoch_needs_epoch_values_by_name(cls_name, args, owner, name):
    # 0.10.7: these are keyword-only; given by position they were never converted to iterations.
    import mmengine.optim as optim

    cls = getattr(optim.scheduler, cls_name)
    message = f"{owner}.build_iter_from_epoch() missing 1 required keyword-only argument: '{name}'"
    with pytest.raises(TypeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        cls.build_iter_from_epoch(_two_group_sgd(), *args, epoch_length=3)


@pytest.mark.parametrize(
    "cls_name, args, name",
    [("CosineAnnealingLR", (5,), "T_max"), ("OneCycleLR", (0.1, 5), "total_steps")],
)
def test_build_iter_from_epoch_optional_epoch_value_by_position_fails(cls_name, args, name):
    # 0.10.7 passes T_max/total_steps on by name: a positional one collides with it.
    import mmengine.optim as optim

    cls = getattr(optim.scheduler, cls_name)
    with pytest.raises(TypeError, match=f"got multiple values for argument '{name}'"):
        cls.build_iter_from_epoch(_two_group_sgd(), *args, epoch_length=3)


def test_build_iter_from_epoch_keywords_are_converted():
    # Recorded from 0.10.7 with epoch_length=3.
    from mmengine.optim import CosineRestartLR, MultiStepLR, StepLR

    step = StepLR.build_iter_from_epoch(
        _two_group_sgd(), step_size=2, gamma=0.5, begin=1, end=4, epoch_length=3
    )
    assert (step.step_size, step.begin, step.end, step.by_epoch) == (6, 3, 12, False)
    multi = MultiStepLR.build_iter_from_epoch(_two_group_sgd(), milestones=[1, 2.5], epoch_length=3)
    assert dict(multi.milestones) == {3: 1, 7.5: 1}
    restart = CosineRestartLR.build_iter_from_epoch(
        _two_group_sgd(), periods=[2, 3], restart_weights=[1, 0.5], eta_min=0.0, epoch_length=3
    )
    assert (restart.periods, restart.cumulative_periods) == ([6, 9], [6, 15])


# -------------------------------------------------------------------- OneCycle


@pytest.mark.parametrize(
    "func_name, strategy", [("_annealing_linear", "linear"), ("_annealing_cos", "cos")]
)
def test_one_cycle_loads_a_state_dict_saved_by_010(func_name, strategy):
    # 0.10.7's OneCycleLR state dict holds the function `anneal_func`, not `anneal_strategy`.
    import pickle

    from mmengine.optim import OneCycleLR
    from mmengine.optim.scheduler.param_scheduler import OneCycleParamScheduler

    source = OneCycleLR(_two_group_sgd(), eta_max=0.1, total_steps=10)
    upstream_state = source.state_dict()
    del upstream_state["anneal_strategy"], upstream_state["three_phase"]
    upstream_state["anneal_func"] = getattr(OneCycleParamScheduler, func_name)

    target = OneCycleLR(_two_group_sgd(), eta_max=0.1, total_steps=10, anneal_strategy="cos")
    target.load_state_dict(upstream_state)
    assert target.anneal_strategy == strategy
    assert target.anneal_func is getattr(OneCycleParamScheduler, func_name)
    saved = target.state_dict()
    assert "anneal_func" not in saved and saved["anneal_strategy"] == strategy
    pickle.loads(pickle.dumps(saved))  # plain data only
    assert "anneal_func" in upstream_state  # the caller's dict is left as it was
