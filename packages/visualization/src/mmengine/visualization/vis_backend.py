"""Visualization storage backends: where the Visualizer writes scalars, images and configs.

Every backend defers its set-up (creating folders, opening files, importing
and initializing a third-party client) to the first call that needs it, through
the :func:`force_init_env` decorator, so that building a ``Visualizer`` is cheap
and creates nothing on disk.

Backends:

- :class:`LocalVisBackend`: JSON-lines scalars, PNG images, the config file.
- :class:`TensorboardVisBackend`: ``torch.utils.tensorboard`` event files.
- :class:`WandbVisBackend`, :class:`MLflowVisBackend`, :class:`ClearMLVisBackend`,
  :class:`NeptuneVisBackend`, :class:`DVCLiveVisBackend`, :class:`AimVisBackend`:
  the corresponding services; their libraries are optional extras.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import os
import os.path as osp
import warnings
from abc import ABCMeta, abstractmethod
from collections.abc import Callable, MutableMapping, Sequence
from typing import IO, Any, TypeVar, Union

import numpy as np
import torch

from mmengine.config import Config, ConfigDict  # noqa: F401
from mmengine.fileio import dump  # noqa: F401
from mmengine.logging import MMLogger, print_log  # noqa: F401
from mmengine.registry import VISBACKENDS
from mmengine.utils import digit_version, scandir  # noqa: F401
from mmengine.utils.dl_utils import TORCH_VERSION  # noqa: F401

from ._png import write_png

_F = TypeVar("_F", bound=Callable[..., Any])
SUFFIX_TYPE = Union[Sequence[str], str]


def force_init_env(old_func: _F) -> _F:
    """Make sure the backend's environment is initialized before ``old_func`` runs.

    On the first call of any decorated method, ``obj._init_env()`` is called and
    ``obj._env_initialized`` is set to True; later calls go straight through. If
    ``_init_env`` raises, the flag stays False and the next call tries again.

    Args:
        old_func (Callable): A method of a backend that defines ``_init_env``.

    Returns:
        Callable: The wrapped method.
    """

    @functools.wraps(old_func)
    def wrapper(obj: Any, *args: Any, **kwargs: Any) -> Any:
        if not hasattr(obj, "_init_env"):
            raise AttributeError(
                f"{type(obj).__name__} does not have an `_init_env` method, which "
                f"`force_init_env` (on {old_func.__qualname__}) needs; define "
                "`_init_env(self)` to set up the backend"
            )
        if not getattr(obj, "_env_initialized", False):
            print_log(
                f"Initializing the environment of {type(obj).__name__} (first use).",
                logger="current",
                level=logging.DEBUG,
            )
            obj._init_env()
            obj._env_initialized = True
        return old_func(obj, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _missing_package(backend: str, package: str, extra: str, err: ImportError) -> ImportError:
    return ImportError(
        f"{backend} needs the `{package}` package, which is not installed ({err}). "
        f'Please run "pip install {package}" (or "pip install '
        f'mmengine-ng-visualization[{extra}]") to use it, or remove {backend} '
        "from `vis_backends`."
    )


def _to_jsonable(value: Any) -> Any:
    """Convert tensors and numpy values (also nested in containers) to JSON values."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu()
        return value.item() if value.numel() == 1 else value.tolist()
    if isinstance(value, np.ndarray):
        return value.item() if value.ndim == 0 else value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {key: _to_jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_to_jsonable(item) for item in value]
    return value


def _check_image(image: Any, where: str) -> np.ndarray:
    if isinstance(image, torch.Tensor):
        image = image.detach().cpu().numpy()
    if not isinstance(image, np.ndarray):
        raise TypeError(f"{where}: `image` should be a numpy array, but got {type(image)}")
    return image


def _check_scalar_dict(scalar_dict: Any, where: str, step_key_allowed: bool = False) -> None:
    """Reject what ``add_scalars`` cannot log (AssertionError, as upstream; never stripped)."""
    if not isinstance(scalar_dict, dict):
        raise AssertionError(
            f"{where}.add_scalars expects a dict of scalars, but got {type(scalar_dict)}"
        )
    if not step_key_allowed and "step" in scalar_dict:
        raise AssertionError(
            f"{where}.add_scalars: 'step' must not be a key of scalar_dict; pass it as the "
            "`step` argument instead"
        )


class BaseVisBackend(metaclass=ABCMeta):
    """Base class for visualization backends.

    All backends must inherit from ``BaseVisBackend`` and implement the
    ``experiment`` property; they override the ``add_*`` methods they support
    (the defaults do nothing) and set themselves up lazily in ``_init_env``,
    decorating their methods with :func:`force_init_env`.

    Args:
        save_dir (str, optional): The root directory to save the files
            produced by the backend.
    """

    def __init__(self, save_dir: str) -> None:
        self._save_dir = save_dir
        self._env_initialized = False

    @property
    @abstractmethod
    def experiment(self) -> Any:
        """Return the experiment object associated with this backend.

        The experiment gives access to the underlying client (wandb,
        tensorboard, ...) to write data the common interface does not cover,
        such as tables.
        """

    def _init_env(self) -> Any:  # noqa: B027
        """Set up the backend (create folders, clients); called on first use."""

    def add_config(self, config: Config, **kwargs: Any) -> None:  # noqa: B027
        """Record the config.

        Args:
            config (Config): The Config object.
        """

    def add_graph(self, model: torch.nn.Module, data_batch: Sequence[dict], **kwargs: Any) -> None:  # noqa: B027
        """Record the model graph.

        Args:
            model (torch.nn.Module): Model to draw.
            data_batch (Sequence[dict]): Batch of data from dataloader.
        """

    def add_image(self, name: str, image: np.ndarray, step: int = 0, **kwargs: Any) -> None:  # noqa: B027
        """Record the image.

        Args:
            name (str): The image identifier.
            image (np.ndarray): The image to be saved. The format should be RGB.
            step (int): Global step value to record. Defaults to 0.
        """

    def add_scalar(  # noqa: B027
        self,
        name: str,
        value: int | float | torch.Tensor | np.ndarray,
        step: int = 0,
        **kwargs: Any,
    ) -> None:
        """Record the scalar.

        Args:
            name (str): The scalar identifier.
            value (int, float, torch.Tensor, np.ndarray): Value to save.
            step (int): Global step value to record. Defaults to 0.
        """

    def add_scalars(  # noqa: B027
        self,
        scalar_dict: dict,
        step: int = 0,
        file_path: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Record the scalars' data.

        Args:
            scalar_dict (dict): Key-value pair storing the tag and
                corresponding values.
            step (int): Global step value to record. Defaults to 0.
            file_path (str, optional): The scalar's data will be saved to the
                ``file_path`` file at the same time if the ``file_path``
                parameter is specified. Defaults to None.
        """

    def close(self) -> None:  # noqa: B027
        """Close the opened objects."""


@VISBACKENDS.register_module()
class LocalVisBackend(BaseVisBackend):
    """Local visualization backend: writes images, config and scalars to disk.

    Layout under ``save_dir``: ``{img_save_dir}/{name}_{step}.png`` for images,
    ``config_save_file`` for the config and ``scalar_save_file`` for scalars,
    one JSON object per line (each record carries its ``step``). Nothing is
    created until the first write.

    Examples:
        >>> from mmengine.visualization import LocalVisBackend
        >>> import numpy as np
        >>> local_vis_backend = LocalVisBackend(save_dir='temp_dir')
        >>> img = np.random.randint(0, 256, size=(10, 10, 3)).astype(np.uint8)
        >>> local_vis_backend.add_image('img', img)
        >>> local_vis_backend.add_scalar('mAP', 0.6)
        >>> local_vis_backend.add_scalars({'loss': [1, 2, 3], 'acc': 0.8})
        >>> cfg = Config(dict(a=1, b=dict(b1=[0, 1])))
        >>> local_vis_backend.add_config(cfg)

    Args:
        save_dir (str, optional): The root directory to save the files
            produced by the visualizer.
        img_save_dir (str): The directory to save images, relative to
            ``save_dir``. Defaults to 'vis_image'.
        config_save_file (str): The file name to save the config. Must end
            with ``.py``. Defaults to 'config.py'.
        scalar_save_file (str): The file name to save scalar values. Must
            end with ``.json``. Defaults to 'scalars.json'.
    """

    def __init__(
        self,
        save_dir: str,
        img_save_dir: str = "vis_image",
        config_save_file: str = "config.py",
        scalar_save_file: str = "scalars.json",
    ) -> None:
        assert config_save_file.split(".")[-1] == "py", (
            f"LocalVisBackend: config_save_file must be a .py file, but got {config_save_file!r}"
        )
        assert scalar_save_file.split(".")[-1] == "json", (
            f"LocalVisBackend: scalar_save_file must be a .json file, but got {scalar_save_file!r}"
        )
        super().__init__(save_dir)
        self._img_save_dir = img_save_dir
        self._config_save_file = config_save_file
        self._scalar_save_file = scalar_save_file
        # Open append-mode handles, one per scalar file: add_scalars is called
        # every logged iteration, so files stay open and are flushed per call.
        self._files: dict[str, IO[str]] = {}

    def _init_env(self) -> None:
        """Create ``save_dir`` and resolve the file paths under it."""
        if self._save_dir is None:
            raise ValueError(
                "LocalVisBackend needs a `save_dir` to write to, but got None; pass "
                "save_dir= to the backend or to the Visualizer"
            )
        os.makedirs(self._save_dir, exist_ok=True)
        self._img_save_dir = osp.join(self._save_dir, self._img_save_dir)
        self._config_save_file = osp.join(self._save_dir, self._config_save_file)
        self._scalar_save_file = osp.join(self._save_dir, self._scalar_save_file)

    @property  # type: ignore[misc]
    @force_init_env
    def experiment(self) -> LocalVisBackend:
        """Return the local visualization backend itself."""
        return self

    @force_init_env
    def add_config(self, config: Config, **kwargs: Any) -> None:
        """Record the config to disk (``config_save_file``).

        Args:
            config (Config): The Config object.
        """
        if not isinstance(config, Config):
            raise TypeError(
                f"LocalVisBackend.add_config expects a mmengine Config, but got {type(config)}"
            )
        config.dump(self._config_save_file)

    @force_init_env
    def add_image(self, name: str, image: np.ndarray, step: int = 0, **kwargs: Any) -> None:
        """Record the image to disk as ``{img_save_dir}/{name}_{step}.png``.

        Args:
            name (str): The image identifier.
            image (np.ndarray): The uint8 image to be saved. The format should
                be RGB.
            step (int): Global step value to record. Defaults to 0.
        """
        image = _check_image(image, "LocalVisBackend.add_image")
        assert image.dtype == np.uint8, (
            f"LocalVisBackend.add_image: the image {name!r} must be uint8, but got "
            f"{image.dtype}; convert it with image.astype(np.uint8)"
        )
        os.makedirs(self._img_save_dir, exist_ok=True)
        write_png(osp.join(self._img_save_dir, f"{name}_{step}.png"), image)

    @force_init_env
    def add_scalar(
        self,
        name: str,
        value: int | float | torch.Tensor | np.ndarray,
        step: int = 0,
        **kwargs: Any,
    ) -> None:
        """Append ``{name: value, 'step': step}`` to the scalar file.

        Args:
            name (str): The scalar identifier.
            value (int, float, torch.Tensor, np.ndarray): Value to save.
            step (int): Global step value to record. Defaults to 0.
        """
        self._dump({name: value, "step": step}, self._scalar_save_file)

    @force_init_env
    def add_scalars(
        self,
        scalar_dict: dict,
        step: int = 0,
        file_path: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Append the scalars, with their step, as one JSON line.

        The record is written to ``scalar_save_file`` and, when ``file_path``
        is given, also to ``save_dir/file_path``.

        Args:
            scalar_dict (dict): Key-value pair storing the tag and
                corresponding values. The values must be JSON serializable
                (tensors and numpy values are converted).
            step (int): Global step value to record; a ``'step'`` key already
                in ``scalar_dict`` wins. Defaults to 0.
            file_path (str, optional): Another ``.json`` file name, relative
                to ``save_dir``, that receives the record too. Defaults to None.
        """
        _check_scalar_dict(scalar_dict, "LocalVisBackend", step_key_allowed=True)
        record = copy.copy(scalar_dict)
        record.setdefault("step", step)
        if file_path is not None:
            assert file_path.split(".")[-1] == "json", (
                f"LocalVisBackend.add_scalars: file_path must be a .json file, but got "
                f"{file_path!r}"
            )
            new_save_file_path = osp.join(self._save_dir, file_path)
            assert new_save_file_path != self._scalar_save_file, (
                "``file_path`` and ``scalar_save_file`` have the same name "
                f"({file_path!r}), please set ``file_path`` to another value"
            )
            self._dump(record, new_save_file_path)
        self._dump(record, self._scalar_save_file)

    def _dump(self, value_dict: dict, file_path: str) -> None:
        """Append ``value_dict`` as one JSON line to ``file_path`` and flush."""
        try:
            line = json.dumps(_to_jsonable(value_dict))
        except TypeError as err:
            raise TypeError(
                f"LocalVisBackend cannot write {sorted(map(str, value_dict))} to "
                f"{file_path}: {err}. Values must be numbers, strings, lists, dicts, "
                "tensors or numpy arrays"
            ) from err
        handle = self._files.get(file_path)
        if handle is None or handle.closed or not osp.exists(file_path):
            # (Re)open: first write, after close(), or the file was removed.
            if handle is not None and not handle.closed:
                handle.close()
            parent = osp.dirname(file_path)
            if parent:
                os.makedirs(parent, exist_ok=True)
            handle = open(file_path, "a", encoding="utf-8")  # noqa: SIM115
            self._files[file_path] = handle
        handle.write(line + "\n")
        handle.flush()

    def close(self) -> None:
        """Close the open scalar files (they are reopened on the next write)."""
        files, self._files = self._files, {}
        for handle in files.values():
            handle.close()

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_files"] = {}
        return state

    def __deepcopy__(self, memo: dict) -> LocalVisBackend:
        new = self.__class__.__new__(self.__class__)
        memo[id(self)] = new
        for key, value in self.__dict__.items():
            new.__dict__[key] = {} if key == "_files" else copy.deepcopy(value, memo)
        return new


@VISBACKENDS.register_module()
class TensorboardVisBackend(BaseVisBackend):
    """Tensorboard visualization backend: writes scalars, images and the config to events files.

    It uses ``torch.utils.tensorboard.SummaryWriter``, imported on first use.

    Examples:
        >>> from mmengine.visualization import TensorboardVisBackend
        >>> import numpy as np
        >>> vis_backend = TensorboardVisBackend(save_dir='temp_dir')
        >>> img = np.random.randint(0, 256, size=(10, 10, 3)).astype(np.uint8)
        >>> vis_backend.add_image('img', img)
        >>> vis_backend.add_scalar('mAP', 0.6)
        >>> vis_backend.add_scalars({'loss': 0.1, 'acc': 0.8})
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
        if self._save_dir is None:
            raise ValueError(
                "TensorboardVisBackend needs a `save_dir` to write to, but got None; pass "
                "save_dir= to the backend or to the Visualizer"
            )
        os.makedirs(self._save_dir, exist_ok=True)
        try:
            from torch.utils.tensorboard import SummaryWriter
        except ImportError as err:
            raise _missing_package(
                "TensorboardVisBackend", "tensorboard", "tensorboard", err
            ) from err
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
        if isinstance(value, (int, float, torch.Tensor, np.ndarray, np.number)):
            self._tensorboard.add_scalar(name, value, step)
        else:
            warnings.warn(
                f"TensorboardVisBackend: got {type(value)} for {name!r}, but numpy array, "
                "torch tensor, int or float are expected. Skip it!",
                stacklevel=3,
            )

    @force_init_env
    def add_scalars(
        self,
        scalar_dict: dict,
        step: int = 0,
        file_path: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Record the scalars to tensorboard.

        Args:
            scalar_dict (dict): Key-value pair storing the tag and
                corresponding values. It must not contain ``'step'``.
            step (int): Global step value to record. Defaults to 0.
            file_path (str, optional): Useless parameter. Just for interface
                unification. Defaults to None.
        """
        _check_scalar_dict(scalar_dict, "TensorboardVisBackend")
        for key, value in scalar_dict.items():
            self.add_scalar(key, value, step)

    def close(self) -> None:
        """Flush and close the SummaryWriter, if it was created."""
        if hasattr(self, "_tensorboard"):
            self._tensorboard.close()


@VISBACKENDS.register_module()
class WandbVisBackend(BaseVisBackend):
    """Weights & Biases visualization backend (needs ``pip install wandb``).

    Examples:
        >>> from mmengine.visualization import WandbVisBackend
        >>> import numpy as np
        >>> wandb_vis_backend = WandbVisBackend(save_dir='temp_dir')
        >>> img = np.random.randint(0, 256, size=(10, 10, 3))
        >>> wandb_vis_backend.add_image('img', img)
        >>> wandb_vis_backend.add_scalar('mAP', 0.6)
        >>> wandb_vis_backend.add_scalars({'loss': [1, 2, 3], 'acc': 0.8})
        >>> cfg = Config(dict(a=1, b=dict(b1=[0, 1])))
        >>> wandb_vis_backend.add_config(cfg)

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
        self._init_kwargs = init_kwargs
        self._define_metric_cfg = define_metric_cfg
        self._commit = commit
        self._log_code_name = log_code_name
        self._watch_kwargs = watch_kwargs if watch_kwargs is not None else {}

    def _init_env(self) -> None:
        """Import wandb and start the run."""
        if self._save_dir is not None:
            os.makedirs(self._save_dir, exist_ok=True)
        try:
            import wandb
        except ImportError as err:
            raise _missing_package("WandbVisBackend", "wandb", "wandb", err) from err
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

    def close(self) -> None:
        """Finish the wandb run."""
        if hasattr(self, "_wandb"):
            self._wandb.join()


def _flatten_dict(d: MutableMapping, parent_key: str = "", sep: str = ".") -> dict:
    """Flatten nested dicts (and lists of dicts) to ``{'a.b.0.c': value}``."""
    items: dict = {}
    for key, value in d.items():
        new_key = f"{parent_key}{sep}{key}" if parent_key else str(key)
        if isinstance(value, MutableMapping):
            items.update(_flatten_dict(value, new_key, sep))
        elif isinstance(value, list) and any(isinstance(x, dict) for x in value):
            for index, element in enumerate(value):
                if isinstance(element, MutableMapping):
                    items.update(_flatten_dict(element, f"{new_key}{sep}{index}", sep))
                else:
                    items[f"{new_key}{sep}{index}"] = element
        else:
            items[new_key] = value
    return items


def _collect_artifacts(root: str | None, suffix: SUFFIX_TYPE) -> list[str]:
    """Files under ``root`` (recursively) whose name ends with ``suffix``."""
    if root is None or not osp.isdir(root):
        return []
    if isinstance(suffix, list):
        suffix = tuple(suffix)
    return [osp.join(root, name) for name in scandir(root, suffix, True)]


@VISBACKENDS.register_module()
class MLflowVisBackend(BaseVisBackend):
    """MLflow visualization backend (needs ``pip install mlflow``).

    Examples:
        >>> from mmengine.visualization import MLflowVisBackend
        >>> from mmengine import Config
        >>> import numpy as np
        >>> vis_backend = MLflowVisBackend(save_dir='temp_dir')
        >>> img = np.random.randint(0, 256, size=(10, 10, 3))
        >>> vis_backend.add_image('img.png', img)
        >>> vis_backend.add_scalar('mAP', 0.6)
        >>> vis_backend.add_scalars({'loss': 0.1,'acc':0.8})
        >>> cfg = Config(dict(a=1, b=dict(b1=[0, 1])))
        >>> vis_backend.add_config(cfg)

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
        if self._save_dir is not None:
            os.makedirs(self._save_dir, exist_ok=True)
        try:
            import mlflow
        except ImportError as err:
            raise _missing_package("MLflowVisBackend", "mlflow", "mlflow", err) from err
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

    def close(self) -> None:
        """Upload the artifacts under the config's ``work_dir`` and end the run."""
        if not hasattr(self, "_mlflow"):
            return
        cfg = getattr(self, "cfg", None)
        work_dir = cfg.get("work_dir") if cfg is not None else None
        for file_path in _collect_artifacts(work_dir, self._artifact_suffix):
            rel_dir = osp.dirname(osp.relpath(file_path, work_dir))
            self._mlflow.log_artifact(file_path, rel_dir)
        self._mlflow.end_run()

    def _flatten(self, d: MutableMapping, parent_key: str = "", sep: str = ".") -> dict:
        """Flatten a nested dict to dotted keys (lists of dicts are indexed)."""
        return _flatten_dict(d, parent_key, sep)


@VISBACKENDS.register_module()
class ClearMLVisBackend(BaseVisBackend):
    """ClearML visualization backend (needs ``pip install clearml``).

    Examples:
        >>> from mmengine.visualization import ClearMLVisBackend
        >>> vis_backend = ClearMLVisBackend(save_dir='temp_dir')
        >>> vis_backend.add_scalar('mAP', 0.6)

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
        self._init_kwargs = init_kwargs
        self._artifact_suffix = artifact_suffix

    def _init_env(self) -> None:
        """Import clearml and create the task."""
        try:
            import clearml
        except ImportError as err:
            raise _missing_package("ClearMLVisBackend", "clearml", "clearml", err) from err
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

    @force_init_env
    def add_scalars(
        self,
        scalar_dict: dict,
        step: int = 0,
        file_path: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Report the scalars.

        Args:
            scalar_dict (dict): Key-value pair storing the tag and
                corresponding values.
            step (int): Global step value to record. Defaults to 0.
            file_path (str, optional): Useless parameter. Defaults to None.
        """
        _check_scalar_dict(scalar_dict, "ClearMLVisBackend")
        for key, value in scalar_dict.items():
            self._logger.report_scalar(
                title=key, series=key, value=_to_jsonable(value), iteration=step
            )

    def close(self) -> None:
        """Upload the artifacts under the config's ``work_dir`` and close the task."""
        if not hasattr(self, "_clearml"):
            return
        cfg = getattr(self, "cfg", None)
        work_dir = cfg.get("work_dir") if cfg is not None else None
        for file_path in _collect_artifacts(work_dir, self._artifact_suffix):
            self._task.upload_artifact(os.path.basename(file_path), file_path)
        self._task.close()


@VISBACKENDS.register_module()
class NeptuneVisBackend(BaseVisBackend):
    """Neptune visualization backend (needs ``pip install -U neptune``).

    Examples:
        >>> from mmengine.visualization import NeptuneVisBackend
        >>> neptune_vis_backend = NeptuneVisBackend(
        ...     init_kwargs=dict(project='workspace/project'))
        >>> neptune_vis_backend.add_scalar('mAP', 0.6)

    Args:
        save_dir (str, optional): Useless parameter. Defaults to None.
        init_kwargs (dict, optional): ``neptune.init_run`` arguments, such as
            ``project`` and ``api_token``. Defaults to None.
    """

    def __init__(self, save_dir: str | None = None, init_kwargs: dict | None = None) -> None:
        super().__init__(save_dir)  # type: ignore[arg-type]
        self._init_kwargs = init_kwargs

    def _init_env(self) -> None:
        """Import neptune and start the run."""
        try:
            import neptune
        except ImportError as err:
            raise _missing_package("NeptuneVisBackend", "neptune", "neptune", err) from err
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

    @force_init_env
    def add_scalars(
        self,
        scalar_dict: dict,
        step: int = 0,
        file_path: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Append each scalar to its series.

        Args:
            scalar_dict (dict): Key-value pair storing the tag and
                corresponding values.
            step (int): Global step value to record. Defaults to 0.
            file_path (str, optional): Useless parameter. Defaults to None.
        """
        _check_scalar_dict(scalar_dict, "NeptuneVisBackend")
        for key, value in scalar_dict.items():
            self._neptune[key].append(_to_jsonable(value), step=step)

    def close(self) -> None:
        """Stop the neptune run."""
        if hasattr(self, "_neptune"):
            self._neptune.stop()


@VISBACKENDS.register_module()
class DVCLiveVisBackend(BaseVisBackend):
    """DVCLive visualization backend (needs ``pip install dvclive``).

    Examples:
        >>> from mmengine.visualization import DVCLiveVisBackend
        >>> dvclive_vis_backend = DVCLiveVisBackend(save_dir='temp_dir')
        >>> dvclive_vis_backend.add_scalar('mAP', 0.6)

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
        self._init_kwargs = init_kwargs

    def _init_env(self) -> None:
        """Import dvclive and create the ``Live`` logger."""
        if self._save_dir is not None:
            os.makedirs(self._save_dir, exist_ok=True)
        try:
            from dvclive import Live
        except ImportError as err:
            raise _missing_package("DVCLiveVisBackend", "dvclive", "dvclive", err) from err
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
        assert isinstance(config, Config), (
            f"DVCLiveVisBackend.add_config expects a Config, but got {type(config)}"
        )
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

    @force_init_env
    def add_scalars(
        self,
        scalar_dict: dict,
        step: int = 0,
        file_path: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Log each metric at ``step``.

        Args:
            scalar_dict (dict): Key-value pair storing the tag and
                corresponding values.
            step (int): Global step value to record. Defaults to 0.
            file_path (str, optional): Useless parameter. Defaults to None.
        """
        for key, value in scalar_dict.items():
            self.add_scalar(key, value, step, **kwargs)

    def close(self) -> None:
        """Log the artifacts under ``save_dir`` and end the live session."""
        if not hasattr(self, "_dvclive"):
            return
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


@VISBACKENDS.register_module()
class AimVisBackend(BaseVisBackend):
    """Aim visualization backend (needs ``pip install aim``).

    Examples:
        >>> from mmengine.visualization import AimVisBackend
        >>> aim_vis_backend = AimVisBackend()
        >>> aim_vis_backend.add_scalar('mAP', 0.6)

    Args:
        save_dir (str, optional): The repository of the run (``repo`` of
            ``aim.Run``) unless ``init_kwargs`` sets one. Defaults to None.
        init_kwargs (dict, optional): ``aim.Run`` arguments. Defaults to None.
    """

    def __init__(self, save_dir: str | None = None, init_kwargs: dict | None = None) -> None:
        super().__init__(save_dir)  # type: ignore[arg-type]
        self._init_kwargs = init_kwargs

    def _init_env(self) -> None:
        """Import aim and create the run."""
        try:
            from aim import Run
        except ImportError as err:
            raise _missing_package("AimVisBackend", "aim", "aim", err) from err
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

    @force_init_env
    def add_scalars(
        self,
        scalar_dict: dict,
        step: int = 0,
        file_path: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Track each scalar.

        Args:
            scalar_dict (dict): Key-value pair storing the tag and
                corresponding values.
            step (int): Global step value to record. Defaults to 0.
            file_path (str, optional): Useless parameter. Defaults to None.
        """
        for key, value in scalar_dict.items():
            self._aim_run.track(name=key, value=_to_jsonable(value), step=step)

    def close(self) -> None:
        """Close the aim run."""
        if hasattr(self, "_aim_run"):
            self._aim_run.close()
