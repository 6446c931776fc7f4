"""Drawn pixels equal mmengine 0.10.7's: expected values recorded by running the same calls on
0.10.7 (black box), and OpenCV's functions where 0.10 draws with them."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mmengine.visualization import Visualizer
from mmengine.visualization.utils import _add_weighted, convert_overlay_heatmap

pytest.importorskip("matplotlib")

IMG = np.array(
    [
        [[89, 165, 242], [214, 102, 98], [45, 15, 200]],
        [[14, 88, 154], [39, 74, 234], [0, 255, 128]],
    ],
    np.uint8,
)
MASKS = np.array([[[1, 1, 0], [1, 1, 0]], [[1, 1, 1], [0, 1, 1]]], bool)


@pytest.mark.parametrize(
    "alphas, expected",
    [
        (
            0.6,
            [
                [[86, 146, 59], [106, 136, 35], [28, 126, 100]],
                [[159, 35, 62], [78, 132, 57], [10, 222, 71]],
            ],
        ),
        (
            [0.3, 0.7],
            [
                [[54, 175, 74], [80, 161, 44], [25, 144, 83]],
                [[86, 62, 108], [43, 156, 72], [12, 216, 62]],
            ],
        ),
    ],
)
def test_overlapping_masks_blend_as_upstream(alphas, expected):
    # each mask is blended and rounded to uint8 before the next one (recorded from 0.10.7)
    vis = Visualizer(image=IMG.copy())
    vis.draw_binary_masks(MASKS, colors=["r", (17, 200, 33)], alphas=alphas)
    assert vis.get_image().tolist() == expected


def test_add_weighted_rounds_as_upstream_without_opencv():
    # values where float64 arithmetic rounds the other way (recorded from 0.10.7's masks)
    x = np.array([45, 15, 214], np.uint8)
    black = np.zeros(3, np.uint8)
    assert _add_weighted(x, 0.7, black, 0.3).tolist() == [32, 10, 150]
    assert _add_weighted(x, 0.3, black, 0.7).tolist() == [14, 4, 64]


def test_add_weighted_is_opencvs_bit_for_bit():
    cv2 = pytest.importorskip("cv2")
    x = np.repeat(np.arange(256, dtype=np.uint8), 256).reshape(256, 256)
    c = np.tile(np.arange(256, dtype=np.uint8), 256).reshape(256, 256)
    for alpha in (0.0, 0.1, 0.3, 0.45, 0.5, 0.7, 0.9, 1 / 3, 0.999, 1.0):
        ours = _add_weighted(x, 1 - alpha, c, alpha)
        assert np.array_equal(ours, cv2.addWeighted(x, 1 - alpha, c, alpha, 0)), alpha


def test_heatmaps_are_opencvs_when_it_is_installed():
    cv2 = pytest.importorskip("cv2")
    rng = np.random.RandomState(0)
    img = rng.randint(0, 255, (16, 12, 3), dtype=np.uint8)
    feat = torch.from_numpy(rng.rand(3, 16, 12).astype(np.float32))

    def heat(array):
        norm = np.asarray(cv2.normalize(array, None, 0, 255, cv2.NORM_MINMAX), dtype=np.uint8)
        return cv2.cvtColor(cv2.applyColorMap(norm, cv2.COLORMAP_JET), cv2.COLOR_BGR2RGB)

    # a (3, H, W) map is read as an (H, W, 3) image, normalized over all its values
    expected = cv2.addWeighted(img, 0.5, heat(feat.numpy().transpose(1, 2, 0)), 0.5, 0)
    assert np.array_equal(convert_overlay_heatmap(feat, img, 0.5), expected)
    # resize_shape resizes the image with OpenCV's bilinear filter
    out = Visualizer.draw_featmap(feat, img, channel_reduction="squeeze_mean", resize_shape=(8, 6))
    small = torch.nn.functional.interpolate(feat[None], (8, 6), mode="bilinear")[0]
    resized = cv2.resize(img, (6, 8), interpolation=cv2.INTER_LINEAR)
    expected = cv2.addWeighted(resized, 0.5, heat(small.mean(0).numpy()), 0.5, 0)
    assert np.array_equal(out, expected)


def test_heatmaps_without_opencv_stay_close(monkeypatch):
    import sys

    rng = np.random.RandomState(1)
    img = rng.randint(0, 255, (16, 12, 3), dtype=np.uint8)
    feat = torch.from_numpy(rng.rand(3, 16, 12).astype(np.float32))
    with_cv2 = [convert_overlay_heatmap(feat, img), convert_overlay_heatmap(feat[0], img)]
    monkeypatch.setitem(sys.modules, "cv2", None)  # import cv2 now raises ImportError
    without = [convert_overlay_heatmap(feat, img), convert_overlay_heatmap(feat[0], img)]
    for a, b in zip(with_cv2, without):
        assert a.shape == b.shape and a.dtype == b.dtype == np.uint8
        assert np.abs(a.astype(int) - b.astype(int)).max() <= 2


def test_canvas_maps_coordinates_as_upstream():
    import matplotlib

    if tuple(int(p) for p in matplotlib.__version__.split(".")[:2]) < (3, 11):
        pytest.skip("matplotlib < 3.11 would resample a figure 0.01 px larger than the image")
    vis = Visualizer(image=np.zeros((64, 64, 3), np.uint8))
    # 0.10.7's figure is 0.01 px larger than the image: a box edge at 30.496 lands in column 30
    x, y = vis.ax_save.transData.transform((30.5, 10))
    assert (x, y) == pytest.approx((30.504765625, 54.0084375))
