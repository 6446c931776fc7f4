import math

import pytest
import torch
import torch.nn as nn

from mmengine.model import (
    Caffe2XavierInit,
    ConstantInit,
    KaimingInit,
    NormalInit,
    PretrainedInit,
    TruncNormalInit,
    UniformInit,
    XavierInit,
    bias_init_with_prob,
    caffe2_xavier_init,
    constant_init,
    initialize,
    kaiming_init,
    normal_init,
    trunc_normal_init,
    uniform_init,
    xavier_init,
)
from mmengine.registry import WEIGHT_INITIALIZERS


def test_init_functions_fill_weight_and_bias():
    conv = nn.Conv2d(3, 16, 3)
    constant_init(conv, 0.1, bias=0.2)
    assert torch.all(conv.weight == 0.1) and torch.all(conv.bias == 0.2)
    xavier_init(conv, gain=2, bias=0.5, distribution="uniform")
    assert torch.all(conv.bias == 0.5)
    with pytest.raises(AssertionError):
        xavier_init(conv, distribution="student-t")
    normal_init(conv, std=0.01, bias=1)
    assert conv.weight.std().item() < 0.05 and torch.all(conv.bias == 1)
    trunc_normal_init(conv, std=1, a=-0.5, b=0.5, bias=0)
    assert conv.weight.abs().max().item() <= 0.5
    uniform_init(conv, a=1, b=2, bias=3)
    assert conv.weight.min() >= 1 and conv.weight.max() <= 2 and torch.all(conv.bias == 3)
    kaiming_init(conv, bias=0.3, distribution="uniform")
    assert torch.all(conv.bias == 0.3)
    caffe2_xavier_init(conv, bias=0.4)
    assert torch.all(conv.bias == 0.4)


def test_init_functions_tolerate_missing_bias():
    lin = nn.Linear(2, 2, bias=False)
    constant_init(lin, 1, bias=5)
    assert torch.all(lin.weight == 1)


def test_bias_init_with_prob():
    assert bias_init_with_prob(0.01) == pytest.approx(-math.log(99))
    assert isinstance(bias_init_with_prob(0.5), float)


def test_initializers_registered_under_short_names():
    for name, cls in [
        ("Constant", ConstantInit),
        ("Xavier", XavierInit),
        ("Normal", NormalInit),
        ("TruncNormal", TruncNormalInit),
        ("Uniform", UniformInit),
        ("Kaiming", KaimingInit),
        ("Caffe2Xavier", Caffe2XavierInit),
        ("Pretrained", PretrainedInit),
    ]:
        assert WEIGHT_INITIALIZERS.get(name) is cls


def test_initializer_layer_selection_and_bias_prob():
    model = nn.Sequential(nn.Conv1d(3, 1, 3), nn.ReLU(), nn.Linear(1, 2))
    ConstantInit(val=1, bias=2, layer="Conv1d")(model)
    assert torch.all(model[0].weight == 1) and torch.all(model[0].bias == 2)
    assert not torch.all(model[2].weight == 1)
    ConstantInit(val=3, bias_prob=0.01, layer=["Conv1d", "Linear"])(model)
    assert torch.all(model[2].weight == 3)
    assert torch.allclose(model[2].bias, torch.full((2,), bias_init_with_prob(0.01)))
    # no layer given: nothing happens
    ConstantInit(val=7)(model)
    assert not torch.any(model[0].weight == 7)


def test_initializer_matches_base_class_names():
    class MyConv(nn.Conv2d):
        pass

    conv = MyConv(1, 1, 1)
    ConstantInit(val=4, layer="Conv2d")(conv)
    assert torch.all(conv.weight == 4)


def test_initializer_argument_errors():
    with pytest.raises(TypeError):
        ConstantInit(val=1, bias="1")
    with pytest.raises(TypeError):
        ConstantInit(val=1, bias_prob=1)
    with pytest.raises(TypeError):
        ConstantInit(val=1, layer=1)


def test_initialize_with_list_and_override():
    class FooNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.feat = nn.Conv2d(1, 1, 1)
            self.reg = nn.Conv2d(1, 1, 1)
            self.cls = nn.Sequential(nn.Conv1d(1, 1, 1))

    model = FooNet()
    init_cfg = dict(
        type="Constant",
        val=1,
        bias=2,
        layer="Conv2d",
        override=dict(type="Constant", name="reg", val=3, bias=4),
    )
    initialize(model, init_cfg)
    assert torch.all(model.feat.weight == 1) and torch.all(model.feat.bias == 2)
    assert torch.all(model.reg.weight == 3) and torch.all(model.reg.bias == 4)

    # override with only a name reuses the outer arguments for the whole sub-module
    initialize(
        model, dict(type="Constant", val=5, bias=6, layer="Conv2d", override=dict(name="cls"))
    )
    assert torch.all(model.cls[0].weight == 5) and torch.all(model.cls[0].bias == 6)

    # the input config is not mutated (configs can be shared)
    cfg = [
        dict(
            type="Constant",
            val=1,
            layer="Conv2d",
            override=dict(name="reg", type="Constant", val=2),
        )
    ]
    initialize(model, cfg)
    assert "override" in cfg[0] and cfg[0]["override"]["name"] == "reg"


def test_initialize_errors():
    model = nn.Sequential(nn.Linear(1, 1))
    with pytest.raises(TypeError):
        initialize(model, "Constant")
    with pytest.raises(ValueError, match="name"):
        initialize(model, dict(type="Constant", val=1, override=dict(type="Constant", val=2)))
    with pytest.raises(ValueError, match="type"):
        initialize(model, dict(type="Constant", val=1, override=dict(name="0", val=2)))
    with pytest.raises(RuntimeError, match="did not have attribute"):
        initialize(
            model, dict(type="Constant", val=1, override=dict(name="nope", type="Constant", val=2))
        )
    with pytest.raises(KeyError):
        initialize(model, dict(type="NoSuchInit"))


def test_update_init_info_tracks_changed_params_only():
    from collections import defaultdict

    from mmengine.model import update_init_info

    model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
    model._params_init_info = defaultdict(dict)
    for p in model.parameters():
        model._params_init_info[p]["init_info"] = "init"
        model._params_init_info[p]["tmp_mean_value"] = p.data.mean().cpu()
    with torch.no_grad():
        model[0].weight.fill_(1)
    update_init_info(model, init_info="fill_1")
    assert model._params_init_info[model[0].weight]["init_info"] == "fill_1"
    assert model._params_init_info[model[0].weight]["tmp_mean_value"] == 1
    assert model._params_init_info[model[1].weight]["init_info"] == "init"
    model[1].bias = nn.Parameter(torch.ones(2))
    with pytest.raises(AssertionError, match="new :obj:`Parameter`"):
        update_init_info(model, init_info=" ")
    with pytest.raises(AssertionError, match="_params_init_info"):
        update_init_info(nn.Linear(1, 1), init_info=" ")


def test_checkpoint_metadata_versions_reach_load_from_state_dict(tmp_path):
    """Old checkpoints are upgraded by modules using the saved per-module version."""
    from mmengine.model.checkpoint import load_checkpoint, save_checkpoint

    class Versioned(nn.Module):
        _version = 2

        def __init__(self):
            super().__init__()
            self.new_name = nn.Parameter(torch.zeros(1))

        def _load_from_state_dict(self, state_dict, prefix, local_metadata, *args):
            if local_metadata.get("version", 1) < 2 and prefix + "old_name" in state_dict:
                state_dict[prefix + "new_name"] = state_dict.pop(prefix + "old_name")
            super()._load_from_state_dict(state_dict, prefix, local_metadata, *args)

    old = nn.Module()
    old.sub = nn.Module()
    old.sub.old_name = nn.Parameter(torch.ones(1))
    path = str(tmp_path / "old.pth")
    save_checkpoint(old.state_dict(), path)
    new = nn.Module()
    new.sub = Versioned()
    load_checkpoint(new, path, strict=True)
    assert new.sub.new_name.item() == 1
