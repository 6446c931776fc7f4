"""DeepSpeedOptimWrapper: delegates backward/step to a DeepSpeed engine."""

from __future__ import annotations

import torch

from mmengine.registry import OPTIM_WRAPPERS

from .base import BaseOptimWrapper


@OPTIM_WRAPPERS.register_module()
class DeepSpeedOptimWrapper(BaseOptimWrapper):
    """Optimizer wrapper for DeepSpeed engines.

    DeepSpeed owns the backward pass and the parameter update, so this
    wrapper forwards them to :attr:`model` (the ``DeepSpeedEngine``), which
    the DeepSpeed strategy assigns after building the engine.

    Args:
        optimizer (torch.optim.Optimizer): The optimizer.
    """

    def __init__(self, optimizer) -> None:
        super().__init__(optimizer)
        self._model = None

    @property
    def model(self):
        """The DeepSpeed engine; must be set before training."""
        if self._model is None:
            raise ValueError(
                "DeepSpeedOptimWrapper.model must be set (to the DeepSpeed engine) "
                "before it is used."
            )
        return self._model

    @model.setter
    def model(self, value) -> None:
        self._model = value

    def update_params(self, loss: torch.Tensor) -> None:  # type: ignore[override]
        """Backward and step through the DeepSpeed engine."""
        self.backward(loss)
        self.step()

    def backward(self, loss: torch.Tensor, **kwargs) -> None:
        """Back-propagate through the DeepSpeed engine."""
        self.model.backward(loss)

    def zero_grad(self) -> None:  # type: ignore[override]
        """No-op: DeepSpeed zeroes gradients in ``step``."""

    def step(self) -> None:  # type: ignore[override]
        """Update parameters through the DeepSpeed engine."""
        self.model.step()

    def state_dict(self) -> dict:
        """Only ``base_param_settings``: DeepSpeed saves the optimizer itself."""
        state_dict: dict = {}
        if self.base_param_settings is not None:
            state_dict["base_param_settings"] = self.base_param_settings
        return state_dict

    def load_state_dict(self, state_dict: dict) -> None:
        """Load ``base_param_settings``; DeepSpeed loads the optimizer itself."""
        base_param_settings = state_dict.pop("base_param_settings", None)
        if base_param_settings is not None:
            self.base_param_settings = base_param_settings
