"""PixelData's warning when a (H, W) value is stored as (1, H, W): 0.10's text, each type
printing its own shape (recorded from mmengine 0.10.7), pointing at the user's line."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest
import torch

from mmengine.structures import PixelData


def recorded(set_value) -> tuple[list[warnings.WarningMessage], int]:
    """The warnings ``set_value()`` gives, and the line it sets the value on."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = set_value()
    return caught, line


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (torch.zeros(3, 4), "torch.Size([3, 4]) to torch.Size([1, 3, 4])"),
        (np.zeros((3, 4)), "(3, 4) to (1, 3, 4)"),
    ],
)
def test_conversion_warning_text_per_type(value, text):
    def construct():
        PixelData(a=value)
        return sys._getframe().f_lineno - 1

    caught, line = recorded(construct)
    assert [str(w.message) for w in caught] == [f"The shape of value will convert from {text}"]
    assert caught[0].category is UserWarning
    assert (caught[0].filename, caught[0].lineno) == (__file__, line)


def test_conversion_warning_points_at_the_assignment_and_update():
    data = PixelData(a=torch.zeros(1, 3, 4))

    def assign():
        data.b = torch.zeros(3, 4)
        return sys._getframe().f_lineno - 1

    def update():
        data.update(PixelData(c=torch.zeros(1, 3, 4)))  # 3-D: no warning
        data.set_data(dict(d=np.zeros((3, 4))))
        return sys._getframe().f_lineno - 1

    for set_value in (assign, update):
        caught, line = recorded(set_value)
        assert len(caught) == 1
        assert (caught[0].filename, caught[0].lineno) == (__file__, line)
    assert data.b.shape == (1, 3, 4) and data.d.shape == (1, 3, 4)
