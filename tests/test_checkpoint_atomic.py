"""A process killed while saving a checkpoint leaves the previous one and the pointer intact."""

import os
import os.path as osp
import signal
import subprocess
import sys

import torch

from mmengine.runner import find_latest_checkpoint, load_checkpoint

HERE = osp.dirname(osp.abspath(__file__))


def test_sigkill_during_save_keeps_previous_checkpoint(tmp_path):
    work_dir = str(tmp_path / "work")
    proc = subprocess.run(
        [sys.executable, osp.join(HERE, "_kill_during_save.py"), work_dir],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-3000:]
    # epoch 1 was saved and published; epoch 2 never reached its final name
    assert osp.isfile(osp.join(work_dir, "epoch_1.pth"))
    assert not osp.exists(osp.join(work_dir, "epoch_2.pth"))
    latest = find_latest_checkpoint(work_dir)
    assert latest is not None and latest.endswith("epoch_1.pth")
    checkpoint = torch.load(latest, map_location="cpu", weights_only=True)
    assert checkpoint["meta"]["epoch"] == 1
    model = torch.nn.Sequential()
    model.linear1 = torch.nn.Linear(2, 2)
    model.linear2 = torch.nn.Linear(2, 1)
    load_checkpoint(model, latest, strict=True)
    leftovers = [f for f in os.listdir(work_dir) if f.startswith("epoch_2")]
    assert leftovers == []
