"""``runner._has_loaded`` says whether a checkpoint was loaded, as in mmengine 0.10.

0.10.7 (recorded black box): ``load_or_resume`` with nothing to load (no ``load_from``, or
``resume=True`` and an empty work dir) leaves ``_has_loaded`` False, and a second call looks
for a checkpoint again (logging "Auto resumed from the latest checkpoint None." again);
``load_checkpoint`` and ``resume`` set it True.
"""

from __future__ import annotations

from unittest import mock

import torch
from torch import nn

from mmengine.model import BaseModel
from mmengine.runner import Runner


class TinyModel(BaseModel):
    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(2, 1)

    def forward(self, inputs=None, data_samples=None, mode="tensor"):
        out = self.linear(torch.stack(inputs)).sum()
        return dict(loss=out) if mode == "loss" else out


def make_runner(work_dir, **overrides) -> Runner:
    loader = dict(
        dataset=[dict(inputs=torch.ones(2)) for _ in range(4)],
        sampler=dict(type="DefaultSampler", shuffle=False),
        batch_size=2,
    )
    cfg = dict(
        model=TinyModel(),
        work_dir=str(work_dir),
        train_dataloader=loader,
        optim_wrapper=dict(optimizer=dict(type="SGD", lr=0.1)),
        train_cfg=dict(by_epoch=True, max_epochs=1),
        default_hooks=dict(checkpoint=None),
    )
    return Runner(**cfg, **overrides)


def test_nothing_to_load_leaves_has_loaded_false(tmp_path):
    runner = make_runner(tmp_path / "plain")
    runner.load_or_resume()
    assert runner._has_loaded is False

    runner = make_runner(tmp_path / "empty", resume=True)
    with mock.patch.object(runner.logger, "info") as info:
        runner.load_or_resume()
        runner.load_or_resume()
    lines = [call.args[0] for call in info.call_args_list]
    searches = [line for line in lines if "latest checkpoint None." in line]
    assert len(searches) == 2
    assert runner._has_loaded is False

    runner.train()  # trains from scratch, saves nothing (no CheckpointHook)
    assert runner._has_loaded is False
    path = str(tmp_path / "weights.pth")
    runner.save_checkpoint(str(tmp_path), "weights.pth")
    loaded = make_runner(tmp_path / "loaded", load_from=path)
    loaded.load_or_resume()
    assert loaded._has_loaded is True
