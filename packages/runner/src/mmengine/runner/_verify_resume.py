"""``mmengine-verify-resume``: prove that resuming a run gives bit-identical weights.

Three runs of the same config, each in a fresh Python process (so nothing survives in memory
from one to the next, as after a real restart) and its own work dir:

1. ``straight``: train ``N`` iterations;
2. ``interrupted``: train ``K`` iterations, save a checkpoint the way ``CheckpointHook``
   does (``by_epoch=False``, possibly mid-epoch) and stop;
3. ``resumed``: a new runner with ``resume=True`` from that checkpoint trains up to ``N``.

After every iteration each run hashes every tensor of the model's ``state_dict``. The
verifier compares the hashes iteration by iteration: ``interrupted`` against ``straight``
(is the run reproducible at all?), the weights ``resumed`` loaded against ``straight`` at
iteration ``K`` (does the checkpoint restore them?), and ``resumed`` against ``straight`` up
to ``N`` (does training continue identically?). It reports the first iteration and tensor
that differ.

Runs through the Runner's public API only: ``Runner.from_cfg`` (or ``RUNNERS`` for a
``runner_type``), ``register_hook``, ``save_checkpoint``, ``train``.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import os.path as osp
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any

from mmengine.config import Config

__all__ = ["RunFailed", "VerifyResult", "tensor_hashes", "verify_resume"]

_RUNS = ("straight", "interrupted", "resumed")


@dataclass
class VerifyResult:
    """The outcome of :func:`verify_resume`.

    Attributes:
        identical (bool): Whether the resumed run's weights equal the straight run's at
            every iteration (and the run is reproducible at all).
        iteration (int, optional): The first iteration whose weights differ.
        tensor (str, optional): The first ``state_dict`` key that differs there.
        differing (list[str]): Every key that differs at that iteration.
        message (str): The report printed to the user.
    """

    identical: bool
    iteration: int | None = None
    tensor: str | None = None
    differing: list[str] = field(default_factory=list)
    message: str = ""


def tensor_hashes(state_dict: dict) -> dict[str, str]:
    """A short hash of the bytes (and dtype and shape) of every tensor of a ``state_dict``."""
    import torch

    hashes = {}
    for name, value in state_dict.items():
        if not isinstance(value, torch.Tensor):
            continue
        tensor = value.detach().cpu().contiguous().reshape(-1)
        digest = hashlib.blake2b(digest_size=12)
        digest.update(f"{tensor.dtype}{tuple(value.shape)}".encode())
        digest.update(tensor.view(torch.uint8).numpy().tobytes())
        hashes[name] = digest.hexdigest()
    return hashes


class _StopRun(Exception):
    """Raised by the recorder to end a run at the iteration it was asked to stop at."""


def _make_recorder(stop_at: int, checkpoint_name: str | None) -> Any:
    """The hook that hashes the weights after each iteration and stops the run."""
    from mmengine.hooks import Hook
    from mmengine.model import is_model_wrapper

    class WeightHashRecorder(Hook):
        def __init__(self) -> None:
            self.start_iter: int | None = None
            self.hashes: dict[int, dict[str, str]] = {}
            self.checkpoint: str | None = None

        def _record(self, runner: Any, iteration: int) -> None:
            model = runner.model.module if is_model_wrapper(runner.model) else runner.model
            self.hashes[iteration] = tensor_hashes(model.state_dict())

        def before_train(self, runner: Any) -> None:
            # After a resume the runner has loaded the checkpoint by now.
            self.start_iter = runner.iter
            self._record(runner, runner.iter)

        def after_train_iter(
            self, runner: Any, batch_idx: int, data_batch: Any = None, outputs: Any = None
        ) -> None:
            done = runner.iter + 1  # the loop counts the iteration after its hooks
            self._record(runner, done)
            if done < stop_at:
                return
            if checkpoint_name is not None:
                runner.save_checkpoint(runner.work_dir, checkpoint_name, by_epoch=False)
                self.checkpoint = osp.join(runner.work_dir, checkpoint_name)
            raise _StopRun(f"verify-resume: stop after iteration {done}")

    return WeightHashRecorder()


def _is_stop(exc: BaseException | None) -> bool:
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, _StopRun):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def run_worker(spec_file: str) -> None:
    """Run one of the three runs in this process, as ``spec_file`` (JSON) describes."""
    with open(spec_file) as f:
        spec = json.load(f)
    if os.getcwd() not in sys.path:  # custom_imports relative to the working directory
        sys.path.insert(0, os.getcwd())
    from mmengine._runner_cli import build_runner

    cfg = Config.fromfile(spec["config"])
    cfg.work_dir = spec["work_dir"]
    cfg.experiment_name = spec["name"]
    cfg.resume = spec["resume_from"] is not None
    cfg.load_from = spec["resume_from"] or cfg.get("load_from")
    if spec["stop_at"] is not None:
        # The deliberate stop is not a failure: no exception checkpoint for it.
        cfg.exception_checkpoint = False
    runner = build_runner(cfg)
    recorder = _make_recorder(spec["stop_at"], spec["checkpoint"])
    runner.register_hook(recorder, priority="LOWEST")
    stopped = False
    try:
        runner.train()
    except BaseException as exc:
        if not _is_stop(exc):
            raise
        stopped = True
    with open(spec["out"], "w") as f:
        json.dump(
            dict(
                start_iter=recorder.start_iter,
                stopped=stopped,
                checkpoint=recorder.checkpoint,
                hashes={str(k): v for k, v in recorder.hashes.items()},
            ),
            f,
        )


class RunFailed(RuntimeError):
    """One of the verifier's runs exited with an error (the message holds its log's tail)."""


class _Run:
    """One run in a fresh Python process; ``result()`` waits and returns its hashes."""

    def __init__(self, name: str, cfg_file: str, work_dir: str, stop_at: int, **spec: Any):
        self.name = name
        run_dir = osp.join(work_dir, name)
        os.makedirs(run_dir, exist_ok=True)
        spec_file = osp.join(run_dir, "verify_resume_spec.json")
        self.out_file = osp.join(run_dir, "weight_hashes.json")
        self.log_file = osp.join(run_dir, "verify_resume_run.log")
        with open(spec_file, "w") as f:
            json.dump(
                dict(
                    config=cfg_file,
                    work_dir=run_dir,
                    name=f"verify_resume_{name}",
                    stop_at=stop_at,
                    out=self.out_file,
                    resume_from=spec.get("resume_from"),
                    checkpoint=spec.get("checkpoint"),
                ),
                f,
            )
        if osp.exists(self.out_file):
            os.remove(self.out_file)
        env = dict(os.environ)
        env.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # deterministic cuBLAS if asked
        code = f"from mmengine.runner._verify_resume import run_worker; run_worker({spec_file!r})"
        with open(self.log_file, "w") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", code], stdout=log, stderr=subprocess.STDOUT, env=env
            )

    def stop(self) -> None:
        """End the process if it still runs (another run failed)."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def result(self) -> dict:
        returncode = self.proc.wait()
        if returncode != 0 or not osp.exists(self.out_file):
            with open(self.log_file, errors="replace") as f:
                tail = "".join(f.readlines()[-30:])
            raise RunFailed(
                f"verify-resume: the {self.name} run failed (exit code {returncode}); its log "
                f"is {self.log_file}. Last lines:\n{tail}"
            )
        with open(self.out_file) as f:
            result = json.load(f)
        result["hashes"] = {int(k): v for k, v in result["hashes"].items()}
        return result


def _first_difference(
    reference: dict[int, dict[str, str]], other: dict[int, dict[str, str]], iterations: range
) -> tuple[int, list[str]] | None:
    for it in iterations:
        ref, got = reference.get(it), other.get(it)
        if ref is None or got is None:
            continue
        differing = [k for k in ref if ref[k] != got.get(k)] + [k for k in got if k not in ref]
        if differing:
            return it, differing
    return None


def _differ(kind: str, iteration: int, differing: list[str], explanation: str) -> VerifyResult:
    more = f" (and {len(differing) - 1} more tensors)" if len(differing) > 1 else ""
    message = (
        f"DIFFERENT at iteration {iteration} ({kind}): tensor '{differing[0]}'{more} "
        f"differs. {explanation}"
    )
    return VerifyResult(False, iteration, differing[0], differing, message)


def verify_resume(
    cfg: Config, iters: int, at: int, work_dir: str, sequential: bool = False
) -> VerifyResult:
    """Train ``iters`` iterations straight and ``at`` + resume + ``iters - at``; compare.

    Args:
        cfg (Config): The training config (``--cfg-options`` applied).
        iters (int): N, the iterations to train.
        at (int): K, the iteration after which the interrupted run stops (0 < K < N).
        work_dir (str): Where the three runs write (``straight/``, ``interrupted/``,
            ``resumed/``).
        sequential (bool): Run the straight and the interrupted run one after the other
            instead of at the same time (when two runs do not fit on the device at once).

    Returns:
        VerifyResult: Whether the weights are identical, else the first iteration and
        tensor that differ. Its message is also printed.
    """
    if not 0 < at < iters:
        raise ValueError(f"verify_resume: need 0 < at < iters, got at={at}, iters={iters}")
    os.makedirs(work_dir, exist_ok=True)
    cfg_file = _dump_seeded_config(cfg, osp.join(work_dir, "verify_resume_config.py"))
    print(f"verify-resume: {iters} iterations straight, and {at} + resume + {iters - at}")
    straight, interrupted, resumed = _run_three(cfg_file, work_dir, iters, at, sequential)
    result = _compare(straight, interrupted, resumed, iters, at)
    print(result.message)
    return result


def _dump_seeded_config(cfg: Config, cfg_file: str) -> str:
    """Write the config the three runs read to ``cfg_file``, with a seed (0 if it has none)."""
    cfg = copy.deepcopy(cfg)
    randomness = dict(cfg.get("randomness") or {})
    if randomness.get("seed") is None:
        randomness["seed"] = 0
        cfg.randomness = randomness
        print(
            "verify-resume: the config sets no randomness.seed; using seed=0 for all runs "
            "(an unseeded run cannot be compared with another one)."
        )
    cfg.dump(cfg_file)
    return cfg_file


def _run_three(
    cfg_file: str, work_dir: str, iters: int, at: int, sequential: bool
) -> tuple[dict, dict, dict | None]:
    """The results of the straight, interrupted and resumed runs (None for the resumed one
    when the interrupted run saved no checkpoint)."""
    checkpoint = f"verify_resume_iter_{at}.pth"
    # The straight run goes alongside the interrupted one and then the resumed one.
    straight_run = _Run("straight", cfg_file, work_dir, iters)
    resumed_run = None
    try:
        if sequential:
            straight_run.proc.wait()
        interrupted = _Run("interrupted", cfg_file, work_dir, at, checkpoint=checkpoint).result()
        if interrupted["checkpoint"] is not None:
            resumed_run = _Run(
                "resumed", cfg_file, work_dir, iters, resume_from=interrupted["checkpoint"]
            )
        straight = straight_run.result()
        resumed = resumed_run.result() if resumed_run is not None else None
    finally:
        for run in (straight_run, resumed_run):
            if run is not None:
                run.stop()
    return straight, interrupted, resumed


def _compare(
    straight: dict, interrupted: dict, resumed: dict | None, iters: int, at: int
) -> VerifyResult:
    """Compare the three runs' hashes: is the run reproducible, is the resume exact?"""
    last = max(straight["hashes"])
    if resumed is None or last < iters:
        message = (
            f"ERROR: the run ends after {last} iterations, before --iters {iters}; choose "
            f"--iters <= {last} (and --at < --iters)."
        )
        return VerifyResult(False, message=message)
    found = _first_difference(straight["hashes"], interrupted["hashes"], range(0, at + 1))
    if found is not None:
        return _differ(
            "the run is not reproducible even without resuming",
            *found,
            "Two runs from scratch with the same seed already differ; set randomness="
            "dict(seed=0, deterministic=True) and avoid nondeterministic ops or data order.",
        )
    if resumed["start_iter"] != at:
        message = (
            f"DIFFERENT: the resumed run started at iteration {resumed['start_iter']}, not "
            f"{at}: resume=True did not restore the counters from {interrupted['checkpoint']}."
        )
        return VerifyResult(False, iteration=resumed["start_iter"], message=message)
    return _compare_resumed(straight["hashes"], resumed["hashes"], iters, at)


def _compare_resumed(
    straight: dict[int, dict[str, str]], resumed: dict[int, dict[str, str]], iters: int, at: int
) -> VerifyResult:
    """Compare the resumed run's hashes with the straight run's, from iteration ``at`` on."""
    found = _first_difference(straight, resumed, range(at, at + 1))
    if found is not None:
        return _differ(
            "the weights loaded on resume",
            *found,
            "The checkpoint does not restore the model's weights exactly (or a hook changes "
            "them when the run resumes).",
        )
    found = _first_difference(straight, resumed, range(at + 1, iters + 1))
    if found is not None:
        return _differ(
            f"training continued after resuming at iteration {at}",
            *found,
            "The weights were restored, but training continued differently: some state is "
            "not saved or restored (random generators, data order, optimizer, schedulers, "
            "a hook's state).",
        )
    tensors = len(straight[iters])
    message = (
        f"IDENTICAL: all {tensors} tensors of the model match at every iteration from "
        f"{at} to {iters} after resuming at iteration {at}."
    )
    return VerifyResult(True, message=message)


if __name__ == "__main__":  # python -m mmengine.runner._verify_resume CONFIG ...
    from mmengine._runner_cli import verify_resume_main

    verify_resume_main(prog="mmengine-verify-resume")
