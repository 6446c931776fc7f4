"""``HistoryBuffer``: the history of one logged scalar and statistics on it.

Storage design
--------------
Upstream re-allocates the whole history on every update (``np.append``), so an
update costs O(n). Here the values live in a preallocated numpy array with
some slack at the end. An update writes one slot; when the slack is used up,
the array either grows geometrically (while the history is shorter than
``max_length``) or the newest ``max_length - 1`` values are moved back to the
front (once the history is full). Both happen rarely enough that the cost per
update is amortised O(1), and the live history is always one contiguous slice
of the array, so statistics over a window read only that window.

Values on an accelerator
------------------------
Converting a CUDA (or other device) tensor to a Python number waits for the device to finish
all queued work. Logging a loss that way every iteration (as 0.10 does) stops the host from
queueing the next iteration while the device computes. :meth:`MessageHub.update_scalar` instead
hands such tensors to the buffer, which keeps a detached copy and converts all of them at once,
in order, the first time anything reads the buffer (a statistic, ``data``, a checkpoint), which
is typically once per log interval. What any reader sees is the same as with eager conversion.
"""

from __future__ import annotations

import numbers
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from ._lazy import lazy_numpy

np = lazy_numpy(globals())  # numpy is imported on first use

__all__ = ["HistoryBuffer"]

_MIN_CAPACITY = 16


class _BufferAssertionError(AssertionError):
    """Base of the errors that upstream raised with ``assert``.

    The errors below also derive from the built-in exception that describes
    them (``ValueError`` / ``TypeError``), so both ``except AssertionError``
    (code written for upstream) and the natural exception type work.
    """


# What 0.10 said first when a statistic of an empty buffer was asked for.
_EMPTY_FIRST_SENTENCE = {
    "max": "zero-size array to reduction operation maximum which has no identity",
    "min": "zero-size array to reduction operation minimum which has no identity",
    "current": "HistoryBuffer._log_history is an empty array! please call update first",
}


class HistoryLengthMismatchError(_BufferAssertionError, ValueError):
    """``log_history`` and ``count_history`` differ in length."""


class WindowSizeError(_BufferAssertionError, TypeError):
    """A statistics window size that is not an integer."""


class _MaxLengthTypeError(ValueError, TypeError):
    """A ``max_length`` that is no number (0.10 failed comparing it: ``TypeError``)."""


class _RegisterStatisticsError(AttributeError, TypeError):
    """``register_statistics`` got something that is not a named function."""


def _to_1d_array(values: Any, arg_name: str) -> np.ndarray:
    """Convert a sequence, numpy array or tensor to a flat numeric array."""
    if hasattr(values, "detach") and hasattr(values, "cpu"):
        # A torch tensor: move it to host memory without importing torch.
        values = values.detach().cpu().numpy()
    try:
        array = np.asarray(values)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"HistoryBuffer: `{arg_name}` must be a sequence of numbers, but "
            f"it could not be converted to a numpy array: {exc}"
        ) from exc
    array = array.reshape(-1)
    if array.dtype.kind == "b":
        array = array.astype(np.int64)
    elif array.size == 0:
        array = array.astype(np.float64)
    elif array.dtype.kind not in "iuf":
        raise TypeError(
            f"HistoryBuffer: `{arg_name}` must hold int or float values, but "
            f"got an array of dtype {array.dtype} (first value: {array[0]!r})."
        )
    if array.dtype.kind in "iu":
        array = array.astype(np.int64, copy=False)
    else:
        array = array.astype(np.float64, copy=False)
    return array


def _to_numbers(tensors: list) -> list:
    """Python numbers of one-element tensors, as ``.item()`` gives them.

    Floating tensors of one device and dtype are stacked and copied to the host at once (a
    float ``.item()`` is the ``tolist()`` of the same value); anything else is converted alone.
    """
    first = tensors[0]
    same = all(t.dtype == first.dtype and t.device == first.device for t in tensors)
    if same and first.is_floating_point() and len(tensors) > 1:
        # Only device tensors get here, so torch is loaded; this package does not depend on it.
        torch = sys.modules["torch"]
        return torch.stack([t.reshape(()) for t in tensors]).tolist()
    return [t.item() for t in tensors]


def _is_number(value: Any) -> bool:
    """Whether ``value`` is a real scalar number (python or numpy)."""
    return type(value) in (int, float) or isinstance(value, numbers.Real)


def _is_integer(value: Any) -> bool:
    return type(value) is int or isinstance(value, numbers.Integral)


class HistoryBuffer:
    """Unified storage format for different log types.

    ``HistoryBuffer`` records the history of a logged value (and how many
    samples each entry accounts for) for further statistics.

    Examples:
        >>> from mmengine.logging import HistoryBuffer
        >>> history_buffer = HistoryBuffer()
        >>> history_buffer.update(1)
        >>> history_buffer.update(2)
        >>> print(history_buffer.min())  # minimum of (1, 2)
        1.0
        >>> print(history_buffer.max())  # maximum of (1, 2)
        2.0
        >>> print(history_buffer.mean())  # mean of (1, 2)
        1.5
        >>> print(history_buffer.statistics('mean'))  # access method by string.
        1.5

    Args:
        log_history (Sequence): History logs. Defaults to [].
        count_history (Sequence): Counts of history logs. Defaults to [].
        max_length (int): The max length of history logs. Once exceeded, the
            oldest values are dropped. Defaults to 1000000.
    """

    _statistics_methods: dict[str, Callable] = dict()
    # Device tensors (with their counts) logged but not converted yet: see the module doc.
    _pending: list | None = None

    def __init__(
        self,
        log_history: Sequence = [],  # noqa: B006  (never mutated)
        count_history: Sequence = [],  # noqa: B006
        max_length: int = 1000000,
    ) -> None:
        if isinstance(max_length, float) and max_length.is_integer():
            max_length = int(max_length)  # e.g. 1e6 from a config, as 0.10 accepts
        if not _is_integer(max_length) or max_length < 1:
            error = ValueError if isinstance(max_length, (int, float)) else _MaxLengthTypeError
            raise error(
                f"HistoryBuffer: `max_length` must be a positive int (the number of values "
                f"kept, e.g. 1000000, the default), but got {max_length!r}."
            )
        self.max_length = int(max_length)
        logs = _to_1d_array(log_history, "log_history")
        counts = _to_1d_array(count_history, "count_history")
        if len(logs) != len(counts):
            raise HistoryLengthMismatchError(
                f"HistoryBuffer: `log_history` and `count_history` must have "
                f"the same length, but got {len(logs)} logs and {len(counts)} "
                "counts. Pass one count per logged value."
            )
        if len(logs) > self.max_length:
            warnings.warn(
                f"The length of history buffer({len(logs)}) exceeds the "
                f"max_length({self.max_length}), the first few elements will "
                "be ignored.",
                stacklevel=2,
            )
            logs = logs[-self.max_length :]
            counts = counts[-self.max_length :]
        self._set_storage(logs, counts)

    # ------------------------------------------------------------------ storage
    @property
    def _capacity_limit(self) -> int:
        """Largest backing array: the history plus slack for O(1) appends."""
        return self.max_length + max(self.max_length // 4, _MIN_CAPACITY)

    def _set_storage(self, logs: np.ndarray, counts: np.ndarray) -> None:
        n = len(logs)
        capacity = min(self._capacity_limit, max(_MIN_CAPACITY, n + n // 2))
        self._logs = np.empty(capacity, dtype=logs.dtype)
        self._counts = np.empty(capacity, dtype=counts.dtype)
        self._logs[:n] = logs
        self._counts[:n] = counts
        self._start = 0
        self._end = n

    def _make_room(self) -> None:
        """Free at least one slot at the end of the backing arrays."""
        end = self._end
        # ``max(...)``: the user may have lowered ``max_length`` meanwhile.
        start = max(self._start, end - self.max_length)
        n = end - start
        capacity = self._logs.shape[0]
        limit = self._capacity_limit
        if capacity >= limit or (start > 0 and n <= capacity // 2):
            # Slide the live window back to the front (numpy handles the
            # overlapping copy). Amortised: >= limit - max_length updates
            # happen between two slides of at most max_length values.
            self._logs[:n] = self._logs[start:end]
            self._counts[:n] = self._counts[start:end]
        else:
            new_capacity = min(limit, max(_MIN_CAPACITY, capacity * 2))
            logs = np.empty(new_capacity, dtype=self._logs.dtype)
            counts = np.empty(new_capacity, dtype=self._counts.dtype)
            logs[:n] = self._logs[start:end]
            counts[:n] = self._counts[start:end]
            self._logs, self._counts = logs, counts
        self._start, self._end = 0, n

    @property
    def _log_history(self) -> np.ndarray:
        """Read-only view of the live log history (oldest first)."""
        if self._pending is not None:
            self._flush()
        view = self._logs[self._start : self._end]
        view.flags.writeable = False
        return view

    @property
    def _count_history(self) -> np.ndarray:
        """Read-only view of the live count history (oldest first)."""
        if self._pending is not None:
            self._flush()
        view = self._counts[self._start : self._end]
        view.flags.writeable = False
        return view

    def __repr__(self) -> str:
        # No ``__len__`` on purpose: like upstream, an empty buffer is truthy.
        if self._pending is not None:
            self._flush()
        length = self._end - self._start
        current = self._logs[self._end - 1] if length else None
        return f"HistoryBuffer(len={length}, max_length={self.max_length}, current={current})"

    # ------------------------------------------------------------------ update
    def update(self, log_val: int | float, count: int | float = 1) -> None:
        """Append a value to the log history.

        If the length of the buffer exceeds ``self.max_length``, the oldest
        element is removed. The cost is amortised O(1) at any fill level.

        Args:
            log_val (int or float): The value of log.
            count (int or float): The accumulation times of log, used in
                smoothed statistics such as :meth:`mean`. Defaults to 1.

        Raises:
            TypeError: If ``log_val`` or ``count`` is not a single number.
        """
        if self._pending is not None:  # keep the order: earlier device values first
            self._flush()
        end = self._end
        logs = self._logs
        # The common case (every iteration of a training run): a float value with an int
        # count into float logs that have room. No call, no dtype change to check.
        if (
            type(log_val) is float
            and type(count) is int
            and end != logs.shape[0]
            and logs.dtype.kind == "f"
        ):
            logs[end] = log_val
            self._counts[end] = count
            end += 1
            self._end = end
            if end - self._start > self.max_length:
                self._start = end - self.max_length
            return
        if not (_is_number(log_val) and _is_number(count)):
            raise TypeError(
                f"log_val must be int or float but got {type(log_val)}, count "
                f"must be int but got {type(count)}. Convert tensors and "
                "arrays to python numbers first (e.g. `value.item()`)."
            )
        if end == logs.shape[0]:
            self._make_room()
            end = self._end
        if self._logs.dtype.kind == "i" and not _is_integer(log_val):
            self._logs = self._logs.astype(np.float64)
        if self._counts.dtype.kind == "i" and not _is_integer(count):
            self._counts = self._counts.astype(np.float64)
        self._logs[end] = log_val
        self._counts[end] = count
        end += 1
        self._end = end
        if end - self._start > self.max_length:
            self._start = end - self.max_length

    @property
    def data(self) -> tuple[np.ndarray, np.ndarray]:
        """Tuple[np.ndarray, np.ndarray]: Copies of the log history and the
        count history (oldest first)."""
        if self._pending is not None:
            self._flush()
        return (
            self._logs[self._start : self._end].copy(),
            self._counts[self._start : self._end].copy(),
        )

    # -------------------------------------------------------------- statistics
    @classmethod
    def register_statistics(cls, method: Callable) -> Callable:
        """Register a custom statistics method under its function name.

        The registered method can be called by ``history_buffer.statistics``
        with its name and arguments; it receives the buffer as ``self`` and
        can read ``self._log_history`` and ``self._count_history``.

        Examples:
            >>> import numpy as np
            >>> from mmengine.logging import HistoryBuffer
            >>> @HistoryBuffer.register_statistics
            ... def weighted_mean(self, window_size, weight):
            ...     assert len(weight) == window_size
            ...     weighted = self._log_history[-window_size:] * np.array(weight)
            ...     return weighted.sum() / self._count_history[-window_size:].sum()
            >>> log_buffer = HistoryBuffer([1, 2], [1, 1])
            >>> print(log_buffer.statistics('weighted_mean', 2, [2, 1]))
            2.0

        Args:
            method (Callable): Custom statistics method.

        Returns:
            Callable: The original method.

        Raises:
            AssertionError: If a method with the same name is registered.
        """
        method_name = getattr(method, "__name__", None)
        if not callable(method) or not isinstance(method_name, str):
            raise _RegisterStatisticsError(
                f"'{type(method).__name__}' object has no attribute '__name__'. "
                "HistoryBuffer.register_statistics registers a function under its name and is "
                "used as a bare decorator (@HistoryBuffer.register_statistics above "
                f"`def my_stat(self, ...)`), but got {method!r}."
            )
        assert method_name not in cls._statistics_methods, (
            f"HistoryBuffer: a statistics method named {method_name!r} is "
            "already registered; method_name cannot be registered twice! "
            "Rename the function."
        )
        cls._statistics_methods[method_name] = method
        return method

    def statistics(self, method_name: str, *arg: Any, **kwargs: Any) -> Any:
        """Access a statistics method by name.

        Args:
            method_name (str): Name of a registered method, e.g. ``'mean'``.
            *arg: Positional arguments of the method.
            **kwargs: Keyword arguments of the method.

        Returns:
            Any: Depends on corresponding method.

        Raises:
            KeyError: If ``method_name`` is not registered.
        """
        if method_name not in self._statistics_methods:
            from mmengine.utils._messages import did_you_mean  # error path only

            names = sorted(self._statistics_methods)
            raise KeyError(
                f"{method_name} has not been registered in "
                f"HistoryBuffer._statistics_methods;{did_you_mean(method_name, names)} "
                "registered methods: "
                f"{names}. Register custom ones with @HistoryBuffer.register_statistics."
            )
        method = self._statistics_methods[method_name]
        return method(self, *arg, **kwargs)

    def _window(self, window_size: int | None) -> tuple[int, int]:
        """Bounds (in the backing arrays) of the latest ``window_size``."""
        if self._pending is not None:
            self._flush()
        start, end = self._start, self._end
        if window_size is None:
            return start, end
        if not _is_integer(window_size):
            raise WindowSizeError(
                "The type of window size should be int, but got "
                f"{type(window_size)}: {window_size!r}."
            )
        if window_size < 0:
            raise ValueError(f"window_size must be >= 0 or None, but got {window_size}.")
        if window_size == 0 or window_size >= end - start:
            return start, end
        return end - int(window_size), end

    def mean(self, window_size: int | None = None) -> np.ndarray:
        """Return the mean of the latest ``window_size`` values.

        The mean is ``sum(logs) / sum(counts)`` over the window. If
        ``window_size`` is None or larger than the history, the global mean
        is returned.

        Args:
            window_size (int, optional): Size of statistics window.

        Returns:
            np.ndarray: Mean value within the window.
        """
        start, end = self._window(window_size)
        logs_sum = self._logs[start:end].sum()
        counts_sum = self._counts[start:end].sum()
        return logs_sum / counts_sum

    def max(self, window_size: int | None = None) -> np.ndarray:
        """Return the maximum of the latest ``window_size`` values.

        If ``window_size`` is None or larger than the history, the global
        maximum is returned.

        Args:
            window_size (int, optional): Size of statistics window.

        Returns:
            np.ndarray: The maximum value within the window.
        """
        start, end = self._window(window_size)
        self._check_not_empty("max")
        return self._logs[start:end].max()

    def min(self, window_size: int | None = None) -> np.ndarray:
        """Return the minimum of the latest ``window_size`` values.

        If ``window_size`` is None or larger than the history, the global
        minimum is returned.

        Args:
            window_size (int, optional): Size of statistics window.

        Returns:
            np.ndarray: The minimum value within the window.
        """
        start, end = self._window(window_size)
        self._check_not_empty("min")
        return self._logs[start:end].min()

    def current(self) -> np.ndarray:
        """Return the most recently updated value.

        Returns:
            np.ndarray: Recently updated value in log histories.

        Raises:
            ValueError: If the buffer is empty.
        """
        self._check_not_empty("current")
        return self._logs[self._end - 1]

    def _check_not_empty(self, method: str) -> None:
        if self._pending is not None:
            self._flush()
        if self._end == self._start:
            # 0.10's sentence first: numpy's for max/min, its own for current.
            first = _EMPTY_FIRST_SENTENCE.get(method, _EMPTY_FIRST_SENTENCE["current"])
            raise ValueError(
                f"{first}. HistoryBuffer.{method}(): HistoryBuffer._log_history is an "
                "empty array! Please call update first."
            )

    # ------------------------------------------------------- device values
    def _defer(self, value: Any, count: int | float = 1) -> None:
        """Log a one-element device tensor, converted when the buffer is next read.

        Used by :meth:`MessageHub.update_scalar` for tensors off the CPU. ``value`` must not
        change afterwards (the hub passes a detached copy).
        """
        if self._pending is None:
            self._pending = [(value, count)]
        else:
            self._pending.append((value, count))

    def _flush(self) -> None:
        """Convert the deferred device values (one transfer per device and dtype) and append
        them in the order they were logged."""
        pending, self._pending = self._pending, None
        if not pending:
            return
        for value, (_, count) in zip(_to_numbers([t for t, _ in pending]), pending):
            self.update(value, count)

    # ----------------------------------------------------------------- pickle
    def __getstate__(self) -> dict:
        # Same layout as upstream's instance ``__dict__``, so pickles are
        # interchangeable; only the live history is stored.
        log_history, count_history = self.data
        return {
            "max_length": self.max_length,
            "_log_history": log_history,
            "_count_history": count_history,
        }

    def __setstate__(self, state: dict) -> None:
        self.max_length = int(state.get("max_length", 1000000))
        logs = state.get("_log_history", state.get("log_history", []))
        counts = state.get("_count_history", state.get("count_history", []))
        logs = _to_1d_array(logs, "log_history")
        counts = _to_1d_array(counts, "count_history")
        if len(logs) != len(counts):
            raise HistoryLengthMismatchError(
                f"HistoryBuffer state is corrupt: {len(logs)} logs but {len(counts)} counts."
            )
        self._set_storage(logs[-self.max_length :], counts[-self.max_length :])

    def _to_plain(self) -> dict:
        """Plain-data state: lists and an int, loadable with
        ``torch.load(weights_only=True)``."""
        log_history, count_history = self.data
        return {
            "log_history": log_history.tolist(),
            "count_history": count_history.tolist(),
            "max_length": self.max_length,
        }

    @classmethod
    def _from_plain(cls, state: dict) -> HistoryBuffer:
        """Build a buffer from :meth:`_to_plain` output (or upstream's
        ``__dict__`` layout)."""
        buffer = cls.__new__(cls)
        buffer.__setstate__(state)
        return buffer


# Built-in statistics, reachable through ``HistoryBuffer.statistics(name)``.
for _name in ("mean", "max", "min", "current"):
    HistoryBuffer._statistics_methods[_name] = getattr(HistoryBuffer, _name)
del _name
