"""Training strategies (``mmengine._strategy``, as upstream): usable on their own or through
:class:`~mmengine.runner.FlexibleRunner`."""

import mmengine.utils._coexist  # noqa: F401 - refuses to run next to upstream mmengine
from mmengine.utils import digit_version  # noqa: F401  (upstream's module global)
from mmengine.utils.dl_utils import TORCH_VERSION  # noqa: F401  (upstream's module global)

from .base import BaseStrategy
from .colossalai import ColossalAIStrategy
from .deepspeed import DeepSpeedStrategy
from .distributed import DDPStrategy
from .fsdp import FSDPStrategy
from .single_device import SingleDeviceStrategy

__all__ = [
    "BaseStrategy",
    "DDPStrategy",
    "SingleDeviceStrategy",
    "DeepSpeedStrategy",
    "ColossalAIStrategy",
    "FSDPStrategy",
]
