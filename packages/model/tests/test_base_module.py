import logging

import pytest
import torch
import torch.nn as nn

from mmengine.logging import MMLogger
from mmengine.model import BaseModule, ModuleDict, ModuleList, Sequential
from mmengine.model.checkpoint import save_checkpoint


class ToyConv(nn.Module):
    def __init__(self):
        super().__init__()
        self.custom_weight = nn.Parameter(torch.empty(1, 1, 1, 1))
        self.custom_bias = nn.Parameter(torch.empty(1))

    def init_weights(self):
        with torch.no_grad():
            self.custom_weight.fill_(1)
            self.custom_bias.fill_(0)


class ToyNet(BaseModule):
    def __init__(self, init_cfg=None):
        super().__init__(init_cfg)
        self.conv1 = nn.Conv2d(1, 1, 1)
        self.conv2 = nn.Conv2d(1, 1, 1)
        self.linear = nn.Linear(1, 1)
        self.custom_conv = ToyConv()


class Child(BaseModule):
    def __init__(self, init_cfg=None):
        super().__init__(init_cfg)
        self.fc = nn.Linear(2, 2)


class Parent(BaseModule):
    def __init__(self, init_cfg=None, child_cfg=None):
        super().__init__(init_cfg)
        self.child = Child(child_cfg)
        self.other = nn.Linear(2, 2)


def _read_init_log(tmp_path, model, name):
    log_file = tmp_path / f"{name}.log"
    logger = MMLogger.get_instance(name, log_file=str(log_file))
    logger.handlers[-1].setLevel(logging.INFO)
    model.init_weights()
    for handler in logger.handlers:
        handler.flush()
    return log_file.read_text()


def test_init_cfg_kaiming_override_and_user_init_weights(tmp_path):
    net = ToyNet(
        init_cfg=[
            dict(type="Kaiming", layer=["Conv2d"], override=dict(name="conv2", type="Xavier")),
            dict(type="Constant", layer="Linear", val=2, bias=1),
        ]
    )
    assert not net.is_init
    text = _read_init_log(tmp_path, net, "init_record_1")
    assert net.is_init
    assert torch.all(net.linear.weight == 2) and torch.all(net.linear.bias == 1)
    assert torch.all(net.custom_conv.custom_weight == 1)
    # the per-parameter record is dumped to the log file
    assert "Name of parameter - Initialization information" in text
    assert "conv1.weight - torch.Size([1, 1, 1, 1])" in text
    sections = {s.split(":")[0].strip(): s for s in text.split("\n\n") if " - torch.Size" in s}
    assert "KaimingInit" in sections["conv1.weight - torch.Size([1, 1, 1, 1])"]
    assert "XavierInit" in sections["conv2.weight - torch.Size([1, 1, 1, 1])"]
    assert "ConstantInit: val=2, bias=1" in sections["linear.weight - torch.Size([1, 1])"]
    assert (
        "Initialized by user-defined `init_weights` in ToyConv"
        in sections["custom_conv.custom_weight - torch.Size([1, 1, 1, 1])"]
    )
    # the record only exists during init_weights
    assert not any(hasattr(m, "_params_init_info") for m in net.modules())


def test_unchanged_params_are_reported_as_unchanged(tmp_path):
    net = Parent()
    text = _read_init_log(tmp_path, net, "init_record_2")
    assert "The value is the same before and after calling `init_weights` of Parent" in text


def test_init_weights_twice_warns_and_does_not_reinit():
    net = Child(init_cfg=dict(type="Constant", val=1, layer="Linear"))
    net.init_weights()
    with torch.no_grad():
        net.fc.weight.fill_(5)
    net.init_weights()
    assert torch.all(net.fc.weight == 5)


def test_children_init_with_their_own_cfg():
    net = Parent(
        init_cfg=dict(type="Constant", val=1, layer="Linear"),
        child_cfg=dict(type="Constant", val=3, layer="Linear"),
    )
    net.init_weights()
    # parent cfg runs first, then the child's own init_weights overrides it
    assert torch.all(net.other.weight == 1)
    assert torch.all(net.child.fc.weight == 3)
    assert net.child.is_init


def test_pretrained_has_highest_priority(tmp_path):
    src = Parent()
    with torch.no_grad():
        for p in src.parameters():
            p.fill_(7)
    ckpt = tmp_path / "pretrained.pth"
    save_checkpoint({"state_dict": src.state_dict()}, str(ckpt))
    net = Parent(
        init_cfg=[
            dict(type="Pretrained", checkpoint=str(ckpt)),
            dict(type="Constant", val=1, layer="Linear"),
        ],
        child_cfg=dict(type="Constant", val=3, layer="Linear"),
    )
    net.init_weights()
    assert all(torch.all(p == 7) for p in net.parameters())


def test_pretrained_with_prefix(tmp_path):
    src = Parent()
    with torch.no_grad():
        src.child.fc.weight.fill_(9)
    ckpt = tmp_path / "pretrained.pth"
    torch.save(src.state_dict(), ckpt)
    child = Child(init_cfg=dict(type="Pretrained", checkpoint=str(ckpt), prefix="child"))
    child.init_weights()
    assert torch.all(child.fc.weight == 9)


def test_init_cfg_is_deep_copied_and_in_repr():
    cfg = dict(type="Constant", val=1, layer="Linear")
    net = Child(init_cfg=cfg)
    assert net.init_cfg == cfg and net.init_cfg is not cfg
    assert "init_cfg=" in repr(net)


def test_bad_init_cfg_item_raises():
    net = Child(init_cfg=["Constant"])
    with pytest.raises(TypeError, match="init_cfg"):
        net.init_weights()
    assert not any(hasattr(m, "_params_init_info") for m in net.modules())


def test_containers_apply_their_own_init_cfg():
    seq = Sequential(
        Child(init_cfg=dict(type="Constant", val=2, layer="Linear")),
        nn.Linear(2, 2),
        init_cfg=dict(type="Constant", val=1, layer="Linear"),
    )
    seq.init_weights()
    assert torch.all(seq[0].fc.weight == 2) and torch.all(seq[1].weight == 1)

    mlist = ModuleList([nn.Linear(1, 1)], init_cfg=dict(type="Constant", val=3, layer="Linear"))
    mlist.append(nn.Linear(1, 1))
    mlist.init_weights()
    assert all(torch.all(m.weight == 3) for m in mlist)

    mdict = ModuleDict(
        {"a": nn.Linear(1, 1)}, init_cfg=dict(type="Constant", val=4, layer="Linear")
    )
    mdict.init_weights()
    assert torch.all(mdict["a"].weight == 4)
    assert isinstance(mdict, nn.ModuleDict) and isinstance(mlist, nn.ModuleList)
    assert isinstance(seq, nn.Sequential)
