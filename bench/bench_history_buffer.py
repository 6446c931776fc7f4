"""Benchmark: HistoryBuffer.update when the buffer already holds 1,000,000 values.

Run with ``uv run --frozen python bench/bench_history_buffer.py``. It fills a
buffer to its default ``max_length`` (1M values, so every further update also
drops the oldest value), then times batches of updates and reports the
median cost per update, next to a plain ``list.append`` baseline, and the
cost of windowed statistics.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from mmengine.logging import HistoryBuffer

FILL = 1_000_000
BATCH = 1_000
ROUNDS = 200


def _median_us_per_call(fn, rounds: int = ROUNDS, batch: int = BATCH) -> float:
    samples = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for i in range(batch):
            fn(i * 0.5)
        samples.append((time.perf_counter() - t0) / batch * 1e6)
    return statistics.median(samples)


def main() -> None:
    values = np.random.default_rng(0).random(FILL)
    buffer = HistoryBuffer(values, np.ones(FILL, dtype=np.int64))
    assert len(buffer.data[0]) == FILL

    update_us = _median_us_per_call(buffer.update)
    log_history, _ = buffer.data
    assert len(log_history) == FILL  # still full: every update evicted one

    baseline: list = list(values)
    list_us = _median_us_per_call(baseline.append)

    t0 = time.perf_counter()
    for _ in range(1000):
        buffer.mean(10)
    mean10_us = (time.perf_counter() - t0) / 1000 * 1e6
    t0 = time.perf_counter()
    for _ in range(20):
        buffer.mean()
    mean_all_us = (time.perf_counter() - t0) / 20 * 1e6

    print(f"HistoryBuffer.update at {FILL:,} values : {update_us:8.3f} us/update (median)")
    print(f"list.append baseline              : {list_us:8.3f} us/append (median)")
    print(f"ratio update / list.append        : {update_us / list_us:8.1f}x")
    print(f"HistoryBuffer.mean(window_size=10): {mean10_us:8.3f} us")
    print(f"HistoryBuffer.mean() over 1M      : {mean_all_us:8.1f} us")


if __name__ == "__main__":
    main()
