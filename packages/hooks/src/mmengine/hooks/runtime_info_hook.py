"""RuntimeInfoHook: publish the run's state (counters, lr, losses, metrics) in the message hub."""

from __future__ import annotations

from typing import Any, Optional

import numpy as np
import torch

from mmengine.config.utils import config_text
from mmengine.registry import HOOKS
from mmengine.utils import get_git_hash, get_mmengine_version

from .hook import DATA_BATCH, Hook


def _is_scalar(value: Any) -> bool:
    """Whether ``value`` is a single number (a Python/NumPy number or a one-element array)."""
    if isinstance(value, np.ndarray):
        return value.size == 1
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        return True
    if isinstance(value, torch.Tensor):
        return value.numel() == 1
    return False


@HOOKS.register_module()
class RuntimeInfoHook(Hook):
    """A hook that updates runtime information into message hub.

    E.g. ``epoch``, ``iter``, ``max_epochs`` and ``max_iters`` for the training state, the
    learning rates (``train/lr``) and losses (``train/<name>``) as scalars, and evaluation
    metrics (``val/<name>``, ``test/<name>``). Components that cannot access the runner can
    get runtime information through the message hub.
    """

    priority = "VERY_HIGH"

    def __init__(self) -> None:
        self.last_loop_stage: Optional[str] = None
        # "name" -> "train/name", so that iterations do not build strings.
        self._train_keys: dict[str, str] = {}

    def _train_key(self, name: str) -> str:
        key = self._train_keys.get(name)
        if key is None:
            key = self._train_keys[name] = f"train/{name}"
        return key

    def before_run(self, runner: Any) -> None:
        """Record the config, seed, experiment name and framework version.

        Args:
            runner (Runner): The runner of the training process.
        """
        cfg = getattr(runner, "cfg", None)
        try:
            cfg_text = config_text(cfg)[0]
        except AttributeError:  # not a Config: record it as it is
            cfg_text = cfg
        metainfo = dict(
            cfg=cfg_text,
            seed=runner.seed,
            experiment_name=runner.experiment_name,
            mmengine_version=get_mmengine_version() + get_git_hash(digits=7, fallback=""),
        )
        runner.message_hub.update_info_dict(metainfo)
        self.last_loop_stage = None

    def before_train(self, runner: Any) -> None:
        """Record the (possibly resumed) training state.

        Args:
            runner (Runner): The runner of the training process.
        """
        hub = runner.message_hub
        hub.update_info("loop_stage", "train")
        hub.update_info("epoch", runner.epoch)
        hub.update_info("iter", runner.iter)
        hub.update_info("max_epochs", runner.max_epochs)
        hub.update_info("max_iters", runner.max_iters)
        dataset = getattr(runner.train_dataloader, "dataset", None)
        if hasattr(dataset, "metainfo"):
            hub.update_info("dataset_meta", dataset.metainfo)

    def after_train(self, runner: Any) -> None:
        """Leave the training stage.

        Args:
            runner (Runner): The runner of the training process.
        """
        runner.message_hub.pop_info("loop_stage")

    def before_train_epoch(self, runner: Any) -> None:
        """Update the current epoch before every epoch.

        Args:
            runner (Runner): The runner of the training process.
        """
        runner.message_hub.update_info("epoch", runner.epoch)

    def before_train_iter(self, runner: Any, batch_idx: int, data_batch: DATA_BATCH = None) -> None:
        """Update the current iteration and the learning rates before every iteration.

        Args:
            runner (Runner): The runner of the training process.
            batch_idx (int): The index of the current batch in the train loop.
            data_batch (Sequence[dict], optional): Data from dataloader. Defaults to None.
        """
        hub = runner.message_hub
        hub.update_info("iter", runner.iter)
        lr_dict = runner.optim_wrapper.get_lr()
        if type(lr_dict) is not dict and not isinstance(lr_dict, dict):
            raise AssertionError(
                "`runner.optim_wrapper.get_lr()` should return a dict of learning rate when "
                "training with OptimWrapper(single optimizer) or OptimWrapperDict(multiple "
                f"optimizer), but got {type(lr_dict)} please check your optimizer constructor "
                "return an `OptimWrapper` or `OptimWrapperDict` instance (the optimizer "
                f"wrapper is a {type(runner.optim_wrapper).__name__})"
            )
        keys = self._train_keys
        for name, lr in lr_dict.items():
            hub.update_scalar(keys.get(name) or self._train_key(name), lr[0])

    def after_train_iter(
        self,
        runner: Any,
        batch_idx: int,
        data_batch: DATA_BATCH = None,
        outputs: Optional[dict] = None,
    ) -> None:
        """Record the model's log variables (losses) of this iteration.

        Args:
            runner (Runner): The runner of the training process.
            batch_idx (int): The index of the current batch in the train loop.
            data_batch (Sequence[dict], optional): Data from dataloader. Defaults to None.
            outputs (dict, optional): Outputs from model. Defaults to None.
        """
        if outputs is not None:
            hub = runner.message_hub
            keys = self._train_keys
            for key, value in outputs.items():
                # A CPU loss becomes a float here; a loss on an accelerator goes to the hub as
                # it is, which converts it when the logs are read, not now: no device sync
                # per iteration (0.10 syncs on every loss, every iteration).
                if type(value) is torch.Tensor and value.is_cpu and value.numel() == 1:
                    item = value.item()
                    if type(item) is float:  # else (int, bool, complex): the hub's checks
                        value = item
                hub.update_scalar(keys.get(key) or self._train_key(key), value)

    def before_val(self, runner: Any) -> None:
        """Enter the validation stage, remembering the stage it interrupts.

        Args:
            runner (Runner): The runner of the validation process.
        """
        self.last_loop_stage = runner.message_hub.get_info("loop_stage")
        runner.message_hub.update_info("loop_stage", "val")

    def after_val_epoch(self, runner: Any, metrics: Optional[dict[str, float]] = None) -> None:
        """Record the validation metrics: scalars as ``val/<name>`` scalars, others as infos.

        Args:
            runner (Runner): The runner of the validation process.
            metrics (dict[str, float], optional): Evaluation results of all metrics.
        """
        self._record_metrics(runner, metrics, "val")

    def after_val(self, runner: Any) -> None:
        """Return to the stage validation interrupted (training), or leave the stage.

        Args:
            runner (Runner): The runner of the validation process.
        """
        if self.last_loop_stage == "train":
            runner.message_hub.update_info("loop_stage", self.last_loop_stage)
            self.last_loop_stage = None
        else:
            runner.message_hub.pop_info("loop_stage")

    def before_test(self, runner: Any) -> None:
        """Enter the test stage.

        Args:
            runner (Runner): The runner of the testing process.
        """
        runner.message_hub.update_info("loop_stage", "test")

    def after_test(self, runner: Any) -> None:
        """Leave the test stage.

        Args:
            runner (Runner): The runner of the testing process.
        """
        runner.message_hub.pop_info("loop_stage")

    def after_test_epoch(self, runner: Any, metrics: Optional[dict[str, float]] = None) -> None:
        """Record the test metrics: scalars as ``test/<name>`` scalars, others as infos.

        Args:
            runner (Runner): The runner of the testing process.
            metrics (dict[str, float], optional): Evaluation results of all metrics.
        """
        self._record_metrics(runner, metrics, "test")

    @staticmethod
    def _record_metrics(runner: Any, metrics: Optional[dict], mode: str) -> None:
        if metrics is None:
            return
        hub = runner.message_hub
        for key, value in metrics.items():
            if _is_scalar(value):
                hub.update_scalar(f"{mode}/{key}", value)
            else:
                hub.update_info(f"{mode}/{key}", value)
