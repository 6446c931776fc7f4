"""``mmengine.runner.checkpoint_store``: the :class:`CheckpointStore` of a run's checkpoints.

It is defined in :mod:`mmengine.hooks.checkpoint_store` (the CheckpointHook's layer, which the
hooks package may import) and used by the runner for preemption and failure checkpoints.
"""

from mmengine.hooks.checkpoint_store import POINTER_FILE, CheckpointStore

__all__ = ["POINTER_FILE", "CheckpointStore"]
