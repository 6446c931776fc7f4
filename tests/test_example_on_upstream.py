"""The bundled example's config runs unchanged on upstream mmengine 0.10.7 (when installed).

Set ``MMENGINE_UPSTREAM_PATH`` to a folder holding upstream 0.10.7 (for example
``pip install --no-deps --target DIR mmengine==0.10.7 addict yapf termcolor
opencv-python-headless``); without it the test is skipped.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UPSTREAM = os.environ.get("MMENGINE_UPSTREAM_PATH")

SCRIPT = """
import sys
from mmengine.config import Config
from mmengine.runner import Runner
import mmengine
assert mmengine.__version__ == "0.10.7", mmengine.__file__
cfg = Config.fromfile(sys.argv[1])
cfg.train_cfg.max_epochs = 1
cfg.work_dir = sys.argv[2]
Runner.from_cfg(cfg).train()
"""


@pytest.mark.skipif(not UPSTREAM, reason="MMENGINE_UPSTREAM_PATH (upstream 0.10.7) not set")
def test_digits_config_trains_on_upstream(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([UPSTREAM, str(ROOT)]))
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(ROOT / "examples/digits/digits_cnn.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Epoch(val) [1][" in proc.stdout + proc.stderr
    assert list(tmp_path.glob("best_accuracy_epoch_1.pth"))
