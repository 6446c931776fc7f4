"""Views of the Runner's typed internals under the private names 0.10 code reads and sets.

0.10 kept each task's loop in ``runner._train_loop`` (a config until built, then the loop),
its dataloader in ``runner._train_dataloader`` and so on; hooks and tools branch on them (the
compatibility spec, R2). The Runner keeps typed state instead (``_loop_specs``, ``_loops``,
``load_plan``); these properties show it under the old names.
"""

from __future__ import annotations

from typing import Any

from .base_loop import BaseLoop
from .state import TrainState

__all__ = ["adopt_train_loop", "loop_view", "plan_field", "spec_view"]


def adopt_train_loop(runner: Any, loop: BaseLoop) -> None:
    """Make ``loop`` the runner's train loop for counting: its :class:`TrainState` becomes
    ``runner.train_state`` (read by ``runner.epoch``/``iter``, saved in checkpoints). A 0.10
    custom loop without one is read through its own ``epoch``/``iter``."""
    state = getattr(loop, "state", None)
    if isinstance(state, TrainState):
        runner.train_state = runner._progress = state
    else:
        runner._progress = loop


def loop_view(stage: str) -> property:
    """0.10's ``_<stage>_loop``: the built loop, else its config (None: not configured)."""

    def get(runner: Any) -> BaseLoop | dict | None:
        loop = runner._loops.get(stage)
        return loop if loop is not None else runner._loop_specs[stage].cfg

    def put(runner: Any, value: BaseLoop | dict | None) -> None:
        runner._loops.pop(stage, None)
        if isinstance(value, BaseLoop):
            runner._loops[stage] = value
        else:
            runner._loop_specs[stage].cfg = value
        if stage == "train" and isinstance(value, BaseLoop):
            adopt_train_loop(runner, value)

    return property(get, put)


def spec_view(stage: str, part: str) -> property:
    """0.10's ``_<stage>_dataloader``/``_<stage>_evaluator``: as the runner was given them."""
    return property(lambda runner: getattr(runner._loop_specs[stage], part))


def plan_field(name: str) -> property:
    """A property viewing ``runner.load_plan.<name>`` (0.10's ``_load_from`` and the like)."""
    return property(
        lambda r: getattr(r.load_plan, name), lambda r, v: setattr(r.load_plan, name, v)
    )
