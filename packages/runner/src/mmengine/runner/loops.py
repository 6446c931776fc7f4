"""The training, validation and test loops.

A train loop advances its :class:`~.state.TrainState` (the counters and their limits), which
the runner adopts as ``runner.train_state``; hooks read it through the runner (``runner.epoch``,
``runner.iter``) and checkpoints save it. ``EpochBasedTrainLoop`` and ``IterBasedTrainLoop``
share everything but the shape of ``run``.
"""

from __future__ import annotations

import bisect
import logging
import time  # noqa: F401  (upstream's module global)
from collections.abc import Iterator
from typing import Any

import torch
from torch.utils.data import DataLoader

from mmengine.dataset import InfiniteSampler
from mmengine.evaluator import Evaluator  # noqa: F401  (0.10's names in this module)
from mmengine.logging import HistoryBuffer, print_log  # noqa: F401
from mmengine.registry import LOOPS
from mmengine.structures import BaseDataElement  # noqa: F401
from mmengine.utils import is_list_of  # noqa: F401

from . import _worker_seeding
from .amp import autocast  # noqa: F401
from .base_loop import BaseLoop, dataset_metainfo
from .data_stream import (  # noqa: F401  (_InfiniteDataloaderIterator: upstream's name here)
    _InfiniteDataloaderIterator,
    agree_on_stop,
    generator_preserved,
)
from .dataloader import check_epoch_ends, check_has_batches, index_sampler
from .random_state import capture_random_state, restore_random_state
from .resilience import save_stop_checkpoint
from .state import TrainState
from .utils import calc_dynamic_intervals
from .validation_record import record_validation


class LoopArgumentError(AssertionError, ValueError):
    """A train loop argument that cannot be used (an AssertionError as in 0.10, and a
    ValueError)."""


def _whole_number(name: str, value: Any, unit: str) -> int:
    """``value`` as an int; a fraction or a non-number raises :class:`LoopArgumentError`,
    0.10's sentence first, and so does a negative number (which 0.10 trains 0 times)."""
    try:
        whole = int(value) == value
    except (TypeError, ValueError):
        whole = False
    if not whole or isinstance(value, bool):
        raise LoopArgumentError(
            f"`{name}` should be a integer number, but get {value}. Set train_cfg.{name} "
            f"to a whole number of {unit}."
        )
    if value < 0:
        raise LoopArgumentError(
            f"`{name}` should not be negative, but get {value}. Set train_cfg.{name} to the "
            f"number of {unit} to train."
        )
    return int(value)


class _TrainLoopBase(BaseLoop):
    """What epoch- and iteration-based training share: state, intervals, data resumption,
    stop requests."""

    def __init__(
        self,
        runner: Any,
        dataloader: DataLoader | dict,
        val_begin: int,
        val_interval: int,
        dynamic_intervals: list[tuple[int, int]] | None,
    ) -> None:
        super().__init__(runner, dataloader)
        # This loop advances it; once the runner adopts the loop as its train loop, it is
        # ``runner.train_state`` (a loop built apart keeps its own).
        self.state = TrainState()
        self.val_begin = val_begin
        self.val_interval = val_interval
        self.stop_training = False
        self.dynamic_milestones, self.dynamic_intervals = calc_dynamic_intervals(
            val_interval, dynamic_intervals
        )
        metainfo = dataset_metainfo(self.dataloader, "visualizer")
        if metainfo is not None:
            self.runner.visualizer.dataset_meta = metainfo
        # Set when training begins (after ``before_train``); a run that fails earlier has
        # nothing to save.
        self.started = False
        # True while a resumed run has not created its first data iterator yet.
        self.resumed = False
        # True when resumed from a checkpoint without a resume state (0.10's): the data
        # position is then restored as 0.10 does it, by replaying the batches.
        self.legacy_resume = False
        # Set by the stop check: training stops at this iteration boundary.
        self.stopped_by_request = False
        # Set while the train loop validates, and when training failed (for the checkpoint).
        self._validating = False
        self.failed = False

    # Counters (upstream exposed them as _epoch/_iter; kept for custom loops and hooks).
    @property
    def epoch(self) -> int:
        """int: completed epochs."""
        return self.state.epoch

    @property
    def iter(self) -> int:
        """int: completed iterations."""
        return self.state.iter

    @property
    def max_epochs(self) -> int:
        """int: total epochs to train."""
        return self.state.max_epochs

    @property
    def max_iters(self) -> int:
        """int: total iterations to train."""
        return self.state.max_iters

    @property
    def _epoch(self) -> int:
        return self.state.epoch

    @_epoch.setter
    def _epoch(self, value: int) -> None:
        self.state.epoch = value

    @property
    def _iter(self) -> int:
        return self.state.iter

    @_iter.setter
    def _iter(self, value: int) -> None:
        self.state.iter = value

    @property
    def _max_epochs(self) -> int:
        return self.state.max_epochs

    @property
    def _max_iters(self) -> int:
        return self.state.max_iters

    #: What ``progress`` counts when :meth:`_decide_current_val_interval` is called without
    #: it: ``"epoch"`` or ``"iter"`` (set by the epoch- and iteration-based loops).
    _progress_counter = "epoch"

    def _decide_current_val_interval(self, progress: int | None = None) -> None:
        """Set ``val_interval`` from ``dynamic_intervals`` for the loop's progress.

        Args:
            progress (int, optional): epochs (epoch-based loop) or iterations
                (iteration-based loop) done. Defaults to the loop's own counter, as 0.10's
                no-argument method, which custom loops (mmrazor's QAT loops) call.
        """
        if progress is None:
            progress = getattr(self.state, self._progress_counter)
        step = bisect.bisect(self.dynamic_milestones, progress + 1)
        self.val_interval = self.dynamic_intervals[step - 1]

    def _should_validate(self, progress: int, total: int) -> bool:
        # A zero interval is only accepted without validation (see _check_intervals).
        return (
            progress >= self.val_begin
            and (progress == total or (self.val_interval and progress % self.val_interval == 0))
            and self._validation_configured()
        )

    def _check_intervals(self, unit: str) -> None:
        """A validation interval of 0 (0.10: ZeroDivisionError after the first epoch or
        iteration) raises :class:`LoopArgumentError` now, when validation is configured."""
        if 0 in self.dynamic_intervals and self._validation_configured():
            where = (
                "val_interval is 0"
                if self.val_interval == 0
                else ("dynamic_intervals sets an interval of 0")
            )
            raise LoopArgumentError(
                f"train_cfg.{where}: validation runs every `val_interval` {unit}, so it must "
                f"be a positive number of {unit}. Set one, or leave val_dataloader, val_cfg and "
                "val_evaluator unset to train without validation."
            )

    def _validation_configured(self) -> bool:
        """Whether the runner has a validation loop (built or not)."""
        configured = getattr(self._runner, "loop_configured", None)
        return configured is not None and configured("val")

    def validation_due(self) -> bool:
        """Whether validation runs right after the current iteration (or epoch) ends.

        Called while a checkpoint is saved: a resumed run then validates first, as the
        uninterrupted run did after saving. False during validation, for a checkpoint
        saved on a stop request or after a failure.
        """
        if self._validating or self.stopped_by_request or self.failed:
            return False
        return self._validation_follows()

    def _validation_follows(self) -> bool:
        raise NotImplementedError

    def _validate(self) -> None:
        self._validating = True
        try:
            self.runner.val_loop.run()
        finally:
            self._validating = False
        record_validation(self.runner)

    @property
    def validation_pending(self) -> bool:
        """bool: the resumed checkpoint was saved just before a validation (see TrainState)."""
        return self.state.validation_pending

    @validation_pending.setter
    def validation_pending(self, value: bool) -> None:
        self.state.validation_pending = value

    def _run_pending_validation(self) -> None:
        """Validate first when the checkpoint resumed from was saved before a validation."""
        if self.state.validation_pending:
            self.state.validation_pending = False
            self._validate()

    def run_iter(self, idx: int, data_batch: Any) -> None:
        """Run one training iteration: hooks around ``model.train_step``."""
        runner = self._runner
        runner.call_hook("before_train_iter", batch_idx=idx, data_batch=data_batch)
        outputs = runner.model.train_step(data_batch, optim_wrapper=runner.optim_wrapper)
        runner.call_hook("after_train_iter", batch_idx=idx, data_batch=data_batch, outputs=outputs)
        self.state.iter += 1

    def _stop_requested(self) -> bool:
        """Whether to stop now (a preemption signal, a time limit): saves the checkpoint.

        One attribute test per iteration; when distributed, one all-reduce so that every
        rank stops at the same iteration whichever rank was asked.
        """
        runner = self._runner
        request = getattr(runner, "stop_request", None)
        if request is None:  # a runner without graceful stops
            return False
        if not request.requested and not getattr(runner, "distributed", False):
            return False  # the common case, first
        if getattr(runner, "distributed", False) and not agree_on_stop(request):
            return False
        self.stopped_by_request = True
        save_stop_checkpoint(runner)
        return True

    def _skip_samples(self, num_batches: int) -> bool:
        """Make the sampler start ``num_batches`` batches into its stream, loading nothing.

        Returns False when the sampler cannot skip (then the caller replays batches).
        """
        if num_batches <= 0:
            return True
        sampler = getattr(self.dataloader, "sampler", None)
        batch_size = getattr(self.dataloader, "batch_size", None)
        if sampler is None or batch_size is None or not hasattr(sampler, "skip"):
            return False
        sampler.skip(num_batches * batch_size)
        return True


@LOOPS.register_module()
class EpochBasedTrainLoop(_TrainLoopBase):
    """Loop for epoch-based training.

    Args:
        runner (Runner): the runner.
        dataloader (DataLoader or dict): the training dataloader or its config.
        max_epochs (int): total training epochs.
        val_begin (int): the epoch from which to validate. Defaults to 1.
        val_interval (int): validate every ``val_interval`` epochs. Defaults to 1.
        dynamic_intervals (list[tuple[int, int]], optional): ``(milestone, interval)`` pairs;
            after each milestone epoch the interval changes.
    """

    def __init__(
        self,
        runner: Any,
        dataloader: DataLoader | dict,
        max_epochs: int,
        val_begin: int = 1,
        val_interval: int = 1,
        dynamic_intervals: list[tuple[int, int]] | None = None,
    ) -> None:
        super().__init__(runner, dataloader, val_begin, val_interval, dynamic_intervals)
        self.state.max_epochs = _whole_number("max_epochs", max_epochs, "epochs")
        self.state.max_iters = self.state.max_epochs * len(self.dataloader)
        self._check_intervals("epochs")

    def run(self) -> torch.nn.Module:
        """Train for ``max_epochs`` epochs, validating on schedule; return the model."""
        check_has_batches(self.dataloader, "train")
        check_epoch_ends(self.dataloader, "train", type(self).__name__)
        runner = self.runner
        runner.call_hook("before_train")
        self.started = True
        self._run_pending_validation()
        while self.state.epoch < self.state.max_epochs and not self.stop_training:
            self.run_epoch()
            if self.stopped_by_request:
                return runner.model  # stopped inside the epoch
            self._decide_current_val_interval(self.state.epoch)
            if self._should_validate(self.state.epoch, self.state.max_epochs):
                self._validate()
            if self.state.epoch < self.state.max_epochs and self._stop_requested():
                return runner.model
        runner.call_hook("after_train")
        return runner.model

    def _validation_follows(self) -> bool:
        """Validation follows when the current epoch's last iteration is done."""
        per_epoch = len(self.dataloader)
        if self.state.iter < (self.state.epoch + 1) * per_epoch:
            return False  # mid-epoch (or called after the epoch was counted)
        epoch = self.state.epoch + 1
        step = bisect.bisect(self.dynamic_milestones, epoch + 1)
        interval = self.dynamic_intervals[step - 1]
        return (
            self._validation_configured()
            and epoch >= self.val_begin
            and (epoch % interval == 0 or epoch == self.state.max_epochs)
        )

    def run_epoch(self) -> None:
        """Iterate one epoch (from where a resumed run stopped, if mid-epoch).

        A stop request (see ``stopped_by_request``) ends it early, without its end hooks.
        """
        runner = self.runner
        runner.call_hook("before_train_epoch")
        runner.model.train()
        per_epoch = len(self.dataloader)
        # A run resumed from a mid-epoch checkpoint continues inside the epoch. Only then:
        # a custom loop may count other than one iteration per batch (0.10's migration guide
        # runs ``run_iter`` twice per batch), and each of its epochs runs every batch.
        done_in_epoch = self.state.iter - self.state.epoch * per_epoch if self.resumed else 0
        start = done_in_epoch if 0 < done_in_epoch < per_epoch else 0
        if done_in_epoch != per_epoch:  # else every iteration ran; only the epoch's end is due
            for idx, data_batch in enumerate(self._epoch_iterator(start), start=start):
                self.run_iter(idx, data_batch)
                if idx + 1 < per_epoch and self._stop_requested():
                    return
        runner.call_hook("after_train_epoch")
        self.state.epoch += 1

    def _epoch_iterator(self, start: int) -> Iterator:
        """The epoch's data iterator, from batch ``start`` (a run resumed mid-epoch).

        A resumed run's first iterator draws nothing from the generators (the checkpoint
        restored them as they were after the uninterrupted run's draw).
        """
        if start and not self._skip_samples(start):
            print_log(
                f"The sampler of the train dataloader cannot skip samples; replaying {start} "
                "batches to restore the data position",
                logger="current",
                level=logging.WARNING,
            )
            _worker_seeding.set_position(self.dataloader, self.state.epoch, 0)
            state = capture_random_state()
            iterator = iter(self.dataloader)
            for _ in range(start):
                next(iterator)
            restore_random_state(state)
            self.resumed = False
            return iterator
        _worker_seeding.set_position(self.dataloader, self.state.epoch, start)
        if not self.resumed:
            return iter(self.dataloader)
        self.resumed = False
        if start == 0:
            return iter(self.dataloader)  # a new epoch: it draws, as in the first run
        with generator_preserved(self.dataloader):
            return iter(self.dataloader)


@LOOPS.register_module()
class IterBasedTrainLoop(_TrainLoopBase):
    """Loop for iteration-based training.

    Args:
        runner (Runner): the runner.
        dataloader (DataLoader or dict): the training dataloader or its config.
        max_iters (int): total training iterations.
        val_begin (int): the iteration from which to validate. Defaults to 1.
        val_interval (int): validate every ``val_interval`` iterations. Defaults to 1000.
        dynamic_intervals (list[tuple[int, int]], optional): ``(milestone, interval)`` pairs.
    """

    _progress_counter = "iter"

    def __init__(
        self,
        runner: Any,
        dataloader: DataLoader | dict,
        max_iters: int,
        val_begin: int = 1,
        val_interval: int = 1000,
        dynamic_intervals: list[tuple[int, int]] | None = None,
    ) -> None:
        super().__init__(runner, dataloader, val_begin, val_interval, dynamic_intervals)
        self.state.max_iters = _whole_number("max_iters", max_iters, "iterations")
        self.state.max_epochs = 1  # the data stream is endless; epochs are not counted
        self._check_intervals("iterations")
        # Made here, as upstream does: its random draw precedes the weight initialisation.
        self.dataloader_iterator = _InfiniteDataloaderIterator(self.dataloader)

    def _start_data_stream(self) -> None:
        """Position the endless iterator after ``state.iter`` batches (a resumed run)."""
        done = self.state.iter
        if not done:
            return
        if self.legacy_resume:
            # 0.10 fetched the batches already trained on: their data pipelines draw from the
            # random generators, so the resumed run continues with 0.10's numbers.
            print_log(_advance_message(done), logger="current", level=logging.WARNING)
            for _ in range(done):
                next(self.dataloader_iterator)
            return
        epoch = 0
        if not isinstance(index_sampler(self.dataloader), InfiniteSampler):
            # A finite sampler restarts each epoch: find the epoch and the offset inside it.
            try:
                per_epoch = len(self.dataloader)
            except TypeError:  # an iterable dataset without length
                per_epoch = 0
            if per_epoch:
                epoch, done = divmod(done, per_epoch)
        skipped = self._skip_samples(done)
        self.dataloader_iterator.restart(epoch, done if skipped else 0)
        if not skipped:
            print_log(
                _advance_message(done)
                + " (the sampler of the train dataloader cannot skip samples: the batches of "
                "the current pass are fetched again)",
                logger="current",
                level=logging.WARNING,
            )
            state = capture_random_state()
            for _ in range(done):
                next(self.dataloader_iterator)
            restore_random_state(state)

    def _validation_follows(self) -> bool:
        """Validation follows when the iteration being finished is a validation point."""
        progress = self.state.iter + 1
        step = bisect.bisect(self.dynamic_milestones, progress + 1)
        interval = self.dynamic_intervals[step - 1]
        return (
            self._validation_configured()
            and progress >= self.val_begin
            and (progress % interval == 0 or progress == self.state.max_iters)
        )

    def run(self) -> torch.nn.Module:
        """Train for ``max_iters`` iterations, validating on schedule; return the model."""
        check_has_batches(self.dataloader, "train")
        runner = self.runner
        runner.call_hook("before_train")
        runner.call_hook("before_train_epoch")
        self.started = True
        self._start_data_stream()
        self._run_pending_validation()
        runner.model.train()
        while self.state.iter < self.state.max_iters and not self.stop_training:
            data_batch = next(self.dataloader_iterator)
            self.run_iter(self.state.iter, data_batch)
            self._decide_current_val_interval(self.state.iter)
            if self._should_validate(self.state.iter, self.state.max_iters):
                self._validate()
                runner.model.train()  # validation left the model in eval mode
            if self.state.iter < self.state.max_iters and self._stop_requested():
                return runner.model
        runner.call_hook("after_train_epoch")
        runner.call_hook("after_train")
        return runner.model

    def run_iter(self, idx: Any, data_batch: Any = None) -> None:  # type: ignore[override]
        """Run one iteration; also accepts upstream's ``run_iter(data_batch)`` form."""
        if data_batch is None:
            idx, data_batch = self.state.iter, idx
        runner = self._runner
        runner.call_hook("before_train_iter", batch_idx=idx, data_batch=data_batch)
        outputs = runner.model.train_step(data_batch, optim_wrapper=runner.optim_wrapper)
        runner.call_hook("after_train_iter", batch_idx=idx, data_batch=data_batch, outputs=outputs)
        self.state.iter += 1


def _advance_message(steps: int) -> str:
    """0.10's log line for batches fetched again to restore a resumed run's data position."""
    return f"Advance dataloader {steps} steps to skip data that has already been trained"


# The evaluation loops live in :mod:`.eval_loops` (upstream's names stay importable here).
from .eval_loops import TestLoop, ValLoop, _parse_losses, _update_losses  # noqa: E402,F401
