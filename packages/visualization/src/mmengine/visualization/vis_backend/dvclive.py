"""DVCLiveVisBackend: DVCLive experiments (``pip install mmengine-ng-visualization[dvclive]``)."""

from __future__ import annotations

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
class DVCLiveVisBackend(BaseVisBackend):
    """DVCLive visualization backend (needs ``pip install dvclive``).

    Examples:
        >>> from mmengine.visualization import DVCLiveVisBackend
        >>> dvclive_vis_backend = DVCLiveVisBackend(save_dir='temp_dir')
        >>> # The add_* calls need the `dvclive` package (pip install dvclive).
        >>> dvclive_vis_backend.add_scalar('mAP', 0.6)  # doctest: +SKIP

    Args:
        save_dir (str): The root directory to save the files produced by the
            backend.
        artifact_suffix (Tuple[str] or str): Suffixes of the files under
            ``save_dir`` logged as artifacts on close.
            Defaults to ('.json', '.py', 'yaml').
        init_kwargs (dict, optional): ``dvclive.Live`` arguments.
            Defaults to None.
    """

    def __init__(
        self,
        save_dir: str,
        artifact_suffix: SUFFIX_TYPE = (".json", ".py", "yaml"),
        init_kwargs: dict | None = None,
    ) -> None:
        super().__init__(save_dir)
        self._artifact_suffix = artifact_suffix
        _check_init_kwargs(init_kwargs, type(self).__name__)
        self._init_kwargs = init_kwargs

    def _init_env(self) -> None:
        """Import dvclive and create the ``Live`` logger."""
        with self._optional_dependency("dvclive"):
            from dvclive import Live
        self._make_save_dir()
        if self._init_kwargs is None:
            self._init_kwargs = {}
        self._init_kwargs.setdefault("dir", self._save_dir)
        self._init_kwargs.setdefault("save_dvc_exp", True)
        self._init_kwargs.setdefault("cache_images", True)
        self._dvclive = Live(**self._init_kwargs)

    @property  # type: ignore[misc]
    @force_init_env
    def experiment(self) -> Any:
        """Return the ``dvclive.Live`` object."""
        return self._dvclive

    @force_init_env
    def add_config(self, config: Config, **kwargs: Any) -> None:
        """Log the config as parameters.

        Args:
            config (Config): The Config object.
        """
        _check_config(config, type(self).__name__)
        self.cfg = config
        self._dvclive.log_params(self._to_dvc_paramlike(config.to_dict()))

    @force_init_env
    def add_image(self, name: str, image: np.ndarray, step: int = 0, **kwargs: Any) -> None:
        """Log the image as ``{name}.png``.

        Args:
            name (str): The image identifier.
            image (np.ndarray): The uint8 image to be saved. The format should
                be RGB.
            step (int): Useless parameter. Defaults to 0.
        """
        assert image.dtype == np.uint8, f"The image must be uint8, but got {image.dtype}"
        self._dvclive.log_image(f"{name}.png", image)

    @force_init_env
    def add_scalar(
        self,
        name: str,
        value: int | float | torch.Tensor | np.ndarray,
        step: int = 0,
        **kwargs: Any,
    ) -> None:
        """Log the metric at ``step``.

        Args:
            name (str): The scalar identifier.
            value (int, float, torch.Tensor, np.ndarray): Value to save.
            step (int): Global step value to record. Defaults to 0.
        """
        self._dvclive.step = step
        self._dvclive.log_metric(name, _to_jsonable(value))

    def _close_env(self) -> None:
        """Log the artifacts under ``save_dir`` and end the live session."""
        for file_path in _collect_artifacts(self._save_dir, self._artifact_suffix):
            self._dvclive.log_artifact(file_path)
        self._dvclive.end()

    def _to_dvc_paramlike(self, value: Any) -> Any:
        """Convert ``value`` to types DVCLive accepts as params (str, numbers, lists, dicts)."""
        if isinstance(value, dict):
            return {str(k): self._to_dvc_paramlike(v) for k, v in value.items()}
        if isinstance(value, (tuple, list)):
            return [self._to_dvc_paramlike(item) for item in value]
        if isinstance(value, (np.ndarray, np.generic, torch.Tensor)):
            return _to_jsonable(value)
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        return str(value)
