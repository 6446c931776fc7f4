"""docs/distributed-guide.md runs: its `bash runnable` and `python` blocks, in page order, from
a folder holding the repository's `examples/` (the commands name the example script by its
path in the repository), with the conventions of tests/test_docs.py. The runs are the
example's too: one 2-process torchrun run with DDP and one with FSDP2, a resume of the sharded
checkpoint on 3 processes and its consolidation."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest
import torch

from mmengine.utils import digit_version

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "distributed-guide.md"
TIMEOUT_S = 420


def _docs_conventions():
    spec = importlib.util.spec_from_file_location(
        "_docs_conventions", ROOT / "tests" / "test_docs.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_distributed_guide_runs(tmp_path: Path) -> None:
    pytest.importorskip("torch.distributed.fsdp")
    if digit_version(torch.__version__) < digit_version("2.2"):
        pytest.skip("the guide's FSDPStrategy needs torch >= 2.2")
    docs = _docs_conventions()
    blocks = [b for b in docs.parse_blocks(PAGE.read_text(), str(PAGE)) if b.kind != "show"]
    assert [b.kind for b in blocks].count("bash") >= 4, "the guide lost its CPU commands"
    spec = tmp_path / "_blocks.json"
    spec.write_text(json.dumps([asdict(b) for b in blocks]))
    driver = tmp_path / "_driver.py"
    driver.write_text(docs._DRIVER)
    work = tmp_path / "page"
    work.mkdir()
    (work / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    for name in ("PYTHONPATH", "WORLD_SIZE", "RANK", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(name, None)
    env["OMP_NUM_THREADS"] = "1"
    proc = subprocess.Popen(
        [sys.executable, str(driver), str(spec), str(PAGE), str(PAGE)],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # a timeout also ends the torchrun processes
    )
    try:
        out, _ = proc.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        running = re.findall(r"^@@@ (.* block .*)$", out, re.M)
        pytest.fail(f"the guide took over {TIMEOUT_S} s, at {running[-1:]}\n{out[-6000:]}")
    assert proc.returncode == 0, out[-8000:]
    # What the guide says the commands print.
    assert "world size: 2, strategy: DDPStrategy, epochs: 2" in out
    assert "world size: 2, strategy: FSDPStrategy, epochs: 2" in out
    assert "world size: 3, strategy: FSDPStrategy, epochs: 3" in out
    assert "saved by 2 process(es), loaded by 3" in out
    assert "Wrote work_dirs/fsdp/full.pth" in out
    assert "3 ['param_groups', 'state']" in out
    assert sorted(os.listdir(work / "work_dirs" / "fsdp" / "epoch_2.pth")) == [
        ".metadata",
        "__0_0.distcp",
        "__1_0.distcp",
        "extra_state.pth",
    ]
