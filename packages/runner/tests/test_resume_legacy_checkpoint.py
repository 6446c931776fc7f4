"""A checkpoint without a resume state (written by mmengine 0.10) resumes as 0.10 resumes it.

0.10's iteration-based loop fetches the batches already trained on again ("Advance dataloader
N steps ..."): a pipeline that draws from ``np.random`` then continues with the numbers of
the uninterrupted run. Skipping them in the sampler instead left NumPy's generator behind and
changed every later augmentation (seen with mmagic's PairedRandomCrop/Flip).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from mmengine.model import BaseModel
from mmengine.runner import Runner


class AugSet(torch.utils.data.Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        noise = np.random.rand(4).astype(np.float32)  # a random augmentation
        return dict(x=torch.from_numpy(np.full(4, float(i), np.float32) + noise))


class Model(BaseModel):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(4, 1)

    def forward(self, x, mode="tensor"):
        return dict(loss=(self.linear(x) ** 2).mean())


def _train(work_dir, resume: bool) -> list:
    torch.manual_seed(123)
    runner = Runner(
        model=Model(),
        work_dir=str(work_dir),
        randomness=dict(seed=0),
        train_dataloader=dict(
            dataset=AugSet(),
            sampler=dict(type="DefaultSampler", shuffle=True),
            batch_size=2,
            collate_fn=dict(type="default_collate"),
        ),
        optim_wrapper=dict(optimizer=dict(type="SGD", lr=0.01)),
        train_cfg=dict(by_epoch=False, max_iters=10),
        resume=resume,
        default_hooks=dict(checkpoint=dict(type="CheckpointHook", interval=5, by_epoch=False)),
    )
    runner.train()
    return runner.model.linear.weight.detach().flatten().tolist()


def test_a_checkpoint_without_resume_state_resumes_as_0_10(tmp_path, capsys):
    full = _train(tmp_path / "full", resume=False)
    checkpoint = torch.load(tmp_path / "full" / "iter_5.pth", weights_only=False)
    assert "resume_state" in checkpoint
    del checkpoint["resume_state"]  # what 0.10 writes
    resumed = tmp_path / "resumed"
    resumed.mkdir()
    torch.save(checkpoint, resumed / "iter_5.pth")
    (resumed / "last_checkpoint").write_text(str(resumed / "iter_5.pth"))
    # iterations 6-10 cross the end of the 4-batch epoch, as in the uninterrupted run
    assert _train(resumed, resume=True) == full
    log = next((resumed).glob("*/*.log")).read_text()
    assert "Advance dataloader 5 steps to skip data that has already been trained" in log
