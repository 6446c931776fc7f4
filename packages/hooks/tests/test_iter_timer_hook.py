"""IterTimerHook: time/data_time scalars and the eta estimate."""

import pytest

from mmengine.hooks import IterTimerHook


def test_records_times_and_eta(make_runner, monkeypatch):
    clock = iter([float(t) for t in range(100)])
    monkeypatch.setattr("mmengine.hooks.iter_timer_hook.time.time", lambda: next(clock))
    hook = IterTimerHook()
    runner = make_runner(max_epochs=2, iters_per_epoch=4, hooks=[hook])
    runner.call_hook("before_train")
    hook.before_train_epoch(runner)  # t = 0
    hook.before_train_iter(runner, 0)  # data_time = 1 - 0
    hook.after_train_iter(runner, 0)  # time = 2 - 0
    hub = runner.message_hub
    assert hub.get_scalar("train/data_time").current() == 1
    assert hub.get_scalar("train/time").current() == 2
    # 7 iterations left at 2 s each.
    assert hub.get_info("eta") == pytest.approx(14)


def test_eta_after_resume_counts_only_new_iterations(make_runner):
    hook = IterTimerHook()
    runner = make_runner(max_epochs=2, iters_per_epoch=4, hooks=[hook])
    runner.iter = 4
    hook.before_train(runner)
    assert hook.start_iter == 4
    hook.before_train_epoch(runner)
    hook.after_train_iter(runner, 0)
    assert runner.message_hub.get_info("eta") >= 0


def test_val_eta_uses_val_dataloader(make_runner, monkeypatch):
    clock = iter([float(t) for t in range(100)])
    monkeypatch.setattr("mmengine.hooks.iter_timer_hook.time.time", lambda: next(clock))
    hook = IterTimerHook()
    runner = make_runner(hooks=[hook])  # val dataloader: 2 batches
    hook.before_val_epoch(runner)  # 0
    hook.before_val_iter(runner, 0)  # 1
    hook.after_val_iter(runner, 0)  # 2
    assert runner.message_hub.get_scalar("val/time").current() == 2
    assert runner.message_hub.get_info("eta") == pytest.approx(2)
    hook.after_val_epoch(runner)
    assert hook.time_sec_test_val == 0
