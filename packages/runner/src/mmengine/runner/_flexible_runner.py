"""FlexibleRunner: the Runner with a pluggable training strategy (DDP, FSDP, ...)."""

from __future__ import annotations

import copy
from typing import Any

from torch import nn

from mmengine._strategy import BaseStrategy
from mmengine.registry import RUNNERS, STRATEGIES

from .runner import ConfigType, Runner


@RUNNERS.register_module()
class FlexibleRunner(Runner):
    """A :class:`Runner` whose strategy decides how the model is placed, wrapped and
    checkpointed.

    Everything else (loops, hooks, optimizer wrapper, schedulers, logging, resume) is the
    Runner's, so a config that trains with ``Runner`` trains the same way here.

    Args:
        *args, **kwargs: the :class:`Runner` arguments.
        strategy (BaseStrategy or dict, optional): e.g. ``dict(type='FSDPStrategy')``.
            Defaults to ``DDPStrategy`` when ``launcher`` is not 'none', else
            ``SingleDeviceStrategy``.
        compile (bool or dict): compile ``model.train_step`` with ``torch.compile`` (a dict
            gives its arguments). Defaults to False.

    Examples:
        >>> runner = FlexibleRunner(model=model, work_dir='work_dirs/x',
        ...                         strategy=dict(type='DDPStrategy'), launcher='pytorch',
        ...                         train_dataloader=..., train_cfg=..., optim_wrapper=...)
    """

    def __init__(
        self,
        *args: Any,
        strategy: BaseStrategy | dict | None = None,
        compile: bool | dict = False,
        **kwargs: Any,
    ) -> None:
        launcher = kwargs.get("launcher", "none") or "none"
        kwargs["launcher"] = launcher
        if strategy is None:
            strategy = dict(type="DDPStrategy" if launcher != "none" else "SingleDeviceStrategy")
        if isinstance(strategy, dict):
            strategy = STRATEGIES.build(copy.deepcopy(strategy))
        if not isinstance(strategy, BaseStrategy):
            raise TypeError(f"strategy should be a BaseStrategy or a dict, got {type(strategy)}")
        self.strategy = strategy
        super().__init__(*args, **kwargs)
        if compile:
            self._compile = compile

    @classmethod
    def from_cfg(cls, cfg: ConfigType) -> FlexibleRunner:
        """Build from a config: the Runner's keys plus ``strategy`` and ``compile``."""
        cfg = copy.deepcopy(cfg)
        return cls(
            **cls._kwargs_from_cfg(cfg),
            strategy=cfg.get("strategy"),
            compile=cfg.get("compile", False),
        )

    def wrap_model(self, model_wrapper_cfg: dict | None, model: nn.Module) -> nn.Module:
        if model_wrapper_cfg is not None:
            raise ValueError(
                "FlexibleRunner wraps the model through its strategy: give "
                "`strategy=dict(type=..., model_wrapper=...)` instead of `model_wrapper_cfg`"
            )
        return self.strategy.wrap_model(model)

    def _model_state_dict(self) -> dict:
        return self.strategy.model_state_dict(self.model)

    def _load_model_state(self, checkpoint: dict, strict: bool, revise_keys: list) -> dict:
        return self.strategy.load_model_state_dict(self.model, checkpoint, strict, revise_keys)
