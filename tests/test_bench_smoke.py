"""The benchmark modes docs/benchmarks.md quotes run, with tiny sizes (numbers not checked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_runner.py"


@pytest.mark.parametrize(
    "mode, expected",
    [
        (
            "--floor",
            ["plain +   0 Python calls/iter", "plain + 300 Python calls/iter", "warm loop"],
        ),
        ("--breakdown", ["mlp plain", "loop only", "+ default hooks", "(full)"]),
    ],
)
def test_bench_runner_mode_runs(mode, expected):
    proc = subprocess.run(
        [sys.executable, str(BENCH), mode, "--rounds", "1", "--iters", "30"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    for part in expected:
        assert part in proc.stdout, proc.stdout
