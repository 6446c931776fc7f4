"""A flexible timer and single-line check points."""

from __future__ import annotations

from time import time
from typing import Any


class TimerError(Exception):
    """Raised when a :class:`Timer` is queried while not running.

    Args:
        message (str): The error message.
    """

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class Timer:
    """A flexible Timer class.

    Examples:
        >>> import time
        >>> from mmengine.utils import Timer
        >>> with Timer():
        ...     time.sleep(0.5)
        0.5...
        >>> with Timer(print_tmpl='it takes {:.1f} seconds'):
        ...     time.sleep(0.5)
        it takes 0.5 seconds
        >>> timer = Timer()
        >>> time.sleep(0.5)
        >>> print(timer.since_start())
        0.5...

    Args:
        start (bool): Start the timer on creation. Defaults to True.
        print_tmpl (str, optional): Template used to print the elapsed time
            when leaving the ``with`` block. Defaults to ``'{:.3f}'``.
    """

    def __init__(self, start: bool = True, print_tmpl: str | None = None) -> None:
        self._is_running = False
        self.print_tmpl = print_tmpl if print_tmpl else "{:.3f}"
        if start:
            self.start()

    @property
    def is_running(self) -> bool:
        """bool: indicate whether the timer is running."""
        return self._is_running

    def __enter__(self) -> Timer:
        self.start()
        return self

    def __exit__(self, *args: Any) -> None:
        print(self.print_tmpl.format(self.since_last_check()))
        self._is_running = False

    def start(self) -> None:
        """Start the timer (no-op if it is already running)."""
        if not self._is_running:
            self._t_start = time()
            self._is_running = True
        self._t_last = time()

    def since_start(self) -> float:
        """Total time since the timer is started.

        Returns:
            float: Time in seconds.
        """
        if not self._is_running:
            raise TimerError("timer is not running; call Timer.start() first")
        self._t_last = time()
        return self._t_last - self._t_start

    def since_last_check(self) -> float:
        """Time since the last checking.

        Either :meth:`since_start` or :meth:`since_last_check` is a checking
        operation.

        Returns:
            float: Time in seconds.
        """
        if not self._is_running:
            raise TimerError("timer is not running; call Timer.start() first")
        now = time()
        dur = now - self._t_last
        self._t_last = now
        return dur


_g_timers: dict[str, Timer] = {}


def check_time(timer_id: str) -> float:
    """Add check points in a single line.

    This method is suitable for running a task on a list of items. A timer
    will be registered when the method is called for the first time.

    Examples:
        >>> import time
        >>> from mmengine.utils import check_time
        >>> for i in range(1, 4):
        ...     time.sleep(0.1 * i)  # simulate a code block
        ...     check_time('task1')
        0
        0.2...
        0.3...

    Args:
        timer_id (str): Timer identifier.

    Returns:
        float: Seconds since the previous call with the same ``timer_id``
        (0 on the first call).
    """
    if timer_id not in _g_timers:
        _g_timers[timer_id] = Timer()
        return 0
    return _g_timers[timer_id].since_last_check()
