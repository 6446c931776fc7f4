"""One rank of the 2-process gloo job driven by test_dist_multiprocess.py.

Started with the environment torchrun would set (RANK, LOCAL_RANK,
WORLD_SIZE, MASTER_ADDR, MASTER_PORT). Runs every ``check_*`` function in
definition order (all ranks run the same collectives in the same order) and
writes ``{check name: "ok" or traceback}`` to ``$RESULT_DIR/rank<r>.json``.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import traceback

import torch
import torch.distributed as torch_dist

import mmengine.dist as dist

RANK = int(os.environ["RANK"])
WORLD = int(os.environ["WORLD_SIZE"])


def check_query_functions():
    assert dist.is_distributed()
    assert dist.get_rank() == RANK
    assert dist.get_world_size() == WORLD == 2
    assert dist.get_dist_info() == (RANK, WORLD)
    assert dist.is_main_process() == (RANK == 0)
    assert dist.get_backend() == "gloo"
    assert dist.get_default_group() is not None
    assert dist.get_comm_device() == torch.device("cpu")
    assert dist.infer_launcher() == "pytorch"


def check_local_rank_and_size():
    # without a local group: torchrun's LOCAL_RANK / LOCAL_WORLD_SIZE
    assert dist.get_local_rank() == RANK
    assert dist.get_local_size() == 2
    dist.init_local_group(0, 2)
    try:
        dist.init_local_group(0, 2)
    except AssertionError:  # 0.10.7 asserts (recorded black box)
        pass
    else:
        raise AssertionError("a second init_local_group() should raise")
    group = dist.get_local_group()
    assert group is not None
    assert torch_dist.get_rank(group) == dist.get_local_rank() == RANK
    assert dist.get_local_size() == 2


def check_all_reduce():
    data = torch.arange(2, dtype=torch.int64) + 1 + 2 * RANK  # [1,2] / [3,4]
    dist.all_reduce(data)
    assert data.tolist() == [4, 6]
    data = torch.arange(2, dtype=torch.float32) + 1 + 2 * RANK
    dist.all_reduce(data, op="mean")
    assert data.tolist() == [2.0, 3.0] and data.dtype == torch.float32
    data = torch.arange(2, dtype=torch.int64) + 1 + 2 * RANK
    dist.all_reduce(data, op="mean")
    assert data.tolist() == [2, 3] and data.dtype == torch.int64
    data = torch.arange(2) + 1 + 2 * RANK
    dist.all_reduce(data, op="max")
    assert data.tolist() == [3, 4]
    data = torch.arange(2) + 1 + 2 * RANK
    dist.all_reduce(data, op="min")
    assert data.tolist() == [1, 2]
    data = torch.arange(2) + 1 + 2 * RANK
    dist.all_reduce(data, op="product")
    assert data.tolist() == [3, 8]
    data = torch.arange(2) + 1 + 2 * RANK
    dist.all_reduce(data, op=torch_dist.ReduceOp.SUM)
    assert data.tolist() == [4, 6]
    try:  # checked on every rank before any communication
        dist.all_reduce(data, op="median")
    except ValueError as exc:
        assert "reduce op should be one of" in str(exc)
    else:
        raise AssertionError("an unknown op should be rejected when distributed")
    # a non-contiguous view is reduced in place
    base = torch.zeros(3, 2, dtype=torch.int64)
    view = base.t()[0]  # column 0: stride 2
    view.fill_(RANK + 1)
    dist.all_reduce(view)
    assert base[:, 0].tolist() == [3, 3, 3] and base[:, 1].tolist() == [0, 0, 0]
    # an explicit group
    group = torch_dist.new_group([0, 1])
    data = torch.tensor([float(RANK + 1)])
    dist.all_reduce(data, op="sum", group=group)
    assert data.tolist() == [3.0]


def check_all_gather():
    data = torch.arange(2, dtype=torch.int64) + 1 + 2 * RANK
    out = dist.all_gather(data)
    assert [t.tolist() for t in out] == [[1, 2], [3, 4]]
    data = torch.full((2, 3), float(RANK))
    out = dist.all_gather(data)
    assert len(out) == 2 and out[1].shape == (2, 3) and out[1].sum().item() == 6.0


def check_gather():
    data = torch.arange(2, dtype=torch.int64) + 1 + 2 * RANK
    out = dist.gather(data)
    if RANK == 0:
        assert [t.tolist() for t in out] == [[1, 2], [3, 4]]
    else:
        assert out == []
    out = dist.gather(data, dst=1)
    if RANK == 1:
        assert [t.tolist() for t in out] == [[1, 2], [3, 4]]
    else:
        assert out == []


def check_broadcast():
    data = torch.arange(2, dtype=torch.int64) + 1 + 2 * RANK
    dist.broadcast(data)
    assert data.tolist() == [1, 2]
    data = torch.arange(2, dtype=torch.int64) + 1 + 2 * RANK
    dist.broadcast(data, src=1)
    assert data.tolist() == [3, 4]


def check_sync_random_seed():
    seeds = dist.all_gather_object(dist.sync_random_seed())
    assert seeds[0] == seeds[1]
    assert isinstance(seeds[0], int) and 0 <= seeds[0] < 2**31


def check_broadcast_object_list():
    data = ["foo", 12, {1: 2}] if RANK == 0 else [None, None, None]
    dist.broadcast_object_list(data)
    assert data == ["foo", 12, {1: 2}]
    data = [RANK]
    dist.broadcast_object_list(data, src=1)
    assert data == [1]


def check_all_reduce_dict():
    data = {"key1": torch.arange(2, dtype=torch.int64), "key2": torch.arange(3, dtype=torch.int64)}
    dist.all_reduce_dict(data)
    assert data["key1"].tolist() == [0, 2] and data["key2"].tolist() == [0, 2, 4]
    data = {
        "b_float": torch.full((2, 2), float(RANK)),
        "a_int": torch.tensor([RANK + 1]),
    }
    dist.all_reduce_dict(data, op="mean")
    assert data["b_float"].dtype == torch.float32 and data["b_float"].shape == (2, 2)
    assert torch.allclose(data["b_float"], torch.full((2, 2), 0.5))
    # 0.10.7 (recorded): the values are reduced as one flat buffer, so the int64 count
    # is promoted to float32 with the float and its mean is not truncated
    assert data["a_int"].dtype == torch.float32 and data["a_int"].tolist() == [1.5]
    data = {"a": torch.tensor([1 + RANK], dtype=torch.int32), "b": torch.tensor([3 + RANK])}
    dist.all_reduce_dict(data)
    assert [v.dtype for v in data.values()] == [torch.int64, torch.int64]
    assert data["a"].tolist() == [3] and data["b"].tolist() == [7]
    data = {"x": torch.tensor([1.0 + RANK], dtype=torch.float64), "y": torch.tensor([0.5])}
    dist.all_reduce_dict(data, op="max")
    assert [v.dtype for v in data.values()] == [torch.float64, torch.float64]
    assert data["x"].tolist() == [2.0] and data["y"].tolist() == [0.5]
    try:
        dist.all_reduce_dict({"a": torch.ones(1)}, op="median")
    except ValueError as exc:
        assert "reduce op should be one of" in str(exc)
    else:
        raise AssertionError("an unknown op should be rejected when distributed")


def check_all_gather_object():
    data = ["foo", 12, {1: 2}]
    assert dist.all_gather_object(data[RANK]) == ["foo", 12]


def check_gather_object():
    data = ["foo", {1: 2}]
    out = dist.gather_object(data[RANK])
    if RANK == 0:
        assert out == ["foo", {1: 2}]
    else:
        assert out is None


def check_collect_results_cpu():
    data = ["foo", {1: 2}] if RANK == 0 else [24, {"a": "b"}]
    out = dist.collect_results(data, 4, device="cpu")
    if RANK == 0:
        assert out == ["foo", 24, {1: 2}, {"a": "b"}]
    else:
        assert out is None
    # padded samples are dropped
    out = dist.collect_results_cpu(data, 3)
    assert out == (["foo", 24, {1: 2}] if RANK == 0 else None)
    # default temp folders are cleaned up
    dist.barrier()
    assert not os.path.exists(".dist_test") or not os.listdir(".dist_test")


def check_collect_results_cpu_tmpdir():
    holder = [tempfile.mkdtemp() if RANK == 0 else None]
    dist.broadcast_object_list(holder)
    data = [RANK * 10, RANK * 10 + 1]
    out = dist.collect_results(data, 4, device="cpu", tmpdir=holder[0])
    if RANK == 0:
        assert out == [0, 10, 1, 11]
        assert not os.path.exists(holder[0])


def check_collect_results_unequal_parts():
    # rank 0 has samples 0, 2, 4; rank 1 has 1, 3 (no padding)
    data = [0, 2, 4] if RANK == 0 else [1, 3]
    out_cpu = dist.collect_results(data, 5, device="cpu")
    out_obj = dist.collect_results_gpu(data, 5)
    if RANK == 0:
        assert out_cpu == out_obj == [0, 1, 2, 3, 4]


def check_collect_results_object_path():
    data = ["foo", {1: 2}] if RANK == 0 else [24, {"a": "b"}]
    out = dist.collect_results(data, 4, device="gpu")
    if RANK == 0:
        assert out == ["foo", 24, {1: 2}, {"a": "b"}]
    else:
        assert out is None


def check_all_reduce_params():
    base = [torch.tensor([1, 2]), torch.tensor([3, 4])]
    data = [t + RANK for t in base]  # rank 1: [2,3], [4,5]
    dist.all_reduce_params(data)
    assert [t.tolist() for t in data] == [[3, 5], [7, 9]]
    data = [t + RANK for t in base]
    dist.all_reduce_params(data, coalesce=False)
    assert [t.tolist() for t in data] == [[3, 5], [7, 9]]
    # mixed dtypes and several small buckets, given as a generator of parameters
    model = torch.nn.Linear(3, 2)
    with torch.no_grad():
        model.weight.fill_(float(RANK))
        model.bias.fill_(2.0 * RANK)
    extra = [torch.tensor([RANK], dtype=torch.int32)]
    dist.all_reduce_params(model.parameters(), bucket_size_mb=1e-5, op="mean")
    dist.all_reduce_params(extra, op="sum")
    assert torch.allclose(model.weight, torch.full((2, 3), 0.5))
    assert torch.allclose(model.bias, torch.full((2,), 1.0))
    assert extra[0].tolist() == [1] and extra[0].dtype == torch.int32


_CALLS: list[int] = []


@dist.master_only
def _record(value):
    _CALLS.append(value)
    return value * 2


def check_master_only():
    out = _record(21)
    if RANK == 0:
        assert out == 42 and _CALLS == [21]
    else:
        assert out is None and _CALLS == []
    assert _record.__name__ == "_record"


def check_cuda_tensors_on_gloo():
    """Tensors on a GPU go through gloo (CPU) and come back to the GPU."""
    if not torch.cuda.is_available():
        return "skip"
    device = torch.device("cuda", RANK % torch.cuda.device_count())
    data = torch.arange(2, device=device) + 1 + 2 * RANK
    dist.all_reduce(data)
    assert data.device == device and data.tolist() == [4, 6]
    data = torch.arange(2, dtype=torch.float32, device=device) + 1 + 2 * RANK
    dist.all_reduce(data, op="mean")
    assert data.device == device and data.tolist() == [2.0, 3.0]
    out = dist.all_gather(torch.tensor([RANK], device=device))
    assert all(t.device == device for t in out) and [t.item() for t in out] == [0, 1]
    out = dist.gather(torch.tensor([RANK], device=device))
    if RANK == 0:
        assert all(t.device == device for t in out) and [t.item() for t in out] == [0, 1]
    data = torch.tensor([RANK], device=device)
    dist.broadcast(data, src=1)
    assert data.device == device and data.item() == 1
    data = {"a": torch.tensor([1.0 + RANK], device=device)}
    dist.all_reduce_dict(data)
    assert data["a"].device == device and data["a"].item() == 3.0


def check_barrier():
    dist.barrier()
    dist.barrier(dist.get_default_group())


def main() -> int:
    dist.init_dist("pytorch", backend="gloo", timeout=30)
    checks = [(name, fn) for name, fn in globals().items() if name.startswith("check_")]
    results: dict[str, str] = {}
    for name, fn in checks:
        try:
            results[name] = fn() or "ok"
        except Exception:
            results[name] = traceback.format_exc()
    with open(os.path.join(os.environ["RESULT_DIR"], f"rank{RANK}.json"), "w") as f:
        json.dump(results, f)
    # leave together: on torch 2.1 a gloo rank destroying its group after its peer has
    # exited can block forever
    torch_dist.barrier()
    torch_dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main())
