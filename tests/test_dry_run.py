"""mmengine-train CONFIG --dry-run: the plan of the run, no training, the schedule as a PNG."""

import glob
import os.path as osp
import subprocess
import sys

import pytest
import torch
from torch import nn
from torch.utils.data import Dataset

from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.model import BaseModel
from mmengine.registry import DATASETS, MODELS
from mmengine.runner import Runner
from mmengine.runner._dry_run import dry_run

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def test_dry_run_of_the_bundled_example(tmp_path):
    proc = subprocess.run(
        [sys.executable, "tools/train.py", "examples/digits/digits_cnn.py", "--dry-run",
         "--work-dir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = proc.stdout
    assert "after_train_iter:\n(VERY_HIGH   ) RuntimeInfoHook" in out  # the hook order
    assert "train dataloader: 45 batches of 32 (1437 samples)" in out
    assert "val dataloader: 3 batches of 128 (360 samples)" in out
    assert "training: 12 epochs x 45 iterations = 540 iterations" in out
    assert "model DigitsCNN: 10,026 parameters" in out and "meta device" in out
    assert "FLOPs: " in out and "input (1, 1, 8, 8)" in out
    png = tmp_path / "dry_run_schedule.png"
    assert f"schedule plot: {png}" in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Nothing was trained." in out
    assert not glob.glob(str(tmp_path / "*.pth"))  # no checkpoint: nothing trained
    assert "Epoch(train)" not in out + proc.stderr


class _DryToyModel(BaseModel):
    def __init__(self):
        super().__init__()
        self.linear1 = nn.Linear(4, 8)
        self.linear2 = nn.Linear(8, 1)

    def forward(self, inputs, data_samples=None, mode="tensor"):  # noqa: ANN001, ANN201
        out = self.linear2(torch.relu(self.linear1(inputs)))
        if mode == "loss":
            return dict(loss=((out.squeeze(1) - data_samples) ** 2).mean())
        return out


class _DryToyDataset(Dataset):
    metainfo: dict = dict()

    def __init__(self, n=10):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return dict(inputs=torch.full((4,), float(i)), data_samples=torch.tensor(float(i)))


class _RecordLR(Hook):
    def __init__(self):
        self.lr, self.momentum = [], []

    def before_train_iter(self, runner, batch_idx, data_batch=None):  # noqa: ANN001
        group = runner.optim_wrapper.optimizer.param_groups[0]
        self.lr.append(group["lr"])
        self.momentum.append(group["momentum"])


@pytest.fixture
def toy_cfg(tmp_path):
    MODELS.register_module(module=_DryToyModel, force=True)
    DATASETS.register_module(module=_DryToyDataset, force=True)
    yield Config(
        dict(
            model=dict(type="_DryToyModel"),
            work_dir=str(tmp_path),
            train_dataloader=dict(
                dataset=dict(type="_DryToyDataset", n=10),
                sampler=dict(type="DefaultSampler", shuffle=True),
                batch_size=3,  # 4 batches per epoch, the last one short
                collate_fn=dict(type="default_collate"),
            ),
            train_cfg=dict(by_epoch=True, max_epochs=5),
            optim_wrapper=dict(optimizer=dict(type="SGD", lr=0.2, momentum=0.9)),
            param_scheduler=[
                dict(type="LinearLR", start_factor=0.25, by_epoch=False, begin=0, end=6),
                dict(type="MultiStepLR", by_epoch=True, milestones=[2, 4], gamma=0.5),
                dict(type="CosineAnnealingMomentum", by_epoch=False, eta_min=0.5, begin=0, end=20),
            ],  # fmt: skip
            default_hooks=dict(checkpoint=None, logger=dict(type="LoggerHook", interval=1)),
            randomness=dict(seed=0),
        )
    )
    MODELS.module_dict.pop("_DryToyModel", None)
    DATASETS.module_dict.pop("_DryToyDataset", None)


def test_the_drawn_schedule_is_the_one_training_follows(toy_cfg, tmp_path, capsys):
    cfg = toy_cfg.copy()
    cfg.experiment_name = "dry_toy_plan"
    report = dry_run(cfg)
    assert report.on_meta and report.params == 4 * 8 + 8 + 8 + 1
    assert report.dataloader_lengths == {"train": 4}
    assert (report.epochs, report.iters) == (5, 20)
    assert report.flops == 2 * (4 * 8 + 8 * 1)  # two matmuls of one sample
    assert osp.isfile(report.schedule_png)
    assert not glob.glob(str(tmp_path / "*.pth"))

    recorder = _RecordLR()
    cfg = toy_cfg.copy()
    cfg.experiment_name = "dry_toy_train"
    cfg.custom_hooks = [recorder]
    runner = Runner.from_cfg(cfg)
    runner.train()
    recorder = next(h for h in runner.hooks if isinstance(h, _RecordLR))
    assert len(recorder.lr) == 20
    assert report.lr["group 0"] == pytest.approx(recorder.lr)
    assert report.momentum["group 0"] == pytest.approx(recorder.momentum)
    assert len(set(recorder.lr)) > 5 and len(set(recorder.momentum)) > 5  # a real schedule


def test_without_matplotlib_it_says_how_to_get_the_plot(toy_cfg, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails
    cfg = toy_cfg.copy()
    cfg.experiment_name = "dry_toy_no_mpl"
    report = dry_run(cfg)
    assert report.schedule_png is None
    out = capsys.readouterr().out
    assert "note: matplotlib is not installed" in out and "pip install matplotlib" in out
    assert "Nothing was trained." in out
