"""The base of every vis backend, the lazy set-up decorator and helpers the backends share.

:class:`BaseVisBackend` implements what can be derived from a backend's few primitives:

- ``add_scalars`` logs each entry through ``add_scalar`` (after checking the dict), so a
  backend that writes one scalar at a time only implements ``add_scalar``; backends that can
  write a whole dict in one call (a JSON row, one ``wandb.log``) override it;
- ``close`` does nothing unless the backend has been set up (``_env_initialized``), and then
  calls ``_close_env``;
- ``_make_save_dir`` and ``_optional_dependency`` give every backend the same folder creation and
  the same ``ImportError`` naming the ``pip install`` command.

A backend sets itself up in ``_init_env`` on first use (see :func:`force_init_env`), so
building a ``Visualizer`` creates nothing on disk and imports no third-party client.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import os.path as osp
from abc import ABCMeta, abstractmethod
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from typing import Any, TypeVar, Union

import numpy as np
import torch

from mmengine.config import Config
from mmengine.logging import print_log
from mmengine.utils import scandir

from .._errors import MissingSaveDirError, NotAConfigError, NotADictError, NotAnImageError

_F = TypeVar("_F", bound=Callable[..., Any])
SUFFIX_TYPE = Union[Sequence[str], str]

# Upstream's sentence for a 'step' key in ``add_scalars`` (an AssertionError).
_STEP_KEY_MESSAGE = "Please set it directly through the step parameter"


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
    """Return ``image`` as a numpy array (tensors are converted), or raise TypeError."""
    if isinstance(image, torch.Tensor):
        image = image.detach().cpu().numpy()
    if not isinstance(image, np.ndarray):
        raise NotAnImageError(
            f"{where}: `image` should be a numpy array (H, W, 3), but got {type(image)}"
        )
    return image


def _check_config(config: Any, where: str) -> None:
    """Raise if ``config`` is not a ``Config`` (a plain dict or a path is a common mistake)."""
    if not isinstance(config, Config):
        hint = (
            "wrap it with Config(your_dict)"
            if isinstance(config, dict)
            else "load it with Config.fromfile(path)"
            if isinstance(config, (str, os.PathLike))
            else "pass the Config object (runner.cfg)"
        )
        raise NotAConfigError(
            f"{where}.add_config expects a mmengine Config, but got {type(config).__name__}; {hint}"
        )


def _check_init_kwargs(init_kwargs: Any, where: str) -> None:
    """Raise if a backend's ``init_kwargs`` is neither None nor a dict (checked when built)."""
    if init_kwargs is not None and not isinstance(init_kwargs, dict):
        raise NotADictError(
            f"{where}: init_kwargs should be a dict of keyword arguments (or None), but got "
            f"{type(init_kwargs).__name__} {init_kwargs!r:.80}; e.g. "
            "init_kwargs=dict(project='my-project')"
        )


def _reraise_os_error(err: OSError, action: str, fix: str) -> None:
    """Raise ``err`` again (same class, errno and filename) with what was done and how to fix it."""
    raise type(err)(err.errno, f"{err.strerror}: {action}; {fix}", err.filename) from err


def _check_scalar_dict(scalar_dict: Any, where: str, step_key_allowed: bool = False) -> None:
    """Reject what ``add_scalars`` cannot log (AssertionError, as upstream; never stripped)."""
    if not isinstance(scalar_dict, dict):
        raise AssertionError(
            f"{where}.add_scalars expects a dict of scalars, but got {type(scalar_dict)}"
        )
    if not step_key_allowed and "step" in scalar_dict:
        raise AssertionError(
            f"{_STEP_KEY_MESSAGE}: {where}.add_scalars got 'step' as a key of scalar_dict; "
            "pass it as the `step` argument instead"
        )


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


class BaseVisBackend(metaclass=ABCMeta):
    """Base class for visualization backends.

    All backends must inherit from ``BaseVisBackend`` and implement the
    ``experiment`` property. They override the ``add_*`` methods they support
    (``add_config``, ``add_graph``, ``add_image`` and ``add_scalar`` do nothing
    here; ``add_scalars`` logs each entry through ``add_scalar``), set
    themselves up lazily in ``_init_env`` (decorating their methods with
    :func:`force_init_env`) and release what they opened in ``_close_env``.

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

    def _close_env(self) -> None:  # noqa: B027
        """Release what ``_init_env`` opened; called by :meth:`close` once set up."""

    def _make_save_dir(self, required: bool = False) -> None:
        """Create ``save_dir``; when ``required``, a None ``save_dir`` is an error.

        Args:
            required (bool): Whether the backend cannot work without a
                ``save_dir``. Defaults to False.
        """
        if self._save_dir is None:
            if required:
                raise MissingSaveDirError(
                    f"{type(self).__name__} needs a `save_dir` to write to, but got None; "
                    "pass save_dir= to the backend or to the Visualizer"
                )
            return
        try:
            os.makedirs(self._save_dir, exist_ok=True)
        except OSError as err:
            _reraise_os_error(
                err,
                f"{type(self).__name__} cannot create its save_dir {self._save_dir!r}",
                "choose a writable folder that is not a file (save_dir= of the Visualizer or the "
                "backend, or the runner's work_dir)",
            )

    @contextlib.contextmanager
    def _optional_dependency(self, package: str, extra: str | None = None) -> Iterator[None]:
        """Turn an ImportError raised in the block into one naming the install command.

        Use it around the backend's import of its optional library, so that the import
        stays a plain statement::

            with self._optional_dependency("wandb"):
                import wandb

        Args:
            package (str): The distribution that provides the library, e.g. ``'dvclive'``.
            extra (str, optional): The extra of ``mmengine-ng-visualization``
                that installs it. Defaults to ``package``.
        """
        try:
            yield
        except ImportError as err:
            backend = type(self).__name__
            raise ImportError(
                f"{backend} needs the `{package}` package, which is not installed ({err}). "
                f'Please run "pip install {package}" (or "pip install '
                f'mmengine-ng-visualization[{extra or package}]") to use it, or remove '
                f"{backend} from `vis_backends`."
            ) from err

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

    def add_scalars(
        self,
        scalar_dict: dict,
        step: int = 0,
        file_path: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Record the scalars' data: each entry through :meth:`add_scalar`.

        Args:
            scalar_dict (dict): Key-value pair storing the tag and
                corresponding values. It must not contain ``'step'``.
            step (int): Global step value to record. Defaults to 0.
            file_path (str, optional): Used by backends that write files
                (``LocalVisBackend``); ignored by the others. Defaults to None.
        """
        _check_scalar_dict(scalar_dict, type(self).__name__)
        for name, value in scalar_dict.items():
            self.add_scalar(name, value, step, **kwargs)

    def close(self) -> None:
        """Close the opened objects (nothing happens if the backend was never used)."""
        if getattr(self, "_env_initialized", False):
            self._close_env()
