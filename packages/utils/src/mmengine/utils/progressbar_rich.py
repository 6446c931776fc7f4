"""A rich-based progress bar for (optionally parallel) task execution."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sized
from typing import Any


class _Worker:
    """Picklable callable running ``func`` on one (index, task) pair."""

    def __init__(self, func: Callable) -> None:
        self.func = func

    def __call__(self, indexed_task: tuple[int, Any]) -> tuple[int, Any]:
        index, task = indexed_task
        return index, _call(self.func, task)


def _call(func: Callable, task: Any) -> Any:
    """Call ``func`` with ``task`` spread as arguments.

    A tuple is spread as positional arguments, a dict as keyword arguments
    and anything else is passed as the single argument.
    """
    if isinstance(task, tuple):
        return func(*task)
    if isinstance(task, dict):
        return func(**task)
    return func(task)


def track_progress_rich(
    func: Callable,
    tasks: Iterable = tuple(),
    task_num: int | None = None,
    nproc: int = 1,
    chunksize: int = 1,
    description: str = 'Processing',
    color: str = 'blue',
) -> list:
    """Track the progress of (parallel) task execution with a rich progress bar.

    Args:
        func (callable): The function to be applied to each task.
        tasks (Iterable or Sized): The tasks.

            - When ``func`` accepts no arguments, ``tasks`` should be empty
              and ``task_num`` must be given: ``func`` is called that many
              times.
            - When ``func`` accepts one argument, each task is that argument.
            - When ``func`` accepts several arguments, each task is a tuple of
              positional arguments or a dict of keyword arguments.

            Defaults to an empty tuple.
        task_num (int, optional): Number of tasks, required when ``tasks``
            has no length. Defaults to None.
        nproc (int): Process (worker) number; 1 runs in this process.
            Defaults to 1.
        chunksize (int): Refer to :class:`multiprocessing.Pool` for details.
            Defaults to 1.
        description (str): The description of progress bar.
            Defaults to "Processing".
        color (str): The color of progress bar. Defaults to "blue".

    Examples:
        >>> def func(x):
        ...     return x**2
        >>> track_progress_rich(func, range(10), nproc=2)
        [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]

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

    if not isinstance(tasks, Iterable):
        raise TypeError(f'tasks must be an iterable object, but got {type(tasks)}')
    if nproc <= 0:
        raise ValueError(f'nproc must be a positive number, but got {nproc}')
    if isinstance(tasks, Sized):
        if len(tasks) == 0:
            if task_num is None:
                raise ValueError('If tasks is an empty iterable, task_num must be set')
            tasks = [() for _ in range(task_num)]
        elif task_num is not None and task_num != len(tasks):
            raise ValueError(
                f'Parameter task_num ({task_num}) does not equal to the length '
                f'of tasks ({len(tasks)})'
            )
        else:
            task_num = len(tasks)
    elif task_num is None:
        raise ValueError('tasks has no length, so task_num must be set')

    progress = Progress(
        TextColumn('{task.description}'),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
    )
    indexed: dict[int, Any] = {}
    with progress:
        task_id = progress.add_task(f'[{color}]{description}', total=task_num)
        if nproc == 1:
            for index, task in enumerate(tasks):
                indexed[index] = _call(func, task)
                progress.update(task_id, advance=1, refresh=True)
        else:
            from multiprocessing import Pool

            with Pool(nproc) as pool:
                worker = _Worker(func)
                for index, result in pool.imap_unordered(
                    worker, enumerate(tasks), chunksize
                ):
                    indexed[index] = result
                    progress.update(task_id, advance=1, refresh=True)
    return [indexed[index] for index in range(len(indexed))]
