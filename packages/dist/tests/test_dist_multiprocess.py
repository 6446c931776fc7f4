"""Real 2-process runs on the gloo backend (CPU), launched like torchrun would.

The job is started once per module; each ``check_*`` of ``_dist_worker.py``
becomes one test here, passing when both ranks report it ok.
"""

from __future__ import annotations

import ast
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

WORKER = Path(__file__).with_name("_dist_worker.py")
WORLD_SIZE = 2
TIMEOUT_S = 90


def _check_names() -> list[str]:
    tree = ast.parse(WORKER.read_text())
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("check_")
    ]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def job_results(tmp_path_factory) -> dict[int, dict[str, str]]:
    result_dir = tmp_path_factory.mktemp("dist_results")
    workdir = tmp_path_factory.mktemp("dist_cwd")
    port = _free_port()
    procs = []
    for rank in range(WORLD_SIZE):
        env = dict(
            os.environ,
            MASTER_ADDR="127.0.0.1",
            MASTER_PORT=str(port),
            RANK=str(rank),
            LOCAL_RANK=str(rank),
            WORLD_SIZE=str(WORLD_SIZE),
            LOCAL_WORLD_SIZE=str(WORLD_SIZE),
            RESULT_DIR=str(result_dir),
            OMP_NUM_THREADS="1",
        )
        procs.append(
            subprocess.Popen(
                [sys.executable, str(WORKER)],
                env=env,
                cwd=workdir,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
        )
    outputs = []
    try:
        for proc in procs:
            out, _ = proc.communicate(timeout=TIMEOUT_S)
            outputs.append(out.decode(errors="replace"))
    except subprocess.TimeoutExpired:
        for proc in procs:
            proc.kill()
        pytest.fail(f"the 2-process gloo job did not finish within {TIMEOUT_S} s")
    results = {}
    for rank, proc in enumerate(procs):
        path = result_dir / f"rank{rank}.json"
        if proc.returncode != 0 or not path.exists():
            pytest.fail(f"rank {rank} exited with {proc.returncode}:\n{outputs[rank]}")
        results[rank] = json.loads(path.read_text())
    assert not (workdir / ".dist_test").exists(), "collect_results_cpu left .dist_test behind"
    return results


@pytest.mark.parametrize("check", _check_names())
def test_two_process_gloo(job_results, check):
    for rank in range(WORLD_SIZE):
        outcome = job_results[rank].get(check, "not run")
        if outcome == "skip":
            pytest.skip(f"{check} needs hardware this machine lacks")
        assert outcome == "ok", f"rank {rank}, {check}:\n{outcome}"
