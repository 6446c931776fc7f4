"""Model wrappers for distributed training.

``MMFullyShardedDataParallel`` is imported on first access (torch FSDP is slow
to import); it is still buildable by name from ``MODEL_WRAPPERS`` at any time.
"""

from typing import Any

from mmengine.utils import digit_version  # noqa: F401  (upstream keeps this name here)
from mmengine.utils.dl_utils import TORCH_VERSION  # noqa: F401  (upstream keeps this name here)

from .distributed import MMDistributedDataParallel
from .seperate_distributed import MMSeparateDistributedDataParallel
from .utils import is_model_wrapper

__all__ = [
    "MMDistributedDataParallel",
    "is_model_wrapper",
    "MMSeparateDistributedDataParallel",
    "MMFullyShardedDataParallel",
]


def __getattr__(name: str) -> Any:
    if name == "MMFullyShardedDataParallel":
        from .fully_sharded_distributed import MMFullyShardedDataParallel

        return MMFullyShardedDataParallel
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
