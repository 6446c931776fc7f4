"""Overhead of OptimWrapper.update_params over a plain PyTorch training step.

Trains a small MLP (784-256-10, batch 64, CPU, one thread) with
``loss.backward(); opt.step(); opt.zero_grad()`` and with
``OptimWrapper.update_params(loss)``, in interleaved rounds so that machine
load affects both alike, and prints the median step times and their ratio.

Run: ``uv run --frozen python bench/bench_optim_wrapper.py [--rounds N] [--steps N]``
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
import torch.nn as nn

from mmengine.optim import OptimWrapper


def _make(seed: int = 0):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    return model, optimizer


def _time_plain(model, optimizer, data, steps: int) -> float:
    x, y = data
    loss_fn = nn.functional.cross_entropy
    start = time.perf_counter()
    for _ in range(steps):
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    return (time.perf_counter() - start) / steps


def _time_wrapper(model, wrapper, data, steps: int) -> float:
    x, y = data
    loss_fn = nn.functional.cross_entropy
    start = time.perf_counter()
    for _ in range(steps):
        loss = loss_fn(model(x), y)
        wrapper.update_params(loss)
    return (time.perf_counter() - start) / steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--steps", type=int, default=100)
    args = parser.parse_args()

    torch.set_num_threads(1)
    data = (torch.randn(64, 784), torch.randint(0, 10, (64,)))
    model_a, opt_a = _make()
    model_b, opt_b = _make()
    wrapper = OptimWrapper(opt_b)

    # Warm up both paths.
    _time_plain(model_a, opt_a, data, 20)
    _time_wrapper(model_b, wrapper, data, 20)

    plain, wrapped = [], []
    for i in range(args.rounds):
        # Alternate the order so neither path always runs first.
        if i % 2 == 0:
            plain.append(_time_plain(model_a, opt_a, data, args.steps))
            wrapped.append(_time_wrapper(model_b, wrapper, data, args.steps))
        else:
            wrapped.append(_time_wrapper(model_b, wrapper, data, args.steps))
            plain.append(_time_plain(model_a, opt_a, data, args.steps))

    med_plain = statistics.median(plain)
    med_wrapped = statistics.median(wrapped)
    ratios = [w / p for p, w in zip(plain, wrapped)]
    print(f"plain step        : {med_plain * 1e6:8.1f} us (median of {args.rounds} rounds)")
    print(f"OptimWrapper step : {med_wrapped * 1e6:8.1f} us")
    print(f"ratio (median of medians)  : {med_wrapped / med_plain:.4f}")
    print(f"ratio (median per round)   : {statistics.median(ratios):.4f}")
    print(f"overhead: {(med_wrapped / med_plain - 1) * 100:+.2f}%")


if __name__ == "__main__":
    main()
