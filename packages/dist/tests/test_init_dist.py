"""init_dist: argument errors and world-of-one runs of every launcher (gloo)."""

from __future__ import annotations

import datetime
import os
import socket
import warnings

import pytest
import torch
import torch.distributed as torch_dist
import torch.multiprocessing as mp

import mmengine.dist as dist
import mmengine.dist.utils as dist_utils

_LAUNCH_ENV = (
    "RANK",
    "LOCAL_RANK",
    "WORLD_SIZE",
    "LOCAL_WORLD_SIZE",
    "MASTER_ADDR",
    "MASTER_PORT",
    "SLURM_PROCID",
    "SLURM_NTASKS",
    "SLURM_NODELIST",
    "SLURM_LOCALID",
    "OMPI_COMM_WORLD_LOCAL_RANK",
    "OMPI_COMM_WORLD_RANK",
    "OMPI_COMM_WORLD_SIZE",
)

_ENV_AT_IMPORT = {name: os.environ.get(name) for name in _LAUNCH_ENV}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def clean_env(monkeypatch):
    """No launcher variables, no process group, no global start method change."""
    for name in _LAUNCH_ENV:
        # setenv first so that monkeypatch restores the variable's absence too:
        # init_dist() writes RANK, WORLD_SIZE, ... into os.environ
        monkeypatch.setenv(name, "unset")
        monkeypatch.delenv(name)
    started = []
    monkeypatch.setattr(mp, "set_start_method", lambda method, *a, **k: started.append(method))
    yield started
    if torch_dist.is_initialized():
        torch_dist.destroy_process_group()


def test_invalid_launcher(clean_env):
    # 0.10.7's sentence (recorded): the launcher is not quoted
    with pytest.raises(ValueError, match="^Invalid launcher type: torchrun "):
        dist.init_dist("torchrun", backend="gloo")


def test_invalid_init_backend(clean_env):
    with pytest.raises(
        ValueError, match='^supported "init_backend" is "torch" or "deepspeed", but got horovod '
    ):
        dist.init_dist("pytorch", backend="gloo", init_backend="horovod")


def test_invalid_timeout_type(clean_env):
    # 0.10.7's sentence first (recorded)
    with pytest.raises(
        TypeError,
        match=r"^Timeout for distributed training must be provided as timeout in seconds, but "
        r"we've received the type <class 'str'>\. Please specify the timeout like this: "
        r"dist_cfg=dict\(backend='nccl', timeout=1800\)",
    ):
        dist.init_dist("pytorch", backend="gloo", timeout="30")


@pytest.mark.parametrize("launcher", ["pytorch", "slurm", "mpi"])
def test_missing_launcher_environment(clean_env, launcher):
    with pytest.raises(KeyError, match="needs the environment variable"):
        dist.init_dist(launcher, backend="gloo")
    assert not torch_dist.is_initialized()


def test_mpi_needs_master_addr(clean_env, monkeypatch):
    monkeypatch.setenv("OMPI_COMM_WORLD_LOCAL_RANK", "0")
    monkeypatch.setenv("OMPI_COMM_WORLD_RANK", "0")
    monkeypatch.setenv("OMPI_COMM_WORLD_SIZE", "1")
    with pytest.raises(KeyError, match="MASTER_ADDR"):
        dist.init_dist("mpi", backend="gloo")


def test_timeout_seconds_become_timedelta():
    assert dist_utils._to_timedelta(30) == datetime.timedelta(seconds=30)
    assert dist_utils._to_timedelta(1.5) == datetime.timedelta(seconds=1.5)
    delta = datetime.timedelta(minutes=1)
    assert dist_utils._to_timedelta(delta) is delta


def test_pytorch_launcher_world_of_one(clean_env, monkeypatch):
    monkeypatch.setenv("RANK", "0")
    monkeypatch.setenv("LOCAL_RANK", "0")
    monkeypatch.setenv("WORLD_SIZE", "1")
    monkeypatch.setenv("MASTER_ADDR", "127.0.0.1")
    monkeypatch.setenv("MASTER_PORT", str(_free_port()))
    dist.init_dist("pytorch", backend="gloo", timeout=60)
    assert dist.is_distributed()
    assert dist.get_backend() == "gloo"
    assert dist.get_dist_info() == (0, 1)
    assert dist.get_local_rank() == 0
    # start method is set to spawn only when none was chosen yet
    assert clean_env == (["spawn"] if mp.get_start_method(allow_none=True) is None else [])
    data = torch.tensor([1.0, 2.0])
    dist.all_reduce(data, op="mean")
    assert data.tolist() == [1.0, 2.0]
    with pytest.raises(RuntimeError, match="already initialized"):
        dist.init_dist("pytorch", backend="gloo")
    # 0.10.7 let torch raise ValueError here (recorded)
    with pytest.raises(ValueError, match="^trying to initialize the default process group twice!"):
        dist.init_dist("pytorch", backend="gloo")
    with pytest.raises(RuntimeError, match="init_local_group"):
        dist.get_local_group()
    with pytest.raises(RuntimeError, match="init_local_group"):
        dist.get_local_size()  # no local group and no LOCAL_WORLD_SIZE


def test_slurm_launcher_world_of_one(clean_env, monkeypatch):
    monkeypatch.setenv("SLURM_PROCID", "0")
    monkeypatch.setenv("SLURM_NTASKS", "1")
    monkeypatch.setenv("SLURM_NODELIST", "node[01-02]")
    monkeypatch.setenv("SLURM_LOCALID", "0")
    asked = []

    def fake_getoutput(cmd):
        asked.append(cmd)
        return "127.0.0.1"

    monkeypatch.setattr(dist_utils.subprocess, "getoutput", fake_getoutput)
    port = _free_port()
    dist.init_dist("slurm", backend="gloo", port=port)
    assert "node[01-02]" in asked[0]
    assert os.environ["MASTER_ADDR"] == "127.0.0.1"
    assert os.environ["MASTER_PORT"] == str(port)
    assert os.environ["RANK"] == "0" and os.environ["WORLD_SIZE"] == "1"
    assert os.environ["LOCAL_RANK"] == "0"
    assert dist.get_world_size() == 1 and dist.get_backend() == "gloo"


def test_slurm_port_defaults(clean_env, monkeypatch):
    monkeypatch.setenv("SLURM_PROCID", "0")
    monkeypatch.setenv("SLURM_NTASKS", "1")
    monkeypatch.setenv("SLURM_NODELIST", "node01")
    monkeypatch.setenv("MASTER_ADDR", "127.0.0.1")
    seen = {}

    def fake_init(backend, init_backend, launcher, **kwargs):
        seen.update(backend=backend, port=os.environ["MASTER_PORT"], kwargs=kwargs)

    monkeypatch.setattr(dist_utils, "_init_process_group", fake_init)
    dist.init_dist("slurm", backend="gloo")
    assert seen["port"] == "29500"
    monkeypatch.setenv("MASTER_PORT", "12345")
    dist.init_dist("slurm", backend="gloo", timeout=10)
    assert seen["port"] == "12345"
    assert seen["kwargs"] == {"timeout": datetime.timedelta(seconds=10)}


def test_mpi_launcher_world_of_one(clean_env, monkeypatch):
    monkeypatch.setenv("OMPI_COMM_WORLD_LOCAL_RANK", "0")
    monkeypatch.setenv("OMPI_COMM_WORLD_RANK", "0")
    monkeypatch.setenv("OMPI_COMM_WORLD_SIZE", "1")
    monkeypatch.setenv("MASTER_ADDR", "127.0.0.1")
    monkeypatch.setenv("MASTER_PORT", str(_free_port()))
    dist.init_dist("mpi", backend="gloo")

    assert os.environ["RANK"] == "0" and os.environ["WORLD_SIZE"] == "1"
    assert dist.get_dist_info() == (0, 1)


def test_mpi_launcher_creates_the_group_with_torch(clean_env, monkeypatch):
    # 0.10.7 (recorded) initialized mpi runs through torch whatever init_backend says
    monkeypatch.setenv("OMPI_COMM_WORLD_LOCAL_RANK", "0")
    monkeypatch.setenv("OMPI_COMM_WORLD_RANK", "0")
    monkeypatch.setenv("OMPI_COMM_WORLD_SIZE", "1")
    monkeypatch.setenv("MASTER_ADDR", "127.0.0.1")
    seen = {}

    def fake_init(backend, init_backend, launcher, **kwargs):
        seen.update(backend=backend, init_backend=init_backend, launcher=launcher)

    monkeypatch.setattr(dist_utils, "_init_process_group", fake_init)
    with pytest.warns(UserWarning, match="ignores init_backend='deepspeed'"):
        dist.init_dist("mpi", backend="gloo", init_backend="deepspeed")
    assert seen == {"backend": "gloo", "init_backend": "torch", "launcher": "mpi"}


@pytest.mark.skipif(torch.cuda.is_available(), reason="fallback applies without CUDA")
def test_nccl_without_cuda_falls_back_to_gloo(clean_env, monkeypatch):
    monkeypatch.setenv("RANK", "0")
    monkeypatch.setenv("WORLD_SIZE", "1")
    monkeypatch.setenv("MASTER_ADDR", "127.0.0.1")
    monkeypatch.setenv("MASTER_PORT", str(_free_port()))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dist.init_dist("pytorch")  # backend defaults to nccl
    assert any("falling back to the 'gloo' backend" in str(w.message) for w in caught)
    assert dist.get_backend() == "gloo"
    assert dist.get_comm_device() == torch.device("cpu")


def test_missing_init_backend_library_is_explained(clean_env, monkeypatch):
    import importlib.util

    if importlib.util.find_spec("deepspeed") is not None:
        pytest.skip("deepspeed is installed")
    monkeypatch.setenv("RANK", "0")
    monkeypatch.setenv("WORLD_SIZE", "1")
    with pytest.raises(ImportError, match="pip install deepspeed"):
        dist.init_dist("pytorch", backend="gloo", init_backend="deepspeed")
    # 0.10.7 raised the import's ModuleNotFoundError (recorded)
    with pytest.raises(ModuleNotFoundError, match="^No module named 'deepspeed'"):
        dist.init_dist("pytorch", backend="gloo", init_backend="deepspeed")


def test_explicit_backend_is_kept():
    assert dist_utils._resolve_backend("gloo") == "gloo"
    assert dist_utils._resolve_backend("mpi") == "mpi"


def test_init_local_group_argument_errors(monkeypatch):
    monkeypatch.setattr(dist_utils, "get_world_size", lambda group=None: 4)
    with pytest.raises(ValueError, match="not a multiple"):
        dist.init_local_group(0, 3)
    with pytest.raises(ValueError, match="node_rank"):
        dist.init_local_group(2, 2)
    with pytest.raises(ValueError, match="positive"):
        dist.init_local_group(0, 0)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_nccl_world_of_one_uses_gpu_for_communication(clean_env, monkeypatch):
    monkeypatch.setenv("RANK", "0")
    monkeypatch.setenv("LOCAL_RANK", "0")
    monkeypatch.setenv("WORLD_SIZE", "1")
    monkeypatch.setenv("MASTER_ADDR", "127.0.0.1")
    monkeypatch.setenv("MASTER_PORT", str(_free_port()))
    dist.init_dist("pytorch", backend="nccl")
    assert dist.get_backend() == "nccl"
    assert dist.get_comm_device() == torch.device("cuda", 0)
    assert torch.cuda.current_device() == 0
    data = torch.tensor([1, 2])  # a CPU tensor still works: cast to GPU and back
    dist.all_reduce(data)
    assert data.device.type == "cpu" and data.tolist() == [1, 2]


def test_launcher_variables_do_not_leak():
    # runs after the init_dist tests above: they must leave the process as found
    assert {name: os.environ.get(name) for name in _LAUNCH_ENV} == _ENV_AT_IMPORT
    assert not torch_dist.is_initialized()
