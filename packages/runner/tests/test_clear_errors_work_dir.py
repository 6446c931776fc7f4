"""A work_dir the runner cannot create as a directory fails with 0.10's class and sentence
(``[Errno 17] File exists: '<path>'`` / ``[Errno 20] Not a directory: '<path>'``, the absolute
path ``os.makedirs`` fails on), then names work_dir and the file in the way."""

from __future__ import annotations

import errno
import os

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
        return self.linear(torch.stack(inputs).float()).sum()


@pytest.fixture
def afile(tmp_path):
    path = tmp_path / "afile"
    path.write_text("not a folder")
    yield path
    assert path.read_text() == "not a folder"  # never touched


@pytest.mark.parametrize("cls", [Runner, FlexibleRunner])
@pytest.mark.parametrize("below", ["sub", os.path.join("sub", "deeper")])
def test_work_dir_below_a_file(afile, cls, below):
    work_dir = str(afile / below)
    with pytest.raises(NotADirectoryError) as info:
        cls(model=TinyModel(), work_dir=work_dir)
    error = info.value
    assert type(error) is NotADirectoryError and error.errno == errno.ENOTDIR
    message = str(error)
    # 0.10's sentence: makedirs fails on the path right below the file
    assert message.startswith(f"[Errno 20] Not a directory: {str(afile / 'sub')!r}. ")
    assert f"work_dir {work_dir!r} lies below {str(afile)!r}, which is a file" in message


def test_relative_work_dir_below_a_file(afile, monkeypatch):
    monkeypatch.chdir(afile.parent)
    with pytest.raises(NotADirectoryError) as info:
        Runner(model=TinyModel(), work_dir="afile/x")
    message = str(info.value)
    assert message.startswith(f"[Errno 20] Not a directory: {str(afile / 'x')!r}. ")
    assert f"work_dir 'afile/x' lies below {str(afile)!r}" in message


def test_work_dir_that_is_a_file_leads_with_the_absolute_path(afile, monkeypatch):
    monkeypatch.chdir(afile.parent)
    with pytest.raises(FileExistsError) as info:
        Runner(model=TinyModel(), work_dir="afile/")
    message = str(info.value)
    assert message.startswith(f"[Errno 17] File exists: {str(afile)!r}. ")
    assert "work_dir 'afile/' is a file, not a directory" in message


def test_work_dir_below_directories_is_created(tmp_path):
    work_dir = tmp_path / "a" / "b"
    runner = Runner(model=TinyModel(), work_dir=str(work_dir))
    assert os.path.isdir(runner.work_dir)
