"""Evaluator: run several metrics over the same predictions."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import Any

from mmengine.dataset import pseudo_collate
from mmengine.registry import EVALUATOR, METRICS
from mmengine.structures import BaseDataElement

from .metric import BaseMetric

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
            elif isinstance(metric, BaseMetric) or _looks_like_metric(metric):
                self.metrics.append(metric)
            else:
                raise TypeError(
                    f"metric {i} of Evaluator should be a config dict or a BaseMetric, but got "
                    f"{type(metric).__name__}"
                )

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
            metric.process(data_batch, converted)

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
        for metric in self.metrics:
            results = metric.evaluate(size)
            for name in results:
                if name in metrics:
                    raise ValueError(
                        "There are multiple evaluation results with the same metric name "
                        f"{name!r} (from {owners[name]} and {type(metric).__name__}). Please "
                        "make sure all metrics have different prefixes."
                    )
                owners[name] = type(metric).__name__
            metrics.update(results)
        return metrics

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
        if chunk_size < 1:
            raise ValueError(f"chunk_size of offline_evaluate must be >= 1, got {chunk_size}")
        if data is not None and len(data_samples) != len(data):
            raise _LengthMismatchError(
                "data_samples and data should have the same length, but got "
                f"data_samples length: {len(data_samples)} data length: {len(data)}"
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


def _looks_like_metric(obj: Any) -> bool:
    """Duck-typed metric: anything with process/evaluate (as upstream allows)."""
    return callable(getattr(obj, "process", None)) and callable(getattr(obj, "evaluate", None))


def _chunks(seq: Sequence, size: int) -> Iterator[list]:
    """Yield successive lists of ``size`` items of ``seq``."""
    it = iter(seq)
    while chunk := list(itertools.islice(it, size)):
        yield chunk
