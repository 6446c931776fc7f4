"""Where checkpoints come from: :class:`CheckpointLoader`, its URL schemes and the model zoos.

A loader is a function ``loader(filename, map_location)`` registered for one or
more path prefixes. Built in: local paths and any path a fileio backend
understands (``''``), ``http(s)://``, ``pavi://``, ``s3://``,
``torchvision://`` (and the deprecated ``modelzoo://``), ``open-mmlab://`` /
``openmmlab://`` and ``mmcls://``. Files are read by :func:`.safe_load._torch_load`
or, for safetensors files, by :mod:`.safetensors_format`; neither depends on
the scheme.
"""

from __future__ import annotations

import io
import json
import logging
import os
import os.path as osp
import re
from collections import OrderedDict
from collections.abc import Callable, Sequence
from tempfile import TemporaryDirectory
from typing import Any, Optional, Union
from urllib.error import URLError
from urllib.parse import urlparse

import torch

from mmengine.fileio import get_file_backend
from mmengine.utils.dl_utils import load_url as _load_url

from . import facade
from .safe_load import _torch_load, _weights_only_scope
from .safetensors_format import is_safetensors_bytes, is_safetensors_file, load_safetensors

DEFAULT_CACHE_DIR = "~/.cache"
ENV_MMENGINE_HOME = "MMENGINE_HOME"
ENV_XDG_CACHE_HOME = "XDG_CACHE_HOME"
_ZOO_DIR = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), "model_zoo")


def _get_mmengine_home() -> str:
    mmengine_home = os.path.expanduser(
        os.getenv(
            ENV_MMENGINE_HOME,
            os.path.join(os.getenv(ENV_XDG_CACHE_HOME, DEFAULT_CACHE_DIR), "mmengine"),
        )
    )
    os.makedirs(mmengine_home, exist_ok=True)
    return mmengine_home


def _load_zoo_json(name: str) -> dict:
    with open(osp.join(_ZOO_DIR, name), encoding="utf-8") as f:
        return json.load(f)


def get_torchvision_models() -> dict:
    """Return a ``{name: url}`` index of torchvision checkpoints for ``torchvision://``.

    Holds the legacy (torchvision 0.12) names bundled with mmengine and, when
    torchvision >= 0.13 is installed, ``<model>.<weights>`` keys such as
    ``resnet50.imagenet1k_v1`` and ``resnet50.default``. No network access.

    Returns:
        dict: model name -> URL.
    """
    model_urls = _load_zoo_json("torchvision_0.12.json")
    try:
        import torchvision.models as tv_models  # type: ignore
    except ImportError:
        return model_urls
    weights_classes: list = []
    if hasattr(tv_models, "list_models"):
        for name in tv_models.list_models(tv_models):
            try:
                weights_classes.append(tv_models.get_model_weights(name))
            except Exception:  # a model without registered weights
                continue
    else:
        weights_classes = [
            cls for cls_name, cls in vars(tv_models).items() if cls_name.endswith("_Weights")
        ]
    for cls in weights_classes:
        if not hasattr(cls, "DEFAULT"):
            continue
        key = cls.__name__.replace("_Weights", "").lower()
        model_urls[f"{key}.default"] = cls.DEFAULT.url
        for weight in cls:
            model_urls[f"{key}.{weight.name.lower()}"] = weight.url
    return model_urls


def get_external_models() -> dict:
    """Return the ``{name: url}`` index used by ``open-mmlab://``.

    The bundled index is updated with ``$MMENGINE_HOME/open_mmlab.json`` when
    that file exists (a value may also be a path relative to MMENGINE_HOME).

    Returns:
        dict: model name -> URL or path.
    """
    default_urls = _load_zoo_json("openmmlab.json")
    external_json_path = osp.join(facade()._get_mmengine_home(), "open_mmlab.json")
    if osp.exists(external_json_path):
        with open(external_json_path, encoding="utf-8") as f:
            default_urls.update(json.load(f))
    return default_urls


def get_mmcls_models() -> dict:
    """Return the ``{name: url}`` index used by ``mmcls://``.

    The bundled index is updated with ``$MMENGINE_HOME/mmcls.json`` when it exists
    (a value may also be a path relative to MMENGINE_HOME).

    Returns:
        dict: model name -> URL or path.
    """
    urls = _load_zoo_json("mmcls.json")
    user_json = osp.join(facade()._get_mmengine_home(), "mmcls.json")
    if osp.exists(user_json):
        with open(user_json, encoding="utf-8") as f:
            urls.update(json.load(f))
    return urls


def get_deprecated_model_names() -> dict:
    """Return the ``{deprecated name: new name}`` map of ``open-mmlab://`` models.

    Returns:
        dict: deprecated name -> current name.
    """
    return _load_zoo_json("deprecated.json")


def _process_mmcls_checkpoint(checkpoint: dict) -> dict:
    """Keep only the ``backbone.`` weights of an mmcls checkpoint, without the prefix."""
    state_dict = checkpoint.get("state_dict", checkpoint)
    new_state_dict = OrderedDict(
        (k[len("backbone.") :], v) for k, v in state_dict.items() if k.startswith("backbone.")
    )
    return dict(state_dict=new_state_dict)


def _read_file(filename: str, map_location: Any, source: str) -> Union[dict, OrderedDict]:
    """Read a local checkpoint file: safetensors (by suffix or magic) or ``torch.save`` output."""
    if is_safetensors_file(filename):
        return load_safetensors(filename, map_location=map_location, source=source)
    return _torch_load(filename, map_location=map_location, source=source)


class CheckpointNotFoundError(FileNotFoundError, KeyError):
    """A checkpoint path whose URI scheme nothing handles (0.10: FileNotFoundError; a
    KeyError like the storage backend lookup that failed)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class CheckpointDownloadError(ConnectionError, URLError):
    """A checkpoint URL that could not be downloaded. 0.10 let torch.hub's ``URLError`` through,
    so ``except URLError`` (and ``except OSError``) still catch it; the message says what to do."""

    def __init__(self, message: str, reason: Any = None) -> None:
        URLError.__init__(self, reason if reason is not None else message)
        self.args = (message,)

    def __str__(self) -> str:
        return str(self.args[0])


class CheckpointLoader:
    """A general checkpoint loader to manage all schemes.

    A loader is a function ``loader(filename, map_location)`` registered for
    one or more path prefixes (regular expressions matched at the start of
    the path). The longest matching prefix wins; the empty prefix (local
    files and any other storage backend) matches everything.
    """

    _schemes: dict[str, Callable] = {}

    @classmethod
    def _register_scheme(
        cls, prefixes: Union[str, Sequence[str]], loader: Callable, force: bool = False
    ) -> None:
        if isinstance(prefixes, str):
            prefixes = [prefixes]
        else:
            if not isinstance(prefixes, (list, tuple)):
                raise AssertionError(
                    f"prefixes should be a str or a list/tuple of str, but got {type(prefixes)}"
                )
        for prefix in prefixes:
            if prefix not in cls._schemes or force:
                cls._schemes[prefix] = loader
            else:
                raise KeyError(
                    f"{prefix} is already registered as a loader backend, "
                    'add "force=True" if you want to override it (it is registered to '
                    f"{getattr(cls._schemes[prefix], '__name__', cls._schemes[prefix])!r})."
                )
        # longest prefixes first, so the most specific scheme wins
        cls._schemes = OrderedDict(sorted(cls._schemes.items(), key=lambda t: t[0], reverse=True))

    @classmethod
    def register_scheme(
        cls,
        prefixes: Union[str, Sequence[str]],
        loader: Optional[Callable] = None,
        force: bool = False,
    ) -> Callable:
        """Register a loader to CheckpointLoader.

        This method can be used as a normal class method or a decorator.

        Args:
            prefixes (str or list[str] or tuple[str]): The prefix of the
                registered loader.
            loader (function, optional): The loader function to be registered.
                When this method is used as a decorator, loader is None.
                Defaults to None.
            force (bool, optional): Whether to override the loader
                if the prefix has already been registered. Defaults to False.
        """
        if loader is not None:
            cls._register_scheme(prefixes, loader, force=force)
            return loader

        def _register(loader_cls: Callable) -> Callable:
            cls._register_scheme(prefixes, loader_cls, force=force)
            return loader_cls

        return _register

    @classmethod
    def _get_checkpoint_loader(cls, path: str) -> Callable:
        """Finds a loader that supports the given path. Falls back to the local loader.

        Args:
            path (str): checkpoint path

        Returns:
            callable: checkpoint loader
        """
        for prefix in sorted(cls._schemes, key=len, reverse=True):
            if re.match(prefix, path) is not None:
                return cls._schemes[prefix]
        return facade().load_from_local

    @classmethod
    def load_checkpoint(
        cls,
        filename: str,
        map_location: Any = None,
        logger: Any = "current",
        *,
        weights_only: Optional[bool] = None,
    ) -> Union[dict, OrderedDict]:
        """Load checkpoint through URL scheme path.

        Args:
            filename (str): checkpoint file name with given prefix
            map_location (str, optional): Same as :func:`torch.load`.
                Default: None
            logger (str): The logger for message. Defaults to 'current'.
            weights_only (bool, optional): Load with ``torch.load(weights_only=True)``
                plus mmengine's allow-list (the default, also controlled by the
                ``MMENGINE_CHECKPOINT_WEIGHTS_ONLY`` environment variable). Pass
                False only for files you trust.

        Returns:
            dict or OrderedDict: The loaded checkpoint.
        """
        filename = os.fspath(filename)
        checkpoint_loader = cls._get_checkpoint_loader(filename)
        class_name = checkpoint_loader.__name__
        facade().print_log(
            f"Loads checkpoint by {class_name[10:]} backend from path: {filename}",
            logger=logger,
        )
        with _weights_only_scope(weights_only):
            return checkpoint_loader(filename, map_location)


@CheckpointLoader.register_scheme(prefixes="")
def load_from_local(filename: str, map_location: Any = None) -> Union[dict, OrderedDict]:
    """Load checkpoint by local file path (or any path a fileio backend understands).

    Args:
        filename (str): local checkpoint file path
        map_location (str, optional): Same as :func:`torch.load`.

    Returns:
        dict or OrderedDict: The loaded checkpoint.
    """
    filename = os.fspath(filename)
    if "://" in filename:
        return _load_from_backend(filename, map_location)
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        if osp.isdir(filename):
            raise FileNotFoundError(
                f"{filename} can not be found. It is a directory: give the checkpoint file in "
                "it (e.g. its epoch_N.pth or iter_N.pth; `last_checkpoint` names the latest)."
            )
        raise FileNotFoundError(f"{filename} can not be found.")
    return _read_file(filename, map_location, filename)


def _load_from_backend(
    filename: str, map_location: Any = None, backend_args: Optional[dict] = None
) -> Union[dict, OrderedDict]:
    try:
        file_backend = get_file_backend(filename, backend_args=backend_args)
    except KeyError as exc:
        detail = exc.args[0] if exc.args else exc
        raise CheckpointNotFoundError(
            f"{filename} can not be found. No checkpoint loader or storage backend handles "
            f"its scheme: {detail}"
        ) from exc
    data = file_backend.get(filename)
    if filename.endswith(".safetensors") or is_safetensors_bytes(data):
        return load_safetensors(data, map_location=map_location, source=filename)
    with io.BytesIO(data) as buffer:
        return _torch_load(buffer, map_location=map_location, source=filename)


def _download_to_cache(url: str, model_dir: Optional[str], progress: bool) -> str:
    """Download ``url`` into ``model_dir`` (torch hub's checkpoint cache by default) once."""
    if model_dir is None:
        model_dir = osp.join(torch.hub.get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    cached_file = osp.join(model_dir, osp.basename(urlparse(url).path))
    if not osp.exists(cached_file):
        torch.hub.download_url_to_file(url, cached_file, None, progress=progress)
    return cached_file


@CheckpointLoader.register_scheme(prefixes=("http://", "https://"))
def load_from_http(
    filename: str,
    map_location: Any = None,
    model_dir: Optional[str] = None,
    progress: bool = os.isatty(0),
) -> Union[dict, OrderedDict]:
    """Load checkpoint through HTTP or HTTPS scheme path.

    In distributed setting, this function only download checkpoint at local
    rank 0.

    Args:
        filename (str): checkpoint file path with modelzoo or
            torchvision prefix
        map_location (str, optional): Same as :func:`torch.load`.
        model_dir (str, optional): directory in which to save the object,
            Defaults to None
        progress (bool): whether to show a progress bar.

    Returns:
        dict or OrderedDict: The loaded checkpoint.
    """

    def fetch() -> Any:
        load_url = getattr(facade(), "load_url", _load_url)
        if load_url is not _load_url:
            # code written for 0.10 patched ``mmengine.runner.checkpoint.load_url`` (a test's
            # stand-in for the download): 0.10's load_from_http calls it with these arguments
            return load_url(
                filename, model_dir=model_dir, map_location=map_location, progress=progress
            )
        try:
            cached_file = _download_to_cache(filename, model_dir, progress)
        except OSError as exc:
            raise CheckpointDownloadError(
                f"Failed to download checkpoint from {filename}: {exc}. Check the network "
                "or download the file yourself and pass its local path.",
                getattr(exc, "reason", exc),
            ) from exc
        return _read_file(cached_file, map_location, filename)

    rank, world_size = facade().get_dist_info()
    if rank == 0:
        checkpoint = fetch()
    if world_size > 1:
        torch.distributed.barrier()
        if rank > 0:
            checkpoint = fetch()
    return checkpoint


@CheckpointLoader.register_scheme(prefixes="pavi://")
def load_from_pavi(filename: str, map_location: Any = None) -> Union[dict, OrderedDict]:
    """Load checkpoint through the file path prefixed with pavi.

    In distributed setting, this function download ckpt at all ranks to
    different temporary directories.

    Args:
        filename (str): checkpoint file path with pavi prefix
        map_location (str, optional): Same as :func:`torch.load`.

    Returns:
        dict or OrderedDict: The loaded checkpoint.
    """
    if not filename.startswith("pavi://"):
        raise AssertionError(f"Expected filename startswith `pavi://`, but get {filename}")
    model_path = filename[7:]
    try:
        from pavi import modelcloud  # type: ignore
    except ImportError as exc:
        raise ImportError("Please install pavi to load checkpoint from modelcloud.") from exc
    model = modelcloud.get(model_path)
    with TemporaryDirectory() as tmp_dir:
        downloaded_file = osp.join(tmp_dir, model.name)
        model.download(downloaded_file)
        return _read_file(downloaded_file, map_location, filename)


@CheckpointLoader.register_scheme(prefixes=[r"(\S+\:)?s3://", r"(\S+\:)?petrel://"])
def load_from_ceph(
    filename: str, map_location: Any = None, backend: str = "petrel"
) -> Union[dict, OrderedDict]:
    """Load checkpoint through the file path prefixed with s3 or petrel.

    Args:
        filename (str): checkpoint file path with s3 or petrel prefix
        map_location (str, optional): Same as :func:`torch.load`.
        backend (str): The storage backend to read with. Defaults to 'petrel'.

    Returns:
        dict or OrderedDict: The loaded checkpoint.
    """
    return _load_from_backend(filename, map_location, backend_args={"backend": backend})


@CheckpointLoader.register_scheme(prefixes=("modelzoo://", "torchvision://"))
def load_from_torchvision(filename: str, map_location: Any = None) -> Union[dict, OrderedDict]:
    """Load checkpoint through the file path prefixed with modelzoo or torchvision.

    Args:
        filename (str): checkpoint file path with modelzoo or
            torchvision prefix
        map_location (str, optional): Same as :func:`torch.load`.

    Returns:
        dict or OrderedDict: The loaded checkpoint.
    """
    model_urls = facade().get_torchvision_models()
    if filename.startswith("modelzoo://"):
        facade().print_log(
            'The URL scheme of "modelzoo://" is deprecated, please use "torchvision://" instead',
            logger="current",
            level=logging.WARNING,
        )
        model_name = filename[11:]
    else:
        model_name = filename[14:]
    # `ResNet50_Weights.IMAGENET1K_V1` -> `resnet50.imagenet1k_v1`
    model_name = model_name.lower().replace("_weights", "")
    if model_name not in model_urls:
        raise KeyError(
            f"Unknown torchvision model {model_name!r} in {filename!r}; known names include "
            f"{sorted(model_urls)[:10]}. Install torchvision for the full index or use a URL."
        )
    return facade().load_from_http(model_urls[model_name], map_location=map_location)


@CheckpointLoader.register_scheme(prefixes=("open-mmlab://", "openmmlab://"))
def load_from_openmmlab(filename: str, map_location: Any = None) -> Union[dict, OrderedDict]:
    """Load checkpoint through the file path prefixed with open-mmlab or openmmlab.

    Args:
        filename (str): checkpoint file path with open-mmlab or
            openmmlab prefix
        map_location (str, optional): Same as :func:`torch.load`.

    Returns:
        dict or OrderedDict: The loaded checkpoint.
    """
    model_urls = facade().get_external_models()
    prefix_str = "open-mmlab://" if filename.startswith("open-mmlab://") else "openmmlab://"
    model_name = filename[len(prefix_str) :]
    deprecated_urls = facade().get_deprecated_model_names()
    if model_name in deprecated_urls:
        facade().print_log(
            f"{prefix_str}{model_name} is deprecated in favor of "
            f"{prefix_str}{deprecated_urls[model_name]}",
            logger="current",
            level=logging.WARNING,
        )
        model_name = deprecated_urls[model_name]
    if model_name not in model_urls:
        raise KeyError(
            f"Unknown model {model_name!r} in {filename!r}: it is not in the open-mmlab "
            f"index. Add it to {osp.join(facade()._get_mmengine_home(), 'open_mmlab.json')} or use "
            "a URL/local path."
        )
    model_url = model_urls[model_name]
    if model_url.startswith(("http://", "https://")):
        return facade().load_from_http(model_url, map_location=map_location)
    filename = osp.join(facade()._get_mmengine_home(), model_url)
    if not osp.isfile(filename):
        raise FileNotFoundError(f"{filename} can not be found.")
    return _read_file(filename, map_location, filename)


@CheckpointLoader.register_scheme(prefixes="mmcls://")
def load_from_mmcls(filename: str, map_location: Any = None) -> Union[dict, OrderedDict]:
    """Load checkpoint through the file path prefixed with mmcls.

    Args:
        filename (str): checkpoint file path with mmcls prefix
        map_location (str, optional): Same as :func:`torch.load`.

    Returns:
        dict or OrderedDict: The loaded checkpoint.
    """
    model_urls = facade().get_mmcls_models()
    model_name = filename[8:]
    if model_name not in model_urls:
        raise KeyError(
            f"Unknown mmcls model {model_name!r} in {filename!r}. Add it to "
            f"{osp.join(facade()._get_mmengine_home(), 'mmcls.json')} or use a URL/local path."
        )
    model_url = model_urls[model_name]
    if model_url.startswith(("http://", "https://")):
        checkpoint = facade().load_from_http(model_url, map_location=map_location)
    else:
        # a local entry of $MMENGINE_HOME/mmcls.json, relative to MMENGINE_HOME as for
        # open-mmlab:// (it was handed to the downloader, which refused it as a URL)
        path = osp.join(facade()._get_mmengine_home(), model_url)
        if not osp.isfile(path):
            raise FileNotFoundError(f"{path} can not be found.")
        checkpoint = _read_file(path, map_location, path)
    return _process_mmcls_checkpoint(checkpoint)
