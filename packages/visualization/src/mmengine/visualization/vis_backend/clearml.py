"""ClearMLVisBackend: ClearML tasks (``pip install mmengine-ng-visualization[clearml]``)."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import torch

from mmengine.config import Config
from mmengine.registry import VISBACKENDS

from .base import (
    SUFFIX_TYPE,
    BaseVisBackend,
    _check_config,
    _check_init_kwargs,
    _collect_artifacts,
    _to_jsonable,
    force_init_env,
)


@VISBACKENDS.register_module()
class ClearMLVisBackend(BaseVisBackend):
    """ClearML visualization backend (needs ``pip install clearml``).

    Examples:
        >>> from mmengine.visualization import ClearMLVisBackend
        >>> vis_backend = ClearMLVisBackend(save_dir='temp_dir')
        >>> # The add_* calls need the `clearml` package and a ClearML server.
        >>> vis_backend.add_scalar('mAP', 0.6)  # doctest: +SKIP

    Args:
        save_dir (str, optional): Useless parameter. Defaults to None.
        init_kwargs (dict, optional): ``clearml.Task.init`` arguments.
            Defaults to None.
        artifact_suffix (Tuple[str] or str): Suffixes of the files under the
            config's ``work_dir`` uploaded on close. Defaults to ('.py', '.pth').
    """

    def __init__(
        self,
        save_dir: str | None = None,
        init_kwargs: dict | None = None,
        artifact_suffix: SUFFIX_TYPE = (".py", ".pth"),
    ) -> None:
        super().__init__(save_dir)  # type: ignore[arg-type]
        _check_init_kwargs(init_kwargs, type(self).__name__)
        self._init_kwargs = init_kwargs
        self._artifact_suffix = artifact_suffix

    def _init_env(self) -> None:
        """Import clearml and create the task."""
        with self._optional_dependency("clearml"):
            import clearml
        task_kwargs = self._init_kwargs or {}
        self._clearml = clearml
        self._task = clearml.Task.init(**task_kwargs)
        self._logger = self._task.get_logger()

    @property  # type: ignore[misc]
    @force_init_env
    def experiment(self) -> Any:
        """Return the ``clearml`` module."""
        return self._clearml

    @force_init_env
    def add_config(self, config: Config, **kwargs: Any) -> None:
        """Connect the config to the task.

        Args:
            config (Config): The Config object.
        """
        _check_config(config, type(self).__name__)
        self.cfg = config
        self._task.connect_configuration(config.to_dict())

    @force_init_env
    def add_image(self, name: str, image: np.ndarray, step: int = 0, **kwargs: Any) -> None:
        """Report the image.

        Args:
            name (str): The image identifier.
            image (np.ndarray): The image to be saved. The format should be RGB.
            step (int): Global step value to record. Defaults to 0.
        """
        self._logger.report_image(title=name, series=name, iteration=step, image=image)

    @force_init_env
    def add_scalar(
        self,
        name: str,
        value: int | float | torch.Tensor | np.ndarray,
        step: int = 0,
        **kwargs: Any,
    ) -> None:
        """Report the scalar.

        Args:
            name (str): The scalar identifier.
            value (int, float, torch.Tensor, np.ndarray): Value to save.
            step (int): Global step value to record. Defaults to 0.
        """
        self._logger.report_scalar(
            title=name, series=name, value=_to_jsonable(value), iteration=step
        )

    def _close_env(self) -> None:
        """Upload the artifacts under the config's ``work_dir`` and close the task."""
        cfg = getattr(self, "cfg", None)
        work_dir = cfg.get("work_dir") if cfg is not None else None
        for file_path in _collect_artifacts(work_dir, self._artifact_suffix):
            self._task.upload_artifact(os.path.basename(file_path), file_path)
        self._task.close()
