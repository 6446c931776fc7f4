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


def _image_by_image(pre, batch):
    """What ImgDataPreprocessor computed before it wrote into one batch (and still computes
    for irregular batches): flip, float(), (x - mean) / std, then pad and stack."""
    from mmengine.model import stack_batch

    if isinstance(batch, torch.Tensor):
        return pre._process_batch(batch)
    return stack_batch([pre._process_one(i) for i in batch], pre.pad_size_divisor, pre.pad_value)


_GEN = torch.Generator().manual_seed(0)


def _images(channels, dtype, sizes):
    if dtype is torch.uint8:
        return [torch.randint(0, 256, (channels, *s), dtype=dtype, generator=_GEN) for s in sizes]
    return [torch.rand((channels, *s), generator=_GEN).to(dtype) * 255 for s in sizes]


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], bgr_to_rgb=True),
        dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], pad_size_divisor=32),
        dict(mean=[0, 0, 0], std=[255, 255, 255], rgb_to_bgr=True, pad_size_divisor=7),
        dict(mean=[127.5], std=[127.5], pad_value=-1.5, pad_size_divisor=16),
        dict(bgr_to_rgb=True, pad_value=114, pad_size_divisor=32),
        dict(),
    ],
)
@pytest.mark.parametrize("dtype", [torch.uint8, torch.float32, torch.float64])
@pytest.mark.parametrize(
    "sizes", [[(20, 22)], [(20, 22), (17, 30), (32, 5)], [(16, 16), (16, 16)]], ids=str
)
def test_img_preprocessor_single_batch_write_equals_image_by_image(kwargs, dtype, sizes):
    """Writing each image straight into the batch gives bit-identical numbers to the
    image-by-image path (the one 0.10 computes), for lists and for stacked batches."""
    pre = ImgDataPreprocessor(**kwargs)
    for channels in (3, 1) if "mean" not in kwargs or len(kwargs["mean"]) == 1 else (3,):
        images = _images(channels, dtype, sizes)
        got = pre(dict(inputs=images))["inputs"]
        want = _image_by_image(pre, images)
        assert got.dtype == want.dtype == torch.float32
        assert torch.equal(got, want), (kwargs, channels, sizes)
        if len(set(sizes)) == 1:
            stacked = torch.stack(images)
            assert torch.equal(pre(dict(inputs=stacked))["inputs"], _image_by_image(pre, stacked))


def test_img_preprocessor_irregular_batches_keep_the_image_by_image_path():
    """Mixed channel counts, 4-channel flips and a float64 mean are not written in one go:
    they give what they gave before (an error, or 0.10's result)."""
    pre = ImgDataPreprocessor(mean=[1.0, 2.0, 3.0], std=[2.0, 2.0, 2.0], bgr_to_rgb=True)
    with pytest.raises(RuntimeError, match="same for all tensors"):
        ImgDataPreprocessor()(dict(inputs=[torch.ones(3, 4, 4), torch.ones(1, 4, 4)]))
    with pytest.raises(AssertionError, match="mean has 3 values"):
        pre(dict(inputs=[torch.ones(1, 4, 4)]))
    four = [torch.arange(64.0).view(4, 4, 4)]  # [2, 1, 0] keeps 3 of the 4 channels
    assert pre(dict(inputs=four))["inputs"].shape == (1, 3, 4, 4)
    assert torch.equal(pre(dict(inputs=four))["inputs"], _image_by_image(pre, four))
    pre.double()
    images = _images(3, torch.uint8, [(5, 6), (6, 5)])
    assert pre(dict(inputs=images))["inputs"].dtype == torch.float64
