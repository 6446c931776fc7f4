"""The validation and test loops: iterate a dataloader without gradients, feed an evaluator,
average the losses a model reports."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import torch
from torch.utils.data import DataLoader

from mmengine.evaluator import Evaluator
from mmengine.logging import HistoryBuffer
from mmengine.registry import LOOPS
from mmengine.structures import BaseDataElement
from mmengine.utils import is_list_of

from .amp import autocast
from .base_loop import BaseLoop, dataset_metainfo


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
        metainfo = dataset_metainfo(self.dataloader, "evaluator, metric and visualizer")
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


def build_eval_loop(runner: Any, loop: Any, stage: str, dataloader: Any, evaluator: Any) -> Any:
    """The ``stage`` ('val' or 'test') loop: ``type`` from ``LOOPS``, else ValLoop/TestLoop."""
    if isinstance(loop, BaseLoop):
        return loop
    if not isinstance(loop, dict):
        raise TypeError(f"{stage}_loop should be a Loop object or dict, but got {loop}")
    cfg = copy.deepcopy(dict(loop))
    args = dict(runner=runner, dataloader=dataloader, evaluator=evaluator)
    if "type" in cfg:
        return LOOPS.build(cfg, default_args=args)
    return (ValLoop if stage == "val" else TestLoop)(**cfg, **args)
