"""mmengine.visualization: the Visualizer and its storage backends."""

import mmengine.utils._coexist  # noqa: F401 - refuses to run next to upstream mmengine

from .vis_backend import (
    AimVisBackend,
    BaseVisBackend,
    ClearMLVisBackend,
    DVCLiveVisBackend,
    LocalVisBackend,
    MLflowVisBackend,
    NeptuneVisBackend,
    TensorboardVisBackend,
    WandbVisBackend,
)
from .visualizer import Visualizer

__all__ = [
    "Visualizer",
    "BaseVisBackend",
    "LocalVisBackend",
    "WandbVisBackend",
    "TensorboardVisBackend",
    "MLflowVisBackend",
    "ClearMLVisBackend",
    "NeptuneVisBackend",
    "DVCLiveVisBackend",
    "AimVisBackend",
]
