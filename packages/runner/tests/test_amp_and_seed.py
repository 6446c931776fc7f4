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


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the error raised without CUDA")
def test_autocast_cuda_without_cuda_is_a_clear_error():
    with pytest.raises(RuntimeError, match="needs CUDA"):
        with autocast(device_type="cuda"):
            pass


def test_set_random_seed_reproduces_every_generator():
    assert set_random_seed(123) == 123
    a = (random.random(), np.random.rand(), torch.rand(1).item())
    set_random_seed(123)
    b = (random.random(), np.random.rand(), torch.rand(1).item())
    assert a == b
    drawn = set_random_seed(None)
    assert isinstance(drawn, int)
