"""Bad Runner inputs fail with 0.10's exception class and a message naming the argument and
the fix (load_from, work_dir, train_cfg limits, a dataloader without batches)."""

from __future__ import annotations

import os

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, IterableDataset

from mmengine.model import BaseModel
from mmengine.runner import Runner
from mmengine.runner.dataloader import check_has_batches


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
        train_cfg=dict(by_epoch=True, max_epochs=1),
        default_hooks=dict(checkpoint=None),
    )
    cfg.update(overrides)
    return Runner(**cfg)


# ---------------------------------------------------------------- load_from
@pytest.mark.parametrize("resume", [False, True])
def test_load_from_a_directory_says_a_checkpoint_file_is_needed(tmp_path, resume):
    folder = tmp_path / "ckpts"
    folder.mkdir()
    runner = make_runner(tmp_path / "work", load_from=str(folder), resume=resume)
    with pytest.raises(FileNotFoundError) as info:
        runner.train()
    message = str(info.value)
    assert message.startswith(f"{folder} can not be found.")  # 0.10's sentence first
    assert f"load_from={str(folder)!r} is a directory, not a checkpoint file" in message
    hint = "resume=True to resume from the latest checkpoint in work_dir"
    assert (hint in message) == resume


@pytest.mark.parametrize("resume", [False, True])
def test_load_from_a_missing_file_names_the_argument(tmp_path, resume):
    missing = tmp_path / "nope.pth"
    runner = make_runner(tmp_path / "work", load_from=str(missing), resume=resume)
    with pytest.raises(FileNotFoundError) as info:
        runner.train()
    message = str(info.value)
    assert message.startswith(f"{missing} can not be found.")
    assert f"load_from={str(missing)!r} names no file" in message
    assert ("resume=True to resume from the latest checkpoint" in message) == resume


def test_load_from_an_existing_checkpoint_still_loads(tmp_path):
    first = make_runner(tmp_path / "a")
    first.train()
    path = os.path.join(first.work_dir, "weights.pth")
    first.save_checkpoint(first.work_dir, "weights.pth")
    second = make_runner(tmp_path / "b", load_from=path, train_cfg=dict(max_epochs=1))
    second.load_or_resume()
    assert second.load_plan.done


# ---------------------------------------------------------------- work_dir
def test_work_dir_that_is_a_file(tmp_path):
    path = tmp_path / "a_file"
    path.write_text("not a folder")
    with pytest.raises(FileExistsError) as info:
        make_runner(path)
    assert isinstance(info.value, OSError)
    assert f"work_dir {str(path)!r} is a file, not a directory" in str(info.value)
    assert path.read_text() == "not a folder"


# ---------------------------------------------------------------- train_cfg limits
@pytest.mark.parametrize(
    ("train_cfg", "loop", "unexpected", "given"),
    [
        (dict(by_epoch=True, max_epochs=1, max_iters=3), "EpochBasedTrainLoop", "max_iters",
         "both max_epochs and max_iters"),
        (dict(max_epochs=1, max_iters=3), "EpochBasedTrainLoop", "max_iters",
         "both max_epochs and max_iters"),
        (dict(by_epoch=False, max_epochs=1, max_iters=3), "IterBasedTrainLoop", "max_epochs",
         "both max_iters and max_epochs"),
        (dict(by_epoch=False, max_epochs=1), "IterBasedTrainLoop", "max_epochs",
         "max_epochs but no max_iters"),
        (dict(type="EpochBasedTrainLoop", max_epochs=1, max_iters=3), "EpochBasedTrainLoop",
         "max_iters", "both max_epochs and max_iters"),
    ],
)  # fmt: skip
def test_train_cfg_with_the_other_loops_limit(tmp_path, train_cfg, loop, unexpected, given):
    runner = make_runner(tmp_path, train_cfg=train_cfg)
    with pytest.raises(TypeError) as info:
        runner.train()
    message = str(info.value)
    # 0.10's sentence (the loop's own TypeError) first
    assert message.startswith(
        f"{loop}.__init__() got an unexpected keyword argument {unexpected!r}."
    )
    assert f"train_cfg gives {given}" in message
    assert "epoch-based loop (by_epoch=True, the default) takes max_epochs" in message
    assert "iteration-based loop (by_epoch=False) takes max_iters" in message


def test_train_cfg_with_matching_limits_builds_its_loop(tmp_path):
    runner = make_runner(tmp_path, train_cfg=dict(by_epoch=False, max_iters=2))
    runner.train()
    assert runner.iter == 2


# ---------------------------------------------------------------- dataloader without batches
class Stream(IterableDataset):
    def __iter__(self):
        return iter([])


def test_check_has_batches_on_an_empty_dataset():
    with pytest.raises(ValueError) as info:
        check_has_batches(DataLoader([], batch_size=2), "train")
    message = str(info.value)
    assert message.startswith("train_dataloader yields no batches: its dataset [] (list) has 0")


def test_check_has_batches_when_drop_last_drops_everything():
    loader = DataLoader(list(range(3)), batch_size=4, drop_last=True)
    with pytest.raises(ValueError, match="^val_dataloader yields no batches: .* 3 samples") as info:
        check_has_batches(loader, "val")
    assert "drop_last" in str(info.value)


def test_check_has_batches_names_the_class_of_a_dataset_with_a_long_repr():
    class Empty:
        def __len__(self):
            return 0

        def __getitem__(self, index):
            raise IndexError(index)

        def __repr__(self):
            return "Empty(\n  lots of lines\n)"

    with pytest.raises(ValueError, match="its dataset Empty has 0 samples"):
        check_has_batches(DataLoader(Empty(), batch_size=1), "test")


def test_check_has_batches_is_silent_with_batches_or_without_a_length():
    check_has_batches(DataLoader(list(range(3)), batch_size=2), "train")
    check_has_batches(DataLoader(Stream(), batch_size=2), "train")  # len() raises TypeError
    # the runner's own dataloaders (built from a config) are checked the same way
    built = Runner.build_dataloader(
        dict(dataset=[], sampler=dict(type="DefaultSampler", shuffle=False), batch_size=2)
    )
    with pytest.raises(ValueError, match="has 0 samples"):
        check_has_batches(built, "train")


@pytest.mark.parametrize(
    "train_cfg", [dict(by_epoch=True, max_epochs=2), dict(by_epoch=False, max_iters=3)]
)
def test_training_on_an_empty_dataset_fails_before_the_first_iteration(tmp_path, train_cfg):
    """Both train loops check their dataloader first, instead of "training" on nothing."""
    runner = make_runner(
        tmp_path,
        train_dataloader=dict(dataset=[], sampler=dict(type="DefaultSampler"), batch_size=2),
        train_cfg=train_cfg,
    )
    with pytest.raises(ValueError, match="train_dataloader yields no batches"):
        runner.train()
    assert runner.iter == 0
