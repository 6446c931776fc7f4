"""BaseDataPreprocessor.cast_data and BaseModel.parse_losses on the per-iteration path."""

from collections import OrderedDict, namedtuple

import pytest
import torch

from mmengine.model import BaseDataPreprocessor, BaseModel


class _Model(BaseModel):
    def forward(self, inputs, data_samples=None, mode="tensor"):
        return inputs


def test_cast_data_keeps_tensors_on_the_device_and_rebuilds_containers():
    pre = BaseDataPreprocessor()
    x, y = torch.ones(2), torch.zeros(1)
    Pair = namedtuple("Pair", "a b")
    data = dict(inputs=x, labels=[y, "s"], pair=Pair(x, None), meta=OrderedDict(k=y))
    out = pre.cast_data(data)
    assert type(out) is dict and out is not data
    assert out["inputs"] is x  # what ``x.to('cpu')`` returns
    assert out["labels"][0] is y and out["labels"][1] == "s"
    assert type(out["pair"]) is Pair and out["pair"].a is x
    assert type(out["meta"]) is dict and out["meta"]["k"] is y


def test_cast_data_moves_tensors_to_another_device():
    pre = BaseDataPreprocessor()
    pre.to("meta")
    out = pre.cast_data(dict(inputs=torch.ones(2)))
    assert out["inputs"].device.type == "meta"


def test_parse_losses_sums_loss_keys_in_order():
    model = _Model()
    a = torch.tensor(1.0, requires_grad=True)
    losses = dict(loss_a=a, acc=torch.tensor([0.5, 1.5]), loss_b=[a * 2, torch.tensor([1.0, 3.0])])
    loss, log_vars = model.parse_losses(losses)
    assert isinstance(log_vars, OrderedDict)
    assert list(log_vars) == ["loss", "loss_a", "acc", "loss_b"]
    assert loss.item() == pytest.approx(1 + 2 + 2)
    assert log_vars["acc"].item() == pytest.approx(1.0)
    assert log_vars["loss_a"] is a  # a 0-d loss is logged as it is
    assert log_vars["loss"] is loss


def test_parse_losses_without_loss_keys_and_with_a_key_named_loss():
    model = _Model()
    loss, log_vars = model.parse_losses(dict(acc=torch.tensor(1.0)))
    assert loss == 0 and list(log_vars) == ["loss", "acc"]
    value = torch.tensor(2.0)
    loss, log_vars = model.parse_losses(dict(loss=value))
    assert loss is value and list(log_vars.items()) == [("loss", value)]


def test_parse_losses_rejects_other_values():
    with pytest.raises(TypeError, match="is not a tensor or list of tensors"):
        _Model().parse_losses(dict(loss=1.0))
