"""DDPStrategy: data parallel training with (MM)DistributedDataParallel."""

from __future__ import annotations

import os
from typing import Any

import torch
from torch import nn

from mmengine.device import get_device
from mmengine.dist import is_distributed
from mmengine.registry import MODEL_WRAPPERS, STRATEGIES

from .base import BaseStrategy


@STRATEGIES.register_module()
class DDPStrategy(BaseStrategy):
    """Replicate the model in every process and average the gradients.

    Args:
        model_wrapper (dict, optional): defaults to ``MMDistributedDataParallel`` with
            ``broadcast_buffers=False``.
        sync_bn (str, optional): convert batch norms to synchronised ones ('torch' or
            'mmcv').
        **kwargs: passed to the wrapper (e.g. ``find_unused_parameters=True``).
    """

    def __init__(
        self, model_wrapper: dict | None = None, sync_bn: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(model_wrapper=model_wrapper, **kwargs)
        self.sync_bn = sync_bn

    def wrap_model(self, model: nn.Module) -> nn.Module:
        if not is_distributed():
            raise RuntimeError(
                "DDPStrategy needs an initialised process group: launch with torchrun (or "
                "slurm/mpi) and set `launcher='pytorch'` (or 'slurm'/'mpi') in the runner"
            )
        if self.sync_bn is not None:
            from mmengine.model import convert_sync_batchnorm

            model = convert_sync_batchnorm(model, self.sync_bn)
        model = model.to(get_device())
        cfg = dict(self.model_wrapper or dict(type="MMDistributedDataParallel"))
        cfg.setdefault("broadcast_buffers", False)
        for key, value in self.kwargs.items():
            cfg.setdefault(key, value)
        if torch.cuda.is_available():
            cfg.setdefault("device_ids", [int(os.environ.get("LOCAL_RANK", 0))])
        return MODEL_WRAPPERS.build(cfg, default_args=dict(module=model))
