"""FlopAnalyzer: totals against torch's FlopCounterMode and the analyzer API.

Convention: we count one multiply-add as one flop; FlopCounterMode counts
two. It only counts matmul-like ops and convolutions, so norms and pooling,
which we estimate, are switched off before comparing.
"""

from collections import Counter

import pytest
import torch
from analysis_models import (
    MLP,
    BmmAttention,
    FunctionalMatmul,
    TinyResNet,
    TransformerBlock,
    flop_counter_total,
)
from torch import nn

from mmengine.analysis import FlopAnalyzer
from mmengine.analysis.jit_analysis import JitModelAnalysis
from mmengine.analysis.jit_handles import addmm_flop_jit, linear_flop_jit


@pytest.fixture
def resnet():
    return TinyResNet().eval()


def _only_macs(analyzer: FlopAnalyzer) -> FlopAnalyzer:
    return analyzer.set_op_handle(
        "aten::batch_norm",
        None,
        "aten::layer_norm",
        None,
        "aten::adaptive_avg_pool2d",
        None,
    ).unsupported_ops_warnings(False)


def test_resnet_matches_flop_counter_mode(resnet):
    x = torch.randn(2, 3, 16, 16)
    analyzer = FlopAnalyzer(resnet, (x,)).unsupported_ops_warnings(False)
    ops = analyzer.by_operator()
    assert set(ops) == {"conv", "batch_norm", "adaptive_avg_pool2d", "linear"}
    assert 2 * (ops["conv"] + ops["linear"]) == flop_counter_total(resnet, x)
    # what FlopCounterMode does not count: eval BN = 2 flops/element, pool = 1
    assert ops["adaptive_avg_pool2d"] == 2 * 16 * 8 * 8
    assert 2 * _only_macs(analyzer).total() == flop_counter_total(resnet, x)
    # residual additions are reported, not silently dropped
    assert analyzer.unsupported_ops() == Counter({"aten::add": 2})


def test_transformer_block_matches_flop_counter_mode():
    model = TransformerBlock(dim=16, heads=2).eval()
    x = torch.randn(2, 5, 16)
    analyzer = FlopAnalyzer(model, (x,)).unsupported_ops_warnings(False)
    ops = analyzer.by_operator()
    assert ops["matmul"] == 2 * (2 * 2 * 5 * 8 * 5)  # q@k^T and attn@v
    assert ops["linear"] == 2 * 5 * (16 * 48 + 16 * 16 + 16 * 32 + 32 * 16)
    assert ops["layer_norm"] == 2 * x.numel() * 5
    assert 2 * (ops["matmul"] + ops["linear"]) == flop_counter_total(model, x)
    assert 2 * _only_macs(analyzer).total() == flop_counter_total(model, x)
    unsupported = analyzer.unsupported_ops()
    assert {"aten::softmax", "aten::gelu", "aten::add", "aten::mul"} <= set(unsupported)


def test_bmm_attention_matches_flop_counter_mode():
    model = BmmAttention(8)
    x = torch.randn(3, 4, 8)
    analyzer = FlopAnalyzer(model, (x,)).unsupported_ops_warnings(False)
    assert analyzer.by_operator()["bmm"] == 2 * 3 * 4 * 8 * 4
    assert 2 * analyzer.total() == flop_counter_total(model, x)


def test_mlp_matches_flop_counter_mode_and_sums_layers():
    model = MLP((12, 32, 16, 4))
    x = torch.randn(7, 12)
    analyzer = FlopAnalyzer(model, (x,))
    assert analyzer.total() == 7 * (12 * 32 + 32 * 16 + 16 * 4)
    assert 2 * analyzer.total() == flop_counter_total(model, x)
    assert analyzer.total("layers.2") == 7 * 32 * 16


def test_functional_mm_addmm_match_flop_counter_mode():
    model = FunctionalMatmul()
    x = torch.randn(4, 6)
    analyzer = FlopAnalyzer(model, (x,)).unsupported_ops_warnings(False)
    assert analyzer.by_operator() == {"addmm": 120, "mm": 120}
    assert 2 * analyzer.total() == flop_counter_total(model, x)


def test_by_module_lists_every_module(resnet):
    analyzer = FlopAnalyzer(resnet, (torch.randn(1, 3, 8, 8),)).unsupported_ops_warnings(False)
    by_module = analyzer.by_module()
    assert set(by_module) == {name for name, _ in resnet.named_modules()}
    assert by_module["stem.2"] == 0  # relu is ignored, but listed
    children = ["stem", "layer1", "layer2", "pool", "fc"]
    assert by_module[""] == sum(by_module[c] for c in children) == analyzer.total()
    assert analyzer.by_module_and_operator()["layer2.downsample"] == Counter(
        {"conv": 16 * 8 * 4 * 4, "batch_norm": 2 * 16 * 4 * 4}
    )
    assert analyzer.total("layer2.downsample.0") == 16 * 8 * 4 * 4


def test_unknown_module_name_raises_key_error(resnet):
    analyzer = FlopAnalyzer(resnet, (torch.randn(1, 3, 8, 8),))
    with pytest.raises(KeyError, match="not_there"):
        analyzer.total("not_there")


def test_custom_handle_by_kwargs_and_pairs():
    model = nn.Linear(4, 3)
    x = torch.randn(2, 4)
    analyzer = FlopAnalyzer(model, (x,))
    assert analyzer.total() == 24
    analyzer.set_op_handle(**{"aten::linear": lambda i, o: Counter({"my_linear": 7})})
    assert analyzer.by_operator() == {"my_linear": 7}
    analyzer.set_op_handle("aten::linear", lambda i, o: 3)
    assert analyzer.by_operator() == {"linear": 3}
    analyzer.set_op_handle("aten::linear", None)
    assert analyzer.total() == 0
    assert analyzer.unsupported_ops() == {}
    with pytest.raises(TypeError, match="pairs"):
        analyzer.set_op_handle("aten::linear")


def test_handle_returning_garbage_is_rejected():
    analyzer = FlopAnalyzer(nn.Linear(4, 3), (torch.randn(2, 4),))
    analyzer.set_op_handle("aten::linear", lambda i, o: Counter({"linear": "many"}))
    with pytest.raises(ValueError, match="aten::linear"):
        analyzer.total()


class _Nested(nn.Module):
    """Owner vs caller: `outer` calls `shared`, which the root owns."""

    def __init__(self):
        super().__init__()
        self.shared = nn.Linear(4, 4)
        self.outer = _Outer(self.shared)
        self.unused = nn.Linear(4, 4)

    def forward(self, x):
        return self.outer(x)


class _Outer(nn.Module):
    def __init__(self, shared):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self._shared = [shared]  # call a module it does not own

    def forward(self, x):
        return self._shared[0](self.fc(x))


def test_ancestor_mode_owner_and_caller():
    model = _Nested()
    x = torch.randn(2, 4)
    owner = FlopAnalyzer(model, (x,)).uncalled_modules_warnings(False)
    assert owner.total("outer") == 32  # only outer.fc
    assert owner.total("shared") == 32
    assert owner.total() == 64
    caller = FlopAnalyzer(model, (x,)).ancestor_mode("caller").uncalled_modules_warnings(False)
    assert caller.total("outer") == 64
    assert caller.total() == 64
    with pytest.raises(ValueError, match="ancestor mode"):
        owner.ancestor_mode("parent")


def test_uncalled_and_shared_modules(log_messages):
    model = _Nested()
    analyzer = FlopAnalyzer(model, (torch.randn(2, 4),))
    assert analyzer.uncalled_modules() == {"unused"}
    assert any("never called" in m and "unused" in m for m in log_messages)

    shared = nn.Linear(3, 3)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    analyzer = FlopAnalyzer(model, (torch.randn(1, 3),))
    assert analyzer.canonical_module_name("2") == "0"
    assert analyzer.total("2") == analyzer.total("0") == 18
    assert "2" not in analyzer.by_module()


def test_module_called_through_forward_is_uncalled_but_counted_in_parent():
    class Direct(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(3, 3)

        def forward(self, x):
            return self.fc.forward(x)

    analyzer = FlopAnalyzer(Direct(), (torch.randn(1, 3),)).uncalled_modules_warnings(False)
    assert analyzer.uncalled_modules() == {"fc"}
    assert analyzer.total() == 9 and analyzer.total("fc") == 0


def test_unsupported_ops_warn_by_name_and_count(log_messages):
    model = TinyResNet().eval()
    analyzer = FlopAnalyzer(model, (torch.randn(1, 3, 8, 8),))
    analyzer.total()
    assert "Unsupported operator aten::add encountered 2 time(s)" in log_messages
    assert analyzer.unsupported_ops("layer1") == {"aten::add": 1}
    log_messages.clear()
    FlopAnalyzer(model, (torch.randn(1, 3, 8, 8),)).unsupported_ops_warnings(False).total()
    assert not any("Unsupported" in m for m in log_messages)


def test_results_are_cached_until_handles_change():
    calls = []

    def counting(inputs, outputs):
        calls.append(1)
        return 1

    analyzer = FlopAnalyzer(nn.Linear(2, 2), (torch.randn(1, 2),))
    analyzer.set_op_handle("aten::linear", counting)
    analyzer.total()
    analyzer.by_module()
    assert len(calls) == 1
    analyzer.ancestor_mode("caller").total()
    assert len(calls) == 2


def test_copy_keeps_settings_and_takes_new_inputs():
    analyzer = FlopAnalyzer(nn.Linear(4, 3), (torch.randn(2, 4),))
    analyzer.set_op_handle("aten::linear", lambda i, o: 5).ancestor_mode("caller")
    clone = analyzer.copy(new_inputs=(torch.randn(8, 4),))
    # a plain JitModelAnalysis, as 0.10.7's copy (recorded black box)
    assert type(clone) is JitModelAnalysis
    assert clone.total() == 5
    assert analyzer.copy(new_model=nn.Linear(4, 1)).clear_op_handles().total() == 0


def test_single_tensor_input_and_multiple_inputs():
    class Two(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(3, 2)
            self.b = nn.Linear(5, 2)

        def forward(self, x, y):
            return self.a(x) + self.b(y)

    assert FlopAnalyzer(nn.Linear(3, 2), torch.randn(4, 3)).total() == 24
    two = FlopAnalyzer(Two(), (torch.randn(1, 3), torch.randn(1, 5)))
    assert two.unsupported_ops_warnings(False).total() == 6 + 10


def test_base_jit_analysis_with_explicit_handles():
    from mmengine.analysis.jit_analysis import JitModelAnalysis

    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU())
    analyzer = JitModelAnalysis(model, (torch.randn(2, 4),))
    analyzer.unsupported_ops_warnings(False)
    assert analyzer.total() == 0
    assert analyzer.unsupported_ops() == {"aten::linear": 1}
    analyzer.set_op_handle("aten::linear", linear_flop_jit, "aten::addmm", addmm_flop_jit)
    assert analyzer.total() == 24


def test_tracer_warning_mode_validation():
    analyzer = FlopAnalyzer(nn.Linear(2, 2), (torch.randn(1, 2),))
    for mode in ("all", "no_tracer_warning", "none"):
        assert analyzer.tracer_warnings(mode) is analyzer
    with pytest.raises(ValueError, match="tracer warning mode"):
        analyzer.tracer_warnings("some")


def test_model_must_be_a_module():
    with pytest.raises(TypeError, match="nn.Module"):
        FlopAnalyzer(lambda x: x, (torch.randn(1),))


def test_list_input_is_passed_as_one_argument():
    class TakesList(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(3, 2)

        def forward(self, xs):
            return [self.fc(x) for x in xs]

    analyzer = FlopAnalyzer(TakesList(), [torch.randn(1, 3), torch.randn(2, 3)])
    assert analyzer.total() == 6 + 12


def test_data_parallel_wrapper_is_unwrapped():
    model = nn.DataParallel(nn.Sequential(nn.Linear(3, 3)))
    analyzer = FlopAnalyzer(model, (torch.randn(2, 3),))
    assert analyzer.by_module() == Counter({"": 18, "module": 18, "module.0": 18})
    assert analyzer.uncalled_modules() == set()


class _Double(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad):
        return grad * 2


def test_custom_autograd_function_gets_its_own_handle():
    class UsesFunction(nn.Module):
        def forward(self, x):
            return _Double.apply(x)

    analyzer = FlopAnalyzer(UsesFunction(), (torch.rand(4, 5),)).unsupported_ops_warnings(False)
    assert analyzer.unsupported_ops() == {"prim::PythonOp._Double": 1}
    analyzer.set_op_handle("prim::PythonOp._Double", lambda inputs, outputs: 42)
    assert analyzer.total() == 42


def _square_matmul(x):
    return x @ x


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_scripted_function_is_reported_unsupported():
    class CallsScript(nn.Module):
        def forward(self, x):
            return torch.jit.script(_square_matmul)(x * x)

    analyzer = FlopAnalyzer(CallsScript(), (torch.rand(5, 5),)).unsupported_ops_warnings(False)
    assert analyzer.total() == 0
    assert "prim::CallFunction" in analyzer.unsupported_ops()
