"""Set up the distributed environment and query it.

Every query works in a plain single process too: with no process group it
answers as a world of one (rank 0, world size 1, backend ``None``), so the
same code runs with and without a launcher.
"""

from __future__ import annotations

import atexit
import datetime
import functools
import os
import subprocess
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import numpy as np
import torch
import torch.distributed as torch_dist
import torch.multiprocessing as mp
from torch import Tensor
from torch.distributed import ProcessGroup

from mmengine.device import (
    is_cuda_available,
    is_mlu_available,
    is_musa_available,
    is_npu_available,
)
from mmengine.dist._errors import LocalGroupInitializedError, ProcessGroupInitializedError

__all__ = [
    "barrier",
    "cast_data_device",
    "get_backend",
    "get_comm_device",
    "get_data_device",
    "get_default_group",
    "get_dist_info",
    "get_local_group",
    "get_local_rank",
    "get_local_size",
    "get_rank",
    "get_world_size",
    "infer_launcher",
    "init_dist",
    "init_local_group",
    "is_distributed",
    "is_main_process",
    "master_only",
]

_F = TypeVar("_F", bound=Callable[..., Any])

# The group of processes that share this machine, built by init_local_group().
_LOCAL_PROCESS_GROUP: ProcessGroup | None = None

_LAUNCHERS = ("pytorch", "mpi", "slurm")
_INIT_BACKENDS = ("torch", "deepspeed", "colossalai")
_DEFAULT_MASTER_PORT = "29500"


# --------------------------------------------------------------------------
# Initialization
# --------------------------------------------------------------------------


def infer_launcher() -> str:
    """Guess how the current process was launched from its environment.

    Returns:
        str: ``'pytorch'`` when ``WORLD_SIZE`` is set (torchrun,
        ``torch.distributed.launch``), ``'slurm'`` when ``SLURM_NTASKS`` is
        set, ``'mpi'`` when ``OMPI_COMM_WORLD_LOCAL_RANK`` is set, otherwise
        ``'none'``.
    """
    if "WORLD_SIZE" in os.environ:
        return "pytorch"
    if "SLURM_NTASKS" in os.environ:
        return "slurm"
    if "OMPI_COMM_WORLD_LOCAL_RANK" in os.environ:
        return "mpi"
    return "none"


def init_dist(launcher: str, backend: str = "nccl", init_backend: str = "torch", **kwargs) -> None:
    """Initialize distributed environment.

    The launcher decides where rank and world size come from:

    - ``'pytorch'``: ``RANK``, ``LOCAL_RANK``, ``WORLD_SIZE``, ``MASTER_ADDR``
      and ``MASTER_PORT`` as set by ``torchrun``.
    - ``'slurm'``: ``SLURM_PROCID``, ``SLURM_NTASKS``, ``SLURM_NODELIST`` and
      ``SLURM_LOCALID``; the master address is the first host of the node
      list (unless ``MASTER_ADDR`` is set) and the port is ``port`` from
      ``kwargs``, else ``MASTER_PORT``, else 29500.
    - ``'mpi'``: ``OMPI_COMM_WORLD_RANK``, ``OMPI_COMM_WORLD_SIZE`` and
      ``OMPI_COMM_WORLD_LOCAL_RANK``; ``MASTER_ADDR`` must be set and
      ``MASTER_PORT`` defaults to 29500.

    The process is bound to the accelerator of its local rank when one is
    available. When ``'nccl'`` is requested, the vendor backend (``hccl``,
    ``cncl``, ``mccl``) is used on Ascend NPU, Cambricon MLU and Moore Threads
    MUSA machines, and on a machine without any accelerator the ``'gloo'``
    backend is used instead, with a warning, so CPU-only machines run configs
    written for GPUs. Other backends are used as requested.

    Args:
        launcher (str): Way to launcher multi processes. Supported launchers
            are 'pytorch', 'mpi' and 'slurm'.
        backend (str): Communication Backends. Supported backends are 'nccl',
            'gloo' and 'mpi'. Defaults to 'nccl'.
        init_backend (str): The library that sets up the process group:
            'torch', 'deepspeed' or 'colossalai'. Defaults to 'torch'.
        **kwargs: keyword arguments are passed to ``init_process_group``.
            ``timeout`` may be given in seconds (int or float) or as a
            ``datetime.timedelta``.

    Raises:
        ValueError: If ``launcher`` or ``init_backend`` is not supported.
        TypeError: If ``timeout`` is neither a number nor a timedelta.
        KeyError: If an environment variable the launcher needs is missing.
        ProcessGroupInitializedError: If the default process group is already
            initialized (a ``ValueError``, as torch raises in 0.10, and a
            ``RuntimeError``).
        ModuleNotFoundError: If ``init_backend`` names a library that is not
            installed.
    """
    if launcher not in _LAUNCHERS:
        raise ValueError(
            f"Invalid launcher type: {launcher} (init_dist() supports {list(_LAUNCHERS)}; "
            "use launcher='none' in your config, and do not call init_dist, for a "
            "non-distributed run)"
        )
    if init_backend not in _INIT_BACKENDS:
        raise ValueError(
            f'supported "init_backend" is "torch" or "deepspeed", but got {init_backend} '
            f'(init_dist() also accepts "colossalai"; one of {list(_INIT_BACKENDS)})'
        )
    if is_distributed():
        raise ProcessGroupInitializedError(
            "trying to initialize the default process group twice! init_dist() was called but "
            f"the default process group is already initialized (backend {get_backend()!r}, "
            f"world size {get_world_size()}). Call it once per process, or call "
            "torch.distributed.destroy_process_group() first."
        )
    if "timeout" in kwargs:
        kwargs["timeout"] = _to_timedelta(kwargs["timeout"])
    if mp.get_start_method(allow_none=True) is None:
        # CUDA cannot be used in forked subprocesses (dataloader workers).
        mp.set_start_method("spawn")

    if launcher == "pytorch":
        _init_dist_pytorch(backend, init_backend=init_backend, **kwargs)
    elif launcher == "mpi":
        _init_dist_mpi(backend, init_backend=init_backend, **kwargs)
    else:
        _init_dist_slurm(backend, init_backend=init_backend, **kwargs)


def _to_timedelta(timeout: Any) -> datetime.timedelta | None:
    """Convert a ``timeout`` given in seconds to a ``timedelta``."""
    if timeout is None or isinstance(timeout, datetime.timedelta):
        return timeout
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise TypeError(
            "Timeout for distributed training must be provided as timeout in seconds, but "
            f"we've received the type {type(timeout)}. Please specify the timeout like this: "
            f"dist_cfg=dict(backend='nccl', timeout=1800) (got {timeout!r}; an int or float "
            "number of seconds, or a datetime.timedelta, is accepted)"
        )
    return datetime.timedelta(seconds=timeout)


_LAUNCHER_HINTS = {
    "pytorch": "torchrun --nproc_per_node=N train.py --launcher pytorch",
    "slurm": "srun ... python train.py --launcher slurm",
    "mpi": "mpirun -np N python train.py --launcher mpi",
}


def _require_env(name: str, launcher: str) -> str:
    """Read an environment variable a launcher needs, with a clear error."""
    value = os.environ.get(name)
    if value is None:
        raise KeyError(
            f"init_dist(launcher={launcher!r}) needs the environment variable {name}, which "
            f"is not set. Start the script with the {launcher} launcher "
            f"({_LAUNCHER_HINTS[launcher]}) or set {name} yourself."
        )
    return value


def _resolve_backend(backend: str) -> str:
    """Pick the backend that can actually run on this machine.

    ``'nccl'`` (the default, meaning "the accelerator's backend") becomes the
    vendor backend on Ascend NPU (hccl), Cambricon MLU (cncl) and Moore
    Threads MUSA (mccl) machines, and ``'gloo'`` when no accelerator is
    available. Any other explicitly requested backend is kept.
    """
    if backend != "nccl":
        return backend
    if is_npu_available():
        return "hccl"
    if is_mlu_available():
        return "cncl"
    if is_musa_available():
        return "mccl"
    if not is_cuda_available():
        warnings.warn(
            "init_dist(backend='nccl') was requested but CUDA is not available; "
            "falling back to the 'gloo' backend. Set backend='gloo' in dist_cfg to "
            "silence this warning.",
            stacklevel=4,
        )
        return "gloo"
    return backend


def _set_local_device(local_rank: int, backend: str) -> None:
    """Bind this process to the accelerator of its local rank, if any."""
    if is_npu_available():
        torch.npu.set_device(local_rank)
    elif is_mlu_available():
        torch.mlu.set_device(local_rank)
    elif is_musa_available():
        torch.musa.set_device(local_rank)
    elif is_cuda_available():
        num_gpus = torch.cuda.device_count()
        if local_rank < num_gpus:
            torch.cuda.set_device(local_rank)
        elif "nccl" in backend:
            raise RuntimeError(
                f"Local rank {local_rank} has no GPU: only {num_gpus} CUDA device(s) are "
                "visible, and the NCCL backend needs one GPU per process. Launch at most "
                "one process per GPU on each node (check --nproc_per_node and "
                "CUDA_VISIBLE_DEVICES), or use backend='gloo'."
            )
        else:
            warnings.warn(
                f"Local rank {local_rank} has no GPU of its own ({num_gpus} visible); the "
                f"current CUDA device is left unchanged (backend {backend!r}).",
                stacklevel=4,
            )


def _destroy_default_group_at_exit() -> None:
    """Destroy the default process group created by :func:`init_dist` when the interpreter
    exits, unless the program did. Left to the interpreter's teardown, a gloo group's worker
    threads can be destroyed while joinable and abort the process (``terminate called without
    an active exception``) after a successful run."""
    try:
        if torch_dist.is_available() and torch_dist.is_initialized():
            if torch_dist.get_backend() == "gloo" and torch_dist.get_world_size() > 1:
                # Leave together: a rank whose peer tears gloo down mid-work aborts.
                torch_dist.monitored_barrier(timeout=datetime.timedelta(seconds=60))
            torch_dist.destroy_process_group()
    except Exception:  # noqa: BLE001 - best effort at exit; the run itself has finished
        pass


def _init_process_group(backend: str, init_backend: str, launcher: str, **kwargs) -> None:
    """Create the default process group with the chosen library."""
    if init_backend == "torch":
        torch_dist.init_process_group(backend=backend, **kwargs)
        atexit.register(_destroy_default_group_at_exit)
    elif init_backend == "deepspeed":
        try:
            import deepspeed
        except ImportError as exc:
            raise ModuleNotFoundError(
                "No module named 'deepspeed': init_dist(init_backend='deepspeed') needs "
                "DeepSpeed: pip install deepspeed",
                name="deepspeed",
            ) from exc
        deepspeed.init_distributed(dist_backend=backend, **kwargs)
    else:
        try:
            import colossalai
        except ImportError as exc:
            raise ModuleNotFoundError(
                "No module named 'colossalai': init_dist(init_backend='colossalai') needs "
                "ColossalAI: pip install colossalai",
                name="colossalai",
            ) from exc
        if launcher == "slurm":
            colossalai.launch_from_slurm(
                backend=backend,
                host=os.environ["MASTER_ADDR"],
                port=os.environ["MASTER_PORT"],
                **kwargs,
            )
        else:
            colossalai.launch_from_torch(backend=backend, **kwargs)


def _init_dist_pytorch(backend: str, init_backend: str = "torch", **kwargs) -> None:
    """Initialize from the environment set by ``torchrun``."""
    _require_env("RANK", "pytorch")
    _require_env("WORLD_SIZE", "pytorch")
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    backend = _resolve_backend(backend)
    _set_local_device(local_rank, backend)
    _init_process_group(backend, init_backend, "pytorch", **kwargs)


def _init_dist_mpi(backend: str, init_backend: str = "torch", **kwargs) -> None:
    """Initialize from the environment set by Open MPI's ``mpirun``.

    The process group is always created by torch (as 0.10 does): another
    ``init_backend`` is ignored, with a warning.
    """
    if init_backend != "torch":
        warnings.warn(
            f"init_dist(launcher='mpi') ignores init_backend={init_backend!r}: the process "
            "group is created by torch.distributed.",
            stacklevel=3,
        )
    local_rank = int(_require_env("OMPI_COMM_WORLD_LOCAL_RANK", "mpi"))
    world_size = _require_env("OMPI_COMM_WORLD_SIZE", "mpi")
    rank = _require_env("OMPI_COMM_WORLD_RANK", "mpi")
    if "MASTER_ADDR" not in os.environ:
        raise KeyError(
            "init_dist(launcher='mpi') needs the environment variable MASTER_ADDR (the "
            "address of the rank-0 host), which is not set. Export it to every process, "
            "e.g. mpirun -x MASTER_ADDR=<host> ..."
        )
    os.environ.setdefault("MASTER_PORT", _DEFAULT_MASTER_PORT)
    os.environ["WORLD_SIZE"] = world_size
    os.environ["RANK"] = rank
    os.environ["LOCAL_RANK"] = str(local_rank)
    backend = _resolve_backend(backend)
    _set_local_device(local_rank, backend)
    _init_process_group(backend, "torch", "mpi", **kwargs)


def _init_dist_slurm(
    backend: str, port: int | str | None = None, init_backend: str = "torch", **kwargs
) -> None:
    """Initialize from the environment of a slurm job step (``srun``).

    Args:
        backend (str): Backend of torch.distributed.
        port (int, optional): Master port. Overrides ``MASTER_PORT``; 29500
            when neither is given.
        init_backend (str): 'torch', 'deepspeed' or 'colossalai'.
        **kwargs: Passed to ``init_process_group``.
    """
    proc_id = int(_require_env("SLURM_PROCID", "slurm"))
    ntasks = int(_require_env("SLURM_NTASKS", "slurm"))
    node_list = _require_env("SLURM_NODELIST", "slurm")
    local_id = os.environ.get("SLURM_LOCALID")
    if local_id is not None:
        local_rank = int(local_id)
    else:
        num_gpus = torch.cuda.device_count() if is_cuda_available() else 0
        local_rank = proc_id % num_gpus if num_gpus else 0
    if port is not None:
        os.environ["MASTER_PORT"] = str(port)
    else:
        os.environ.setdefault("MASTER_PORT", _DEFAULT_MASTER_PORT)
    if "MASTER_ADDR" not in os.environ:
        addr = subprocess.getoutput(f"scontrol show hostname {node_list} | head -n1").strip()
        if not addr or " " in addr:
            raise RuntimeError(
                f"Could not resolve the master address from SLURM_NODELIST={node_list!r} "
                f"with `scontrol show hostname` (output: {addr!r}). Set MASTER_ADDR."
            )
        os.environ["MASTER_ADDR"] = addr
    os.environ["WORLD_SIZE"] = str(ntasks)
    os.environ["LOCAL_RANK"] = str(local_rank)
    os.environ["RANK"] = str(proc_id)
    backend = _resolve_backend(backend)
    _set_local_device(local_rank, backend)
    _init_process_group(backend, init_backend, "slurm", **kwargs)


def init_local_group(node_rank: int, num_gpus_per_node: int) -> None:
    """Setup the local process group.

    Setup a process group which only includes processes that on the same
    machine as the current process. Every process of the default group must
    call it (creating groups is collective).

    Args:
        node_rank (int): Rank of machines used for training.
        num_gpus_per_node (int): Number of gpus used for training in a single
            machine.

    Raises:
        LocalGroupInitializedError: If the local group was already created
            (a ``RuntimeError`` and, as 0.10 asserted, an ``AssertionError``).
        ValueError: If the world size is not a multiple of
            ``num_gpus_per_node`` or ``node_rank`` is out of range.
    """
    global _LOCAL_PROCESS_GROUP
    if _LOCAL_PROCESS_GROUP is not None:
        raise LocalGroupInitializedError(
            "The local process group was already created by init_local_group(); "
            "call it once per process."
        )
    if num_gpus_per_node <= 0:
        raise ValueError(f"num_gpus_per_node must be positive, got {num_gpus_per_node}")
    world_size = get_world_size()
    if world_size % num_gpus_per_node != 0:
        raise ValueError(
            f"init_local_group: world size {world_size} is not a multiple of "
            f"num_gpus_per_node={num_gpus_per_node}; every node must run the same "
            "number of processes."
        )
    num_nodes = world_size // num_gpus_per_node
    if not 0 <= node_rank < num_nodes:
        raise ValueError(
            f"init_local_group: node_rank must be in [0, {num_nodes}), got {node_rank}"
        )
    for i in range(num_nodes):
        ranks = list(range(i * num_gpus_per_node, (i + 1) * num_gpus_per_node))
        group = torch_dist.new_group(ranks)
        if i == node_rank:
            _LOCAL_PROCESS_GROUP = group


# --------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------


def is_distributed() -> bool:
    """Return True if distributed environment has been initialized."""
    return torch_dist.is_available() and torch_dist.is_initialized()


def get_local_group() -> ProcessGroup | None:
    """Return local process group.

    Returns:
        ProcessGroup or None: None in a non-distributed environment.

    Raises:
        RuntimeError: If distributed but :func:`init_local_group` was never
            called.
    """
    if not is_distributed():
        return None
    if _LOCAL_PROCESS_GROUP is None:
        raise RuntimeError(
            "Local process group is not created, please use `init_local_group` to "
            "setup local process group."
        )
    return _LOCAL_PROCESS_GROUP


def get_default_group() -> ProcessGroup | None:
    """Return default process group.

    Returns:
        ProcessGroup or None: None in a non-distributed environment.
    """
    if not is_distributed():
        return None
    return torch_dist.distributed_c10d._get_default_group()


def get_backend(group: ProcessGroup | None = None) -> str | None:
    """Return the backend of the given process group.

    Note:
        Calling ``get_backend`` in non-distributed environment will return
        None.

    Args:
        group (ProcessGroup, optional): The process group to work on. The
            default is the general main process group. If another specific
            group is specified, the calling process must be part of
            :attr:`group`. Defaults to None.

    Returns:
        str or None: Return the backend of the given process group as a lower
        case string if in distributed environment, otherwise None.
    """
    if not is_distributed():
        return None
    if group is None:
        group = get_default_group()
    return str(torch_dist.get_backend(group)).lower()


def get_world_size(group: ProcessGroup | None = None) -> int:
    """Return the number of the given process group.

    Note:
        Calling ``get_world_size`` in non-distributed environment will return
        1.

    Args:
        group (ProcessGroup, optional): The process group to work on. If None,
            the default process group will be used. Defaults to None.

    Returns:
        int: Return the number of processes of the given process group if in
        distributed environment, otherwise 1.
    """
    if not is_distributed():
        return 1
    if group is None:
        group = get_default_group()
    return torch_dist.get_world_size(group)


def get_rank(group: ProcessGroup | None = None) -> int:
    """Return the rank of the given process group.

    Rank is a unique identifier assigned to each process within a distributed
    process group. They are always consecutive integers ranging from 0 to
    ``world_size``.

    Note:
        Calling ``get_rank`` in non-distributed environment will return 0.

    Args:
        group (ProcessGroup, optional): The process group to work on. If None,
            the default process group will be used. Defaults to None.

    Returns:
        int: Return the rank of the process group if in distributed
        environment, otherwise 0.
    """
    if not is_distributed():
        return 0
    if group is None:
        group = get_default_group()
    return torch_dist.get_rank(group)


def get_local_size() -> int:
    """Return the number of the current node.

    The size of the group made by :func:`init_local_group` when it exists,
    else ``LOCAL_WORLD_SIZE`` as set by ``torchrun``.

    Returns:
        int: Return the number of processes in the current node if in
        distributed environment, otherwise 1.

    Raises:
        RuntimeError: If distributed, no local group was created and
            ``LOCAL_WORLD_SIZE`` is not set.
    """
    if not is_distributed():
        return 1
    if _LOCAL_PROCESS_GROUP is not None:
        return torch_dist.get_world_size(_LOCAL_PROCESS_GROUP)
    if "LOCAL_WORLD_SIZE" in os.environ:
        return int(os.environ["LOCAL_WORLD_SIZE"])
    # raises the explanatory error
    return torch_dist.get_world_size(get_local_group())


def get_local_rank() -> int:
    """Return the rank of current process in the current node.

    The rank within the group made by :func:`init_local_group` when it
    exists, else ``LOCAL_RANK`` as set by ``torchrun`` (and by ``init_dist``
    for the slurm and mpi launchers).

    Returns:
        int: Return the rank of current process in the current node if in
        distributed environment, otherwise 0.

    Raises:
        RuntimeError: If distributed, no local group was created and
            ``LOCAL_RANK`` is not set.
    """
    if not is_distributed():
        return 0
    if _LOCAL_PROCESS_GROUP is not None:
        return torch_dist.get_rank(_LOCAL_PROCESS_GROUP)
    if "LOCAL_RANK" in os.environ:
        return int(os.environ["LOCAL_RANK"])
    return torch_dist.get_rank(get_local_group())


def get_dist_info(group: ProcessGroup | None = None) -> tuple[int, int]:
    """Get distributed information of the given process group.

    Note:
        Calling ``get_dist_info`` in non-distributed environment will return
        (0, 1).

    Args:
        group (ProcessGroup, optional): The process group to work on. If None,
            the default process group will be used. Defaults to None.

    Returns:
        tuple[int, int]: Return a tuple containing the ``rank`` and
        ``world_size``.
    """
    return get_rank(group), get_world_size(group)


def is_main_process(group: ProcessGroup | None = None) -> bool:
    """Whether the current rank of the given process group is equal to 0.

    Args:
        group (ProcessGroup, optional): The process group to work on. If None,
            the default process group will be used. Defaults to None.

    Returns:
        bool: Return True if the current rank of the given process group is
        equal to 0, otherwise False.
    """
    return get_rank(group) == 0


def master_only(func: _F) -> _F:
    """Decorate those methods which should be executed in master process.

    On the other ranks the decorated function is not called and returns None.

    Args:
        func (callable): Function to be decorated.

    Returns:
        callable: Return decorated function.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if is_main_process():
            return func(*args, **kwargs)
        return None

    return wrapper  # type: ignore[return-value]


def barrier(group: ProcessGroup | None = None) -> None:
    """Synchronize all processes from the given process group.

    This collective blocks processes until the whole group enters this
    function.

    Note:
        Calling ``barrier`` in non-distributed environment will do nothing.

    Args:
        group (ProcessGroup, optional): The process group to work on. If None,
            the default process group will be used. Defaults to None.
    """
    if not is_distributed():
        return
    if group is None:
        group = get_default_group()
    torch_dist.barrier(group)


# --------------------------------------------------------------------------
# Devices of data and of communication
# --------------------------------------------------------------------------


def _is_container(data: Any) -> bool:
    """Whether ``data`` holds items to look into: any iterable but a string."""
    return isinstance(data, Iterable) and not isinstance(data, str)


def get_data_device(data: Tensor | Mapping | Iterable) -> torch.device:
    """Return the device of data.

    If ``data`` is a sequence of Tensor, all items in ``data`` should have a
    same device type.

    If ``data`` is a dict whose values are Tensor, all values should have a
    same device type.

    Args:
        data (Tensor or Sequence or dict): Inputs to be inferred the device.
            Nested sequences and dicts are searched recursively; any iterable
            but a string counts as a sequence (sets and generators too).

    Returns:
        torch.device: The device of ``data``.

    Raises:
        TypeError: If ``data`` holds something other than tensors.
        ValueError: If ``data`` is empty or its tensors sit on different
            devices.

    Examples:
        >>> import torch
        >>> from mmengine.dist import get_data_device
        >>> get_data_device(torch.tensor([0, 1]))
        device(type='cpu')
        >>> get_data_device([torch.tensor([0, 1]), torch.tensor([2, 3])])
        device(type='cpu')
        >>> get_data_device({'key1': torch.tensor([0, 1])})
        device(type='cpu')
    """
    if isinstance(data, Tensor):
        return data.device
    if isinstance(data, Mapping):
        items: Iterable = data.values()
    elif _is_container(data):
        items = data
    else:
        raise TypeError(
            f"data should be a Tensor, sequence of tensor or dict, but got {data} "
            f"(of type {type(data).__name__}: get_data_device() only looks for tensors, "
            "inside sequences and dicts)"
        )
    device: torch.device | None = None
    for item in items:
        current = get_data_device(item)
        if device is None:
            device = current
        elif current != device:
            raise ValueError(
                f"device type in data should be consistent, but got {current} and {device} "
                "(get_data_device() needs every tensor on one device; move them there first)"
            )
    if device is None:
        raise ValueError(
            "data should not be empty. (get_data_device() found no tensor to take the device from)"
        )
    return device


def get_comm_device(group: ProcessGroup | None = None) -> torch.device:
    """Return the device for communication among groups.

    Args:
        group (ProcessGroup, optional): The process group to work on.

    Returns:
        torch.device: The device of backend: the current CUDA device for
        NCCL, the current NPU/MLU/MUSA device for HCCL/CNCL/MCCL, otherwise
        the CPU (gloo, mpi, non-distributed).
    """
    backend = get_backend(group)
    if backend is None:
        return torch.device("cpu")
    if backend == "hccl":
        import torch_npu  # noqa: F401  # workspace: optional

        return torch.device("npu", torch.npu.current_device())
    if backend == "cncl":
        import torch_mlu  # noqa: F401  # workspace: optional

        return torch.device("mlu", torch.mlu.current_device())
    if backend == "mccl":
        import torch_musa  # noqa: F401  # workspace: optional

        return torch.device("musa", torch.musa.current_device())
    if "nccl" in backend or backend == "smddp":
        return torch.device("cuda", torch.cuda.current_device())
    return torch.device("cpu")


def _check_out(data: Any, out: Any) -> None:
    """Check that ``out`` can receive a copy of ``data``."""
    if type(out) is not type(data):
        raise TypeError(
            f"out should be the same type with data, but got data is {type(data)} and out "
            f"is {type(out)} (cast_data_device() copies into out in place)"
        )
    if isinstance(data, Tensor):
        return
    if isinstance(out, set | frozenset):
        raise TypeError(
            "out should not be a set (a set has no order to copy the casted items into)"
        )
    if isinstance(data, Mapping) or _is_container(data):
        if len(out) != len(data):
            raise ValueError(
                f"length of data and out should be same, but got {len(data)} and {len(out)}"
            )


def cast_data_device(
    data: Tensor | Mapping | Iterable,
    device: torch.device,
    out: Tensor | Mapping | Iterable | None = None,
) -> Tensor | Mapping | Iterable:
    """Recursively convert Tensor in data to device.

    If data has already on the device, it will not be casted again.

    Args:
        data (Tensor or list or dict): Inputs to be casted. Any iterable but
            a string or a numpy array counts as a list (its type is kept:
            tuples, sets, namedtuples and list subclasses come back as such).
        device (torch.device): Destination device type.
        out (Tensor or list or dict, optional): If out is specified, its value
            will be equal to ``data``: the casted tensors are copied into the
            tensors of ``out`` (which must have the same type and structure).
            Defaults to None.

    Returns:
        Tensor or list or dict: ``data`` was casted to ``device`` (also when
        ``out`` is given: ``out`` is filled in place, not returned).

    Raises:
        TypeError: If ``data`` has an unsupported type, or ``out`` has not
            the type of ``data``.
        ValueError: If ``data`` is empty or ``out`` does not match its length.
    """
    if out is not None:
        _check_out(data, out)

    if isinstance(data, Tensor):
        data_on_device = data.to(device)
        if out is not None:
            out.copy_(data_on_device)  # type: ignore[union-attr]
        return data_on_device

    if isinstance(data, Mapping):
        if len(data) == 0:
            raise ValueError(
                f"data should not be empty (cast_data_device() got an empty {type(data).__name__})"
            )
        result = type(data)()  # type: ignore[call-arg]
        for key, value in data.items():
            target = None if out is None else out[key]  # type: ignore[index]
            result[key] = cast_data_device(value, device, target)  # type: ignore[index]
        return result

    if _is_container(data) and not isinstance(data, np.ndarray):
        items = list(data)
        if len(items) == 0:
            raise ValueError(
                f"data should not be empty (cast_data_device() got an empty {type(data).__name__})"
            )
        if out is None:
            cast = [cast_data_device(value, device) for value in items]
        else:
            cast = [
                cast_data_device(value, device, target)
                for value, target in zip(items, out)  # type: ignore[call-overload]
            ]
        if type(data) is list:
            return cast
        if hasattr(data, "_fields"):  # namedtuple
            return type(data)(*cast)
        return type(data)(cast)  # type: ignore[call-arg]

    raise TypeError(
        f"data should be a Tensor, list of tensor or dict, but got {data} "
        f"(of type {type(data).__name__}: cast_data_device() moves tensors, inside "
        "lists, tuples and dicts)"
    )
