"""OptimWrapper.optim_context and get_lr on the per-iteration path."""

from contextlib import contextmanager

import torch
from torch import nn

from mmengine.optim import OptimWrapper


class _SyncModel(nn.Linear):
    def __init__(self):
        super().__init__(2, 1)
        self.entered = 0

    @contextmanager
    def no_sync(self):
        self.entered += 1
        yield


def test_optim_context_enters_no_sync_only_while_accumulating():
    model = _SyncModel()
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1), accumulative_counts=2)
    wrapper.initialize_count_status(model, 0, 4)
    entered = []
    for _ in range(4):
        before = model.entered
        with wrapper.optim_context(model):
            wrapper.update_params(model(torch.ones(1, 2)).sum())
        entered.append(model.entered - before)
    assert entered == [1, 0, 1, 0]


def test_optim_context_without_work_can_be_nested_and_reused():
    model = nn.Linear(2, 1)
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    context = wrapper.optim_context(model)
    with context, wrapper.optim_context(model):
        with context:
            pass
    with context:
        wrapper.update_params(model(torch.ones(1, 2)).sum())
    assert wrapper.inner_count == 1


def test_get_lr_one_and_several_groups():
    a, b = nn.Linear(1, 1), nn.Linear(1, 1)
    wrapper = OptimWrapper(torch.optim.SGD(a.parameters(), lr=0.1))
    assert wrapper.get_lr() == {"lr": [0.1]}
    groups = [dict(params=a.parameters()), dict(params=b.parameters(), lr=0.2)]
    wrapper = OptimWrapper(torch.optim.SGD(groups, lr=0.1))
    lrs = wrapper.get_lr()  # several groups: the base lr first (the order of the log line)
    assert list(lrs.items()) == [("base_lr", [0.1]), ("lr", [0.1, 0.2])]
