"""mmengine.hooks: the Hook base class and every built-in hook."""

import mmengine.utils._coexist  # noqa: F401 - refuses to run next to upstream mmengine

from .checkpoint_hook import CheckpointHook
from .early_stopping_hook import EarlyStoppingHook
from .ema_hook import EMAHook
from .empty_cache_hook import EmptyCacheHook
from .hook import Hook
from .iter_timer_hook import IterTimerHook
from .logger_hook import LoggerHook
from .naive_visualization_hook import NaiveVisualizationHook
from .param_scheduler_hook import ParamSchedulerHook
from .profiler_hook import NPUProfilerHook, ProfilerHook
from .progress_bar_hook import ProgressBarHook
from .runtime_info_hook import RuntimeInfoHook
from .sampler_seed_hook import DistSamplerSeedHook
from .sync_buffer_hook import SyncBuffersHook
from .test_time_aug_hook import PrepareTTAHook
from .time_limit_hook import TimeLimitHook

__all__ = [
    "Hook",
    "IterTimerHook",
    "DistSamplerSeedHook",
    "ParamSchedulerHook",
    "SyncBuffersHook",
    "EmptyCacheHook",
    "CheckpointHook",
    "LoggerHook",
    "NaiveVisualizationHook",
    "EMAHook",
    "RuntimeInfoHook",
    "ProfilerHook",
    "PrepareTTAHook",
    "NPUProfilerHook",
    "EarlyStoppingHook",
    "ProgressBarHook",
    "TimeLimitHook",
]
