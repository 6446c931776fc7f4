"""Tests of BaseMetric and DumpResults (single process)."""

from __future__ import annotations

import logging
import pickle

import pytest
import torch

from mmengine.evaluator import BaseMetric, DumpResults
from mmengine.registry import METRICS


class Accuracy(BaseMetric):
    default_prefix = "acc"

    def process(self, data_batch, data_samples):
        for sample in data_samples:
            self.results.append(int(sample["pred"] == sample["gt"]))

    def compute_metrics(self, results):
        return dict(accuracy=100 * sum(results) / len(results))


class _ListHandler(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append((record.levelname, record.getMessage()))


@pytest.fixture
def current_log():
    """``(levelname, message)`` pairs logged to the current MMLogger (the run's log)."""
    from mmengine.logging import MMLogger

    logger = MMLogger.get_current_instance()
    handler = _ListHandler()
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)


def test_evaluate_prefix_and_clear():
    metric = Accuracy()
    assert metric.prefix == "acc"
    metric.process(None, [dict(pred=1, gt=1), dict(pred=0, gt=1)])
    metric.process(None, [dict(pred=2, gt=2), dict(pred=3, gt=3)])
    assert metric.evaluate(4) == {"acc/accuracy": 75.0}
    assert metric.results == []
    custom = Accuracy(prefix="top1")
    custom.process(None, [dict(pred=1, gt=1)])
    assert custom.evaluate(1) == {"top1/accuracy": 100.0}


def test_evaluate_truncates_to_size():
    metric = Accuracy()
    metric.process(None, [dict(pred=1, gt=1), dict(pred=1, gt=0)])  # 2nd is padding
    assert metric.evaluate(1) == {"acc/accuracy": 100.0}


def test_no_prefix(current_log):
    class Plain(Accuracy):
        default_prefix = None

    metric = Plain()
    assert [level for level, _ in current_log] == ["WARNING"]
    assert current_log[0][1] == "The prefix is not set in metric class Plain."  # 0.10 verbatim
    assert metric.prefix is None
    metric.process(None, [dict(pred=1, gt=1)])
    assert metric.evaluate(1) == {"accuracy": 100.0}


def test_empty_results_warns(current_log):
    class Zero(BaseMetric):
        default_prefix = "zero"

        def process(self, data_batch, data_samples):
            pass

        def compute_metrics(self, results):
            return dict(n=len(results))

    assert Zero().evaluate(0) == {"zero/n": 0}
    assert current_log == [
        (
            "WARNING",
            "Zero got empty `self.results`. Please ensure that the processed results are "
            "properly added into `self.results` in `process` method.",
        )
    ]


def test_tensors_moved_to_cpu():
    seen = []

    class Collect(BaseMetric):
        default_prefix = "collect"

        def process(self, data_batch, data_samples):
            self.results.append(dict(t=torch.ones(2), items=[torch.zeros(1)]))

        def compute_metrics(self, results):
            seen.extend(results)
            return {}

    m = Collect()
    m.process(None, [])
    m.evaluate(1)
    assert seen[0]["t"].device.type == "cpu"


def test_abstract_and_argument_checks():
    with pytest.raises(TypeError):
        BaseMetric()
    with pytest.raises(ValueError, match="collect_dir"):
        Accuracy(collect_device="gpu", collect_dir="/tmp/x")
    with pytest.raises(ValueError, match="collect_device"):
        Accuracy(collect_device="tpu")


def test_dataset_meta_property():
    metric = Accuracy()
    assert metric.dataset_meta is None
    metric.dataset_meta = dict(classes=("a", "b"))
    assert metric.dataset_meta == dict(classes=("a", "b"))


def test_dump_results_round_trip(tmp_path):
    path = tmp_path / "results.pkl"
    metric = DumpResults(out_file_path=str(path))
    preds = [dict(pred=torch.tensor([1, 2]), name="a"), dict(pred=torch.tensor([3]), name="b")]
    metric.process(None, preds)
    assert metric.evaluate(2) == {}
    with open(path, "rb") as f:
        loaded = pickle.load(f)
    assert [d["name"] for d in loaded] == ["a", "b"]
    assert torch.equal(loaded[0]["pred"], torch.tensor([1, 2]))


def test_dump_results_rejects_other_extensions(tmp_path):
    with pytest.raises(ValueError, match="The output file must be a pkl file."):
        DumpResults(out_file_path=str(tmp_path / "results.json"))
    assert METRICS.get("DumpResults") is DumpResults
    built = METRICS.build(dict(type="DumpResults", out_file_path=str(tmp_path / "r.pickle")))
    assert isinstance(built, DumpResults)


def test_gpu_collect_device_undistributed():
    metric = Accuracy(collect_device="gpu")
    metric.process(None, [dict(pred=1, gt=1), dict(pred=0, gt=1), dict(pred=5, gt=5)])
    assert metric.evaluate(2) == {"acc/accuracy": 50.0}
