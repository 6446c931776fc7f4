"""BaseLoop: the abstract loop every train/val/test loop derives from."""

from __future__ import annotations

import logging
from abc import ABCMeta, abstractmethod
from dataclasses import dataclass
from typing import Any

from torch.utils.data import DataLoader

from mmengine.logging import print_log


@dataclass
class LoopSpec:
    """What a task's loop is built from, as the Runner was given it.

    Attributes:
        cfg (dict, optional): the loop's config (``train_cfg``, ``val_cfg``, ``test_cfg``);
            None when the task is not configured.
        dataloader (DataLoader or dict, optional): its dataloader or config (for validation
            and test, several: a list or a dict of them).
        evaluator (Evaluator, dict or list, optional): its evaluator(s) or config(s).
    """

    cfg: Any = None
    dataloader: Any = None
    evaluator: Any = None


class BaseLoop(metaclass=ABCMeta):
    """Base class of the loops a Runner drives.

    Args:
        runner (Runner): the runner that owns the loop.
        dataloader (DataLoader or dict): a DataLoader, or a config the runner builds one from
            (seeded with the runner's seed).
    """

    def __init__(self, runner: Any, dataloader: DataLoader | dict) -> None:
        self._runner = runner
        self.dataloader = loop_dataloader(runner, dataloader)

    @property
    def runner(self) -> Any:
        """Runner: the runner that owns the loop."""
        return self._runner

    @abstractmethod
    def run(self) -> Any:
        """Execute the loop."""


def dataset_metainfo(dataloader: Any, users: str) -> dict | None:
    """The dataloader's dataset ``metainfo``; None, with a warning naming who lacks it, for a
    dataset without that attribute (one whose ``metainfo`` is None gives None quietly, as 0.10)."""
    dataset = getattr(dataloader, "dataset", None)
    metainfo = getattr(dataset, "metainfo", None)
    if not hasattr(dataset, "metainfo"):
        print_log(
            f"Dataset {dataset.__class__.__name__} has no metainfo. ``dataset_meta`` in "
            f"{users} will be None.",
            logger="current",
            level=logging.WARNING,
        )
    return metainfo


def loop_dataloader(runner: Any, dataloader: DataLoader | dict) -> DataLoader:
    """``dataloader``, or the DataLoader the runner builds from its config, seeded with the
    runner's seed (and per rank when ``randomness.diff_rank_seed``)."""
    if not isinstance(dataloader, dict):
        return dataloader
    randomness = getattr(runner, "randomness", None) or {}
    diff_rank_seed = randomness.get("diff_rank_seed", False)
    return runner.build_dataloader(dataloader, seed=runner.seed, diff_rank_seed=diff_rank_seed)
