"""What a resumed run logs about the files it reads."""

from __future__ import annotations

import os

import torch
from torch import nn

from mmengine.evaluator import BaseMetric
from mmengine.model import BaseModel
from mmengine.runner import Runner


class _TinyModel(BaseModel):
    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(2, 1)

    def forward(self, inputs=None, data_samples=None, mode="tensor"):
        out = self.linear(torch.stack(inputs).float()).sum()
        if mode == "loss":
            return dict(loss=out)
        return [out] * len(inputs) if mode == "predict" else out


class _Count(BaseMetric):
    def process(self, data_batch, data_samples) -> None:
        self.results.append(1.0)

    def compute_metrics(self, results) -> dict:
        return dict(n=len(results))


def _runner(work_dir, max_epochs: int, resume: bool) -> Runner:
    data = [dict(inputs=torch.ones(2)) for _ in range(4)]
    loader = dict(dataset=data, sampler=dict(type="DefaultSampler", shuffle=False), batch_size=2)
    return Runner(
        model=_TinyModel(),
        work_dir=str(work_dir),
        train_dataloader=loader,
        val_dataloader=loader,
        val_cfg=dict(),
        val_evaluator=dict(type=_Count),
        optim_wrapper=dict(optimizer=dict(type="SGD", lr=0.1)),
        train_cfg=dict(by_epoch=True, max_epochs=max_epochs, val_interval=1),
        resume=resume,
    )


def test_resume_logs_loading_the_checkpoint_once(tmp_path, capsys):
    # 0.10.7 (recorded black box: mmdet's DETR resumed with tools/train.py --resume) logs one
    # "Loads checkpoint by local backend from path: <work_dir>/epoch_2.pth" line. Ours also
    # reads the record of the validation after the checkpoint (epoch_1.pth.validated): that
    # read is not a checkpoint load and logged a second "Loads checkpoint by" line naming it.
    _runner(tmp_path, 1, False).train()
    assert os.path.isfile(tmp_path / "epoch_1.pth.validated")
    capsys.readouterr()
    _runner(tmp_path, 2, True).load_or_resume()
    captured = capsys.readouterr()
    lines = [
        line for line in (captured.out + captured.err).splitlines() if "Loads checkpoint by" in line
    ]
    assert lines == [f"Loads checkpoint by local backend from path: {tmp_path}/epoch_1.pth"]
