"""The abstract interface every optimizer wrapper implements."""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from typing import Any

import torch
from torch.optim import Optimizer


class BaseOptimWrapper(metaclass=ABCMeta):
    """Base class of optimizer wrappers.

    An optimizer wrapper owns a ``torch.optim.Optimizer`` and gives the
    training loop and the parameter schedulers one interface for it:
    ``update_params``, ``backward``, ``step``, ``zero_grad``, the state dict
    and the ``param_groups`` that schedulers adjust.

    When the optimizer has several parameter groups (for example built from
    a ``paramwise_cfg``), the wrapper keeps ``base_param_settings``: an extra
    pseudo group holding the optimizer ``defaults``. Schedulers see it as the
    last entry of :attr:`param_groups`, so it records the *base* learning
    rate as the schedule progresses; :meth:`get_lr` reports it as
    ``base_lr``.

    Args:
        optimizer (Optimizer): The optimizer to wrap.
    """

    def __init__(self, optimizer: Optimizer) -> None:
        self.optimizer = optimizer
        self._init_base_param_settings()

    def _init_base_param_settings(self) -> None:
        if len(self.optimizer.param_groups) > 1:
            settings: dict[str, Any] = {"params": torch.tensor([0.0], dtype=torch.float)}
            settings.update(**self.optimizer.defaults)
            self.base_param_settings: dict[str, Any] | None = settings
        else:
            self.base_param_settings = None

    @abstractmethod
    def update_params(self, *args, **kwargs) -> None:
        """Update parameters: backward, step and zero the gradients."""

    @abstractmethod
    def backward(self, loss: torch.Tensor, **kwargs) -> None:
        """Back-propagate ``loss``."""

    @abstractmethod
    def zero_grad(self, **kwargs) -> None:
        """Zero the gradients of the wrapped optimizer."""

    @abstractmethod
    def step(self, **kwargs) -> None:
        """Update the parameters with the wrapped optimizer."""

    def state_dict(self) -> dict:
        """Return the optimizer state dict (plus ``base_param_settings``).

        Returns:
            dict: ``optimizer.state_dict()``; with a ``base_param_settings``
            entry when the wrapper tracks one.
        """
        state_dict = self.optimizer.state_dict()
        if self.base_param_settings is not None:
            state_dict["base_param_settings"] = self.base_param_settings
        return state_dict

    def load_state_dict(self, state_dict: dict) -> None:
        """Load a state dict produced by :meth:`state_dict`.

        Args:
            state_dict (dict): The state dict of the optimizer, optionally
                with a ``base_param_settings`` entry.
        """
        base_param_settings = state_dict.pop("base_param_settings", None)
        if base_param_settings is not None:
            self.base_param_settings = base_param_settings
        self.optimizer.load_state_dict(state_dict)

    @property
    def param_groups(self) -> list[dict]:
        """The optimizer's ``param_groups`` (plus ``base_param_settings``).

        Makes the wrapper usable wherever a scheduler expects an optimizer.
        """
        if self.base_param_settings is not None:
            return self.optimizer.param_groups + [self.base_param_settings]
        return self.optimizer.param_groups

    @property
    def defaults(self) -> dict:
        """The optimizer's ``defaults``."""
        return self.optimizer.defaults

    def get_lr(self) -> dict[str, list[float]]:
        """Learning rate of each parameter group.

        Returns:
            dict[str, list[float]]: ``{'lr': [...]}``, plus ``'base_lr'`` when
            the optimizer has several parameter groups.
        """
        lrs = [group["lr"] for group in self.optimizer.param_groups]
        if self.base_param_settings is None:  # the common case: one dict literal
            return {"lr": lrs}
        return {"base_lr": [self.base_param_settings["lr"]], "lr": lrs}

    def get_momentum(self) -> dict[str, list[float]]:
        """Momentum of each parameter group.

        SGD-like optimizers report ``momentum``, Adam-like ones ``betas[0]``,
        others ``0``.

        Returns:
            dict[str, list[float]]: ``{'momentum': [...]}``.
        """
        momentum = []
        for group in self.optimizer.param_groups:
            if "momentum" in group:
                momentum.append(group["momentum"])
            elif "betas" in group:
                momentum.append(group["betas"][0])
            else:
                momentum.append(0)
        return dict(momentum=momentum)
