"""Graceful stops: preemption signals and other requests to stop training with a checkpoint.

A :class:`StopRequest` is set by a signal handler (SIGTERM; SIGUSR1 under SLURM) or by a hook
(e.g. :class:`~mmengine.hooks.TimeLimitHook`). The train loop looks at it after every
iteration (a bool test; in a distributed run one all-reduce, so every rank stops at the same
iteration whichever rank was asked), then the runner writes a checkpoint through its
checkpoint store (it becomes ``last_checkpoint``), logs it, and ends training; after a
signal the process then exits with ``128 + signal number`` (143 for SIGTERM), so a
scheduler sees the job as terminated and ``resume=True`` continues it.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import threading
from typing import Any

from mmengine.logging import print_log

__all__ = ["PreemptionHandler", "StopRequest", "preemption_settings", "requeue_slurm_job"]


class StopRequest:
    """A request to stop training at the next iteration boundary, with a checkpoint.

    Attributes:
        requested (bool): whether a stop was requested.
        reason (str): why (shown in the log).
        exit_code (int, optional): the exit status of the process after the stop; None ends
            ``train()`` normally.
    """

    __slots__ = ("requested", "reason", "exit_code")

    def __init__(self) -> None:
        self.requested = False
        self.reason = ""
        self.exit_code: int | None = None

    def set(self, reason: str, exit_code: int | None = None) -> None:
        """Ask training to stop (the first request's reason and exit code are kept)."""
        if self.requested:
            return
        self.reason = reason
        self.exit_code = exit_code
        self.requested = True

    def clear(self) -> None:
        """Withdraw the request (a new ``train()`` starts without one)."""
        self.requested = False
        self.reason = ""
        self.exit_code = None


def _default_signals() -> list[str]:
    names = ["SIGTERM"]
    if "SLURM_JOB_ID" in os.environ:
        names.append("SIGUSR1")
    return names


def preemption_settings(cfg: Any) -> dict:
    """The runner's ``preemption`` config key, with its defaults filled in.

    ``preemption=False`` disables it; a dict may give ``signals`` (names or numbers;
    default SIGTERM, plus SIGUSR1 under SLURM), ``requeue`` (run
    ``scontrol requeue $SLURM_JOB_ID`` after the checkpoint; default False) and
    ``exit_code`` (default ``128 + signal number``).
    """
    if cfg is None or cfg is True:
        cfg = {}
    if cfg is False:
        return dict(enable=False, signals=[], requeue=False, exit_code=None)
    if not isinstance(cfg, dict):
        raise TypeError(
            f"`preemption` should be a bool or a dict (signals, requeue, exit_code), but got "
            f"{cfg!r}"
        )
    unknown = set(cfg) - {"enable", "signals", "requeue", "exit_code"}
    if unknown:
        raise KeyError(
            f"`preemption` has unknown keys {sorted(unknown)}; it takes enable, signals, "
            "requeue and exit_code"
        )
    signals = cfg.get("signals")
    return dict(
        enable=bool(cfg.get("enable", True)),
        signals=list(signals) if signals is not None else _default_signals(),
        requeue=bool(cfg.get("requeue", False)),
        exit_code=cfg.get("exit_code"),
    )


def _signal_number(sig: int | str) -> signal.Signals:
    if isinstance(sig, str):
        name = sig.upper() if sig.upper().startswith("SIG") else f"SIG{sig.upper()}"
        try:
            return signal.Signals[name]
        except KeyError:
            raise ValueError(
                f"`preemption.signals`: unknown signal {sig!r} (e.g. 'SIGTERM', 'SIGUSR1')"
            ) from None
    return signal.Signals(sig)


class PreemptionHandler:
    """Turn preemption signals into a :class:`StopRequest` while training runs.

    The first signal sets the request; a second one of the same kind restores the previous
    handler and delivers the signal again (a stuck run can still be terminated).

    Args:
        stop_request (StopRequest): the request to set.
        signals (list): signal names or numbers.
        exit_code (int, optional): the exit status after the stop; defaults to
            ``128 + signal number``.
    """

    def __init__(
        self, stop_request: StopRequest, signals: list, exit_code: int | None = None
    ) -> None:
        self.stop_request = stop_request
        self.signals = [_signal_number(s) for s in signals]
        self.exit_code = exit_code
        self._previous: dict[int, Any] = {}

    def install(self) -> bool:
        """Install the handlers (only possible in the main thread). Returns whether done."""
        if threading.current_thread() is not threading.main_thread():
            return False
        for sig in self.signals:
            self._previous[sig] = signal.signal(sig, self._handle)
        return True

    def uninstall(self) -> None:
        """Restore the handlers found at :meth:`install`."""
        for sig, previous in self._previous.items():
            if signal.getsignal(sig) == self._handle:
                signal.signal(sig, previous if previous is not None else signal.SIG_DFL)
        self._previous.clear()

    def _handle(self, signum: int, frame: Any) -> None:
        if self.stop_request.requested:
            # a second signal: give up the graceful stop
            signal.signal(signum, self._previous.get(signum) or signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        code = self.exit_code if self.exit_code is not None else 128 + int(signum)
        self.stop_request.set(f"received {signal.Signals(signum).name}", code)


def requeue_slurm_job() -> bool:
    """Run ``scontrol requeue $SLURM_JOB_ID``; return whether it succeeded."""
    job = os.environ.get("SLURM_JOB_ID")
    if not job:
        print_log(
            "preemption.requeue is set but SLURM_JOB_ID is not: not running under SLURM, "
            "nothing to requeue",
            logger="current",
            level=logging.WARNING,
        )
        return False
    try:
        subprocess.run(["scontrol", "requeue", job], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        print_log(
            f"`scontrol requeue {job}` failed: {exc}; requeue the job yourself",
            logger="current",
            level=logging.ERROR,
        )
        return False
    print_log(f"SLURM job {job} requeued", logger="current")
    return True
