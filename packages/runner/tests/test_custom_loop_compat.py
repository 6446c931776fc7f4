"""Custom train loops written against 0.10 call the loops' helpers as 0.10 had them.

mmrazor's ``QATEpochBasedLoop`` and ``LSQEpochBasedLoop`` override ``run`` and call
``self._decide_current_val_interval()`` with no argument, as 0.10's loops define it.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

from mmengine.model import BaseModel
from mmengine.runner import EpochBasedTrainLoop, IterBasedTrainLoop, Runner


class TinyModel(BaseModel):
    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(1, 1)

    def forward(self, inputs=None, data_samples=None, mode="tensor"):
        return dict(loss=self.linear(torch.stack(inputs)).sum())


class EpochProbe(EpochBasedTrainLoop):
    def run(self):
        seen = []
        for epoch in range(6):
            self._epoch = epoch
            self._decide_current_val_interval()
            seen.append(self.val_interval)
        return seen


class IterProbe(IterBasedTrainLoop):
    def run(self):
        seen = []
        for it in range(6):
            self._iter = it
            self._decide_current_val_interval()
            seen.append(self.val_interval)
        return seen


@pytest.mark.parametrize("loop, key", [(EpochProbe, "max_epochs"), (IterProbe, "max_iters")])
def test_decide_current_val_interval_without_argument_uses_the_loop_counter(tmp_path, loop, key):
    runner = Runner(
        model=TinyModel(),
        work_dir=str(tmp_path),
        train_dataloader=dict(
            dataset=[dict(inputs=torch.ones(1))] * 2,
            batch_size=1,
            sampler=dict(type="DefaultSampler", shuffle=False),
        ),
        optim_wrapper=dict(optimizer=dict(type="SGD", lr=0.1)),
        train_cfg=dict(type=loop, val_interval=1, dynamic_intervals=[(2, 2), (4, 3)], **{key: 6}),
    )
    # mmengine 0.10.7 (black-box), counter 0..5 set before each call: [1, 2, 2, 3, 3, 3]
    assert runner.train_loop.run() == [1, 2, 2, 3, 3, 3]
