"""Behaviour of OptimWrapper: update, accumulation, clipping, state."""

import copy
from contextlib import contextmanager

import pytest
import torch
import torch.nn as nn
from torch.optim import SGD, Adam

from mmengine.logging import MessageHub
from mmengine.optim import BaseOptimWrapper, OptimWrapper


def _mlp(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))


def _loss(model, x, y):
    return nn.functional.mse_loss(model(x), y)


def test_update_params_matches_plain_training():
    model_a, model_b = _mlp(), _mlp()
    opt_a = SGD(model_a.parameters(), lr=0.1, momentum=0.9)
    wrapper = OptimWrapper(SGD(model_b.parameters(), lr=0.1, momentum=0.9))
    torch.manual_seed(1)
    for _ in range(5):
        x, y = torch.randn(6, 4), torch.randn(6, 2)
        loss = _loss(model_a, x, y)
        loss.backward()
        opt_a.step()
        opt_a.zero_grad()
        wrapper.update_params(_loss(model_b, x, y))
    for pa, pb in zip(model_a.parameters(), model_b.parameters()):
        torch.testing.assert_close(pa, pb)
    assert wrapper.inner_count == 5
    assert all(p.grad is None for p in model_b.parameters())


def test_is_a_base_optim_wrapper_and_rejects_non_optimizer():
    wrapper = OptimWrapper(SGD(_mlp().parameters(), lr=0.1))
    assert isinstance(wrapper, BaseOptimWrapper)
    with pytest.raises((TypeError, AssertionError)):
        OptimWrapper(_mlp())
    with pytest.raises((ValueError, AssertionError)):
        OptimWrapper(SGD(_mlp().parameters(), lr=0.1), accumulative_counts=0)


def test_accumulation_equals_one_big_batch():
    """4 accumulation steps of 8 samples == one step on the 32-sample batch."""
    model_big, model_acc = _mlp(), _mlp()
    opt_big = SGD(model_big.parameters(), lr=0.5)
    wrapper = OptimWrapper(SGD(model_acc.parameters(), lr=0.5), accumulative_counts=4)
    torch.manual_seed(3)
    x, y = torch.randn(32, 4), torch.randn(32, 2)
    _loss(model_big, x, y).backward()
    opt_big.step()
    for i in range(4):
        sl = slice(8 * i, 8 * (i + 1))
        before = [p.detach().clone() for p in model_acc.parameters()]
        wrapper.update_params(_loss(model_acc, x[sl], y[sl]))
        if i < 3:
            # No update inside the window, gradients keep accumulating.
            assert not wrapper.should_update()
            for b, p in zip(before, model_acc.parameters()):
                assert torch.equal(b, p)
    for pa, pb in zip(model_big.parameters(), model_acc.parameters()):
        torch.testing.assert_close(pa, pb, rtol=1e-5, atol=1e-6)


def test_last_incomplete_window_is_scaled_by_remainder():
    model = nn.Linear(1, 1, bias=False)
    wrapper = OptimWrapper(SGD(model.parameters(), lr=1.0), accumulative_counts=3)
    wrapper.initialize_count_status(model, 0, 7)
    assert wrapper.max_counts == 7
    loss = torch.tensor(6.0)
    factors = []
    for _ in range(7):
        factors.append(float(6.0 / wrapper.scale_loss(loss)))
        wrapper._inner_count += 1
    # Windows [0,3) and [3,6) divide by 3; the last window (1 iter) by 1.
    assert factors == [3, 3, 3, 3, 3, 3, 1]


def test_should_update_and_sync_with_max_counts():
    model = nn.Linear(1, 1)
    wrapper = OptimWrapper(SGD(model.parameters(), lr=0.1), accumulative_counts=3)
    wrapper.initialize_count_status(model, 0, 5)
    updates, syncs = [], []
    x = torch.ones(1, 1)
    for _ in range(5):
        syncs.append(wrapper.should_sync())
        wrapper.update_params(model(x).sum())
        updates.append(wrapper.should_update())
    assert syncs == [False, False, True, False, True]
    assert updates == [False, False, True, False, True]


def test_resume_count_not_divisible_warns_but_counts():
    model = nn.Linear(1, 1)
    wrapper = OptimWrapper(SGD(model.parameters(), lr=0.1), accumulative_counts=2)
    wrapper.initialize_count_status(model, 3, 10)
    assert wrapper.inner_count == 3


def test_optim_context_uses_no_sync_only_while_accumulating():
    entered = []

    class FakeDDP(nn.Linear):
        @contextmanager
        def no_sync(self):
            entered.append(True)
            yield

    model = FakeDDP(1, 1)
    wrapper = OptimWrapper(SGD(model.parameters(), lr=0.1), accumulative_counts=2)
    for _ in range(4):
        with wrapper.optim_context(model):
            loss = model(torch.ones(1, 1)).sum()
        wrapper.update_params(loss)
    assert len(entered) == 2  # iterations 1 and 3 skip the synchronization

    plain = OptimWrapper(SGD(model.parameters(), lr=0.1))
    entered.clear()
    with plain.optim_context(model):
        pass
    assert entered == []


def test_clip_grad_norm_clips_and_logs_grad_norm():
    message_hub = MessageHub.get_instance("test_optim_clip_norm")
    model = nn.Linear(3, 1)
    clip_cfg = dict(max_norm=0.1)
    wrapper = OptimWrapper(SGD(model.parameters(), lr=0.0), clip_grad=clip_cfg)
    assert clip_cfg == dict(max_norm=0.1)
    loss = (model(torch.ones(2, 3)) * 100).sum()
    loss.backward()
    expected = torch.cat([p.grad.flatten() for p in model.parameters()]).norm()
    wrapper.step()
    norm = torch.cat([p.grad.flatten() for p in model.parameters()]).norm()
    assert float(norm) == pytest.approx(0.1, rel=1e-4)
    assert wrapper.message_hub is message_hub
    assert message_hub.get_scalar("train/grad_norm").current() == pytest.approx(float(expected))


def test_clip_grad_value():
    model = nn.Linear(3, 1)
    wrapper = OptimWrapper(
        SGD(model.parameters(), lr=0.0), clip_grad=dict(type="value", clip_value=0.05)
    )
    assert wrapper.clip_grad_kwargs == dict(clip_value=0.05)
    (model(torch.ones(2, 3)) * 100).sum().backward()
    wrapper.step()
    for p in model.parameters():
        assert p.grad.abs().max() <= 0.05 + 1e-8


@pytest.mark.parametrize(
    "clip_grad, exc",
    [
        (dict(type="unknown", max_norm=1), ValueError),
        (dict(type="norm"), ValueError),
        ([1], TypeError),
        ({}, TypeError),
    ],
)
def test_clip_grad_errors(clip_grad, exc):
    with pytest.raises(exc):
        OptimWrapper(SGD(nn.Linear(1, 1).parameters(), lr=0.1), clip_grad=clip_grad)


def test_step_and_zero_kwargs_are_forwarded():
    model = nn.Linear(2, 1)
    wrapper = OptimWrapper(SGD(model.parameters(), lr=0.1))
    wrapper.update_params(model(torch.ones(1, 2)).sum(), zero_kwargs=dict(set_to_none=False))
    assert all(torch.equal(p.grad, torch.zeros_like(p)) for p in model.parameters())


def test_get_lr_momentum_param_groups_defaults():
    model = nn.Linear(1, 1)
    wrapper = OptimWrapper(SGD(model.parameters(), lr=0.01))
    assert wrapper.get_lr() == {"lr": [0.01]}
    assert wrapper.get_momentum() == {"momentum": [0]}
    assert wrapper.param_groups is wrapper.optimizer.param_groups
    assert wrapper.defaults is wrapper.optimizer.defaults
    adam = OptimWrapper(Adam(model.parameters(), lr=0.01, betas=(0.8, 0.99)))
    assert adam.get_momentum() == {"momentum": [0.8]}


def test_multiple_param_groups_track_base_lr():
    model = nn.Sequential(nn.Linear(1, 1), nn.Linear(1, 1))
    optimizer = SGD(
        [{"params": model[0].parameters()}, {"params": model[1].parameters(), "lr": 0.1}], lr=0.01
    )
    wrapper = OptimWrapper(optimizer)
    assert wrapper.get_lr() == {"base_lr": [0.01], "lr": [0.01, 0.1]}
    assert len(wrapper.param_groups) == 3
    state = wrapper.state_dict()
    assert state["base_param_settings"]["lr"] == 0.01
    state["base_param_settings"]["lr"] = 0.5
    other = OptimWrapper(
        SGD([{"params": model[0].parameters()}, {"params": model[1].parameters()}], lr=0.3)
    )
    other.load_state_dict(copy.deepcopy(state))
    assert other.get_lr() == {"base_lr": [0.5], "lr": [0.01, 0.1]}


def test_state_dict_round_trip():
    model = nn.Linear(2, 1)
    wrapper = OptimWrapper(SGD(model.parameters(), lr=0.1, momentum=0.9))
    wrapper.update_params(model(torch.ones(1, 2)).sum())
    state = wrapper.state_dict()
    assert set(state) == {"state", "param_groups"}
    new = OptimWrapper(SGD(model.parameters(), lr=0.5, momentum=0.9))
    new.load_state_dict(state)
    assert new.get_lr() == {"lr": [0.1]}
    assert "momentum_buffer" in new.optimizer.state[next(iter(model.parameters()))]


def test_repr_mentions_type_and_counts():
    wrapper = OptimWrapper(SGD(nn.Linear(1, 1).parameters(), lr=0.1), accumulative_counts=2)
    text = repr(wrapper)
    assert "Type: OptimWrapper" in text
    assert "_accumulative_counts: 2" in text
    assert "SGD" in text


def test_wrong_count_status_raises_on_scale_loss():
    model = nn.Linear(1, 1)
    wrapper = OptimWrapper(SGD(model.parameters(), lr=0.1), accumulative_counts=3)
    wrapper.initialize_count_status(model, 9, 9)  # already past the end
    with pytest.raises((ValueError, AssertionError), match="loss_factor"):
        wrapper.scale_loss(torch.tensor(1.0))


def test_initialize_count_status_warnings(monkeypatch):
    from mmengine.optim.optimizer import optimizer_wrapper as module

    messages = []
    monkeypatch.setattr(module, "print_log", lambda msg, **kw: messages.append(msg))
    wrapper = OptimWrapper(SGD(nn.Linear(1, 1).parameters(), lr=0.1), accumulative_counts=3)
    wrapper.initialize_count_status(nn.Linear(1, 1), 0, 100)
    assert messages == [] and wrapper._remainder_counts == 1
    wrapper.initialize_count_status(nn.Linear(1, 1), 2, 100)
    assert len(messages) == 1 and "Resumed iteration number" in messages[0]
    wrapper.initialize_count_status(nn.BatchNorm2d(1), 0, 99)
    assert len(messages) == 2 and "Gradient accumulative" in messages[1]
