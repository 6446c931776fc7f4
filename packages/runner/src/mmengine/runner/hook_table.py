"""The runner's hooks: kept sorted by priority, dispatched per stage to those that act there."""

from __future__ import annotations

from typing import Any

from mmengine.hooks import Hook
from mmengine.registry import HOOKS
from mmengine.utils._messages import shorten

from .priority import Priority, get_priority

__all__ = ["HookTable"]


class HookTable:
    """The registered hooks (by priority) and, per stage, the hooks that implement it.

    Hooks that only inherit ``Hook``'s no-op for a stage are left out of that stage, which
    keeps the per-iteration cost of the hook points low. A stage outside ``Hook.stages`` (one
    a custom loop adds) selects the hooks that have such a method.
    """

    def __init__(self) -> None:
        self.hooks: list[Hook] = []
        self._table: dict[str, list[Hook]] = {}
        self._seen: tuple[list, int] = ([], -1)  # the list and length the table was built from

    def register(self, hook: Hook | dict, priority: Any = None) -> Hook:
        """Add ``hook`` (or build it from a ``HOOKS`` config) after the hooks of its priority.

        The priority comes from ``priority``, else from the config's ``priority`` key, else
        the hook's own.
        """
        if not isinstance(hook, (Hook, dict)):
            raise TypeError(f"hook should be an instance of Hook or dict, but got {hook}")
        cfg_priority = None
        if isinstance(hook, dict):
            cfg = dict(hook)
            cfg_priority = cfg.pop("priority", None)
            hook = HOOKS.build(cfg)
        if priority is not None:
            hook.priority = priority
        elif cfg_priority is not None:
            hook.priority = cfg_priority
        value = get_priority(hook.priority)
        index = len(self.hooks)
        while index > 0 and get_priority(self.hooks[index - 1].priority) > value:
            index -= 1
        self.hooks.insert(index, hook)
        return hook

    def for_stage(self, stage: str) -> list[Hook]:
        """The hooks to call at ``stage``, in priority order."""
        seen_list, seen_len = self._seen
        if seen_list is not self.hooks or seen_len != len(self.hooks):
            self._rebuild()
            self._seen = (self.hooks, len(self.hooks))
        hooks = self._table.get(stage)
        if hooks is None:
            hooks = [h for h in self.hooks if callable(getattr(h, stage, None))]
            self._table[stage] = hooks
        return hooks

    def _rebuild(self) -> None:
        table: dict[str, list[Hook]] = {stage: [] for stage in Hook.stages}
        for hook in self.hooks:
            if isinstance(hook, Hook):
                stages = set(hook.get_triggered_stages()) | (set(vars(hook)) & set(table))
            else:  # a duck-typed hook: call whatever it has
                stages = {s for s in table if hasattr(hook, s)}
            for stage in stages:
                table[stage].append(hook)
        self._table = table

    def info(self) -> str:
        """Which hooks run at each stage, with their priorities (upstream's layout)."""
        by_stage: dict[str, list[str]] = {stage: [] for stage in Hook.stages}
        for hook in self.hooks:
            try:
                priority = Priority(hook.priority).name
            except ValueError:
                priority = str(hook.priority)
            line = f"({priority:<12}) {hook.__class__.__name__:<35}"
            for stage in hook.get_triggered_stages():
                by_stage[stage].append(line)
        return "\n".join(
            f"{stage}:\n" + "\n".join(lines) + "\n -------------------- "
            for stage, lines in by_stage.items()
            if lines
        )


class HookArgumentError(TypeError, AttributeError):
    """``default_hooks`` that is not a dict (a TypeError, and the AttributeError 0.10 raised)."""


def merge_default_hooks(defaults: dict[str, dict], hooks: Any) -> dict[str, Any]:
    """The default hooks (fresh copies) updated by ``hooks`` by name; a None value removes one.

    Raises:
        HookArgumentError: ``hooks`` is not a dict (0.10: ``'list' object has no attribute
            'items'``).
    """
    merged: dict[str, Any] = {name: dict(cfg) for name, cfg in defaults.items()}
    if hooks is None:
        return merged
    if not hasattr(hooks, "items"):
        raise HookArgumentError(
            f"default_hooks should be a dict of hooks by name, but got {type(hooks).__name__} "
            f"{shorten(str(hooks))}: write default_hooks=dict(logger=dict(type='LoggerHook', "
            "interval=10)), and put additional hooks in the custom_hooks list."
        )
    merged.update(hooks)
    return merged
