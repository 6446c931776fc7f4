"""PixelData: pixel-level annotations or predictions (masks, feature maps)."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from .base_data_element import BaseDataElement


def _user_stacklevel() -> int:
    """The ``stacklevel`` that makes a warning raised by the caller of this function point at
    the first frame outside ``mmengine.structures``: the user's ``PixelData(a=...)``,
    ``data.a = ...`` or ``data.update(...)`` line rather than a line of this package."""
    level, frame = 1, sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        level, frame = level + 1, frame.f_back
    return level


# Frames whose code lies in this folder are the package's own (taken from a code object, as
# frames spell their file names).
_PACKAGE_DIR = os.path.dirname(_user_stacklevel.__code__.co_filename) + os.sep


class PixelData(BaseDataElement):
    """Data structure for pixel-level annotations or predictions.

    Every data field is a tensor or array of shape ``(C, H, W)`` (a ``(H, W)`` value is
    stored as ``(1, H, W)``) and all share the same ``H, W``. Indexing by ``[h, w]`` with ints
    or slices crops every field.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("_metainfo_fields", "_data_fields"):
            super().__setattr__(name, value)
            return
        if not isinstance(value, (torch.Tensor, np.ndarray)):
            raise AssertionError(
                f"Can not set {type(value)}, only support {(torch.Tensor, np.ndarray)}"
            )
        if self.shape:
            if tuple(value.shape[-2:]) != self.shape:
                raise AssertionError(
                    f"The height and width of values {tuple(value.shape[-2:])} is not consistent "
                    f"with the shape of this :obj:`PixelData` {self.shape}"
                )
        if value.ndim not in (2, 3):
            raise AssertionError(f"The dim of value must be 2 or 3, but got {value.ndim}")
        if value.ndim == 2:
            # upstream's text: each type prints its own shape (torch.Size([3, 4]) / (3, 4))
            shape, value = value.shape, value[None]
            warnings.warn(
                f"The shape of value will convert from {shape} to {value.shape}",
                stacklevel=_user_stacklevel(),
            )
        super().__setattr__(name, value)

    def __getitem__(self, item: Sequence[int | slice]) -> PixelData:
        new_data = self.__class__(metainfo=self.metainfo)
        if not isinstance(item, tuple):
            raise TypeError(f"Unsupported type {type(item)} for slicing PixelData")
        if len(item) != 2:
            raise AssertionError("Only support to slice height and width")
        index: list[slice] = [slice(None)]
        for dim, single in zip((-2, -1), item):
            if isinstance(single, int):
                index.append(slice(single, None, self.shape[dim]))  # keep the dimension
            elif isinstance(single, slice):
                index.append(single)
            else:
                raise TypeError(
                    f"The type of element in input must be int or slice, but got {type(single)}"
                )
        for k, v in self.items():
            setattr(new_data, k, v[tuple(index)])
        return new_data

    @property
    def shape(self) -> tuple | None:
        """tuple: ``(H, W)`` of the data fields, or None when there is no field."""
        if self._data_fields:
            return tuple(self.values()[0].shape[-2:])
        return None
