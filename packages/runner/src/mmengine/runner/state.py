"""The state a Runner owns: training progress, and what to load before a task.

:class:`TrainState` is the one place the epoch and iteration counters live. The runner creates
it, the train loop advances it, hooks read it (``runner.epoch``, ``runner.iter``), checkpoints
save it (``meta``) and resuming restores it. The loop's ``epoch``/``iter`` (and 0.10's
``_epoch``/``_iter``) are views of it.

:class:`LoadPlan` says which checkpoint a task starts from (``load_from``, ``resume``) and
whether it was applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["LoadPlan", "TrainState"]


@dataclass
class TrainState:
    """Training progress.

    Attributes:
        epoch (int): completed epochs (an iteration-based run stays at 0).
        iter (int): completed iterations, over the whole run.
        max_epochs (int): epochs to train (1 for an iteration-based run).
        max_iters (int): iterations to train.
        validation_pending (bool): set on resume when the checkpoint was saved just before
            a validation the uninterrupted run then did: the resumed run validates first.
        validation_record (dict, optional): while a validation follows a checkpoint saved in
            this run, where to record what it changed (see
            :mod:`~mmengine.runner.validation_record`); not saved.
    """

    epoch: int = 0
    iter: int = 0
    max_epochs: int = 0
    max_iters: int = 0
    validation_pending: bool = False
    validation_record: dict[str, Any] | None = field(default=None, compare=False, repr=False)

    def saved_counters(self, by_epoch: bool) -> tuple[int, int]:
        """The ``(epoch, iter)`` a checkpoint saved now records.

        Checkpoints are saved from ``after_train_epoch``/``after_train_iter``, which run
        before the loop counts the epoch or iteration that is ending; the checkpoint counts
        it: ``by_epoch`` the ending epoch, otherwise the ending iteration (0.10's rule, for
        callers that do not pass the counters in ``meta``).
        """
        if by_epoch:
            return self.epoch + 1, self.iter
        return self.epoch, self.iter + 1

    def restore(self, epoch: int, iter: int) -> None:  # noqa: A002 (the counter's name)
        """Continue from a checkpoint's counters (the limits stay the configured ones)."""
        self.epoch, self.iter = int(epoch), int(iter)


@dataclass
class LoadPlan:
    """The checkpoint a task starts from.

    Attributes:
        load_from (str, optional): a checkpoint to load (or resume from, with ``resume``).
        resume (bool): resume training (``load_from``, or the work dir's latest checkpoint).
        done (bool): whether the plan was applied (it is applied once per runner).
    """

    load_from: str | None = None
    resume: bool = False
    done: bool = False
