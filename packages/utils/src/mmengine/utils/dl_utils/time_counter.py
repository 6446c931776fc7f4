"""Average running time of a function or a code block."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

import torch


def _emit(msg: str, logger: Any) -> None:
    """Print ``msg`` or send it to ``logger`` (a Logger or a logger name)."""
    if logger is None:
        print(msg)
    elif logger == "silent":
        return
    elif isinstance(logger, str):
        try:
            # the current MMLogger (and named MMLoggers) live in mmengine.logging, a layer above
            from mmengine.logging import print_log  # workspace: optional
        except ImportError:
            logging.getLogger("mmengine" if logger == "current" else logger).info(msg)
        else:
            print_log(msg, logger=logger)
    elif hasattr(logger, "info"):
        logger.info(msg)
    else:
        raise TypeError(
            'logger should be None, a logging.Logger (e.g. MMLogger), "silent" '
            f"or a logger name, but got {type(logger)}"
        )


class TimeCounter:
    """A tool that counts the average running time of a function or a method.

    Users can use it as a decorator or context manager to calculate the
    average running time of code blocks. Instances are shared per ``tag``:
    creating a ``TimeCounter`` with an existing tag returns that counter.

    Args:
        log_interval (int): The interval of logging. Defaults to 1.
        warmup_interval (int): The interval of warmup. Defaults to 1.
        with_sync (bool): Whether to synchronize cuda. Defaults to True.
        tag (str, optional): Function tag. Used to distinguish between
            different functions or methods being called. Defaults to None.
        logger (MMLogger, optional): Formatted logger used to record messages.
            Defaults to None, meaning ``print``.

    Examples:
        >>> import time
        >>> from mmengine.utils.dl_utils import TimeCounter
        >>> @TimeCounter()
        ... def fun1():
        ...     time.sleep(0.1)
        >>> fun1()
        [fun1]-time per run averaged in the past 1 runs: 10... ms

        >>> with TimeCounter(tag='fun3'):
        ...     time.sleep(0.3)
        [fun3]-time per run averaged in the past 1 runs: 30... ms
    """

    instance_dict: dict = dict()

    log_interval: int
    warmup_interval: int
    with_sync: bool
    tag: str | None
    logger: Any

    def __new__(
        cls,
        log_interval: int = 1,
        warmup_interval: int = 1,
        with_sync: bool = True,
        tag: str | None = None,
        logger: Any = None,
    ) -> TimeCounter:
        assert warmup_interval >= 1, f"warmup_interval must be >= 1, got {warmup_interval}"
        if tag is not None and tag in cls.instance_dict:
            return cls.instance_dict[tag]
        instance = super().__new__(cls)
        cls.instance_dict[tag] = instance
        instance.log_interval = log_interval
        instance.warmup_interval = warmup_interval
        instance.with_sync = with_sync
        instance.tag = tag
        instance.logger = logger
        instance._count = 0
        instance._pure_inf_time = 0.0
        instance._start_time = 0.0
        return instance

    def _sync(self) -> None:
        if self.with_sync and torch.cuda.is_available():
            torch.cuda.synchronize()

    def __call__(self, fn: Callable) -> Callable:
        if self.tag is None:
            self.tag = fn.__name__

        @wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            self._count += 1
            self._sync()
            start_time = time.perf_counter()
            result = fn(*args, **kwargs)
            self._sync()
            self.print_time(time.perf_counter() - start_time)
            return result

        return wrapper

    def __enter__(self) -> None:
        assert self.tag is not None, (
            "In order to clearly distinguish printing information in different "
            "contexts, please specify the tag parameter"
        )
        self._count += 1
        self._sync()
        self._start_time = time.perf_counter()

    def __exit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        self._sync()
        self.print_time(time.perf_counter() - self._start_time)

    def print_time(self, elapsed: int | float) -> None:
        """Accumulate ``elapsed`` and print the average every ``log_interval``.

        Runs before ``warmup_interval`` are not counted.

        Args:
            elapsed (int | float): Seconds taken by the latest run.
        """
        if self._count >= self.warmup_interval:
            self._pure_inf_time += elapsed
            if self._count % self.log_interval == 0:
                times_per_count = (
                    1000 * self._pure_inf_time / (self._count - self.warmup_interval + 1)
                )
                _emit(
                    f"[{self.tag}]-time per run averaged in the past "
                    f"{self._count} runs: {times_per_count:.1f} ms",
                    self.logger,
                )
