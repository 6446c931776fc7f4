"""Training strategies of the FlexibleRunner (``mmengine._strategy``, as upstream)."""

from .base import BaseStrategy
from .distributed import DDPStrategy
from .fsdp import FSDPStrategy
from .optional import ColossalAIStrategy, DeepSpeedStrategy
from .single_device import SingleDeviceStrategy

__all__ = [
    "BaseStrategy",
    "ColossalAIStrategy",
    "DDPStrategy",
    "DeepSpeedStrategy",
    "FSDPStrategy",
    "SingleDeviceStrategy",
]
