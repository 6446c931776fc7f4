"""forward(mode="loss") returning something other than a dict of losses: 0.10's
AttributeError (also a TypeError) saying what to return."""

from __future__ import annotations

from collections import OrderedDict

import pytest
import torch
from torch import nn

from mmengine.model import BaseModel
from mmengine.optim import OptimWrapper


class Returns(BaseModel):
    def __init__(self, value) -> None:
        super().__init__()
        self.linear = nn.Linear(2, 1)
        self.value = value

    def forward(self, inputs=None, data_samples=None, mode="tensor"):
        return self.value


@pytest.mark.parametrize(
    ("value", "type_text"),
    [(torch.tensor(1.0), "torch.Tensor"), ([torch.tensor(1.0)], "list"), (1.5, "float")],
)
def test_losses_that_are_not_a_dict(value, type_text):
    model = Returns(value)
    with pytest.raises(AttributeError) as info:
        model.parse_losses(value)
    assert isinstance(info.value, TypeError)
    message = str(info.value)
    # 0.10's sentence (Python's, for losses.items()) first
    assert message.startswith(f"{type(value).__name__!r} object has no attribute 'items'.")
    assert 'forward(mode="loss") must return a dict of losses' in message
    assert f"Returns.forward returned a {type_text};" in message
    assert "dict(loss=loss)" in message


def test_train_step_reports_a_tensor_loss():
    model = Returns(torch.tensor(1.0, requires_grad=True))
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    with pytest.raises(TypeError, match="must return a dict of losses"):
        model.train_step(dict(inputs=torch.ones(1, 2)), wrapper)


def test_dicts_and_mappings_still_parse():
    model = Returns(None)
    loss, log_vars = model.parse_losses(
        OrderedDict(loss_a=torch.tensor(2.0), acc=torch.tensor(1.0))
    )
    assert loss.item() == 2.0 and list(log_vars) == ["loss", "loss_a", "acc"]

    class Losses:  # not a dict, but has items(): accepted as before
        def items(self):
            return [("loss", torch.tensor(3.0))]

    loss, _ = model.parse_losses(Losses())
    assert loss.item() == 3.0
