import numpy as np
import pytest
import torch

from mmengine.structures import LabelData, PixelData


def test_label_onehot_round_trip():
    onehot = LabelData.label_to_onehot(torch.tensor([1, 3]), num_classes=5)
    assert onehot.tolist() == [0, 1, 0, 1, 0]
    assert LabelData.onehot_to_label(onehot).tolist() == [1, 3]
    assert LabelData.onehot_to_label(LabelData.label_to_onehot(torch.tensor([2]), 4)).tolist() == [
        2
    ]
    # upstream raises AssertionError; a ValueError is accepted too
    for error in (AssertionError, ValueError):
        with pytest.raises(error, match="out of range for 5 classes"):
            LabelData.label_to_onehot(torch.tensor([5]), num_classes=5)


def test_onehot_to_label_rejects_non_onehot():
    for bad in (torch.tensor([0, 3]), torch.tensor([[0, 1]])):
        with pytest.raises(ValueError, match="^input is not one-hot and can not convert to label"):
            LabelData.onehot_to_label(bad)


def test_pixel_data_shapes_and_slicing():
    p = PixelData(
        metainfo=dict(img_id=1), image=np.zeros((4, 20, 40)), featmap=torch.zeros(10, 20, 40)
    )
    assert p.shape == (20, 40)
    assert p[10:20, 20:40].shape == (10, 20)
    assert p[10, 20].shape == (1, 1)
    with pytest.warns(UserWarning):
        p.map3 = torch.zeros(20, 40)
    assert tuple(p.map3.shape) == (1, 20, 40)
    with pytest.raises(AssertionError, match="dim of value"):
        p.map2 = torch.zeros(1, 3, 20, 40)
    with pytest.raises(AssertionError, match="not consistent"):
        p.bad = torch.zeros(1, 5, 5)
    with pytest.raises(AssertionError, match="only support"):
        p.lst = [1, 2]
    with pytest.raises(TypeError):
        p[1]
