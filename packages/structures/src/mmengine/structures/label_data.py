"""LabelData: label-level annotations or predictions (class labels, scores)."""

from __future__ import annotations

import torch

from mmengine.utils._builtin_names import show_as_builtins

from .base_data_element import BaseDataElement


class _LabelOutOfRangeError(AssertionError, ValueError):
    """A label >= num_classes: an ``AssertionError`` as in mmengine 0.10, and a ``ValueError``."""


show_as_builtins((_LabelOutOfRangeError, "AssertionError"))


class LabelData(BaseDataElement):
    """Data structure for label-level annotations or predictions."""

    @staticmethod
    def onehot_to_label(onehot: torch.Tensor) -> torch.Tensor:
        """Convert a one-hot (or multi-hot) vector to the indexes of its ones.

        Args:
            onehot (torch.Tensor): a 1-D tensor of zeros and ones.

        Returns:
            torch.Tensor: 1-D long tensor of label indexes.
        """
        if not isinstance(onehot, torch.Tensor):
            raise AssertionError(f"onehot must be a torch.Tensor, got {type(onehot)}")
        if onehot.ndim != 1 or not (
            onehot.max().item() <= 1 and onehot.min().item() >= 0 if onehot.numel() else True
        ):
            raise ValueError(
                "input is not one-hot and can not convert to label: expected a 1-D tensor "
                f"of 0/1, got {onehot}"
            )
        return onehot.nonzero().view(-1)

    @staticmethod
    def label_to_onehot(label: torch.Tensor, num_classes: int) -> torch.Tensor:
        """Convert label indexes to a one-hot vector of length ``num_classes``.

        Args:
            label (torch.Tensor): label indexes.
            num_classes (int): the number of classes.

        Returns:
            torch.Tensor: the one-hot vector, of the label's dtype.
        """
        if not isinstance(label, torch.Tensor):
            raise AssertionError(f"label must be a torch.Tensor, got {type(label)}")
        onehot = label.new_zeros((num_classes,))
        if label.numel() and int(label.max()) >= num_classes:
            raise _LabelOutOfRangeError(
                f"label {int(label.max())} is out of range for {num_classes} classes "
                f"(labels must be < num_classes)"
            )
        onehot[label] = 1
        return onehot
