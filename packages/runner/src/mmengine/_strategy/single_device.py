"""SingleDeviceStrategy: one process, the model on the current device."""

from __future__ import annotations

import time  # noqa: F401  (upstream's module global)
from collections.abc import Callable
from typing import Any, Optional, Union

from torch import nn

from mmengine.device import get_device
from mmengine.model import revert_sync_batchnorm
from mmengine.optim import BaseOptimWrapper, _ParamScheduler
from mmengine.registry import STRATEGIES
from mmengine.utils import get_git_hash  # noqa: F401  (upstream's module global)

from . import _checkpoint_state
from . import sharded_checkpoint as sharded
from .base import _DEFAULT_REVISE_KEYS, BaseStrategy


@STRATEGIES.register_module()
class SingleDeviceStrategy(BaseStrategy):
    """Train in one process on the current device (CUDA, NPU, MPS... or the CPU).

    Checkpoints are single files; a sharded checkpoint directory written by
    ``FSDPStrategy`` loads too (its shards are assembled on load).

    Args: as :class:`BaseStrategy`.
    """

    def prepare(
        self,
        model: Union[nn.Module, dict],
        *,
        optim_wrapper: Union[BaseOptimWrapper, dict, None] = None,
        param_scheduler: Union[_ParamScheduler, dict, list, None] = None,
        compile: Union[dict, bool] = False,
        dispatch_kwargs: Optional[dict] = None,
    ) -> Any:
        """Build, initialise, compile and place the model; build the optimizer wrapper and
        the schedulers. See :meth:`BaseStrategy.prepare`.

        A strategy prepares once: later calls return the prepared components.
        """
        if self._prepared:
            return self._prepared_components()
        if dispatch_kwargs is not None:
            self.dispatch_kwargs.update(dispatch_kwargs)
        model = self.build_model(model)
        model = self._init_model_weights(model)
        model = self.compile_model(model, compile=compile)
        self.model = self._wrap_model(model)
        if optim_wrapper is not None:
            self.optim_wrapper = self.build_optim_wrapper(optim_wrapper, self.model)
            self._scale_lr()
            self._init_count_status()
        if param_scheduler is not None:
            if optim_wrapper is None:
                raise ValueError(
                    "param_scheduler needs an optimizer: give prepare(..., optim_wrapper=...) "
                    "too, or drop param_scheduler"
                )
            self.param_schedulers = self.build_param_scheduler(param_scheduler, self.optim_wrapper)
        self._prepared = True
        return self._prepared_components()

    def _wrap_model(self, model: nn.Module) -> nn.Module:
        model = self.convert_model(model)
        return model.to(get_device())

    def convert_model(self, model: nn.Module) -> nn.Module:
        """Revert ``SyncBatchNorm`` layers to plain batch norms (not distributed)."""
        self.logger.info(
            "Distributed training is not used, all SyncBatchNorm (SyncBN) layers in the model "
            "will be automatically reverted to BatchNormXd layers if they are used."
        )
        return revert_sync_batchnorm(model)

    def load_checkpoint(
        self,
        filename: str,
        *,
        map_location: Union[str, Callable] = "cpu",
        strict: bool = False,
        revise_keys: list = _DEFAULT_REVISE_KEYS,
        callback: Optional[Callable] = None,
    ) -> dict:
        """Load the weights of a checkpoint into the prepared model.

        Args:
            filename (str): a checkpoint file (local path, URL, ``open-mmlab://``...) or a
                sharded checkpoint directory.
            map_location (str or callable): where the tensors go. Defaults to 'cpu'.
            strict (bool): raise on missing or unexpected keys. Defaults to False.
            revise_keys (list): ``(pattern, replacement)`` pairs for the keys.
            callback (callable, optional): called with the whole checkpoint before loading.

        Returns:
            dict: the checkpoint without ``state_dict``.
        """
        from mmengine.model.checkpoint import _load_checkpoint

        self.logger.info(f"Load checkpoint from {filename}")
        if sharded.is_sharded_checkpoint(filename):
            return self._load_sharded(filename, strict=strict, callback=callback)
        checkpoint = _checkpoint_state.read_checkpoint(filename, map_location, _load_checkpoint)
        if callback is not None:
            callback(checkpoint)
        if isinstance(checkpoint, dict) and "state_dict" in checkpoint:
            state_dict = checkpoint.pop("state_dict")
        else:
            state_dict, checkpoint = checkpoint, {}
        self.load_model_state_dict(state_dict, strict=strict, revise_keys=revise_keys)
        return checkpoint

    def resume(
        self,
        filename: str,
        *,
        resume_optimizer: bool = True,
        resume_param_scheduler: bool = True,
        map_location: Union[str, Callable] = "default",
        callback: Optional[Callable] = None,
    ) -> dict:
        """Resume the model, optimizer and scheduler states and the seed from a checkpoint.

        Args:
            filename (str): a checkpoint file or a sharded checkpoint directory (written on
                any number of processes).
            resume_optimizer (bool): load the optimizer state. Defaults to True.
            resume_param_scheduler (bool): load the schedulers' states. Defaults to True.
            map_location (str or callable): 'default' is the current device.
            callback (callable, optional): called with the whole checkpoint before loading.

        Returns:
            dict: what remains of the checkpoint (``meta``, ``message_hub``...).
        """
        self.logger.info(f"Resume checkpoint from {filename}")
        if map_location == "default":
            map_location = get_device()
        if sharded.is_sharded_checkpoint(filename):
            self.logger.info(f"Load checkpoint from {filename}")
            checkpoint = self._load_sharded(
                filename,
                strict=False,
                callback=callback,
                load_optimizer=resume_optimizer and hasattr(self, "optim_wrapper"),
            )
        else:
            checkpoint = self.load_checkpoint(
                filename, map_location=map_location, callback=callback
            )
        if resume_optimizer and hasattr(self, "optim_wrapper") and "optimizer" in checkpoint:
            _checkpoint_state.check_optimizer_fits(
                self.optim_wrapper, checkpoint["optimizer"], filename
            )
            self.load_optim_state_dict(checkpoint.pop("optimizer"))
        if (
            resume_param_scheduler
            and hasattr(self, "param_schedulers")
            and "param_schedulers" in checkpoint
        ):
            self.load_scheduler_state_dict(checkpoint.pop("param_schedulers"))
        self._restore_seed(checkpoint)
        if hasattr(self, "optim_wrapper"):
            self._init_count_status(checkpoint.get("meta", {}).get("iter", 0))
        return checkpoint

    def save_checkpoint(
        self,
        filename: str,
        *,
        save_optimizer: bool = True,
        save_param_scheduler: bool = True,
        extra_ckpt: Optional[dict] = None,
        callback: Optional[Callable] = None,
    ) -> None:
        """Save the model (and optimizer and scheduler states) to one file, atomically.

        Args:
            filename (str): the file (a local path or a URI a file backend writes).
            save_optimizer (bool): include the optimizer state. Defaults to True.
            save_param_scheduler (bool): include the schedulers' states. Defaults to True.
            extra_ckpt (dict, optional): further items (``meta`` is completed with the seed,
                the time and the mmengine version).
            callback (callable, optional): called with the checkpoint dict before writing.
        """
        from mmengine.model.checkpoint import save_checkpoint

        checkpoint = self._collect_checkpoint(save_optimizer, save_param_scheduler, extra_ckpt)
        if callback is not None:
            callback(checkpoint)
        save_checkpoint(checkpoint, filename)

    def _collect_checkpoint(
        self, save_optimizer: bool, save_param_scheduler: bool, extra_ckpt: Optional[dict]
    ) -> dict:
        checkpoint: dict = dict(state_dict=self.model_state_dict())
        if save_optimizer and hasattr(self, "optim_wrapper"):
            checkpoint["optimizer"] = self.optim_state_dict()
        if save_param_scheduler and hasattr(self, "param_schedulers"):
            checkpoint["param_schedulers"] = self.scheduler_state_dict()
        checkpoint.update(self._checkpoint_meta(extra_ckpt))
        return checkpoint

    def _load_sharded(
        self,
        path: str,
        *,
        strict: bool,
        callback: Optional[Callable],
        load_optimizer: bool = False,
    ) -> dict:
        """Load a sharded checkpoint directory into the (unsharded) model and optimizer."""
        model = self._state_root()
        optimizers = (
            sharded.optimizers_of(self.optim_wrapper)
            if load_optimizer and hasattr(self, "optim_wrapper")
            else None
        )
        return sharded.load(
            path,
            model,
            optimizers,
            strict=strict,
            callback=callback,
            logger=self.logger,
        )
