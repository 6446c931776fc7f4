"""Tests of Evaluator and get_metric_value."""

from __future__ import annotations

import pytest
import torch

from mmengine.evaluator import BaseMetric, Evaluator, get_metric_value
from mmengine.registry import EVALUATOR, METRICS
from mmengine.structures import BaseDataElement


@METRICS.register_module(name="EvalTestAccuracy", force=True)
class ToyAccuracy(BaseMetric):
    default_prefix = "toy"

    def __init__(self, topk=1, **kwargs):
        super().__init__(**kwargs)
        self.topk = topk
        self.batches = []

    def process(self, data_batch, data_samples):
        self.batches.append(data_batch)
        for sample in data_samples:
            assert isinstance(sample, dict)  # data elements arrive as dicts
            self.results.append(dict(correct=int(sample["pred"] == sample["gt"])))

    def compute_metrics(self, results):
        classes = (self.dataset_meta or {}).get("classes")
        acc = sum(r["correct"] for r in results) / len(results)
        return dict(accuracy=acc, num_classes=len(classes) if classes else 0)


def samples(pairs):
    return [BaseDataElement(pred=p, gt=g) for p, g in pairs]


def test_several_batches_prefix_and_dataset_meta():
    evaluator = Evaluator([dict(type="EvalTestAccuracy"), ToyAccuracy(prefix="other")])
    evaluator.dataset_meta = dict(classes=("a", "b", "c"))
    assert all(m.dataset_meta == dict(classes=("a", "b", "c")) for m in evaluator.metrics)
    assert evaluator.dataset_meta == dict(classes=("a", "b", "c"))
    evaluator.process(samples([(1, 1), (0, 1)]), data_batch=dict(inputs=[1, 2]))
    evaluator.process(samples([(2, 2), (3, 3)]))
    result = evaluator.evaluate(4)
    assert result == {
        "toy/accuracy": 0.75,
        "toy/num_classes": 3,
        "other/accuracy": 0.75,
        "other/num_classes": 3,
    }
    assert evaluator.metrics[0].batches == [dict(inputs=[1, 2]), None]


def test_single_metric_and_config():
    assert len(Evaluator(ToyAccuracy()).metrics) == 1
    ev = Evaluator(dict(type="EvalTestAccuracy", prefix="p"))
    assert isinstance(ev.metrics[0], ToyAccuracy) and ev.metrics[0].prefix == "p"
    built = EVALUATOR.build(dict(type="Evaluator", metrics=dict(type="EvalTestAccuracy")))
    assert isinstance(built, Evaluator)
    with pytest.raises(TypeError, match="BaseMetric"):
        Evaluator([1])


def test_duplicate_metric_names():
    evaluator = Evaluator([ToyAccuracy(), ToyAccuracy()])
    evaluator.process(samples([(1, 1)]))
    with pytest.raises(ValueError, match="toy/accuracy"):
        evaluator.evaluate(1)


def test_plain_dict_samples_pass_through():
    evaluator = Evaluator(ToyAccuracy())
    evaluator.process([dict(pred=torch.tensor(1), gt=torch.tensor(1))])
    assert evaluator.evaluate(1)["toy/accuracy"] == 1


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 10])
def test_offline_evaluate(chunk_size):
    evaluator = Evaluator(ToyAccuracy())
    data_samples = [dict(pred=i % 2, gt=1) for i in range(5)]
    data = [dict(inputs=torch.tensor([i]), meta=dict(id=i)) for i in range(5)]
    assert evaluator.offline_evaluate(data_samples, data, chunk_size=chunk_size) == {
        "toy/accuracy": 2 / 5,
        "toy/num_classes": 0,
    }
    batches = evaluator.metrics[0].batches
    assert len(batches) == -(-5 // chunk_size)
    assert [m for b in batches for m in b["meta"]["id"]] == list(range(5))
    no_data = Evaluator(ToyAccuracy())
    assert no_data.offline_evaluate(data_samples, chunk_size=chunk_size)["toy/accuracy"] == 0.4
    assert no_data.metrics[0].batches == [None] * len(batches)


def test_offline_evaluate_length_mismatch():
    with pytest.raises(ValueError, match="same length"):
        Evaluator(ToyAccuracy()).offline_evaluate([dict(pred=1, gt=1)], [1, 2])
    with pytest.raises(AssertionError):  # upstream asserts; both types are caught
        Evaluator(ToyAccuracy()).offline_evaluate([dict(pred=1, gt=1)], [1, 2])


def test_get_metric_value():
    metrics = {"coco/AP": 0.5, "coco/AR": 0.6, "voc/AP": 0.7, "loss": 1.0}
    assert get_metric_value("coco/AP", metrics) == 0.5
    assert get_metric_value("AR", metrics) == 0.6
    assert get_metric_value("loss", metrics) == 1.0
    with pytest.raises(ValueError, match="matches multiple metrics"):
        get_metric_value("AP", metrics)
    # 0.10.7's messages (recorded): a bare name is not quoted, a prefixed one is.
    with pytest.raises(ValueError, match=r"^The indicator mIoU can not match any metric in \["):
        get_metric_value("mIoU", metrics)
    with pytest.raises(ValueError, match=r'^The indicator "voc/AR" can not match any metric in'):
        get_metric_value("voc/AR", metrics)  # a full name matches exactly or not at all
