"""ZeroRedundancyOptimizer in a single-process gloo group."""

import pytest
import torch
import torch.distributed as dist
import torch.nn as nn
from torch.distributed.optim import ZeroRedundancyOptimizer as TorchZero

from mmengine.optim import OPTIMIZERS, ZeroRedundancyOptimizer, build_optim_wrapper


@pytest.fixture
def process_group(tmp_path):
    if dist.is_initialized():
        yield
        return
    dist.init_process_group(
        "gloo", init_method=f"file://{tmp_path / 'store'}", rank=0, world_size=1
    )
    try:
        yield
    finally:
        dist.destroy_process_group()


def test_zero_optimizer_builds_steps_and_saves(process_group):
    model = nn.Linear(3, 2)
    wrapper = build_optim_wrapper(
        model,
        dict(optimizer=dict(type="ZeroRedundancyOptimizer", optimizer_type="AdamW", lr=0.1)),
    )
    opt = wrapper.optimizer
    assert isinstance(opt, ZeroRedundancyOptimizer) and isinstance(opt, TorchZero)
    assert OPTIMIZERS.get("ZeroRedundancyOptimizer") is ZeroRedundancyOptimizer
    before = model.weight.detach().clone()
    wrapper.update_params(model(torch.ones(2, 3)).sum())
    assert not torch.equal(before, model.weight)
    state = wrapper.state_dict()
    assert state["param_groups"][0]["lr"] == 0.1
    assert wrapper.get_lr() == {"lr": [0.1]}


def test_unknown_local_optimizer(process_group):
    with pytest.raises((ValueError, KeyError), match="NoSuch"):
        ZeroRedundancyOptimizer(nn.Linear(1, 1).parameters(), optimizer_type="NoSuch")
