"""MLflowVisBackend: MLflow runs (``pip install mmengine-ng-visualization[mlflow]``)."""

from __future__ import annotations

import logging
import os
import os.path as osp
from collections.abc import MutableMapping
from typing import Any

import numpy as np
import torch

from mmengine.config import Config
from mmengine.registry import VISBACKENDS

from .base import (
    SUFFIX_TYPE,
    BaseVisBackend,
    _check_config,
    _check_scalar_dict,
    _collect_artifacts,
    _flatten_dict,
    _to_jsonable,
    force_init_env,
)


@VISBACKENDS.register_module()
class MLflowVisBackend(BaseVisBackend):
    """MLflow visualization backend (needs ``pip install mlflow``).

    Examples:
        >>> from mmengine.visualization import MLflowVisBackend
        >>> from mmengine import Config
        >>> import numpy as np
        >>> vis_backend = MLflowVisBackend(save_dir='temp_dir')
        >>> img = np.random.randint(0, 256, size=(10, 10, 3))
        >>> # The add_* calls need the `mlflow` package (pip install mlflow).
        >>> vis_backend.add_image('img.png', img)  # doctest: +SKIP
        >>> vis_backend.add_scalar('mAP', 0.6)  # doctest: +SKIP
        >>> vis_backend.add_scalars({'loss': 0.1,'acc':0.8})  # doctest: +SKIP
        >>> cfg = Config(dict(a=1, b=dict(b1=[0, 1])))
        >>> vis_backend.add_config(cfg)  # doctest: +SKIP

    Args:
        save_dir (str): The root directory to save the model.
        exp_name (str, optional): The experiment name. Defaults to None
            ('Default').
        run_name (str, optional): The run name. Defaults to None.
        tags (dict, optional): Tags of the run. Defaults to None.
        params (dict, optional): Parameters of the run. Defaults to None.
        tracking_uri (str, optional): The tracking uri. Defaults to None
            (a ``file://`` store under ``save_dir``).
        artifact_suffix (Tuple[str] or str, optional): Suffixes of the files
            under the config's ``work_dir`` uploaded as artifacts on close.
            Defaults to ('.json', '.log', '.py', 'yaml').
        tracked_config_keys (dict, optional): The top level keys of the
            config logged as parameters; None logs all. Defaults to None.
        artifact_location (str, optional): Where to store run artifacts;
            None lets the server choose. Defaults to None.
    """

    def __init__(
        self,
        save_dir: str,
        exp_name: str | None = None,
        run_name: str | None = None,
        tags: dict | None = None,
        params: dict | None = None,
        tracking_uri: str | None = None,
        artifact_suffix: SUFFIX_TYPE = (".json", ".log", ".py", "yaml"),
        tracked_config_keys: dict | None = None,
        artifact_location: str | None = None,
    ) -> None:
        super().__init__(save_dir)
        self._exp_name = exp_name
        self._run_name = run_name
        self._tags = tags
        self._params = params
        self._tracking_uri = tracking_uri
        self._artifact_suffix = artifact_suffix
        self._tracked_config_keys = tracked_config_keys
        self._artifact_location = artifact_location

    def _init_env(self) -> None:
        """Import mlflow, set the tracking uri and experiment, start tagging the run."""
        with self._optional_dependency("mlflow"):
            import mlflow
        self._make_save_dir()
        self._mlflow = mlflow
        # mlflow logs a lot at INFO level; keep only errors.
        logging.getLogger("mlflow").setLevel(logging.ERROR)
        if self._tracking_uri is not None:
            mlflow.set_tracking_uri(self._tracking_uri)
        else:
            save_dir = osp.abspath(self._save_dir or ".")
            file_url = f"file:\\{save_dir}" if os.name == "nt" else f"file://{save_dir}"
            mlflow.set_tracking_uri(file_url)
        self._exp_name = self._exp_name or "Default"
        if mlflow.get_experiment_by_name(self._exp_name) is None:
            mlflow.create_experiment(self._exp_name, artifact_location=self._artifact_location)
        mlflow.set_experiment(self._exp_name)
        if self._run_name is not None:
            mlflow.set_tag("mlflow.runName", self._run_name)
        if self._tags is not None:
            mlflow.set_tags(self._tags)
        if self._params is not None:
            mlflow.log_params(self._params)

    @property  # type: ignore[misc]
    @force_init_env
    def experiment(self) -> Any:
        """Return the ``mlflow`` module."""
        return self._mlflow

    @force_init_env
    def add_config(self, config: Config, **kwargs: Any) -> None:
        """Log the (tracked keys of the) config as parameters and its text as ``config.py``.

        Args:
            config (Config): The Config object.
        """
        _check_config(config, type(self).__name__)
        self.cfg = config
        if self._tracked_config_keys is None:
            self._mlflow.log_params(self._flatten(config.to_dict()))
        else:
            tracked = {key: config[key] for key in self._tracked_config_keys}
            self._mlflow.log_params(self._flatten(tracked))
        self._mlflow.log_text(config.pretty_text, "config.py")

    @force_init_env
    def add_image(self, name: str, image: np.ndarray, step: int = 0, **kwargs: Any) -> None:
        """Log the image as an artifact named ``name``.

        Args:
            name (str): The image identifier (artifact file name).
            image (np.ndarray): The image to be saved. The format should be RGB.
            step (int): Useless parameter. Defaults to 0.
        """
        self._mlflow.log_image(image, name)

    @force_init_env
    def add_scalar(
        self,
        name: str,
        value: int | float | torch.Tensor | np.ndarray,
        step: int = 0,
        **kwargs: Any,
    ) -> None:
        """Log the metric.

        Args:
            name (str): The scalar identifier.
            value (int, float, torch.Tensor, np.ndarray): Value to save.
            step (int): Global step value to record. Defaults to 0.
        """
        self._mlflow.log_metric(name, _to_jsonable(value), step)

    @force_init_env
    def add_scalars(
        self,
        scalar_dict: dict,
        step: int = 0,
        file_path: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Log the metrics.

        Args:
            scalar_dict (dict): Key-value pair storing the tag and
                corresponding values.
            step (int): Global step value to record. Defaults to 0.
            file_path (str, optional): Useless parameter. Defaults to None.
        """
        _check_scalar_dict(scalar_dict, "MLflowVisBackend")
        self._mlflow.log_metrics(_to_jsonable(scalar_dict), step)

    def _close_env(self) -> None:
        """Upload the artifacts under the config's ``work_dir`` and end the run."""
        cfg = getattr(self, "cfg", None)
        work_dir = cfg.get("work_dir") if cfg is not None else None
        for file_path in _collect_artifacts(work_dir, self._artifact_suffix):
            rel_dir = osp.dirname(osp.relpath(file_path, work_dir))
            self._mlflow.log_artifact(file_path, rel_dir)
        self._mlflow.end_run()

    def _flatten(self, d: MutableMapping, parent_key: str = "", sep: str = ".") -> dict:
        """Flatten a nested dict to dotted keys (lists of dicts are indexed)."""
        return _flatten_dict(d, parent_key, sep)
