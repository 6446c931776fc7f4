"""Behaviours from upstream's 0.8.0 release, checked side by side with 0.10.7.

- Resuming a checkpoint whose ``meta['config']`` (config text, as older checkpoints carry)
  names more ``gpu_ids`` than this run has processes raises 0.10's RuntimeError, unless
  ``auto_scale_lr`` is enabled, which logs 0.10's INFO line instead.
- ``FlexibleRunner`` checkpoints name the version ``meta['mmengine']``, as 0.10's do.
- A validation loop given an evaluator of an unknown type raises 0.10's AssertionError
  (a TypeError too); a metric object is wrapped in an Evaluator.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

from mmengine.evaluator import BaseMetric, Evaluator
from mmengine.model import BaseModel
from mmengine.runner import FlexibleRunner, Runner


class Model(BaseModel):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(2, 1)

    def forward(self, inputs, mode="tensor"):
        out = self.linear(inputs)
        return dict(loss=(out**2).mean()) if mode == "loss" else [out]


class Data(torch.utils.data.Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        return dict(inputs=torch.full((2,), float(i)))


class Count(BaseMetric):
    def process(self, data_batch, data_samples):
        self.results.extend(data_samples)

    def compute_metrics(self, results):
        return dict(n=len(results))


def _loader() -> dict:
    return dict(
        dataset=Data(),
        sampler=dict(type="DefaultSampler", shuffle=False),
        batch_size=2,
        collate_fn=dict(type="default_collate"),
    )


def _runner(work_dir, cls=Runner, **kwargs):
    return cls(
        model=Model(),
        work_dir=str(work_dir),
        train_dataloader=_loader(),
        optim_wrapper=dict(optimizer=dict(type="SGD", lr=0.1)),
        train_cfg=dict(by_epoch=True, max_epochs=kwargs.pop("max_epochs", 1)),
        **kwargs,
    )


def _crafted(tmp_path, config) -> str:
    runner = _runner(tmp_path / "first")
    runner.train()
    checkpoint = torch.load(tmp_path / "first" / "epoch_1.pth", weights_only=False)
    checkpoint["meta"]["config"] = config
    path = str(tmp_path / "crafted.pth")
    torch.save(checkpoint, path)
    return path


@pytest.mark.parametrize("config", ["gpu_ids = [0, 1]\n", dict(gpu_ids=[0, 1, 2])])
def test_resume_from_more_gpus_needs_auto_scale_lr(tmp_path, config):
    path = _crafted(tmp_path, config)
    runner = _runner(tmp_path / "second", max_epochs=2)
    with pytest.raises(RuntimeError, match="^Number of GPUs used for current experiment is not"):
        runner.resume(path)


def test_resume_from_more_gpus_with_auto_scale_lr_logs(tmp_path, capsys):
    path = _crafted(tmp_path, "gpu_ids = [0, 1]\n")
    runner = _runner(
        tmp_path / "second", max_epochs=2, auto_scale_lr=dict(enable=True, base_batch_size=4)
    )
    capsys.readouterr()
    runner.resume(path)
    assert runner.epoch == 1
    out = "".join(capsys.readouterr())
    assert (
        "mmengine - INFO - Number of GPU used for current experiment is not consistent with "
        "resuming from checkpoint but the leaning rate will be adjusted according to the "
        "setting in auto_scale_lr={'enable': True, 'base_batch_size': 4}"
    ) in out


@pytest.mark.parametrize("config", ["gpu_ids = [0]\n", "a = 1\n", "gpu_ids = []\n", None])
def test_resume_with_the_same_or_no_gpu_ids(tmp_path, config):
    path = _crafted(tmp_path, config)
    runner = _runner(tmp_path / "second", max_epochs=2)
    runner.resume(path)
    assert runner.epoch == 1


def test_flexible_runner_checkpoint_meta_names_mmengine(tmp_path):
    runner = _runner(tmp_path, cls=FlexibleRunner)
    runner.train()
    meta = torch.load(tmp_path / "epoch_1.pth", weights_only=False)["meta"]
    assert "mmengine" in meta and "mmengine_version" not in meta
    plain = _runner(tmp_path / "plain")
    plain.train()
    meta = torch.load(tmp_path / "plain" / "epoch_1.pth", weights_only=False)["meta"]
    assert "mmengine_version" in meta and "mmengine" not in meta


def _val_runner(tmp_path, evaluator):
    return Runner(
        model=Model(),
        work_dir=str(tmp_path),
        val_dataloader=_loader(),
        val_cfg=dict(),
        val_evaluator=evaluator,
    )


@pytest.mark.parametrize("evaluator", [3, (dict(type="Count"),)])
def test_val_loop_rejects_an_unknown_evaluator_type(tmp_path, evaluator):
    runner = _val_runner(tmp_path, evaluator)
    with pytest.raises(AssertionError, match="^evaluator must be one of dict, list or Evaluator"):
        runner.val()
    with pytest.raises(TypeError):
        _val_runner(tmp_path / "again", evaluator).val()


def test_val_loop_wraps_a_metric_object(tmp_path):
    runner = _val_runner(tmp_path, Count())
    assert runner.val() == dict(n=2)  # one prediction list per batch
    assert isinstance(runner.val_loop.evaluator, Evaluator)


@pytest.mark.parametrize("value", [True, False])
def test_deepspeed_exclude_frozen_parameters_needs_0_13_2(monkeypatch, tmp_path, value):
    """0.10.4: any exclude_frozen_parameters (True or False) needs DeepSpeed >= 0.13.2."""
    import types

    from mmengine._strategy import deepspeed as ds_strategy

    old = types.SimpleNamespace(__version__="0.12.6")
    monkeypatch.setattr(ds_strategy, "deepspeed", old)
    with pytest.raises(AssertionError, match=r"^DeepSpeed >= 0.13.2 is required to enable exclu"):
        ds_strategy.DeepSpeedStrategy(work_dir=str(tmp_path), exclude_frozen_parameters=value)
    with pytest.raises(ImportError, match="installed: 0.12.6"):
        ds_strategy.DeepSpeedStrategy(work_dir=str(tmp_path), exclude_frozen_parameters=value)
