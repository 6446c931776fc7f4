"""Every collective answers as a world of one without a process group."""

from __future__ import annotations

import os

import pytest
import torch
import torch.distributed as torch_dist

import mmengine.dist as dist


@pytest.fixture(autouse=True)
def _not_distributed():
    assert not torch_dist.is_initialized()


def test_all_reduce_leaves_data_unchanged():
    data = torch.arange(2, dtype=torch.int64)
    for op in ("sum", "mean", "max", "min", "product", "SUM"):
        dist.all_reduce(data, op=op)
        assert data.tolist() == [0, 1]


def test_unknown_op_is_not_checked_undistributed():
    # 0.10.7 (recorded black box): without a process group the reductions return before
    # looking at `op`; the distributed run rejects it (see _dist_worker.check_all_reduce)
    data = torch.arange(2.0)
    dist.all_reduce(data, op="median")
    assert data.tolist() == [0.0, 1.0]
    values = {"a": torch.arange(2.0)}
    dist.all_reduce_dict(values, op="avg")
    assert values["a"].tolist() == [0.0, 1.0]
    params = [torch.arange(2.0)]
    dist.all_reduce_params(params, op="")
    assert params[0].tolist() == [0.0, 1.0]


def test_all_gather_and_gather_return_list_of_data():
    data = torch.arange(2)
    out = dist.all_gather(data)
    assert len(out) == 1 and out[0] is data
    out = dist.gather(data)
    assert len(out) == 1 and out[0] is data
    assert dist.gather(data, dst=0)[0].tolist() == [0, 1]


def test_broadcast_does_nothing():
    data = torch.arange(3)
    dist.broadcast(data)
    assert data.tolist() == [0, 1, 2]
    dist.broadcast(data, src=0)
    assert data.tolist() == [0, 1, 2]


def test_sync_random_seed_returns_random_int():
    seeds = {dist.sync_random_seed() for _ in range(5)}
    assert all(isinstance(s, int) and 0 <= s < 2**31 for s in seeds)
    assert len(seeds) > 1


def test_sync_random_seed_follows_numpy_seed():
    import numpy as np

    np.random.seed(3)
    first = dist.sync_random_seed()
    np.random.seed(3)
    assert dist.sync_random_seed() == first


def test_broadcast_object_list():
    data = ["foo", 12, {1: 2}]
    dist.broadcast_object_list(data)
    assert data == ["foo", 12, {1: 2}]
    with pytest.raises(TypeError, match="should be a list"):
        dist.broadcast_object_list(("foo",))


def test_all_reduce_dict():
    data = {"key1": torch.arange(2), "key2": torch.arange(3)}
    dist.all_reduce_dict(data)
    assert data["key1"].tolist() == [0, 1] and data["key2"].tolist() == [0, 1, 2]
    with pytest.raises(TypeError, match="expects dict"):
        dist.all_reduce_dict([torch.arange(2)])
    # 0.10.7 leaves a dict with non-tensor values alone when not distributed
    values = {"a": 1.0, "b": torch.ones(1)}
    dist.all_reduce_dict(values)
    assert values["a"] == 1.0 and values["b"].tolist() == [1.0]


def test_object_gathers():
    data = ["foo", 12, {1: 2}]
    assert dist.all_gather_object(data[dist.get_rank()]) == ["foo"]
    assert dist.gather_object(data[dist.get_rank()]) == ["foo"]
    assert dist.gather_object({1: 2}, dst=0) == [{1: 2}]


def test_collect_results_truncates_to_size(tmp_path):
    data = ["foo", 24, {1: 2}, {"a": "b"}]
    assert dist.collect_results(data, 4) == data
    assert dist.collect_results(data, 2, device="cpu") == ["foo", 24]
    assert dist.collect_results(data, 3, device="gpu") == ["foo", 24, {1: 2}]
    assert dist.collect_results_cpu(data, 2) == ["foo", 24]
    assert dist.collect_results_gpu(data, 2) == ["foo", 24]
    assert dist.collect_results(data, 4, tmpdir=str(tmp_path)) == data


def test_collect_results_bad_arguments(tmp_path):
    # 0.10.7's sentence names the device given
    with pytest.raises(ValueError, match="^tmpdir should be None when device is gpu "):
        dist.collect_results([1], 1, device="gpu", tmpdir=str(tmp_path))
    with pytest.raises(ValueError, match="^tmpdir should be None when device is npu "):
        dist.collect_results([1], 1, device="npu", tmpdir=str(tmp_path))


def test_collect_results_writes_nothing_undistributed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    dist.collect_results([1, 2], 2)
    assert os.listdir(tmp_path) == []


def test_all_reduce_params():
    data = [torch.arange(2), torch.arange(3)]
    dist.all_reduce_params(data)
    assert [t.tolist() for t in data] == [[0, 1], [0, 1, 2]]
    model = torch.nn.Linear(2, 2)
    before = [p.detach().clone() for p in model.parameters()]
    dist.all_reduce_params(model.parameters(), coalesce=False, op="mean")
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))


def test_argument_errors_are_also_assertion_errors(tmp_path):
    # upstream checks these with `assert`; code catching AssertionError keeps working
    with pytest.raises(AssertionError):
        dist.broadcast_object_list("foo")
    with pytest.raises(AssertionError):
        dist.all_reduce_dict("foo")
    with pytest.raises(AssertionError):
        dist.collect_results([1], 1, device="gpu", tmpdir=str(tmp_path))


@pytest.mark.parametrize("device", ["cpu", "gpu", "npu"])
def test_collect_results_takes_the_devices_0_10_takes(device):
    assert dist.collect_results([1, 2, 3], 2, device=device) == [1, 2]


def test_collect_results_rejects_another_device_with_the_0_10_sentence():
    with pytest.raises(
        NotImplementedError, match=r"^device must be 'cpu' , 'gpu' or 'npu', but got tpu$"
    ):
        dist.collect_results([1], 1, device="tpu")
