"""DDPStrategy: data parallel training with (MM)DistributedDataParallel."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Optional

import torch
from torch import nn
from torch.nn.parallel import DistributedDataParallel  # noqa: F401  (upstream's global)

from mmengine.device import get_device
from mmengine.dist import init_dist, is_distributed, master_only
from mmengine.model import convert_sync_batchnorm, is_model_wrapper
from mmengine.registry import MODEL_WRAPPERS, STRATEGIES

from .single_device import SingleDeviceStrategy


@STRATEGIES.register_module()
class DDPStrategy(SingleDeviceStrategy):
    """Replicate the model in every process and average the gradients.

    Launch with ``torchrun`` (or ``srun``/``mpirun``): the launcher is inferred from the
    environment unless ``env_kwargs=dict(launcher=...)`` names it, and the process group is
    initialised with ``env_kwargs['dist_cfg']`` (backend 'nccl' with CUDA, else 'gloo').

    Args:
        model_wrapper (dict, optional): the wrapper config; defaults to
            ``dict(type='MMDistributedDataParallel', broadcast_buffers=False,
            find_unused_parameters=False)``, updated with what is given.
        sync_bn (str, optional): convert batch norms to synchronised ones ('torch' or
            'mmcv').
        **kwargs: the :class:`BaseStrategy` arguments.
    """

    def __init__(
        self,
        *,
        model_wrapper: Optional[dict] = None,
        sync_bn: Optional[str] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.model_wrapper = model_wrapper
        self.sync_bn = sync_bn

    def _setup_distributed(  # type: ignore[override]
        self, launcher: str = "pytorch", backend: str = "nccl", **kwargs: Any
    ) -> None:
        """Initialise the default process group (once)."""
        if not is_distributed():
            init_dist(launcher, backend, **kwargs)

    def convert_model(self, model: nn.Module) -> nn.Module:
        """Convert batch norms to ``sync_bn``'s synchronised ones when asked."""
        if self.sync_bn is not None:
            try:
                model = convert_sync_batchnorm(model, self.sync_bn)
            except ValueError as exc:
                self.logger.error(
                    f'cfg.sync_bn should be "torch" or "mmcv", but got {self.sync_bn}'
                )
                raise exc
        return model

    def _wrap_model(self, model: nn.Module) -> nn.Module:
        if is_model_wrapper(model):
            return model
        if not is_distributed():
            raise RuntimeError(
                f"{type(self).__name__} needs an initialised process group: launch with "
                "torchrun (or slurm/mpi) so that the launcher is inferred, or give "
                "env_kwargs=dict(launcher='pytorch') (FlexibleRunner: launcher='pytorch')"
            )
        model = model.to(get_device())
        model = self.convert_model(model)
        cfg = dict(
            type="MMDistributedDataParallel",
            broadcast_buffers=False,
            find_unused_parameters=False,
        )
        if torch.cuda.is_available():
            cfg["device_ids"] = [int(os.environ.get("LOCAL_RANK", 0))]
        cfg.update(self.model_wrapper or {})
        return MODEL_WRAPPERS.build(cfg, default_args=dict(module=model))

    @master_only
    def save_checkpoint(
        self,
        filename: str,
        *,
        save_optimizer: bool = True,
        save_param_scheduler: bool = True,
        extra_ckpt: Optional[dict] = None,
        callback: Optional[Callable] = None,
    ) -> None:
        """Save on rank 0 only (the replicas are identical). See
        :meth:`SingleDeviceStrategy.save_checkpoint`."""
        super().save_checkpoint(
            filename,
            save_optimizer=save_optimizer,
            save_param_scheduler=save_param_scheduler,
            extra_ckpt=extra_ckpt,
            callback=callback,
        )
