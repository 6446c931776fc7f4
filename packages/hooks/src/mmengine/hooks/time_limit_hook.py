"""TimeLimitHook: stop training gracefully, with a checkpoint, before a wall-clock budget ends."""

from __future__ import annotations

import math
import numbers
import re
import time
from typing import Any, Optional, Union

from mmengine.registry import HOOKS

from .hook import DATA_BATCH, Hook

_CLOCK = re.compile(r"^(?:(?P<days>\d+)-)?(?:(?P<h>\d+):)?(?P<m>\d+):(?P<s>\d+(?:\.\d*)?)$")


def parse_duration(value: Union[int, float, str]) -> float:
    """Seconds in ``value``: a number of seconds, or ``'[D-]HH:MM:SS'`` / ``'MM:SS'`` (SLURM's
    ``--time`` format).

    Raises:
        ValueError: a string in another format, or a negative or NaN duration.
        TypeError: neither a number nor a str.
    """
    if isinstance(value, str):
        match = _CLOCK.match(value.strip())
        if match is None:
            raise ValueError(
                f"TimeLimitHook: cannot read the duration {value!r}; give seconds (e.g. 3600) "
                "or 'HH:MM:SS' (e.g. '23:30:00', or '1-00:00:00' for one day)"
            )
        seconds = (
            int(match["days"] or 0) * 86400
            + int(match["h"] or 0) * 3600
            + int(match["m"]) * 60
            + float(match["s"])
        )
    elif isinstance(value, numbers.Real) and not isinstance(value, bool):
        seconds = float(value)
    else:
        raise TypeError(
            f"TimeLimitHook: max_time must be seconds (a number) or a str 'HH:MM:SS', but got "
            f"{type(value).__name__}: {value!r}"
        )
    if math.isnan(seconds):
        raise ValueError("TimeLimitHook: the time limit is NaN; give seconds or 'HH:MM:SS'")
    if seconds < 0:
        raise ValueError(f"TimeLimitHook: the time limit must not be negative, got {value!r}")
    return seconds


@HOOKS.register_module()
class TimeLimitHook(Hook):
    """Stop training with a checkpoint when the wall-clock budget would run out.

    After each training iteration the hook checks whether another iteration still fits in
    ``max_time`` (counted from this process's ``before_train``); if not, it asks the runner to
    stop: the runner saves a checkpoint through its checkpoint store (it becomes
    ``last_checkpoint``), logs it and ends training, and ``resume=True`` continues later. In a
    distributed run every rank stops at the same iteration.

    Args:
        max_time (int, float or str): the budget, in seconds or as ``'[D-]HH:MM:SS'``.
        exit_code (int, optional): exit the process with this status after the checkpoint
            (e.g. for a scheduler's requeue logic). Defaults to None: ``train()`` returns.

    Examples:
        >>> custom_hooks = [dict(type='TimeLimitHook', max_time='23:30:00')]
    """

    priority = "LOWEST"

    def __init__(self, max_time: Union[int, float, str], exit_code: Optional[int] = None) -> None:
        self.max_seconds = parse_duration(max_time)
        if exit_code is not None:
            if isinstance(exit_code, bool) or not isinstance(exit_code, numbers.Integral):
                raise TypeError(
                    f"TimeLimitHook: exit_code must be an int (the process exit status) or None, "
                    f"but got {type(exit_code).__name__}: {exit_code!r}"
                )
            if not 0 <= exit_code <= 255:
                raise ValueError(
                    f"TimeLimitHook: exit_code must be in 0..255 (a process exit status), but "
                    f"got {exit_code}; the shell would see {exit_code % 256}."
                )
        self.exit_code = exit_code
        self._start: Optional[float] = None
        self._last: Optional[float] = None

    def before_train(self, runner: Any) -> None:
        """Start the clock."""
        self._start = self._last = time.monotonic()

    def after_train_iter(
        self,
        runner: Any,
        batch_idx: int,
        data_batch: DATA_BATCH = None,
        outputs: Optional[dict] = None,
    ) -> None:
        """Ask the runner to stop when one more iteration would exceed the budget."""
        now = time.monotonic()
        if self._start is None:
            self._start = self._last = now
        assert self._last is not None
        last_iteration = now - self._last
        self._last = now
        if now - self._start + last_iteration < self.max_seconds:
            return
        reason = f"time limit of {self.max_seconds:g} s reached"
        request_stop = getattr(runner, "request_stop", None)
        if request_stop is not None:
            request_stop(reason, exit_code=self.exit_code)
        else:  # a runner without graceful stops: end the loop at least
            runner.logger.warning(f"TimeLimitHook: {reason}; stopping training")
            runner.train_loop.stop_training = True
