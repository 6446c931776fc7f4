"""ImgDataPreprocessor against the plain PyTorch way of batching images, in the same run.

The plain way is what a training script writes (and what 0.10's preprocessor computes): per
image ``img[[2, 1, 0]].float()``, ``(img - mean) / std``, ``F.pad`` to the batch's size rounded
up to ``pad_size_divisor``, then ``torch.stack``. Both give bit-identical batches (checked
here), with glibc's mmap/trim thresholds pinned as in ``bench_runner.py``. Cases: detection-sized images of different sizes (2 x ~800x1333, divisor 32), small
images of different sizes (8 x ~200x220) and an already stacked uint8 batch (8 x 224x224).

Run: ``uv run --frozen python bench/bench_data_preprocessor.py [--rounds N]``
"""

from __future__ import annotations

import argparse
import functools
import math
import statistics
import time

import torch
import torch.nn.functional as F
from bench_runner import _pin_allocator  # this folder is on sys.path when run as a script

from mmengine.model import ImgDataPreprocessor

MEAN, STD = [123.675, 116.28, 103.53], [58.395, 57.12, 57.375]


def plain(images, mean: torch.Tensor, std: torch.Tensor, divisor: int) -> torch.Tensor:
    if isinstance(images, torch.Tensor):
        images = list(images)
    out = [(img[[2, 1, 0]].float() - mean) / std for img in images]
    h = math.ceil(max(i.shape[1] for i in out) / divisor) * divisor
    w = math.ceil(max(i.shape[2] for i in out) / divisor) * divisor
    return torch.stack([F.pad(i, (0, w - i.shape[2], 0, h - i.shape[1])) for i in out])


def _time(fn, reps: int) -> float:
    start = time.perf_counter()
    for _ in range(reps):
        fn()
    return (time.perf_counter() - start) / reps


def main() -> None:
    _pin_allocator()  # as bench_runner: no mmap/munmap of the large buffers at random
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(0)

    def images(n: int, h: int, w: int, step: int) -> list[torch.Tensor]:
        shape = [(3, h + i * step, w - i * step) for i in range(n)]
        return [torch.randint(0, 256, s, dtype=torch.uint8, generator=gen) for s in shape]

    cases = {
        "2 x ~800x1333, divisor 32": (images(2, 800, 1333, 37), 32, 3),
        "8 x ~200x220, divisor 32": (images(8, 200, 220, 3), 32, 20),
        "stacked 8 x 224x224": (torch.stack(images(8, 224, 224, 0)), 1, 20),
    }
    mean, std = torch.tensor(MEAN).view(-1, 1, 1), torch.tensor(STD).view(-1, 1, 1)
    print(
        f"torch {torch.__version__}, CPU, 1 thread, {args.rounds} interleaved rounds, "
        "glibc mmap/trim thresholds pinned"
    )
    for name, (batch, divisor, reps) in cases.items():
        pre = ImgDataPreprocessor(MEAN, STD, pad_size_divisor=divisor, bgr_to_rgb=True)
        ours = pre(dict(inputs=batch))["inputs"]
        assert torch.equal(ours, plain(batch, mean, std, divisor)), name
        runs = {
            "plain": functools.partial(plain, batch, mean, std, divisor),
            "ours": functools.partial(pre, dict(inputs=batch)),
        }
        p_times, o_times = [], []
        for r in range(args.rounds):
            order = ("plain", "ours") if r % 2 else ("ours", "plain")
            for which in order:
                (p_times if which == "plain" else o_times).append(_time(runs[which], reps))
        p, o = statistics.median(p_times), statistics.median(o_times)
        print(
            f"{name:28s} plain {p * 1e3:7.2f} ms   ImgDataPreprocessor {o * 1e3:7.2f} ms   "
            f"ratio {o / p:.2f}"
        )


if __name__ == "__main__":
    main()
