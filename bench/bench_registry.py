"""Benchmark ``Registry.build`` against calling the class directly.

Usage: ``uv run --frozen python bench/bench_registry.py [--n 20000] [--repeat 7]``

Prints the median time per object (microseconds) for building a simple
class from a small dict config through ``Registry.build``, for calling the
class directly, and their ratio. mmengine 0.10.7 needs about 14 us per
object for the registry path on the reference machine; the target here is
at most 7 us.
"""

from __future__ import annotations

import argparse
import statistics
import time

from mmengine.registry import DefaultScope, Registry

MODELS = Registry("bench model", scope="bench")


@MODELS.register_module()
class Simple:
    """A small class with a few arguments."""

    def __init__(self, depth: int, width: int = 64, act: str = "relu") -> None:
        self.depth = depth
        self.width = width
        self.act = act


def _median_us(func, n: int, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(n):
            func()
        samples.append((time.perf_counter() - start) / n * 1e6)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20000, help="objects per sample")
    parser.add_argument("--repeat", type=int, default=7, help="samples (median is reported)")
    args = parser.parse_args()

    cfg = dict(type="Simple", depth=50, width=32)
    build = MODELS.build

    def via_registry():
        return build(cfg)

    def direct():
        return Simple(depth=50, width=32)

    assert via_registry().depth == 50 and cfg == dict(type="Simple", depth=50, width=32)
    direct_us = _median_us(direct, args.n, args.repeat)
    reg_us = _median_us(via_registry, args.n, args.repeat)
    print(f"direct call           : {direct_us:8.3f} us/object")
    print(f"Registry.build        : {reg_us:8.3f} us/object  ({reg_us / direct_us:.1f}x direct)")

    # The same with a default scope set (as under a Runner).
    DefaultScope.get_instance("bench-default-scope", scope_name="bench")
    scoped_us = _median_us(via_registry, args.n, args.repeat)
    print(
        f"Registry.build (scope): {scoped_us:8.3f} us/object  ({scoped_us / direct_us:.1f}x direct)"
    )
    print(f"speed-up vs mmengine 0.10.7 (14 us/object): {14.0 / reg_us:.1f}x")
    imp = _import_ms("import mmengine.registry", args.repeat)
    print(f"import mmengine.registry: {imp:6.1f} ms over a bare interpreter (target <= 50 ms)")


def _import_ms(statement: str, repeat: int) -> float:
    """Median in-process time of ``statement`` in fresh interpreters (bytecode cached)."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    subprocess.run([sys.executable, "-c", statement], env=env, check=True)  # warm the cache
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(repeat)
    ]
    return statistics.median(runs) * 1e3


if __name__ == "__main__":
    main()
