"""Bad hook configs fail early (construction or before_run/before_train) with a clear message.

mmengine 0.10 accepted most of these at construction and failed at the first save or the
first validation, with a bare comparison TypeError; the exception classes stay 0.10's.
"""

from __future__ import annotations

import logging
import os
import os.path as osp
from contextlib import contextmanager

import numpy as np
import pytest
import torch

from mmengine.hooks import (
    CheckpointHook,
    EarlyStoppingHook,
    EMAHook,
    EmptyCacheHook,
    LoggerHook,
    NaiveVisualizationHook,
    ProfilerHook,
    TimeLimitHook,
)
from mmengine.logging import MMLogger


@contextmanager
def logged_warnings():
    """Collect the WARNING records logged to the current MMLogger."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(level=logging.WARNING)
    handler.emit = records.append  # type: ignore[method-assign]
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


# ---------------------------------------------------------------- CheckpointHook
@pytest.mark.parametrize(
    "kwargs, exc, parts",
    [
        (dict(interval="1"), TypeError, ["interval must be an integer", "str: '1'"]),
        (dict(interval=None), TypeError, ["interval must be an integer", "NoneType"]),
        (dict(interval=1.5), TypeError, ["interval must be an integer", "float: 1.5"]),
        (dict(interval=1, by_epoch="False"), TypeError, ["by_epoch must be a bool", "False"]),
        (dict(interval=1, max_keep_ckpts="3"), TypeError, ["max_keep_ckpts must be an integer"]),
        (dict(interval=1, save_begin="1"), TypeError, ["save_begin must be an integer"]),
        (dict(interval=1, out_dir=5), TypeError, ["out_dir must be a str or Path", "int: 5"]),
        (dict(interval=1, out_dir=5), AssertionError, ["out_dir"]),  # 0.10's class
        (dict(interval=1, filename_tmpl=5), TypeError, ["filename_tmpl must be a str"]),
        (dict(interval=1, filename_tmpl=5), AttributeError, ["filename_tmpl"]),  # 0.10's class
        (dict(interval=1, filename_tmpl="e_{epoch}.pth"), KeyError, ["'e_{epoch}.pth'", "'{}'"]),
        (dict(interval=1, filename_tmpl="e_{}_{}.pth"), IndexError, ["'e_{}_{}.pth'", "'{}'"]),
        (
            dict(interval=1, save_best="acc", rule="Greater"),
            KeyError,
            ["rule must be greater, less or None, but got Greater.", "save_best='acc'"],
        ),
    ],
)
def test_checkpoint_hook_bad_arguments_fail_at_construction(kwargs, exc, parts):
    with pytest.raises(exc) as info:
        CheckpointHook(**kwargs)
    message = str(info.value)
    for part in parts:
        assert part in message
    assert "CheckpointHook" in message


def test_checkpoint_hook_integral_float_max_keep_ckpts_is_a_count(make_runner):
    hook = CheckpointHook(interval=1, max_keep_ckpts=2.0)
    runner = make_runner(hooks=[hook])
    hook.before_train(runner)
    for _ in range(3):
        runner.run_train_epoch()
    kept = sorted(f for f in os.listdir(hook.out_dir) if f.endswith(".pth"))
    assert kept == ["epoch_2.pth", "epoch_3.pth"]
    assert list(hook.keep_ckpt_ids) == [2, 3]


@pytest.mark.parametrize("interval", [2, 2.0, -1])
def test_checkpoint_hook_valid_intervals_still_accepted(interval):
    assert CheckpointHook(interval=interval).interval == interval


@pytest.mark.parametrize(
    "kwargs, part",
    [
        (dict(interval=0), "interval=0 saves no periodic checkpoint"),
        (dict(interval=1, max_keep_ckpts=0), "max_keep_ckpts=0 keeps every checkpoint"),
        (dict(interval=1, filename_tmpl="ckpt.pth"), "'ckpt.pth' has no '{}' placeholder"),
    ],
)
def test_checkpoint_hook_surprising_values_warn(kwargs, part):
    with logged_warnings() as records:
        CheckpointHook(**kwargs)
    assert any(part in r.getMessage() for r in records), [r.getMessage() for r in records]


def test_checkpoint_hook_default_arguments_do_not_warn():
    with logged_warnings() as records:
        CheckpointHook(interval=1, max_keep_ckpts=2, filename_tmpl="e_{}.pth")
    assert records == []


def test_checkpoint_hook_unknown_argument_fails_in_before_train(make_runner):
    hook = CheckpointHook(interval=1, intreval=2)
    runner = make_runner(hooks=[hook])
    with pytest.raises(TypeError) as info:
        hook.before_train(runner)
    message = str(info.value)
    assert "got an unexpected keyword argument 'intreval'" in message
    assert "did you mean 'interval'?" in message
    assert runner.saved == []


def test_checkpoint_hook_argument_it_sets_itself_fails_in_before_train(make_runner):
    hook = CheckpointHook(interval=1, meta=dict(a=1))
    with pytest.raises(TypeError, match="multiple values for keyword argument 'meta'"):
        hook.before_train(make_runner(hooks=[hook]))


def test_checkpoint_hook_unusable_out_dir_fails_in_before_train(make_runner, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    hook = CheckpointHook(interval=1, out_dir=str(blocker / "ckpts"))
    runner = make_runner(hooks=[hook])
    with pytest.raises(OSError) as info:
        hook.before_train(runner)
    assert "CheckpointHook: cannot create out_dir directory" in str(info.value)
    assert str(blocker) in str(info.value)
    assert runner.saved == []


def test_checkpoint_hook_out_dir_is_created_in_before_train(make_runner, tmp_path):
    hook = CheckpointHook(interval=1, out_dir=str(tmp_path / "new" / "ckpts"))
    runner = make_runner(hooks=[hook])
    hook.before_train(runner)
    assert osp.isdir(hook.out_dir)
    assert hook.out_dir == osp.join(str(tmp_path / "new" / "ckpts"), osp.basename(runner.work_dir))


def test_checkpoint_hook_save_best_missing_metric_lists_the_metrics(make_runner):
    hook = CheckpointHook(interval=1, save_best="mAP")
    runner = make_runner(hooks=[hook])
    hook.before_train(runner)
    with pytest.raises(KeyError) as info:
        runner.run_val({"acc": 0.5, "loss": 1.0})
    message = str(info.value)
    assert "'mAP'" in message and "['acc', 'loss']" in message
    assert not any(f.startswith("best_") for f in os.listdir(hook.out_dir))


# ---------------------------------------------------------------- LoggerHook
def test_logger_hook_unusable_out_dir_fails_in_before_run(make_runner, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    hook = LoggerHook(out_dir=str(blocker / "logs"))
    runner = make_runner(hooks=[hook])
    with pytest.raises(OSError) as info:
        hook.before_run(runner)  # 0.10: after the whole run, when copying the logs
    assert "LoggerHook: cannot create out_dir directory" in str(info.value)
    assert str(blocker) in str(info.value)


# ---------------------------------------------------------------- EMAHook
@pytest.mark.parametrize(
    "kwargs, expected",
    [
        (
            dict(begin_epoch=5),
            "self.begin_epoch should be smaller than or equal to runner.max_epochs: 3, "
            "but got begin_epoch: 5",
        ),
        (
            dict(begin_iter=100),
            "self.begin_iter should be smaller than or equal to runner.max_iters: 6, "
            "but got begin_iter: 100",
        ),
    ],
)
def test_ema_hook_begin_after_the_end_keeps_the_upstream_sentence(make_runner, kwargs, expected):
    hook = EMAHook(**kwargs)
    runner = make_runner(max_epochs=3, iters_per_epoch=2, hooks=[hook])
    with pytest.raises(AssertionError) as info:
        hook.before_train(runner)
    assert str(info.value).startswith(expected)
    assert "EMAHook" in str(info.value)


# ---------------------------------------------------------------- EarlyStoppingHook
@pytest.mark.parametrize(
    "kwargs, exc, parts",
    [
        (dict(monitor=None), AttributeError, ["monitor must be the str key", "NoneType"]),
        (dict(monitor=5), TypeError, ["monitor must be the str key", "int: 5"]),
        (dict(monitor="acc", patience="3"), TypeError, ["patience must be a number", "'3'"]),
        (dict(monitor="acc", min_delta="a"), TypeError, ["min_delta must be a number"]),
        (
            dict(monitor="acc", stopping_threshold="0.9"),
            TypeError,
            ["stopping_threshold must be a number or None", "'0.9'"],
        ),
        (dict(monitor="acc", strict="False"), TypeError, ["strict must be a bool"]),
    ],
)
def test_early_stopping_bad_arguments_fail_at_construction(kwargs, exc, parts):
    with pytest.raises(exc) as info:
        EarlyStoppingHook(**kwargs)
    for part in parts:
        assert part in str(info.value)
    assert "EarlyStoppingHook" in str(info.value)


def test_early_stopping_negative_patience_warns():
    with logged_warnings() as records:
        EarlyStoppingHook(monitor="acc", patience=-1)
    assert any("patience=-1 is negative" in r.getMessage() for r in records)
    with logged_warnings() as records:
        EarlyStoppingHook(monitor="acc", patience=0, stopping_threshold=0.9, min_delta=0)
    assert records == []


def test_early_stopping_missing_monitor_warning_says_how_to_fix(make_runner):
    hook = EarlyStoppingHook(monitor="mAP")
    runner = make_runner(hooks=[hook])
    with pytest.warns(UserWarning) as record:
        hook.after_val_epoch(runner, {"acc": 0.5, "loss": 1.0})
    message = str(record[0].message)
    assert message.startswith(
        "Skip early stopping process since the evaluation results (['acc', 'loss']) do not "
        "include `monitor` (mAP)."
    )
    assert "set `monitor` to one of these keys" in message
    assert runner.train_loop.stop_training is False


# ---------------------------------------------------------------- ProfilerHook
def test_profiler_hook_trace_config_changed_after_construction_is_checked_again():
    hook = ProfilerHook(on_trace_ready=dict(type="log_trace"))
    hook.on_trace_ready = dict(type="lg_trace")
    with pytest.raises(ValueError, match="trace_type should be .* but got lg_trace"):
        hook._parse_trace_config(runner=None)


@pytest.mark.parametrize(
    "kwargs, exc, parts",
    [
        (
            dict(on_trace_ready=dict(type="log_trace", sort_by="cpu_tim")),
            AttributeError,
            ["no attribute 'cpu_tim'", "did you mean 'cpu_time'?"],
        ),
        (
            dict(on_trace_ready=dict(type="log_trace", sortby="cpu_time")),
            TypeError,
            ["unexpected keyword argument 'sortby'", "did you mean 'sort_by'?"],
        ),
        (
            dict(on_trace_ready=dict(type="lg_trace")),
            ValueError,
            ['trace_type should be "log_trace" or "tb_trace", but got lg_trace', "log_trace'?"],
        ),
        (dict(json_trace_path=5), AttributeError, ["json_trace_path must be a str", "int: 5"]),
        (dict(schedule=dict(wait=1)), TypeError, ["warmup", "ProfilerHook: schedule="]),
        (
            dict(schedule=dict(wait=-1, warmup=1, active=1)),
            AssertionError,
            ["Invalid profiler schedule arguments", "ProfilerHook: schedule="],
        ),
    ],
)
def test_profiler_hook_bad_trace_config_fails_at_construction(kwargs, exc, parts):
    with pytest.raises(exc) as info:
        ProfilerHook(**kwargs)
    for part in parts:
        assert part in str(info.value)


@pytest.mark.parametrize("sort_by", ["cpu_time_total", "cuda_time_total", "self_cpu_time_total"])
def test_profiler_hook_valid_sort_by_is_accepted(sort_by):
    ProfilerHook(on_trace_ready=dict(type="log_trace", sort_by=sort_by, row_limit=5))


# ---------------------------------------------------------------- flags and small hooks
@pytest.mark.parametrize(
    "build, part",
    [
        (lambda: EmptyCacheHook(after_iter="False"), "EmptyCacheHook: after_iter must be a bool"),
        (lambda: EmptyCacheHook(before_epoch="yes"), "EmptyCacheHook: before_epoch must be a bool"),
        (lambda: LoggerHook(log_metric_by_epoch="x"), "LoggerHook: log_metric_by_epoch must be"),
        (lambda: NaiveVisualizationHook(draw_gt="no"), "NaiveVisualizationHook: draw_gt must be"),
        (lambda: NaiveVisualizationHook(interval="2"), "NaiveVisualizationHook: interval must be"),
    ],
)
def test_string_flags_and_intervals_are_rejected(build, part):
    with pytest.raises(TypeError, match=part):
        build()


def test_string_flag_message_names_the_meant_value():
    with pytest.raises(TypeError) as info:
        EmptyCacheHook(after_epoch="False")
    assert "which counts as True; write after_epoch=False without quotes" in str(info.value)


def test_naive_visualization_interval_zero_warns():
    with logged_warnings() as records:
        NaiveVisualizationHook(interval=0)
    assert any("interval=0 never draws" in r.getMessage() for r in records)


class IterBasedTrainLoop:  # named like the runner's iteration-based loop
    stop_training = False


def _before_train_warnings(hook, runner) -> list[str]:
    handler = _ListHandler()
    runner.logger.addHandler(handler)
    try:
        hook.before_train(runner)
    finally:
        runner.logger.removeHandler(handler)
    return handler.messages


@pytest.mark.parametrize(
    "by_epoch, iteration_loop, warned",
    [(True, True, True), (True, False, False), (False, True, False)],
)
def test_checkpoint_hook_by_epoch_under_iteration_loop_warns(
    make_runner, by_epoch, iteration_loop, warned
):
    hook = CheckpointHook(interval=2, by_epoch=by_epoch)
    runner = make_runner(hooks=[hook])
    if iteration_loop:
        runner._train_loop = IterBasedTrainLoop()
    messages = _before_train_warnings(hook, runner)
    assert any("by_epoch=True with an IterBasedTrainLoop" in m for m in messages) is warned


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


# ---------------------------------------------------------------- non-scalar monitored metrics
def test_early_stopping_non_scalar_metric_names_the_key(make_runner):
    hook = EarlyStoppingHook(monitor="per_class", rule="greater")
    runner = make_runner(hooks=[hook])
    with pytest.raises(TypeError) as info:
        hook.after_val_epoch(runner, {"acc": 0.5, "per_class": [0.1, 0.2]})
    assert "EarlyStoppingHook: the metric 'per_class' (monitor) is list" in str(info.value)


def test_checkpoint_hook_non_scalar_best_metric_names_the_key(make_runner):
    hook = CheckpointHook(interval=1, save_best="per_class", rule="greater")
    runner = make_runner(hooks=[hook])
    hook.before_train(runner)
    with pytest.raises(TypeError) as info:
        runner.run_val({"acc": 0.5, "per_class": [0.1, 0.2]})
    assert "CheckpointHook: the metric 'per_class' (save_best) is list" in str(info.value)


@pytest.mark.parametrize("score", [0.7, np.float32(0.7), torch.tensor(0.7)])
def test_scalar_metrics_of_any_kind_still_work(make_runner, score):
    hook = CheckpointHook(interval=1, save_best="acc")
    stopper = EarlyStoppingHook(monitor="acc")
    runner = make_runner(hooks=[hook, stopper])
    hook.before_train(runner)
    runner.run_val({"acc": score})
    assert hook.best_ckpt_path is not None and osp.exists(hook.best_ckpt_path)
    assert stopper.best_score == score


# ---------------------------------------------------------------- TimeLimitHook
@pytest.mark.parametrize(
    "kwargs, exc, part",
    [
        (dict(max_time=None), TypeError, "max_time must be seconds (a number) or a str"),
        (dict(max_time=float("nan")), ValueError, "the time limit is NaN"),
        (dict(max_time=10, exit_code="x"), TypeError, "exit_code must be an int"),
        (dict(max_time=10, exit_code=300), ValueError, "the shell would see 44"),
    ],
)
def test_time_limit_hook_bad_arguments(kwargs, exc, part):
    with pytest.raises(exc) as info:
        TimeLimitHook(**kwargs)
    assert part in str(info.value)


@pytest.mark.parametrize("kwargs", [dict(max_time=60, exit_code=0), dict(max_time="1:00")])
def test_time_limit_hook_valid_arguments(kwargs):
    assert TimeLimitHook(**kwargs).max_seconds == 60
