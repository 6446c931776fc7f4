"""BaseModel: the model interface the runner's loops drive."""

from __future__ import annotations

import inspect
from abc import abstractmethod
from collections import OrderedDict
from typing import Any, Optional, Union

import torch
import torch.nn as nn

from mmengine.config.parsing import add_note
from mmengine.optim import OptimWrapper
from mmengine.registry import MODELS
from mmengine.utils import is_list_of  # noqa: F401  (upstream keeps this name here)

from .._errors import _check_optim_wrapper, _no_loss_error, _type_path
from ..base_module import BaseModule
from .data_preprocessor import (
    BaseDataPreprocessor,
    _accelerator_device,
    _parse_target_device,
    _translate_npu,
)

__all__ = ["BaseModel"]


class LossesTypeError(AttributeError, TypeError):
    """What ``forward(mode="loss")`` returned is not a dict of losses (an AttributeError as
    in 0.10, where ``losses.items()`` fails, and a TypeError)."""


class BaseModel(BaseModule):
    """Base class for all algorithmic models.

    BaseModel implements the basic functions of the algorithmic model, such as
    weights initialize, batch inputs preprocess (see more information in
    :class:`BaseDataPreprocessor`), parse losses, and update model parameters.

    Subclasses inherit from BaseModel only need to implement the forward
    method, which implements the logic to calculate loss and predictions,
    then can be trained in the runner.

    Examples:
        >>> import torch
        >>> import torch.nn as nn
        >>> from mmengine.model import BaseModel
        >>> from mmengine.registry import Registry
        >>> MODELS = Registry('model', scope='demo')
        >>> @MODELS.register_module()
        ... class ToyModel(BaseModel):
        ...
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.linear = nn.Linear(2, 1)
        ...
        ...     def forward(self, inputs, data_samples=None, mode='tensor'):
        ...         feats = self.linear(inputs)
        ...         if mode == 'loss':
        ...             return dict(loss=(feats - data_samples).pow(2).mean())
        ...         if mode == 'predict':
        ...             return list(feats)
        ...         return feats
        >>> model = MODELS.build(dict(type='ToyModel'))
        >>> model(torch.ones(4, 2)).shape
        torch.Size([4, 1])
        >>> losses = model(torch.ones(4, 2), torch.zeros(4, 1), mode='loss')
        >>> loss, log_vars = model.parse_losses(losses)
        >>> list(log_vars)
        ['loss']

    Args:
        data_preprocessor (dict, optional): The pre-process config of
            :class:`BaseDataPreprocessor` (or an ``nn.Module`` instance).
            Defaults to ``dict(type='BaseDataPreprocessor')``.
        init_cfg (dict, optional): The weight initialized config for
            :class:`BaseModule`.

    Attributes:
        data_preprocessor (:obj:`BaseDataPreprocessor`): Used for
            pre-processing data sampled by dataloader to the format accepted by
            :meth:`forward`.
        init_cfg (dict, optional): Initialization config dict.
    """

    def __init__(
        self,
        data_preprocessor: Optional[Union[dict, nn.Module]] = None,
        init_cfg: Optional[Union[dict, list]] = None,
    ) -> None:
        super().__init__(init_cfg)
        if data_preprocessor is None:
            data_preprocessor = dict(type="BaseDataPreprocessor")
        if isinstance(data_preprocessor, nn.Module):
            self.data_preprocessor = data_preprocessor
        elif isinstance(data_preprocessor, dict):
            self.data_preprocessor = MODELS.build(data_preprocessor)
        else:
            raise TypeError(
                "data_preprocessor should be a `dict` or `nn.Module` instance, but got "
                f"{type(data_preprocessor)}"
            )

    def train_step(
        self, data: Union[dict, tuple, list], optim_wrapper: OptimWrapper
    ) -> dict[str, torch.Tensor]:
        """Implements the default model training process.

        1. Calls ``self.data_preprocessor(data, training=True)`` to collect
           ``batch_inputs`` and corresponding ``data_samples`` (labels).
        2. Calls ``self(batch_inputs, data_samples, mode='loss')`` to get raw loss
           (inside ``optim_wrapper.optim_context(self)``, e.g. autocast).
        3. Calls ``self.parse_losses`` to get ``parsed_losses`` tensor used to
           backward and dict of loss tensor used to log messages.
        4. Calls ``optim_wrapper.update_params(loss)`` to update model.

        Args:
            data (dict or tuple or list): Data sampled from dataset.
            optim_wrapper (OptimWrapper): OptimWrapper instance used to update
                model parameters.

        Returns:
            Dict[str, torch.Tensor]: A ``dict`` of tensor for logging.
        """
        try:
            with optim_wrapper.optim_context(self):
                data = self.data_preprocessor(data, True)
                losses = self._run_forward(data, mode="loss")
        except AttributeError as exc:
            _check_optim_wrapper(optim_wrapper, exc)
            raise
        parsed_losses, log_vars = self.parse_losses(losses)  # type: ignore[arg-type]
        try:
            optim_wrapper.update_params(parsed_losses)
        except AttributeError as exc:
            if isinstance(parsed_losses, torch.Tensor):
                raise
            raise _no_loss_error(self, parsed_losses, losses) from exc
        return log_vars

    def val_step(self, data: Union[tuple, dict, list]) -> list:
        """Gets the predictions of given data.

        Calls ``self.data_preprocessor(data, False)`` and
        ``self(inputs, data_sample, mode='predict')`` in order. Return the
        predictions which will be passed to evaluator.

        Args:
            data (dict or tuple or list): Data sampled from dataset.

        Returns:
            list: The predictions of given data.
        """
        data = self.data_preprocessor(data, False)
        return self._run_forward(data, mode="predict")  # type: ignore

    def test_step(self, data: Union[dict, tuple, list]) -> list:
        """``BaseModel`` implements ``test_step`` the same as ``val_step``.

        Args:
            data (dict or tuple or list): Data sampled from dataset.

        Returns:
            list: The predictions of given data.
        """
        data = self.data_preprocessor(data, False)
        return self._run_forward(data, mode="predict")  # type: ignore

    def parse_losses(self, losses: dict[str, Any]) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Parses the raw outputs (losses) of the network.

        Every value must be a tensor (logged as its mean) or a list of tensors
        (logged as the sum of their means). The total loss is the sum of the
        logged values whose key contains ``'loss'``; it is inserted first in
        ``log_vars`` under the key ``'loss'``.

        Args:
            losses (dict): Raw output of the network, which usually contain
                losses and other necessary information.

        Returns:
            tuple[Tensor, dict]: There are two elements. The first is the
            loss tensor passed to optim_wrapper which may be a weighted sum
            of all losses, and the second is log_vars (an ``OrderedDict``)
            which will be sent to the logger.

        Raises:
            TypeError: If a value is neither a tensor nor a list of tensors, or ``losses`` is
                not a dict (then also an AttributeError, as in 0.10).
        """
        if not isinstance(losses, dict) and not hasattr(losses, "items"):
            raise LossesTypeError(
                f"{type(losses).__name__!r} object has no attribute 'items'. "
                f'forward(mode="loss") must return a dict of losses, such as '
                f"dict(loss_cls=tensor), but {type(self).__name__}.forward returned a "
                f"{_type_path(losses)}; wrap a single loss "
                "as dict(loss=loss)."
            )
        log_vars: list[tuple[str, torch.Tensor]] = [("loss", None)]  # type: ignore[list-item]
        loss: Any = None
        for loss_name, loss_value in losses.items():
            if isinstance(loss_value, torch.Tensor):
                # A 0-d loss is its own mean: no extra node in the graph (or in backward).
                value = loss_value if loss_value.dim() == 0 else loss_value.mean()
            elif isinstance(loss_value, (list, tuple)) and all(
                isinstance(item, torch.Tensor) for item in loss_value
            ):
                value = sum(item.mean() for item in loss_value)
            else:
                raise TypeError(
                    f"{loss_name} is not a tensor or list of tensors (got "
                    f'{type(loss_value).__name__}); every value returned by forward(mode="loss") '
                    "must be a Tensor or a list of Tensors."
                )
            log_vars.append((loss_name, value))
            if "loss" in loss_name:
                # Summed without the implicit ``0 +`` of sum(), which adds a node per iteration.
                loss = value if loss is None else loss + value
        if loss is None:
            loss = 0
        log_vars[0] = ("loss", loss)
        return loss, OrderedDict(log_vars)  # type: ignore[return-value]

    def to(self, *args: Any, **kwargs: Any) -> nn.Module:
        """Overrides this method to call :meth:`BaseDataPreprocessor.to` additionally.

        Returns:
            nn.Module: The model itself.
        """
        args, kwargs = _translate_npu(args, kwargs)
        device = _parse_target_device(*args, **kwargs)
        if device is not None:
            self._set_device(device)
        return super().to(*args, **kwargs)

    def cuda(self, device: Optional[Union[int, str, torch.device]] = None) -> nn.Module:
        """Overrides this method to call :meth:`BaseDataPreprocessor.cuda` additionally.

        Returns:
            nn.Module: The model itself.
        """
        self._set_device(_accelerator_device("cuda", device))
        return super().cuda(device)

    def musa(self, device: Optional[Union[int, str, torch.device]] = None) -> nn.Module:
        """Overrides this method to call :meth:`BaseDataPreprocessor.musa` additionally.

        Returns:
            nn.Module: The model itself.
        """
        self._set_device(_accelerator_device("musa", device))
        return super().musa(device)  # type: ignore[attr-defined]

    def mlu(self, device: Optional[Union[int, str, torch.device]] = None) -> nn.Module:
        """Overrides this method to call :meth:`BaseDataPreprocessor.mlu` additionally.

        Returns:
            nn.Module: The model itself.
        """
        self._set_device(_accelerator_device("mlu", device))
        return super().mlu(device)  # type: ignore[attr-defined]

    def npu(self, device: Optional[Union[int, str, torch.device]] = None) -> nn.Module:
        """Overrides this method to call :meth:`BaseDataPreprocessor.npu` additionally.

        Note:
            This generation of NPU(Ascend910) does not support
            the use of multiple cards in a single process,
            so the index here needs to be consistent with the default device

        Returns:
            nn.Module: The model itself.
        """
        self._set_device(_accelerator_device("npu", device))
        return super().npu()  # type: ignore[attr-defined]

    def cpu(self, *args: Any, **kwargs: Any) -> nn.Module:
        """Overrides this method to call :meth:`BaseDataPreprocessor.cpu` additionally.

        Returns:
            nn.Module: The model itself.
        """
        self._set_device(torch.device("cpu"))
        return super().cpu()

    def _set_device(self, device: torch.device) -> None:
        """Record ``device`` on every :class:`BaseDataPreprocessor` in the model."""
        for module in self.modules():
            if isinstance(module, BaseDataPreprocessor):
                module._device = device

    @abstractmethod
    def forward(
        self,
        inputs: torch.Tensor,
        data_samples: Optional[list] = None,
        mode: str = "tensor",
    ) -> Union[dict[str, torch.Tensor], list]:
        """Returns losses or predictions of training, validation, testing, and simple inference.

        Args:
            inputs (torch.Tensor): batch input tensor collated by
                :attr:`data_preprocessor`.
            data_samples (list, optional): data samples collated by
                :attr:`data_preprocessor`.
            mode (str): mode should be one of ``loss``, ``predict`` and
                ``tensor``.

                - ``loss``: Called by ``train_step`` and return loss ``dict``
                  used for logging
                - ``predict``: Called by ``val_step`` and ``test_step``
                  and return list of results used for computing metric.
                - ``tensor``: Called by custom use to get ``Tensor`` type
                  results.

        Returns:
            dict or list:
                - If ``mode == loss``, return a ``dict`` of loss tensor used
                  for backward and logging.
                - If ``mode == predict``, return a ``list`` of inference
                  results.
                - If ``mode == tensor``, return a tensor or ``tuple`` of tensor
                  or ``dict`` of tensor for custom use.
        """

    def _run_forward(
        self, data: Union[dict, tuple, list], mode: str
    ) -> Union[dict[str, torch.Tensor], list]:
        """Unpacks data for :meth:`forward`: a dict as ``**data``, a list/tuple as ``*data``.

        Args:
            data (dict or tuple or list): Data sampled from dataset.
            mode (str): Mode of forward.

        Returns:
            dict or list: Results of training or testing mode.
        """
        try:
            if isinstance(data, dict):
                return self(**data, mode=mode)
            if isinstance(data, (list, tuple)):
                return self(*data, mode=mode)
        except TypeError as exc:
            _explain_forward_arguments(self, data, exc)
            raise
        raise TypeError(
            f"Output of `data_preprocessor` should be list, tuple or dict, but got {type(data)}"
        )


def _explain_forward_arguments(model: nn.Module, data: Any, exc: TypeError) -> None:
    """Add a note when ``forward`` could not take the data batch (its keys do not match the
    parameters): which keys came, which parameters ``forward`` has."""
    if exc.__traceback__ is None:
        return
    tb = exc.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    forward = type(model).forward
    code = getattr(forward, "__code__", None)
    name = getattr(forward, "__qualname__", "forward")
    if tb.tb_frame.f_code is code or not str(exc).startswith((f"{name}()", "forward()")):
        return  # raised inside forward, or not about forward's own arguments
    try:
        params = list(inspect.signature(model.forward).parameters)
    except (TypeError, ValueError):
        return
    given = f"the keys {sorted(data)}" if isinstance(data, dict) else f"{len(data)} values"
    note = (
        f"{type(model).__name__}.forward({', '.join(params)}) was called with {given} of the "
        "data batch (the dataset's items after collate and the data preprocessor) and `mode`. "
        "Name the dataset's keys after forward's parameters (e.g. 'inputs', 'data_samples'), "
        "or forward's parameters after the keys."
    )
    add_note(exc, note)
