"""A rich-based progress bar for (optionally parallel) task execution."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sized
from typing import Any


class _Worker:
    """Picklable callable running ``func`` on one ``(task, index)`` pair.

    A tuple or list task is spread as positional arguments; anything else
    (a dict too, as 0.10) is passed as the single argument.
    """

    def __init__(self, func: Callable) -> None:
        self.func = func

    def __call__(self, indexed_task: tuple[Any, int]) -> tuple[Any, int]:
        task, index = indexed_task
        if isinstance(task, (tuple, list)):
            return self.func(*task), index
        return self.func(task), index


def _tasks_with_index(tasks: Iterable) -> Iterator[tuple[Any, int]]:
    for index, task in enumerate(tasks):
        yield task, index


def track_progress_rich(
    func: Callable,
    tasks: Iterable = tuple(),
    task_num: int | None = None,
    nproc: int = 1,
    chunksize: int = 1,
    description: str = "Processing",
    color: str = "blue",
) -> list:
    """Track the progress of (parallel) task execution with a rich progress bar.

    Args:
        func (callable): The function to be applied to each task.
        tasks (Iterable or Sized): The tasks.

            - When ``func`` accepts no arguments, ``tasks`` should be empty
              and ``task_num`` must be given: ``func`` is called that many
              times.
            - When ``func`` accepts one argument, each task is that argument.
            - When ``func`` accepts several arguments, each task is a tuple
              (or list) of positional arguments. A dict task is passed as
              one argument.

            Defaults to an empty tuple.
        task_num (int, optional): If ``tasks`` is an iterator which does not
            have length, the number of tasks can be provided by ``task_num``.
            Defaults to None.
        nproc (int): Process (worker) number; if nproc is 1, use a single
            process. Defaults to 1.
        chunksize (int): Refer to :class:`multiprocessing.Pool` for details.
            Defaults to 1.
        description (str): The description of progress bar.
            Defaults to "Processing".
        color (str): The color of progress bar. Defaults to "blue".

    Examples:
        >>> import math
        >>> from mmengine.utils import track_progress_rich
        >>> track_progress_rich(math.factorial, range(6), nproc=2)
        Processing ... 6/6 100%
        [1, 1, 2, 6, 24, 120]

    Returns:
        list: The task results, in the order of ``tasks``.
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    if not callable(func):
        raise TypeError(f"func must be a callable object, but got {type(func)}")
    if not isinstance(tasks, Iterable):
        raise TypeError(f"tasks must be an iterable object, but got {type(tasks)}")
    if isinstance(tasks, Sized):
        if len(tasks) == 0:
            if task_num is None:
                raise ValueError(
                    "If tasks is an empty iterable, task_num must be set "
                    "(the number of times to call func without arguments)"
                )
            tasks = tuple(() for _ in range(task_num))
        else:
            if task_num is not None and task_num != len(tasks):
                raise ValueError(
                    f"task_num ({task_num}) does not match the length of tasks ({len(tasks)})"
                )
            task_num = len(tasks)
    if nproc <= 0:
        raise ValueError(f"nproc must be a positive number, but got {nproc}")

    # column order as 0.10: "Processing ━━━━ 0:00:00 3/3 100%"
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeRemainingColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(show_speed=True),
    )
    worker = _Worker(func)
    indexed: dict[int, Any] = {}
    with progress:
        task_id = progress.add_task(f"[{color}]{description}", total=task_num)
        if nproc == 1:
            for item in _tasks_with_index(tasks):
                result, index = worker(item)
                indexed[index] = result
                progress.update(task_id, advance=1, refresh=True)
        else:
            from multiprocessing import Pool

            with Pool(nproc) as pool:
                for result, index in pool.imap_unordered(
                    worker, _tasks_with_index(tasks), chunksize
                ):
                    indexed[index] = result
                    progress.update(task_id, advance=1, refresh=True)
    return [indexed[index] for index in range(len(indexed))]
