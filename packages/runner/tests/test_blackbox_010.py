"""Runner behaviours recorded black box from mmengine 0.10.7 with tiny CPU runs."""

from __future__ import annotations

from unittest import mock

import pytest
import torch
from torch import nn

from mmengine.dataset import DefaultSampler
from mmengine.model import BaseModel
from mmengine.runner import Runner


class TinyModel(BaseModel):
    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(2, 1)

    def forward(self, inputs=None, data_samples=None, mode="tensor"):
        out = self.linear(torch.stack(inputs).float()).sum()
        return dict(loss=out) if mode == "loss" else out


def make_runner(work_dir, **overrides) -> Runner:
    cfg = dict(
        model=TinyModel(),
        work_dir=str(work_dir),
        train_dataloader=dict(
            dataset=[dict(inputs=torch.ones(2)) for _ in range(4)],
            sampler=dict(type="DefaultSampler", shuffle=False),
            batch_size=2,
        ),
        optim_wrapper=dict(optimizer=dict(type="SGD", lr=0.1)),
        train_cfg=dict(type="IterBasedTrainLoop", max_iters=9),
        default_hooks=dict(checkpoint=None, logger=None),
    )
    cfg.update(overrides)
    return Runner(**cfg)


def test_iter_based_loop_sets_each_data_epoch_once(tmp_path, monkeypatch):
    # 0.10.7: DistSamplerSeedHook sets epoch 0, then every restart of the data stream sets
    # the next epoch: [0, 1, 2, 3, 4] for 9 iterations of 2 batches an epoch (ours set 0
    # twice).
    seen = []
    original = DefaultSampler.set_epoch

    def record(self, epoch):
        seen.append(epoch)
        return original(self, epoch)

    monkeypatch.setattr(DefaultSampler, "set_epoch", record)
    make_runner(tmp_path).train()
    assert seen == [0, 1, 2, 3, 4]


def test_save_checkpoint_without_schedulers_warns_as_010(tmp_path):
    runner = make_runner(tmp_path)
    runner.train()
    with mock.patch.object(runner.logger, "warning") as warning:
        runner.save_checkpoint(str(tmp_path), "x.pth")
    messages = [call.args[0] for call in warning.call_args_list]
    assert (
        "`save_param_scheduler` is True but `self.param_schedulers` is None, so skip saving "
        "parameter schedulers"
    ) in messages
    with mock.patch.object(runner.logger, "warning") as warning:
        runner.save_checkpoint(str(tmp_path), "y.pth", save_param_scheduler=False)
    assert not warning.called


@pytest.mark.parametrize(
    "method, sentence",
    [
        ("build_model", "model should be a nn.Module object or dict, but got 5"),
        (
            "build_param_scheduler",
            "scheduler should be a _ParamScheduler object or dict, but got 5",
        ),
    ],
)
def test_build_errors_start_with_010s_message(tmp_path, method, sentence):
    runner = make_runner(tmp_path)
    runner.optim_wrapper = runner.build_optim_wrapper(runner.optim_wrapper)
    with pytest.raises(TypeError) as info:
        getattr(runner, method)(5)
    assert str(info.value).startswith(sentence)


def test_resume_with_another_seed_warns_with_010s_sentence(tmp_path):
    first = make_runner(tmp_path, randomness=dict(seed=0))
    first.train()
    path = str(tmp_path / "x.pth")
    first.save_checkpoint(str(tmp_path), "x.pth")
    second = make_runner(tmp_path / "b", randomness=dict(seed=5))
    with mock.patch.object(second.logger, "warning") as warning:
        second.resume(path)
    messages = [call.args[0] for call in warning.call_args_list]
    # 0.10.7's sentence, recorded black box
    sentence = (
        'The value of random seed in the checkpoint "0" is different from the value in '
        '`randomness` config "5"'
    )
    assert any(message.startswith(sentence) for message in messages), messages
    assert second.seed == 0
