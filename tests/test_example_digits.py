"""The bundled example trains from the command line, resumes, and tests a checkpoint."""

import glob
import os.path as osp
import subprocess
import sys

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIG = osp.join("examples", "digits", "digits_cnn.py")


def _run(*args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def test_train_resume_and_test_from_the_command_line(tmp_path):
    work_dir = str(tmp_path / "digits")
    _run(
        "tools/train.py", CONFIG, "--work-dir", work_dir, "--cfg-options", "train_cfg.max_epochs=2"
    )
    assert osp.isfile(osp.join(work_dir, "epoch_2.pth"))
    best = glob.glob(osp.join(work_dir, "best_accuracy_epoch_*.pth"))
    assert len(best) == 1
    assert osp.isfile(osp.join(work_dir, "digits_cnn.py"))  # the dumped config
    assert glob.glob(osp.join(work_dir, "*", "vis_data", "events.out.tfevents.*"))

    out = _run(
        "tools/train.py",
        CONFIG,
        "--work-dir",
        work_dir,
        "--resume",
        "--cfg-options",
        "train_cfg.max_epochs=3",
    )
    log = out.stdout + out.stderr
    assert "resumed epoch: 2" in log
    assert osp.isfile(osp.join(work_dir, "epoch_3.pth"))
    accuracies = [
        float(line.split("accuracy:")[1].split()[0])
        for line in log.splitlines()
        if "Epoch(val)" in line and "accuracy:" in line
    ]
    assert accuracies and accuracies[-1] > 85.0

    out = _run("tools/test.py", CONFIG, osp.join(work_dir, "epoch_3.pth"), "--work-dir", work_dir)
    assert "Epoch(test)" in out.stdout + out.stderr
