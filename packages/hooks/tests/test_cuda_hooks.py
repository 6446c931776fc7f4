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


@cuda
def test_runtime_info_hook_logs_cuda_losses_without_a_sync_per_iteration(make_runner):
    """A CUDA loss is handed to the hub unconverted; reading the logs converts them all."""
    from mmengine.hooks import RuntimeInfoHook

    hook = RuntimeInfoHook()
    runner = make_runner(max_epochs=1, hooks=[hook])
    losses = [torch.tensor(v, device="cuda") for v in (0.5, 0.25, 0.125)]
    for loss in losses:
        hook.after_train_iter(runner, 0, outputs={"loss": loss})
    buffer = runner.message_hub.get_scalar("train/loss")
    assert buffer._pending is not None and len(buffer._pending) == 2  # the first: converted
    assert buffer.data[0].tolist() == [0.5, 0.25, 0.125]
    assert buffer._pending is None
