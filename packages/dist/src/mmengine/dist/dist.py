"""Collective communication that also works without a process group.

Each collective here answers as a world of one when the process is not
distributed (``all_gather(x) == [x]``, ``all_reduce`` leaves ``x`` alone, ...),
and accepts tensors on any device: data is moved to the device the backend
communicates on (CPU for gloo, the current GPU for NCCL) and the result is
moved back to where the input was.
"""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
from collections.abc import Generator, Iterable
from typing import Any

import numpy as np
import torch
import torch.distributed as torch_dist
from torch import Tensor
from torch.distributed import ProcessGroup

from mmengine.device import is_npu_available  # noqa: F401  (upstream keeps this name here)
from mmengine.dist._errors import InvalidArgumentTypeError, InvalidArgumentValueError
from mmengine.dist.utils import (
    barrier,
    cast_data_device,
    get_backend,  # noqa: F401  (upstream keeps this name here)
    get_comm_device,
    get_data_device,
    get_default_group,
    get_dist_info,
    get_rank,
    get_world_size,
)
from mmengine.utils import digit_version  # noqa: F401  (upstream keeps this name here)
from mmengine.utils.dl_utils import TORCH_VERSION  # noqa: F401  (upstream keeps this name here)

__all__ = [
    "all_gather",
    "all_gather_object",
    "all_reduce",
    "all_reduce_dict",
    "all_reduce_params",
    "broadcast",
    "broadcast_object_list",
    "collect_results",
    "collect_results_cpu",
    "collect_results_gpu",
    "gather",
    "gather_object",
    "sync_random_seed",
]

_REDUCE_OPS = {
    "sum": torch_dist.ReduceOp.SUM,
    "product": torch_dist.ReduceOp.PRODUCT,
    "produce": torch_dist.ReduceOp.PRODUCT,  # spelling used by upstream's docs
    "min": torch_dist.ReduceOp.MIN,
    "max": torch_dist.ReduceOp.MAX,
    "band": torch_dist.ReduceOp.BAND,
    "bor": torch_dist.ReduceOp.BOR,
    "bxor": torch_dist.ReduceOp.BXOR,
}
_OP_NAMES = ["sum", "mean", "product", "min", "max", "band", "bor", "bxor"]

# Parent folder (relative to the working directory, so that every node of a
# multi-machine job sees it on a shared file system) of the temporary folders
# made by collect_results_cpu().
_COLLECT_DIR = ".dist_test"


def _check_op(op: Any) -> None:
    """Reject an unknown reduce operation, naming the valid ones."""
    if isinstance(op, str):
        if op.lower() != "mean" and op.lower() not in _REDUCE_OPS:
            raise ValueError(f"reduce op should be one of {_OP_NAMES}, but got {op!r}")


def _get_reduce_op(op: Any) -> Any:
    """Map an op name ('sum', 'max', ...) to ``torch.distributed.ReduceOp``."""
    if not isinstance(op, str):
        return op  # already a ReduceOp
    _check_op(op)
    return _REDUCE_OPS[op.lower()]


def _to_comm_device(data: Tensor, device: torch.device) -> Tensor:
    """``data`` on the communication device, contiguous (collectives need it)."""
    on_device = cast_data_device(data, device)
    return on_device if on_device.is_contiguous() else on_device.contiguous()  # type: ignore[union-attr]


def _group_or_default(group: ProcessGroup | None) -> ProcessGroup | None:
    return get_default_group() if group is None else group


def all_reduce(data: Tensor, op: str = "sum", group: ProcessGroup | None = None) -> None:
    """Reduces the tensor data across all machines in such a way that all get
    the final result.

    After the call ``data`` is going to be bitwise identical in all
    processes.

    Note:
        Calling ``all_reduce`` in non-distributed environment does nothing
        (``op`` is not checked either, as in 0.10).

    Args:
        data (Tensor): Input and output of the collective. The function
            operates in-place.
        op (str): Operation to reduce data. Defaults to 'sum'. Optional values
            are 'sum', 'mean' and 'product', 'min', 'max', 'band', 'bor' and
            'bxor'. A ``torch.distributed.ReduceOp`` is accepted too. 'mean'
            of an integer tensor is truncated to the integer dtype.
        group (ProcessGroup, optional): The process group to work on. If None,
            the default process group will be used. Defaults to None.

    Raises:
        ValueError: If ``op`` is not one of the names above (in a distributed
            environment).

    Examples:
        >>> import torch
        >>> import mmengine.dist as dist
        >>> data = torch.arange(2, dtype=torch.int64)
        >>> dist.all_reduce(data)  # non-distributed: unchanged
        >>> data
        tensor([0, 1])
    """
    world_size = get_world_size(group)
    if world_size == 1:
        return
    _check_op(op)
    group = _group_or_default(group)
    on_device = _to_comm_device(data, get_comm_device(group))
    if isinstance(op, str) and op.lower() == "mean":
        torch_dist.all_reduce(on_device, _REDUCE_OPS["sum"], group)
        on_device = torch.true_divide(on_device, world_size)
    else:
        torch_dist.all_reduce(on_device, _get_reduce_op(op), group)
    if on_device is not data:
        data.copy_(on_device)


def all_gather(data: Tensor, group: ProcessGroup | None = None) -> list[Tensor]:
    """Gather data from the whole group in a list.

    Unlike ``torch.distributed.all_gather``, the gathered list is returned
    instead of being passed in. ``data`` must have the same shape on every
    process.

    Note:
        Calling ``all_gather`` in non-distributed environment does nothing
        and just returns a list containing ``data`` itself.

    Args:
        data (Tensor): Tensor to be gathered.
        group (ProcessGroup, optional): The process group to work on. If None,
            the default process group will be used. Defaults to None.

    Returns:
        list[Tensor]: Return a list containing data from the whole group if
        in distributed environment, otherwise a list only containing
        ``data`` itself.

    Examples:
        >>> import torch
        >>> import mmengine.dist as dist
        >>> dist.all_gather(torch.arange(2))  # non-distributed
        [tensor([0, 1])]
    """
    world_size = get_world_size(group)
    if world_size == 1:
        return [data]
    group = _group_or_default(group)
    input_device = get_data_device(data)
    backend_device = get_comm_device(group)
    on_device = _to_comm_device(data, backend_device)
    gather_list = [torch.empty_like(on_device, device=backend_device) for _ in range(world_size)]
    torch_dist.all_gather(gather_list, on_device, group)
    return cast_data_device(gather_list, input_device)  # type: ignore[return-value]


def gather(data: Tensor, dst: int = 0, group: ProcessGroup | None = None) -> list[Tensor | None]:
    """Gather data from the whole group to ``dst`` process.

    Unlike ``torch.distributed.gather``, the gathered list is returned
    instead of being passed in.

    Note:
        Calling ``gather`` in non-distributed environment dose nothing and
        just returns a list containing ``data`` itself.

    Args:
        data (Tensor): Tensor to be gathered.
        dst (int): Destination rank. Defaults to 0.
        group (ProcessGroup, optional): The process group to work on. If None,
            the default process group will be used. Defaults to None.

    Returns:
        list[Tensor]: ``dst`` process will get a list of tensor gathering from
        the whole group. Other process will get an empty list. If in
        non-distributed environment, just return a list containing ``data``
        itself.
    """
    world_size = get_world_size(group)
    if world_size == 1:
        return [data]
    group = _group_or_default(group)
    input_device = get_data_device(data)
    backend_device = get_comm_device(group)
    on_device = _to_comm_device(data, backend_device)
    is_dst = get_rank() == dst  # torch.distributed addresses dst by global rank
    gather_list: list[Any] = []
    if is_dst:
        gather_list = [
            torch.empty_like(on_device, device=backend_device) for _ in range(world_size)
        ]
    torch_dist.gather(on_device, gather_list if is_dst else None, dst, group)
    if is_dst:
        return cast_data_device(gather_list, input_device)  # type: ignore[return-value]
    return []


def broadcast(data: Tensor, src: int = 0, group: ProcessGroup | None = None) -> None:
    """Broadcast the data from ``src`` process to the whole group.

    ``data`` must have the same number of elements in all processes
    participating in the collective.

    Note:
        Calling ``broadcast`` in non-distributed environment does nothing.

    Args:
        data (Tensor): Data to be sent if ``src`` is the rank of current
            process, and data to be used to save received data otherwise.
        src (int): Source rank. Defaults to 0.
        group (ProcessGroup, optional): The process group to work on. If None,
            the default process group will be used. Defaults to None.
    """
    if get_world_size(group) == 1:
        return
    group = _group_or_default(group)
    on_device = _to_comm_device(data, get_comm_device(group))
    torch_dist.broadcast(on_device, src, group)
    if get_rank() != src and on_device is not data:
        data.copy_(on_device)


def sync_random_seed(group: ProcessGroup | None = None) -> int:
    """Synchronize a random seed to all processes.

    In distributed sampling, different ranks should sample non-overlapped
    data in the dataset. Therefore, this function is used to make sure that
    each rank shuffles the data indices in the same order based on the same
    seed. Then different ranks could use different indices to select
    non-overlapped data from the same data list.

    Args:
        group (ProcessGroup, optional): The process group to work on. If None,
            the default process group will be used. Defaults to None.

    Returns:
        int: Random seed, drawn by rank 0 and the same on every rank.
    """
    seed = int(np.random.randint(2**31))
    if get_world_size(group) == 1:
        return seed
    group = _group_or_default(group)
    backend_device = get_comm_device(group)
    value = seed if get_rank(group) == 0 else 0
    random_num = torch.tensor(value, dtype=torch.int32, device=backend_device)
    torch_dist.broadcast(random_num, src=_global_rank(group, 0), group=group)
    return int(random_num.item())


def _global_rank(group: ProcessGroup | None, group_rank: int) -> int:
    """Translate a rank within ``group`` to the global rank torch expects."""
    if group is None or group is get_default_group():
        return group_rank
    return torch_dist.get_global_rank(group, group_rank)


def broadcast_object_list(data: list[Any], src: int = 0, group: ProcessGroup | None = None) -> None:
    """Broadcasts picklable objects in ``object_list`` to the whole group.

    Similar to :func:`broadcast`, but Python objects can be passed in. Note
    that all objects in ``object_list`` must be picklable in order to be
    broadcasted. The list is updated in place.

    Note:
        Calling ``broadcast_object_list`` in non-distributed environment does
        nothing.

    Args:
        data (List[Any]): List of input objects to broadcast. Each object must
            be picklable. Only objects on the ``src`` rank will be broadcast,
            but each rank must provide lists of equal sizes.
        src (int): Source rank from which to broadcast ``object_list``.
        group (ProcessGroup, optional): The process group to work on. If None,
            the default process group will be used. Default is None.

    Raises:
        TypeError: If ``data`` is not a list.
    """
    if not isinstance(data, list):
        raise InvalidArgumentTypeError(
            "broadcast_object_list: data should be a list (it is filled in place), "
            f"but got {type(data).__name__}"
        )
    if get_world_size(group) == 1:
        return
    group = _group_or_default(group)
    torch_dist.broadcast_object_list(data, src, group)


def _sorted_keys(data: dict, group: ProcessGroup | None) -> list:
    """Keys of ``data`` in one order that every rank agrees on."""
    try:
        return sorted(data.keys())
    except TypeError:  # keys of mixed types: use the order of rank 0
        keys = [list(data.keys())]
        broadcast_object_list(keys, src=_global_rank(group, 0), group=group)
        return keys[0]


def all_reduce_dict(
    data: dict[str, Tensor], op: str = "sum", group: ProcessGroup | None = None
) -> None:
    """Reduces the dict across all machines in such a way that all get the
    final result.

    The values are flattened, in the order of the sorted keys, into one
    buffer reduced with a single collective (as 0.10 does): tensors of
    different dtypes are promoted to a common dtype, which every value of the
    result then has (e.g. an int64 count next to float32 losses comes back as
    float32, so its ``'mean'`` is not truncated). The reduced values replace
    those of ``data`` (same keys, shapes and devices).

    Args:
        data (dict[str, Tensor]): Data to be reduced. Every rank must pass
            the same keys with tensors of the same shapes.
        op (str): Operation to reduce data. Defaults to 'sum'. Optional values
            are 'sum', 'mean' and 'product', 'min', 'max', 'band', 'bor' and
            'bxor'.
        group (ProcessGroup, optional): The process group to work on. If None,
            the default process group will be used. Defaults to None.

    Raises:
        TypeError: If ``data`` is not a dict, or (in a distributed
            environment) holds something other than tensors.
        ValueError: If ``op`` is unknown (in a distributed environment).

    Examples:
        >>> import torch
        >>> import mmengine.dist as dist
        >>> data = {'key1': torch.arange(2), 'key2': torch.arange(3)}
        >>> dist.all_reduce_dict(data)  # non-distributed: unchanged
        >>> data
        {'key1': tensor([0, 1]), 'key2': tensor([0, 1, 2])}
    """
    if not isinstance(data, dict):
        raise InvalidArgumentTypeError(
            f"all_reduce_dict expects dict as input, but got {type(data).__name__}"
        )
    if get_world_size(group) == 1 or not data:
        return
    for key, value in data.items():
        if not isinstance(value, Tensor):
            raise InvalidArgumentTypeError(
                f"all_reduce_dict expects a dict of tensors, but data[{key!r}] is "
                f"{type(value).__name__}"
            )
    _check_op(op)
    group = _group_or_default(group)
    keys = _sorted_keys(data, group)
    device = data[keys[0]].device
    # torch.cat promotes mixed dtypes, as 0.10's flattening did.
    flat = torch.cat([data[k].reshape(-1).to(device) for k in keys])
    all_reduce(flat, op=op, group=group)
    offset = 0
    for key in keys:
        old = data[key]
        numel = old.numel()
        data[key] = flat[offset : offset + numel].reshape(old.shape).to(old.device)
        offset += numel


def _interleave(parts: list[list], size: int) -> list:
    """Merge rank-wise parts in the order a DistributedSampler split the data.

    Rank ``r`` holds the samples ``r, r + world_size, r + 2 * world_size, ...``
    so taking one item of each part in turn restores the dataset order. Parts
    of unequal length are supported; the result is truncated to ``size``
    (dropping the samples the sampler padded).
    """
    ordered: list = []
    longest = max((len(p) for p in parts), default=0)
    for i in range(longest):
        for part in parts:
            if i < len(part):
                ordered.append(part[i])
    return ordered[:size]


def collect_results(
    results: list, size: int, device: str = "cpu", tmpdir: str | None = None
) -> list | None:
    """Collected results in distributed environments.

    Args:
        results (list[object]): Result list containing result parts to be
            collected. Each item of ``result_part`` should be a picklable
            object.
        size (int): Size of the results, commonly equal to length of the
            results.
        device (str): Device name. Optional values are 'cpu' and 'gpu'.
        tmpdir (str | None): Temporal directory for collected results to
            store. If set to None, it will create a temporal directory for it.
            ``tmpdir`` should be None when device is 'gpu'. Defaults to None.

    Returns:
        list or None: The collected results on rank 0, None on the others.

    Raises:
        NotImplementedError: If ``device`` is none of 'cpu', 'gpu' and 'npu'.
        ValueError: If ``tmpdir`` is given with ``device='gpu'``.

    Examples:
        >>> import mmengine.dist as dist
        >>> if dist.get_rank() == 0:
        ...     data = ['foo', {1: 2}]
        ... else:
        ...     data = [24, {'a': 'b'}]
        >>> # not distributed: the results of this process
        >>> dist.collect_results(data, 4, device='cpu')
        ['foo', {1: 2}]

        Launched on 2 ranks, the same code returns ``['foo', 24, {1: 2}, {'a': 'b'}]``
        on rank 0 and ``None`` on rank 1.
    """
    if device not in ("gpu", "cpu", "npu"):
        raise NotImplementedError(f"device must be 'cpu' , 'gpu' or 'npu', but got {device}")
    if device in ("gpu", "npu"):  # collectives on the accelerator
        if tmpdir is not None:
            raise InvalidArgumentValueError(
                f"tmpdir should be None when device is {device} (got tmpdir={tmpdir!r}: "
                "results are exchanged by collectives, not through files)"
            )
        return collect_results_gpu(results, size)
    return collect_results_cpu(results, size, tmpdir)


def collect_results_cpu(result_part: list, size: int, tmpdir: str | None = None) -> list | None:
    """Collect results under cpu mode.

    On cpu mode, this function will save the results on different gpus to
    ``tmpdir`` and collect them by the rank 0 worker. ``tmpdir`` must be on a
    file system every rank can reach (the default is created under
    ``./.dist_test``, relative to the working directory). It is removed
    once rank 0 has read the results.

    Args:
        result_part (list): Result list containing result parts to be
            collected. Each item of ``result_part`` should be a picklable
            object.
        size (int): Size of the results, commonly equal to length of the
            results.
        tmpdir (str | None): Temporal directory for collected results to
            store. If set to None, it will create a random temporal directory
            for it. Defaults to None.

    Returns:
        list or None: The collected results on rank 0, None on the others.

    Raises:
        FileNotFoundError: If rank 0 cannot see the part written by another
            rank (``tmpdir`` is not on a shared file system).
    """
    rank, world_size = get_dist_info()
    if world_size == 1:
        return result_part[:size]

    created_parent = False
    if tmpdir is None:
        holder: list[Any] = [None]
        if rank == 0:
            created_parent = not os.path.isdir(_COLLECT_DIR)
            os.makedirs(_COLLECT_DIR, exist_ok=True)
            holder[0] = os.path.abspath(tempfile.mkdtemp(dir=_COLLECT_DIR))
        broadcast_object_list(holder, src=0)
        tmpdir = holder[0]
    else:
        os.makedirs(tmpdir, exist_ok=True)
    assert tmpdir is not None

    with open(os.path.join(tmpdir, f"part_{rank}.pkl"), "wb") as f:
        pickle.dump(result_part, f, protocol=pickle.HIGHEST_PROTOCOL)
    barrier()
    if rank != 0:
        return None

    part_list = []
    for i in range(world_size):
        path = os.path.join(tmpdir, f"part_{i}.pkl")
        if not os.path.exists(path):
            raise FileNotFoundError(
                f"collect_results_cpu: {path} written by rank {i} is not visible on rank 0. "
                "tmpdir must be on a file system shared by all ranks; pass such a tmpdir "
                "or use collect_results(..., device='gpu')."
            )
        with open(path, "rb") as f:
            part_list.append(pickle.load(f))
    shutil.rmtree(tmpdir)
    if created_parent:
        try:
            os.rmdir(_COLLECT_DIR)
        except OSError:  # another job is using it; leave it
            pass
    return _interleave(part_list, size)


def collect_results_gpu(result_part: list, size: int) -> list | None:
    """Collect results under gpu mode.

    On gpu mode, this function will encode results to tensors and use the
    communication backend (object collectives) for results collection, so it
    works with any backend, gloo on CPU included.

    Args:
        result_part (list[object]): Result list containing result parts to be
            collected. Each item of ``result_part`` should be a picklable
            object.
        size (int): Size of the results, commonly equal to length of the
            results.

    Returns:
        list or None: The collected results on rank 0, None on the others.
    """
    rank, world_size = get_dist_info()
    if world_size == 1:
        return result_part[:size]
    # NCCL has no gather of objects on older torch: all_gather works everywhere.
    part_list = all_gather_object(result_part)
    if rank != 0:
        return None
    return _interleave(part_list, size)


def all_gather_object(data: Any, group: ProcessGroup | None = None) -> list[Any]:
    """Gather picklable objects from the whole group into a list.

    Similar to :func:`all_gather`, but Python objects can be passed in. Note
    that the object must be picklable in order to be gathered.

    Note:
        Calling ``all_gather_object`` in non-distributed environment does
        nothing and just returns a list containing data itself.

    Note:
        For NCCL-based process groups, internal tensor representations of
        objects must be moved to the GPU device before communication starts.
        In this case, the used device is given by
        ``torch.cuda.current_device()`` and it is the user's responsibility to
        ensure that this is correctly set so that each rank has an individual
        GPU, via ``torch.cuda.set_device()``.

    Args:
        data (Any): Pickable Python object to be broadcast from current
            process.
        group (ProcessGroup, optional): The process group to work on. If None,
            the default process group will be used. Defaults to None.

    Returns:
        list: Return a list containing data from the whole group if in
        distributed environment, otherwise a list only containing ``data``
        itself.
    """
    world_size = get_world_size(group)
    if world_size == 1:
        return [data]
    group = _group_or_default(group)
    gather_list: list[Any] = [None] * world_size
    torch_dist.all_gather_object(gather_list, data, group)
    return gather_list


def gather_object(data: Any, dst: int = 0, group: ProcessGroup | None = None) -> list[Any] | None:
    """Gathers picklable objects from the whole group in a single process.

    Similar to :func:`gather`, but Python objects can be passed in. Note that
    the object must be picklable in order to be gathered.

    Note:
        Unlike ``torch.distributed.gather_object``, the gathered list is
        returned instead of being passed in.

    Args:
        data (Any): Input object. Must be picklable.
        dst (int): Destination rank. Defaults to 0.
        group (ProcessGroup, optional): The process group to work on. If None,
            the default process group will be used. Defaults to None.

    Returns:
        list[Any] or None: On the ``dst`` rank, the objects of every rank in
        rank order; None on the other ranks. ``[data]`` in a non-distributed
        environment.
    """
    world_size = get_world_size(group)
    if world_size == 1:
        return [data]
    group = _group_or_default(group)
    is_dst = get_rank() == dst  # torch.distributed addresses dst by global rank
    gather_list: list[Any] | None = [None] * world_size if is_dst else None
    torch_dist.gather_object(data, gather_list, dst, group)
    return gather_list


def all_reduce_params(
    params: list[Tensor] | Generator[Tensor, None, None] | Iterable[Tensor],
    coalesce: bool = True,
    bucket_size_mb: int = -1,
    op: str = "sum",
    group: ProcessGroup | None = None,
) -> None:
    """All-reduce parameters.

    Args:
        params (List or Generator[torch.Tensor, None, None]): List of
            parameters or buffers of a model. They are updated in place.
        coalesce (bool, optional): Whether to reduce parameters as a whole
            (tensors of one dtype and device are flattened into buckets).
            Defaults to True.
        bucket_size_mb (int, optional): Size of bucket, the unit is MB.
            Non-positive means one bucket per dtype and device. Defaults to
            -1.
        op (str): Operation to reduce data. Defaults to 'sum'. Optional values
            are 'sum', 'mean' and 'product', 'min', 'max', 'band', 'bor' and
            'bxor'.
        group (ProcessGroup, optional): The process group to work on. If None,
            the default process group will be used. Defaults to None.

    Examples:
        >>> import torch
        >>> import mmengine.dist as dist
        >>> data = [torch.arange(2), torch.arange(3)]
        >>> dist.all_reduce_params(data)  # non-distributed: unchanged
        >>> data
        [tensor([0, 1]), tensor([0, 1, 2])]
    """
    if get_world_size(group) == 1:
        return
    _check_op(op)
    group = _group_or_default(group)
    tensors = [p.data for p in params]
    if not coalesce:
        for tensor in tensors:
            all_reduce(tensor, op=op, group=group)
        return
    for bucket in _buckets(tensors, bucket_size_mb):
        flat = torch.cat([t.reshape(-1) for t in bucket])
        all_reduce(flat, op=op, group=group)
        offset = 0
        for tensor in bucket:
            numel = tensor.numel()
            tensor.copy_(flat[offset : offset + numel].view_as(tensor))
            offset += numel


def _buckets(tensors: list[Tensor], bucket_size_mb: int) -> list[list[Tensor]]:
    """Split tensors into buckets of one dtype and device, in a stable order."""
    by_kind: dict[tuple, list[Tensor]] = {}
    for tensor in tensors:
        by_kind.setdefault((tensor.dtype, tensor.device), []).append(tensor)
    if bucket_size_mb <= 0:
        return list(by_kind.values())
    limit = bucket_size_mb * 1024 * 1024
    buckets: list[list[Tensor]] = []
    for same_kind in by_kind.values():
        current: list[Tensor] = []
        current_bytes = 0
        for tensor in same_kind:
            nbytes = tensor.numel() * tensor.element_size()
            if current and current_bytes + nbytes > limit:
                buckets.append(current)
                current, current_bytes = [], 0
            current.append(tensor)
            current_bytes += nbytes
        if current:
            buckets.append(current)
    return buckets
