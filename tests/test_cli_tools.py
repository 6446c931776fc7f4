"""tools/train.py and tools/test.py on the bundled example: user errors exit 2 in one line,
before torch is imported; --help imports no torch."""

import os.path as osp
import subprocess
import sys

import pytest

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIG = osp.join("examples", "digits", "digits_cnn.py")


def _run(*args: str) -> tuple[int, list[str], list[str]]:
    """(exit code, output lines, modules imported) of ``python -X importtime ARGS``."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    imported, lines = [], []
    for line in proc.stderr.splitlines():
        if line.startswith("import time:"):
            imported.append(line.rsplit("|", 1)[-1].strip())
        else:
            lines.append(line)
    return proc.returncode, proc.stdout.splitlines() + lines, imported


@pytest.mark.parametrize("tool", ["tools/train.py", "tools/test.py"])
def test_help_imports_no_torch(tool):
    code, out, imported = _run(tool, "--help")
    assert code == 0 and out[0].startswith("usage:")
    assert "torch" not in imported and "mmengine.runner" not in imported


@pytest.mark.parametrize(
    "args,expected",
    [
        (["--resume", "work_dirs/none/epoch_9.pth"], "argument --resume: checkpoint file "
         "'work_dirs/none/epoch_9.pth' does not exist"),
        (["--cfg-options", "train_cfg.max_epochs"], "argument --cfg-options: expected KEY=VALUE"),
        (["--work-dir", "README.md/sub"], "argument --work-dir: cannot write to work dir"),
        (["--load-from", "nowhere.pth"], "argument --load-from: checkpoint file 'nowhere.pth'"),
    ],
)  # fmt: skip
def test_train_user_errors_exit_2_before_torch(args, expected):
    code, out, imported = _run("tools/train.py", CONFIG, *args)
    assert code == 2
    assert len(out) == 1 and out[0].startswith(f"train.py: error: {expected}"), out
    assert "torch" not in imported


def test_test_tool_checks_the_checkpoint_first():
    code, out, imported = _run("tools/test.py", CONFIG, "no_such_dir/none.pth")
    assert code == 2
    assert out == [
        "test.py: error: argument checkpoint: checkpoint file 'no_such_dir/none.pth' does not "
        "exist (the directory '" + osp.join(ROOT, "no_such_dir") + "' does not exist either)"
    ]
    assert "torch" not in imported


def test_a_missing_load_from_in_the_config_is_caught_before_building(tmp_path):
    code, out, _ = _run("tools/train.py", CONFIG, "--work-dir", str(tmp_path),
                        "--cfg-options", "load_from=gone/epoch_1.pth")  # fmt: skip
    assert code == 2
    assert out == [
        "train.py: error: argument load_from (in the config): checkpoint file "
        "'gone/epoch_1.pth' does not exist (the directory '" + osp.join(ROOT, "gone") + "' does "
        "not exist either)"
    ]
    assert not list(tmp_path.iterdir())  # no log, no dumped config: nothing was built
