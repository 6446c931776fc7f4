"""Resuming an iteration-based run whose dataloader has its own batch sampler (mmdet's
``AspectRatioBatchSampler`` over an ``InfiniteSampler``) continues the data stream."""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import Sampler

from mmengine.model import BaseModel
from mmengine.runner import Runner

SEEN: list[list[int]] = []


class _RecordingModel(BaseModel):
    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(1, 1)

    def forward(self, inputs=None, data_samples=None, mode="tensor"):
        batch = torch.stack(inputs).float()
        if mode == "loss":
            SEEN.append([int(x) for x in batch.flatten()])
        return dict(loss=self.linear(batch).sum())


class _ChunkBatchSampler(Sampler):
    """A batch sampler of its own (as downstream ones are): ``batch_size`` indices of its
    sampler per batch; it has no way to skip."""

    def __init__(self, sampler, batch_size: int) -> None:
        self.sampler = sampler
        self.batch_size = batch_size

    def __iter__(self):
        batch = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []

    def __len__(self) -> int:
        return len(self.sampler) // self.batch_size


def _runner(work_dir, max_iters: int, resume: bool) -> Runner:
    return Runner(
        model=_RecordingModel(),
        work_dir=str(work_dir),
        train_dataloader=dict(
            dataset=[dict(inputs=torch.tensor([i])) for i in range(6)],
            sampler=dict(type="InfiniteSampler", shuffle=True, seed=0),
            batch_sampler=dict(type=_ChunkBatchSampler),
            batch_size=2,
            num_workers=0,
        ),
        optim_wrapper=dict(optimizer=dict(type="SGD", lr=0.01)),
        train_cfg=dict(by_epoch=False, max_iters=max_iters),
        default_hooks=dict(checkpoint=dict(type="CheckpointHook", interval=3, by_epoch=False)),
        resume=resume,
        randomness=dict(seed=0),
    )


def test_resume_continues_the_stream_of_a_custom_batch_sampler(tmp_path):
    # 0.10.7 (recorded black box, mmdet RetinaNet with InfiniteSampler + AspectRatioBatchSampler,
    # max_iters=6, resumed from iter_3.pth) logs "Advance dataloader 3 steps to skip data that
    # has already been trained" and trains iterations 4-6 on the batches of the uninterrupted
    # run. Ours took the dataloader's length (3 batches) for an epoch of a finite sampler and
    # restarted the endless stream from its start: iterations 4-6 repeated batches 1-3.
    SEEN.clear()
    _runner(tmp_path / "straight", 6, False).train()
    straight = list(SEEN)
    assert len(straight) == 6
    SEEN.clear()
    _runner(tmp_path / "stopped", 3, False).train()
    assert SEEN == straight[:3]
    SEEN.clear()
    _runner(tmp_path / "stopped", 6, True).train()
    assert SEEN == straight[3:]


def test_resume_with_a_sampler_that_cannot_skip_replays_with_010s_message(tmp_path):
    """A plain torch DataLoader (its SequentialSampler cannot skip): the resumed run fetches the
    batches of the current pass again, logging 0.10's "Advance dataloader N steps" sentence
    first, and trains on the uninterrupted run's batches."""
    from torch.utils.data import DataLoader

    from mmengine.dataset import pseudo_collate
    from mmengine.logging import MMLogger

    def run(work_dir, max_iters, resume):
        return Runner(
            model=_RecordingModel(),
            work_dir=str(work_dir),
            train_dataloader=DataLoader(
                [dict(inputs=torch.tensor([i])) for i in range(6)],
                batch_size=2,
                collate_fn=pseudo_collate,
            ),
            optim_wrapper=dict(optimizer=dict(type="SGD", lr=0.01)),
            train_cfg=dict(by_epoch=False, max_iters=max_iters),
            default_hooks=dict(checkpoint=dict(type="CheckpointHook", interval=4, by_epoch=False)),
            resume=resume,
            randomness=dict(seed=0),
        )

    SEEN.clear()
    run(tmp_path / "straight", 6, False).train()
    straight = list(SEEN)
    SEEN.clear()
    run(tmp_path / "stopped", 4, False).train()
    SEEN.clear()
    resumed = run(tmp_path / "stopped", 6, True)
    resumed.train()
    assert SEEN == straight[4:]
    log_file = MMLogger.get_instance(resumed.experiment_name).handlers[-1].baseFilename
    with open(log_file) as f:
        log = f.read()
    assert "Advance dataloader 1 steps to skip data that has already been trained (" in log
