"""Bad input to Evaluator, BaseMetric and DumpResults: early, clear errors of 0.10's classes."""

from __future__ import annotations

import logging
import os
import pickle
import sys

import pytest

from mmengine.evaluator import BaseMetric, DumpResults, Evaluator
from mmengine.logging import MMLogger


class Count(BaseMetric):
    default_prefix = "count"

    def process(self, data_batch, data_samples):
        self.results.extend(data_samples)

    def compute_metrics(self, results):
        return dict(n=len(results))


class Count2(Count):
    pass


class _ListHandler(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.fixture
def log():
    """Messages logged to the current MMLogger."""
    logger = MMLogger.get_current_instance()
    handler = _ListHandler()
    logger.addHandler(handler)
    # the logger drops repeated warnings; start from a clean slate
    saved = [f for f in logger.filters]
    for f in saved:
        logger.removeFilter(f)
    yield handler.messages
    logger.removeHandler(handler)
    for f in saved:
        logger.addFilter(f)


def run(metric, size=3, n=3):
    evaluator = Evaluator(metric)
    evaluator.process(list(range(n)))
    return evaluator.evaluate(size)


# --------------------------------------------------------------------------- Evaluator(metrics)


@pytest.mark.parametrize(
    "metrics, expected",
    [
        (None, ["metric 0", "NoneType"]),
        ("Count", ["metric 0", "dict(type='Count')"]),
        ([Count(), 3], ["metric 1", "int 3"]),
        (Count, ["class Count itself", "Count(...)", "dict(type='Count'"]),
        ([Count], ["class Count itself"]),
        ([[dict(type="Count")]], ["nested list", "flat list"]),
    ],
)
def test_evaluator_rejects_what_is_no_metric(metrics, expected):
    with pytest.raises(TypeError, match="should be a config dict or a BaseMetric") as info:
        Evaluator(metrics)
    for part in expected:
        assert part in str(info.value)


def test_evaluator_names_a_metric_that_skipped_super_init():
    class NoSuper(Count):
        def __init__(self, thr=0.5):
            self.thr = thr

    with pytest.raises(AttributeError, match="has no attribute 'results'") as info:
        Evaluator([Count(), NoSuper()])
    assert "metric 1 of Evaluator, NoSuper" in str(info.value)
    assert "super().__init__" in str(info.value)


def test_evaluator_mixed_list_and_empty_list_still_work():
    evaluator = Evaluator([dict(type="DumpResults", out_file_path="x.pkl"), Count()])
    assert isinstance(evaluator.metrics[0], DumpResults)
    assert Evaluator([]).evaluate(3) == {}


def test_same_metric_name_names_both_metrics():
    evaluator = Evaluator([Count(), Count2()])
    evaluator.process([1, 2])
    with pytest.raises(ValueError) as info:
        evaluator.evaluate(2)
    message = str(info.value)
    assert message.startswith(
        "There are multiple evaluation results with the same metric name count/n. Please make "
        "sure all metrics have different prefixes."
    )
    assert "metric 0 (Count, prefix 'count')" in message
    assert "metric 1 (Count2, prefix 'count')" in message


# --------------------------------------------------------------------------- compute_metrics


class ReturnsList(Count):
    def compute_metrics(self, results):
        return [len(results)]


class ReturnsNone(Count):
    def compute_metrics(self, results):
        pass


@pytest.mark.parametrize("cls, shown", [(ReturnsList, "list: [3]"), (ReturnsNone, "NoneType")])
@pytest.mark.parametrize("prefix", [None, "p"])
def test_compute_metrics_returning_no_dict(cls, shown, prefix):
    metric = cls(prefix=prefix)
    # upstream fails with an AttributeError ('list' object has no attribute 'items')
    with pytest.raises(AttributeError) as info:
        run(metric)
    assert isinstance(info.value, TypeError)
    assert f"{cls.__name__}.compute_metrics should return a dict of metrics" in str(info.value)
    assert shown in str(info.value)


def test_compute_metrics_with_non_str_names():
    class IntKeys(Count):
        def compute_metrics(self, results):
            return {1: 0.5}

    with pytest.raises(TypeError, match=r"IntKeys.compute_metrics returned a metric name"):
        run(IntKeys())


def test_compute_metrics_error_says_which_metric():
    class Divides(Count):
        def process(self, data_batch, data_samples):
            pass  # forgets to append

        def compute_metrics(self, results):
            return dict(mean=sum(results) / len(results))

    with pytest.raises(ZeroDivisionError) as info:
        run(Divides())
    if sys.version_info >= (3, 11):  # exception notes
        notes = getattr(info.value, "__notes__", [""])
        assert "raised by Divides.compute_metrics on 0 collected results" in notes[0]


def test_results_reassigned_instead_of_appended():
    class Assigns(Count):
        def process(self, data_batch, data_samples):
            self.results = {"n": len(data_samples)}

    with pytest.raises(TypeError, match=r"`self.results` of Assigns should be a list"):
        run(Assigns())


# --------------------------------------------------------------------------- empty results


def test_no_result_processed_says_why(log):
    class NoAppend(Count):
        def process(self, data_batch, data_samples):
            pass

    assert run(NoAppend(), size=3, n=3) == {"count/n": 0}
    # One warning as in 0.10.7 (recorded): its sentence unchanged first, then why.
    assert len(log) == 1
    assert log[0].startswith(
        "NoAppend got empty `self.results`. Please ensure that the processed results are "
        "properly added into `self.results` in `process` method. "
    )
    assert (
        "Evaluator.process() passed 3 data samples in 1 batch(es) to NoAppend.process(), "
        "which appended nothing to `self.results`" in log[0]
    )


def test_evaluate_before_any_batch_says_why(log):
    evaluator = Evaluator(Count())
    evaluator.process([1])
    evaluator.evaluate(1)
    assert not log
    evaluator.evaluate(1)  # no batch since the last evaluate
    assert len(log) == 1
    assert log[0].startswith("Count got empty `self.results`")
    assert "no batch was processed" in log[0]


# --------------------------------------------------------------------------- evaluate(size)


def test_size_smaller_than_results_warns_of_dropped_results(log):
    assert run(Count(), size=2, n=5) == {"count/n": 2}  # 0.10 keeps the first `size`
    assert len(log) == 1
    assert "Count has 5 entries in `self.results` but evaluate(size=2) keeps only 2" in log[0]
    assert "one entry of `self.results` per data sample" in log[0]


def test_size_larger_or_equal_is_quiet(log):
    assert run(Count(), size=10, n=5) == {"count/n": 5}  # e.g. one result per batch
    assert run(Count(), size=5, n=5) == {"count/n": 5}
    assert run(Count(), size=None, n=5) == {"count/n": 5}  # None keeps everything
    assert not log


@pytest.mark.parametrize("size", [2.0, "3", [3]])
def test_size_of_a_wrong_type(size):
    with pytest.raises(TypeError, match="slice indices must be integers") as info:
        run(Count(), size=size)
    assert "Count.evaluate(size) takes the length of the whole dataset as an int" in str(info.value)


def test_negative_size():
    with pytest.raises(ValueError, match=r"Count.evaluate\(size\).*size=-1"):
        run(Count(), size=-1, n=5)


# --------------------------------------------------------------------------- constructor args


@pytest.mark.parametrize("device", ["cuda:0", "cuda", "GPU", "tpu", None, 0])
def test_bad_collect_device_fails_at_construction(device):
    # upstream raises NotImplementedError, but only when collecting after the whole loop
    with pytest.raises(NotImplementedError) as info:
        Count(collect_device=device)
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    assert message.startswith(f"device must be 'cpu' , 'gpu' or 'npu', but got {device}")
    assert "collect_device of Count" in message
    if device in ("cuda:0", "cuda", "GPU"):
        assert "did you mean 'gpu'?" in message


def test_npu_collect_device_is_accepted():
    metric = Count(collect_device="npu")
    assert metric.collect_device == "npu"
    assert run(metric) == {"count/n": 3}


@pytest.mark.parametrize("device", ["gpu", "npu"])
def test_collect_dir_with_collectives(device, tmp_path):
    with pytest.raises(ValueError) as info:
        Count(collect_device=device, collect_dir=str(tmp_path))
    message = str(info.value)
    assert message.startswith("`collec_dir` could only be configured when `collect_device='cpu'`")
    assert "collect_dir` of Count" in message


def test_collect_dir_that_is_a_file(tmp_path):
    path = tmp_path / "afile"
    path.write_text("")
    with pytest.raises(FileExistsError, match="collect_dir of Count must be a directory"):
        Count(collect_dir=str(path))
    assert path.read_text() == ""


def test_collect_dir_of_a_wrong_type_and_missing_dir(tmp_path):
    with pytest.raises(TypeError, match="collect_dir of Count should be a str path"):
        Count(collect_dir=3)
    assert run(Count(collect_dir=str(tmp_path / "not" / "yet"))) == {"count/n": 3}


@pytest.mark.parametrize("prefix", [3, ["a"]])
def test_prefix_of_a_wrong_type(prefix):
    # upstream fails with a TypeError when joining the names, after the whole loop
    with pytest.raises(TypeError, match="prefix of Count should be a str"):
        Count(prefix=prefix)


# --------------------------------------------------------------------------- DumpResults


@pytest.mark.parametrize("path", [3, None])
def test_dump_results_path_of_a_wrong_type(path):
    # upstream: AttributeError ('int' object has no attribute 'endswith')
    with pytest.raises(AttributeError, match="The output file must be a pkl file.") as info:
        DumpResults(out_file_path=path)
    assert isinstance(info.value, TypeError)
    assert type(path).__name__ in str(info.value)


def test_dump_results_target_is_a_directory(tmp_path):
    (tmp_path / "out.pkl").mkdir()
    with pytest.raises(IsADirectoryError, match="out_file_path of DumpResults"):
        DumpResults(out_file_path=str(tmp_path / "out.pkl"))


def test_dump_results_parent_is_a_file(tmp_path):
    (tmp_path / "afile").write_text("keep")
    with pytest.raises(FileExistsError, match="'.*afile' on its way is an existing file"):
        DumpResults(out_file_path=str(tmp_path / "afile" / "sub" / "x.pkl"))
    assert (tmp_path / "afile").read_text() == "keep"


def test_dump_results_keeps_the_results_when_writing_fails(tmp_path, log, monkeypatch):
    metric = DumpResults(out_file_path=str(tmp_path / "out" / "x.pkl"))
    (tmp_path / "out").write_text("")  # becomes a file after construction
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    metric.process(None, [dict(a=1), dict(a=2)])
    with pytest.raises(OSError):
        metric.evaluate(2)
    rescue = [m for m in log if "the 2 results were saved to" in m]
    assert rescue, log
    saved = rescue[0].split("saved to ")[1].split(" instead")[0]
    assert os.path.dirname(saved) == str(tmp_path)
    with open(saved, "rb") as f:
        assert pickle.load(f) == [dict(a=1), dict(a=2)]


# --------------------------------------------------------------------------- offline_evaluate


def test_offline_evaluate_length_mismatch():
    with pytest.raises(AssertionError, match="data_samples and data should have the same length"):
        Evaluator(Count()).offline_evaluate([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="data_samples length: 3 data length: 2. data"):
        Evaluator(Count()).offline_evaluate([1, 2, 3], [1, 2])


@pytest.mark.parametrize("chunk", [1.5, "2"])
def test_offline_evaluate_chunk_size_of_a_wrong_type(chunk):
    with pytest.raises(TypeError, match="cannot be interpreted as an integer") as info:
        Evaluator(Count()).offline_evaluate([1, 2], chunk_size=chunk)
    assert "chunk_size of offline_evaluate" in str(info.value)


@pytest.mark.parametrize("chunk", [0, -1])
def test_offline_evaluate_chunk_size_below_one(chunk):
    # upstream loops forever
    with pytest.raises(ValueError, match="chunk_size of offline_evaluate must be >= 1"):
        Evaluator(Count()).offline_evaluate([1, 2], chunk_size=chunk)


def test_offline_evaluate_data_samples_not_iterable():
    with pytest.raises(TypeError, match="'NoneType' object is not iterable") as info:
        Evaluator(Count()).offline_evaluate(None)
    assert "offline_evaluate expects data_samples" in str(info.value)


def test_offline_evaluate_iterators():
    # without data, an iterator of predictions works as in 0.10
    assert Evaluator(Count()).offline_evaluate(iter([1, 2, 3])) == {"count/n": 3}
    with pytest.raises(TypeError, match="has no len()") as info:
        Evaluator(Count()).offline_evaluate([1, 2], (x for x in [1, 2]))
    assert "but data is a generator" in str(info.value)


# --------------------------------------------------------------------------- dataset_meta


class ReadsClasses(Count):
    def process(self, data_batch, data_samples):
        classes = self.dataset_meta["classes"]
        self.results.extend(classes[s] for s in data_samples)

    def compute_metrics(self, results):
        return dict(n=len(results), num_classes=len(self.dataset_meta["classes"]))


@pytest.mark.skipif(sys.version_info < (3, 11), reason="exception notes")
def test_unset_dataset_meta_is_pointed_at():
    evaluator = Evaluator(ReadsClasses())
    with pytest.raises(TypeError, match="not subscriptable") as info:
        evaluator.process([0, 1])
    (note,) = info.value.__notes__
    assert "raised by ReadsClasses.process on batch #1 (2 data samples)" in note
    assert "dataset_meta is None" in note and "Evaluator.dataset_meta = dataset.metainfo" in note


@pytest.mark.skipif(sys.version_info < (3, 11), reason="exception notes")
def test_unset_dataset_meta_in_compute_metrics():
    metric = ReadsClasses()
    metric.dataset_meta = dict(classes=("a", "b"))
    evaluator = Evaluator(metric)
    evaluator.process([0, 1])
    metric.dataset_meta = None
    with pytest.raises(TypeError) as info:
        evaluator.evaluate(2)
    assert "dataset_meta is None" in info.value.__notes__[0]


def test_dataset_meta_set_before_or_after_building():
    metric = ReadsClasses()
    evaluator = Evaluator(metric)
    evaluator.dataset_meta = dict(classes=("a", "b"))
    assert metric.dataset_meta == dict(classes=("a", "b"))
    evaluator.process([1, 0])
    assert evaluator.evaluate(2) == {"count/n": 2, "count/num_classes": 2}
