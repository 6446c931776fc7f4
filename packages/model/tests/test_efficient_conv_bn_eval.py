import torch
import torch.nn as nn

from mmengine.model.efficient_conv_bn_eval import (
    efficient_conv_bn_eval_forward,
    turn_on_efficient_conv_bn_eval,
)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(
            nn.Conv2d(3, 4, 3, bias=False),
            nn.BatchNorm2d(4),
            nn.ReLU(),
            nn.Conv2d(4, 2, 1),
            nn.BatchNorm2d(2, affine=False),
        )
        self.head = nn.Linear(2, 1)

    def forward(self, x):
        return self.head(self.backbone(x).mean((2, 3)))


def _fill_bn_stats(model):
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-1, 1)
                m.running_var.uniform_(0.5, 2)
                if m.affine:
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-1, 1)


def test_forward_matches_conv_then_bn():
    conv, bn = nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4)
    _fill_bn_stats(nn.Sequential(bn))
    bn.eval()
    x = torch.randn(2, 3, 8, 8)
    assert torch.allclose(efficient_conv_bn_eval_forward(bn, conv, x), bn(conv(x)), atol=1e-5)


def test_turn_on_keeps_outputs_in_eval_and_train():
    torch.manual_seed(0)
    model = Net()
    _fill_bn_stats(model)
    x = torch.randn(2, 3, 8, 8)
    model.eval()
    expected = model(x)
    turn_on_efficient_conv_bn_eval(model, "backbone")
    assert torch.allclose(model(x), expected, atol=1e-5)
    # gradients still flow to conv and bn parameters
    model(x).sum().backward()
    assert model.backbone[0].weight.grad is not None
    assert model.backbone[1].weight.grad is not None
    model.train()
    reference = Net()
    reference.load_state_dict(model.state_dict())
    reference.train()
    assert torch.allclose(model(x), reference(x), atol=1e-5)
