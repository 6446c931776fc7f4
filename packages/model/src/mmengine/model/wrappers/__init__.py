"""Model wrappers for distributed training."""

from .distributed import MMDistributedDataParallel
from .fully_sharded_distributed import MMFullyShardedDataParallel
from .seperate_distributed import MMSeparateDistributedDataParallel
from .utils import is_model_wrapper

__all__ = [
    "MMDistributedDataParallel",
    "is_model_wrapper",
    "MMSeparateDistributedDataParallel",
    "MMFullyShardedDataParallel",
]
