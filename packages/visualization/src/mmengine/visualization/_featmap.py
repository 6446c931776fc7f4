"""``Visualizer.draw_featmap``: a feature map as a heat map, optionally over an image."""

from __future__ import annotations

import warnings
from typing import Any, Optional

import numpy as np
import torch
import torch.nn.functional as F

from ._canvas import _import_matplotlib, check_image_array
from ._errors import BadSizeError
from .utils import _optional_cv2, convert_overlay_heatmap, img_from_canvas


def _resize_image(image: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Bilinear resize of an (H, W, C) uint8 image to ``shape`` (H, W): OpenCV's, as 0.10,
    where it is installed; else torch's (within 2 levels)."""
    cv2 = _optional_cv2()
    if cv2 is not None:
        return cv2.resize(image, (shape[1], shape[0]), interpolation=cv2.INTER_LINEAR)
    tensor = torch.from_numpy(np.ascontiguousarray(image)).float().permute(2, 0, 1)[None]
    resized = F.interpolate(tensor, size=tuple(shape), mode="bilinear", align_corners=False)
    out = resized[0].permute(1, 2, 0).round().clamp(0, 255).to(torch.uint8)
    return out.numpy()


def draw_featmap(
    featmap: torch.Tensor,
    overlaid_image: Optional[np.ndarray] = None,
    channel_reduction: Optional[str] = "squeeze_mean",
    topk: int = 20,
    arrangement: tuple[int, int] = (4, 5),
    resize_shape: Optional[tuple] = None,
    alpha: float = 0.5,
) -> np.ndarray:
    """Draw a feature map (C, H, W) as a heat map, optionally over an image.

    - If ``overlaid_image`` is given, the output is the weighted sum of the
      image and the heat map; a feature map of another spatial size is
      interpolated to the image's size (unless ``resize_shape`` is given).
    - If ``resize_shape`` is given, the feature map and image are resized.
    - ``channel_reduction`` 'squeeze_mean' averages the channels;
      'select_max' keeps the channel with the largest activation sum.
    - With ``channel_reduction=None``: if ``topk <= 0`` the feature map
      must have 1 or 3 channels and is shown as is; otherwise the ``topk``
      channels with the largest activation are tiled in an ``arrangement``
      (rows, cols) grid.

    Args:
        featmap (torch.Tensor): The featmap to draw, format (C, H, W).
        overlaid_image (np.ndarray, optional): The overlaid RGB image.
            Defaults to None.
        channel_reduction (str, optional): 'squeeze_mean', 'select_max' or
            None. Defaults to 'squeeze_mean'.
        topk (int): Number of channels to show when ``channel_reduction``
            is None. Defaults to 20.
        arrangement (Tuple[int, int]): The (rows, cols) layout of the topk
            channels. Defaults to (4, 5).
        resize_shape (tuple, optional): The (H, W) to scale the feature map
            to. Defaults to None.
        alpha (float): The weight of the heat map. Defaults to 0.5.

    Returns:
        np.ndarray: RGB image (H, W, 3), or (H * rows, W * cols, 3) for the
        topk layout.
    """
    assert isinstance(featmap, torch.Tensor), (
        f"`featmap` should be torch.Tensor, but got {type(featmap)}"
    )
    assert featmap.ndim == 3, (
        f"Input dimension must be 3, but got {featmap.ndim}: draw_featmap expects one feature "
        f"map of shape (C, H, W), got {tuple(featmap.shape)}"
        + ("; for a batch, pass featmap[0]" if featmap.ndim == 4 else "")
    )
    if featmap.shape[1] == 0 or featmap.shape[2] == 0:
        raise ValueError(
            f"Visualizer.draw_featmap: the feature map has no pixels (shape "
            f"{tuple(featmap.shape)}); pass a feature map of shape (C, H, W) with H, W > 0"
        )
    if featmap.shape[0] == 0:
        warnings.warn(
            "Visualizer.draw_featmap: the feature map has 0 channels (shape "
            f"{tuple(featmap.shape)}), so the heat map is meaningless (NaN); check which "
            "layer's output you pass",
            UserWarning,
            stacklevel=2,
        )
    assert channel_reduction in ("squeeze_mean", "select_max", None), (
        f'Mode only support "squeeze_mean", "select_max", but got {channel_reduction}; pass '
        "channel_reduction='squeeze_mean', 'select_max' or None (None shows the topk channels)"
    )
    resize_shape = _check_resize_shape(resize_shape)
    if channel_reduction is None and topk > 0:
        _check_topk(topk, arrangement)
    featmap, overlaid_image = _match_sizes(
        featmap.detach().cpu().float(), overlaid_image, resize_shape
    )
    if channel_reduction is not None:
        return convert_overlay_heatmap(
            _reduce_channels(featmap, channel_reduction), overlaid_image, alpha
        )
    if topk <= 0:
        featmap_channel = featmap.shape[0]
        assert featmap_channel in (1, 3), (
            "The input tensor channel dimension must be 1 or 3 when topk is less than 1, "
            f"but the channel dimension you input is {featmap_channel}, you can use the "
            "channel_reduction parameter or set topk greater than 0 to solve the error"
        )
        return convert_overlay_heatmap(featmap, overlaid_image, alpha)
    return _tile_topk(featmap, overlaid_image, topk, arrangement, alpha)


def _check_resize_shape(resize_shape: Any) -> Optional[tuple[int, int]]:
    """``resize_shape`` as a (H, W) tuple of positive ints (an int means a square)."""
    if resize_shape is None:
        return None
    if isinstance(resize_shape, (int, np.integer)) and not isinstance(resize_shape, bool):
        resize_shape = (int(resize_shape), int(resize_shape))
    if not isinstance(resize_shape, (tuple, list)) or len(resize_shape) != 2:
        raise ValueError(
            "Visualizer.draw_featmap: resize_shape should be (H, W) or an int, but got "
            f"{resize_shape!r}"
        )
    if not all(
        isinstance(size, (int, np.integer)) and not isinstance(size, bool) for size in resize_shape
    ):
        raise TypeError(
            "Visualizer.draw_featmap: resize_shape should hold two ints (H, W), but got "
            f"{resize_shape!r}; round them, e.g. (int(h), int(w))"
        )
    if min(resize_shape) <= 0:
        raise BadSizeError(
            "Visualizer.draw_featmap: resize_shape should be positive (H, W), but got "
            f"{tuple(resize_shape)!r}"
        )
    return (int(resize_shape[0]), int(resize_shape[1]))


def _check_topk(topk: Any, arrangement: Any) -> None:
    """``topk`` is an int and ``arrangement`` two positive ints (rows, cols)."""
    if not isinstance(topk, (int, np.integer)):
        raise TypeError(
            f"Visualizer.draw_featmap: topk should be an int, but got {topk!r} ({type(topk)})"
        )
    if (
        not isinstance(arrangement, (tuple, list))
        or len(arrangement) != 2
        or not all(isinstance(n, (int, np.integer)) and n > 0 for n in arrangement)
    ):
        raise ValueError(
            "Visualizer.draw_featmap: arrangement should be two positive ints (rows, cols), "
            f"such as (4, 5), but got {arrangement!r}"
        )


def _check_overlaid_image(overlaid_image: Any) -> np.ndarray:
    """``overlaid_image`` as an (H, W, 3) array (gray expanded, alpha dropped)."""
    overlaid_image = check_image_array(overlaid_image, "Visualizer.draw_featmap(overlaid_image)")
    if overlaid_image.ndim == 2:
        overlaid_image = np.repeat(overlaid_image[..., None], 3, axis=-1)
    if overlaid_image.ndim != 3 or overlaid_image.shape[-1] not in (1, 3, 4):
        hint = (
            "; it looks like (C, H, W): convert it with image.transpose(1, 2, 0)"
            if overlaid_image.ndim == 3 and overlaid_image.shape[0] in (1, 3, 4)
            else ""
        )
        raise ValueError(
            "Visualizer.draw_featmap: overlaid_image should be an RGB image of shape (H, W, 3), "
            f"but got shape {overlaid_image.shape}{hint}"
        )
    if overlaid_image.shape[-1] == 1:
        overlaid_image = np.repeat(overlaid_image, 3, axis=-1)
    return overlaid_image[..., :3]


def _match_sizes(
    featmap: torch.Tensor, overlaid_image: Optional[np.ndarray], resize_shape: Optional[tuple]
) -> tuple[torch.Tensor, Optional[np.ndarray]]:
    """The feature map (C, H, W) and the RGB image at one size: ``resize_shape`` if given,
    else the image's (warning when the feature map must be interpolated to it)."""
    if overlaid_image is not None:
        overlaid_image = _check_overlaid_image(overlaid_image)
        if overlaid_image.shape[:2] != tuple(featmap.shape[1:]):
            warnings.warn(
                f"Since the spatial dimensions of overlaid_image: "
                f"{overlaid_image.shape[:2]} and featmap: {featmap.shape[1:]} are "
                "not same, the feature map will be interpolated. This may cause "
                "mismatch problems !",
                stacklevel=3,
            )
            if resize_shape is None:
                featmap = F.interpolate(
                    featmap[None],
                    overlaid_image.shape[:2],
                    mode="bilinear",
                    align_corners=False,
                )[0]
    if resize_shape is not None:
        featmap = F.interpolate(
            featmap[None], tuple(resize_shape), mode="bilinear", align_corners=False
        )[0]
        if overlaid_image is not None:
            overlaid_image = _resize_image(overlaid_image, tuple(resize_shape))
    return featmap, overlaid_image


def _reduce_channels(featmap: torch.Tensor, channel_reduction: str) -> torch.Tensor:
    """The channel mean ('squeeze_mean') or the channel with the largest sum ('select_max')."""
    if channel_reduction == "select_max":
        channel_sums = torch.sum(featmap, dim=(1, 2))
        _, indices = torch.topk(channel_sums, 1)
        return featmap[indices]
    return torch.mean(featmap, dim=0)


def _tile_topk(
    featmap: torch.Tensor,
    overlaid_image: Optional[np.ndarray],
    topk: int,
    arrangement: tuple[int, int],
    alpha: float,
) -> np.ndarray:
    """The ``topk`` channels with the largest sums as heat maps in a (rows, cols) grid."""
    row, col = arrangement
    channel, height, width = featmap.shape
    assert row * col >= topk, (
        "The product of row and col in the `arrangement` is less than topk, please set "
        f"the `arrangement` correctly (got arrangement={arrangement}, topk={topk})"
    )
    topk = min(channel, topk)
    channel_sums = torch.sum(featmap, dim=(1, 2))
    _, indices = torch.topk(channel_sums, topk)
    topk_featmap = featmap[indices]

    _import_matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(frameon=False)
    canvas = FigureCanvasAgg(fig)
    fig.subplots_adjust(left=0, right=1, bottom=0, top=1, wspace=0, hspace=0)
    dpi = fig.get_dpi()
    fig.set_size_inches((width * col + 1e-2) / dpi, (height * row + 1e-2) / dpi)
    for i in range(topk):
        axes = fig.add_subplot(row, col, i + 1)
        axes.axis("off")
        axes.text(2, 15, f"channel: {indices[i]}", fontsize=10)
        axes.imshow(convert_overlay_heatmap(topk_featmap[i], overlaid_image, alpha))
    return img_from_canvas(canvas)
