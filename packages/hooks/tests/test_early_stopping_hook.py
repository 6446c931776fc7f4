"""EarlyStoppingHook: patience, min_delta, thresholds, non-finite values, missing keys."""

import math

import numpy as np
import pytest
import torch

from mmengine.hooks import EarlyStoppingHook


def _feed(hook, runner, values, key="acc"):
    for value in values:
        hook.after_val_epoch(runner, metrics={key: value})


def test_stops_after_patience(make_runner):
    hook = EarlyStoppingHook(monitor="acc", patience=2, min_delta=0.01)
    runner = make_runner(hooks=[hook])
    _feed(hook, runner, [0.5, 0.6, 0.605])
    assert not runner.train_loop.stop_training and hook.wait_count == 1
    _feed(hook, runner, [0.59])
    assert runner.train_loop.stop_training
    assert hook.best_score == 0.6


def test_improvement_resets_wait(make_runner):
    hook = EarlyStoppingHook(monitor="loss", patience=2, min_delta=0.1)
    assert hook.rule == "less"
    runner = make_runner(hooks=[hook])
    _feed(hook, runner, [1.0, 0.95, 0.7, 0.69], key="loss")
    assert hook.wait_count == 1 and not runner.train_loop.stop_training


def test_monitor_a_dataset_prefixed_key(make_runner):
    # several validation datasets: one call with every dataset's metrics, prefixed
    hook = EarlyStoppingHook(monitor="voc/loss", patience=1)
    assert hook.rule == "less"
    runner = make_runner(hooks=[hook])
    hook.after_val_epoch(runner, metrics={"coco/loss": 0.1, "voc/loss": 1.0})
    hook.after_val_epoch(runner, metrics={"coco/loss": 0.01, "voc/loss": 1.0})
    assert runner.train_loop.stop_training and hook.best_score == 1.0


def test_stopping_threshold_and_non_finite(make_runner):
    hook = EarlyStoppingHook(monitor="acc", stopping_threshold=0.9)
    runner = make_runner(hooks=[hook])
    _feed(hook, runner, [0.95])
    assert runner.train_loop.stop_training

    hook = EarlyStoppingHook(monitor="acc")
    runner = make_runner(hooks=[hook])
    _feed(hook, runner, [math.nan])
    assert runner.train_loop.stop_training


def test_missing_monitor(make_runner):
    runner = make_runner()
    with pytest.warns(UserWarning, match="Skip early stopping"):
        EarlyStoppingHook(monitor="acc").after_val_epoch(runner, metrics={"loss": 1})
    with pytest.raises(RuntimeError, match="strict=False"):
        EarlyStoppingHook(monitor="acc", strict=True).after_val_epoch(runner, {"loss": 1})


def test_rules():
    assert EarlyStoppingHook(monitor="top1").rule == "greater"
    assert EarlyStoppingHook(monitor="x", rule="less").min_delta == -0.1
    with pytest.raises(ValueError, match="^Cannot infer the rule for psnr, thus rule must be"):
        EarlyStoppingHook(monitor="psnr")
    with pytest.raises(
        ValueError, match='^`rule` should be either "greater" or "less", but got up'
    ):
        EarlyStoppingHook(monitor="acc", rule="up")


def test_stops_a_training_run(make_runner):
    hook = EarlyStoppingHook(monitor="acc", patience=1)
    runner = make_runner(max_epochs=5, hooks=[hook])
    runner.train(metrics=[{"acc": 0.5}, {"acc": 0.5}, {"acc": 0.9}, {"acc": 0.9}, {"acc": 0.9}])
    assert runner.epoch == 2


@pytest.mark.parametrize(
    "make_value",
    [lambda v: torch.tensor(v), lambda v: np.float64(v), float],
    ids=["tensor", "np.float64", "float"],
)
def test_best_score_keeps_the_metric_type(make_runner, make_value):
    hook = EarlyStoppingHook(monitor="acc", patience=2)
    runner = make_runner(hooks=[hook])
    _feed(hook, runner, [make_value(0.5)])
    assert type(hook.best_score) is type(make_value(0.5))
    assert float(hook.best_score) == 0.5
    _feed(hook, runner, [make_value(0.55), make_value(0.52)])  # no improvement > min_delta
    assert runner.train_loop.stop_training
    hook = EarlyStoppingHook(monitor="acc", stopping_threshold=0.4)
    _feed(hook, make_runner(hooks=[hook]), [make_value(0.5)])
    assert type(hook.best_score) is type(make_value(0.5))
