"""Training strategies of the FlexibleRunner (``mmengine._strategy``, as upstream)."""

import mmengine.utils._coexist  # noqa: F401 - refuses to run next to upstream mmengine

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
