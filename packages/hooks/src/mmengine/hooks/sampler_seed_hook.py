"""DistSamplerSeedHook: reseed the training sampler every epoch so shuffling changes."""

from __future__ import annotations

from typing import Any

from mmengine.registry import HOOKS

from .hook import Hook


@HOOKS.register_module()
class DistSamplerSeedHook(Hook):
    """Data-loading sampler for distributed training.

    Before every training epoch it calls ``set_epoch(runner.epoch)`` on the training
    dataloader's sampler (or on its batch sampler's sampler), so that a distributed sampler
    shuffles differently in every epoch while staying identical across ranks.
    """

    priority = "NORMAL"

    def before_train_epoch(self, runner: Any) -> None:
        """Set the epoch of the sampler and of the batch sampler's sampler.

        Args:
            runner (Runner): The runner of the training process.
        """
        dataloader = runner.train_loop.dataloader
        sampler = getattr(dataloader, "sampler", None)
        if hasattr(sampler, "set_epoch"):
            sampler.set_epoch(runner.epoch)
            return
        batch_sampler = getattr(dataloader, "batch_sampler", None)
        inner = getattr(batch_sampler, "sampler", None)
        if hasattr(inner, "set_epoch"):
            inner.set_epoch(runner.epoch)
