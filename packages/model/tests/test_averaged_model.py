import pytest
import torch
import torch.nn as nn

from mmengine.model import (
    ExponentialMovingAverage,
    MomentumAnnealingEMA,
    StochasticWeightAverage,
)
from mmengine.registry import MODELS


def _model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))


def _perturb(model, step):
    with torch.no_grad():
        for p in model.parameters():
            p.add_(step)
        model[1].running_mean.add_(step)


def test_ema_matches_manual_computation():
    model = _model()
    ema = ExponentialMovingAverage(model, momentum=0.1)
    assert ema.steps.item() == 0
    assert all(not p.requires_grad for p in ema.module.parameters())
    expected = {k: v.clone() for k, v in model.named_parameters()}
    ema.update_parameters(model)  # first update copies
    for _ in range(1, 5):
        _perturb(model, 0.5)
        ema.update_parameters(model)
        for k, p in model.named_parameters():
            expected[k] = (1 - 0.1) * expected[k] + 0.1 * p.detach()
    for k, p in ema.module.named_parameters():
        assert torch.allclose(p, expected[k], atol=1e-6)
    assert ema.steps.item() == 5
    # buffers follow the source model when update_buffers=False
    assert torch.equal(ema.module[1].running_mean, model[1].running_mean)
    # forward uses the averaged module
    x = torch.randn(3, 2)
    ema.eval()
    assert torch.equal(ema(x), ema.module(x))


def test_ema_interval_and_update_buffers():
    model = _model()
    ema = ExponentialMovingAverage(model, momentum=0.5, interval=2, update_buffers=True)
    ema.update_parameters(model)  # step 0: copy
    start = ema.module[0].weight.clone()
    _perturb(model, 1.0)
    ema.update_parameters(model)  # step 1: skipped (1 % 2 != 0)
    assert torch.equal(ema.module[0].weight, start)
    ema.update_parameters(model)  # step 2: averaged
    assert torch.allclose(ema.module[0].weight, 0.5 * start + 0.5 * model[0].weight.detach())
    # buffers are averaged too, integer buffers untouched
    assert not torch.equal(ema.module[1].running_mean, model[1].running_mean)


def test_ema_momentum_checks(current_log):
    with pytest.raises(AssertionError):
        ExponentialMovingAverage(_model(), momentum=1.5)
    ExponentialMovingAverage(_model(), momentum=0.1)
    assert current_log() == []
    ExponentialMovingAverage(_model(), momentum=0.9)
    # upstream's text, through the run's logger so it reaches the log file
    assert current_log() == [
        (
            "WARNING",
            "The value of momentum in EMA is usually a small number,which is different from "
            "the conventional notion of momentum but got 0.9. Please make sure the value is "
            "correct.",
        )
    ]


def test_momentum_annealing_ema():
    model = _model()
    ema = MomentumAnnealingEMA(model, momentum=0.01, gamma=10)
    ema.update_parameters(model)
    prev = {k: p.clone() for k, p in ema.module.named_parameters()}
    _perturb(model, 1.0)
    ema.update_parameters(model)  # steps == 1 -> momentum = max(0.01, 10/11)
    m = 10 / 11
    for k, p in ema.module.named_parameters():
        src = dict(model.named_parameters())[k].detach()
        assert torch.allclose(p, (1 - m) * prev[k] + m * src, atol=1e-6)
    with pytest.raises(AssertionError):
        MomentumAnnealingEMA(model, gamma=0)


def test_swa_is_running_mean():
    model = _model()
    swa = StochasticWeightAverage(model)
    seen = []
    for step in range(4):
        _perturb(model, float(step))
        seen.append(model[0].weight.detach().clone())
        swa.update_parameters(model)
    assert torch.allclose(swa.module[0].weight, torch.stack(seen).mean(0), atol=1e-6)


def test_steps_buffer_in_state_dict_and_registry():
    ema = ExponentialMovingAverage(_model())
    ema.update_parameters(_model())
    state = ema.state_dict()
    assert "steps" in state and state["steps"].item() == 1
    other = ExponentialMovingAverage(_model())
    other.load_state_dict(state)
    assert other.steps.item() == 1
    assert MODELS.get("ExponentialMovingAverage") is ExponentialMovingAverage
    assert MODELS.get("StochasticWeightAverage") is StochasticWeightAverage
    assert MODELS.get("MomentumAnnealingEMA") is MomentumAnnealingEMA
