"""AimVisBackend: Aim runs (``pip install mmengine-ng-visualization[aim]``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from mmengine.config import Config
from mmengine.registry import VISBACKENDS

from .base import BaseVisBackend, _check_config, _check_init_kwargs, _to_jsonable, force_init_env


@VISBACKENDS.register_module()
class AimVisBackend(BaseVisBackend):
    """Aim visualization backend (needs ``pip install aim``).

    Examples:
        >>> from mmengine.visualization import AimVisBackend
        >>> aim_vis_backend = AimVisBackend()
        >>> # The add_* calls need the `aim` package (pip install aim).
        >>> aim_vis_backend.add_scalar('mAP', 0.6)  # doctest: +SKIP

    Args:
        save_dir (str, optional): The repository of the run (``repo`` of
            ``aim.Run``) unless ``init_kwargs`` sets one. Defaults to None.
        init_kwargs (dict, optional): ``aim.Run`` arguments. Defaults to None.
    """

    def __init__(self, save_dir: str | None = None, init_kwargs: dict | None = None) -> None:
        super().__init__(save_dir)  # type: ignore[arg-type]
        _check_init_kwargs(init_kwargs, type(self).__name__)
        self._init_kwargs = init_kwargs

    def _init_env(self) -> None:
        """Import aim and create the run."""
        with self._optional_dependency("aim"):
            from aim import Run
        if self._init_kwargs is None:
            self._init_kwargs = {}
        if self._save_dir is not None:
            self._init_kwargs.setdefault("repo", self._save_dir)
        self._aim_run = Run(**self._init_kwargs)

    @property  # type: ignore[misc]
    @force_init_env
    def experiment(self) -> Any:
        """Return the ``aim.Run``."""
        return self._aim_run

    @force_init_env
    def add_config(self, config: Config, **kwargs: Any) -> None:
        """Record the config as the run's ``hparams``.

        Args:
            config (Config): The Config object.
        """
        _check_config(config, type(self).__name__)
        self._aim_run["hparams"] = _to_jsonable(config.to_dict())

    @force_init_env
    def add_image(self, name: str, image: np.ndarray, step: int = 0, **kwargs: Any) -> None:
        """Track the image.

        Args:
            name (str): The image identifier.
            image (np.ndarray): The image to be saved. The format should be RGB.
            step (int): Global step value to record. Defaults to 0.
        """
        from aim import Image

        self._aim_run.track(name=name, value=Image(image), step=step)

    @force_init_env
    def add_scalar(
        self,
        name: str,
        value: int | float | torch.Tensor | np.ndarray,
        step: int = 0,
        **kwargs: Any,
    ) -> None:
        """Track the scalar.

        Args:
            name (str): The scalar identifier.
            value (int, float, torch.Tensor, np.ndarray): Value to save.
            step (int): Global step value to record. Defaults to 0.
        """
        self._aim_run.track(name=name, value=_to_jsonable(value), step=step)

    def _close_env(self) -> None:
        """Close the aim run."""
        self._aim_run.close()
