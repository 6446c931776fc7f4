"""LocalVisBackend: scalars as JSON lines, images as PNG files and the config file on disk."""

from __future__ import annotations

import copy
import json
import os
import os.path as osp
from typing import IO, Any

import numpy as np
import torch

from mmengine.config import Config
from mmengine.registry import VISBACKENDS

from .base import (
    BaseVisBackend,
    _check_config,
    _check_image,
    _check_scalar_dict,
    _reraise_os_error,
    _to_jsonable,
    force_init_env,
)


def _write_png(path: str, image: np.ndarray) -> None:
    """Write a uint8 gray (H, W), gray+alpha, RGB or RGBA (H, W, C) image as PNG with Pillow.

    The file is written next to ``path`` and renamed into place, so a crash never leaves a
    truncated PNG behind.
    """
    from PIL import Image  # Pillow: imported on the first image, not with the package

    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if not (image.ndim == 2 or (image.ndim == 3 and image.shape[-1] in (2, 3, 4))):
        hint = (
            "; it looks like (C, H, W): convert it with image.transpose(1, 2, 0)"
            if image.ndim == 3 and image.shape[0] in (1, 3, 4)
            else "; for a batch, save one image at a time"
            if image.ndim == 4
            else ""
        )
        raise ValueError(
            f"LocalVisBackend.add_image cannot save an image of shape {image.shape} as PNG "
            f"({path}): expected (H, W) or (H, W, C) with C in 1, 2, 3, 4{hint}"
        )
    if image.size == 0:
        raise ValueError(
            f"LocalVisBackend.add_image cannot save the empty image of shape {image.shape} "
            f"({path}); pass a non-empty image"
        )
    tmp_path = f"{path}.tmp{os.getpid()}"
    try:
        Image.fromarray(np.ascontiguousarray(image)).save(tmp_path, format="PNG")
        os.replace(tmp_path, path)
    except OSError as err:
        if osp.exists(tmp_path):
            os.remove(tmp_path)
        _reraise_os_error(
            err,
            f"LocalVisBackend.add_image cannot write {path}",
            "check that its folder is writable and has free space",
        )


def _make_dirs(folder: str, where: str) -> None:
    """``os.makedirs(folder, exist_ok=True)``, explaining a failure (same OSError class)."""
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as err:
        _reraise_os_error(
            err,
            f"{where} cannot create the folder {folder}",
            "check that save_dir is writable and that no file is in the way",
        )


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
        >>> from mmengine.config import Config
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
        self._make_save_dir(required=True)
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
        _check_config(config, type(self).__name__)
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
            f"{image.dtype}; convert it with image.astype(np.uint8) (scale a float image in "
            "[0, 1] by 255 first)"
        )
        path = osp.join(self._img_save_dir, f"{name}_{step}.png")
        # A name such as 'val/img' saves into a subfolder of img_save_dir.
        _make_dirs(osp.dirname(path), "LocalVisBackend.add_image")
        _write_png(path, image)

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
        if isinstance(value, torch.Tensor) and value.numel() != 1:
            raise RuntimeError(
                f"a Tensor with {value.numel()} elements cannot be converted to Scalar: "
                f"LocalVisBackend.add_scalar({name!r}) got a tensor of shape "
                f"{tuple(value.shape)}; log one number (e.g. value.mean() or value.item()), or "
                "several through add_scalars({...})"
            )
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
                _make_dirs(parent, "LocalVisBackend")
            try:
                handle = open(file_path, "a", encoding="utf-8")  # noqa: SIM115
            except OSError as err:
                _reraise_os_error(
                    err,
                    f"LocalVisBackend cannot open the scalar file {file_path}",
                    "check that save_dir is writable and that no folder has the file's name",
                )
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
