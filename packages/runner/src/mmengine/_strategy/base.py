"""BaseStrategy: how a FlexibleRunner places, wraps and checkpoints the model."""

from __future__ import annotations

from typing import Any

from torch import nn

from mmengine.model import is_model_wrapper
from mmengine.model.checkpoint import _load_checkpoint_to_model, get_state_dict, weights_to_cpu


class BaseStrategy:
    """A strategy decides how the model is placed and wrapped for training and how its
    weights and optimizer state are gathered into a checkpoint and restored.

    The :class:`~mmengine.runner.FlexibleRunner` builds the model, the loops, the hooks and
    the optimizer exactly as the :class:`~mmengine.runner.Runner` does; only these steps
    differ between strategies.

    Args:
        model_wrapper (dict, optional): the wrapper config (``type`` from
            ``MODEL_WRAPPERS``) replacing the strategy's default wrapper.
        **kwargs: strategy-specific options.
    """

    def __init__(self, model_wrapper: dict | None = None, **kwargs: Any) -> None:
        self.model_wrapper = model_wrapper
        self.kwargs = kwargs

    @staticmethod
    def unwrap(model: nn.Module) -> nn.Module:
        """The model inside a wrapper (or the model itself)."""
        return model.module if is_model_wrapper(model) else model

    def wrap_model(self, model: nn.Module) -> nn.Module:
        """Place (and wrap) the model for training; return what the loops will call."""
        raise NotImplementedError

    def model_state_dict(self, model: nn.Module) -> dict:
        """The model's weights for a checkpoint, on the CPU and without wrapper prefixes."""
        return weights_to_cpu(get_state_dict(self.unwrap(model)))

    def load_model_state_dict(
        self,
        model: nn.Module,
        checkpoint: dict,
        strict: bool = False,
        revise_keys: list | None = None,
    ) -> dict:
        """Load ``checkpoint['state_dict']`` (or the checkpoint itself) into the model."""
        return _load_checkpoint_to_model(
            self.unwrap(model),
            checkpoint,
            strict,
            revise_keys=revise_keys if revise_keys is not None else [(r"^module\.", "")],
        )

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(model_wrapper={self.model_wrapper})"
