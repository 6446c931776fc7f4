"""EMAHook: averaged weights during val/test, in checkpoints, and after loading."""

import copy

import pytest
import torch

from mmengine.hooks import EMAHook


def _params(model):
    return [p.detach().clone() for p in model.parameters()]


def _same(a, b):
    return all(torch.equal(x, y) for x, y in zip(a, b))


def test_ema_swapped_in_for_validation_and_back(make_runner):
    hook = EMAHook(momentum=0.5)
    runner = make_runner(max_epochs=1, hooks=[hook])
    runner.call_hook("before_run")
    runner.call_hook("before_train")
    runner.run_train_epoch()
    src = _params(runner.model)
    ema = _params(hook.ema_model.module)
    assert not _same(src, ema)

    hook.before_val_epoch(runner)
    assert _same(_params(runner.model), ema)
    hook.after_val_epoch(runner, metrics={})
    assert _same(_params(runner.model), src)

    hook.before_test_epoch(runner)
    assert _same(_params(runner.model), ema)
    hook.after_test_epoch(runner)
    assert _same(_params(runner.model), src)


def test_checkpoint_holds_ema_weights_and_resume_restores(make_runner):
    hook = EMAHook(momentum=0.5)
    runner = make_runner(max_epochs=1, hooks=[hook])
    runner.call_hook("before_run")
    runner.run_train_epoch()
    src_state = copy.deepcopy(runner.model.state_dict())
    ema_state = copy.deepcopy(hook.ema_model.module.state_dict())

    checkpoint = {"state_dict": dict(runner.model.state_dict())}
    hook.before_save_checkpoint(runner, checkpoint)
    w = "linear.weight"
    assert torch.equal(checkpoint["state_dict"][w], ema_state[w])
    assert torch.equal(checkpoint["ema_state_dict"]["module." + w], src_state[w])
    # The live model is untouched by saving.
    assert torch.equal(runner.model.state_dict()[w], src_state[w])

    ckpt = copy.deepcopy(checkpoint)
    hook2 = EMAHook(momentum=0.5)
    runner2 = make_runner(max_epochs=1, hooks=[hook2], resume=True)
    runner2.call_hook("before_run")
    hook2.after_load_checkpoint(runner2, ckpt)
    # Swapped back: state_dict holds the source weights again, the EMA model the averages.
    assert torch.equal(ckpt["state_dict"][w], src_state[w])
    assert torch.equal(hook2.ema_model.module.state_dict()[w], ema_state[w])


def test_load_without_ema_state_copies_weights(make_runner):
    hook = EMAHook()
    runner = make_runner(hooks=[hook])
    runner.call_hook("before_run")
    state = {k: torch.full_like(v, 0.25) if v.is_floating_point() else v
             for k, v in runner.model.state_dict().items()}  # fmt: skip
    hook.after_load_checkpoint(runner, {"state_dict": state})
    assert torch.all(hook.ema_model.module.linear.weight == 0.25)


def test_begin_iter_copies_weights_until_started(make_runner):
    hook = EMAHook(begin_iter=100)
    runner = make_runner(max_epochs=30, hooks=[hook])
    runner.call_hook("before_run")
    runner.call_hook("before_train")
    runner.run_train_epoch()
    assert _same(_params(runner.model), _params(hook.ema_model.module))
    assert not hook._ema_started(runner)
    runner.iter = 99
    assert hook._ema_started(runner)


def test_invalid_begin_has_upstream_texts():
    with pytest.raises(AssertionError, match="^`begin_iter` and `begin_epoch` should not be both"):
        EMAHook(begin_iter=1, begin_epoch=1)
    with pytest.raises(
        AssertionError, match="^`begin_iter` must larger than or equal to 0, but got begin_iter: -1"
    ):
        EMAHook(begin_iter=-1)
    with pytest.raises(
        AssertionError,
        match="^`begin_epoch` must larger than or equal to 0, but got begin_epoch: -1",
    ):
        EMAHook(begin_epoch=-1)
    assert EMAHook(begin_iter=0).begin_iter == 0  # 0 is allowed


def test_begin_beyond_training_length(make_runner):
    hook = EMAHook(begin_epoch=10)
    runner = make_runner(max_epochs=2, hooks=[hook])
    runner.call_hook("before_run")
    with pytest.raises(AssertionError, match="begin_epoch"):
        runner.call_hook("before_train")
