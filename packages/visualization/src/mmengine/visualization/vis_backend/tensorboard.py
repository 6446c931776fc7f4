"""TensorboardVisBackend: events files through ``torch.utils.tensorboard``.

TensorBoard is an optional extra (``pip install mmengine-ng-visualization[tensorboard]``); it
is imported the first time the backend writes something.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import torch

from mmengine.config import Config
from mmengine.registry import VISBACKENDS

from .base import BaseVisBackend, _check_config, _check_image, force_init_env


@VISBACKENDS.register_module()
class TensorboardVisBackend(BaseVisBackend):
    """Tensorboard visualization backend: writes scalars, images and the config to events files.

    It uses ``torch.utils.tensorboard.SummaryWriter``, imported on first use;
    without the ``tensorboard`` package that first use raises an ImportError
    naming ``pip install mmengine-ng-visualization[tensorboard]``.

    Examples:
        >>> from mmengine.visualization import TensorboardVisBackend
        >>> import numpy as np
        >>> vis_backend = TensorboardVisBackend(save_dir='temp_dir')
        >>> img = np.random.randint(0, 256, size=(10, 10, 3)).astype(np.uint8)
        >>> vis_backend.add_image('img', img)
        >>> vis_backend.add_scalar('mAP', 0.6)
        >>> vis_backend.add_scalars({'loss': 0.1, 'acc': 0.8})
        >>> from mmengine.config import Config
        >>> cfg = Config(dict(a=1, b=dict(b1=[0, 1])))
        >>> vis_backend.add_config(cfg)

    Args:
        save_dir (str): The root directory to save the files produced by the
            backend.
    """

    def __init__(self, save_dir: str) -> None:
        super().__init__(save_dir)

    def _init_env(self) -> None:
        """Create ``save_dir`` and the SummaryWriter."""
        # torch.utils.tensorboard needs the tensorboard package; import it by name first so
        # that its absence gives our message rather than torch's.
        with self._optional_dependency("tensorboard"):
            import tensorboard  # noqa: F401
            from torch.utils.tensorboard import SummaryWriter
        self._make_save_dir(required=True)
        self._tensorboard = SummaryWriter(self._save_dir)

    @property  # type: ignore[misc]
    @force_init_env
    def experiment(self) -> Any:
        """Return the Tensorboard ``SummaryWriter``."""
        return self._tensorboard

    @force_init_env
    def add_config(self, config: Config, **kwargs: Any) -> None:
        """Record the config text under the tag ``'config'``.

        Args:
            config (Config): The Config object.
        """
        _check_config(config, type(self).__name__)
        self._tensorboard.add_text("config", config.pretty_text)

    @force_init_env
    def add_image(self, name: str, image: np.ndarray, step: int = 0, **kwargs: Any) -> None:
        """Record the image to tensorboard.

        Args:
            name (str): The image identifier.
            image (np.ndarray): The image to be saved. The format should be RGB
                (H, W, 3).
            step (int): Global step value to record. Defaults to 0.
        """
        image = _check_image(image, "TensorboardVisBackend.add_image")
        if image.ndim == 2:
            # A gray image: TensorBoard takes it as "HW".
            self._tensorboard.add_image(name, image, step, dataformats="HW")
            return
        if image.ndim != 3 or image.shape[-1] not in (1, 3, 4):
            hint = (
                "; it looks like (C, H, W): convert it with image.transpose(1, 2, 0)"
                if image.ndim == 3 and image.shape[0] in (1, 3, 4)
                else ""
            )
            raise TypeError(
                f"TensorboardVisBackend.add_image: the image {name!r} should be an RGB image of "
                f"shape (H, W, 3) (or gray (H, W)), but got shape {image.shape}{hint}"
            )
        self._tensorboard.add_image(name, image, step, dataformats="HWC")

    @force_init_env
    def add_scalar(
        self,
        name: str,
        value: int | float | torch.Tensor | np.ndarray,
        step: int = 0,
        **kwargs: Any,
    ) -> None:
        """Record the scalar data to tensorboard; other value types are skipped with a warning.

        Args:
            name (str): The scalar identifier.
            value (int, float, torch.Tensor, np.ndarray): Value to save.
            step (int): Global step value to record. Defaults to 0.
        """
        numel = (
            value.numel()
            if isinstance(value, torch.Tensor)
            else value.size
            if isinstance(value, np.ndarray)
            else 1
        )
        if numel != 1:
            raise AssertionError(
                "Tensor should contain one element (0 dimensions). "
                f"TensorboardVisBackend.add_scalar({name!r}) got a value of shape "
                f"{tuple(value.shape)}; log one number (e.g. value.mean() or value.item())"
            )
        if isinstance(value, (int, float, torch.Tensor, np.ndarray, np.number)):
            self._tensorboard.add_scalar(name, value, step)
        else:
            warnings.warn(
                f"TensorboardVisBackend: got {type(value)} for {name!r}, but numpy array, "
                "torch tensor, int or float are expected. Skip it!",
                stacklevel=3,
            )

    def _close_env(self) -> None:
        """Flush and close the SummaryWriter."""
        self._tensorboard.close()
