"""BaseMetric, the base of every metric, and DumpResults."""

from __future__ import annotations

import logging
from abc import ABCMeta, abstractmethod
from collections.abc import Sequence
from typing import Any

from torch import Tensor

from mmengine.dist import broadcast_object_list, collect_results, is_main_process
from mmengine.fileio import dump
from mmengine.logging import print_log
from mmengine.registry import METRICS
from mmengine.structures import BaseDataElement

__all__ = ["BaseMetric", "DumpResults"]


class BaseMetric(metaclass=ABCMeta):
    """Base class for a metric.

    The metric processes each batch of data samples and predictions in
    :meth:`process`, appending what it needs to ``self.results``. After the
    last batch, :meth:`evaluate` gathers the results of all ranks (when
    distributed), computes the metrics on rank 0 with
    :meth:`compute_metrics`, broadcasts them to every rank and clears
    ``self.results``.

    A subclass should give the class attribute ``default_prefix`` a
    meaningful value, see ``prefix``.

    Args:
        collect_device (str): Device used to collect results from the ranks
            during distributed evaluation, 'cpu' or 'gpu'. Defaults to 'cpu'.
        prefix (str, optional): Prefix added to the metric names
            (``'prefix/name'``) to tell apart homonymous metrics of
            different evaluators. Defaults to ``self.default_prefix``.
        collect_dir (str, optional): Directory, shared by all ranks, used to
            collect the results when ``collect_device='cpu'``. A temporary
            directory is created when None. Defaults to None.
    """

    default_prefix: str | None = None

    def __init__(
        self,
        collect_device: str = "cpu",
        prefix: str | None = None,
        collect_dir: str | None = None,
    ) -> None:
        if collect_device not in ("cpu", "gpu"):
            raise ValueError(
                f"collect_device of {type(self).__name__} must be 'cpu' or 'gpu', but got "
                f"{collect_device!r}"
            )
        if collect_dir is not None and collect_device != "cpu":
            raise ValueError(
                f"`collect_dir` of {type(self).__name__} can only be set when "
                f"`collect_device='cpu'`, but collect_device={collect_device!r}"
            )
        self._dataset_meta: dict | None = None
        self.collect_device = collect_device
        self.results: list = []
        self.prefix = prefix or self.default_prefix
        self.collect_dir = collect_dir
        if self.prefix is None:
            print_log(
                f"The prefix is not set in metric class {type(self).__name__}. Set the class "
                "attribute `default_prefix` or pass `prefix=...` to tell its metrics apart.",
                logger="current",
                level=logging.WARNING,
            )

    @property
    def dataset_meta(self) -> dict | None:
        """Optional[dict]: Meta info of the dataset."""
        return self._dataset_meta

    @dataset_meta.setter
    def dataset_meta(self, dataset_meta: dict | None) -> None:
        """Set the dataset meta info to the metric."""
        self._dataset_meta = dataset_meta

    @abstractmethod
    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        """Process one batch of data samples and predictions.

        Store what :meth:`compute_metrics` needs in ``self.results``.

        Args:
            data_batch (Any): A batch of data from the dataloader.
            data_samples (Sequence[dict]): A batch of outputs from the model.
        """

    @abstractmethod
    def compute_metrics(self, results: list) -> dict:
        """Compute the metrics from processed results.

        Args:
            results (list): The processed results of each batch.

        Returns:
            dict: The computed metrics, keyed by metric name.
        """

    def evaluate(self, size: int) -> dict:
        """Evaluate the whole dataset after processing all batches.

        Args:
            size (int): Length of the entire validation dataset. Results
                beyond it (padding added by the sampler to give every rank
                the same number of samples) are dropped.

        Returns:
            dict: Evaluation metrics of the whole dataset, on every rank.
        """
        if len(self.results) == 0:
            print_log(
                f"{type(self).__name__} got empty `self.results`. Please ensure that the "
                "processed results are properly added into `self.results` in `process` "
                "method.",
                logger="current",
                level=logging.WARNING,
            )

        if self.collect_device == "cpu":
            results = collect_results(
                self.results, size, self.collect_device, tmpdir=self.collect_dir
            )
        else:
            results = collect_results(self.results, size, self.collect_device)

        if is_main_process():
            results = _to_cpu(results)
            computed = self.compute_metrics(results)
            if not isinstance(computed, dict):
                raise TypeError(
                    f"{type(self).__name__}.compute_metrics should return a dict of metrics, "
                    f"but returned {type(computed).__name__}"
                )
            if self.prefix:
                computed = {f"{self.prefix}/{name}": value for name, value in computed.items()}
            metrics = [computed]
        else:
            metrics = [None]

        broadcast_object_list(metrics)
        self.results.clear()
        return metrics[0]


def _to_cpu(data: Any) -> Any:
    """Move every tensor and data element in ``data`` to the CPU."""
    if isinstance(data, (Tensor, BaseDataElement)):
        return data.to("cpu")
    if isinstance(data, list):
        return [_to_cpu(d) for d in data]
    if isinstance(data, tuple):
        return tuple(_to_cpu(d) for d in data)
    if isinstance(data, dict):
        return {k: _to_cpu(v) for k, v in data.items()}
    return data


@METRICS.register_module()
class DumpResults(BaseMetric):
    """Dump model predictions to a pickle file for offline evaluation.

    Args:
        out_file_path (str): Path of the dumped file. Must end with '.pkl'
            or '.pickle'.
        collect_device (str): Device used to collect results from the ranks,
            'cpu' or 'gpu'. Defaults to 'cpu'.
        collect_dir (str, optional): Directory used to collect the results
            when ``collect_device='cpu'``. Defaults to None.
    """

    def __init__(
        self, out_file_path: str, collect_device: str = "cpu", collect_dir: str | None = None
    ) -> None:
        super().__init__(collect_device=collect_device, collect_dir=collect_dir)
        if not str(out_file_path).endswith((".pkl", ".pickle")):
            raise ValueError(
                "The output file must be a pkl file. DumpResults needs an out_file_path "
                f"ending with '.pkl' or '.pickle', but got {out_file_path!r}"
            )
        self.out_file_path = out_file_path

    def process(self, data_batch: Any, predictions: Sequence[dict]) -> None:
        """Move the tensors of the predictions to the CPU and keep them."""
        self.results.extend(_to_cpu(list(predictions)))

    def compute_metrics(self, results: list) -> dict:
        """Dump the prediction results to the pickle file.

        Returns:
            dict: An empty dict (dumping computes no metric).
        """
        dump(results, self.out_file_path)
        print_log(f"Results has been saved to {self.out_file_path}.", logger="current")
        return {}
