"""ProgressBarHook: a live terminal progress bar over train/val/test iterations (rich)."""

from __future__ import annotations

import logging
import sys
import time
from typing import Any, Optional

from mmengine.dist import get_rank
from mmengine.registry import HOOKS

from .hook import DATA_BATCH, Hook

_MODE_TITLES = {"train": "Train", "val": "Val", "test": "Test"}


@HOOKS.register_module()
class ProgressBarHook(Hook):
    """Show a live progress bar of the running train, val or test epoch.

    The bar shows the epoch (``Epoch k/N``; the iteration count for iteration-based
    training), the iteration ``i/len``, the elapsed and remaining time and, in training, the
    latest ``train/loss`` from ``runner.message_hub``. It runs on rank 0 only and only when
    stdout is a terminal (not in tests, CI or when logging to a file), unless ``force=True``.

    Each iteration only counts; the bar is updated at most ``refresh_per_second`` times a
    second. While the bar is shown, the runner logger's terminal handlers write through
    rich's console so that log lines appear above the bar instead of garbling it. The bar is
    removed at the end of each epoch and, whatever happens, in ``after_run``.

    This hook is not part of upstream MMEngine.

    Args:
        bar_width (int, optional): Width of the bar in characters; None fills the line.
            Defaults to 40.
        refresh_per_second (float): Maximum number of redraws per second. Defaults to 5.
        show_loss (bool): Whether to show the latest training loss. Defaults to True.
        transient (bool): Whether to erase the bars when they finish. Defaults to True.
        force (bool): Show the bar even when stdout is not a terminal. Defaults to False.

    Examples:
        >>> custom_hooks = [dict(type='ProgressBarHook')]
    """

    priority = "VERY_LOW"

    def __init__(
        self,
        bar_width: Optional[int] = 40,
        refresh_per_second: float = 5.0,
        show_loss: bool = True,
        transient: bool = True,
        force: bool = False,
    ) -> None:
        if refresh_per_second <= 0:
            raise ValueError(
                f"ProgressBarHook: refresh_per_second must be positive, got {refresh_per_second}"
            )
        self.bar_width = bar_width
        self.refresh_per_second = float(refresh_per_second)
        self.show_loss = show_loss
        self.transient = transient
        self.force = force
        self._min_interval = 1.0 / self.refresh_per_second
        self._progress: Any = None
        self._tasks: dict[str, Any] = {}
        self._counts: dict[str, int] = {}
        self._totals: dict[str, Optional[int]] = {}
        self._last_update = 0.0
        self._swapped_handlers: list[tuple[logging.StreamHandler, Any]] = []

    # ------------------------------------------------------------------ state
    @property
    def enabled(self) -> bool:
        """bool: whether this process shows a bar (rank 0, and a terminal or ``force``)."""
        if get_rank() != 0:
            return False
        if self.force:
            return True
        isatty = getattr(sys.stdout, "isatty", None)
        return bool(isatty and isatty())

    @property
    def active(self) -> bool:
        """bool: whether a bar is currently shown."""
        return self._progress is not None

    # ------------------------------------------------------------------ hook points
    def before_train_epoch(self, runner: Any) -> None:
        """Start the training bar.

        Args:
            runner (Runner): The runner of the training process.
        """
        if not self.enabled:
            return
        loop = runner.train_loop
        by_iter = type(loop).__name__.startswith("IterBased")
        if by_iter:
            total = runner.max_iters
            completed = runner.iter
            desc = "Train"
        else:
            total = len(loop.dataloader)
            completed = 0
            desc = f"Epoch {runner.epoch + 1}/{runner.max_epochs}"
        self._add_task(runner, "train", desc, total, completed)

    def before_val_epoch(self, runner: Any) -> None:
        """Start the validation bar.

        Args:
            runner (Runner): The runner of the validation process.
        """
        if self.enabled:
            self._add_task(runner, "val", "Val", _safe_len(runner.val_loop), 0)

    def before_test_epoch(self, runner: Any) -> None:
        """Start the test bar.

        Args:
            runner (Runner): The runner of the testing process.
        """
        if self.enabled:
            self._add_task(runner, "test", "Test", _safe_len(runner.test_loop), 0)

    def _after_iter(
        self,
        runner: Any,
        batch_idx: int,
        data_batch: DATA_BATCH = None,
        outputs: Optional[Any] = None,
        mode: str = "train",
    ) -> None:
        """Count the iteration; redraw if the refresh interval passed.

        Args:
            runner (Runner): The runner of the current process.
            batch_idx (int): The index of the current batch in the loop.
            data_batch (dict or tuple or list, optional): Data from dataloader.
            outputs (dict or Sequence, optional): Outputs from model.
            mode (str): ``'train'``, ``'val'`` or ``'test'``.
        """
        if mode not in self._tasks:
            return
        count = self._counts[mode] = self._counts[mode] + 1
        now = time.monotonic()
        # Redraw when due, and on the last iteration so the finished bar reads n/n.
        if now - self._last_update >= self._min_interval or count == self._totals[mode]:
            self._last_update = now
            self._push(runner, mode)

    def after_train_epoch(self, runner: Any) -> None:
        """Remove the training bar.

        Args:
            runner (Runner): The runner of the training process.
        """
        self._remove_task("train")

    def after_val_epoch(self, runner: Any, metrics: Optional[dict[str, float]] = None) -> None:
        """Remove the validation bar.

        Args:
            runner (Runner): The runner of the validation process.
            metrics (dict[str, float], optional): Evaluation results of all metrics.
        """
        self._remove_task("val")

    def after_test_epoch(self, runner: Any, metrics: Optional[dict[str, float]] = None) -> None:
        """Remove the test bar.

        Args:
            runner (Runner): The runner of the testing process.
            metrics (dict[str, float], optional): Evaluation results of all metrics.
        """
        self._remove_task("test")

    def after_run(self, runner: Any) -> None:
        """Remove every bar and restore the terminal (also after a failure).

        Args:
            runner (Runner): The runner of the training, validation or testing process.
        """
        self._stop()

    # ------------------------------------------------------------------ internals
    def _add_task(self, runner: Any, mode: str, desc: str, total: Optional[int], done: int) -> None:
        if mode in self._tasks:
            self._remove_task(mode)
        if self._progress is None:
            self._start(runner)
        self._tasks[mode] = self._progress.add_task(
            desc, total=total, completed=done, loss="", mode=_MODE_TITLES[mode]
        )
        self._counts[mode] = done
        self._totals[mode] = total
        self._last_update = time.monotonic()

    def _push(self, runner: Any, mode: str) -> None:
        """Send the counted progress (and the latest loss) to the bar."""
        fields: dict[str, Any] = {}
        if mode == "train" and self.show_loss:
            buffer = runner.message_hub.log_scalars.get("train/loss")
            if buffer is not None:
                fields["loss"] = f"loss: {float(buffer.current()):.4f}"
        self._progress.update(self._tasks[mode], completed=self._counts[mode], **fields)

    def _remove_task(self, mode: str) -> None:
        task = self._tasks.pop(mode, None)
        self._counts.pop(mode, None)
        self._totals.pop(mode, None)
        if task is None or self._progress is None:
            return
        self._progress.remove_task(task)
        if not self._tasks:
            self._stop()

    def _start(self, runner: Any) -> None:
        try:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
        except ImportError as exc:  # pragma: no cover - rich comes with mmengine-ng-utils
            raise ImportError(
                "ProgressBarHook needs the `rich` package: pip install rich (or remove "
                "ProgressBarHook from custom_hooks)."
            ) from exc
        original_stdout, original_stderr = sys.stdout, sys.stderr
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(bar_width=self.bar_width),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("<"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[loss]}"),
            console=Console(file=original_stdout),
            transient=self.transient,
            refresh_per_second=self.refresh_per_second,
            redirect_stdout=True,
            redirect_stderr=True,
        )
        self._progress.start()
        self._redirect_log_handlers(runner, original_stdout, original_stderr)

    def _redirect_log_handlers(self, runner: Any, stdout: Any, stderr: Any) -> None:
        """Send the logger's terminal output through rich's proxies (above the bar)."""
        proxies = {id(stdout): sys.stdout, id(stderr): sys.stderr}
        if sys.stdout is stdout and sys.stderr is stderr:
            return  # rich did not redirect (not a terminal): nothing to route
        logger = getattr(runner, "logger", None)
        handlers = list(getattr(logger, "handlers", []))
        for handler in handlers:
            if isinstance(handler, logging.FileHandler) or not isinstance(
                handler, logging.StreamHandler
            ):
                continue
            proxy = proxies.get(id(handler.stream))
            if proxy is not None and proxy is not handler.stream:
                self._swapped_handlers.append((handler, handler.stream))
                handler.setStream(proxy)

    def _stop(self) -> None:
        for handler, stream in self._swapped_handlers:
            handler.setStream(stream)
        self._swapped_handlers = []
        self._tasks.clear()
        self._counts.clear()
        self._totals.clear()
        progress, self._progress = self._progress, None
        if progress is not None:
            progress.stop()


def _safe_len(loop: Any) -> Optional[int]:
    try:
        return len(loop.dataloader)
    except (TypeError, AttributeError):
        return None
