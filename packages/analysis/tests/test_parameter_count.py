"""parameter_count / parameter_count_table."""

from analysis_models import MLP, TinyResNet, TransformerBlock
from torch import nn

from mmengine.analysis import parameter_count, parameter_count_table


def test_totals_agree_with_numel():
    for model in (TinyResNet(), TransformerBlock(), MLP()):
        counts = parameter_count(model)
        assert counts[""] == sum(p.numel() for p in model.parameters())


def test_per_module_and_per_parameter_keys():
    model = TinyResNet()
    counts = parameter_count(model)
    assert counts["fc.weight"] == 16 * 10
    assert counts["fc"] == 16 * 10 + 10
    assert counts["layer2.downsample"] == 8 * 16 + 2 * 16
    for name, module in model.named_modules():
        assert counts.get(name, 0) == sum(p.numel() for p in module.parameters())
    assert counts["missing"] == 0  # a defaultdict


def test_shared_parameters_counted_once():
    shared = nn.Linear(3, 3)
    model = nn.Sequential(shared, shared)
    assert parameter_count(model)[""] == 12


def test_table_lists_modules_and_shapes_plain_text():
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.Sequential(nn.BatchNorm2d(4), nn.Linear(300, 500)))
    table = parameter_count_table(model)
    lines = table.splitlines()
    # 0.10's layout: a centred title, the table, a final newline
    assert lines[0].strip() == "parameter count of Sequential" and lines[0].startswith(" ")
    assert len(lines[0]) == len(lines[1]) and table.endswith("+\n")
    assert "name" in lines[2] and "#elements or shape" in lines[2]
    assert "\x1b" not in table
    assert any(line.startswith("| model") and "0.2M" in line for line in lines)
    assert any("0.weight" in line and "(4, 3, 3, 3)" in line for line in lines)
    assert any("1.1.weight" in line and "(500, 300)" in line for line in lines)
    # indentation shows depth
    row = next(line for line in lines if "1.0.bias" in line)
    assert row.startswith("|    1.0.bias")


def test_table_max_depth():
    model = nn.Sequential(nn.Sequential(nn.Linear(2, 2)))
    shallow = parameter_count_table(model, max_depth=1)
    assert " 0 " in shallow and "0.0" not in shallow
    deep = parameter_count_table(model, max_depth=3)
    assert "0.0.weight" in deep and "(2, 2)" in deep


def test_table_of_model_without_parameters():
    table = parameter_count_table(nn.ReLU())
    assert "model" in table and "| 0 " in table.replace("  ", " ")
