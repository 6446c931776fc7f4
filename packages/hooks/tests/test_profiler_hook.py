"""ProfilerHook on CPU with torch.profiler."""

import json
import os.path as osp

import pytest

from mmengine.hooks import ProfilerHook


def test_profiles_iterations_and_exports_chrome_trace(make_runner, tmp_path):
    trace = str(tmp_path / "trace.json")
    handled = []
    hook = ProfilerHook(by_epoch=False, profile_times=2, json_trace_path=trace,
                        on_trace_ready=lambda prof: handled.append(prof))  # fmt: skip
    runner = make_runner(max_epochs=1, hooks=[hook])
    runner.train()
    assert hook._closed
    assert osp.exists(trace)
    with open(trace) as f:
        events = json.load(f)["traceEvents"]
    assert any("addmm" in e.get("name", "") or "linear" in e.get("name", "") for e in events)
    assert len(handled) == 1


def test_log_trace_prints_table(make_runner, capsys):
    hook = ProfilerHook(on_trace_ready=dict(type="log_trace", sort_by="cpu_time_total",
                                            row_limit=5))  # fmt: skip
    runner = make_runner(max_epochs=1, hooks=[hook])
    runner.train()
    assert "Self CPU" in capsys.readouterr().out


def test_tb_trace_dir_in_log_dir(make_runner):
    hook = ProfilerHook(on_trace_ready=dict(type="tb_trace"))
    runner = make_runner(max_epochs=1, hooks=[hook])
    runner.train()
    assert osp.isdir(osp.join(runner.log_dir, "tf_tracing_logs"))


def test_profiler_stopped_in_after_run_when_run_is_short(make_runner):
    hook = ProfilerHook(by_epoch=False, profile_times=3)
    runner = make_runner(max_epochs=1, hooks=[hook])
    runner.call_hook("before_run")
    runner.call_hook("after_train_iter", batch_idx=0)
    assert not hook._closed  # interrupted after one of three iterations
    runner.call_hook("after_run")
    assert hook._closed


def test_invalid_arguments(make_runner):
    with pytest.raises(ValueError):
        ProfilerHook(profile_times=0)
    with pytest.raises(ValueError):
        ProfilerHook(by_epoch=True, profile_times=2)
    with pytest.raises(AssertionError):
        ProfilerHook(schedule=[1])
    runner = make_runner(max_epochs=1)
    with pytest.raises(ValueError, match="profile_times"):
        ProfilerHook(by_epoch=False, profile_times=100).before_run(runner)
    with pytest.raises(ValueError, match="log_trace"):
        ProfilerHook(on_trace_ready=dict(type="nope")).before_run(runner)
    with pytest.raises(ValueError, match="on_trace_ready"):
        ProfilerHook(on_trace_ready=3).before_run(runner)


def test_after_train_epoch_stops_a_running_profiler():
    from unittest.mock import MagicMock

    hook = ProfilerHook(by_epoch=False, json_trace_path="unused.json")
    hook.profiler = MagicMock()
    runner = MagicMock()
    hook.after_train_epoch(runner)
    hook.profiler.__exit__.assert_called_once()
    hook.profiler.export_chrome_trace.assert_called_once_with("unused.json")
    hook.after_train_epoch(runner)  # already closed
    hook.profiler.__exit__.assert_called_once()


def test_check_kineto(monkeypatch):
    import logging

    import torch

    from mmengine.hooks import profiler_hook
    from mmengine.logging import MMLogger

    assert profiler_hook.check_kineto() is torch.autograd.kineto_available()
    monkeypatch.delattr(torch.autograd, "kineto_available")
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    try:
        assert profiler_hook.check_kineto() is False
    finally:
        logger.removeHandler(handler)
    assert [(r.levelno, r.getMessage()) for r in records] == [(logging.WARNING, "NO KINETO")]
    with pytest.raises(ImportError, match="^Due to Kineto support issues"):
        ProfilerHook()
