"""Checks of a config's top-level keys before ``Runner.from_cfg`` builds anything."""

from __future__ import annotations

import copy
import inspect
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

from mmengine.utils._messages import closest

__all__ = ["check_runner_cfg", "runner_kwargs"]

# Keys FlexibleRunner.from_cfg reads besides the Runner's arguments.
_FLEXIBLE_KEYS = ("strategy", "compile")

# Close enough to be a misspelling (``val_evalutor``, ``param_schedulers``), not a key of its
# own (``conv_cfg`` next to ``env_cfg``, ``val_evaluator_dice`` in the zoos: 0.80 and 0.84).
_TYPO_CUTOFF = 0.85


def check_runner_cfg(cfg: Mapping[str, Any], names: Iterable[str], runner: str) -> None:
    """Check what a runner config must have, and warn about misspelt argument names.

    A key the Runner ignores is reported when it is a near miss of an argument
    (``optim_wraper``, ``param_schedulers``, ``val_evalutor``): 0.10 ignores it silently, and
    trains without what it names, or with the base config's value it was meant to override
    (mmseg's bisenetv2 OHEM config sets ``models``).

    Args:
        cfg: the config (a ``Config`` or a dict).
        names: the runner's argument names.
        runner (str): the runner's class name, named in messages.

    Raises:
        KeyError: ``model`` or ``work_dir`` is missing (0.10 raises ``KeyError('model')``).
    """
    names = [name for name in names if name not in ("cfg", "self")]
    for required in ("model", "work_dir"):
        if required not in cfg:
            fix = (
                "tools/train.py sets it from --work-dir, or from the config's file name"
                if required == "work_dir"
                else "add the model's config: model = dict(type=...)"
            )
            raise KeyError(
                f"{required!r}: {runner}.from_cfg needs a config with a top-level "
                f"{required!r} key ({fix})."
            )
    for key in cfg:
        if not isinstance(key, str) or key in names:
            continue
        if any(key.startswith(f"{name}_") for name in names):
            continue  # a variant of its own (``val_evaluator_abs`` in mmpretrain)
        close = closest(key, names, cutoff=_TYPO_CUTOFF)
        if not close:
            continue
        used = (
            f"The config sets {close[0]!r} too, and only that is used."
            if close[0] in cfg
            else f"The config does not set {close[0]!r}, so its default is used."
        )
        warnings.warn(
            f"The config key {key!r} is not an argument of {runner} and is ignored. Did "
            f"you mean {close[0]!r}? {used}",
            UserWarning,
            stacklevel=5,  # the caller of from_cfg
        )


def runner_kwargs(
    cfg: Mapping[str, Any], params: Mapping[str, inspect.Parameter], runner: str
) -> dict:
    """The runner arguments ``cfg`` gives; a key it lacks takes the parameter's default.

    Args:
        cfg: the config.
        params: the parameters of ``Runner.__init__``.
        runner (str): the runner's class name, named in messages.

    Returns:
        dict: keyword arguments for ``Runner.__init__`` (``cfg`` included).
    """
    check_runner_cfg(cfg, [*params, *_FLEXIBLE_KEYS], runner)
    kwargs = dict(model=cfg["model"], work_dir=cfg["work_dir"], cfg=cfg)
    for name, param in params.items():
        if name not in kwargs and name != "self":
            kwargs[name] = cfg.get(name, copy.deepcopy(param.default))
    return kwargs
