"""Benchmark ``mmengine.fileio.put`` / ``put_text`` against a plain write.

Usage: ``uv run --frozen python bench/bench_fileio_put.py [--n 3000] [--repeat 7] [--dir DIR]``

Writes 1 KiB files (cycling over a few names so files are overwritten, as
checkpoints and logs are) and prints the median time per write in
microseconds for:

- plain:    ``with open(p, 'wb') as f: f.write(b)``
- put:      ``mmengine.fileio.put(b, p)`` (atomic: temp file + rename)
- put_text: ``mmengine.fileio.put_text(s, p)``
- syscalls: the bare os.open/os.write/os.close/os.replace sequence that any
  temp-file-and-rename write needs (the floor for an atomic put)

and the ratios put/plain and put_text/plain. The three variants are
interleaved write by write so that background load affects them alike; the
median of per-write times is taken in each round, and the median over rounds
is reported. Use ``--dir /dev/shm`` to measure the software overhead without
disk noise. The target is a
ratio of at most 1.5 (mmengine 0.10.7, which is not atomic, is about 1.7).
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import tempfile
import time

from mmengine.fileio import put, put_text

NAMES = 16


def _round(funcs, paths, n: int) -> list[list[float]]:
    """One round: ``n`` writes per variant, interleaved write by write.

    Interleaving at the level of single writes means background load (the
    machine may be shared) hits every variant alike; per-write timings let
    the median ignore the occasional stall.
    """
    timings: list[list[float]] = [[] for _ in funcs]
    clock = time.perf_counter
    for i in range(n):
        k = i % NAMES
        for j, func in enumerate(funcs):
            p = paths[j][k]
            t0 = clock()
            func(p)
            timings[j].append(clock() - t0)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=3000, help="writes per variant per round")
    parser.add_argument("--repeat", type=int, default=5, help="rounds (median is reported)")
    parser.add_argument("--dir", default=None, help="directory to write in (default: a temp dir)")
    args = parser.parse_args()

    data = os.urandom(1024)
    text = data.hex()[:1024]
    root = tempfile.mkdtemp(prefix="bench_fileio_", dir=args.dir)
    try:
        plain_paths = [os.path.join(root, f"plain_{i}.bin") for i in range(NAMES)]
        put_paths = [os.path.join(root, f"put_{i}.bin") for i in range(NAMES)]
        text_paths = [os.path.join(root, f"text_{i}.txt") for i in range(NAMES)]
        raw_paths = [os.path.join(root, f"raw_{i}.bin") for i in range(NAMES)]

        def plain(p: str) -> None:
            with open(p, "wb") as f:
                f.write(data)

        counter = itertools.count()
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)

        def syscalls(p: str) -> None:
            # The floor for any temp-file-and-rename write: the same four
            # system calls as put, without mmengine's Python around them.
            tmp = f"{p}.{next(counter)}.tmp"
            fd = os.open(tmp, flags, 0o666)
            os.write(fd, data)
            os.close(fd)
            os.replace(tmp, p)

        def do_put(p: str) -> None:
            put(data, p)

        def do_put_text(p: str) -> None:
            put_text(text, p)

        funcs = (plain, do_put, do_put_text, syscalls)
        paths = (plain_paths, put_paths, text_paths, raw_paths)
        _round(funcs, paths, NAMES)  # warm up: create the files, cache the backend

        keys = ("plain", "put", "put_text", "syscalls")
        medians: dict[str, list[float]] = {k: [] for k in keys}
        for _ in range(args.repeat):
            for key, samples in zip(keys, _round(funcs, paths, args.n)):
                medians[key].append(statistics.median(samples) * 1e6)
        med = {k: statistics.median(v) for k, v in medians.items()}
        ratios_put = [a / b for a, b in zip(medians["put"], medians["plain"])]
        ratios_text = [a / b for a, b in zip(medians["put_text"], medians["plain"])]
        ratios_raw = [a / b for a, b in zip(medians["syscalls"], medians["plain"])]

        print(
            f"1 KiB writes in {root}: {args.repeat} rounds of {args.n} writes per variant, "
            "median per write"
        )
        for key in keys:
            print(f"  {key:<9} {med[key]:8.2f} us/write")
        print(f"  ratio put/plain      {statistics.median(ratios_put):.3f}")
        print(f"  ratio put_text/plain {statistics.median(ratios_text):.3f}")
        print(
            f"  (floor: bare open/write/close/rename syscalls {statistics.median(ratios_raw):.3f})"
        )
        leftovers = [n for n in os.listdir(root) if n.startswith(".")]
        if leftovers:
            print(f"  WARNING: {len(leftovers)} temporary files left behind")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
