import sys
import types

import pytest

from mmengine.logging import dist_info


def fake_torch(cuda: bool):
    return types.SimpleNamespace(cuda=types.SimpleNamespace(is_available=lambda: cuda))


def test_defaults_without_launcher(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", fake_torch(False))
    assert dist_info.get_rank() == 0
    assert dist_info.get_world_size() == 1
    assert dist_info.get_device_id() == 0


def test_env_vars(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", fake_torch(True))
    monkeypatch.setenv("RANK", "5")
    monkeypatch.setenv("WORLD_SIZE", "8")
    monkeypatch.setenv("LOCAL_RANK", "1")
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    assert dist_info.get_rank() == 5
    assert dist_info.get_world_size() == 8
    assert dist_info.get_device_id() == 1
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "4,6")
    assert dist_info.get_device_id() == 6
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "MIG-a,MIG-b")
    assert dist_info.get_device_id() == "MIG-b"


def test_device_id_ignores_visible_devices_without_cuda(monkeypatch):
    # G1: on a CPU-only machine LOCAL_RANK is not mapped (upstream gives 1 here)
    monkeypatch.setitem(sys.modules, "torch", fake_torch(False))
    monkeypatch.setenv("LOCAL_RANK", "1")
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "4,5")
    assert dist_info.get_device_id() == 1


def test_device_id_without_torch_is_zero(monkeypatch):
    import importlib.util

    monkeypatch.delitem(sys.modules, "torch", raising=False)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    monkeypatch.setenv("LOCAL_RANK", "1")
    assert dist_info.get_device_id() == 0


def test_bad_env_value(monkeypatch):
    monkeypatch.setenv("RANK", "zero")
    with pytest.raises(ValueError, match="RANK"):
        dist_info.get_rank()


def test_initialised_torch_distributed_wins(monkeypatch):
    class FakeDist:
        @staticmethod
        def is_available():
            return True

        @staticmethod
        def is_initialized():
            return True

        @staticmethod
        def get_rank():
            return 3

        @staticmethod
        def get_world_size():
            return 4

    monkeypatch.setitem(dist_info.sys.modules, "torch.distributed", FakeDist)
    monkeypatch.setenv("RANK", "0")
    assert dist_info.get_rank() == 3
    assert dist_info.get_world_size() == 4


def test_host_info():
    info = dist_info.get_host_info()
    assert info == "" or "@" in info
