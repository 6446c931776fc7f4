"""Weight averaging of models: EMA, momentum-annealed EMA and SWA."""

from __future__ import annotations

import logging
import numbers
from abc import abstractmethod
from copy import deepcopy
from typing import Any, Optional

import torch
import torch.nn as nn
from torch import Tensor

from mmengine.logging import print_log
from mmengine.registry import MODELS

__all__ = [
    "BaseAveragedModel",
    "ExponentialMovingAverage",
    "MomentumAnnealingEMA",
    "StochasticWeightAverage",
]


class AveragedModelTypeError(AttributeError, TypeError):
    """The model to average is not an ``nn.Module`` (0.10: AttributeError ``requires_grad_``)."""


class IntervalError(ValueError, RuntimeError):
    """An averaging interval <= 0 (0.10: ``RuntimeError: ZeroDivisionError`` at the second
    update for 0; a negative one averaged on the wrong steps)."""


class MomentumError(AssertionError, TypeError):
    """A momentum that is not a number (0.10: TypeError from the range check)."""


def _shape_mismatch(averaged: dict, source: dict) -> str:
    """The first names whose shapes differ between the averaged and source parameters."""
    wrong = [
        f"{k}: averaged {tuple(v.shape)}, source {tuple(source[k].shape)}"
        for k, v in averaged.items()
        if k in source and getattr(source[k], "shape", None) != v.shape
    ]
    return "; ".join(wrong[:5])


class BaseAveragedModel(nn.Module):
    """A base class for averaging model weights.

    Weight averaging, such as SWA and EMA, is a widely used technique for
    training neural networks. This class keeps a frozen copy of ``model``
    (optionally on ``device``) in ``self.module`` and updates it in place with
    :meth:`update_parameters`. Subclasses implement :meth:`avg_func`.

    The first call of :meth:`update_parameters` copies the source weights;
    later calls average every ``interval`` steps. The number of calls is kept
    in the ``steps`` buffer so that it is saved in and restored from
    checkpoints.

    Args:
        model (nn.Module): The model to be averaged.
        interval (int): Interval between two updates. Defaults to 1.
        device (torch.device, optional): If provided, the averaged model will
            be stored on the device. Defaults to None.
        update_buffers (bool): if True, it will compute running averages for
            both the parameters and the buffers of the model. Defaults to
            False.
    """

    def __init__(
        self,
        model: nn.Module,
        interval: int = 1,
        device: Optional[torch.device] = None,
        update_buffers: bool = False,
    ) -> None:
        super().__init__()
        if not isinstance(model, nn.Module):
            raise AveragedModelTypeError(
                f"{type(model).__name__!r} object has no attribute 'requires_grad_': "
                f"{type(self).__name__} averages an nn.Module, but got "
                f"{type(model).__name__} {model!r:.80}; build the model first "
                "(e.g. MODELS.build(cfg))."
            )
        if isinstance(interval, bool) or not isinstance(interval, numbers.Real):
            raise TypeError(
                f"interval of {type(self).__name__} must be a positive integer (update every "
                f"`interval` calls), but got {type(interval).__name__} {interval!r}"
            )
        if interval <= 0:
            raise IntervalError(
                f"interval of {type(self).__name__} must be a positive integer (update every "
                f"`interval` calls), but got {interval!r}; use interval=1 to update on every "
                "call."
            )
        self.module = deepcopy(model).requires_grad_(False)
        self.interval = interval
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("steps", torch.tensor(0, dtype=torch.long, device=device))
        self.update_buffers = update_buffers
        if update_buffers:
            self.avg_parameters = self.module.state_dict()
        else:
            self.avg_parameters = dict(self.module.named_parameters())

    @abstractmethod
    def avg_func(self, averaged_param: Tensor, source_param: Tensor, steps: int) -> None:
        """Use in-place operation to compute the average of the parameters.

        Args:
            averaged_param (Tensor): The averaged parameters.
            source_param (Tensor): The source parameters.
            steps (int): The number of times the parameters have been
                updated.
        """

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Forward method of the averaged model."""
        return self.module(*args, **kwargs)

    def update_parameters(self, model: nn.Module) -> None:
        """Update the parameters of the model.

        This method will execute the ``avg_func`` to compute the new
        parameters and update the model's parameters.

        Args:
            model (nn.Module): The model whose parameters will be averaged.
        """
        src = model.state_dict() if self.update_buffers else dict(model.named_parameters())
        missing = [k for k in self.avg_parameters if k not in src]
        if missing:
            raise KeyError(
                f"{type(self).__name__}.update_parameters: the source model lacks "
                f"{missing[:5]}; it must have the same structure as the averaged model."
            )
        try:
            with torch.no_grad():
                if self.steps == 0:
                    for k, p_avg in self.avg_parameters.items():
                        p_avg.data.copy_(src[k].data)
                elif self.steps % self.interval == 0:
                    for k, p_avg in self.avg_parameters.items():
                        if p_avg.dtype.is_floating_point:
                            self.avg_func(p_avg.data, src[k].data.to(p_avg.device), self.steps)
                if not self.update_buffers:
                    # keep buffers (e.g. BN statistics) in sync with the source model
                    for b_avg, b_src in zip(self.module.buffers(), model.buffers()):
                        b_avg.data.copy_(b_src.data.to(b_avg.device))
        except RuntimeError as exc:
            mismatch = _shape_mismatch(self.avg_parameters, src)
            if not mismatch:
                raise
            raise RuntimeError(
                f"{exc}. {type(self).__name__}.update_parameters: the source model's parameters "
                f"have other shapes than the averaged model's ({mismatch}); it must be the "
                "model the averaged copy was made from."
            ) from exc
        self.steps += 1


@MODELS.register_module()
class StochasticWeightAverage(BaseAveragedModel):
    """Implements the stochastic weight averaging (SWA) of the model.

    Stochastic Weight Averaging was proposed in `Averaging Weights Leads to
    Wider Optima and Better Generalization, UAI 2018
    <https://arxiv.org/abs/1803.05407>`_ by Pavel Izmailov, Dmitrii
    Podoprikhin, Timur Garipov, Dmitry Vetrov and Andrew Gordon Wilson.
    The averaged weights are the arithmetic mean of the weights seen at every
    update.
    """

    def avg_func(self, averaged_param: Tensor, source_param: Tensor, steps: int) -> None:
        """Compute the average of the parameters using stochastic weight average.

        Args:
            averaged_param (Tensor): The averaged parameters.
            source_param (Tensor): The source parameters.
            steps (int): The number of times the parameters have been
                updated.
        """
        averaged_param.add_(
            source_param - averaged_param, alpha=1 / float(int(steps) // self.interval + 1)
        )


@MODELS.register_module()
class ExponentialMovingAverage(BaseAveragedModel):
    r"""Implements the exponential moving average (EMA) of the model.

    All parameters are updated by the formula as below:

    .. math::

        Xema_{t+1} = (1 - momentum) * Xema_{t} +  momentum * X_t

    Note:
        This :attr:`momentum` argument is different from one used in optimizer
        classes and the conventional notion of momentum. Mathematically,
        :math:`Xema_{t+1}` is the moving average and :math:`X_t` is the new
        observed value. The value of momentum is usually a small number,
        allowing observed values to slowly update the ema parameters.

    Args:
        model (nn.Module): The model to be averaged.
        momentum (float): The momentum used for updating ema parameter.
            Defaults to 0.0002.
        interval (int): Interval between two updates. Defaults to 1.
        device (torch.device, optional): If provided, the averaged model will
            be stored on the device. Defaults to None.
        update_buffers (bool): if True, it will compute running averages for
            both the parameters and the buffers of the model. Defaults to
            False.
    """

    def __init__(
        self,
        model: nn.Module,
        momentum: float = 0.0002,
        interval: int = 1,
        device: Optional[torch.device] = None,
        update_buffers: bool = False,
    ) -> None:
        if isinstance(momentum, bool) or not isinstance(momentum, numbers.Real):
            raise MomentumError(
                f"momentum must be in range (0.0, 1.0) but got {momentum!r} "
                f"({type(momentum).__name__}); give a number such as momentum=0.0002."
            )
        if not 0.0 < momentum < 1.0:
            raise AssertionError(
                f"momentum must be in range (0.0, 1.0) but got {momentum}. It is the weight of "
                "the new value (ema = (1 - momentum) * ema + momentum * value), usually small, "
                "e.g. 0.0002."
            )
        super().__init__(model, interval, device, update_buffers)
        if momentum > 0.5:
            # upstream's exact text (no space after the comma); to the run's log
            print_log(
                "The value of momentum in EMA is usually a small number,which is different "
                f"from the conventional notion of momentum but got {momentum}. Please make "
                "sure the value is correct.",
                logger="current",
                level=logging.WARNING,
            )
        self.momentum = momentum

    def avg_func(self, averaged_param: Tensor, source_param: Tensor, steps: int) -> None:
        """Compute the moving average of the parameters using exponential moving average.

        Args:
            averaged_param (Tensor): The averaged parameters.
            source_param (Tensor): The source parameters.
            steps (int): The number of times the parameters have been
                updated.
        """
        averaged_param.lerp_(source_param, self.momentum)


@MODELS.register_module()
class MomentumAnnealingEMA(ExponentialMovingAverage):
    """Exponential moving average (EMA) with momentum annealing strategy.

    The momentum used at step ``t`` is ``max(momentum, gamma / (gamma + t))``:
    large early in training, annealed towards ``momentum``.

    Args:
        model (nn.Module): The model to be averaged.
        momentum (float): The minimum momentum used for updating ema
            parameter. Defaults to 0.0002.
        gamma (int): Use a larger momentum early in training and gradually
            annealing to a smaller value to update the ema model smoothly. The
            momentum is calculated as max(momentum, gamma / (gamma + steps))
            Defaults to 100.
        interval (int): Interval between two updates. Defaults to 1.
        device (torch.device, optional): If provided, the averaged model will
            be stored on the device. Defaults to None.
        update_buffers (bool): if True, it will compute running averages for
            both the parameters and the buffers of the model. Defaults to
            False.
    """

    def __init__(
        self,
        model: nn.Module,
        momentum: float = 0.0002,
        gamma: int = 100,
        interval: int = 1,
        device: Optional[torch.device] = None,
        update_buffers: bool = False,
    ) -> None:
        super().__init__(
            model=model,
            momentum=momentum,
            interval=interval,
            device=device,
            update_buffers=update_buffers,
        )
        if gamma <= 0:
            raise AssertionError(f"gamma must be greater than 0, but got {gamma}")
        self.gamma = gamma

    def avg_func(self, averaged_param: Tensor, source_param: Tensor, steps: int) -> None:
        """Compute the moving average of the parameters using the linear momentum strategy.

        Args:
            averaged_param (Tensor): The averaged parameters.
            source_param (Tensor): The source parameters.
            steps (int): The number of times the parameters have been
                updated.
        """
        momentum = max(self.momentum, self.gamma / (self.gamma + int(self.steps.item())))
        averaged_param.lerp_(source_param, momentum)
