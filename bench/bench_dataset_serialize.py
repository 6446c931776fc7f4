"""Benchmark: BaseDataset(serialize_data=True) against a plain list of dicts.

Run with ``uv run --frozen python bench/bench_dataset_serialize.py [N] [ROUNDS]``
(defaults: 1,000,000 items, 3 rounds). Each measurement runs in a fresh
subprocess:

* ``list``: build the list of N small dicts
  ``{'img_path': f'img_{i}.jpg', 'label': i % 10, 'bbox': [x, y, w, h]}``;
* ``dataset``: build ``BaseDataset(serialize_data=True)`` whose
  ``load_data_list`` generates the same items (so it includes building the
  list, then packing it into one uint8 buffer plus int64 offsets).

Both subprocesses import ``mmengine.dataset`` (and torch) before measuring,
so the interpreter baseline is the same. Peak memory is read from the
kernel's high-water mark (VmHWM, ``ru_maxrss`` as fallback); the build's own
memory is the peak minus the resident size measured just before building.
The script prints medians and the ratios dataset / list (time as wall clock
and as process CPU time, which other load on the machine disturbs less).

Targets: time ratio <= 2, peak memory ratio <= 1.3.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys

CHILD = r"""
import json, resource, sys, time
import mmengine.dataset  # noqa: F401  same imports in both modes
from mmengine.dataset import BaseDataset

def status_kb(field):
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith(field + ':'):
                    return int(line.split()[1])
    except OSError:
        pass
    return None

def make_items(n):
    return [
        {'img_path': f'img_{i}.jpg', 'label': i % 10, 'bbox': [i % 640, i % 480, 32, 64]}
        for i in range(n)
    ]

class GeneratedDataset(BaseDataset):
    def __init__(self, n, **kwargs):
        self.n = n
        super().__init__(**kwargs)

    def load_data_list(self):
        return make_items(self.n)

mode, n = sys.argv[1], int(sys.argv[2])
before = status_kb('VmRSS') or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0, c0 = time.perf_counter(), time.process_time()
if mode == 'list':
    obj = make_items(n)
else:
    obj = GeneratedDataset(n, serialize_data=True)
    assert len(obj) == n and obj.get_data_info(n - 1)['label'] == (n - 1) % 10
elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
peak = status_kb('VmHWM') or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps(dict(time=elapsed, cpu=cpu, peak_kb=peak, build_kb=peak - before)))
"""


def run(mode: str, n: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(n)], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    results: dict[str, list[dict]] = {"list": [], "dataset": []}
    for _ in range(rounds):
        for mode in ("list", "dataset"):
            results[mode].append(run(mode, n))

    def med(mode: str, key: str) -> float:
        return statistics.median(r[key] for r in results[mode])

    print(f"items: {n:,}  rounds: {rounds} (medians, each run in a fresh subprocess)")
    for mode in ("list", "dataset"):
        print(
            f"  {mode:8s} build {med(mode, 'time'):7.3f} s wall {med(mode, 'cpu'):7.3f} s cpu   "
            f"build memory {med(mode, 'build_kb') / 1024:8.1f} MiB   "
            f"process peak {med(mode, 'peak_kb') / 1024:8.1f} MiB"
        )
    time_ratio = med("dataset", "time") / med("list", "time")
    cpu_ratio = med("dataset", "cpu") / med("list", "cpu")
    mem_ratio = med("dataset", "build_kb") / med("list", "build_kb")
    peak_ratio = med("dataset", "peak_kb") / med("list", "peak_kb")
    print(f"time ratio dataset/list (wall):   {time_ratio:.2f}  (target <= 2.0)")
    print(f"time ratio dataset/list (cpu):    {cpu_ratio:.2f}  (less noisy on a shared machine)")
    print(f"build memory ratio dataset/list:  {mem_ratio:.2f}  (target <= 1.3)")
    print(f"process peak ratio dataset/list:  {peak_ratio:.2f}")


if __name__ == "__main__":
    main()
