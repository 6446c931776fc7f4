"""Strategies built on optional libraries (DeepSpeed, ColossalAI)."""

from __future__ import annotations

import importlib.util
from typing import Any

from mmengine.registry import STRATEGIES

from .base import BaseStrategy


def _require(module: str, package: str, strategy: str) -> None:
    if importlib.util.find_spec(module) is None:
        raise ImportError(
            f"{strategy} needs the `{module}` package, which is not installed: "
            f"`pip install {package}`"
        )


@STRATEGIES.register_module()
class DeepSpeedStrategy(BaseStrategy):
    """Train with DeepSpeed (ZeRO stages, offloading).

    Needs ``pip install deepspeed``; the model is wrapped by DeepSpeed's engine through
    ``MMDeepSpeedEngineWrapper``.
    """

    def __init__(
        self, config: dict | str | None = None, zero_optimization: dict | None = None, **kwargs: Any
    ) -> None:
        _require("deepspeed", "deepspeed", "DeepSpeedStrategy")
        super().__init__(**kwargs)
        self.config = config
        self.zero_optimization = zero_optimization

    def wrap_model(self, model):  # noqa: ANN001, ANN201
        raise NotImplementedError(
            "DeepSpeedStrategy is not supported by this release: deepspeed wraps the model "
            "together with its optimizer, which FlexibleRunner does not do yet"
        )


@STRATEGIES.register_module()
class ColossalAIStrategy(BaseStrategy):
    """Train with ColossalAI. Needs ``pip install colossalai``."""

    def __init__(self, **kwargs: Any) -> None:
        _require("colossalai", "colossalai", "ColossalAIStrategy")
        super().__init__(**kwargs)

    def wrap_model(self, model):  # noqa: ANN001, ANN201
        raise NotImplementedError(
            "ColossalAIStrategy is not supported by this release: use DDPStrategy or FSDPStrategy"
        )
