"""ApexOptimWrapper: mixed precision with NVIDIA apex.amp (optional)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch
import torch.nn as nn

from mmengine.registry import OPTIM_WRAPPERS

from ._errors import OptimImportError
from ._model_utils import unwrap_model
from .optimizer_wrapper import OptimWrapper, _explain_backward


def _import_apex_amp() -> Any:
    try:
        return importlib.import_module("apex.amp")
    except ImportError as exc:
        raise OptimImportError(
            "ApexOptimWrapper needs NVIDIA apex, which is not installed. Install it "
            "following https://github.com/NVIDIA/apex#linux, or use "
            "`type='AmpOptimWrapper'` (torch.amp) instead."
        ) from exc


@OPTIM_WRAPPERS.register_module()
class ApexOptimWrapper(OptimWrapper):
    """An :class:`OptimWrapper` using ``apex.amp`` for mixed precision.

    The model and optimizer are passed through ``apex.amp.initialize`` the
    first time :meth:`optim_context` is entered. Requires NVIDIA apex and
    CUDA; constructing it without apex raises ``ImportError``.

    Args:
        opt_level (str): Pure or mixed precision optimization level:
            ``'O0'``, ``'O1'``, ``'O2'`` or ``'O3'``. Defaults to ``'O1'``.
        loss_scale (float or str, optional): Loss scale, or ``'dynamic'``.
            Defaults to ``'dynamic'``.
        enabled (bool): Whether amp is enabled. Defaults to True.
        cast_model_type (torch.dtype, optional): See ``apex.amp``.
        patch_torch_functions (bool, optional): See ``apex.amp``.
        keep_batchnorm_fp32 (bool or str, optional): See ``apex.amp``.
        master_weights (bool, optional): See ``apex.amp``.
        cast_model_outputs (torch.dtype, optional): See ``apex.amp``.
        num_losses (int): See ``apex.amp``. Defaults to 1.
        verbosity (int): See ``apex.amp``. Defaults to 1.
        min_loss_scale (float, optional): See ``apex.amp``.
        max_loss_scale (float): See ``apex.amp``. Defaults to ``2.**24``.
        **kwargs: Keyword arguments passed to :class:`OptimWrapper`.
    """

    def __init__(
        self,
        opt_level: str = "O1",
        loss_scale: float | str | None = "dynamic",
        enabled: bool | None = True,
        cast_model_type: torch.dtype | None = None,
        patch_torch_functions: bool | None = None,
        keep_batchnorm_fp32: bool | str | None = None,
        master_weights: bool | None = None,
        cast_model_outputs: torch.dtype | None = None,
        num_losses: int = 1,
        verbosity: int = 1,
        min_loss_scale: float | None = None,
        max_loss_scale: float | None = 2.0**24,
        **kwargs,
    ) -> None:
        self._apex_amp = _import_apex_amp()
        super().__init__(**kwargs)
        self.opt_level = opt_level
        self.loss_scale = loss_scale
        self.enabled = enabled
        self.cast_model_type = cast_model_type
        self.patch_torch_functions = patch_torch_functions
        self.keep_batchnorm_fp32 = keep_batchnorm_fp32
        self.master_weights = master_weights
        self.cast_model_outputs = cast_model_outputs
        self.num_losses = num_losses
        self.verbosity = verbosity
        self.min_loss_scale = min_loss_scale
        self.max_loss_scale = max_loss_scale
        self._apex_amp_state_dict: dict | None = None

    def backward(self, loss: torch.Tensor, **kwargs) -> None:
        """Back-propagate the loss scaled by ``apex.amp``.

        Args:
            loss (torch.Tensor): The loss of the current iteration.
            **kwargs: Keyword arguments passed to ``torch.Tensor.backward``.
        """
        with (
            _explain_backward(loss),
            self._apex_amp.scale_loss(loss, self.optimizer) as scaled_loss,
        ):
            scaled_loss.backward(**kwargs)
        self._inner_count += 1

    def state_dict(self) -> dict:
        """State dict of the optimizer plus ``apex_amp`` once initialized.

        Returns:
            dict: The state dict.
        """
        state_dict = super().state_dict()
        if hasattr(self.optimizer, "_amp_stash"):
            state_dict["apex_amp"] = self._apex_amp.state_dict()
        return state_dict

    def load_state_dict(self, state_dict: dict) -> None:
        """Load the optimizer state and the ``apex_amp`` state.

        The amp state is cached until amp is initialized in
        :meth:`optim_context` when it cannot be loaded yet.

        Args:
            state_dict (dict): The state dict to load.
        """
        if "apex_amp" in state_dict:
            amp_state = state_dict.pop("apex_amp")
            if hasattr(self.optimizer, "_amp_stash"):
                self._apex_amp.load_state_dict(amp_state)
            else:
                self._apex_amp_state_dict = amp_state
        super().load_state_dict(state_dict)

    def _amp_init_kwargs(self) -> dict:
        names = (
            'opt_level', 'loss_scale', 'enabled', 'cast_model_type', 'patch_torch_functions',
            'keep_batchnorm_fp32', 'master_weights', 'cast_model_outputs', 'num_losses',
            'verbosity', 'min_loss_scale', 'max_loss_scale',
        )  # fmt: skip
        return {name: getattr(self, name) for name in names if getattr(self, name) is not None}

    @contextmanager
    def optim_context(self, model: nn.Module) -> Iterator[None]:
        """Initialize apex amp on first use; skip DDP sync while accumulating.

        Args:
            model (nn.Module): The training model.
        """
        with super().optim_context(model):
            if not hasattr(self.optimizer, "_amp_stash"):
                model = unwrap_model(model)
                model, self.optimizer = self._apex_amp.initialize(
                    model, self.optimizer, **self._amp_init_kwargs()
                )
                if self._apex_amp_state_dict is not None:
                    self._apex_amp.load_state_dict(self._apex_amp_state_dict)
                    self._apex_amp_state_dict = None
            yield
