import random

import numpy as np
import pytest
import torch

from mmengine.runner import autocast, set_random_seed


def test_autocast_on_cpu_uses_bfloat16_and_can_be_disabled():
    layer = torch.nn.Linear(4, 4)
    x = torch.randn(2, 4)
    with autocast(device_type="cpu", dtype=torch.bfloat16):
        assert layer(x).dtype == torch.bfloat16
    with autocast(device_type="cpu", enabled=False):
        assert layer(x).dtype == torch.float32


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the behaviour without CUDA")
def test_autocast_cuda_without_cuda_runs_in_full_precision():
    layer = torch.nn.Linear(4, 4)
    with autocast(device_type="cuda"):
        assert layer(torch.randn(2, 4)).dtype == torch.float32


def _cpu_autocast_enabled() -> bool:
    try:
        return torch.is_autocast_enabled("cpu")
    except TypeError:  # torch < 2.4: no device argument
        return torch.is_autocast_cpu_enabled()


def test_autocast_device_checks_raise_upstream_errors():
    # compat A1: upstream's classes and sentences
    with pytest.raises(
        ValueError, match="^User specified autocast device_type must be cuda or cpu, but got mps"
    ):
        with autocast(device_type="mps"):
            pass
    with pytest.raises(
        AssertionError, match="^In CPU autocast, only support `torch.bfloat16` dtype"
    ):
        with autocast(device_type="cpu", dtype=torch.float16):
            pass
    with autocast(device_type="mps", enabled=False):  # disabled: no check, no-op
        assert not _cpu_autocast_enabled()


def test_set_random_seed_reproduces_every_generator():
    assert set_random_seed(123) == 123
    a = (random.random(), np.random.rand(), torch.rand(1).item())
    set_random_seed(123)
    b = (random.random(), np.random.rand(), torch.rand(1).item())
    assert a == b
    drawn = set_random_seed(None)
    assert isinstance(drawn, int)


@pytest.mark.parametrize("seed", ["abc", 1.5, "0"])
def test_set_random_seed_refuses_a_seed_that_is_not_an_int(seed):
    """0.10 fails inside NumPy ("Cannot cast scalar from dtype('<U3')...")."""
    state = torch.random.get_rng_state()
    with pytest.raises(TypeError, match=r"must be an int or None, but got .*randomness\.seed"):
        set_random_seed(seed)
    assert torch.equal(torch.random.get_rng_state(), state)  # nothing was seeded


def test_set_random_seed_takes_numpy_integers():
    assert set_random_seed(np.int64(7)) == 7


def test_autocast_off_for_a_device_torch_does_not_know(monkeypatch):
    # torch < 2.5 rejects autocast(device_type='mps') even with enabled=False
    real = torch.autocast

    def old_autocast(device_type, *args, **kwargs):
        if device_type == "mps":
            raise RuntimeError("User specified an unsupported autocast device_type 'mps'")
        return real(device_type, *args, **kwargs)

    monkeypatch.setattr(torch, "autocast", old_autocast)
    with autocast(device_type="mps", enabled=False):
        assert torch.ones(1).dtype == torch.float32
    with autocast(device_type="cpu", enabled=False):
        assert not _cpu_autocast_enabled()
