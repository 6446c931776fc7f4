"""BaseMetric, the base of every metric, and DumpResults."""

from __future__ import annotations

import errno
import logging
import operator
import os
import pickle
import tempfile
from abc import ABCMeta, abstractmethod
from collections.abc import Sequence
from typing import Any

from torch import Tensor

from mmengine.config.parsing import add_note
from mmengine.dist import (
    broadcast_object_list,
    collect_results,
    get_dist_info,
    is_main_process,
)
from mmengine.fileio import dump
from mmengine.logging import print_log
from mmengine.registry import METRICS
from mmengine.structures import BaseDataElement
from mmengine.utils._messages import short_repr

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
        name = type(self).__name__
        if collect_device not in _COLLECT_DEVICES:
            hint = (
                " (did you mean 'gpu'?)"
                if str(collect_device).lower().startswith(("cuda", "gpu"))
                else ""
            )
            raise _CollectDeviceError(
                f"device must be 'cpu' , 'gpu' or 'npu', but got {collect_device}. "
                f"collect_device of {name} is how the results of all ranks are gathered: "
                "'cpu' (through files in `collect_dir`), 'gpu' or 'npu' (through "
                f"collectives), but got {collect_device!r}{hint}."
            )
        if collect_dir is not None and collect_device != "cpu":
            raise ValueError(
                "`collec_dir` could only be configured when `collect_device='cpu'`. "
                f"`collect_dir` of {name} is only used with collect_device='cpu' (files on a "
                f"shared file system), but collect_device={collect_device!r} gathers the "
                "results through collectives: drop `collect_dir` or set collect_device='cpu'."
            )
        if collect_dir is not None:
            _check_collect_dir(collect_dir, name)
        if prefix is not None and not isinstance(prefix, str):
            raise TypeError(
                f"prefix of {name} should be a str (metric names become 'prefix/name'), but "
                f"got {type(prefix).__name__} {prefix!r}"
            )
        self._dataset_meta: dict | None = None
        self.collect_device = collect_device
        self.results: list = []
        self.prefix = prefix or self.default_prefix
        self.collect_dir = collect_dir
        if self.prefix is None:
            # 0.10's line only: it fires on zoo metrics the user cannot change (mmpose's
            # PCKAccuracy, NME, ...) on every validation of their configs.
            print_log(
                f"The prefix is not set in metric class {name}.",
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
        name = type(self).__name__
        size = _check_size(size, name)
        if not isinstance(self.results, list):
            raise TypeError(
                f"`self.results` of {name} should be a list with one entry per data sample, "
                f"but it is a {type(self.results).__name__}: `process` must append to it "
                "(self.results.append(...) or .extend(...)), not assign it."
            )
        if len(self.results) == 0:
            # One warning, as in 0.10: its sentence, then why (when the Evaluator knows).
            why = _empty_results_reason.get(id(self))
            print_log(
                f"{name} got empty `self.results`. Please ensure that the "
                "processed results are properly added into `self.results` in `process` "
                "method." + (f" {why}." if why else ""),
                logger="current",
                level=logging.WARNING,
            )
        elif size is not None:
            _warn_if_truncated(len(self.results), size, name)

        if self.collect_device == "cpu":
            results = collect_results(
                self.results, size, self.collect_device, tmpdir=self.collect_dir
            )
        else:
            # 'npu' gathers through collectives like 'gpu'.
            results = collect_results(self.results, size, "gpu")

        if is_main_process():
            try:
                metrics = [self._compute_prefixed(_to_cpu(results), size)]
            except BaseException as exc:
                # Tell the other ranks, waiting in the broadcast, instead of leaving them hung.
                broadcast_object_list([_RankZeroFailure(name, f"{type(exc).__name__}: {exc}")])
                raise
        else:
            metrics = [None]

        broadcast_object_list(metrics)
        if isinstance(metrics[0], _RankZeroFailure):
            raise RuntimeError(
                f"{name}.evaluate failed on rank 0 while computing the metrics: "
                f"{metrics[0].error}. See the log of rank 0 for its traceback."
            )
        self.results.clear()
        return metrics[0]

    def _compute_prefixed(self, results: list, size: int | None) -> dict:
        """Run :meth:`compute_metrics` on ``results``, check and prefix its output."""
        name = type(self).__name__
        try:
            computed = self.compute_metrics(results)
        except Exception as exc:
            add_note(
                exc,
                f"raised by {name}.compute_metrics on {len(results)} collected results "
                f"(evaluate(size={size})){_meta_hint(self, exc)}",
            )
            raise
        if not isinstance(computed, dict):
            raise _ComputeMetricsTypeError(
                f"{name}.compute_metrics should return a dict of metrics ({{name: value}}), "
                f"but returned {type(computed).__name__}: {short_repr(computed, 80)}"
            )
        if self.prefix:
            bad = [key for key in computed if not isinstance(key, str)]
            if bad:
                raise TypeError(
                    f"{name}.compute_metrics returned a metric name that is not a str: "
                    f"{bad[0]!r} ({type(bad[0]).__name__}); names become "
                    f"'{self.prefix}/<name>', return str keys."
                )
            computed = {f"{self.prefix}/{key}": value for key, value in computed.items()}
        return computed


_COLLECT_DEVICES = ("cpu", "gpu", "npu")


class _CollectDeviceError(ValueError, NotImplementedError):
    """A bad ``collect_device`` (upstream raises NotImplementedError when collecting)."""


class _ComputeMetricsTypeError(TypeError, AttributeError):
    """``compute_metrics`` returned no dict (upstream fails with an AttributeError)."""


class _RankZeroFailure:
    """Broadcast by rank 0 when computing the metrics failed."""

    def __init__(self, metric: str, error: str) -> None:
        self.metric = metric
        self.error = error


def _check_size(size: Any, metric: str) -> int | None:
    """Check the ``size`` given to ``evaluate`` (an int >= 0, or None to keep everything)."""
    if size is None:
        return None
    try:
        index = operator.index(size)
    except TypeError:
        raise TypeError(
            "slice indices must be integers or None or have an __index__ method. "
            f"{metric}.evaluate(size) takes the length of the whole dataset as an int, but got "
            f"{type(size).__name__} {short_repr(size, 80)}; pass len(dataset)."
        ) from None
    if index < 0:
        raise ValueError(
            f"{metric}.evaluate(size) takes the length of the whole dataset, but got "
            f"size={index}; a negative size would silently drop results from the end. Pass "
            "len(dataset)."
        )
    return size


# Why a metric has no results, by id(metric), set by Evaluator.evaluate around the
# metric's evaluate() so that BaseMetric.evaluate can say it in its one warning.
_empty_results_reason: dict[int, str] = {}


def _warn_if_truncated(num_results: int, size: int, metric: str) -> None:
    """Warn when ``evaluate(size)`` is going to drop results that are not sampler padding."""
    _, world_size = get_dist_info()
    per_rank = -(-size // world_size)  # the most a rank gets from a padding sampler
    if num_results <= per_rank:
        return
    where = "" if world_size == 1 else f" on this rank (of {world_size}, at most {per_rank} each)"
    print_log(
        f"{metric} has {num_results} entries in `self.results`{where} but evaluate(size={size}) "
        f"keeps only {per_rank}: the results beyond the dataset length are taken to be padding "
        "added by the sampler and dropped. Append one entry of `self.results` per data "
        "sample in `process` (several values of a sample go in one dict or tuple), and pass "
        "evaluate(size=len(dataset)).",
        logger="current",
        level=logging.WARNING,
    )


def _check_collect_dir(collect_dir: Any, metric: str) -> None:
    """Fail early on a ``collect_dir`` that collecting results would fail on."""
    if not isinstance(collect_dir, (str, os.PathLike)):
        raise TypeError(
            f"collect_dir of {metric} should be a str path of a directory shared by all "
            f"ranks, but got {type(collect_dir).__name__} {short_repr(collect_dir, 80)}"
        )
    if os.path.exists(collect_dir) and not os.path.isdir(collect_dir):
        raise FileExistsError(
            errno.EEXIST,
            f"collect_dir of {metric} must be a directory shared by all ranks (it is created "
            "when missing), but it is an existing file; pass another path",
            os.fspath(collect_dir),
        )


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
        if not isinstance(out_file_path, (str, os.PathLike)):
            raise _OutFilePathTypeError(
                "The output file must be a pkl file. DumpResults needs out_file_path, a str "
                "path ending with '.pkl' or '.pickle', but got "
                f"{type(out_file_path).__name__} {short_repr(out_file_path, 80)}"
            )
        if not os.fspath(out_file_path).endswith((".pkl", ".pickle")):
            raise ValueError(
                "The output file must be a pkl file. DumpResults needs an out_file_path "
                f"ending with '.pkl' or '.pickle', but got {out_file_path!r}"
            )
        _check_out_file(os.fspath(out_file_path))
        self.out_file_path = out_file_path

    def process(self, data_batch: Any, predictions: Sequence[dict]) -> None:
        """Move the tensors of the predictions to the CPU and keep them."""
        self.results.extend(_to_cpu(list(predictions)))

    def compute_metrics(self, results: list) -> dict:
        """Dump the prediction results to the pickle file.

        Returns:
            dict: An empty dict (dumping computes no metric).
        """
        try:
            dump(results, self.out_file_path)
        except Exception:
            _rescue_results(results, self.out_file_path)
            raise
        print_log(f"Results has been saved to {self.out_file_path}.", logger="current")
        return {}


class _OutFilePathTypeError(TypeError, AttributeError):
    """``out_file_path`` is no path (upstream fails with an AttributeError)."""


class _ParentIsFileError(FileExistsError, NotADirectoryError):
    """A folder on the way to the output file is an existing file."""


def _check_out_file(path: str) -> None:
    """Fail at construction, not after the whole test loop, on a path that cannot be written."""
    if "://" in path:  # a remote backend: nothing to check locally
        return
    if os.path.isdir(path):
        raise IsADirectoryError(
            errno.EISDIR,
            "out_file_path of DumpResults is an existing directory; give the path of a "
            "'.pkl' file to write (e.g. inside it)",
            path,
        )
    parent = os.path.dirname(os.path.abspath(path))
    while parent and not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if parent and not os.path.isdir(parent):
        raise _ParentIsFileError(
            errno.EEXIST,
            f"out_file_path of DumpResults cannot be written: {parent!r} on its way is an "
            "existing file, not a directory; choose another path",
            path,
        )


def _rescue_results(results: list, out_file_path: Any) -> None:
    """Keep the results when writing them failed, so that the test run is not lost."""
    try:
        fd, rescue = tempfile.mkstemp(prefix="DumpResults_", suffix=".pkl")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(results, f, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # noqa: BLE001 - the original error is re-raised by the caller
        print_log(
            f"DumpResults could not write {out_file_path!r}, nor keep the results in a "
            f"temporary file ({type(exc).__name__}: {exc}).",
            logger="current",
            level=logging.ERROR,
        )
        return
    print_log(
        f"DumpResults could not write {out_file_path!r}; the {len(results)} results were "
        f"saved to {rescue} instead (load them with mmengine.load).",
        logger="current",
        level=logging.ERROR,
    )


def _meta_hint(metric: Any, exc: BaseException) -> str:
    """Point at an unset ``dataset_meta`` when the error may come from reading it (used by
    ``BaseMetric.evaluate`` and ``Evaluator.process``)."""
    if isinstance(exc, (TypeError, KeyError)) and getattr(metric, "dataset_meta", {}) is None:
        return (
            " (its dataset_meta is None: set Evaluator.dataset_meta = dataset.metainfo "
            "before processing, as the Runner does, if the metric reads it)"
        )
    return ""
