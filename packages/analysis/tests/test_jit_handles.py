"""Per-op flop handles, checked on single-op models against hand counts."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from mmengine.analysis import FlopAnalyzer, flop_count
from mmengine.analysis.jit_handles import conv_flop_count, elementwise_flop_counter


class _Fn(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, *args):
        return self.fn(*args)


def _ops(fn, *inputs):
    return FlopAnalyzer(_Fn(fn), inputs).unsupported_ops_warnings(False).by_operator()


def test_conv2d_counts_kernel_times_output():
    conv = nn.Conv2d(3, 8, 3, stride=2, padding=1)
    x = torch.randn(2, 3, 9, 9)
    out = conv(x)
    expected = 2 * 8 * 3 * 3 * 3 * out.shape[2] * out.shape[3]
    assert FlopAnalyzer(conv, (x,)).by_operator() == {"conv": expected}


def test_grouped_and_depthwise_conv():
    x = torch.randn(1, 8, 6, 6)
    grouped = nn.Conv2d(8, 8, 3, padding=1, groups=4)
    assert FlopAnalyzer(grouped, (x,)).total() == 8 * 2 * 9 * 36
    depthwise = nn.Conv2d(8, 8, 3, padding=1, groups=8)
    assert FlopAnalyzer(depthwise, (x,)).total() == 8 * 1 * 9 * 36


@pytest.mark.parametrize("dim", [1, 2, 3])
def test_conv_any_dimension(dim):
    conv = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}[dim](2, 4, 3)
    x = torch.randn(1, 2, *([5] * dim))
    out_numel = 3**dim
    assert FlopAnalyzer(conv, (x,)).total() == 4 * 2 * 3**dim * out_numel


def test_transposed_conv_uses_input_spatial_size():
    conv = nn.ConvTranspose2d(4, 2, 3, stride=2)
    x = torch.randn(2, 4, 5, 5)
    assert FlopAnalyzer(conv, (x,)).by_operator() == {"conv": 2 * 4 * 2 * 9 * 25}
    assert conv_flop_count([2, 4, 5, 5], [4, 2, 3, 3], [2, 2, 11, 11], transposed=True) == (
        2 * 4 * 2 * 9 * 25
    )


def test_linear_any_leading_dims():
    fc = nn.Linear(6, 5)
    assert FlopAnalyzer(fc, (torch.randn(4, 6),)).by_operator() == {"linear": 4 * 6 * 5}
    assert FlopAnalyzer(fc, (torch.randn(2, 3, 6),)).total() == 2 * 3 * 6 * 5


def test_matmul_broadcast_and_vectors():
    a, b = torch.randn(2, 3, 4, 5), torch.randn(5, 6)
    assert _ops(torch.matmul, a, b) == {"matmul": 2 * 3 * 4 * 5 * 6}
    a, b = torch.randn(3, 1, 4, 5), torch.randn(2, 5, 7)
    assert _ops(torch.matmul, a, b) == {"matmul": 3 * 2 * 4 * 5 * 7}
    assert _ops(torch.matmul, torch.randn(4, 5), torch.randn(5)) == {"matmul": 20}


def test_mm_bmm_addmm():
    a, b = torch.randn(3, 4), torch.randn(4, 5)
    assert _ops(torch.mm, a, b) == {"mm": 60}
    assert _ops(lambda x, y: torch.addmm(torch.zeros(5), x, y), a, b) == {"addmm": 60}
    a, b = torch.randn(2, 3, 4), torch.randn(2, 4, 5)
    assert _ops(torch.bmm, a, b) == {"bmm": 120}


@pytest.mark.parametrize(
    "equation, shapes, expected",
    [
        ("nct,ncp->ntp", [(2, 3, 4), (2, 3, 5)], 2 * 3 * 4 * 5),
        ("ntg,ncg->nct", [(2, 3, 4), (2, 5, 4)], 2 * 3 * 4 * 5),
        ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)], 2 * 3 * 4 * 5),
        ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)], 2 * 3 * 4 + 2 * 4 * 5),
    ],
)
def test_einsum(equation, shapes, expected):
    tensors = [torch.randn(*s) for s in shapes]
    assert _ops(lambda *t: torch.einsum(equation, *t), *tensors) == {"einsum": expected}


def test_batch_norm_eval_and_train():
    x = torch.randn(2, 4, 3, 3)
    bn = nn.BatchNorm2d(4).eval()
    assert FlopAnalyzer(bn, (x,)).by_operator() == {"batch_norm": x.numel() * 2}
    no_affine = nn.BatchNorm2d(4, affine=False).eval()
    assert FlopAnalyzer(no_affine, (x,)).total() == x.numel()
    bn.train()
    assert FlopAnalyzer(bn, (x,)).total() == x.numel() * 5


def test_layer_group_instance_norm():
    x = torch.randn(2, 4, 3, 3)
    assert FlopAnalyzer(nn.GroupNorm(2, 4), (x,)).by_operator() == {"group_norm": x.numel() * 5}
    assert FlopAnalyzer(nn.LayerNorm([3, 3]), (x,)).by_operator() == {"layer_norm": x.numel() * 5}
    ln = nn.LayerNorm(3, elementwise_affine=False)
    assert FlopAnalyzer(ln, (x,)).total() == x.numel() * 4
    inorm = nn.InstanceNorm2d(4, affine=True)
    assert FlopAnalyzer(inorm, (x,)).by_operator() == {"instance_norm": x.numel() * 5}


def test_upsample_and_adaptive_pool():
    x = torch.randn(1, 2, 4, 4)
    nearest = _ops(lambda t: F.interpolate(t, scale_factor=2, mode="nearest"), x)
    assert nearest == {"upsample_nearest2d": 2 * 8 * 8}
    bilinear = _ops(lambda t: F.interpolate(t, scale_factor=2, mode="bilinear"), x)
    assert bilinear == {"upsample_bilinear2d": 4 * 2 * 8 * 8}
    assert FlopAnalyzer(nn.AdaptiveAvgPool2d(1), (x,)).by_operator() == {
        "adaptive_avg_pool2d": x.numel()
    }


def test_elementwise_counter_registers_new_ops():
    x = torch.randn(3, 4)
    model = _Fn(lambda t: t + t * 2)
    analyzer = FlopAnalyzer(model, (x,)).unsupported_ops_warnings(False)
    assert analyzer.total() == 0
    assert analyzer.unsupported_ops() == {"aten::add": 1, "aten::mul": 1}
    analyzer.set_op_handle(
        "aten::add", elementwise_flop_counter(0, 1), "aten::mul", elementwise_flop_counter(1, 0)
    )
    assert analyzer.by_operator() == {"add": 12, "mul": 12}
    assert analyzer.unsupported_ops() == {}


def test_flop_count_returns_gflops_per_operator():
    fc = nn.Linear(10, 20)
    gflops, unsupported = flop_count(fc, (torch.randn(5, 10),))
    assert gflops == {"linear": 5 * 10 * 20 / 1e9}
    assert unsupported == {}
