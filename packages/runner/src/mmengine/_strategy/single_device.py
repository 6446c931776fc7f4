"""SingleDeviceStrategy: one process, the model on the current device."""

from __future__ import annotations

from torch import nn

from mmengine.device import get_device
from mmengine.registry import STRATEGIES

from .base import BaseStrategy


@STRATEGIES.register_module()
class SingleDeviceStrategy(BaseStrategy):
    """Train in one process on the current device (CUDA, NPU, MPS... or the CPU)."""

    def wrap_model(self, model: nn.Module) -> nn.Module:
        return model.to(get_device())
