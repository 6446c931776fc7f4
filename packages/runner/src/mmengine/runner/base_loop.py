"""BaseLoop: the abstract loop every train/val/test loop derives from."""

from __future__ import annotations

import logging
from abc import ABCMeta, abstractmethod
from typing import Any

from torch.utils.data import DataLoader

from mmengine.logging import print_log


class BaseLoop(metaclass=ABCMeta):
    """Base class of the loops a Runner drives.

    Args:
        runner (Runner): the runner that owns the loop.
        dataloader (DataLoader or dict): a DataLoader, or a config the runner builds one from
            (seeded with the runner's seed).
    """

    def __init__(self, runner: Any, dataloader: DataLoader | dict) -> None:
        self._runner = runner
        if isinstance(dataloader, dict):
            randomness = getattr(runner, "randomness", None) or {}
            diff_rank_seed = randomness.get("diff_rank_seed", False)
            self.dataloader = runner.build_dataloader(
                dataloader, seed=runner.seed, diff_rank_seed=diff_rank_seed
            )
        else:
            self.dataloader = dataloader

    @property
    def runner(self) -> Any:
        """Runner: the runner that owns the loop."""
        return self._runner

    @abstractmethod
    def run(self) -> Any:
        """Execute the loop."""


def dataset_metainfo(dataloader: Any, users: str) -> dict | None:
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
