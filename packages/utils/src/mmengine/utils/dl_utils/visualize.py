"""Kept for upstream's import path of ``tensor2imgs``.

Upstream's module of this name also holds ``fake_run``, ``ToyModel`` and two
step patches used to plot parameter schedules; they build a Runner and a
model, which live in packages above ``mmengine-ng-utils``, so they are not
provided here.
"""

from .misc import tensor2imgs

__all__ = ["tensor2imgs"]
