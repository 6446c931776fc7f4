"""MMDistributedDataParallel: DDP with the train/val/test step interface of BaseModel."""

from __future__ import annotations

from typing import Any, Union

import torch
import torch.nn as nn
from torch.nn.parallel import DataParallel, DistributedDataParallel

from mmengine.optim import OptimWrapper
from mmengine.registry import MODEL_WRAPPERS

from .._errors import _check_optim_wrapper, _no_loss_error
from ..utils import detect_anomalous_params

__all__ = ["MMDistributedDataParallel"]

# Plain torch wrappers count as model wrappers too (see ``is_model_wrapper``).
# ``module_dict`` rather than ``in MODEL_WRAPPERS``: a registry lookup imports the registry's
# locations and logs through the current MMLogger, which would create the "mmengine" logger
# instance at import time (0.10 creates none, so a later MMLogger.get_instance("mmengine",
# log_level=...) would have its arguments ignored).
for _cls in (DistributedDataParallel, DataParallel):
    if _cls.__name__ not in MODEL_WRAPPERS.module_dict:
        MODEL_WRAPPERS.register_module(module=_cls)


def _build_mm_fully_sharded_data_parallel(*args: Any, **kwargs: Any) -> nn.Module:
    """Stand-in registered as ``MMFullyShardedDataParallel`` until the real class is imported.

    Importing ``torch.distributed.fsdp`` roughly doubles the import time of
    ``mmengine.model``, so the FSDP wrapper module is imported on first use:
    building ``dict(type='MMFullyShardedDataParallel')`` from ``MODEL_WRAPPERS``
    lands here, imports it (which registers the real class in place of this
    function) and builds the wrapper.
    """
    from .fully_sharded_distributed import MMFullyShardedDataParallel

    return MMFullyShardedDataParallel(*args, **kwargs)


if "MMFullyShardedDataParallel" not in MODEL_WRAPPERS.module_dict:
    MODEL_WRAPPERS.register_module(
        name="MMFullyShardedDataParallel", module=_build_mm_fully_sharded_data_parallel
    )


def _require_process_group(wrapper: str, kwargs: dict) -> None:
    """Fail before touching the model when torch.distributed is not initialised (torch's
    ValueError and sentence, then what to do)."""
    if kwargs.get("process_group") is not None:
        return
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        return
    raise ValueError(
        "Default process group has not been initialized, please make sure to call "
        f"init_process_group. {wrapper} is for multi-process (distributed) training: start "
        "the processes with a launcher (e.g. torchrun, and Runner(launcher='pytorch')), which "
        "initializes torch.distributed, or call mmengine.dist.init_dist first. In a single "
        "process, use the model without this wrapper (Runner(launcher='none'))."
    )


def run_forward(model: nn.Module, data: Union[dict, tuple, list], mode: str) -> Any:
    """Call ``model`` with ``data`` unpacked (dict as ``**``, list/tuple as ``*``)."""
    if isinstance(data, dict):
        return model(**data, mode=mode)
    if isinstance(data, (list, tuple)):
        return model(*data, mode=mode)
    raise TypeError(
        f"Output of `data_preprocessor` should be list, tuple or dict, but got {type(data)}"
    )


@MODEL_WRAPPERS.register_module()
class MMDistributedDataParallel(DistributedDataParallel):
    """A distributed model wrapper used for training, testing and validation in loop.

    Different from DistributedDataParallel, MMDistributedDataParallel
    implements three methods :meth:`train_step`, :meth:`val_step` and
    :meth:`test_step`, which will be called by ``train_loop``, ``val_loop``
    and ``test_loop``.

    - ``train_step``: Called by ``runner.train_loop``; preprocesses data with
      ``module.data_preprocessor``, computes the losses through
      ``DistributedDataParallel.forward`` (so gradients are synchronised),
      parses them with ``module.parse_losses`` and updates the parameters
      with the optimizer wrapper.
    - ``val_step``: Called by ``runner.val_loop``; equivalent to
      ``module.val_step``.
    - ``test_step``: Called by ``runner.test_loop``; equivalent to
      ``module.test_step``.

    Args:
        module (nn.Module): The model to wrap (normally a :class:`BaseModel`).
        detect_anomalous_params (bool): This option is only used for
            debugging which will slow down the training speed.
            Detect anomalous parameters that are not included in
            the computational graph with ``loss`` as the root.
            Defaults to False.
        **kwargs: keyword arguments passed to ``DistributedDataParallel``
            (``device_ids``, ``output_device``, ``broadcast_buffers``,
            ``find_unused_parameters``, ``process_group``, ...).

    Note:
        If model has multiple submodules and each module has separate
        optimization strategies, :class:`MMSeparateDistributedDataParallel`
        should be used to wrap the model.
    """

    def __init__(
        self, module: nn.Module, detect_anomalous_params: bool = False, **kwargs: Any
    ) -> None:
        _require_process_group(type(self).__name__, kwargs)
        super().__init__(module=module, **kwargs)
        self.detect_anomalous_params = detect_anomalous_params

    def train_step(
        self, data: Union[dict, tuple, list], optim_wrapper: OptimWrapper
    ) -> dict[str, torch.Tensor]:
        """Interface for model forward, backward and parameters updating during training.

        Args:
            data (dict or tuple or list): Data sampled from dataset.
            optim_wrapper (OptimWrapper): A wrapper of optimizer to
                update parameters.

        Returns:
            Dict[str, torch.Tensor]: A ``dict`` of tensor for logging.
        """
        try:
            with optim_wrapper.optim_context(self):
                data = self.module.data_preprocessor(data, training=True)
                losses = self._run_forward(data, mode="loss")
        except AttributeError as exc:
            _check_optim_wrapper(optim_wrapper, exc)
            raise
        parsed_loss, log_vars = self.module.parse_losses(losses)
        try:
            optim_wrapper.update_params(parsed_loss)
        except AttributeError as exc:
            if isinstance(parsed_loss, torch.Tensor):
                raise
            raise _no_loss_error(self.module, parsed_loss, losses) from exc
        if self.detect_anomalous_params:
            detect_anomalous_params(parsed_loss, model=self)
        return log_vars

    def val_step(self, data: Union[dict, tuple, list]) -> list:
        """Gets the prediction of module during validation process.

        Args:
            data (dict or tuple or list): Data sampled from dataset.

        Returns:
            list: The predictions of given data.
        """
        return self.module.val_step(data)

    def test_step(self, data: Union[dict, tuple, list]) -> list:
        """Gets the predictions of module during testing process.

        Args:
            data (dict or tuple or list): Data sampled from dataset.

        Returns:
            list: The predictions of given data.
        """
        return self.module.test_step(data)

    def _run_forward(self, data: Union[dict, tuple, list], mode: str) -> Any:
        """Unpacks data for :meth:`forward`."""
        return run_forward(self, data, mode)
