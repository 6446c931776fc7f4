"""SyncBuffersHook: average model buffers (BN statistics) across ranks."""

from __future__ import annotations

from typing import Any

from mmengine.dist import all_reduce_params, is_distributed
from mmengine.registry import HOOKS

from .hook import Hook


@HOOKS.register_module()
class SyncBuffersHook(Hook):
    """Synchronize model buffers such as running_mean and running_var in BN at the end of
    each epoch.

    In distributed training every rank's buffers are replaced by their mean across ranks
    after each training epoch, and before validation when no training epoch just did it
    (iteration-based training). Undistributed it does nothing.
    """

    priority = "NORMAL"

    def __init__(self) -> None:
        self.distributed = is_distributed()
        # True right after a training epoch synchronized the buffers.
        self.called_in_train = False

    def before_val_epoch(self, runner: Any) -> None:
        """Synchronize the buffers before validation unless a training epoch just did.

        Args:
            runner (Runner): The runner of the validation process.
        """
        if not self.called_in_train:
            self._sync(runner)
        self.called_in_train = False

    def after_train_epoch(self, runner: Any) -> None:
        """All-reduce model buffers at the end of each epoch.

        Args:
            runner (Runner): The runner of the training process.
        """
        self._sync(runner)
        self.called_in_train = True

    def _sync(self, runner: Any) -> None:
        if self.distributed or is_distributed():
            all_reduce_params(runner.model.buffers(), op="mean")
