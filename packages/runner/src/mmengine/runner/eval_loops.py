"""The validation and test loops: iterate a dataloader without gradients, feed an evaluator,
average the losses a model reports.

Several datasets: ``val_dataloader``/``test_dataloader`` may be a list or a named dict of
dataloaders (or their configs). Each dataset is evaluated by its own evaluator (see
:func:`eval_parts` for how evaluators are matched to dataloaders) and its metrics are prefixed
with its name: the dict key, or for a list the name :func:`dataset_names` gives. Hooks see one
validation: ``before_val``, ``before_val_epoch``, the iterations of every dataset in turn with
``batch_idx`` counted across them (so progress lines read ``[12/15]`` over all 15 batches),
then one ``after_val_epoch`` with the merged, prefixed metrics, and ``after_val``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from typing import Any

import torch
from torch.utils.data import DataLoader

from mmengine.evaluator import BaseMetric, Evaluator
from mmengine.logging import HistoryBuffer
from mmengine.registry import LOOPS
from mmengine.structures import BaseDataElement
from mmengine.utils import is_list_of

from .amp import autocast
from .base_loop import BaseLoop, dataset_metainfo, loop_dataloader
from .dataloader import _SlicedDataset, check_epoch_ends


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


# ---------------------------------------------------------------------- several datasets
def is_multi_dataloader(dataloader: Any) -> bool:
    """Whether ``dataloader`` stands for several dataloaders.

    That is a list or tuple, or a dict with no ``dataset`` key whose values are all
    dataloaders or dataloader configs (dicts with a ``dataset`` key), such as
    ``dict(coco=dict(dataset=...), voc=dict(dataset=...))``. A single dataloader config always
    has a ``dataset`` key, so no dataset can be named ``'dataset'``.
    """
    if isinstance(dataloader, (list, tuple)):
        return True
    if not isinstance(dataloader, dict) or not dataloader or "dataset" in dataloader:
        return False
    return all(
        isinstance(v, DataLoader) or (isinstance(v, dict) and "dataset" in v)
        for v in dataloader.values()
    )


def _is_single_evaluator(evaluator: Any) -> bool:
    """A built Evaluator or metric, or a config of one evaluator or metric (it has ``type``
    or ``metrics``)."""
    return isinstance(evaluator, (Evaluator, BaseMetric)) or (
        isinstance(evaluator, dict) and ("type" in evaluator or "metrics" in evaluator)
    )


def eval_parts(stage: str, dataloader: Any, evaluator: Any) -> list[tuple[str | None, Any, Any]]:
    """Pair each of several dataloaders with its evaluator, as the user gave them.

    ``evaluator`` may be:

    - a list or tuple with one entry per dataloader, in the same order (each entry anything a
      single dataset accepts: an Evaluator, a metric config, a list of metric configs);
    - for a named dict of dataloaders, a dict with exactly the same keys;
    - one Evaluator or one evaluator/metric config (a dict with ``type`` or ``metrics``):
      configs are built once per dataset; a built Evaluator is shared (it evaluates the
      datasets one after another, its ``dataset_meta`` set to each in turn).

    To give several metrics to every dataset, use
    ``dict(type='Evaluator', metrics=[...])``: a plain list means one entry per dataloader.

    Args:
        stage (str): ``'val'`` or ``'test'`` (for the messages).
        dataloader (list or dict): the dataloaders or their configs.
        evaluator: the evaluator(s), as above.

    Returns:
        list[tuple]: ``(name, dataloader, evaluator)``; the name is None for the entries of a
        list (their datasets name them once built, see :func:`dataset_names`).

    Raises:
        ValueError: no dataloader, or evaluators that do not match the dataloaders.
        TypeError: a dataloader name that is not a str, or an evaluator of another type.
    """
    if isinstance(dataloader, dict):
        names: list[str | None] = list(dataloader)
        loaders = list(dataloader.values())
        for name in names:
            if not isinstance(name, str) or not name:
                raise TypeError(
                    f"{stage}_dataloader: each dataset name (dict key) must be a non-empty str, "
                    f"but got {name!r}"
                )
    else:
        names, loaders = [None] * len(dataloader), list(dataloader)
    if not loaders:
        raise ValueError(
            f"{stage}_dataloader is an empty {type(dataloader).__name__}: give at least one "
            f"dataloader, or leave {stage}_dataloader, {stage}_cfg and {stage}_evaluator None"
        )
    return list(zip(names, loaders, _evaluators_for(stage, dataloader, names, evaluator)))


def _evaluators_for(stage: str, dataloader: Any, names: list, evaluator: Any) -> list:
    count = len(names)
    described = (
        f"{stage}_dataloader has {count} dataloaders named {names}"
        if isinstance(dataloader, dict)
        else f"{stage}_dataloader is a list of {count} dataloaders"
    )  # fmt: skip
    how = (
        "give one evaluator per dataloader, or one evaluator config (a dict with 'type', or "
        "dict(type='Evaluator', metrics=[...]) for several metrics) built for each"
    )
    if isinstance(evaluator, (list, tuple)):
        if len(evaluator) != count:
            raise ValueError(
                f"{stage}_evaluator is a list of {len(evaluator)} evaluators but {described}: "
                "with several dataloaders a list holds one evaluator per dataloader, in order; "
                f"{how}"
            )
        return list(evaluator)
    if (
        isinstance(evaluator, dict)
        and isinstance(dataloader, dict)
        and set(evaluator) == set(names)
    ):
        return [evaluator[name] for name in names]
    if _is_single_evaluator(evaluator):
        if isinstance(evaluator, (Evaluator, BaseMetric)):  # built: shared, in turn
            return [evaluator] * count
        return [copy.deepcopy(evaluator) for _ in names]
    if isinstance(evaluator, dict):
        keys = list(evaluator)
        missing = [n for n in names if n not in evaluator]
        unknown = [k for k in keys if k not in names]
        raise ValueError(
            f"{stage}_evaluator keys {keys} do not match: {described} (missing: {missing}, "
            f"unknown: {unknown}); {how}"
        )
    raise TypeError(
        f"{stage}_evaluator should be an Evaluator, a dict or a list, but got "
        f"{type(evaluator).__name__}: {evaluator!r}"
    )


def dataset_names(datasets: Sequence[Any]) -> list[str]:
    """The names of the datasets of a list of dataloaders (their metric prefixes).

    Each is the dataset's ``metainfo['dataset_name']`` when that is a non-empty str, else the
    dataset's class name. Names that would repeat get their position in the list as a suffix:
    two ``ToyDataset`` give ``ToyDataset_0`` and ``ToyDataset_1``.
    """
    bases = []
    for dataset in datasets:
        if isinstance(dataset, _SlicedDataset):  # num_batch_per_epoch keeps the dataset's name
            dataset = dataset.sliced_from
        meta = getattr(dataset, "metainfo", None)
        name = meta.get("dataset_name") if isinstance(meta, dict) else None
        bases.append(name if isinstance(name, str) and name else type(dataset).__name__)
    names = [f"{b}_{i}" if bases.count(b) > 1 else b for i, b in enumerate(bases)]
    taken = set()
    for i, name in enumerate(names):  # a suffixed name may equal another's given name
        while name in taken:
            name = f"{name}_{i}"
        names[i] = name
        taken.add(name)
    return names


class DataLoaderGroup:
    """Several named dataloaders evaluated one after another, read as one dataloader.

    This is ``runner.val_dataloader`` (``loop.dataloader``) when validating several datasets.
    What hooks and the log processor read of a dataloader keeps its meaning: ``len()`` is the
    number of batches of all the datasets together, iterating yields every batch in turn, and
    any other attribute (``dataset``, ``batch_size``, ``sampler``...) is the current
    dataloader's: the one being evaluated during the iterations, the first otherwise. The
    dataloaders themselves: ``group['coco']`` (or ``group[0]``), ``names``, ``items()``.

    Args:
        loaders (dict[str, DataLoader]): the dataloaders by dataset name, in evaluation order.
    """

    def __init__(self, loaders: dict[str, DataLoader]) -> None:
        if not loaders:
            raise ValueError("DataLoaderGroup needs at least one dataloader")
        self.loaders = dict(loaders)
        self.current: str = next(iter(self.loaders))

    @property
    def names(self) -> list[str]:
        """list[str]: the dataset names, in evaluation order."""
        return list(self.loaders)

    def items(self) -> Any:
        """The ``(name, dataloader)`` pairs, in evaluation order."""
        return self.loaders.items()

    def __getitem__(self, key: str | int) -> DataLoader:
        if isinstance(key, int):
            return list(self.loaders.values())[key]
        if key not in self.loaders:
            raise KeyError(f"no dataloader named {key!r}; the names are {self.names}")
        return self.loaders[key]

    def __contains__(self, name: object) -> bool:
        return name in self.loaders

    def __len__(self) -> int:
        return sum(len(loader) for loader in self.loaders.values())

    def __iter__(self) -> Iterator:
        for loader in self.loaders.values():
            yield from loader

    def __getattr__(self, name: str) -> Any:
        if name in ("loaders", "current") or name.startswith("__"):
            raise AttributeError(name)  # not set yet (copying, unpickling)
        return getattr(self.loaders[self.current], name)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{n}: {len(d)} batches" for n, d in self.loaders.items())
        return f"{type(self).__name__}({sizes})"


def build_eval_parts(
    runner: Any, stage: str, dataloader: Any, evaluator: Any
) -> tuple[DataLoaderGroup, dict[str, Evaluator]]:
    """Build the dataloaders of several datasets and their evaluators.

    Returns:
        tuple: the :class:`DataLoaderGroup` and a dict of evaluators by dataset name.
    """
    parts = eval_parts(stage, dataloader, evaluator)
    loaders = [loop_dataloader(runner, loader) for _, loader, _ in parts]
    names = [name for name, _, _ in parts]
    if names[0] is None:
        names = dataset_names([loader.dataset for loader in loaders])
    evaluators: dict[str, Evaluator] = {}
    for name, loader, (_, _, spec) in zip(names, loaders, parts):
        built = spec if isinstance(spec, Evaluator) else runner.build_evaluator(spec)
        metainfo = dataset_metainfo(loader, "evaluator, metric and visualizer")
        if metainfo is not None:
            built.dataset_meta = metainfo
        evaluators[name] = built
    group = DataLoaderGroup(dict(zip(names, loaders)))
    first_meta = getattr(group.dataset, "metainfo", None)
    if first_meta is not None:
        runner.visualizer.dataset_meta = first_meta
    return group, evaluators


# ---------------------------------------------------------------------- loops
class EvaluatorTypeError(TypeError, AssertionError):
    """An evaluator of an unknown type (0.10 raised an AssertionError)."""


def _single_evaluator(runner: Any, stage: str, evaluator: Any) -> Evaluator:
    """The loop's evaluator: built from a config, a list or a metric; an Evaluator as it is."""
    if isinstance(evaluator, Evaluator):
        return evaluator
    if isinstance(evaluator, (dict, list, BaseMetric)):
        return runner.build_evaluator(evaluator)
    raise EvaluatorTypeError(
        "evaluator must be one of dict, list or Evaluator instance, but got "
        f"{type(evaluator)}. Set {stage}_evaluator to a metric config such as "
        "dict(type='Accuracy'), a list of them, or an Evaluator."
    )


class _EvalLoopBase(BaseLoop):
    """What validation and test share: evaluator set-up, no_grad iteration, loss averaging.

    With several datasets (see :func:`is_multi_dataloader`) ``dataloader`` is a
    :class:`DataLoaderGroup` and ``evaluator`` a dict of evaluators by dataset name.
    """

    _stage = "val"

    def __init__(
        self,
        runner: Any,
        dataloader: DataLoader | dict | list,
        evaluator: Evaluator | dict | list,
        fp16: bool = False,
    ) -> None:
        if is_multi_dataloader(dataloader):
            group, evaluators = build_eval_parts(runner, self._stage, dataloader, evaluator)
            super().__init__(runner, group)
            self.evaluator: Evaluator | dict[str, Evaluator] = evaluators
        else:
            super().__init__(runner, dataloader)
            self.evaluator = _single_evaluator(runner, self._stage, evaluator)
            metainfo = dataset_metainfo(self.dataloader, "evaluator, metric and visualizer")
            if metainfo is not None:
                self.evaluator.dataset_meta = metainfo
                self.runner.visualizer.dataset_meta = metainfo
        self.fp16 = fp16
        self.losses = {}

    @property
    def losses(self) -> dict[str, HistoryBuffer]:
        """dict: the losses of the current run (upstream's ``val_loss``/``test_loss``); with
        several datasets, those of the current (or last evaluated) one."""
        return self.__dict__[f"{self._stage}_loss"]

    @losses.setter
    def losses(self, value: dict[str, HistoryBuffer]) -> None:
        self.__dict__[f"{self._stage}_loss"] = value

    @property
    def dataset_name(self) -> str | None:
        """str or None: the dataset being evaluated when there are several, else None."""
        group = self.dataloader
        return group.current if isinstance(group, DataLoaderGroup) else None

    def run(self) -> dict:
        """Run the model over the whole dataloader (every dataset) and return the metrics."""
        runner = self.runner
        stage = self._stage
        group = self.dataloader
        for _, loader in group.items() if isinstance(group, DataLoaderGroup) else [(0, group)]:
            check_epoch_ends(loader, stage, type(self).__name__)
        runner.call_hook(f"before_{stage}")
        runner.call_hook(f"before_{stage}_epoch")
        runner.model.eval()
        if isinstance(self.dataloader, DataLoaderGroup):
            metrics = self._run_datasets(self.dataloader)
        else:
            metrics = self._run_dataset(self.dataloader, self.evaluator, 0)
        runner.call_hook(f"after_{stage}_epoch", metrics=metrics)
        runner.call_hook(f"after_{stage}")
        return metrics

    def _run_dataset(self, dataloader: Any, evaluator: Evaluator, offset: int) -> dict:
        """Evaluate one dataset; its batches are numbered from ``offset``."""
        self.losses = {}
        for idx, data_batch in enumerate(dataloader):
            self.run_iter(offset + idx, data_batch)
        metrics = evaluator.evaluate(len(dataloader.dataset))
        if self.losses:
            metrics.update(_parse_losses(self.losses, self._stage))
        return metrics

    def _run_datasets(self, group: DataLoaderGroup) -> dict:
        """Evaluate each dataset in turn; its metrics are prefixed with ``<name>/``."""
        metrics: dict = {}
        offset = 0
        try:
            for name, dataloader in group.items():
                group.current = name
                evaluator = self.evaluator[name]  # type: ignore[index]
                metainfo = getattr(dataloader.dataset, "metainfo", None)
                if metainfo is not None:  # a shared evaluator, the visualizer: this dataset's
                    evaluator.dataset_meta = metainfo
                    self.runner.visualizer.dataset_meta = metainfo
                results = self._run_dataset(dataloader, evaluator, offset)
                metrics.update((f"{name}/{key}", value) for key, value in results.items())
                offset += len(dataloader)
        finally:
            group.current = group.names[0]
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
        evaluator = self.evaluator
        if isinstance(evaluator, dict):
            evaluator = evaluator[self.dataloader.current]
        evaluator.process(data_samples=outputs, data_batch=data_batch)
        runner.call_hook(
            f"after_{stage}_iter", batch_idx=idx, data_batch=data_batch, outputs=outputs
        )


@LOOPS.register_module()
class ValLoop(_EvalLoopBase):
    """Loop for validation.

    Args:
        runner (Runner): the runner.
        dataloader (DataLoader or dict or list): the validation dataloader or its config; or
            several, as a list or a dict by dataset name (see the module's docstring).
        evaluator (Evaluator or dict or list): computes the metrics (with several
            dataloaders: see :func:`eval_parts`).
        fp16 (bool): validate under autocast. Defaults to False.
    """

    _stage = "val"


@LOOPS.register_module()
class TestLoop(_EvalLoopBase):
    """Loop for test.

    Args:
        runner (Runner): the runner.
        dataloader (DataLoader or dict or list): the test dataloader or its config; or
            several, as a list or a dict by dataset name (see the module's docstring).
        evaluator (Evaluator or dict or list): computes the metrics (with several
            dataloaders: see :func:`eval_parts`).
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
