"""Visualization storage backends: where the Visualizer writes scalars, images and configs.

Every backend defers its set-up (creating folders, opening files, importing and
initializing a third-party client) to the first call that needs it, through the
:func:`force_init_env` decorator, so that building a ``Visualizer`` is cheap and creates
nothing on disk. One module per backend; this package re-exports them under upstream's
import path ``mmengine.visualization.vis_backend``.

- :class:`LocalVisBackend` (``local``): JSON-lines scalars, PNG images, the config file.
- :class:`TensorboardVisBackend` (``tensorboard``): events files (extra ``tensorboard``).
- :class:`WandbVisBackend`, :class:`MLflowVisBackend`, :class:`ClearMLVisBackend`,
  :class:`NeptuneVisBackend`, :class:`DVCLiveVisBackend`, :class:`AimVisBackend`:
  the corresponding services; their libraries are optional extras.
"""

# Names upstream's ``vis_backend`` module binds and downstream code imports from it.
from mmengine.config import Config, ConfigDict
from mmengine.fileio import dump
from mmengine.logging import MMLogger, print_log
from mmengine.registry import VISBACKENDS
from mmengine.utils import digit_version, scandir
from mmengine.utils.dl_utils import TORCH_VERSION

from .aim import AimVisBackend
from .base import SUFFIX_TYPE, BaseVisBackend, force_init_env
from .clearml import ClearMLVisBackend
from .dvclive import DVCLiveVisBackend
from .local import LocalVisBackend
from .mlflow import MLflowVisBackend
from .neptune import NeptuneVisBackend
from .tensorboard import TensorboardVisBackend
from .wandb import WandbVisBackend

__all__ = [
    "BaseVisBackend",
    "LocalVisBackend",
    "TensorboardVisBackend",
    "WandbVisBackend",
    "MLflowVisBackend",
    "ClearMLVisBackend",
    "NeptuneVisBackend",
    "DVCLiveVisBackend",
    "AimVisBackend",
    "force_init_env",
    "SUFFIX_TYPE",
    "Config",
    "ConfigDict",
    "MMLogger",
    "TORCH_VERSION",
    "VISBACKENDS",
    "digit_version",
    "dump",
    "print_log",
    "scandir",
]
