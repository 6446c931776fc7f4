"""Two real processes (gloo on CPU): results are gathered in dataset order."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

TIMEOUT_S = 90
WORKER = Path(__file__).with_name("_dist_eval_worker.py")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_collect_results_two_processes(tmp_path):
    port = _free_port()
    out = tmp_path / "out.json"
    collect_dir = str(tmp_path / "collect")
    procs = []
    for rank in range(2):
        env = dict(
            os.environ,
            RANK=str(rank),
            LOCAL_RANK=str(rank),
            WORLD_SIZE="2",
            MASTER_ADDR="127.0.0.1",
            MASTER_PORT=str(port),
            OMP_NUM_THREADS="1",
        )
        procs.append(
            subprocess.Popen(
                [sys.executable, str(WORKER), collect_dir, str(out)],
                env=env,
                cwd=tmp_path,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        )
    logs = []
    try:
        for proc in procs:
            log, _ = proc.communicate(timeout=TIMEOUT_S)
            logs.append(log)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    for proc, log in zip(procs, logs):
        assert proc.returncode == 0, log
    for rank in range(2):
        record = json.loads(Path(f"{out}.{rank}").read_text())
        runs = record["runs"]
        assert len(runs) == 3  # temporary collect dir, the given one, collect_device='gpu'
        for run in runs:
            # every rank receives rank 0's metrics, padding dropped, order restored
            assert run["metrics"] == {"order/order": list(range(7)), "order/count": 7}
            assert run["left"] == 0
        # compute_metrics failing on rank 0 raises on every rank instead of hanging the others
        assert len(record["failures"]) == 2
        for cls, is_type_error, message in record["failures"]:
            if rank == 0:
                assert is_type_error and "should return a dict of metrics" in message
            else:
                assert cls == "RuntimeError"
                assert "BrokenMetric.evaluate failed on rank 0" in message
                assert "should return a dict of metrics" in message
    # padding added by the sampler is not reported as lost results
    assert not any("keeps only" in log for log in logs)
