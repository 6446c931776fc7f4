"""flop_count_str, flop_count_table and get_model_complexity_info."""

import pytest
import torch
from analysis_models import TinyResNet
from torch import nn

from mmengine.analysis import (
    ActivationAnalyzer,
    FlopAnalyzer,
    flop_count_str,
    flop_count_table,
    get_model_complexity_info,
    parameter_count,
)
from mmengine.analysis.print_helper import (
    _fill_missing_statistics,
    _format_size,
    _get_input_sizes,
    _group_by_module,
    _indicate_uncalled_modules,
    _model_stats_str,
    _remove_zero_statistics,
)


class InnerNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 10)
        self.fc2 = nn.Linear(10, 10)

    def forward(self, x):
        return self.fc1(self.fc2(x))


class OuterNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 10)
        self.fc2 = nn.Linear(10, 10)
        self.inner = InnerNet()

    def forward(self, x):
        return self.fc1(self.fc2(self.inner(x)))


def test_format_size():
    assert _format_size(42) == "42"
    assert _format_size(500) == "0.5K"
    assert _format_size(1500000) == "1.5M"
    assert _format_size(4145000000) == "4.145G"
    assert _format_size(2e13) == "20T"
    assert _format_size(3e15) == "3P"
    assert _format_size(0, hide_zero=True) == ""
    assert _format_size(123456, sig_figs=1) == "0.1M"


def test_statistics_helpers():
    stats = {"#flops": {"": 10, "a": 10, "a.b": 0, "c": 0}, "#params": {"": 5, "a": 5}}
    grouped = _group_by_module(stats)
    assert grouped == {
        "": {"#flops": 10, "#params": 5},
        "a": {"#flops": 10, "#params": 5},
        "a.b": {"#flops": 0},
        "c": {"#flops": 0},
    }
    assert set(_remove_zero_statistics(grouped)) == {"", "a"}
    assert set(_remove_zero_statistics(grouped, force_keep={"c"})) == {"", "a", "c"}
    marked = _indicate_uncalled_modules({"": {"#flops": "1"}}, "#flops", {"x"})
    assert marked == {"": {"#flops": "1"}, "x": {"#flops": "N/A"}}
    filled = _fill_missing_statistics(nn.Sequential(nn.ReLU()), {"#flops": {"": 1}})
    assert filled == {"#flops": {"": 1, "0": 0}}


def test_model_stats_str_inserts_statistics_into_repr():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    text = _model_stats_str(model, {"": {"#x": "1"}, "0": {"#x": "2"}})
    assert text == (
        "Sequential(\n"
        "  #x: 1\n"
        "  (0): Linear(\n"
        "    in_features=2, out_features=3, bias=True\n"
        "    #x: 2\n"
        "  )\n"
        "  (1): ReLU()\n"
        ")"
    )


def test_flop_count_str_matches_documented_example():
    text = flop_count_str(FlopAnalyzer(OuterNet(), torch.randn(1, 10)))
    assert text == (
        "OuterNet(\n"
        "  #params: 0.44K, #flops: 0.4K\n"
        "  (fc1): Linear(\n"
        "    in_features=10, out_features=10, bias=True\n"
        "    #params: 0.11K, #flops: 100\n"
        "  )\n"
        "  (fc2): Linear(\n"
        "    in_features=10, out_features=10, bias=True\n"
        "    #params: 0.11K, #flops: 100\n"
        "  )\n"
        "  (inner): InnerNet(\n"
        "    #params: 0.22K, #flops: 0.2K\n"
        "    (fc1): Linear(\n"
        "      in_features=10, out_features=10, bias=True\n"
        "      #params: 0.11K, #flops: 100\n"
        "    )\n"
        "    (fc2): Linear(\n"
        "      in_features=10, out_features=10, bias=True\n"
        "      #params: 0.11K, #flops: 100\n"
        "    )\n"
        "  )\n"
        ")"
    )


def test_flop_count_str_marks_uncalled_modules_and_activations():
    model = OuterNet()
    model.unused = nn.Linear(10, 10)
    x = torch.randn(1, 10)
    text = flop_count_str(FlopAnalyzer(model, x), activations=ActivationAnalyzer(model, x))
    assert text.startswith("N/A indicates a possibly missing statistic")
    assert "#params: 0.11K, #flops: N/A, #acts: N/A" in text
    assert "#params: 0.55K, #flops: 0.4K, #acts: 40" in text


def test_flop_count_table_rows_and_columns():
    model = TinyResNet().eval()
    x = torch.randn(1, 3, 8, 8)
    flops = FlopAnalyzer(model, (x,))
    acts = ActivationAnalyzer(model, (x,))
    table = flop_count_table(flops, activations=acts)
    lines = table.splitlines()
    assert "\x1b" not in table
    header = [c.strip() for c in lines[1].strip("|").split("|")]
    assert header == ["module", "#parameters or shape", "#flops", "#activations"]
    model_row = [c.strip() for c in lines[3].strip("|").split("|")]
    assert model_row[0] == "model"
    assert model_row[1] == _format_size(parameter_count(model)[""])
    assert model_row[2] == _format_size(flops.total())
    assert model_row[3] == _format_size(acts.total())
    assert any("fc.weight" in line and "(10, 16)" in line for line in lines)
    # relu has no params and no flops: left out
    assert not any("stem.2" in line for line in lines)


def test_flop_count_table_depth_and_param_shapes():
    model = TinyResNet().eval()
    flops = FlopAnalyzer(model, (torch.randn(1, 3, 8, 8),)).unsupported_ops_warnings(False)
    shallow = flop_count_table(flops, max_depth=1)
    assert " layer1 " in shallow and "layer1.conv1" not in shallow
    no_shapes = flop_count_table(flops, show_param_shapes=False)
    assert "#parameters " in no_shapes and "or shape" not in no_shapes
    assert "(10, 16)" not in no_shapes and ".weight" not in no_shapes


def test_get_model_complexity_info_from_input_shape():
    model = OuterNet()
    info = get_model_complexity_info(model, input_shape=(10,))
    assert set(info) == {
        "flops",
        "flops_str",
        "activations",
        "activations_str",
        "params",
        "params_str",
        "out_table",
        "out_arch",
    }
    assert info["flops"] == 400 and info["flops_str"] == "0.4K"
    assert info["activations"] == 40 and info["activations_str"] == "40"
    assert info["params"] == 440 and info["params_str"] == "0.44K"
    assert info["out_table"].startswith("\n+") and "#activations" in info["out_table"]
    assert info["out_arch"].startswith("\nOuterNet(")


def test_get_model_complexity_info_multiple_inputs_and_flags():
    class Two(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(3, 2)
            self.b = nn.Conv2d(2, 4, 1)

        def forward(self, x, y):
            return self.a(x).sum() + self.b(y).sum()

    model = Two()
    info = get_model_complexity_info(model, input_shape=((3,), (2, 4, 4)), show_table=False)
    assert info["flops"] == 6 + 4 * 2 * 16
    assert info["out_table"] == "" and info["out_arch"] != ""
    inputs = (torch.randn(2, 3), torch.randn(2, 2, 4, 4))
    info = get_model_complexity_info(model, inputs=inputs, show_arch=False)
    assert info["flops"] == 2 * (6 + 4 * 2 * 16)
    assert info["out_arch"] == ""


def test_get_model_complexity_info_argument_errors():
    model = nn.Linear(2, 2)
    with pytest.raises(ValueError, match="should be set"):
        get_model_complexity_info(model)
    with pytest.raises(ValueError, match="cannot be both set"):
        get_model_complexity_info(model, input_shape=(2,), inputs=torch.randn(1, 2))
    with pytest.raises(ValueError, match="tuple of int"):
        get_model_complexity_info(model, input_shape=[2])


def test_model_stats_str_keeps_none_children_like_repr():
    model = nn.Sequential(nn.ReLU())
    model.register_module("empty", None)
    text = _model_stats_str(model, {})
    assert text == str(model)


def test_get_input_sizes():
    sizes = _get_input_sizes([torch.randn(1, 2), (torch.randn(3), 1), "ab"])
    assert sizes == [[1, 2], [[3], None], None]
