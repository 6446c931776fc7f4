"""``BaseInferencer``: the preprocess -> forward -> visualize -> postprocess workflow.

Downstream inferencers (mmdet's ``DetInferencer``, mmseg's ``MMSegInferencer``, mmpretrain's)
subclass :class:`BaseInferencer` and import it, and the type aliases below, from this module.
"""

import copy
import importlib  # noqa: F401  (upstream's module exposes it)
import inspect
import os
import os.path as osp
import re
import warnings
from abc import ABCMeta, abstractmethod
from collections.abc import Iterable, Iterator
from datetime import datetime
from functools import partial
from itertools import islice
from typing import (  # noqa: UP035  (the aliases keep upstream's typing.Dict/List reprs)
    Any,
    Callable,
    Dict,
    List,
    Optional,
    Sequence,
    Tuple,
    Union,
)

import numpy as np
import torch
import torch.nn as nn

try:  # rich comes with mmengine-ng-utils; the guard only keeps the progress bar optional
    from rich.progress import track
except ImportError:  # pragma: no cover

    def track(sequence: Iterable, description: str = "") -> Iterable:  # type: ignore[misc]
        """Without rich: iterate without a progress bar."""
        return sequence


from mmengine.config import Config, ConfigDict
from mmengine.config.utils import MODULE2PACKAGE, suggest_names  # noqa: F401
from mmengine.dataset import pseudo_collate
from mmengine.device import get_device
from mmengine.fileio import get_file_backend, isdir, join_path, list_dir_or_file, load  # noqa: F401
from mmengine.logging import print_log
from mmengine.model.checkpoint import _load_checkpoint, _load_checkpoint_to_model
from mmengine.registry import FUNCTIONS, MODELS, VISUALIZERS, DefaultScope
from mmengine.structures import InstanceData
from mmengine.visualization import Visualizer

from . import _checks, _metafile

__all__ = [
    "BaseInferencer",
    "InferencerMeta",
    "InputType",
    "InputsType",
    "ImgType",
    "ResType",
    "ConfigType",
    "ModelType",
    "InstanceList",
]

InstanceList = List[InstanceData]  # noqa: UP006
InputType = Union[str, np.ndarray, torch.Tensor]
InputsType = Union[InputType, Sequence[InputType]]
ImgType = Union[np.ndarray, Sequence[np.ndarray]]
ResType = Union[Dict, List[Dict]]  # noqa: UP006
ConfigType = Union[Config, ConfigDict]
ModelType = Union[dict, ConfigType, str]

_KWARGS_ATTRS = ("preprocess_kwargs", "forward_kwargs", "visualize_kwargs", "postprocess_kwargs")
_UNLOADED_WARNING = (
    "Checkpoint is not loaded, and the inference result is calculated by the randomly "
    "initialized model!"
)


class InferencerMeta(ABCMeta):
    """Checks, when a subclass of :class:`BaseInferencer` is defined, that its
    ``preprocess_kwargs``, ``forward_kwargs``, ``visualize_kwargs`` and ``postprocess_kwargs``
    are sets with no key in common (``__call__`` dispatches each keyword argument to the one
    method whose set names it).
    """

    def __init__(cls, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sets = []
        for attr in _KWARGS_ATTRS:
            value = getattr(cls, attr, set())
            if not isinstance(value, set):
                raise AssertionError(
                    f"Class define error! `{cls.__name__}.{attr}` must be a set of keyword "
                    f"argument names, but got {type(value).__name__} {value!r}; write it as a "
                    "set literal, e.g. {'show', 'wait_time'}."
                )
            sets.append(value)
        union = set().union(*sets)
        if len(union) != sum(len(s) for s in sets):
            shared = sorted(
                key for key in union if sum(key in s for s in sets) > 1
            )  # the keys that break the dispatch
            owners = {
                key: [attr for attr, s in zip(_KWARGS_ATTRS, sets) if key in s] for key in shared
            }
            raise AssertionError(
                f"Class define error! {cls.__name__} should not define duplicated keys for "
                "`preprocess_kwargs`, `forward_kwargs`, `visualize_kwargs` and "
                "`postprocess_kwargs` are not allowed. Each keyword argument of `__call__` goes "
                f"to exactly one method; these keys are in more than one set: {owners}."
            )


class BaseInferencer(metaclass=InferencerMeta):
    """Base inferencer for downstream tasks.

    The BaseInferencer provides the standard workflow for inference as follows:

    1. Preprocess the input data by :meth:`preprocess`.
    2. Forward the data to the model by :meth:`forward`. ``BaseInferencer`` assumes the model
       inherits from :class:`mmengine.model.BaseModel` and calls ``model.test_step`` in
       :meth:`forward` by default.
    3. Visualize the results by :meth:`visualize`.
    4. Postprocess and return the results by :meth:`postprocess`.

    Calling an instance (without overriding ``__call__``) runs the workflow in order.

    Subclasses may define these class attributes, each a set of keyword argument names that
    ``__call__`` passes to the method of the same prefix: ``preprocess_kwargs``,
    ``forward_kwargs``, ``visualize_kwargs`` and ``postprocess_kwargs``. A key must appear in
    only one set; a subclass breaking that fails with ``AssertionError`` when it is defined.

    Subclasses implement :meth:`_init_pipeline` (a callable that turns one input into model
    input), :meth:`visualize` and :meth:`postprocess`.

    Args:
        model (str, dict, Config or ConfigDict, optional): Path to a config file, a model name
            (or alias) listed in the metafiles of the package named by ``scope`` (matched
            case-insensitively, e.g. ``retinanet_r18_fpn_1x_coco``), or a config. If None,
            ``weights`` must be a checkpoint saved by MMEngine, which holds its config.
            Defaults to None.
        weights (str, optional): Path or URL of the checkpoint. If not given and ``model`` is
            a metafile model name, the metafile's weights are loaded. Defaults to None.
        device (str, optional): Device to run inference on. Defaults to the available one
            (:func:`mmengine.device.get_device`).
        scope (str, optional): The registry scope of the model (the package it comes from).
            Defaults to the current default scope.
        show_progress (bool): Whether to show a progress bar during inference.
            Defaults to True.

    Note:
        Inputs are batched, so a ``collate_fn`` is needed: ``test_dataloader.collate_fn`` of
        the config, else :func:`mmengine.dataset.pseudo_collate`.
    """

    preprocess_kwargs: set = set()
    forward_kwargs: set = set()
    visualize_kwargs: set = set()
    postprocess_kwargs: set = set()

    def __init__(
        self,
        model: Optional[ModelType] = None,
        weights: Optional[str] = None,
        device: Optional[str] = None,
        scope: Optional[str] = None,
        show_progress: bool = True,
    ) -> None:
        owner = type(self).__name__
        _checks.check_scope(scope, owner)
        weights = _checks.check_weights(weights, owner)
        if scope is None:
            default_scope = DefaultScope.get_current_instance()
            if default_scope is not None:
                scope = default_scope.scope_name
        self.scope = scope
        if device is not None:  # before anything is read or built
            _checks.check_device(device, owner)

        if isinstance(model, os.PathLike):
            model = os.fspath(model)
        if isinstance(model, str):
            if osp.isfile(model):
                if _checks.checkpoint_suffix(model):
                    raise OSError(
                        "Only py/yml/yaml/json type are supported now! `model` of "
                        f"{owner} is {model!r}, which looks like a checkpoint: pass it as "
                        "`weights=`, with `model` set to its config file (or None to use the "
                        "config saved in the checkpoint)."
                    )
                cfg = Config.fromfile(model)
            else:
                cfg, metafile_weights = self._load_model_from_metafile(model)
                if weights is None:
                    weights = metafile_weights
        elif isinstance(model, (Config, ConfigDict)):
            cfg = copy.deepcopy(model)
        elif isinstance(model, dict):
            cfg = copy.deepcopy(ConfigDict(model))
        elif model is None:
            if weights is None:
                raise ValueError(
                    "If model is None, the weights must be specified since the config needs "
                    "to be loaded from the weights"
                )
            checkpoint = self._read_checkpoint(weights)
            cfg = self._cfg_from_checkpoint(checkpoint, weights)
            # _init_model loads the same file: hand it this copy instead of reading it again.
            self._pending_checkpoint: Optional[tuple] = (weights, checkpoint)
        else:
            raise TypeError(
                "model must be a filepath or any ConfigTypeobject, but got "
                f"{type(model)}: pass a config file path, a model name from the metafiles, "
                "a Config/ConfigDict/dict, or None together with `weights`."
            )

        if device is None:
            device = get_device()

        self.model = self._init_model(cfg, weights, device)
        self._pending_checkpoint = None
        self.pipeline = self._init_pipeline(cfg)
        self.collate_fn = self._init_collate(cfg)
        self.visualizer = self._init_visualizer(cfg)
        self.cfg = cfg
        self.show_progress = show_progress

    # ------------------------------------------------------------------ workflow
    def __call__(
        self,
        inputs: InputsType,
        return_datasamples: bool = False,
        batch_size: int = 1,
        **kwargs: Any,
    ) -> dict:
        """Call the inferencer.

        Args:
            inputs (InputsType): Inputs for the inferencer: one input, a list of them, or a
                directory (its files are the inputs).
            return_datasamples (bool): Whether to return results as :obj:`BaseDataElement`.
                Defaults to False.
            batch_size (int): Batch size. Defaults to 1.
            **kwargs: Keyword arguments passed to :meth:`preprocess`, :meth:`forward`,
                :meth:`visualize` and :meth:`postprocess`, each to the method whose
                ``*_kwargs`` set names it.

        Returns:
            dict: Inference and visualization results.
        """
        (
            preprocess_kwargs,
            forward_kwargs,
            visualize_kwargs,
            postprocess_kwargs,
        ) = self._dispatch_kwargs(**kwargs)
        _checks.check_batch_size(batch_size, f"{type(self).__name__}.__call__")

        ori_inputs = self._inputs_to_list(inputs)
        inputs = self.preprocess(ori_inputs, batch_size=batch_size, **preprocess_kwargs)
        preds: list = []
        batches = track(inputs, description="Inference") if self.show_progress else inputs
        for index, data in enumerate(batches):
            try:
                preds.extend(self.forward(data, **forward_kwargs))
            except Exception as exc:
                first = index * batch_size
                last = min(first + batch_size, len(ori_inputs)) - 1
                _checks.add_note(
                    exc,
                    f"{type(self).__name__}.forward failed on batch {index} (batch_size="
                    f"{batch_size}: inputs {first} to {last} of "
                    f"{len(ori_inputs)}); check that those inputs have the shape and type the "
                    "model expects.",
                )
                raise
        try:
            visualization = self.visualize(ori_inputs, preds, **visualize_kwargs)
        except AttributeError as exc:
            if self.visualizer is None and "NoneType" in str(exc):
                _checks.add_note(
                    exc,
                    f"{type(self).__name__}.visualizer is None: the config has no `visualizer`, "
                    "so nothing can be drawn or shown. Add e.g. visualizer=dict("
                    "type='Visualizer') to the config, or call without the visualization "
                    f"arguments ({', '.join(sorted(visualize_kwargs)) or 'none given'}).",
                )
            raise
        results = self.postprocess(preds, visualization, return_datasamples, **postprocess_kwargs)
        return results

    def _inputs_to_list(self, inputs: InputsType) -> list:
        """Preprocess the inputs to a list.

        A string naming a directory becomes the list of the files in it (sorted, not
        recursive); any other input that is not a list or tuple becomes ``[inputs]``.

        Args:
            inputs (InputsType): Inputs for the inferencer.

        Returns:
            list: List of inputs for :meth:`preprocess`.
        """
        if isinstance(inputs, str):
            backend = get_file_backend(inputs)
            if hasattr(backend, "isdir") and isdir(inputs):
                filenames = sorted(list_dir_or_file(inputs, list_dir=False))
                if not filenames:
                    warnings.warn(
                        f"{type(self).__name__}: the input directory {inputs!r} holds no "
                        "files (subfolders are not searched), so there is nothing to infer "
                        "and the result is empty.",
                        UserWarning,
                        stacklevel=3,
                    )
                return [join_path(inputs, filename) for filename in filenames]
        if not isinstance(inputs, (list, tuple)):
            inputs = [inputs]
        elif not inputs:
            warnings.warn(
                f"{type(self).__name__} got an empty {type(inputs).__name__} of inputs, so "
                "there is nothing to infer and the result is empty.",
                UserWarning,
                stacklevel=3,
            )
        return list(inputs)

    def preprocess(self, inputs: InputsType, batch_size: int = 1, **kwargs: Any) -> Iterator:
        """Process the inputs into a model-feedable format.

        Each input goes through :attr:`pipeline`; the results are grouped into chunks of
        ``batch_size`` (the last one may be shorter) and each chunk through
        :attr:`collate_fn`. Override it to customize preprocessing.

        Args:
            inputs (InputsType): Inputs given by user.
            batch_size (int): batch size. Defaults to 1.

        Yields:
            Any: Data processed by the ``pipeline`` and ``collate_fn``.
        """
        _checks.check_batch_size(batch_size, f"{type(self).__name__}.preprocess")
        chunked_data = self._get_chunk_data(self._run_pipeline(inputs), batch_size)
        yield from map(self.collate_fn, chunked_data)

    def _run_pipeline(self, inputs: Iterable) -> Iterator:
        """Yield ``self.pipeline(item)`` for each input; a failure names the input."""
        total = f" of {len(inputs)}" if hasattr(inputs, "__len__") else ""
        for index, item in enumerate(inputs):
            try:
                yield self.pipeline(item)
            except Exception as exc:
                _checks.add_note(
                    exc,
                    f"The pipeline of {type(self).__name__} failed on input {index}{total}: "
                    f"{_checks.short_repr(item)}.{_checks.iterator_hint(item)}",
                )
                raise

    @torch.no_grad()
    def forward(self, inputs: Union[dict, tuple], **kwargs: Any) -> Any:
        """Feed the inputs to the model (``model.test_step``), without gradients.

        Args:
            inputs (dict or tuple): One collated batch.

        Returns:
            Any: The model's predictions of the batch.
        """
        return self.model.test_step(inputs)

    @abstractmethod
    def visualize(
        self, inputs: list, preds: Any, show: bool = False, **kwargs: Any
    ) -> List[np.ndarray]:  # noqa: UP006
        """Visualize predictions.

        Customize your visualization by overriding this method. visualize should return
        visualization results, which could be np.ndarray or any other objects.

        Args:
            inputs (list): Inputs preprocessed by :meth:`_inputs_to_list`.
            preds (Any): Predictions of the model.
            show (bool): Whether to display the image in a popup window. Defaults to False.

        Returns:
            List[np.ndarray]: Visualization results.
        """

    @abstractmethod
    def postprocess(
        self,
        preds: Any,
        visualization: List[np.ndarray],  # noqa: UP006
        return_datasample: bool = False,
        **kwargs: Any,
    ) -> dict:
        """Process the predictions and visualization results from ``forward`` and
        ``visualize``.

        This method should be responsible for the following tasks:

        1. Convert datasamples into a json-serializable dict if needed.
        2. Pack the predictions and visualization results and return them.
        3. Dump or log the predictions.

        Args:
            preds (List[Dict]): Predictions of the model.
            visualization (np.ndarray): Visualized predictions.
            return_datasample (bool): Whether to return results as datasamples.
                Defaults to False.

        Returns:
            dict: Inference and visualization results with key ``predictions`` and
            ``visualization``.
        """

    # ------------------------------------------------------------------ building
    def _init_model(
        self,
        cfg: ConfigType,
        weights: Optional[str],
        device: str = "cpu",
    ) -> nn.Module:
        """Build the model from ``cfg.model``, load ``weights`` into it and put it in eval
        mode on ``device``.

        ``cfg.model.pretrained`` is dropped (the weights are loaded here) and the built model
        gets ``model.cfg = cfg``.

        Args:
            cfg (ConfigType): Config containing the model information.
            weights (str, optional): Path or URL of the checkpoint.
            device (str): Device to run inference on. Defaults to 'cpu'.

        Returns:
            nn.Module: Model loaded with checkpoint.
        """
        self._check_model_cfg(cfg)  # before reading a (large) checkpoint
        checkpoint: Optional[dict] = None
        if weights is not None:
            pending = getattr(self, "_pending_checkpoint", None)
            if pending is not None and pending[0] == weights:
                checkpoint = pending[1]
            else:
                checkpoint = self._read_checkpoint(weights)

        cfg.model.pop("pretrained", None)
        self._weights_source = weights
        with DefaultScope.overwrite_default_scope(self.scope):
            model = MODELS.build(cfg.model)
        model.cfg = cfg
        self._load_weights_to_model(model, checkpoint, cfg)
        model.to(device)
        model.eval()
        return model

    def _check_model_cfg(self, cfg: ConfigType) -> None:
        """Raise unless ``cfg.model`` is a dict (the model's config)."""
        source = getattr(cfg, "filename", None) or "the given config"
        if "model" not in cfg:
            hint = ""
            if "type" in cfg:
                hint = (
                    f" It has `type={cfg['type']!r}`: it looks like the model's own config; "
                    "pass dict(model=...) around it."
                )
            keys = ", ".join(repr(key) for key in list(cfg)[:10]) or "none"
            raise _checks.NoModelError(
                f"'{type(cfg).__name__}' object has no attribute 'model': the config "
                f"({source}) has no `model` field (its keys: {keys}), so "
                f"{type(self).__name__} cannot build a model; pass a config with "
                f"`model = dict(type=...)`.{hint}"
            )
        if not isinstance(cfg["model"], dict):
            raise AttributeError(
                f"'{type(cfg['model']).__name__}' object has no attribute 'pop': `model` in "
                f"the config ({source}) must be a dict such as dict(type='MyModel', ...), but "
                f"it is {_checks.short_repr(cfg['model'])}."
            )

    def _load_weights_to_model(
        self,
        model: nn.Module,
        checkpoint: Optional[dict],
        cfg: Optional[ConfigType],
    ) -> None:
        """Load the checkpoint's state dict into the model.

        Override it to use the checkpoint's other contents (e.g. its ``meta``).

        Args:
            model (nn.Module): Model to load weights into.
            checkpoint (dict, optional): The loaded checkpoint. If None, the model keeps its
                random initialisation and a warning says so.
            cfg (ConfigType, optional): The config of the model.
        """
        if checkpoint is not None:
            _load_checkpoint_to_model(model, checkpoint)
            source = getattr(self, "_weights_source", None) or "given"
            report = _checks.unloaded_parameters_warning(model, checkpoint, source)
            if report:
                warnings.warn(report, UserWarning, stacklevel=2)
        else:
            warnings.warn(_UNLOADED_WARNING, stacklevel=2)

    @abstractmethod
    def _init_pipeline(self, cfg: ConfigType) -> Callable:
        """Initialize the test pipeline.

        Return a pipeline to handle various input data, such as ``str``, ``np.ndarray``. It is
        an abstract method in BaseInferencer, and should be implemented in subclasses.

        The returned pipeline will be used to process a single data. It will be used in
        :meth:`preprocess` like this:

        .. code-block:: python

            def preprocess(self, inputs, batch_size, **kwargs):
                ...
                dataset = map(self.pipeline, dataset)
                ...
        """

    def _init_collate(self, cfg: ConfigType) -> Callable:
        """Initialize the ``collate_fn`` with the given config.

        ``cfg.test_dataloader.collate_fn`` names a function of the ``FUNCTIONS`` registry (in
        the inferencer's scope), as a string or as ``dict(type=..., **kwargs)``; without it the
        collate function is :func:`mmengine.dataset.pseudo_collate`.

        Args:
            cfg (ConfigType): Config which could contain the ``collate_fn`` information.

        Returns:
            Callable: Collate function.
        """
        dataloader_cfg = cfg.get("test_dataloader", None)
        spec = dataloader_cfg.get("collate_fn", None) if isinstance(dataloader_cfg, dict) else None
        if spec is None:
            return pseudo_collate
        kwargs: dict = {}
        if isinstance(spec, dict):
            kwargs = dict(spec)
            spec = kwargs.pop("type", None)
        if callable(spec):
            return partial(spec, **kwargs) if kwargs else spec
        with FUNCTIONS.switch_scope_and_registry(self.scope) as registry:
            collate_fn = registry.get(spec) if isinstance(spec, str) else None
        if collate_fn is None:
            raise KeyError(
                f"`test_dataloader.collate_fn` ({spec!r}) is not a function registered in the "
                f"FUNCTIONS registry of scope {self.scope!r}: register it with "
                "`@FUNCTIONS.register_module()`, or remove it to use `pseudo_collate`."
            )
        return partial(collate_fn, **kwargs) if kwargs else collate_fn

    def _init_visualizer(self, cfg: ConfigType) -> Optional[Visualizer]:
        """Initialize visualizers.

        Args:
            cfg (ConfigType): Config containing the visualizer information.

        Returns:
            Visualizer or None: Visualizer initialized with config, or None when
            ``cfg.visualizer`` is missing or None. A name already taken by another visualizer
            instance gets a timestamp suffix; a visualizer without a name is named by the
            timestamp.
        """
        if cfg.get("visualizer", None) is None:
            return None
        if not isinstance(cfg.visualizer, dict):
            raise AttributeError(
                f"'{type(cfg.visualizer).__name__}' object has no attribute 'get': "
                "`visualizer` in the config must be a dict such as dict(type='Visualizer', "
                f"name='vis'), or None for no visualizer; got "
                f"{_checks.short_repr(cfg.visualizer)}."
            )
        timestamp = str(datetime.timestamp(datetime.now()))
        name = cfg.visualizer.get("name", timestamp)
        if Visualizer.check_instance_created(name):
            name = f"{name}-{timestamp}"
        cfg.visualizer.name = name
        with DefaultScope.overwrite_default_scope(self.scope):
            return VISUALIZERS.build(cfg.visualizer)

    # ------------------------------------------------------------------ helpers
    def _dispatch_kwargs(self, **kwargs: Any) -> Tuple[Dict, Dict, Dict, Dict]:  # noqa: UP006
        """Dispatch kwargs to preprocess(), forward(), visualize() and postprocess() according
        to the actual demands.

        Returns:
            Tuple[Dict, Dict, Dict, Dict]: kwargs passed to preprocess, forward, visualize and
            postprocess respectively.

        Raises:
            ValueError: If a key is in none of the four ``*_kwargs`` sets.
        """
        method_kwargs = (
            self.preprocess_kwargs
            | self.forward_kwargs
            | self.visualize_kwargs
            | self.postprocess_kwargs
        )
        unknown = set(kwargs) - method_kwargs
        if unknown:
            raise ValueError(self._unknown_kwargs_message(unknown, method_kwargs))
        return tuple(  # type: ignore[return-value]
            {key: value for key, value in kwargs.items() if key in getattr(self, attr)}
            for attr in _KWARGS_ATTRS
        )

    def _unknown_kwargs_message(self, unknown: set, method_kwargs: set) -> str:
        """Upstream's sentence, then what each stage accepts and the closest names."""
        shown = "{" + ", ".join(repr(key) for key in sorted(unknown)) + "}"
        stages = "; ".join(
            f"{attr[: -len('_kwargs')]}: {', '.join(sorted(getattr(self, attr))) or 'none'}"
            for attr in _KWARGS_ATTRS
        )
        own: list = []
        try:
            params = inspect.signature(type(self).__call__).parameters.values()
            own = [
                p.name
                for p in params
                if p.name not in ("self", "inputs")
                and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
            ]
        except (TypeError, ValueError):  # pragma: no cover  (an uninspectable __call__)
            pass
        hints = "".join(
            f" {key!r}:{hint}"
            for key in sorted(unknown)
            if (hint := suggest_names(key, sorted(method_kwargs) + own))
        )
        own_text = f" ({', '.join(own)} are arguments of __call__ itself)" if own else ""
        return (
            f"unknown argument {shown} for `preprocess`, `forward`, `visualize` and "
            f"`postprocess`. {type(self).__name__} accepts these keyword arguments, by the "
            f"method they go to: {stages}{own_text}.{hints}"
        )

    def _get_chunk_data(self, inputs: Iterable, chunk_size: int) -> Iterator[list]:
        """Get batch data from dataset.

        Args:
            inputs (Iterable): An iterable dataset.
            chunk_size (int): Equivalent to batch size.

        Yields:
            list: batch data (the last one may be shorter than ``chunk_size``).
        """
        _checks.check_batch_size(chunk_size, f"{type(self).__name__}._get_chunk_data")
        inputs_iter = iter(inputs)
        while True:
            chunk = list(islice(inputs_iter, chunk_size))
            if not chunk:
                return
            yield chunk

    def _read_checkpoint(self, weights: str) -> dict:
        """Load a checkpoint file (local path or URL) on the CPU with the project's safe loader."""
        try:
            checkpoint = _load_checkpoint(weights, map_location="cpu")
        except Exception as exc:
            if isinstance(weights, str) and weights.lower().endswith(_checks.CONFIG_SUFFIXES):
                _checks.add_note(
                    exc,
                    f"`weights` of {type(self).__name__} is {weights!r}, a config file: pass "
                    "it as `model`, and the checkpoint (.pth) as `weights`.",
                )
            raise
        if not isinstance(checkpoint, dict):
            raise TypeError(
                f"The checkpoint {weights} holds a {type(checkpoint).__name__}, not a dict "
                "(a state dict, or a dict with `state_dict`)."
            )
        return checkpoint

    @staticmethod
    def _cfg_from_checkpoint(checkpoint: dict, weights: str) -> ConfigType:
        """The config a checkpoint saved by MMEngine carries.

        It is ``message_hub.runtime_info.cfg`` or ``meta.cfg``, a config text (or a dict).
        """
        cfg: Any = None
        message_hub = checkpoint.get("message_hub")
        if isinstance(message_hub, dict):
            cfg = (message_hub.get("runtime_info") or {}).get("cfg")
        meta = checkpoint.get("meta")
        if cfg is None and isinstance(meta, dict):
            cfg = meta.get("cfg")
        if cfg is None:
            raise AssertionError(
                "If model(config) is not provided, the checkpoint must contain the config "
                "string in `meta` or `message_hub`, but both `meta` and `message_hub` are not "
                f"found in the checkpoint. {weights} has no `message_hub.runtime_info.cfg` and "
                "no `meta.cfg`; pass the config as `model`."
            )
        if isinstance(cfg, str):
            return Config.fromstring(cfg, ".py")._cfg_dict
        if isinstance(cfg, Config):
            return cfg._cfg_dict
        if isinstance(cfg, dict):
            return ConfigDict(cfg)
        raise TypeError(
            f"The config saved in {weights} is a {type(cfg).__name__}; expected a config text "
            "(str) or a dict. Pass the config as `model`."
        )

    # ------------------------------------------------------------------ metafiles
    def _load_model_from_metafile(self, model: str) -> Tuple[Config, str]:  # noqa: UP006
        """Load the config and weights of a model listed in the metafiles of ``self.scope``.

        Args:
            model (str): Model name or alias, matched case-insensitively.

        Returns:
            Tuple[Config, str]: Loaded config and weights path (None when the metafile lists
            no weights for the model).

        Raises:
            ValueError: If no metafile entry has that name or alias.
        """
        hint = _checks.model_path_hint(model)
        if self.scope is None:
            raise AssertionError(
                "scope should be initialized if you want to load config from metafile. "
                f"{model!r} is not a config file, so it is taken as a model name; pass "
                "`scope=` (the package listing it, e.g. 'mmdet') or an existing config path." + hint
            )
        try:
            repo_or_mim_dir = BaseInferencer._get_repo_or_mim_dir(self.scope)
            entries = list(BaseInferencer._get_models_from_metafile(repo_or_mim_dir))
        except (ImportError, KeyError, FileNotFoundError) as exc:
            error = _scope_error(exc, self.scope, "!,please pass a valid scope.", hint)
            if error is None:
                raise
            raise error from exc
        wanted = model.lower()
        known: list = []
        for model_cfg in entries:
            names = _metafile.model_names(model_cfg)
            known.extend(names)
            if wanted in (name.lower() for name in names):
                cfg = Config.fromfile(osp.join(repo_or_mim_dir, model_cfg["Config"]))
                return cfg, model_cfg.get("Weights")
        raise ValueError(
            f"Cannot find model: {model} in {self.scope}. It is not an existing config file "
            f"nor a model name or alias in the metafiles of {repo_or_mim_dir}."
            + (hint or suggest_names(model, known))
        )

    @staticmethod
    def _get_repo_or_mim_dir(scope: str) -> str:
        """Get the directory where the ``Configs`` located when the package is installed or
        ``PYTHONPATH`` is set.

        Args:
            scope (str): The scope of repository.

        Returns:
            str: The directory where the ``Configs`` is located.
        """
        return _metafile.repo_or_mim_dir(scope)

    @staticmethod
    def _get_models_from_metafile(dir: str) -> Iterator[dict]:
        """Load the model entries of the metafiles in ``dir``.

        Args:
            dir (str): Directory where the ``model-index.yml`` is located.

        Yields:
            dict: Model information of each metafile entry.
        """
        yield from _metafile.iter_metafile_models(dir)

    @staticmethod
    def list_models(scope: Optional[str] = None, patterns: str = r".*") -> list:
        """List models defined in metafile of corresponding packages.

        Args:
            scope (str, optional): The scope to which the model belongs. Defaults to the
                current default scope.
            patterns (str, optional): Regular expressions for the searched models. Once
                matched (``re.match``) with ``Alias`` or ``Name`` filed in metafile,
                corresponding model will be added to the return list. Defaults to '.*'.

        Returns:
            list: The matching model names and aliases.
        """
        if scope is None:
            default_scope = DefaultScope.get_current_instance()
            if default_scope is None:
                raise AssertionError(
                    "scope should be initialized if you want to load config from metafile. "
                    "Pass `scope=` (e.g. 'mmdet') or initialise a default scope."
                )
            scope = default_scope.scope_name
        _checks.check_scope(scope, "BaseInferencer.list_models")
        try:
            pattern = re.compile(patterns)
        except (re.error, TypeError) as exc:
            raise type(exc)(
                f"{exc}: `patterns` of BaseInferencer.list_models must be a regular expression "
                f"(matched with re.match against each name and alias), got {patterns!r}."
            ) from exc
        try:
            repo_or_mim_dir = BaseInferencer._get_repo_or_mim_dir(scope)
            entries = list(BaseInferencer._get_models_from_metafile(repo_or_mim_dir))
        except (ImportError, KeyError, FileNotFoundError) as exc:
            error = _scope_error(exc, scope, "!, please make pass a valid scope.", "")
            if error is None:
                raise
            raise error from exc
        models = [
            name
            for model_info in entries
            for name in _metafile.model_names(model_info)
            if pattern.match(name)
        ]
        print_log("".join(f"model_name: {name}\n" for name in models), logger="current")
        return models


def _scope_error(exc: Exception, scope: str, upstream_tail: str, hint: str) -> Optional[Exception]:
    """The error for a scope whose metafiles cannot be read.

    0.10 accepts only the scopes of :data:`MODULE2PACKAGE` (``AssertionError`` for others);
    this project reads any importable package's metafiles, so for an unlisted scope that
    fails the error is also an ``AssertionError`` with 0.10's sentence first.
    """
    text = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
    if scope not in MODULE2PACKAGE:
        first = f"{scope} not in {MODULE2PACKAGE}{upstream_tail} "
        if isinstance(exc, KeyError) and exc.__cause__ is not None:  # the import failed
            text = (
                f"Importing {scope!r} failed ({exc.__cause__}): the scope names the Python "
                "package whose metafiles list the models; install that package, or pass the "
                "scope of one that is installed."
            )
        cls = (
            _checks.NoMetafileError
            if isinstance(exc, FileNotFoundError)
            else _checks.UnknownScopeError
        )
        return cls(first + text + hint)
    if hint:
        return type(exc)(text + hint)
    return None  # re-raise ``exc`` as it is
