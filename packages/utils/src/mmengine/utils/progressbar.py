"""A plain-text progress bar and helpers that run tasks under it."""

from __future__ import annotations

import sys
from collections.abc import Callable, Generator, Iterable, Sized
from shutil import get_terminal_size
from typing import Any, TextIO

from .timer import Timer


class ProgressBar:
    """A progress bar which can print the progress.

    Args:
        task_num (int): Number of tasks; 0 means unknown, in which case
            only the completed count is shown. Defaults to 0.
        bar_width (int): Maximum width of the bar. Defaults to 50.
        start (bool): Print the empty bar and start the timer immediately.
            Defaults to True.
        file (TextIO): Stream to write to. Defaults to ``sys.stdout``.
    """

    def __init__(
        self,
        task_num: int = 0,
        bar_width: int = 50,
        start: bool = True,
        file: TextIO = sys.stdout,
    ) -> None:
        self.task_num = task_num
        self.bar_width = bar_width
        self.completed = 0
        self.file = file
        if start:
            self.start()

    @property
    def terminal_width(self) -> int:
        """int: Width of the terminal (80 when it cannot be determined)."""
        width, _ = get_terminal_size()
        return width

    def start(self) -> None:
        """Print the initial (empty) bar and start the timer."""
        if self.task_num > 0:
            self.file.write(f"[{' ' * self.bar_width}] 0/{self.task_num}, elapsed: 0s, ETA:")
        else:
            self.file.write("completed: 0, elapsed: 0s")
        self.file.flush()
        self.timer = Timer()

    def update(self, num_tasks: int = 1) -> None:
        """Mark ``num_tasks`` more tasks as completed and redraw.

        Args:
            num_tasks (int): Number of newly completed tasks. Defaults to 1.
        """
        assert num_tasks > 0, f"num_tasks must be positive, got {num_tasks}"
        if not hasattr(self, "timer"):
            self.start()
        self.completed += num_tasks
        elapsed = self.timer.since_start()
        fps = self.completed / elapsed if elapsed > 0 else float("inf")
        if self.task_num > 0:
            percentage = self.completed / float(self.task_num)
            eta = int(elapsed * (1 - percentage) / percentage + 0.5)
            msg = (
                f"\r[{{}}] {self.completed}/{self.task_num}, {fps:.1f} task/s, "
                f"elapsed: {int(elapsed + 0.5)}s, ETA: {eta:5}s"
            )
            bar_width = min(
                self.bar_width,
                int(self.terminal_width - len(msg)) + 2,
                int(self.terminal_width * 0.6),
            )
            bar_width = max(2, bar_width)
            # not clamped: more updates than task_num draw a longer bar, as 0.10
            mark_width = int(bar_width * percentage)
            bar_chars = ">" * mark_width + " " * (bar_width - mark_width)
            self.file.write(msg.format(bar_chars))
        else:
            # as upstream, no carriage return without a total: the updates follow each other
            self.file.write(
                f"completed: {self.completed}, elapsed: {int(elapsed + 0.5)}s, {fps:.1f} tasks/s"
            )
        self.file.flush()


def _split_tasks(tasks: Any) -> tuple[Iterable, int]:
    """Normalise ``tasks`` (an iterable or an ``(iterable, total)`` tuple)."""
    if isinstance(tasks, tuple):
        if len(tasks) != 2 or not isinstance(tasks[0], Iterable) or not isinstance(tasks[1], int):
            raise AssertionError(
                f'"tasks" given as a tuple must be (iterable, total_number), but got {tasks!r}'
            )
        return tasks[0], tasks[1]
    if isinstance(tasks, Iterable):
        if not isinstance(tasks, Sized):
            raise TypeError(
                '"tasks" must be a tuple object or a sequence object, but got '
                f"{type(tasks)}: it has no length; pass (tasks, total_number) so the "
                "progress bar knows the total"
            )
        return tasks, len(tasks)
    raise TypeError(
        f'"tasks" must be a tuple object or a sequence object, but got {type(tasks)}: '
        "pass an iterable object or an (iterator, total_number) tuple"
    )


def track_progress(
    func: Callable,
    tasks: Any,
    bar_width: int = 50,
    file: TextIO = sys.stdout,
    **kwargs: Any,
) -> list:
    """Track the progress of tasks execution with a progress bar.

    Tasks are done with a simple for-loop.

    Args:
        func (callable): The function to be applied to each task.
        tasks (list or tuple[Iterable, int]): A list of tasks or
            (tasks, total num).
        bar_width (int): Width of progress bar.
        file (TextIO): Stream the bar is written to.
        **kwargs: Extra keyword arguments passed to ``func``.

    Returns:
        list: The task results.
    """
    tasks, task_num = _split_tasks(tasks)
    prog_bar = ProgressBar(task_num, bar_width, file=file)
    results = []
    for task in tasks:
        results.append(func(task, **kwargs))
        prog_bar.update()
    prog_bar.file.write("\n")
    return results


def init_pool(
    process_num: int,
    initializer: Callable | None = None,
    initargs: tuple | None = None,
) -> Any:
    """Create a :class:`multiprocessing.Pool`.

    Args:
        process_num (int): Number of worker processes.
        initializer (callable, optional): Called in each worker on start.
        initargs (tuple, optional): Arguments for ``initializer``.

    Returns:
        multiprocessing.pool.Pool: The pool.
    """
    from multiprocessing import Pool

    if initializer is None:
        return Pool(process_num)
    if initargs is None:
        return Pool(process_num, initializer)
    if not isinstance(initargs, tuple):
        raise TypeError(f'"initargs" must be a tuple, got {type(initargs)}')
    return Pool(process_num, initializer, initargs)


def track_parallel_progress(
    func: Callable,
    tasks: Any,
    nproc: int,
    initializer: Callable | None = None,
    initargs: tuple | None = None,
    bar_width: int = 50,
    chunksize: int = 1,
    skip_first: bool = False,
    keep_order: bool = True,
    file: TextIO = sys.stdout,
) -> list:
    """Track the progress of parallel task execution with a progress bar.

    The built-in :mod:`multiprocessing` module is used for process pools and
    tasks are done with :meth:`Pool.imap` or :meth:`Pool.imap_unordered`.

    Args:
        func (callable): The function to be applied to each task.
        tasks (list or tuple[Iterable, int]): A list of tasks or
            (tasks, total num).
        nproc (int): Process (worker) number.
        initializer (None or callable): Refer to :class:`multiprocessing.Pool`
            for details.
        initargs (None or tuple): Refer to :class:`multiprocessing.Pool` for
            details.
        bar_width (int): Width of progress bar.
        chunksize (int): Refer to :class:`multiprocessing.Pool` for details.
        skip_first (bool): Whether to skip the first sample for each worker
            when estimating fps, since the initialization step may takes
            longer.
        keep_order (bool): If True, :meth:`Pool.imap` is used, otherwise
            :meth:`Pool.imap_unordered` is used.
        file (TextIO): Stream the bar is written to.

    Returns:
        list: The task results.
    """
    tasks, task_num = _split_tasks(tasks)
    pool = init_pool(nproc, initializer, initargs)
    start = not skip_first
    task_num -= nproc * chunksize * int(skip_first)
    prog_bar = ProgressBar(task_num, bar_width, start, file=file)
    results = []
    try:
        if keep_order:
            gen = pool.imap(func, tasks, chunksize)
        else:
            gen = pool.imap_unordered(func, tasks, chunksize)
        for result in gen:
            results.append(result)
            if skip_first:
                if len(results) < nproc * chunksize:
                    continue
                if len(results) == nproc * chunksize:
                    prog_bar.start()
                    continue
            prog_bar.update()
        prog_bar.file.write("\n")
    finally:
        pool.close()
        pool.join()
    return results


def track_iter_progress(
    tasks: Any, bar_width: int = 50, file: TextIO = sys.stdout
) -> Generator[Any, None, None]:
    """Track the progress of tasks iteration or enumeration with a progress bar.

    Tasks are yielded with a simple for-loop.

    Args:
        tasks (list or tuple[Iterable, int]): A list of tasks or
            (tasks, total num).
        bar_width (int): Width of progress bar.
        file (TextIO): Stream the bar is written to.

    Yields:
        The tasks, one by one.
    """
    tasks, task_num = _split_tasks(tasks)
    prog_bar = ProgressBar(task_num, bar_width, file=file)
    for task in tasks:
        yield task
        prog_bar.update()
    prog_bar.file.write("\n")
