"""DistSamplerSeedHook, EmptyCacheHook, SyncBuffersHook, PrepareTTAHook, NaiveVisualizationHook."""

from types import SimpleNamespace

import numpy as np
import pytest
import torch
from torch import nn

from mmengine.hooks import (
    DistSamplerSeedHook,
    EmptyCacheHook,
    NaiveVisualizationHook,
    NPUProfilerHook,
    PrepareTTAHook,
    SyncBuffersHook,
)
from mmengine.model import BaseTTAModel
from mmengine.registry import MODELS


class EpochSampler:
    def __init__(self):
        self.epochs = []

    def set_epoch(self, epoch):
        self.epochs.append(epoch)


def test_sampler_seed_sets_epoch_on_sampler_or_batch_sampler():
    hook = DistSamplerSeedHook()
    sampler = EpochSampler()
    runner = SimpleNamespace(epoch=3, train_loop=SimpleNamespace(
        dataloader=SimpleNamespace(sampler=sampler)))  # fmt: skip
    hook.before_train_epoch(runner)
    assert sampler.epochs == [3]

    inner = EpochSampler()
    runner.train_loop.dataloader = SimpleNamespace(
        sampler=object(), batch_sampler=SimpleNamespace(sampler=inner)
    )
    hook.before_train_epoch(runner)
    assert inner.epochs == [3]

    runner.train_loop.dataloader = SimpleNamespace(sampler=object(), batch_sampler=None)
    hook.before_train_epoch(runner)  # nothing to seed: no error


def test_empty_cache_points(monkeypatch):
    calls = []
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "empty_cache", lambda: calls.append(1))
    runner = object()
    hook = EmptyCacheHook(before_epoch=True, after_epoch=False, after_iter=True)
    hook.before_train_epoch(runner)
    hook.after_val_epoch(runner)
    hook.after_test_iter(runner, 0)
    assert len(calls) == 2
    assert EmptyCacheHook().get_triggered_stages()  # acts in all three modes


def test_empty_cache_without_cuda_is_a_noop(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.cuda, "empty_cache", lambda: pytest.fail("called"))
    EmptyCacheHook(after_iter=True).after_train_iter(object(), 0)


def test_sync_buffers_averages_only_when_distributed(monkeypatch):
    reduced = []
    monkeypatch.setattr(
        "mmengine.hooks.sync_buffer_hook.all_reduce_params",
        lambda params, op="sum": reduced.append((list(params), op)),
    )
    model = nn.BatchNorm1d(2)
    runner = SimpleNamespace(model=model)
    hook = SyncBuffersHook()
    assert hook.distributed is False
    hook.after_train_epoch(runner)
    assert reduced == []

    hook.distributed = True
    hook.after_train_epoch(runner)
    assert reduced[-1][1] == "mean" and len(reduced[-1][0]) == 3
    hook.before_val_epoch(runner)  # just synced by the train epoch
    assert len(reduced) == 1
    hook.before_val_epoch(runner)  # iteration-based: sync before validating
    assert len(reduced) == 2


@MODELS.register_module(force=True)
class _HooksTestTTA(BaseTTAModel):
    def merge_preds(self, data_samples_list):
        return data_samples_list


class _Predictor(nn.Linear):
    def test_step(self, data):
        return [data]


def test_prepare_tta_wraps_model_before_test():
    model = _Predictor(1, 1)
    runner = SimpleNamespace(model=model)
    cfg = dict(type="_HooksTestTTA")
    hook = PrepareTTAHook(tta_cfg=cfg)
    hook.before_test(runner)
    assert isinstance(runner.model, _HooksTestTTA)
    assert runner.model.module is model
    assert "module" not in cfg  # the config is not mutated
    with pytest.raises(TypeError, match="tta_cfg"):
        PrepareTTAHook(tta_cfg="x")


class Sample(dict):
    metainfo = {}

    def __getattr__(self, key):
        return self[key]


def test_naive_visualization_draws_every_interval(make_runner):
    hook = NaiveVisualizationHook(interval=2, draw_gt=False)
    runner = make_runner(hooks=[hook])
    sample = Sample(img_path="/data/a.jpg", ori_height=8, ori_width=6)
    batch = dict(inputs=[torch.rand(3, 4, 3)], data_samples=[sample])
    output = Sample(pred=1)
    hook.after_test_iter(runner, 0, batch, [output])
    assert runner.visualizer.samples == []
    hook.after_test_iter(runner, 1, batch, [output])
    (drawn,) = runner.visualizer.samples
    assert drawn["name"] == "a.jpg"
    # a float input stays float32 (0.10.7, recorded black box)
    assert drawn["image"].shape == (8, 6, 3) and drawn["image"].dtype == np.float32
    assert drawn["data_sample"] is output
    assert drawn["draw_gt"] is False and drawn["draw_pred"] is True


def test_npu_profiler_needs_torch_npu():
    with pytest.raises(ImportError, match="torch_npu"):
        NPUProfilerHook()


def test_naive_visualization_with_per_sample_dicts_and_padding():
    from unittest.mock import Mock

    from mmengine.structures import BaseDataElement

    hook = NaiveVisualizationHook()
    runner = Mock()
    sample = BaseDataElement(metainfo=dict(
        img_norm_cfg=dict(mean=(0, 0, 0), std=(0.5, 0.5, 0.5), to_bgr=True),
        scale=(10, 10), pad_shape=(15, 15, 3), ori_height=5, ori_width=5, img_path="tmp.jpg",
    ))  # fmt: skip
    data_batch = [dict(inputs=torch.randn(1, 3, 15, 15), data_sample=sample)]
    hook.after_test_iter(runner, 10, data_batch, [BaseDataElement()])
    args, kwargs = runner.visualizer.add_datasample.call_args
    assert args[0] == "tmp.jpg" and args[1].shape == (5, 5, 3)


def test_early_stopping_needs_a_stoppable_loop():
    from unittest.mock import Mock

    from mmengine.hooks import EarlyStoppingHook

    runner = Mock()
    runner.train_loop = object()
    with pytest.raises(AssertionError, match="stop_training"):
        EarlyStoppingHook(monitor="accuracy/top1").before_run(runner)
    runner._train_loop = None  # val/test-only run
    EarlyStoppingHook(monitor="acc").before_run(runner)


def test_sync_buffers_distributed(tmp_path):
    import os.path as osp
    import subprocess
    import sys

    worker = osp.join(osp.dirname(__file__), "_sync_buffers_worker.py")
    init, out = str(tmp_path / "init"), str(tmp_path / "mean.pt")
    procs = [subprocess.Popen([sys.executable, worker, str(rank), init, out]) for rank in range(2)]
    try:
        codes = [p.wait(timeout=120) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert codes == [0, 0]
    assert torch.allclose(torch.load(out), torch.full((2,), 0.5))


def test_param_scheduler_hook_skips_unbuilt_scheduler_configs():
    # A bare runner.val() leaves runner.param_schedulers as the config it was given.
    from types import SimpleNamespace

    from mmengine.hooks import ParamSchedulerHook

    hook = ParamSchedulerHook()
    for cfg in (
        dict(type="MultiStepLR", milestones=[1]),
        [dict(type="MultiStepLR", milestones=[1])],
        dict(linear=[dict(type="LinearLR")], conv=dict(type="MultiStepLR", milestones=[1])),
    ):
        runner = SimpleNamespace(param_schedulers=cfg)
        hook.after_train_iter(runner, 0)
        hook.after_train_epoch(runner)
        hook.after_val_epoch(runner, metrics={"acc": 1.0})


@pytest.mark.parametrize("dtype", [torch.uint8, torch.float32, torch.float64])
@pytest.mark.parametrize("pad", [False, True])
def test_naive_visualization_keeps_the_input_dtype(dtype, pad):
    # Recorded black box from 0.10.7: the image given to add_datasample has the input's
    # dtype, resized (4x4 from 6x6) or only un-padded (4x5); ours gave uint8 or float32.
    from types import SimpleNamespace
    from unittest.mock import Mock

    from mmengine.hooks import NaiveVisualizationHook
    from mmengine.structures import BaseDataElement

    meta = dict(img_path="a/c.jpg", ori_height=4, ori_width=5 if pad else 4)
    if pad:
        meta["pad_shape"] = (6, 6)
    sample = BaseDataElement(metainfo=meta)
    runner = SimpleNamespace(visualizer=Mock())
    inputs = (torch.rand(1, 3, 6, 6) * 255).to(dtype)
    NaiveVisualizationHook().after_test_iter(
        runner, 0, [dict(inputs=inputs, data_sample=sample)], [sample]
    )
    name, image = runner.visualizer.add_datasample.call_args.args[:2]
    assert name == "c.jpg"
    assert image.shape == (4, meta["ori_width"], 3)
    assert image.dtype == torch.empty(0, dtype=dtype).numpy().dtype
