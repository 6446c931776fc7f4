"""NeptuneVisBackend: Neptune runs (``pip install mmengine-ng-visualization[neptune]``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from mmengine.config import Config
from mmengine.registry import VISBACKENDS

from .base import BaseVisBackend, _check_config, _check_init_kwargs, _to_jsonable, force_init_env


@VISBACKENDS.register_module()
class NeptuneVisBackend(BaseVisBackend):
    """Neptune visualization backend (needs ``pip install -U neptune``).

    Examples:
        >>> from mmengine.visualization import NeptuneVisBackend
        >>> neptune_vis_backend = NeptuneVisBackend(
        ...     init_kwargs=dict(project='workspace/project'))
        >>> # The add_* calls need the `neptune` package and a Neptune account.
        >>> neptune_vis_backend.add_scalar('mAP', 0.6)  # doctest: +SKIP

    Args:
        save_dir (str, optional): Useless parameter. Defaults to None.
        init_kwargs (dict, optional): ``neptune.init_run`` arguments, such as
            ``project`` and ``api_token``. Defaults to None.
    """

    def __init__(self, save_dir: str | None = None, init_kwargs: dict | None = None) -> None:
        super().__init__(save_dir)  # type: ignore[arg-type]
        _check_init_kwargs(init_kwargs, type(self).__name__)
        self._init_kwargs = init_kwargs

    def _init_env(self) -> None:
        """Import neptune and start the run."""
        with self._optional_dependency("neptune"):
            import neptune
        if self._init_kwargs is None:
            self._init_kwargs = {"project": "Untitled"}
        self._neptune = neptune.init_run(**self._init_kwargs)

    @property  # type: ignore[misc]
    @force_init_env
    def experiment(self) -> Any:
        """Return the neptune run."""
        return self._neptune

    @force_init_env
    def add_config(self, config: Config, **kwargs: Any) -> None:
        """Upload the config text as ``config``.

        Args:
            config (Config): The Config object.
        """
        _check_config(config, type(self).__name__)
        from neptune.types import File

        self._neptune["config"].upload(File.from_content(config.pretty_text))

    @force_init_env
    def add_image(self, name: str, image: np.ndarray, step: int = 0, **kwargs: Any) -> None:
        """Append the image to the ``images`` series.

        Args:
            name (str): The image identifier.
            image (np.ndarray): The image to be saved. The format should be RGB.
            step (int): Global step value to record. Defaults to 0.
        """
        from neptune.types import File

        img = np.asarray(image).astype(np.float32) / 255.0
        self._neptune["images"].append(File.as_image(img), name=name, step=step)

    @force_init_env
    def add_scalar(
        self,
        name: str,
        value: int | float | torch.Tensor | np.ndarray,
        step: int = 0,
        **kwargs: Any,
    ) -> None:
        """Append the scalar to the series ``name``.

        Args:
            name (str): The scalar identifier.
            value (int, float, torch.Tensor, np.ndarray): Value to save.
            step (int): Global step value to record. Defaults to 0.
        """
        self._neptune[name].append(_to_jsonable(value), step=step)

    def _close_env(self) -> None:
        """Stop the neptune run."""
        self._neptune.stop()
