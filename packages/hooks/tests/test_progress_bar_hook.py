"""ProgressBarHook: off without a terminal, live bars per loop, clean teardown."""

import logging
import sys
from types import SimpleNamespace

import pytest
import torch

from mmengine.hooks import ProgressBarHook
from mmengine.registry import HOOKS


def test_registered_and_disabled_without_terminal(make_runner):
    assert HOOKS.get("ProgressBarHook") is ProgressBarHook
    hook = ProgressBarHook()
    runner = make_runner(max_epochs=1, hooks=[hook])
    assert not hook.enabled  # pytest captures stdout: not a terminal
    runner.train()
    assert not hook.active


def test_forced_bar_counts_iterations_and_stops_each_epoch(make_runner):
    hook = ProgressBarHook(force=True, refresh_per_second=1000)
    runner = make_runner(max_epochs=2, hooks=[hook])
    runner.call_hook("before_run")
    hook.before_train_epoch(runner)
    assert hook.active
    task_id = hook._tasks["train"]
    task = hook._progress.tasks[0]
    assert task.description == "Epoch 1/2" and task.total == 4
    runner.message_hub.update_scalar("train/loss", torch.tensor(0.25))
    for i in range(3):
        hook._last_update = 0.0  # let every iteration redraw
        hook.after_train_iter(runner, i)
    task = next(t for t in hook._progress.tasks if t.id == task_id)
    assert task.completed == 3
    assert task.fields["loss"] == "loss: 0.2500"
    hook.after_train_epoch(runner)
    assert not hook.active


def test_updates_are_throttled(make_runner):
    hook = ProgressBarHook(force=True, refresh_per_second=0.001)
    runner = make_runner(max_epochs=1, hooks=[hook])
    hook.before_train_epoch(runner)
    for i in range(3):
        hook.after_train_iter(runner, i)
    assert hook._counts["train"] == 3
    assert hook._progress.tasks[0].completed == 0  # not redrawn yet
    hook.after_run(runner)


def test_val_bar_nested_in_iter_based_training_and_after_run_cleanup(make_runner):
    hook = ProgressBarHook(force=True)
    runner = make_runner(max_epochs=1, hooks=[hook])
    runner._train_loop = type("IterBasedTrainLoop", (), {})()
    runner._train_loop.dataloader = runner.train_dataloader
    runner.iter = 2
    hook.before_train_epoch(runner)
    assert hook._progress.tasks[0].total == runner.max_iters
    assert hook._progress.tasks[0].completed == 2
    hook.before_val_epoch(runner)
    assert set(hook._tasks) == {"train", "val"}
    hook.after_val_iter(runner, 0)
    hook.after_val_epoch(runner)
    assert hook.active and set(hook._tasks) == {"train"}
    hook.after_run(runner)  # e.g. the run crashed mid-epoch
    assert not hook.active


def test_logger_output_goes_above_the_bar(make_runner, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    hook = ProgressBarHook(force=True)
    runner = make_runner(max_epochs=1, hooks=[hook])
    stream = logging.StreamHandler(sys.stdout)
    runner.logger.addHandler(stream)
    try:
        original = sys.stdout
        hook.before_test_epoch(runner)
        assert hook._progress.console.is_terminal  # FORCE_COLOR makes rich treat it as one
        # rich proxies stdout while the bar is live; the logger's handler writes through it.
        assert sys.stdout is not original
        assert stream in [h for h, _ in hook._swapped_handlers]
        assert stream.stream is sys.stdout
        runner.logger.info("a line above the bar")
        hook.after_test_epoch(runner)
        assert sys.stdout is original
        assert stream.stream is sys.stdout  # restored
        assert hook._swapped_handlers == []
    finally:
        runner.logger.removeHandler(stream)


def test_only_rank_zero(make_runner, monkeypatch):
    monkeypatch.setattr("mmengine.hooks.progress_bar_hook.get_rank", lambda: 1)
    assert not ProgressBarHook(force=True).enabled


def test_invalid_refresh():
    with pytest.raises(ValueError):
        ProgressBarHook(refresh_per_second=0)


def test_unsized_loader():
    hook = ProgressBarHook(force=True)
    runner = SimpleNamespace(test_loop=SimpleNamespace(dataloader=iter([])), logger=None)
    hook.before_test_epoch(runner)
    assert hook._progress.tasks[0].total is None
    hook.after_run(runner)


def test_last_iteration_always_drawn(make_runner):
    hook = ProgressBarHook(force=True, refresh_per_second=0.001)
    runner = make_runner(max_epochs=1, hooks=[hook])
    hook.before_val_epoch(runner)  # 2 val batches
    hook.after_val_iter(runner, 0)
    assert hook._progress.tasks[0].completed == 0
    hook.after_val_iter(runner, 1)
    assert hook._progress.tasks[0].completed == 2
    hook.after_run(runner)
