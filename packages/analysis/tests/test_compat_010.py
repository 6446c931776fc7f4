"""Behaviours of mmengine 0.10.7's analysis that code written for it relies on.

Expected values and sentences were recorded from 0.10.7, black box (same inputs, printed
results).
"""

import pytest
import torch
from torch import nn

from mmengine.analysis import FlopAnalyzer, get_model_complexity_info


class _ShapeOps(nn.Module):
    """Ops that only build or rearrange tensors, and one multiplication."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat(
            [
                x.masked_fill(x > 0, 0),
                x.new_zeros(2, 3),
                torch.ones(2, 3),
                x.roll(1, 0),
                x.type_as(x),
                x.new_full((2, 3), 1.0),
                x.new_empty(2, 3) * 0,
            ]
        )


def test_shape_only_ops_are_ignored_not_unsupported(log_messages):
    analyzer = FlopAnalyzer(_ShapeOps(), torch.randn(2, 3))
    # 0.10.7: Counter({'aten::mul': 1}); masked_fill, new_*, ones, roll, type_as are ignored
    assert dict(analyzer.unsupported_ops()) == {"aten::mul": 1}
    assert log_messages == ["Unsupported operator aten::mul encountered 1 time(s)"]


class _ConvBN(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.bn = nn.BatchNorm2d(4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.bn(self.conv(x))


class _DataDependent(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.sum() > 0:
            return self.fc(x)
        return self.fc(-x)


def test_torch_internal_tracer_warnings_are_not_reported(log_messages):
    # a BatchNorm in training mode makes torch's F.batch_norm raise a TracerWarning while
    # checking its batch size: 0.10.7 logs only the unsupported op (num_batches_tracked += 1)
    analyzer = FlopAnalyzer(_ConvBN().train(), torch.randn(2, 3, 6, 6))
    assert analyzer.total() == 2 * 4 * 3 * 9 * 16 + 2 * 4 * 16 * 5
    assert log_messages == ["Unsupported operator aten::add_ encountered 1 time(s)"]


def test_tracer_warnings_of_the_model_code_are_still_summarised(log_messages):
    analyzer = FlopAnalyzer(_DataDependent(), torch.ones(1, 3))
    assert analyzer.total() == 9
    assert len(log_messages) == 1
    assert "TracerWarning" in log_messages[0]


def test_errors_lead_with_the_010_sentences():
    analyzer = FlopAnalyzer(nn.Sequential(nn.Linear(2, 2)), torch.randn(1, 2))
    for call in (analyzer.total, analyzer.by_operator, analyzer.unsupported_ops):
        with pytest.raises(KeyError) as info:
            call("nope")
        assert info.value.args[0].startswith(
            "Requested module name is not among the descendants of the analyzed model."
        )
    with pytest.raises(AssertionError, match=r"^Module name must be a string\."):
        analyzer.canonical_module_name(3)
    with pytest.raises(TypeError, match=r"^Module name must be a string\."):
        analyzer.canonical_module_name(3)
    with pytest.raises(TypeError, match=r"^set_op_handle should be called with pairs of names"):
        analyzer.set_op_handle("aten::add")
    with pytest.raises(ValueError, match=r"^Unrecognized ancestor mode: bad"):
        analyzer.ancestor_mode("bad")
    with pytest.raises(ValueError, match=r"^Unrecognized tracer warning mode bad\."):
        analyzer.tracer_warnings("bad")


def test_a_model_that_is_not_a_module_raises_attribute_error_as_010():
    with pytest.raises(AttributeError):
        FlopAnalyzer(3, torch.randn(1))
    with pytest.raises(TypeError):
        FlopAnalyzer(3, torch.randn(1))


@pytest.mark.parametrize("input_shape", [[2], (2.0,), ((2,), 3)])
def test_malformed_input_shape_message(input_shape):
    # 0.10.7's sentence, typos included
    expected = (
        '"input_shape" should be either a `tuple of int` (to constructone input tensor) or a '
        "`tuple of tuple of int` (to constructmultiple input tensors)."
    )
    with pytest.raises(ValueError) as info:
        get_model_complexity_info(nn.Linear(2, 2), input_shape=input_shape)
    assert str(info.value).startswith(expected)
