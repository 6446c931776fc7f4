"""Queries and device helpers of mmengine.dist.utils in a single process."""

from __future__ import annotations

from collections import OrderedDict, namedtuple

import numpy as np
import pytest
import torch

import mmengine.dist as dist
from mmengine.dist.utils import cast_data_device, get_data_device


def test_queries_without_process_group():
    assert dist.is_distributed() is False
    assert dist.get_rank() == 0
    assert dist.get_world_size() == 1
    assert dist.get_dist_info() == (0, 1)
    assert dist.get_backend() is None
    assert dist.get_local_rank() == 0
    assert dist.get_local_size() == 1
    assert dist.get_local_group() is None
    assert dist.get_default_group() is None
    assert dist.is_main_process() is True
    dist.barrier()  # no-op


def test_get_comm_device_undistributed_is_cpu():
    assert dist.get_comm_device() == torch.device("cpu")


def test_master_only_runs_on_main_process():
    calls = []

    @dist.master_only
    def save(x, scale=1):
        """Doc."""
        calls.append(x)
        return x * scale

    assert save(3, scale=2) == 6
    assert calls == [3]
    assert save.__name__ == "save" and save.__doc__ == "Doc."


def test_master_only_skips_other_ranks(monkeypatch):
    import mmengine.dist.utils as utils

    monkeypatch.setattr(utils, "get_rank", lambda group=None: 1)
    calls = []

    @dist.master_only
    def save():
        calls.append(1)
        return "saved"

    assert save() is None and calls == []


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"WORLD_SIZE": "2"}, "pytorch"),
        ({"SLURM_NTASKS": "4"}, "slurm"),
        ({"OMPI_COMM_WORLD_LOCAL_RANK": "0"}, "mpi"),
        ({}, "none"),
        ({"WORLD_SIZE": "2", "SLURM_NTASKS": "4"}, "pytorch"),
    ],
)
def test_infer_launcher(monkeypatch, env, expected):
    for name in ("WORLD_SIZE", "SLURM_NTASKS", "OMPI_COMM_WORLD_LOCAL_RANK"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert dist.infer_launcher() == expected


def test_get_data_device():
    cpu = torch.device("cpu")
    assert get_data_device(torch.tensor([0, 1])) == cpu
    assert get_data_device([torch.tensor([0]), torch.tensor([1])]) == cpu
    assert get_data_device({"a": torch.tensor([0]), "b": [torch.tensor(1)]}) == cpu
    assert get_data_device((torch.tensor(0),)) == cpu


def test_get_data_device_takes_any_iterable():
    # 0.10.7 (recorded black box) looks into any iterable but a string
    cpu = torch.device("cpu")
    t = torch.tensor([0.0])
    assert get_data_device({t}) == cpu
    assert get_data_device(frozenset([t])) == cpu
    assert get_data_device(x for x in [t, t]) == cpu
    with pytest.raises(ValueError, match="^data should not be empty"):
        get_data_device(np.zeros(0))
    # an array is looked into too: the error names the first non-tensor leaf
    with pytest.raises(
        TypeError, match="^data should be a Tensor, sequence of tensor or dict, but got 0.0 "
    ):
        get_data_device(np.zeros(2))
    with pytest.raises(TypeError, match="but got 97 "):
        get_data_device(b"ab")


def test_get_data_device_messages_start_with_0_10_sentences():
    # the sentences recorded from 0.10.7, with our explanation after them
    with pytest.raises(
        TypeError, match="^data should be a Tensor, sequence of tensor or dict, but got 1 "
    ):
        get_data_device([torch.tensor(0), 1])
    with pytest.raises(TypeError, match="but got abc "):
        get_data_device("abc")
    meta = torch.empty(1, device="meta")
    # 0.10.7 names the device found last first
    with pytest.raises(
        ValueError, match="^device type in data should be consistent, but got meta and cpu "
    ):
        get_data_device([torch.tensor(0), meta, meta])
    with pytest.raises(ValueError, match="but got cpu and meta "):
        get_data_device({"a": meta, "b": torch.tensor(0)})


def test_get_data_device_errors():
    with pytest.raises(TypeError, match="should be a Tensor"):
        get_data_device(1)
    with pytest.raises(TypeError, match="should be a Tensor"):
        get_data_device("abc")
    with pytest.raises(TypeError):
        get_data_device([torch.tensor(0), 1])
    with pytest.raises(ValueError, match="should not be empty"):
        get_data_device([])
    with pytest.raises(ValueError, match="should not be empty"):
        get_data_device({})


def test_get_data_device_inconsistent_devices():
    data = [torch.tensor(0), torch.empty(1, device="meta")]
    with pytest.raises(ValueError, match="consistent"):
        get_data_device(data)


def test_cast_data_device_tensor():
    cpu = torch.device("cpu")
    data = torch.tensor([1, 2])
    assert cast_data_device(data, cpu) is data  # already there: no copy
    meta = cast_data_device(data, torch.device("meta"))
    assert meta.device.type == "meta"
    out = torch.zeros(2, dtype=torch.int64)
    result = cast_data_device(data, cpu, out=out)
    # 0.10.7 fills `out` and returns the casted data (here data itself), not `out`
    assert result is data and out.tolist() == [1, 2]
    out = torch.zeros(2, dtype=torch.float32)
    result = cast_data_device(data, cpu, out=out)
    assert result.dtype == torch.int64 and out.dtype == torch.float32
    assert out.tolist() == [1.0, 2.0]
    # device=None keeps the data where it is, as Tensor.to(None) does
    assert cast_data_device(data, None) is data
    assert cast_data_device([data], None)[0] is data


def test_cast_data_device_containers():
    cpu = torch.device("cpu")
    data = {"a": torch.tensor([1]), "b": [torch.tensor([2]), torch.tensor([3])]}
    result = cast_data_device(data, cpu)
    assert result["a"].tolist() == [1] and result["b"][1].tolist() == [3]
    ordered = cast_data_device(OrderedDict(x=torch.tensor(1)), cpu)
    assert isinstance(ordered, OrderedDict)
    assert isinstance(cast_data_device((torch.tensor(1), torch.tensor(2)), cpu), tuple)
    Pair = namedtuple("Pair", ["x", "y"])
    pair = cast_data_device(Pair(torch.tensor(1), torch.tensor(2)), torch.device("meta"))
    assert isinstance(pair, Pair) and pair.y.device.type == "meta"
    out = {"a": torch.zeros(1, dtype=torch.int64), "b": [torch.zeros(1, dtype=torch.int64)] * 2}
    out["b"] = [torch.zeros(1, dtype=torch.int64), torch.zeros(1, dtype=torch.int64)]
    result = cast_data_device(data, cpu, out=out)
    assert out["a"].tolist() == [1] and out["b"][1].tolist() == [3]
    # 0.10.7 returns a new container of the casted data, not `out`
    assert result is not out and result["a"] is data["a"] and result["b"][1] is data["b"][1]


def test_cast_data_device_keeps_container_types():
    # recorded from 0.10.7: any iterable but a string or an array is cast item by item
    # and rebuilt with its own type
    cpu = torch.device("cpu")
    t = torch.tensor([1.0])

    class Batch(list):
        pass

    result = cast_data_device(Batch([t]), cpu)
    assert type(result) is Batch and result[0] is t
    result = cast_data_device({t}, cpu)
    assert isinstance(result, set) and next(iter(result)) is t
    assert isinstance(cast_data_device(frozenset([t]), cpu), frozenset)
    with pytest.raises(TypeError, match="^data should be a Tensor, list of tensor or dict, but"):
        cast_data_device(np.zeros(2), cpu)
    with pytest.raises(TypeError, match="but got 97 "):
        cast_data_device(b"ab", cpu)


def test_cast_data_device_errors():
    cpu = torch.device("cpu")
    with pytest.raises(TypeError, match="should be a Tensor"):
        cast_data_device(1, cpu)
    with pytest.raises(ValueError, match="should not be empty"):
        cast_data_device([], cpu)
    with pytest.raises(ValueError, match="should not be empty"):
        cast_data_device({}, cpu)
    with pytest.raises(ValueError, match="length of data and out"):
        cast_data_device([torch.tensor(1)], cpu, out=[torch.tensor(1), torch.tensor(2)])
    with pytest.raises(TypeError, match="out should be"):
        cast_data_device({"a": torch.tensor(1)}, cpu, out=[torch.tensor(1)])
    with pytest.raises(TypeError, match="out should be"):
        cast_data_device(torch.tensor(1), cpu, out=[torch.tensor(1)])
    with pytest.raises(TypeError, match="same type"):
        cast_data_device([torch.tensor(1)], cpu, out=(torch.tensor(1),))


def test_cast_data_device_out_type_errors_as_0_10():
    cpu = torch.device("cpu")
    same_type = "^out should be the same type with data, but got data is "
    # 0.10.7 wants exactly the type of data: a Parameter is not a Tensor here
    with pytest.raises(TypeError, match=same_type):
        cast_data_device(torch.zeros(1), cpu, out=torch.nn.Parameter(torch.zeros(1)))
    with pytest.raises(TypeError, match=same_type):
        cast_data_device(torch.nn.Parameter(torch.zeros(1)), cpu, out=torch.zeros(1))
    # the type of out is checked before the type of data
    with pytest.raises(TypeError, match=same_type):
        cast_data_device(None, cpu, out=torch.zeros(1))
    with pytest.raises(TypeError, match="^out should not be a set"):
        cast_data_device({torch.zeros(1)}, cpu, out={torch.zeros(1)})
    with pytest.raises(
        TypeError, match="^data should be a Tensor, list of tensor or dict, but got 1 "
    ):
        cast_data_device(1, cpu)
    with pytest.raises(ValueError, match="^data should not be empty"):
        cast_data_device({}, cpu, out={})


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cast_data_device_cuda_round_trip():
    data = {"a": torch.tensor([1.0])}
    on_gpu = cast_data_device(data, torch.device("cuda"))
    assert get_data_device(on_gpu).type == "cuda"
    back = cast_data_device(on_gpu, torch.device("cpu"))
    assert back["a"].tolist() == [1.0]
