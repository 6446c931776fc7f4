"""ActivationAnalyzer: output elements of conv and matmul-like ops."""

from collections import Counter

import torch
from analysis_models import TinyResNet, TransformerBlock
from torch import nn

from mmengine.analysis import ActivationAnalyzer, activation_count


def test_conv_and_linear_activations():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 10, 1)
            self.act = nn.ReLU()
            self.fc = nn.Linear(1000, 10)

        def forward(self, x):
            return self.fc(self.act(self.conv(x)).flatten(1))

    analyzer = ActivationAnalyzer(Net(), (torch.randn(1, 3, 10, 10),))
    assert analyzer.total() == 1010
    assert analyzer.by_operator() == Counter({"conv": 1000, "linear": 10})
    assert analyzer.by_module() == Counter({"": 1010, "conv": 1000, "fc": 10, "act": 0})
    assert analyzer.total("fc") == 10


def test_resnet_activations_are_conv_outputs():
    model = TinyResNet().eval()
    x = torch.randn(2, 3, 8, 8)
    analyzer = ActivationAnalyzer(model, (x,)).unsupported_ops_warnings(False)
    conv_outputs = []
    hooks = [
        m.register_forward_hook(lambda m, i, o: conv_outputs.append(o.numel()))
        for m in model.modules()
        if isinstance(m, nn.Conv2d)
    ]
    model(x)
    for h in hooks:
        h.remove()
    assert analyzer.by_operator() == Counter({"conv": sum(conv_outputs), "linear": 2 * 10})


def test_transformer_activations():
    model = TransformerBlock(dim=16, heads=2)
    x = torch.randn(1, 5, 16)
    analyzer = ActivationAnalyzer(model, (x,)).unsupported_ops_warnings(False)
    ops = analyzer.by_operator()
    # two attention matmuls: (1,2,5,5) and (1,2,5,8)
    assert ops["matmul"] == 2 * 5 * 5 + 2 * 5 * 8
    assert ops["linear"] == 5 * (48 + 16 + 32 + 16)


def test_activation_count_returns_mega_activations():
    acts, unsupported = activation_count(nn.Linear(4, 5), (torch.randn(3, 4),))
    assert acts == {"linear": 15 / 1e6}
    assert unsupported == Counter()


def test_custom_activation_handle():
    model = nn.Sequential(nn.Linear(4, 4), nn.Softmax(-1))
    analyzer = ActivationAnalyzer(model, (torch.randn(2, 4),)).unsupported_ops_warnings(False)
    assert analyzer.unsupported_ops() == {"aten::softmax": 1}
    from mmengine.analysis.jit_handles import generic_activation_jit

    analyzer.set_op_handle("aten::softmax", generic_activation_jit("softmax"))
    assert analyzer.by_operator() == {"linear": 8, "softmax": 8}
