"""Drawing APIs (need matplotlib; skipped without it) and draw_featmap."""

import numpy as np
import pytest
import torch

from mmengine.visualization import Visualizer

pytest.importorskip("matplotlib")


@pytest.fixture
def image():
    rng = np.random.default_rng(0)
    return rng.integers(0, 50, size=(60, 80, 3)).astype(np.uint8)


def test_draw_apis_change_the_image_and_keep_its_shape(image):
    calls = {
        "bboxes": lambda v: v.draw_bboxes(torch.tensor([[10, 10, 40, 30], [5, 5, 20, 20]])),
        "texts": lambda v: v.draw_texts("MMEngine", np.array([5, 5]), font_sizes=12, colors="w"),
        "points": lambda v: v.draw_points(np.array([[10, 10], [30, 20]]), colors="r", sizes=np.array([40, 40])),
        "lines": lambda v: v.draw_lines(np.array([[0, 70], [10, 10]]), np.array([[0, 50], [50, 5]]), colors=["r", "b"], line_widths=[1, 3]),
        "circles": lambda v: v.draw_circles(np.array([[40, 30]]), np.array([10]), edge_colors=(255, 0, 0)),
        "polygons": lambda v: v.draw_polygons([np.array([[0, 0], [30, 0], [30, 30]]), torch.tensor([[50, 50], [70, 50], [60, 40]])], edge_colors=["g", "r"], face_colors="b"),
    }  # fmt: skip
    for name, draw in calls.items():
        vis = Visualizer(image=image)
        assert draw(vis) is vis, name  # chainable
        drawn = vis.get_image()
        assert drawn.shape == image.shape and drawn.dtype == np.uint8, name
        assert (drawn != image).any(), f"draw_{name} did not change the image"


def test_undrawn_canvas_round_trip_is_exact(image):
    vis = Visualizer(image=image)
    _ = vis.ax_save  # forces the canvas; nothing drawn
    np.testing.assert_array_equal(vis.get_image(), image)


def test_chained_drawing_and_set_image_resets(image):
    vis = Visualizer(image=image)
    vis.draw_bboxes(np.array([1, 1, 50, 50])).draw_texts(["a", "b"], np.array([[2, 2], [30, 30]]))
    assert (vis.get_image() != image).any()
    vis.set_image(image)
    np.testing.assert_array_equal(vis.get_image(), image)


def test_binary_masks_blend_colour_inside_only(image):
    vis = Visualizer(image=image)
    mask = np.zeros(image.shape[:2], bool)
    mask[10:20, 10:30] = True
    vis.draw_binary_masks(mask, colors=(255, 0, 0), alphas=0.5)
    out = vis.get_image().astype(int)
    expected_inside = np.round(image[mask].astype(float) * 0.5 + np.array([255, 0, 0]) * 0.5)
    assert np.abs(out[mask] - expected_inside).max() <= 2
    np.testing.assert_array_equal(out[~mask], image[~mask])
    with pytest.raises(AssertionError):
        vis.draw_binary_masks(mask.astype(np.uint8))
    with pytest.raises(AssertionError):
        vis.draw_binary_masks(np.zeros((5, 5), bool))


def test_multiple_masks_with_colour_list(image):
    vis = Visualizer(image=image)
    masks = np.zeros((2, *image.shape[:2]), bool)
    masks[0, :10] = True
    masks[1, -10:] = True
    vis.draw_binary_masks(torch.from_numpy(masks), colors=["r", "b"], alphas=[1.0, 1.0])
    out = vis.get_image()
    assert (np.abs(out[:10].astype(int) - [255, 0, 0]).max()) <= 2
    assert (np.abs(out[-10:].astype(int) - [0, 0, 255]).max()) <= 2


def test_fewer_alphas_than_masks_draws_the_first_masks_and_warns(image):
    # 0.10.7 (recorded) drew only the masks that have an alpha; it did not raise.
    vis = Visualizer(image=np.zeros_like(image))
    masks = np.zeros((3, *image.shape[:2]), bool)
    masks[0, :10] = True
    masks[1, 10:20] = True
    masks[2, 20:30] = True
    with pytest.warns(UserWarning, match="only the first 2 masks are drawn"):
        vis.draw_binary_masks(masks, colors="g", alphas=[0.5, 0.9])
    out = vis.get_image()
    # 0.10.7 gave [0, 64, 0] and [0, 114, 0] (a level or two of resampling apart from ours)
    assert np.abs(out[5, 0].astype(int) - [0, 64, 0]).max() <= 2
    assert np.abs(out[15, 0].astype(int) - [0, 114, 0]).max() <= 2
    assert out[25, 0].tolist() == [0, 0, 0]  # the third mask has no alpha


def test_one_dimensional_polygon_is_also_0_10s_index_error(image):
    with pytest.raises(IndexError, match=r"shape of \(K, 2\)"):
        Visualizer(image=image).draw_polygons(np.array([1, 2, 3, 4]))


def test_argument_errors(image):
    vis = Visualizer(image=image)
    with pytest.raises(TypeError):
        vis.draw_bboxes([0, 0, 1, 1])
    with pytest.raises(AssertionError):
        vis.draw_bboxes(np.array([10, 10, 5, 5]))  # x2 < x1
    with pytest.raises(AssertionError):
        vis.draw_texts(["a", "b"], np.array([1, 1]))  # 2 texts, 1 position
    with pytest.raises(AssertionError):
        vis.draw_texts(["a", "b"], np.array([[1, 1], [2, 2]]), colors=["r"])
    with pytest.raises(AssertionError):
        vis.draw_lines(np.array([1, 2]), np.array([1, 2, 3]))
    with pytest.raises(AssertionError):
        vis.draw_circles(np.array([[1, 1], [2, 2]]), np.array([1]))
    with pytest.warns(UserWarning, match="out of bounds"):
        vis.draw_bboxes(np.array([0, 0, 500, 500]))
    with pytest.raises(AssertionError, match="set_image"):
        Visualizer().draw_bboxes(np.array([0, 0, 1, 1]))


def test_draw_featmap_reductions():
    featmap = torch.rand(8, 10, 12)
    for reduction in ("squeeze_mean", "select_max"):
        out = Visualizer.draw_featmap(featmap, channel_reduction=reduction)
        assert out.shape == (10, 12, 3) and out.dtype == np.uint8
    with pytest.raises(AssertionError):
        Visualizer.draw_featmap(featmap, channel_reduction="sum")
    with pytest.raises(AssertionError):
        Visualizer.draw_featmap(featmap.numpy())
    with pytest.raises(AssertionError):
        Visualizer.draw_featmap(featmap[0])


def test_draw_featmap_select_max_picks_strongest_channel():
    featmap = torch.zeros(3, 4, 4)
    featmap[1, :2] = 5.0  # channel 1 has the largest sum
    expected = Visualizer.draw_featmap(featmap[1:2], channel_reduction="select_max")
    out = Visualizer.draw_featmap(featmap, channel_reduction="select_max")
    np.testing.assert_array_equal(out, expected)
    assert (out[:2] != out[2:]).any()


def test_draw_featmap_overlay_resize_and_topk(image):
    featmap = torch.rand(6, 15, 20)
    with pytest.warns(UserWarning, match="interpolated") as record:
        out = Visualizer.draw_featmap(featmap, image, alpha=0.3)
    # 0.10's text, which prints the feature map's torch.Size
    assert "and featmap: torch.Size([15, 20]) are not same" in str(record[0].message)
    assert out.shape == image.shape
    out = Visualizer.draw_featmap(featmap, resize_shape=(30, 40))
    assert out.shape == (30, 40, 3)
    with pytest.warns(UserWarning):
        out = Visualizer.draw_featmap(featmap, image, resize_shape=(30, 40))
    assert out.shape == (30, 40, 3)

    grid = Visualizer.draw_featmap(featmap, channel_reduction=None, topk=4, arrangement=(2, 3))
    assert grid.shape == (15 * 2, 20 * 3, 3)
    with pytest.raises(AssertionError):
        Visualizer.draw_featmap(featmap, channel_reduction=None, topk=8, arrangement=(2, 3))
    rgb = Visualizer.draw_featmap(featmap[:3], channel_reduction=None, topk=-1)
    assert rgb.shape == (15, 20, 3)
    with pytest.raises(AssertionError):
        Visualizer.draw_featmap(featmap, channel_reduction=None, topk=0)


def test_show_without_display_returns_immediately(image):
    vis = Visualizer(image=image)
    with pytest.warns(UserWarning, match="cannot open a window"):
        assert vis.show() is None
    with pytest.raises(ValueError):
        vis.show(backend="qt")


def test_show_draws_into_a_manager_and_waits(monkeypatch):
    from unittest import mock

    import mmengine.visualization.visualizer as visualizer_module

    wait = mock.MagicMock()
    monkeypatch.setattr(visualizer_module, "wait_continue", wait)
    vis = Visualizer()
    img = np.zeros((4, 5, 3), np.uint8)
    with pytest.warns(UserWarning):
        vis.show(drawn_img=img, win_name="demo", wait_time=2)
    wait.assert_called_once_with(vis.manager.canvas.figure, timeout=2, continue_key=" ")

    cv2 = mock.MagicMock()
    monkeypatch.setattr(visualizer_module, "cv2", cv2)
    vis.show(drawn_img=img, win_name="demo", wait_time=0.5, backend="cv2")
    cv2.imshow.assert_called_once_with(str(id(vis)), img)
    cv2.waitKey.assert_called_once_with(500)
    vis.close()
    assert vis.manager is None


def test_subclass_may_assign_the_figure_attributes(image):
    """Upstream sets fig_save/ax_save/fig_save_canvas/dpi as attributes; zoo subclasses assign them."""
    vis = Visualizer(image=image)
    dpi = vis.dpi
    canvas, fig, ax = vis.fig_save_canvas, vis.fig_save, vis.ax_save
    vis.fig_save_canvas, vis.fig_save, vis.ax_save = canvas, fig, ax
    assert (vis.fig_save_canvas, vis.fig_save, vis.ax_save) == (canvas, fig, ax)
    vis.dpi = dpi * 2
    assert vis.dpi == dpi * 2
    # The drawn image keeps the image's size whatever the dpi.
    vis.draw_bboxes(np.array([5, 5, 30, 30]))
    assert vis.get_image().shape == image.shape
