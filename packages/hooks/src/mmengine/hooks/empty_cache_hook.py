"""EmptyCacheHook: release the CUDA caching allocator's unused memory."""

from __future__ import annotations

from typing import Any, Optional

import torch

from mmengine.device import is_cuda_available, is_musa_available
from mmengine.registry import HOOKS

from ._checks import check_flag
from .hook import DATA_BATCH, Hook


def _empty_cache() -> None:
    if is_cuda_available():
        torch.cuda.empty_cache()
    elif is_musa_available():
        torch.musa.empty_cache()  # Moore Threads GPUs (torch_musa)


@HOOKS.register_module()
class EmptyCacheHook(Hook):
    """Releases all unoccupied cached GPU memory during the process of training.

    Calls ``torch.cuda.empty_cache()`` (only when CUDA is available; on MUSA devices
    ``torch.musa.empty_cache()``) at the chosen points of
    every train, val and test loop.

    Args:
        before_epoch (bool): Whether to release cache before an epoch. Defaults to False.
        after_epoch (bool): Whether to release cache after an epoch. Defaults to True.
        after_iter (bool): Whether to release cache after an iteration. Defaults to False.
    """

    priority = "NORMAL"

    def __init__(
        self, before_epoch: bool = False, after_epoch: bool = True, after_iter: bool = False
    ) -> None:
        for name, flag in (("before_epoch", before_epoch), ("after_epoch", after_epoch),
                           ("after_iter", after_iter)):  # fmt: skip
            check_flag("EmptyCacheHook", name, flag)
        self._do_before_epoch = before_epoch
        self._do_after_epoch = after_epoch
        self._do_after_iter = after_iter

    def _after_iter(
        self,
        runner: Any,
        batch_idx: int,
        data_batch: DATA_BATCH = None,
        outputs: Optional[Any] = None,
        mode: str = "train",
    ) -> None:
        """Empty the cache after an iteration if ``after_iter``.

        Args:
            runner (Runner): The runner of the current process.
            batch_idx (int): The index of the current batch in the loop.
            data_batch (dict or tuple or list, optional): Data from dataloader.
            outputs (dict or Sequence, optional): Outputs from model.
            mode (str): ``'train'``, ``'val'`` or ``'test'``.
        """
        if self._do_after_iter:
            _empty_cache()

    def _before_epoch(self, runner: Any, mode: str = "train") -> None:
        """Empty the cache before an epoch if ``before_epoch``.

        Args:
            runner (Runner): The runner of the current process.
            mode (str): ``'train'``, ``'val'`` or ``'test'``.
        """
        if self._do_before_epoch:
            _empty_cache()

    def _after_epoch(self, runner: Any, mode: str = "train") -> None:
        """Empty the cache after an epoch if ``after_epoch``.

        Args:
            runner (Runner): The runner of the current process.
            mode (str): ``'train'``, ``'val'`` or ``'test'``.
        """
        if self._do_after_epoch:
            _empty_cache()
