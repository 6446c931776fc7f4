"""MMDeepSpeedEngineWrapper: the train/val/test step interface around a DeepSpeed engine.

DeepSpeed itself is optional: this module never imports it; the wrapped
engine is used duck-typed (``engine.module``, ``engine(...)``,
``engine.parameters()``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, Union

import torch

from mmengine.registry import MODEL_WRAPPERS

from .distributed import run_forward

if TYPE_CHECKING:  # pragma: no cover
    from mmengine.optim import OptimWrapper

__all__ = ["MMDeepSpeedEngineWrapper"]


@MODEL_WRAPPERS.register_module()
class MMDeepSpeedEngineWrapper:
    """Wrap a ``deepspeed.DeepSpeedEngine`` so runner loops can drive it.

    Attribute access falls through to the engine.

    Args:
        model (DeepSpeedEngine): The engine returned by ``deepspeed.initialize``
            whose ``module`` is a :class:`~mmengine.model.BaseModel`.
        inputs_to_half (list[int | str], optional): Positions (list/tuple
            data) or keys (dict data) of the inputs to cast to the engine's
            parameter dtype (for fp16/bf16 training). Defaults to None.
    """

    def __init__(self, *, model: Any, inputs_to_half: Optional[list[Union[int, str]]] = None):
        self.model = model
        self._inputs_to_half = inputs_to_half

    def __getattr__(self, name: str) -> Any:
        if name in ("model", "_inputs_to_half"):
            raise AttributeError(name)
        return getattr(self.model, name)

    def train_step(
        self, data: Union[dict, tuple, list], optim_wrapper: OptimWrapper
    ) -> dict[str, torch.Tensor]:
        """Preprocess, forward in ``loss`` mode, parse losses and update through ``optim_wrapper``.

        Args:
            data (dict or tuple or list): Data sampled from dataset.
            optim_wrapper (OptimWrapper): Normally a ``DeepSpeedOptimWrapper``.

        Returns:
            Dict[str, torch.Tensor]: A dict of tensor for logging.
        """
        data = self.model.module.data_preprocessor(data, training=True)
        data = self._cast_inputs_half(data)
        losses = run_forward(self.model, data, "loss")
        parsed_loss, log_vars = self.model.module.parse_losses(losses)
        optim_wrapper.update_params(parsed_loss)
        return log_vars

    def val_step(self, data: Union[dict, tuple, list]) -> list:
        """Gets the prediction of module during validation process."""
        data = self.model.module.data_preprocessor(data, False)
        data = self._cast_inputs_half(data)
        return run_forward(self.model, data, "predict")

    def test_step(self, data: Union[dict, tuple, list]) -> list:
        """Gets the predictions of module during testing process."""
        data = self.model.module.data_preprocessor(data, False)
        data = self._cast_inputs_half(data)
        return run_forward(self.model, data, "predict")

    def _cast_inputs_half(self, inputs: Union[list, tuple, dict, None]) -> Any:
        """Cast the selected inputs to the dtype of the engine's parameters."""
        if self._inputs_to_half is None:
            return inputs
        dtype = next(self.model.parameters()).dtype
        if isinstance(inputs, (list, tuple)):
            return type(inputs)(
                v.to(dtype) if i in self._inputs_to_half else v for i, v in enumerate(inputs)
            )
        if isinstance(inputs, dict):
            return {k: v.to(dtype) if k in self._inputs_to_half else v for k, v in inputs.items()}
        raise TypeError(
            "MMDeepSpeedEngineWrapper: data from the data_preprocessor must be a list, tuple "
            f"or dict to cast inputs_to_half={self._inputs_to_half}, but got {type(inputs)}"
        )
