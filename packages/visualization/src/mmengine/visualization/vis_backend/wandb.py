"""WandbVisBackend: Weights & Biases runs (``pip install mmengine-ng-visualization[wandb]``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from mmengine.config import Config
from mmengine.registry import VISBACKENDS

from .base import BaseVisBackend, _check_config, _check_init_kwargs, force_init_env


@VISBACKENDS.register_module()
class WandbVisBackend(BaseVisBackend):
    """Weights & Biases visualization backend (needs ``pip install wandb``).

    Examples:
        >>> from mmengine.visualization import WandbVisBackend
        >>> import numpy as np
        >>> wandb_vis_backend = WandbVisBackend(save_dir='temp_dir')
        >>> img = np.random.randint(0, 256, size=(10, 10, 3))
        >>> # The add_* calls need the `wandb` package and a W&B login.
        >>> wandb_vis_backend.add_image('img', img)  # doctest: +SKIP
        >>> wandb_vis_backend.add_scalar('mAP', 0.6)  # doctest: +SKIP
        >>> wandb_vis_backend.add_scalars({'loss': [1, 2, 3], 'acc': 0.8})  # doctest: +SKIP
        >>> from mmengine.config import Config
        >>> cfg = Config(dict(a=1, b=dict(b1=[0, 1])))
        >>> wandb_vis_backend.add_config(cfg)  # doctest: +SKIP

    Args:
        save_dir (str, optional): The root directory to save the files
            produced by the visualizer.
        init_kwargs (dict, optional): ``wandb.init`` arguments. ``dir``
            defaults to ``save_dir``. Defaults to None.
        define_metric_cfg (dict or list, optional): Either a dict mapping a
            metric to its summary (``{'coco/bbox_mAP': 'max'}``), or a list of
            ``wandb.define_metric`` keyword dicts. Defaults to None.
        commit (bool, optional): Whether ``wandb.log`` commits (saves and
            increments the step). Defaults to True.
        log_code_name (str, optional): The name of the code artifact logged
            with the config. Defaults to None.
        watch_kwargs (dict, optional): Arguments for ``wandb.watch``, used by
            ``add_graph``. Defaults to None.
    """

    def __init__(
        self,
        save_dir: str,
        init_kwargs: dict | None = None,
        define_metric_cfg: dict | list | None = None,
        commit: bool | None = True,
        log_code_name: str | None = None,
        watch_kwargs: dict | None = None,
    ) -> None:
        super().__init__(save_dir)
        _check_init_kwargs(init_kwargs, type(self).__name__)
        self._init_kwargs = init_kwargs
        self._define_metric_cfg = define_metric_cfg
        self._commit = commit
        self._log_code_name = log_code_name
        self._watch_kwargs = watch_kwargs if watch_kwargs is not None else {}

    def _init_env(self) -> None:
        """Import wandb and start the run."""
        with self._optional_dependency("wandb"):
            import wandb
        self._make_save_dir()
        if self._init_kwargs is None:
            self._init_kwargs = {"dir": self._save_dir}
        else:
            self._init_kwargs.setdefault("dir", self._save_dir)
        wandb.init(**self._init_kwargs)
        if self._define_metric_cfg is not None:
            if isinstance(self._define_metric_cfg, dict):
                for metric, summary in self._define_metric_cfg.items():
                    wandb.define_metric(metric, summary=summary)
            elif isinstance(self._define_metric_cfg, list):
                for metric_cfg in self._define_metric_cfg:
                    wandb.define_metric(**metric_cfg)
            else:
                raise ValueError(
                    "WandbVisBackend: define_metric_cfg should be a dict or a list, but got "
                    f"{type(self._define_metric_cfg)}"
                )
        self._wandb = wandb

    @property  # type: ignore[misc]
    @force_init_env
    def experiment(self) -> Any:
        """Return the ``wandb`` module (use it to log tables and the like)."""
        return self._wandb

    @force_init_env
    def add_config(self, config: Config, **kwargs: Any) -> None:
        """Record the config to wandb and log the code.

        Args:
            config (Config): The Config object.
        """
        _check_config(config, type(self).__name__)
        assert isinstance(self._init_kwargs, dict)
        allow_val_change = self._init_kwargs.get("allow_val_change", False)
        self._wandb.config.update(config.to_dict(), allow_val_change=allow_val_change)
        self._wandb.run.log_code(name=self._log_code_name)

    @force_init_env
    def add_graph(self, model: torch.nn.Module, data_batch: Sequence[dict], **kwargs: Any) -> None:
        """Watch the model with ``wandb.watch``.

        Args:
            model (torch.nn.Module): Model to draw.
            data_batch (Sequence[dict]): Batch of data from dataloader.
        """
        self._wandb.watch(model, **self._watch_kwargs)

    @force_init_env
    def add_image(self, name: str, image: np.ndarray, step: int = 0, **kwargs: Any) -> None:
        """Record the image to wandb.

        Args:
            name (str): The image identifier.
            image (np.ndarray): The image to be saved. The format should be RGB.
            step (int): Useless parameter. Wandb does not need it. Defaults to 0.
        """
        self._wandb.log({name: self._wandb.Image(image)}, commit=self._commit)

    @force_init_env
    def add_scalar(
        self,
        name: str,
        value: int | float | torch.Tensor | np.ndarray,
        step: int = 0,
        **kwargs: Any,
    ) -> None:
        """Record the scalar data to wandb.

        Args:
            name (str): The scalar identifier.
            value (int, float, torch.Tensor, np.ndarray): Value to save.
            step (int): Useless parameter. Wandb does not need it. Defaults to 0.
        """
        self._wandb.log({name: value}, commit=self._commit)

    @force_init_env
    def add_scalars(
        self,
        scalar_dict: dict,
        step: int = 0,
        file_path: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Record the scalars to wandb.

        Args:
            scalar_dict (dict): Key-value pair storing the tag and
                corresponding values.
            step (int): Useless parameter. Wandb does not need it. Defaults to 0.
            file_path (str, optional): Useless parameter. Just for interface
                unification. Defaults to None.
        """
        self._wandb.log(scalar_dict, commit=self._commit)

    def _close_env(self) -> None:
        """Finish the wandb run."""
        self._wandb.join()
