"""Hooks on a GPU (skipped without CUDA)."""

import pytest
import torch

from mmengine.hooks import EmptyCacheHook, ProfilerHook

cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")


@cuda
def test_empty_cache_releases_cached_memory():
    x = torch.empty(64 * 1024 * 1024, device="cuda")
    del x
    assert torch.cuda.memory_reserved() > 0
    EmptyCacheHook(after_iter=True).after_train_iter(object(), 0)
    assert torch.cuda.memory_reserved() == 0


@cuda
def test_profiler_records_cuda_activity(make_runner, tmp_path):
    trace = str(tmp_path / "trace.json")
    hook = ProfilerHook(by_epoch=False, profile_times=1, activity_with_cuda=True,
                        json_trace_path=trace)  # fmt: skip
    runner = make_runner(max_epochs=1, hooks=[hook])
    runner.call_hook("before_run")
    (torch.ones(8, device="cuda") * 2).sum().item()
    runner.call_hook("after_train_iter", batch_idx=0)
    assert hook._closed
    with open(trace) as f:
        assert "cuda" in f.read().lower()
