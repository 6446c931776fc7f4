from collections import namedtuple

import pytest
import torch

from mmengine.model import BaseDataPreprocessor, ImgDataPreprocessor
from mmengine.structures import BaseDataElement


def test_cast_data_preserves_structure():
    pre = BaseDataPreprocessor()
    Pair = namedtuple("Pair", ["a", "b"])
    sample = BaseDataElement(metainfo=dict(img_id=1), label=torch.tensor([1]))
    data = dict(
        inputs=[torch.ones(1), torch.zeros(1)],
        data_samples=[sample],
        pair=Pair(torch.ones(1), "x"),
        tup=(torch.ones(1), None),
        text="hello",
        raw=b"bytes",
        number=3,
    )
    out = pre(data)
    assert isinstance(out, dict) and isinstance(out["inputs"], list)
    assert isinstance(out["pair"], Pair) and out["pair"].b == "x"
    assert isinstance(out["tup"], tuple) and out["tup"][1] is None
    assert out["text"] == "hello" and out["raw"] == b"bytes" and out["number"] == 3
    assert isinstance(out["data_samples"][0], BaseDataElement)
    assert out["data_samples"][0].img_id == 1
    assert pre.device == torch.device("cpu")


def test_preprocessor_device_tracks_to_and_cpu():
    pre = BaseDataPreprocessor()
    pre.to("meta")
    assert pre.device == torch.device("meta")
    assert pre.cast_data(torch.ones(2)).device.type == "meta"
    pre.cpu()
    assert pre.device == torch.device("cpu")


def test_img_preprocessor_list_input_normalize_pad_and_bgr_to_rgb():
    pre = ImgDataPreprocessor(
        mean=[1, 2, 3], std=[2, 2, 2], pad_size_divisor=4, pad_value=-1, bgr_to_rgb=True
    )
    img1 = torch.stack([torch.full((3, 5), v, dtype=torch.uint8) for v in (10, 20, 30)])
    img2 = torch.stack([torch.full((2, 2), v, dtype=torch.uint8) for v in (10, 20, 30)])
    out = pre(dict(inputs=[img1, img2]))
    inputs = out["inputs"]
    assert out["data_samples"] is None
    assert inputs.shape == (2, 3, 4, 8) and inputs.dtype == torch.float32
    # channels flipped (30, 20, 10) then normalised with the RGB mean/std
    assert inputs[0, :, 0, 0].tolist() == [(30 - 1) / 2, (20 - 2) / 2, (10 - 3) / 2]
    # padding at the right/bottom with pad_value
    assert torch.all(inputs[0, :, 3:, :] == -1) and torch.all(inputs[0, :, :, 5:] == -1)
    assert torch.all(inputs[1, :, 2:, :] == -1)


def test_img_preprocessor_batched_tensor_input():
    pre = ImgDataPreprocessor(mean=[0.0], std=[255.0], pad_size_divisor=8, rgb_to_bgr=True)
    batch = torch.arange(2 * 3 * 5 * 6, dtype=torch.float32).view(2, 3, 5, 6)
    out = pre(dict(inputs=batch, data_samples=["a", "b"]))
    assert out["inputs"].shape == (2, 3, 8, 8)
    assert torch.allclose(out["inputs"][:, :, :5, :6], batch[:, [2, 1, 0]] / 255.0)
    assert out["data_samples"] == ["a", "b"]
    with pytest.raises(AssertionError, match="NCHW"):
        pre(dict(inputs=torch.ones(3, 4, 4)))


def test_img_preprocessor_without_normalisation_and_gray():
    pre = ImgDataPreprocessor()
    out = pre(dict(inputs=[torch.ones(1, 2, 2, dtype=torch.uint8)]))
    assert out["inputs"].dtype == torch.float32 and out["inputs"].shape == (1, 1, 2, 2)
    gray = ImgDataPreprocessor(mean=[1], std=[1])
    assert torch.all(gray(dict(inputs=[torch.ones(1, 2, 2)]))["inputs"] == 0)


def test_img_preprocessor_argument_checks():
    with pytest.raises(AssertionError):
        ImgDataPreprocessor(bgr_to_rgb=True, rgb_to_bgr=True)
    with pytest.raises(AssertionError):
        ImgDataPreprocessor(mean=[1, 2, 3])
    with pytest.raises(AssertionError):
        ImgDataPreprocessor(mean=[1, 2], std=[1, 2])
    pre = ImgDataPreprocessor(mean=[1, 2, 3], std=[1, 1, 1])
    with pytest.raises(AssertionError, match=r"\(3, H, W\)"):
        pre(dict(inputs=[torch.ones(1, 2, 2)]))
    with pytest.raises(TypeError):
        pre(dict(inputs="not a tensor"))
    # mean/std are non-persistent buffers: not in the state dict
    assert "mean" not in pre.state_dict()
