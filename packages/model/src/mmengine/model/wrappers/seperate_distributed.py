"""MMSeparateDistributedDataParallel: one DDP per trainable sub-module (e.g. GANs)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any, Union

import torch
import torch.nn as nn
from torch.nn.parallel import DistributedDataParallel

from mmengine.device import get_device  # noqa: F401  (upstream keeps this name here)
from mmengine.optim import OptimWrapperDict
from mmengine.registry import MODEL_WRAPPERS

from .distributed import MMDistributedDataParallel, _require_process_group

__all__ = ["MMSeparateDistributedDataParallel"]


def _default_device() -> torch.device:
    try:
        from mmengine.device import get_device

        return torch.device(get_device())
    except ImportError:  # pragma: no cover - mmengine.device ships with mmengine-ng-dist
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")


@MODEL_WRAPPERS.register_module()
class MMSeparateDistributedDataParallel(DistributedDataParallel):
    """A DistributedDataParallel wrapper for models in MMGeneration.

    In MMEditing and MMGeneration there is a need to wrap different modules in
    the models with separate DistributedDataParallel. Otherwise, it will cause
    errors for GAN training: when the generator is updated the discriminator
    is not, which one DDP does not allow. This wrapper:

    1. Wraps each sub-module of ``module`` that has trainable parameters with
       its own :class:`MMDistributedDataParallel`; other sub-modules are only
       moved to the device.
    2. Calls ``train_step``, ``val_step`` and ``test_step`` of ``module``.

    Args:
        module (nn.Module): model contain multiple submodules which have
            separately updating strategy.
        broadcast_buffers (bool): Same as that in
            ``torch.nn.parallel.distributed.DistributedDataParallel``.
            Defaults to False.
        find_unused_parameters (bool): Same as that in
            ``torch.nn.parallel.distributed.DistributedDataParallel``.
            Defaults to False.
        **kwargs: Keyword arguments passed to ``MMDistributedDataParallel``.
    """

    def __init__(
        self,
        module: nn.Module,
        broadcast_buffers: bool = False,
        find_unused_parameters: bool = False,
        **kwargs: Any,
    ) -> None:
        # before any sub-module is moved or wrapped
        _require_process_group(type(self).__name__, kwargs)
        # Deliberately skip DistributedDataParallel.__init__: only the
        # sub-modules are DDP-wrapped.
        super(DistributedDataParallel, self).__init__()
        self.module = module
        device = _default_device()
        for name, sub_module in module._modules.items():
            if sub_module is None:
                continue
            params = list(sub_module.parameters())
            if not params or all(not p.requires_grad for p in params):
                sub_module = sub_module.to(device)
            else:
                sub_module = MMDistributedDataParallel(
                    module=sub_module.to(device),
                    broadcast_buffers=broadcast_buffers,
                    find_unused_parameters=find_unused_parameters,
                    **kwargs,
                )
            module._modules[name] = sub_module

    def train_step(
        self, data: Union[dict, tuple, list], optim_wrapper: OptimWrapperDict
    ) -> dict[str, torch.Tensor]:
        """Interface for model forward, backward and parameters updating during training.

        Args:
            data (dict or tuple or list): Data sampled from dataset.
            optim_wrapper (OptimWrapperDict): A wrapper of optimizer to
                update parameters.

        Returns:
            Dict[str, torch.Tensor]: A dict of tensor for logging.
        """
        return self.module.train_step(data, optim_wrapper)

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

    @contextmanager
    def no_sync(self) -> Iterator[None]:
        """Enables ``no_sync`` context of all sub ``MMDistributedDataParallel`` modules."""
        with ExitStack() as stack:
            for sub_ddp_model in self.module._modules.values():
                if isinstance(sub_ddp_model, MMDistributedDataParallel):
                    stack.enter_context(sub_ddp_model.no_sync())
            yield

    def train(self, mode: bool = True) -> MMSeparateDistributedDataParallel:
        """Sets the module in training mode.

        ``DistributedDataParallel.__init__`` was not called, so its ``train``
        cannot be relied on; set the flag and delegate to the wrapped module.

        Args:
            mode (bool): whether to set training mode (True) or evaluation
                mode (False). Defaults to True.

        Returns:
            Module: self.
        """
        self.training = mode
        self.module.train(mode)
        return self
