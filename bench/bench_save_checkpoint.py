"""Benchmark: mmengine's atomic ``save_checkpoint`` vs a plain ``torch.save``.

A ~50 MB CPU state dict is saved to local files in interleaved rounds (so
both sides see the same disk/cache conditions); the script prints the median
time of each, their ratio (target <= 1.1) and the peak-RSS growth of one save
measured in fresh subprocesses (``resource.getrusage`` ``ru_maxrss``: tensors
are invisible to tracemalloc).

Usage::

    uv run --frozen python bench/bench_save_checkpoint.py [--mb 50] [--rounds 21]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def make_state_dict(mb: int) -> dict:
    import torch

    torch.manual_seed(0)
    numel = mb * 1024 * 1024 // 4
    # a few dozen tensors of mixed sizes, like a real model
    sizes = [numel // 2, numel // 4, numel // 8] + [numel // 256] * 32
    state = {f"layer{i}.weight": torch.randn(n) for i, n in enumerate(sizes)}
    return {"state_dict": state, "meta": {"epoch": 3, "iter": 1200}}


def _saver(kind: str):
    import torch

    if kind == "torch.save":
        return torch.save
    from mmengine.model.checkpoint import save_checkpoint

    return save_checkpoint


def child_peak_rss(kind: str, mb: int, path: str) -> None:
    """Run in a fresh interpreter: print the peak-RSS growth (MiB) of one save."""
    import resource

    checkpoint = make_state_dict(mb)
    save = _saver(kind)
    # warm imports/allocators on a tiny object so only the big save is measured
    save({"x": 1}, path)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    save(checkpoint, path)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"delta_mib": (after - before) / 1024}))


def measure_rss(kind: str, mb: int, workdir: str) -> float:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--mb", str(mb), "--dir", workdir],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])["delta_mib"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--dir", default=None)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        child_peak_rss(args.child, args.mb, os.path.join(args.dir, f"rss_{os.getpid()}.pth"))
        return

    with tempfile.TemporaryDirectory(dir=args.dir) as workdir:
        checkpoint = make_state_dict(args.mb)
        size_mb = sum(t.numel() * 4 for t in checkpoint["state_dict"].values()) / 2**20
        savers = {kind: _saver(kind) for kind in ("torch.save", "save_checkpoint")}
        times: dict[str, list[float]] = {kind: [] for kind in savers}
        for kind, save in savers.items():  # warm-up
            save(checkpoint, os.path.join(workdir, f"warm_{kind}.pth"))
        for r in range(args.rounds):
            order = list(savers) if r % 2 == 0 else list(reversed(savers))
            for kind in order:
                path = os.path.join(workdir, f"{kind}.pth")
                start = time.perf_counter()
                savers[kind](checkpoint, path)
                times[kind].append(time.perf_counter() - start)
        med = {kind: statistics.median(ts) for kind, ts in times.items()}
        ratio = med["save_checkpoint"] / med["torch.save"]
        rss = {kind: measure_rss(kind, args.mb, workdir) for kind in savers}

    print(f"state dict: {size_mb:.1f} MiB, {args.rounds} interleaved rounds")
    for kind in savers:
        print(
            f"{kind:>16}: median {med[kind] * 1000:8.1f} ms  "
            f"(min {min(times[kind]) * 1000:.1f}, max {max(times[kind]) * 1000:.1f})  "
            f"peak RSS delta {rss[kind]:6.1f} MiB"
        )
    print(f"ratio save_checkpoint / torch.save = {ratio:.3f} (target <= 1.1)")


if __name__ == "__main__":
    main()
