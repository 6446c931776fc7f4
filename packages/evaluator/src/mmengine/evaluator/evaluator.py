"""Evaluator: run several metrics over the same predictions."""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterable, Iterator, Sequence, Sized
from typing import Any

from mmengine.config.parsing import add_note
from mmengine.dataset import pseudo_collate
from mmengine.registry import EVALUATOR, METRICS
from mmengine.structures import BaseDataElement

from .metric import BaseMetric, _empty_results_reason, _meta_hint

__all__ = ["Evaluator"]


@EVALUATOR.register_module()
class Evaluator:
    """Wrapper class to compose multiple :class:`BaseMetric` instances.

    Args:
        metrics (dict or BaseMetric or Sequence): The metrics, or configs
            built with the ``METRICS`` registry.
    """

    def __init__(self, metrics: dict | BaseMetric | Sequence) -> None:
        self._dataset_meta: dict | None = None
        if not isinstance(metrics, Sequence) or isinstance(metrics, str):
            metrics = [metrics]
        self.metrics: list[BaseMetric] = []
        for i, metric in enumerate(metrics):
            if isinstance(metric, dict):
                self.metrics.append(METRICS.build(metric))
            elif isinstance(metric, BaseMetric):
                if not hasattr(metric, "results"):
                    raise AttributeError(
                        f"'{type(metric).__name__}' object has no attribute 'results'. "
                        f"metric {i} of Evaluator, {type(metric).__name__}, has no "
                        "`self.results`: its __init__ must call super().__init__(...) "
                        "(BaseMetric.__init__ sets results, prefix and collect_device)."
                    )
                self.metrics.append(metric)
            elif not isinstance(metric, type) and _looks_like_metric(metric):
                self.metrics.append(metric)
            else:
                raise TypeError(
                    f"metric {i} of Evaluator should be a config dict or a BaseMetric, but got "
                    f"{_describe(metric)}"
                )
        self._num_samples = 0
        self._num_batches = 0

    @property
    def dataset_meta(self) -> dict | None:
        """Optional[dict]: Meta info of the dataset, shared by every metric."""
        return self._dataset_meta

    @dataset_meta.setter
    def dataset_meta(self, dataset_meta: dict | None) -> None:
        """Set the dataset meta info on the evaluator and its metrics."""
        self._dataset_meta = dataset_meta
        for metric in self.metrics:
            metric.dataset_meta = dataset_meta

    def process(
        self, data_samples: Sequence[BaseDataElement | Any], data_batch: Any = None
    ) -> None:
        """Convert data samples to dicts and pass them to every metric.

        Args:
            data_samples (Sequence[BaseDataElement]): Predictions of the
                model and the ground truth of the validation set.
            data_batch (Any, optional): A batch of data from the dataloader.
        """
        converted = [
            sample.to_dict() if isinstance(sample, BaseDataElement) else sample
            for sample in data_samples
        ]
        for metric in self.metrics:
            try:
                metric.process(data_batch, converted)
            except Exception as exc:
                add_note(
                    exc,
                    f"raised by {type(metric).__name__}.process on batch "
                    f"#{self._num_batches + 1} ({len(converted)} data samples) given to "
                    f"Evaluator.process{_meta_hint(metric, exc)}",
                )
                raise
        self._num_samples += len(converted)
        self._num_batches += 1

    def evaluate(self, size: int) -> dict:
        """Evaluate every metric and merge their results.

        Args:
            size (int): Length of the entire validation dataset; padding
                added by the sampler beyond it is dropped.

        Returns:
            dict: Results of all metrics, keyed by metric name.

        Raises:
            ValueError: If two metrics produce the same name.
        """
        metrics: dict = {}
        owners: dict = {}
        for i, metric in enumerate(self.metrics):
            name = type(metric).__name__
            if not getattr(metric, "results", True):
                _empty_results_reason[id(metric)] = self._empty_results_reason(name, size)
            try:
                results = metric.evaluate(size)
            finally:
                _empty_results_reason.pop(id(metric), None)
            owner = f"metric {i} ({name}, prefix {getattr(metric, 'prefix', None)!r})"
            for key in results:
                if key in metrics:
                    raise ValueError(
                        "There are multiple evaluation results with the same metric name "
                        f"{key}. Please make sure all metrics have different prefixes. "
                        f"{key!r} is computed by {owners[key]} and by {owner}: give one of "
                        "them another `prefix=...`."
                    )
                owners[key] = owner
            metrics.update(results)
        self._num_samples = 0
        self._num_batches = 0
        return metrics

    def _empty_results_reason(self, metric: str, size: Any) -> str:
        """Why a metric has no results (BaseMetric.evaluate says it in its warning)."""
        if self._num_batches == 0:
            why = (
                f"Evaluator.evaluate(size={size}) was called with no Evaluator.process() call "
                "since the start or the last evaluate(): no batch was processed"
            )
        else:
            why = (
                f"Evaluator.process() passed {self._num_samples} data samples in "
                f"{self._num_batches} batch(es) to {metric}.process(), which appended nothing "
                "to `self.results`"
            )
        return f"{why}; {metric}.compute_metrics will get an empty list"

    def offline_evaluate(
        self, data_samples: Sequence, data: Sequence | None = None, chunk_size: int = 1
    ) -> dict:
        """Evaluate dumped predictions, optionally with the data they came from.

        Args:
            data_samples (Sequence): All predictions and ground truth of the
                model and the validation set.
            data (Sequence, optional): All data of the validation set.
            chunk_size (int): The number of data samples and predictions to
                be processed in a batch.

        Returns:
            dict: Evaluation results of all metrics.
        """
        try:
            chunk_size = operator.index(chunk_size)
        except TypeError:
            raise TypeError(
                f"'{type(chunk_size).__name__}' object cannot be interpreted as an integer. "
                f"chunk_size of offline_evaluate is the number of samples per batch, an int "
                f">= 1, but got {chunk_size!r}"
            ) from None
        if chunk_size < 1:
            raise ValueError(f"chunk_size of offline_evaluate must be >= 1, got {chunk_size}")
        if not isinstance(data_samples, Iterable):
            raise TypeError(
                f"'{type(data_samples).__name__}' object is not iterable. offline_evaluate "
                "expects data_samples to be a sequence with one entry per sample (e.g. the list "
                f"loaded from the DumpResults pickle), but got {_describe(data_samples)}"
            )
        if data is not None:
            for arg, value in (("data_samples", data_samples), ("data", data)):
                if not isinstance(value, Sized):
                    raise TypeError(
                        f"object of type '{type(value).__name__}' has no len(). When data is "
                        f"given, offline_evaluate pairs data[i] with data_samples[i] and needs "
                        f"the length of both, but {arg} is a {type(value).__name__}; pass a "
                        "list (list(...) of an iterator)."
                    )
        if data is not None and len(data_samples) != len(data):
            raise _LengthMismatchError(
                "data_samples and data should have the same length, but got "
                f"data_samples length: {len(data_samples)} data length: {len(data)}. "
                "data[i] must be the input of prediction data_samples[i]: pass the whole "
                "dataset the predictions were made on, in the same order, or data=None."
            )
        size = 0
        data_chunks = _chunks(data, chunk_size) if data is not None else None
        for sample_chunk in _chunks(data_samples, chunk_size):
            data_chunk = pseudo_collate(next(data_chunks)) if data_chunks is not None else None
            size += len(sample_chunk)
            self.process(sample_chunk, data_chunk)
        return self.evaluate(size)


class _LengthMismatchError(ValueError, AssertionError):
    """``data_samples`` and ``data`` differ in length (an AssertionError upstream)."""


def _describe(obj: Any) -> str:
    """Say what a bad metric is and how it would be written."""
    if isinstance(obj, type):
        return (
            f"the class {obj.__name__} itself; pass an instance, {obj.__name__}(...), or a "
            f"config, dict(type={obj.__name__!r}, ...)"
        )
    if isinstance(obj, str):
        return f"the str {obj!r}; write a config dict, dict(type={obj!r})"
    if isinstance(obj, (list, tuple)):
        return (
            f"a {type(obj).__name__} (a nested list?); metrics is a flat list of config dicts "
            "and BaseMetric instances"
        )
    text = repr(obj)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{type(obj).__name__} {text}"


def _looks_like_metric(obj: Any) -> bool:
    """Duck-typed metric: anything with process/evaluate (as upstream allows)."""
    return callable(getattr(obj, "process", None)) and callable(getattr(obj, "evaluate", None))


def _chunks(seq: Sequence, size: int) -> Iterator[list]:
    """Yield successive lists of ``size`` items of ``seq``."""
    it = iter(seq)
    while chunk := list(itertools.islice(it, size)):
        yield chunk
