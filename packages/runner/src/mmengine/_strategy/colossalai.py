"""ColossalAIStrategy: training with ColossalAI's booster (Gemini, LowLevelZero...).

ColossalAI is optional. Its latest release (0.5.0) requires ``torch>=2.2,<=2.5.1``, so it does
not install next to the PyTorch this project supports (2.6 and later): building the strategy
raises an ImportError that says so. The class keeps upstream's name, arguments and registry
entry so that configs naming it fail with that message instead of a registry KeyError.
"""

from __future__ import annotations

import importlib.util
from typing import Any, Optional, Union

from mmengine.registry import MODEL_WRAPPERS, OPTIM_WRAPPERS, OPTIMIZERS, STRATEGIES  # noqa: F401

from .base import BaseStrategy

colossalai: Any = None
Booster: Any = None

_REASON = (
    "ColossalAIStrategy needs the `colossalai` package. Its latest release (0.5.0) requires "
    "torch>=2.2,<=2.5.1, which cannot be installed next to this PyTorch; use "
    "FSDPStrategy(fsdp_version=2) (sharded parameters, gradients and optimizer state, "
    "mixed precision, CPU offload) or DeepSpeedStrategy instead."
)


def _require_colossalai() -> Any:
    """Raise the ImportError that says why ColossalAI is unavailable."""
    if importlib.util.find_spec("colossalai") is None:
        raise ImportError(_REASON)
    raise ImportError(  # pragma: no cover - not installable next to this torch
        "colossalai is installed, but ColossalAIStrategy is not implemented by this release: "
        + _REASON
    )


class ColossalAIModelWrapper:
    """Upstream's wrapper of a ColossalAI-boosted model (unavailable, see the module doc)."""

    def __init__(self, model_wrapper: Any, model: Any) -> None:
        _require_colossalai()


class ColossalAIOptimWrapper:
    """Upstream's wrapper of a ColossalAI-boosted optimizer (unavailable, see the module doc)."""

    def __init__(self, optimizer: Any, booster: Any = None, accumulative_counts: int = 1) -> None:
        _require_colossalai()


@STRATEGIES.register_module()
class ColossalAIStrategy(BaseStrategy):
    """Train with ColossalAI's plugins (unavailable with this PyTorch: building it raises an
    ImportError that explains why and what to use instead).

    Args:
        config (str or dict, optional): ColossalAI's launch config.
        mixed_precision (str or dict, optional): 'fp16' or 'bf16' or a precision config.
        plugin (str): 'gemini', 'lowlevelzero'... Defaults to 'gemini'.
        model_wrapper (dict, optional): the model wrapper config.
        **kwargs: the :class:`BaseStrategy` arguments.
    """

    OPTIMIZER_DIR = "optimizer"
    MODEL_DIR = "model"
    SCHEDULER_DIR = "scheduler"
    runner_checkpoint_io = False

    def __init__(
        self,
        *,
        config: Union[str, dict, None] = None,
        mixed_precision: Union[str, dict, None] = None,
        plugin: str = "gemini",
        model_wrapper: Optional[dict] = None,
        **kwargs: Any,
    ) -> None:
        _require_colossalai()
        super().__init__(**kwargs)  # pragma: no cover

    def prepare(  # pragma: no cover - the constructor raises first
        self,
        model: Any,
        *,
        optim_wrapper: Any = None,
        param_scheduler: Any = None,
        compile: Union[dict, bool] = False,
        dispatch_kwargs: Optional[dict] = None,
    ) -> Any:
        raise NotImplementedError(_REASON)
