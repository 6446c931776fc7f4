"""FSDPStrategy: fully sharded data parallel training."""

from __future__ import annotations

from torch import nn

from mmengine.device import get_device
from mmengine.dist import is_distributed, is_main_process
from mmengine.registry import MODEL_WRAPPERS, STRATEGIES

from .base import BaseStrategy


@STRATEGIES.register_module()
class FSDPStrategy(BaseStrategy):
    """Shard parameters, gradients and optimizer state across processes (torch FSDP).

    Checkpoints hold the full (unsharded) weights, gathered on rank 0, so they load into an
    unwrapped model as any other checkpoint.

    Args:
        model_wrapper (dict, optional): defaults to ``MMFullyShardedDataParallel``.
        **kwargs: passed to the wrapper (e.g. ``auto_wrap_policy``, ``mixed_precision``).
    """

    def wrap_model(self, model: nn.Module) -> nn.Module:
        if not is_distributed():
            raise RuntimeError(
                "FSDPStrategy needs an initialised process group: launch with torchrun and "
                "set `launcher='pytorch'` in the runner"
            )
        cfg = dict(self.model_wrapper or dict(type="MMFullyShardedDataParallel"))
        for key, value in self.kwargs.items():
            cfg.setdefault(key, value)
        if get_device() == "cuda":
            import torch

            cfg.setdefault("device_id", torch.cuda.current_device())
        return MODEL_WRAPPERS.build(cfg, default_args=dict(module=model))

    def model_state_dict(self, model: nn.Module) -> dict:
        from torch.distributed.fsdp import FullStateDictConfig, StateDictType
        from torch.distributed.fsdp import FullyShardedDataParallel as FSDP

        if not isinstance(model, FSDP):
            return super().model_state_dict(model)
        policy = FullStateDictConfig(offload_to_cpu=True, rank0_only=True)
        with FSDP.state_dict_type(model, StateDictType.FULL_STATE_DICT, policy):
            state = model.state_dict()
        return state if is_main_process() else {}

    def load_model_state_dict(
        self,
        model: nn.Module,
        checkpoint: dict,
        strict: bool = False,
        revise_keys: list | None = None,
    ) -> dict:
        from torch.distributed.fsdp import FullStateDictConfig, StateDictType
        from torch.distributed.fsdp import FullyShardedDataParallel as FSDP

        if not isinstance(model, FSDP):
            return super().load_model_state_dict(model, checkpoint, strict, revise_keys)
        policy = FullStateDictConfig(offload_to_cpu=True, rank0_only=False)
        with FSDP.state_dict_type(model, StateDictType.FULL_STATE_DICT, policy):
            return super().load_model_state_dict(model, checkpoint, strict, revise_keys)
