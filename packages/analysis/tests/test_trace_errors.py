"""Models the tracer cannot follow fail loudly, naming the module."""

import pytest
import torch
from torch import nn

from mmengine.analysis import FlopAnalyzer


class _Broken(nn.Module):
    def forward(self, x):
        raise RuntimeError("shape mismatch in custom op")


class _Holder(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.head = nn.Sequential(nn.ReLU(), _Broken())

    def forward(self, x):
        return self.head(self.fc(x))


def test_error_inside_a_submodule_names_it():
    analyzer = FlopAnalyzer(_Holder(), (torch.randn(1, 4),))
    with pytest.raises(RuntimeError, match="shape mismatch") as info:
        analyzer.total()
    notes = "\n".join(getattr(info.value, "__notes__", []))
    assert "head.1" in notes and "_Broken" in notes


def test_wrong_input_type_is_explained():
    analyzer = FlopAnalyzer(nn.Linear(4, 4), ({"x": torch.randn(1, 4)},))
    with pytest.raises(TypeError) as info:
        analyzer.total()
    assert "root model" in "\n".join(getattr(info.value, "__notes__", []))


def test_handle_failure_names_op_and_module():
    analyzer = FlopAnalyzer(nn.Sequential(nn.Linear(4, 4)), (torch.randn(1, 4),))
    analyzer.set_op_handle("aten::linear", lambda i, o: 1 / 0)
    with pytest.raises(ZeroDivisionError) as info:
        analyzer.total()
    notes = "\n".join(getattr(info.value, "__notes__", []))
    assert "aten::linear" in notes and "'0'" in notes


class _DataDependent(nn.Module):
    def __init__(self):
        super().__init__()
        self.gate = _Gate()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        return self.gate(self.fc(x))


class _Gate(nn.Module):
    def forward(self, x):
        if x.sum() > 0:  # data-dependent Python control flow
            return x * 2
        return x - 1


def test_data_dependent_control_flow_warns_naming_module(log_messages):
    analyzer = FlopAnalyzer(_DataDependent(), (torch.randn(2, 4),))
    analyzer.unsupported_ops_warnings(False)
    assert analyzer.total() == 32  # the linear is still counted
    warning = next(m for m in log_messages if "TracerWarning" in m)
    assert "'gate'" in warning and "tracer_warnings('all')" in warning


def test_tracer_warnings_all_shows_torch_warnings():
    analyzer = FlopAnalyzer(_DataDependent(), (torch.randn(2, 4),)).tracer_warnings("all")
    analyzer.unsupported_ops_warnings(False)
    with pytest.warns(torch.jit.TracerWarning):
        analyzer.total()


def test_tracer_warnings_none_is_silent(log_messages):
    analyzer = FlopAnalyzer(_DataDependent(), (torch.randn(2, 4),)).tracer_warnings("none")
    analyzer.unsupported_ops_warnings(False).total()
    assert not any("TracerWarning" in m for m in log_messages)


def test_ops_lost_from_the_graph_are_reported(log_messages):
    class ToPython(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(3, 3)

        def forward(self, x):
            return torch.tensor(self.fc(x).tolist())

    analyzer = FlopAnalyzer(ToPython(), (torch.randn(1, 3),)).tracer_warnings("none")
    assert analyzer.total() == 0
    message = next(m for m in log_messages if "never called" in m)
    assert "Of these, fc did run" in message
    assert "none of their operators reached the traced graph" in message
