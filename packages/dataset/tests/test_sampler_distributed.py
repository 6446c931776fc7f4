"""Two real processes (gloo on CPU): samplers shard one shared order."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

TIMEOUT_S = 90
WORKER = Path(__file__).with_name("_dist_sampler_worker.py")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_samplers_two_processes(tmp_path):
    port = _free_port()
    out = tmp_path / "out.json"
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
                [sys.executable, str(WORKER), str(out)],
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
    r0, r1 = (json.loads(Path(f"{out}.{rank}").read_text()) for rank in range(2))
    # seed=None: every rank uses rank 0's random seed
    assert r0["seeds"] == r1["seeds"]
    # round_up: 11 samples -> 6 per rank, together covering the dataset
    assert r0["length"] == r1["length"] == 6
    assert len(r0["default"]) == len(r1["default"]) == 6
    assert set(r0["default"]) | set(r1["default"]) == set(range(11))
    # interleaved shards of one endless stream: rank 0 takes positions 0, 2, 4,
    # rank 1 positions 1, 3 of the first permutation of 5
    assert sorted(r0["infinite"][:3] + r1["infinite"][:2]) == list(range(5))
    # skip on each rank drops that rank's first indices
    assert r0["resumed"] == r0["default"][2:] and r1["resumed"] == r1["default"][2:]
