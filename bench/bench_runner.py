"""Runner overhead against the plain PyTorch loop, measured in the same run.

Prints, with medians over interleaved rounds:
- the steady-state time of one iteration (median, first tenth left out) of ``Runner.train()``
  (IterBasedTrainLoop, default hooks, logging every 50 iterations) against a plain
  ``loss.backward(); opt.step(); opt.zero_grad()`` loop over the same DataLoader, from the same
  initial weights, for a tiny MLP and a small conv net (targets: at most 1.05x and 1.01x);
- ``import mmengine.runner`` against ``import torch`` in fresh interpreters (target: at most
  ``import torch`` + 0.5 s);
- the first ``Runner(...)`` construction in a fresh process (target: under 0.3 s).

Usage: ``uv run --frozen python bench/bench_runner.py [--iters 1000] [--rounds 5]
[--device cuda]``; on a GPU the plain loop never waits for the device, and the Runner's
per-iteration loss logging should not either (the hub converts device scalars when read);
``--breakdown`` instead splits the tiny MLP's overhead: the Runner's loop with no default hooks
and the plain loop's step as ``train_step``, then with the default hooks, then in full;
``--floor`` adds N trivial Python method calls to each iteration of the plain loop (no Runner):
what any per-iteration Python costs between two tiny-MLP steps, against its cost in a warm loop;
``--calls`` counts the Python-level calls (functions and builtins, ``sys.setprofile``) and,
in separate runs, the ATen operator calls (a ``TorchDispatchMode``) per steady-state iteration
of the plain loop and of the Runner: noise-free measures of the Runner's per-iteration work
(``tests/test_bench_smoke.py`` bounds both).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from mmengine.logging import MMLogger
from mmengine.model import BaseModel
from mmengine.runner import Runner


class Wrapped(BaseModel):
    """A plain module behind BaseModel's train_step (mse loss)."""

    def __init__(self, net: nn.Module) -> None:
        super().__init__()
        self.net = net

    def forward(self, inputs, labels, mode="tensor"):  # noqa: ANN001
        out = self.net(inputs)
        if mode == "loss":
            return dict(loss=F.mse_loss(out, labels))
        return out


def make_mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 1))


def make_convnet() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1),
        nn.BatchNorm2d(16),
        nn.ReLU(),
        nn.Conv2d(16, 32, 3, padding=1),
        nn.BatchNorm2d(32),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(32, 1),
    )


def make_loader(kind: str) -> DataLoader:
    g = torch.Generator().manual_seed(0)
    if kind == "mlp":
        x = torch.randn(4096, 32, generator=g)
    else:
        x = torch.randn(512, 3, 32, 32, generator=g)
    y = torch.randn(x.shape[0], 1, generator=g)

    def collate(batch):  # noqa: ANN001, ANN202
        xs, ys = zip(*batch)
        return dict(inputs=torch.stack(xs), labels=torch.stack(ys))

    return DataLoader(
        TensorDataset(x, y),
        batch_size=32,
        shuffle=True,
        collate_fn=collate,
        generator=torch.Generator().manual_seed(1),
    )


DEVICE = torch.device("cpu")  # --device


def make_net(kind: str) -> nn.Module:
    """The same initial weights in both loops: the two runs follow identical numbers (a
    different trajectory can wander into denormal floats, which are much slower on CPUs)."""
    torch.manual_seed(0)
    return (make_mlp() if kind == "mlp" else make_convnet()).to(DEVICE)


def _sync() -> None:
    if DEVICE.type == "cuda":
        torch.cuda.synchronize()


def plain_loop(
    kind: str, iters: int, extra_calls: int = 0, counter: _CallCounter | None = None
) -> float:
    """Median duration of one steady-state iteration of the plain PyTorch loop.

    ``extra_calls`` trivial Python method calls run after each step (``--floor``); a
    ``counter`` counts the calls of the iterations after the first tenth (``--calls``).
    """
    net = make_net(kind)
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    loader = make_loader(kind)
    it = iter(loader)
    stamps = [time.perf_counter()]
    for i in range(iters):
        if counter is not None and i == iters // 10:
            counter.start()
        try:
            batch = next(it)
        except StopIteration:
            it = iter(loader)
            batch = next(it)
        inputs, labels = batch["inputs"].to(DEVICE), batch["labels"].to(DEVICE)
        loss = F.mse_loss(net(inputs), labels)
        loss.backward()
        opt.step()
        opt.zero_grad()
        if extra_calls:
            _python_calls(extra_calls)
        stamps.append(time.perf_counter())
    if counter is not None:
        counter.stop()
    _sync()
    stamps[-1] = time.perf_counter()
    return _steady_state(stamps)


class _Counter:
    """A stand-in for a hook or hub: one dict store and one attribute update per call."""

    def __init__(self) -> None:
        self.values: dict = {}
        self.count = 0

    def update(self, key: int, value: float) -> None:
        self.values[key] = value
        self.count += 1


_COUNTERS = [_Counter() for _ in range(64)]


def _python_calls(n: int) -> None:
    for i in range(n):
        _COUNTERS[i % 64].update(i, 1.0)


def floor(rounds: int, iters: int) -> None:
    """The plain tiny-MLP loop with N trivial Python calls per iteration (no Runner at all)."""
    counts = (0, 10, 30, 100, 300)
    times: dict[int, list[float]] = {n: [] for n in counts}
    plain_loop("mlp", 20)
    for r in range(rounds):
        for n in counts[r % len(counts) :] + counts[: r % len(counts)]:  # rotate the order
            times[n].append(plain_loop("mlp", iters, extra_calls=n))
    p = statistics.median(times[0])
    for n in counts:
        q = statistics.median(times[n])
        start = time.perf_counter()
        for _ in range(1000):
            _python_calls(n)
        warm = (time.perf_counter() - start) / 1000
        print(
            f"mlp plain + {n:3d} Python calls/iter {q * 1e6:7.1f} us/iter  ratio {q / p:.3f}  "
            f"(+{(q - p) * 1e6:.1f} us; the same calls in a warm loop: {warm * 1e6:.1f} us)"
        )


def _steady_state(stamps: list[float]) -> float:
    """Median iteration time, leaving out the first tenth (warm-up, first-call costs)."""
    durations = [b - a for a, b in zip(stamps, stamps[1:])]
    return statistics.median(durations[len(durations) // 10 :])


_NO_DEFAULT_HOOKS = dict.fromkeys(
    ("runtime_info", "timer", "sampler_seed", "logger", "param_scheduler", "checkpoint")
)


def _plain_train_step(net: nn.Module):  # noqa: ANN202
    """A ``train_step`` doing what the plain loop does (for ``--breakdown``)."""

    def train_step(data, optim_wrapper):  # noqa: ANN001, ANN202
        loss = F.mse_loss(net(data["inputs"].to(DEVICE)), data["labels"].to(DEVICE))
        loss.backward()
        optim_wrapper.optimizer.step()
        optim_wrapper.optimizer.zero_grad()
        return dict(loss=loss)

    return train_step


def runner_loop(
    kind: str,
    iters: int,
    work_dir: str,
    name: str,
    default_hooks: bool = True,
    plain_step: bool = False,
) -> float:
    """Median duration of one steady-state iteration of ``Runner.train()``.

    ``default_hooks=False`` removes the default hooks and ``plain_step=True`` replaces
    ``BaseModel.train_step`` with the plain loop's four lines (``--breakdown``).
    """
    from mmengine.hooks import Hook

    stamps: list[float] = []

    class StampHook(Hook):
        priority = "LOWEST"  # after every other hook: a stamp spans a whole iteration

        def before_train_epoch(self, runner):  # noqa: ANN001
            stamps.append(time.perf_counter())

        def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):  # noqa: ANN001
            stamps.append(time.perf_counter())

    net = make_net(kind)
    runner = Runner(
        model=Wrapped(net),
        work_dir=work_dir,
        train_dataloader=make_loader(kind),
        train_cfg=dict(by_epoch=False, max_iters=iters, val_interval=10**9),
        optim_wrapper=dict(optimizer=dict(type="SGD", lr=0.01)),
        default_hooks=dict(
            logger=dict(type="LoggerHook", interval=50),
            checkpoint=dict(type="CheckpointHook", interval=10**9, by_epoch=False, save_last=False),
        )
        if default_hooks
        else _NO_DEFAULT_HOOKS,
        custom_hooks=[StampHook()],
        log_processor=dict(by_epoch=False),
        log_level="WARNING",
        randomness=dict(seed=0),
        experiment_name=name,
    )
    if plain_step:
        runner.model.train_step = _plain_train_step(net)
    runner.train()
    _sync()
    stamps[-1] = time.perf_counter()
    for handler in list(MMLogger.get_instance(runner.experiment_name).handlers):
        handler.close()
    return _steady_state(stamps)


class _CallCounter:
    """Counts Python function and builtin calls while it is on (``sys.setprofile``)."""

    def __init__(self) -> None:
        self.count = 0

    def _profile(self, frame, event, arg):  # noqa: ANN001, ANN202
        if event == "call" or event == "c_call":
            self.count += 1

    def start(self) -> None:
        sys.setprofile(self._profile)

    def stop(self) -> None:
        sys.setprofile(None)


class _OpCounter:
    """Counts ATen operator calls (the forward's, the backward's and the optimizer's) while it
    is on, through a ``TorchDispatchMode``: a noise-free count of the tensor work."""

    def __init__(self) -> None:
        self.count = 0
        self._mode = None

    def start(self) -> None:
        from torch.utils._python_dispatch import TorchDispatchMode

        counter = self

        class _Count(TorchDispatchMode):
            def __torch_dispatch__(self, func, types, args=(), kwargs=None):  # noqa: ANN001, ANN204
                counter.count += 1
                return func(*args, **(kwargs or {}))

        self._mode = _Count()
        self._mode.__enter__()

    def stop(self) -> None:
        self._mode.__exit__(None, None, None)


def runner_calls(
    kind: str, warmup: int, iters: int, work_dir: str, counter: _CallCounter | _OpCounter
) -> float:
    """What ``counter`` counts (Python calls or ATen ops) per steady-state iteration of
    ``Runner.train()`` (``--calls``): from the end of iteration ``warmup`` to the end of
    iteration ``warmup + iters``, logging every 50 iterations included."""
    from mmengine.hooks import Hook

    class CountHook(Hook):
        priority = "LOWEST"

        def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):  # noqa: ANN001
            if runner.iter + 1 == warmup:
                counter.start()
            elif runner.iter + 1 == warmup + iters:
                counter.stop()

    runner = Runner(
        model=Wrapped(make_net(kind)),
        work_dir=work_dir,
        train_dataloader=make_loader(kind),
        train_cfg=dict(by_epoch=False, max_iters=warmup + iters + 1, val_interval=10**9),
        optim_wrapper=dict(optimizer=dict(type="SGD", lr=0.01)),
        default_hooks=dict(
            logger=dict(type="LoggerHook", interval=50),
            checkpoint=dict(type="CheckpointHook", interval=10**9, by_epoch=False, save_last=False),
        ),
        custom_hooks=[CountHook()],
        log_processor=dict(by_epoch=False),
        log_level="WARNING",
        randomness=dict(seed=0),
        experiment_name=f"bench_{type(counter).__name__}_{kind}",
    )
    runner.train()
    for handler in list(MMLogger.get_instance(runner.experiment_name).handlers):
        handler.close()
    return counter.count / iters


def calls(iters: int) -> None:
    """Python-level calls and ATen ops per iteration: plain loop, Runner, and the difference
    (counted in separate runs: the op counter's own Python would count as calls)."""
    warmup = iters // 10  # both count the iterations after the first tenth
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("mlp", "convnet"):
            for what, make in (("Python calls", _CallCounter), ("ATen ops", _OpCounter)):
                counter = make()
                plain_loop(kind, iters, counter=counter)
                p = counter.count / (iters - warmup)
                q = runner_calls(kind, max(warmup, 1), iters - warmup, tmp, make())
                print(
                    f"{kind:8s} {what + '/iter:':18s} plain {p:6.1f}   Runner {q:6.1f}   "
                    f"Runner adds {q - p:+6.1f}"
                )


def fresh_import_seconds(statement: str, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        code = f"import time; t=time.perf_counter(); {statement}; print(time.perf_counter()-t)"
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


FIRST_RUNNER = """
import time, tempfile, torch
from torch import nn
import mmengine.runner
from mmengine.model import BaseModel
class M(BaseModel):
    def __init__(self):
        super().__init__(); self.l = nn.Linear(2, 1)
    def forward(self, inputs, data_samples=None, mode='tensor'):
        return self.l(inputs)
t = time.perf_counter()
mmengine.runner.Runner(model=M(), work_dir=tempfile.mkdtemp(), log_level='WARNING')
print(time.perf_counter() - t)
"""


_MALLOC_ENV = {"MALLOC_MMAP_THRESHOLD_": "1073741824", "MALLOC_TRIM_THRESHOLD_": "1073741824"}


def _pin_allocator() -> None:
    """Re-run this script with glibc's mmap/trim thresholds fixed.

    With the default (dynamic) thresholds, large activation buffers go back to the OS and are
    faulted in again depending on the heap's layout, which makes one loop or the other up to
    2x slower at random; fixed thresholds make both loops' timings stable and comparable.
    """
    if sys.platform.startswith("linux") and any(k not in os.environ for k in _MALLOC_ENV):
        env = {**os.environ, **_MALLOC_ENV}
        os.execve(sys.executable, [sys.executable, *sys.argv], env)


def breakdown(rounds: int, iters: int) -> None:
    """Where the tiny MLP's overhead goes: the loop alone, + default hooks, + train_step."""
    variants = {
        "loop only (no default hooks, plain step)": dict(default_hooks=False, plain_step=True),
        "+ default hooks (plain step)": dict(default_hooks=True, plain_step=True),
        "+ BaseModel.train_step/OptimWrapper (full)": dict(default_hooks=True, plain_step=False),
    }
    times: dict[str, list[float]] = {"plain": [], **{v: [] for v in variants}}
    with tempfile.TemporaryDirectory() as tmp:
        plain_loop("mlp", 20)
        runner_loop("mlp", 20, tmp, "bench_breakdown_warmup")
        for r in range(rounds):
            order = ["plain", *variants]
            for i, v in enumerate(order[::-1] if r % 2 else order):
                if v == "plain":
                    times[v].append(plain_loop("mlp", iters))
                else:
                    name = f"bench_breakdown_{r}_{i}"  # one logger per run
                    times[v].append(runner_loop("mlp", iters, tmp, name, **variants[v]))
    p = statistics.median(times["plain"])
    for v, ts in times.items():
        q = statistics.median(ts)
        print(f"mlp {v:44s} {q * 1e6:7.1f} us/iter  ratio {q / p:.3f}  (+{(q - p) * 1e6:.1f} us)")


def main() -> None:
    _pin_allocator()
    parser = argparse.ArgumentParser()
    parser.add_argument("--iters", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="only the tiny MLP: the loop alone, + default hooks, + train_step",
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="only the plain tiny-MLP loop, with N trivial Python calls per iteration",
    )
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    parser.add_argument(
        "--calls",
        action="store_true",
        help="Python-level calls and ATen ops per iteration, plain loop and Runner (no timing)",
    )
    args = parser.parse_args()
    global DEVICE
    DEVICE = torch.device(args.device)
    torch.set_num_threads(1)
    logging.getLogger().setLevel(logging.WARNING)
    if args.breakdown:
        breakdown(args.rounds, args.iters)
        return
    if args.floor:
        floor(args.rounds, args.iters)
        return
    if args.calls:
        calls(args.iters)
        return

    print(
        f"torch {torch.__version__} on {DEVICE}, {args.iters} iterations x {args.rounds} rounds, "
        "1 thread, "
        "glibc mmap/trim thresholds pinned"
    )
    for kind, target in (("mlp", 1.05), ("convnet", 1.01)):
        iters = args.iters if kind == "mlp" else max(args.iters // 5, 50)
        plain, runner, paired = [], [], []
        with tempfile.TemporaryDirectory() as tmp:
            plain_loop(kind, 20)  # warm-up
            runner_loop(kind, 20, tmp, f"bench_{kind}_warmup")
            for r in range(args.rounds):
                # Alternate the order so that drifts of the shared machine cancel out.
                if r % 2:
                    q = runner_loop(kind, iters, tmp, f"bench_{kind}_{r}")
                    p = plain_loop(kind, iters)
                else:
                    p = plain_loop(kind, iters)
                    q = runner_loop(kind, iters, tmp, f"bench_{kind}_{r}")
                plain.append(p)
                runner.append(q)
                paired.append(q / p)
        p, q = statistics.median(plain), statistics.median(runner)
        print(
            f"{kind:8s} plain {p * 1e6:8.1f} us/iter   Runner {q * 1e6:8.1f} us/iter   "
            f"ratio {q / p:.3f}  median paired ratio {statistics.median(paired):.3f}  "
            f"(target <= {target})"
        )

    bare = fresh_import_seconds("pass", args.rounds)
    torch_s = fresh_import_seconds("import torch", args.rounds)
    runner_s = fresh_import_seconds("import mmengine.runner", args.rounds)
    print(
        f"import torch {torch_s - bare:.3f} s   import mmengine.runner {runner_s - bare:.3f} s   "
        f"difference {runner_s - torch_s:+.3f} s  (target <= +0.5 s)"
    )
    firsts = []
    for _ in range(args.rounds):
        out = subprocess.run(
            [sys.executable, "-c", FIRST_RUNNER], capture_output=True, text=True, check=True
        )
        firsts.append(float(out.stdout.strip().splitlines()[-1]))
    print(f"first Runner(...) {statistics.median(firsts):.3f} s  (target < 0.3 s)")


if __name__ == "__main__":
    main()
