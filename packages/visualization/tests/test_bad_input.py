"""Bad input to the Visualizer and the vis backends: a clear error (0.10's class) or a warning."""

import os.path as osp
import warnings

import numpy as np
import pytest
import torch

from mmengine.config import Config
from mmengine.visualization import (
    AimVisBackend,
    ClearMLVisBackend,
    DVCLiveVisBackend,
    LocalVisBackend,
    NeptuneVisBackend,
    TensorboardVisBackend,
    Visualizer,
    WandbVisBackend,
)

pytest.importorskip("matplotlib")

IMAGE = np.zeros((20, 30, 3), np.uint8)


@pytest.fixture
def vis(request):
    visualizer = Visualizer(name=f"bad_input_{request.node.name}", image=IMAGE)
    yield visualizer
    visualizer.close()


# ----------------------------------------------------------------------------- set_image
@pytest.mark.parametrize(
    "image, classes, match",
    [
        (np.zeros((3, 20, 30), np.uint8), (AssertionError, TypeError), r"\(C, H, W\).*transpose"),
        (torch.zeros(3, 20, 30), (AssertionError, TypeError), r"\(C, H, W\).*permute"),
        (np.zeros((2, 20, 30, 3), np.uint8), (AssertionError, TypeError), "one image at a time"),
        (np.zeros(30, np.uint8), (AssertionError, IndexError), r"got shape \(30,\)"),
        ("demo.jpg", (AttributeError, TypeError), "read it first"),
        (np.zeros((0, 0, 3), np.uint8), (ValueError,), "empty"),
    ],
)
def test_set_image_rejects_what_is_not_an_rgb_image(image, classes, match):
    vis = Visualizer(name=f"set_image_{match[:8]}")
    for cls in classes:
        with pytest.raises(cls, match=match):
            vis.set_image(image)


def test_set_image_accepts_a_one_channel_image_as_0_10_did():
    vis = Visualizer(name="one_channel")
    vis.set_image(np.full((4, 5, 1), 7, np.uint8))
    out = vis.get_image()
    assert out.shape == (4, 5, 3) and (out == 7).all()


@pytest.mark.parametrize(
    "image, match",
    [
        (np.random.default_rng(0).random((4, 5, 3)), r"values in \[0, 1\].*\* 255"),
        (np.full((4, 5, 3), 300, np.int64), r"outside \[0, 255\].*np.clip"),
    ],
)
def test_set_image_warns_when_the_uint8_cast_destroys_the_picture(image, match):
    vis = Visualizer(name=f"lossy_{match[:6]}")
    with pytest.warns(UserWarning, match=match):
        vis.set_image(image)


def test_set_image_of_uint8_or_0_255_floats_does_not_warn():
    vis = Visualizer(name="no_warning")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        vis.set_image(IMAGE)
        vis.set_image(np.full((4, 5, 3), 200.0))
        vis.set_image(np.ones((4, 5), bool))


@pytest.mark.parametrize("call", ["get_image", "draw_bboxes"])
def test_use_before_set_image_is_also_the_attribute_error_of_0_10(call):
    vis = Visualizer(name=f"no_image_{call}")
    for cls in (AssertionError, AttributeError):
        with pytest.raises(cls, match="set_image"):
            if call == "get_image":
                vis.get_image()
            else:
                vis.draw_bboxes(np.array([0, 0, 1, 1]))


# ----------------------------------------------------------------------------- drawing
def test_bbox_with_x2_lower_than_x1_names_the_box(vis):
    boxes = np.array([[0, 0, 5, 5], [10, 2, 4, 8]])
    with pytest.raises(AssertionError, match=r"bbox 1 \[10, 2, 4, 8\] has x2 < x1.*x \+ w"):
        vis.draw_bboxes(boxes)
    with pytest.raises(AssertionError, match="NaN"):
        vis.draw_bboxes(np.array([0, 0, np.nan, 5]))


def test_bboxes_of_more_than_two_dimensions_are_a_shape_error(vis):
    for cls in (AssertionError, IndexError):
        with pytest.raises(cls, match=r"\(N, 4\), but got \(2, 2, 4\)"):
            vis.draw_bboxes(np.zeros((2, 2, 4)))


@pytest.mark.parametrize(
    "draw, argument",
    [
        (lambda v: v.draw_bboxes(np.array([0, 0, 5, 5]), edge_colors="gren"), "edge_colors"),
        (lambda v: v.draw_bboxes(np.array([0, 0, 5, 5]), face_colors="gren"), "face_colors"),
        (lambda v: v.draw_points(np.array([1, 1]), colors="gren"), "colors"),
        (lambda v: v.draw_lines(np.array([1, 3]), np.array([1, 3]), colors="gren"), "colors"),
        (lambda v: v.draw_texts("a", np.array([1, 1]), colors=["gren"]), "colors"),
        (lambda v: v.draw_circles(np.array([1, 1]), np.array([1]), edge_colors="gren"), "edge"),
        (lambda v: v.draw_binary_masks(np.zeros((20, 30), bool), colors="gren"), "colors"),
    ],
)
def test_unknown_colour_name_names_the_argument(vis, draw, argument):
    with pytest.raises(ValueError, match=rf"'gren' is not a valid color value.*`{argument}"):
        draw(vis)


@pytest.mark.parametrize(
    "draw, match",
    [
        (
            lambda v: v.draw_bboxes(np.array([0, 0, 5, 5]), line_styles="dotted-x"),
            "draw_polygons.*line_styles='dotted-x'",
        ),
        (lambda v: v.draw_bboxes(np.array([0, 0, 5, 5]), alpha=2), "draw_polygons.*alpha=2"),
        (
            lambda v: v.draw_texts("a", np.array([1, 1]), vertical_alignments="middle"),
            "draw_texts.*text_index=0",
        ),
        (
            lambda v: v.draw_points(np.array([[1, 1], [2, 2], [3, 3]]), colors=["r", "g"]),
            r"draw_points.*colors=\['r', 'g'\]",
        ),
    ],
)
def test_matplotlib_value_errors_say_which_visualizer_call(vis, draw, match):
    with pytest.raises(ValueError, match=rf"raised by matplotlib in Visualizer\.{match}"):
        draw(vis)


@pytest.mark.parametrize(
    "draw, match",
    [
        (
            lambda v: v.draw_bboxes(np.array([[0, 0, 5, 5]] * 3), edge_colors=["r", "g"]),
            "`edge_colors` has 2 entries for 3",
        ),
        (
            lambda v: v.draw_lines(
                np.array([[1, 3]] * 3), np.array([[1, 3]] * 3), line_widths=[1, 2]
            ),
            "`line_widths` has 2 entries for 3 lines",
        ),
        (
            lambda v: v.draw_circles(
                np.array([[1, 1]] * 3), np.array([1, 1, 1]), edge_colors=["r"]
            ),
            "`edge_colors` has 1 entry for 3 circles",
        ),
    ],
)
def test_per_item_lists_shorter_than_the_items_warn(vis, draw, match):
    with pytest.warns(UserWarning, match=match):
        draw(vis)


def test_masks_of_a_wrong_shape_or_dtype_say_what_is_expected(vis):
    with pytest.raises(AssertionError, match=r"\(N, H, W\) with \(H, W\) = \(20, 30\)"):
        vis.draw_binary_masks(np.zeros((1, 1, 20, 30), bool))
    with pytest.raises(AssertionError, match=r"astype\(bool\)"):
        vis.draw_binary_masks(np.zeros((20, 30), np.uint8))


# ----------------------------------------------------------------------------- draw_featmap
def test_featmap_resize_shape_int_is_a_square_as_in_0_10():
    assert Visualizer.draw_featmap(torch.rand(3, 5, 6), resize_shape=8).shape == (8, 8, 3)


@pytest.mark.parametrize(
    "resize_shape, classes",
    [
        ((20, 20, 3), (ValueError,)),
        ((0, 20), (ValueError, RuntimeError)),
        ((-1, 20), (ValueError, RuntimeError)),
        ((20.5, 20), (TypeError,)),
    ],
)
def test_featmap_bad_resize_shape(resize_shape, classes):
    for cls in classes:
        with pytest.raises(cls, match="resize_shape"):
            Visualizer.draw_featmap(torch.rand(3, 5, 6), resize_shape=resize_shape)


def test_featmap_bad_arguments_are_named():
    featmap = torch.rand(8, 5, 6)
    with pytest.raises(AssertionError, match="squeeze-mean.*or None"):
        Visualizer.draw_featmap(featmap, channel_reduction="squeeze-mean")
    with pytest.raises(ValueError, match="arrangement should be two positive ints"):
        Visualizer.draw_featmap(featmap, channel_reduction=None, topk=4, arrangement=(2,))
    with pytest.raises(TypeError, match="topk should be an int"):
        Visualizer.draw_featmap(featmap, channel_reduction=None, topk=2.5)
    with pytest.raises(AssertionError, match=r"for a batch, pass featmap\[0\]"):
        Visualizer.draw_featmap(featmap[None])
    with pytest.raises(ValueError, match="no pixels"):
        Visualizer.draw_featmap(torch.rand(3, 0, 6))
    with pytest.warns(UserWarning, match="0 channels"):
        Visualizer.draw_featmap(torch.rand(0, 5, 6))


def test_featmap_overlaid_image_in_chw_is_rejected():
    with pytest.raises(ValueError, match=r"overlaid_image.*\(C, H, W\)"):
        Visualizer.draw_featmap(torch.rand(8, 10, 12), np.zeros((3, 10, 12), np.uint8))


# ----------------------------------------------------------------------------- vis_backends
@pytest.mark.parametrize(
    "vis_backends, match",
    [
        ("LocalVisBackend", r"vis_backends=\[dict\(type='LocalVisBackend'\)\]"),
        (["LocalVisBackend"], r"vis_backends\[0\].*dict\(type='LocalVisBackend'\)"),
        ([LocalVisBackend], r"vis_backends\[0\].*\(a class\)"),
        ([None], r"vis_backends\[0\] = None"),
    ],
)
def test_vis_backends_of_a_wrong_type_lead_with_0_10_sentence(tmp_path, vis_backends, match):
    sentence = "vis_backends must be a list of dicts or a list of BaseBackend instances"
    with pytest.raises(TypeError, match=rf"^{sentence}.*{match}"):
        Visualizer(name=f"bad_type_{match[:10]}", vis_backends=vis_backends, save_dir=tmp_path)


def test_vis_backend_config_errors_lead_with_0_10_sentences(tmp_path):
    with pytest.raises(RuntimeError, match="^vis_backend name LocalVisBackend already exists"):
        Visualizer(
            name="dup_type",
            vis_backends=[dict(type="LocalVisBackend"), dict(type="LocalVisBackend")],
            save_dir=str(tmp_path),
        )
    with pytest.raises(RuntimeError, match="^vis_backend name a already exists"):
        Visualizer(
            name="dup_name",
            vis_backends=[
                dict(type="LocalVisBackend", name="a"),
                dict(type="TensorboardVisBackend", name="a"),
            ],
            save_dir=str(tmp_path),
        )
    with pytest.raises(RuntimeError, match="^vis_backend name LocalVisBackend already exists"):
        Visualizer(
            name="dup_name_and_type",
            vis_backends=[
                dict(type="LocalVisBackend", name="LocalVisBackend"),
                dict(type="LocalVisBackend"),
            ],
            save_dir=str(tmp_path),
        )
    with pytest.raises(KeyError, match='must contain the key "type"'):
        Visualizer(name="no_type", vis_backends=[dict(save_dir="x")], save_dir=str(tmp_path))


@pytest.mark.parametrize(
    "names, keys",
    [  # recorded from 0.10.7: a backend without `name` is stored under its type name
        ([None, "b"], ["LocalVisBackend", "b"]),
        (["a", None], ["a", "LocalVisBackend"]),
        ([None, "b", "c"], ["LocalVisBackend", "b", "c"]),
    ],
)
def test_named_and_unnamed_backends_may_be_mixed(tmp_path, names, keys):
    cfgs = [
        dict(type="LocalVisBackend") if name is None else dict(type="LocalVisBackend", name=name)
        for name in names
    ]
    visualizer = Visualizer(name=f"mixed_{names}", vis_backends=cfgs, save_dir=str(tmp_path))
    assert list(visualizer._vis_backends) == keys
    assert all(visualizer.get_backend(key) is not None for key in keys)
    with pytest.raises(TypeError, match="save_dir should be a str"):
        Visualizer(name="int_dir", vis_backends=[dict(type="LocalVisBackend")], save_dir=3)


def test_save_dir_that_is_a_file_keeps_the_os_error_and_explains(tmp_path):
    in_the_way = tmp_path / "afile"
    in_the_way.write_text("")
    vis = Visualizer(
        name="file_in_the_way", vis_backends=[dict(type="LocalVisBackend")], save_dir=in_the_way
    )
    with pytest.raises(NotADirectoryError, match="LocalVisBackend cannot create its save_dir"):
        vis.add_scalar("loss", 1.0)


def test_scalar_file_that_is_a_folder_keeps_the_os_error_and_explains(tmp_path):
    (tmp_path / "scalars.json").mkdir()
    backend = LocalVisBackend(str(tmp_path))
    with pytest.raises(IsADirectoryError, match="cannot open the scalar file"):
        backend.add_scalar("loss", 1.0)


def test_local_backend_without_save_dir_is_also_the_type_error_of_0_10():
    for cls in (ValueError, TypeError):
        with pytest.raises(cls, match="needs a `save_dir`"):
            LocalVisBackend(None).add_scalar("a", 1)


@pytest.mark.parametrize("value", [torch.tensor([1.0, 2.0]), torch.tensor([])])
def test_local_add_scalar_of_a_tensor_that_is_not_one_number(tmp_path, value):
    backend = LocalVisBackend(str(tmp_path))
    with pytest.raises(RuntimeError, match=r"cannot be converted to Scalar.*add_scalar\('a'\)"):
        backend.add_scalar("a", value)
    backend.add_scalar("a", torch.tensor([1.5]))  # one element is fine
    backend.close()


@pytest.mark.parametrize(
    "config, hint",
    [(dict(a=1), r"Config\(your_dict\)"), ("cfg.py", "Config.fromfile"), (3, "runner.cfg")],
)
def test_add_config_of_a_non_config_is_0_10s_classes_with_a_hint(tmp_path, config, hint):
    backend = LocalVisBackend(str(tmp_path))
    for cls in (AssertionError, TypeError, AttributeError):
        with pytest.raises(cls, match=hint):
            backend.add_config(config)
    assert not osp.exists(tmp_path / "config.py")
    backend.add_config(Config(dict(a=1)))


@pytest.mark.parametrize(
    "backend_cls",
    [WandbVisBackend, ClearMLVisBackend, NeptuneVisBackend, DVCLiveVisBackend, AimVisBackend],
)
def test_init_kwargs_not_a_dict_fails_when_built(tmp_path, backend_cls):
    for cls in (TypeError, AttributeError):
        with pytest.raises(cls, match=f"{backend_cls.__name__}: init_kwargs should be a dict"):
            backend_cls(save_dir=str(tmp_path), init_kwargs="my-project")


@pytest.mark.parametrize(
    "image, cls, match",
    [
        (np.zeros((3, 8, 9), np.uint8), ValueError, r"\(C, H, W\).*transpose"),
        (np.zeros((2, 8, 9, 3), np.uint8), ValueError, "one image at a time"),
        (np.zeros((0, 0, 3), np.uint8), ValueError, r"empty image of shape \(0, 0, 3\)"),
        ([[1]], AttributeError, "numpy array"),
        (np.random.default_rng(0).random((8, 9, 3)), AssertionError, "by 255"),
    ],
)
def test_local_add_image_bad_images(tmp_path, image, cls, match):
    backend = LocalVisBackend(str(tmp_path))
    with pytest.raises(cls, match=match):
        backend.add_image("img", image)
    assert not osp.exists(tmp_path / "vis_image" / "img_0.png")


def test_local_add_image_name_with_a_slash_saves_in_a_subfolder(tmp_path):
    backend = LocalVisBackend(str(tmp_path))
    backend.add_image("val/img", np.zeros((4, 5, 3), np.uint8), step=2)
    assert osp.isfile(tmp_path / "vis_image" / "val" / "img_2.png")
    assert [p.name for p in (tmp_path / "vis_image" / "val").iterdir()] == ["img_2.png"]


def test_tensorboard_bad_scalars_and_images(tmp_path):
    pytest.importorskip("tensorboard")
    backend = TensorboardVisBackend(str(tmp_path))
    for value in (torch.tensor([1.0, 2.0]), np.array([1.0, 2.0])):
        with pytest.raises(AssertionError, match=r"one element.*add_scalar\('a'\)"):
            backend.add_scalar("a", value)
    with pytest.raises(AssertionError, match=r"add_scalar\('b'\)"):
        backend.add_scalars({"b": torch.ones(3)})
    with pytest.raises(TypeError, match=r"\(C, H, W\).*transpose"):
        backend.add_image("img", np.zeros((3, 8, 9), np.uint8))
    backend.add_image("gray", np.zeros((8, 9), np.uint8))  # 0.10 failed on gray images
    backend.close()


def test_fig_cfg_of_a_wrong_type_fails_when_built_and_a_typo_names_the_option():
    with pytest.raises(TypeError, match="fig_save_cfg should be a dict"):
        Visualizer(name="fig_cfg_none", fig_save_cfg=None)
    with pytest.raises(TypeError, match="fig_show_cfg should be a dict"):
        Visualizer(name="fig_show_none", fig_show_cfg="frameon")
    vis = Visualizer(name="fig_cfg_typo", image=IMAGE, fig_save_cfg=dict(framon=False))
    with pytest.raises(AttributeError, match="framon.*fig_save_cfg/fig_show_cfg"):
        vis.draw_points(np.array([1, 1]))


def test_matplotlib_attribute_errors_keep_their_class_and_name_the_call(vis):
    with pytest.raises(AttributeError, match="facecolr.*Visualizer.draw_texts"):
        vis.draw_texts("a", np.array([1, 1]), bboxes=dict(facecolr="red"))
