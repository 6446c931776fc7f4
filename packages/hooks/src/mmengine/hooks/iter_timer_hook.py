"""IterTimerHook: time every iteration and its data loading; estimate the time left."""

from __future__ import annotations

import time
from typing import Any, Optional

from mmengine.registry import HOOKS

from .hook import DATA_BATCH, Hook

# Scalar names per mode, built once rather than every iteration.
_TIME_KEYS = {mode: (f"{mode}/time", f"{mode}/data_time") for mode in ("train", "val", "test")}


def _time_keys(mode: str) -> tuple[str, str]:
    keys = _TIME_KEYS.get(mode)
    if keys is None:
        keys = _TIME_KEYS[mode] = (f"{mode}/time", f"{mode}/data_time")
    return keys


@HOOKS.register_module()
class IterTimerHook(Hook):
    """A hook that logs the time spent during iteration.

    E.g. ``data_time`` for loading data and ``time`` for a model step, recorded in the message
    hub as ``{mode}/data_time`` and ``{mode}/time`` scalars, plus the estimated remaining
    seconds of the current loop as the ``eta`` info.
    """

    priority = "NORMAL"

    def __init__(self) -> None:
        self.time_sec_tot = 0.0
        self.time_sec_test_val = 0.0
        self.start_iter = 0
        self.t = time.time()

    def before_train(self, runner: Any) -> None:
        """Synchronize the number of iterations with the runner after resuming.

        Args:
            runner (Runner): The runner of the training process.
        """
        self.start_iter = runner.iter

    def _before_epoch(self, runner: Any, mode: str = "train") -> None:
        """Start the clock of the epoch's first iteration.

        Args:
            runner (Runner): The runner of the current process.
            mode (str): ``'train'``, ``'val'`` or ``'test'``.
        """
        # Nothing else: a custom loop (mmagic's MultiValLoop) may set its dataloader only after
        # the before-epoch hooks, so its length is read per iteration, as 0.10 does.
        self.t = time.time()

    def _after_epoch(self, runner: Any, mode: str = "train") -> None:
        """Reset the validation/test time accumulator.

        Args:
            runner (Runner): The runner of the current process.
            mode (str): ``'train'``, ``'val'`` or ``'test'``.
        """
        if mode != "train":
            self.time_sec_test_val = 0.0

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # A subclass overriding a mode helper gets it called for training iterations too.
        cls._train_fast_path = (
            cls._before_iter is IterTimerHook._before_iter
            and cls._after_iter is IterTimerHook._after_iter
        )

    _train_fast_path = True

    def before_train_iter(self, runner: Any, batch_idx: int, data_batch: DATA_BATCH = None) -> None:
        """Record the time spent loading this batch (``train/data_time``).

        Args:
            runner (Runner): The runner of the training process.
            batch_idx (int): The index of the current batch in the train loop.
            data_batch (dict or tuple or list, optional): Data from dataloader.
        """
        if self._train_fast_path:  # what ``_before_iter`` does, without the mode lookups
            runner.message_hub.update_scalar("train/data_time", time.time() - self.t)
        else:
            self._before_iter(runner, batch_idx=batch_idx, data_batch=data_batch, mode="train")

    def after_train_iter(
        self,
        runner: Any,
        batch_idx: int,
        data_batch: DATA_BATCH = None,
        outputs: Optional[dict] = None,
    ) -> None:
        """Record the iteration time (``train/time``) and update ``eta``.

        Args:
            runner (Runner): The runner of the training process.
            batch_idx (int): The index of the current batch in the train loop.
            data_batch (dict or tuple or list, optional): Data from dataloader.
            outputs (dict, optional): Outputs from model.
        """
        if not self._train_fast_path:
            self._after_iter(
                runner, batch_idx=batch_idx, data_batch=data_batch, outputs=outputs, mode="train"
            )
            return
        now = time.time()
        iter_time = now - self.t
        self.t = now
        hub = runner.message_hub
        hub.update_scalar("train/time", iter_time)
        self.time_sec_tot += iter_time
        done = runner.iter
        time_sec_avg = self.time_sec_tot / (done - self.start_iter + 1)
        hub.update_info("eta", time_sec_avg * (runner.max_iters - done - 1))

    def _before_iter(
        self,
        runner: Any,
        batch_idx: int,
        data_batch: DATA_BATCH = None,
        mode: str = "train",
    ) -> None:
        """Record the time spent loading this batch (``{mode}/data_time``).

        Args:
            runner (Runner): The runner of the current process.
            batch_idx (int): The index of the current batch in the loop.
            data_batch (dict or tuple or list, optional): Data from dataloader.
            mode (str): ``'train'``, ``'val'`` or ``'test'``.
        """
        runner.message_hub.update_scalar(_time_keys(mode)[1], time.time() - self.t)

    def _after_iter(
        self,
        runner: Any,
        batch_idx: int,
        data_batch: DATA_BATCH = None,
        outputs: Optional[Any] = None,
        mode: str = "train",
    ) -> None:
        """Record the iteration time (``{mode}/time``) and update ``eta``.

        Args:
            runner (Runner): The runner of the current process.
            batch_idx (int): The index of the current batch in the loop.
            data_batch (dict or tuple or list, optional): Data from dataloader.
            outputs (dict or Sequence, optional): Outputs from model.
            mode (str): ``'train'``, ``'val'`` or ``'test'``.
        """
        now = time.time()
        iter_time = now - self.t
        self.t = now
        hub = runner.message_hub
        hub.update_scalar(_time_keys(mode)[0], iter_time)
        if mode == "train":
            self.time_sec_tot += iter_time
            time_sec_avg = self.time_sec_tot / (runner.iter - self.start_iter + 1)
            eta_sec = time_sec_avg * (runner.max_iters - runner.iter - 1)
        else:
            self.time_sec_test_val += iter_time
            time_sec_avg = self.time_sec_test_val / (batch_idx + 1)
            eta_sec = time_sec_avg * (len(self._eval_dataloader(runner, mode)) - batch_idx - 1)
        hub.update_info("eta", eta_sec)

    @staticmethod
    def _eval_dataloader(runner: Any, mode: str) -> Any:
        return runner.val_dataloader if mode == "val" else runner.test_dataloader
