"""The training, validation and test loops.

A train loop owns the iteration and a small :class:`LoopState` holding the counters; hooks read
them through the runner (``runner.epoch``, ``runner.iter``) and checkpoints save them.
``EpochBasedTrainLoop`` and ``IterBasedTrainLoop`` share everything but the shape of ``run``.
"""

from __future__ import annotations

import bisect
import logging
import time  # noqa: F401  (upstream's module global)
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch.utils.data import DataLoader

from mmengine.dataset import InfiniteSampler
from mmengine.evaluator import Evaluator
from mmengine.logging import HistoryBuffer, print_log
from mmengine.registry import LOOPS
from mmengine.structures import BaseDataElement
from mmengine.utils import is_list_of

from .amp import autocast
from .base_loop import BaseLoop
from .utils import calc_dynamic_intervals


@dataclass
class LoopState:
    """The counters of a training run: completed epochs and iterations, and their limits."""

    epoch: int = 0
    iter: int = 0
    max_epochs: int = 0
    max_iters: int = 0


def _dataset_metainfo(dataloader: Any, users: str) -> dict | None:
    """The dataloader's dataset ``metainfo``, or None with a warning naming who lacks it."""
    dataset = getattr(dataloader, "dataset", None)
    metainfo = getattr(dataset, "metainfo", None)
    if metainfo is None:
        print_log(
            f"Dataset {dataset.__class__.__name__} has no metainfo. ``dataset_meta`` in "
            f"{users} will be None.",
            logger="current",
            level=logging.WARNING,
        )
    return metainfo


class _TrainLoopBase(BaseLoop):
    """What epoch- and iteration-based training share: state, intervals, data resumption."""

    def __init__(
        self,
        runner: Any,
        dataloader: DataLoader | dict,
        val_begin: int,
        val_interval: int,
        dynamic_intervals: list[tuple[int, int]] | None,
    ) -> None:
        super().__init__(runner, dataloader)
        self.state = LoopState()
        self.val_begin = val_begin
        self.val_interval = val_interval
        self.stop_training = False
        self.dynamic_milestones, self.dynamic_intervals = calc_dynamic_intervals(
            val_interval, dynamic_intervals
        )
        metainfo = _dataset_metainfo(self.dataloader, "visualizer")
        if metainfo is not None:
            self.runner.visualizer.dataset_meta = metainfo

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

    def _decide_current_val_interval(self, progress: int) -> None:
        step = bisect.bisect(self.dynamic_milestones, progress + 1)
        self.val_interval = self.dynamic_intervals[step - 1]

    def _should_validate(self, progress: int, total: int) -> bool:
        return (
            self.runner.val_loop is not None
            and progress >= self.val_begin
            and (progress % self.val_interval == 0 or progress == total)
        )

    def run_iter(self, idx: int, data_batch: Any) -> None:
        """Run one training iteration: hooks around ``model.train_step``."""
        runner = self.runner
        runner.call_hook("before_train_iter", batch_idx=idx, data_batch=data_batch)
        outputs = runner.model.train_step(data_batch, optim_wrapper=runner.optim_wrapper)
        runner.call_hook("after_train_iter", batch_idx=idx, data_batch=data_batch, outputs=outputs)
        self.state.iter += 1

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
        if int(max_epochs) != max_epochs:
            raise ValueError(f"`max_epochs` should be an integer number, but got {max_epochs}")
        self.state.max_epochs = int(max_epochs)
        self.state.max_iters = self.state.max_epochs * len(self.dataloader)

    def run(self) -> torch.nn.Module:
        """Train for ``max_epochs`` epochs, validating on schedule; return the model."""
        runner = self.runner
        runner.call_hook("before_train")
        while self.state.epoch < self.state.max_epochs and not self.stop_training:
            self.run_epoch()
            self._decide_current_val_interval(self.state.epoch)
            if self._should_validate(self.state.epoch, self.state.max_epochs):
                runner.val_loop.run()
        runner.call_hook("after_train")
        return runner.model

    def run_epoch(self) -> None:
        """Iterate one epoch (from where a resumed run stopped, if mid-epoch)."""
        runner = self.runner
        runner.call_hook("before_train_epoch")
        runner.model.train()
        # A run resumed from a mid-epoch checkpoint continues inside the epoch.
        done_in_epoch = self.state.iter - self.state.epoch * len(self.dataloader)
        start = 0
        if 0 < done_in_epoch < len(self.dataloader):
            if self._skip_samples(done_in_epoch):
                start = done_in_epoch
        for idx, data_batch in enumerate(self.dataloader, start=start):
            self.run_iter(idx, data_batch)
        runner.call_hook("after_train_epoch")
        self.state.epoch += 1


_RESTART_WARNING = (
    "Reach the end of the dataloader, it will be restarted and continue to iterate. It is "
    "recommended to use `mmengine.dataset.InfiniteSampler` to enable the dataloader to iterate "
    "infinitely."
)


def _draw_iterator_seed(dataloader: Any) -> torch.Tensor:
    """Draw what ``iter(dataloader)`` draws, without creating the iterator.

    Creating a DataLoader iterator draws its base seed from ``dataloader.generator`` (torch's
    global generator when None). This makes the same draw through torch's own code on an
    empty stand-in loader, so the generator advances exactly as for the real iterator.

    Returns:
        torch.Tensor: the generator's state before the draw: create the real iterator under
        it to give it the seed drawn here.
    """
    generator = getattr(dataloader, "generator", None)
    state = generator.get_state() if generator is not None else torch.get_rng_state()
    iter(DataLoader([0], generator=generator))
    return state


class _InfiniteDataloaderIterator:
    """Iterate a DataLoader forever, starting a new epoch when one is exhausted.

    The random draw of the first ``iter(dataloader)`` happens at construction (upstream's
    order of random draws), but the iterator itself is created at the first ``next``, under
    the generator state of that draw (so it gets the same seed): a resumed run can first tell
    the sampler to skip the batches already trained on, and nothing is fetched twice.
    """

    def __init__(self, dataloader: DataLoader, epoch: int = 0) -> None:
        self._dataloader = dataloader
        self._epoch = epoch
        self._iterator: Iterator | None = None
        self._creation_state: torch.Tensor | None = _draw_iterator_seed(dataloader)

    def _set_epoch(self) -> None:
        for source in (
            getattr(self._dataloader, "sampler", None),
            getattr(self._dataloader, "batch_sampler", None),
        ):
            if hasattr(source, "set_epoch"):
                source.set_epoch(self._epoch)

    def restart(self, epoch: int, creation_state: torch.Tensor | None = None) -> None:
        """Drop the current iterator; the next ``next`` starts epoch ``epoch``.

        Args:
            epoch (int): the data epoch to start.
            creation_state (torch.Tensor, optional): the generator state to create the new
                iterator under; None keeps the one of the construction-time draw, if unused.
        """
        self._iterator = None
        self._epoch = epoch
        if creation_state is not None:
            self._creation_state = creation_state

    def _create(self) -> None:
        self._set_epoch()
        state, self._creation_state = self._creation_state, None
        if state is None:
            self._iterator = iter(self._dataloader)
            return
        generator = getattr(self._dataloader, "generator", None)
        target = generator if generator is not None else torch.random.default_generator
        current = target.get_state()
        target.set_state(state)
        try:
            self._iterator = iter(self._dataloader)
        finally:
            target.set_state(current)

    def __iter__(self) -> Iterator:
        return self

    def __next__(self) -> Any:
        if self._iterator is None:
            self._create()
            assert self._iterator is not None
        try:
            return next(self._iterator)
        except StopIteration:
            print_log(_RESTART_WARNING, logger="current", level=logging.WARNING)
            self._epoch += 1
            self._set_epoch()
            # No sleep: workers of the exhausted iterator are shut down by its destructor.
            self._iterator = iter(self._dataloader)
            return next(self._iterator)


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
        if int(max_iters) != max_iters:
            raise ValueError(f"`max_iters` should be an integer number, but got {max_iters}")
        self.state.max_iters = int(max_iters)
        self.state.max_epochs = 1  # the data stream is endless; epochs are not counted
        # Made here, as upstream does: its random draw precedes the weight initialisation.
        self.dataloader_iterator = _InfiniteDataloaderIterator(self.dataloader)

    def _start_data_stream(self) -> None:
        """Position the endless iterator after ``state.iter`` batches (a resumed run)."""
        done = self.state.iter
        if not done:
            return
        epoch = 0
        sampler = getattr(self.dataloader, "sampler", None)
        if done and not isinstance(sampler, InfiniteSampler):
            # A finite sampler restarts each epoch: find the epoch and the offset inside it.
            try:
                per_epoch = len(self.dataloader)
            except TypeError:  # an iterable dataset without length
                per_epoch = 0
            if per_epoch:
                epoch, done = divmod(done, per_epoch)
        skipped = self._skip_samples(done)
        self.dataloader_iterator.restart(epoch)
        if not skipped:
            print_log(
                f"The sampler of the train dataloader cannot skip samples; replaying {done} "
                "batches to restore the data position",
                logger="current",
                level=logging.WARNING,
            )
            for _ in range(done):
                next(self.dataloader_iterator)

    def run(self) -> torch.nn.Module:
        """Train for ``max_iters`` iterations, validating on schedule; return the model."""
        runner = self.runner
        runner.call_hook("before_train")
        runner.call_hook("before_train_epoch")
        self._start_data_stream()
        runner.model.train()
        while self.state.iter < self.state.max_iters and not self.stop_training:
            data_batch = next(self.dataloader_iterator)
            self.run_iter(self.state.iter, data_batch)
            self._decide_current_val_interval(self.state.iter)
            if self._should_validate(self.state.iter, self.state.max_iters):
                runner.val_loop.run()
                runner.model.train()  # validation left the model in eval mode
        runner.call_hook("after_train_epoch")
        runner.call_hook("after_train")
        return runner.model

    def run_iter(self, idx: Any, data_batch: Any = None) -> None:  # type: ignore[override]
        """Run one iteration; also accepts upstream's ``run_iter(data_batch)`` form."""
        if data_batch is None:
            idx, data_batch = self.state.iter, idx
        super().run_iter(idx, data_batch)


def _update_losses(
    outputs: Sequence, losses: dict[str, HistoryBuffer]
) -> tuple[Sequence, dict[str, HistoryBuffer]]:
    """Take a trailing ``BaseDataElement(loss=...)`` off ``outputs`` into ``losses``.

    Returns:
        tuple: the outputs without the loss element, and ``losses``.
    """
    if (
        isinstance(outputs, (list, tuple))
        and outputs
        and isinstance(outputs[-1], BaseDataElement)
        and outputs[-1].keys() == ["loss"]
    ):
        loss = outputs[-1].loss
        outputs = outputs[:-1]
        for name, value in loss.items():
            buffer = losses.setdefault(name, HistoryBuffer())
            if isinstance(value, torch.Tensor):
                buffer.update(value.item())
            elif is_list_of(value, torch.Tensor):
                for v in value:
                    buffer.update(v.item())
    return outputs, losses


def _parse_losses(losses: dict[str, HistoryBuffer], stage: str) -> dict[str, float]:
    """Average each recorded loss over the epoch, plus their sum as ``{stage}_loss``."""
    result: dict[str, float] = {}
    total = 0.0
    for name, buffer in losses.items():
        avg = float(buffer.mean())
        result[name] = avg
        if "loss" in name:
            total += avg
    result[f"{stage}_loss"] = total
    return result


class _EvalLoopBase(BaseLoop):
    """What validation and test share: evaluator set-up, no_grad iteration, loss averaging."""

    _stage = "val"

    def __init__(
        self,
        runner: Any,
        dataloader: DataLoader | dict,
        evaluator: Evaluator | dict | list,
        fp16: bool = False,
    ) -> None:
        super().__init__(runner, dataloader)
        if isinstance(evaluator, (dict, list)):
            self.evaluator = runner.build_evaluator(evaluator)
        else:
            self.evaluator = evaluator
        metainfo = _dataset_metainfo(self.dataloader, "evaluator, metric and visualizer")
        if metainfo is not None:
            self.evaluator.dataset_meta = metainfo
            self.runner.visualizer.dataset_meta = metainfo
        self.fp16 = fp16
        self.losses = {}

    @property
    def losses(self) -> dict[str, HistoryBuffer]:
        """dict: the losses of the current run (upstream's ``val_loss``/``test_loss``)."""
        return self.__dict__[f"{self._stage}_loss"]

    @losses.setter
    def losses(self, value: dict[str, HistoryBuffer]) -> None:
        self.__dict__[f"{self._stage}_loss"] = value

    def run(self) -> dict:
        """Run the model over the whole dataloader and return the metrics."""
        runner = self.runner
        stage = self._stage
        runner.call_hook(f"before_{stage}")
        runner.call_hook(f"before_{stage}_epoch")
        runner.model.eval()
        self.losses = {}
        for idx, data_batch in enumerate(self.dataloader):
            self.run_iter(idx, data_batch)
        metrics = self.evaluator.evaluate(len(self.dataloader.dataset))
        if self.losses:
            metrics.update(_parse_losses(self.losses, stage))
        runner.call_hook(f"after_{stage}_epoch", metrics=metrics)
        runner.call_hook(f"after_{stage}")
        return metrics

    @torch.no_grad()
    def run_iter(self, idx: int, data_batch: Sequence[dict]) -> None:
        """Run one batch through ``model.{val,test}_step`` and feed the evaluator."""
        runner = self.runner
        stage = self._stage
        runner.call_hook(f"before_{stage}_iter", batch_idx=idx, data_batch=data_batch)
        with autocast(enabled=self.fp16):
            outputs = getattr(runner.model, f"{stage}_step")(data_batch)
        outputs, _ = _update_losses(outputs, self.losses)
        self.evaluator.process(data_samples=outputs, data_batch=data_batch)
        runner.call_hook(
            f"after_{stage}_iter", batch_idx=idx, data_batch=data_batch, outputs=outputs
        )


@LOOPS.register_module()
class ValLoop(_EvalLoopBase):
    """Loop for validation.

    Args:
        runner (Runner): the runner.
        dataloader (DataLoader or dict): the validation dataloader or its config.
        evaluator (Evaluator or dict or list): computes the metrics.
        fp16 (bool): validate under autocast. Defaults to False.
    """

    _stage = "val"


@LOOPS.register_module()
class TestLoop(_EvalLoopBase):
    """Loop for test.

    Args:
        runner (Runner): the runner.
        dataloader (DataLoader or dict): the test dataloader or its config.
        evaluator (Evaluator or dict or list): computes the metrics.
        fp16 (bool): test under autocast. Defaults to False.
    """

    _stage = "test"
