"""A checkpoint path that is a directory or names no file fails with 0.10's
``FileNotFoundError('<path> can not be found.')`` first, then what the path names and what
to give, whichever way it is loaded: ``load_from``/``resume`` of the Runner or the
FlexibleRunner, ``Runner.load_checkpoint``/``resume`` called directly, or a strategy's
``load_or_resume``/``load_checkpoint``."""

from __future__ import annotations

from unittest import mock

import pytest
import torch
from torch import nn

from mmengine.model import BaseModel
from mmengine.runner import FlexibleRunner, Runner


class TinyModel(BaseModel):
    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(2, 1)

    def forward(self, inputs=None, data_samples=None, mode="tensor"):
        out = self.linear(torch.stack(inputs).float()).sum()
        return dict(loss=out) if mode == "loss" else out


def make(cls, work_dir, **overrides):
    cfg = dict(
        model=TinyModel(),
        work_dir=str(work_dir),
        train_dataloader=dict(
            dataset=[dict(inputs=torch.ones(2)) for _ in range(2)],
            sampler=dict(type="DefaultSampler", shuffle=False),
            batch_size=2,
        ),
        optim_wrapper=dict(optimizer=dict(type="SGD", lr=0.1)),
        train_cfg=dict(by_epoch=True, max_epochs=1),
        default_hooks=dict(checkpoint=None),
    )
    cfg.update(overrides)
    return cls(**cfg)


@pytest.fixture(params=["directory", "missing"])
def bad_path(request, tmp_path):
    """A path that is no checkpoint file, and how the message describes it."""
    if request.param == "directory":
        path = tmp_path / "ckpts"
        path.mkdir()
        return str(path), "is a directory, not a checkpoint file"
    return str(tmp_path / "nope.pth"), "names no file"


def check(message: str, path: str, name: str, what: str) -> None:
    assert message.startswith(f"{path} can not be found. ")  # 0.10's sentence first
    assert f"{name}={path!r} {what}" in message
    assert message.count("can not be found") == 1 and message.count(what) == 1


@pytest.mark.parametrize("cls", [Runner, FlexibleRunner])
@pytest.mark.parametrize("method", ["load_checkpoint", "resume"])
def test_direct_load_or_resume_explains(tmp_path, bad_path, cls, method):
    path, what = bad_path
    runner = make(cls, tmp_path / "work")
    with pytest.raises(FileNotFoundError) as info:
        getattr(runner, method)(path)
    assert type(info.value) is FileNotFoundError
    check(str(info.value), path, "filename", what)
    assert "resume=True" not in str(info.value)


@pytest.mark.parametrize("resume", [False, True])
def test_flexible_runner_load_from_explains_once(tmp_path, bad_path, resume):
    path, what = bad_path
    runner = make(FlexibleRunner, tmp_path / "work", load_from=path, resume=resume)
    with pytest.raises(FileNotFoundError) as info:
        runner.train()
    message = str(info.value)
    check(message, path, "load_from", what)  # the argument's name, not load_checkpoint's
    assert "filename=" not in message
    hint = "resume=True to resume from the latest checkpoint in work_dir"
    assert (hint in message) == resume


@pytest.mark.parametrize(
    ("kwargs", "name", "hint"),
    [
        (dict(load_from="PATH"), "load_from", False),
        (dict(load_from="PATH", resume=True), "load_from", True),
        (dict(resume="PATH"), "resume", True),
    ],
)
def test_strategy_load_or_resume_explains(tmp_path, bad_path, kwargs, name, hint):
    path, what = bad_path
    runner = make(FlexibleRunner, tmp_path / "work")
    strategy = runner.strategy
    strategy.prepare(runner.model)
    kwargs = {key: path if value == "PATH" else value for key, value in kwargs.items()}
    with pytest.raises(FileNotFoundError) as info:
        strategy.load_or_resume(**kwargs)
    check(str(info.value), path, name, what)
    assert ("latest checkpoint in work_dir" in str(info.value)) == hint
    with pytest.raises(FileNotFoundError) as info:
        strategy.load_checkpoint(path)
    check(str(info.value), path, "filename", what)


def test_a_checkpoint_file_still_loads_and_patches_still_apply(tmp_path):
    first = make(Runner, tmp_path / "a")
    first.save_checkpoint(first.work_dir, "weights.pth", save_optimizer=False)
    path = f"{first.work_dir}/weights.pth"
    second = make(Runner, tmp_path / "b")
    assert "meta" in second.load_checkpoint(path)
    # code written for 0.10 patches the runner module's _load_checkpoint
    with mock.patch("mmengine.runner.runner._load_checkpoint", side_effect=RuntimeError("hit")):
        with pytest.raises(RuntimeError, match="^hit$"):
            second.load_checkpoint(path)


def test_other_file_not_found_errors_are_left_alone(tmp_path):
    runner = make(Runner, tmp_path / "work")
    error = FileNotFoundError(2, "No such file or directory", "elsewhere")
    with mock.patch("mmengine.runner.runner._load_checkpoint", side_effect=error):
        with pytest.raises(FileNotFoundError) as info:
            runner.load_checkpoint(str(tmp_path / "nope.pth"))
    assert info.value is error and str(error) == "[Errno 2] No such file or directory: 'elsewhere'"
