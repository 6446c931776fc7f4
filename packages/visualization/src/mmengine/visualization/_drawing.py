"""The Visualizer's drawing primitives: points, texts, lines, circles, boxes, polygons, masks.

Each checks its arguments, warns when the shapes leave the image, draws onto the canvas's
matplotlib axes and returns the visualizer, so calls chain.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, Optional, Union

import numpy as np
import torch

from ._canvas import CanvasMixin, _import_matplotlib
from .utils import (
    ColorType,
    check_type,
    check_type_and_length,
    color_str2rgb,
    color_val_matplotlib,
    tensor2ndarray,
    value2list,
)

if TYPE_CHECKING:
    from matplotlib.font_manager import FontProperties

    from .visualizer import Visualizer

ArrayLike = Union[np.ndarray, torch.Tensor]


class DrawingMixin(CanvasMixin):
    """The drawing methods of the Visualizer (chainable)."""

    def draw_points(
        self,
        positions: ArrayLike,
        colors: ColorType = "g",
        marker: Optional[str] = None,
        sizes: Optional[ArrayLike] = None,
    ) -> Visualizer:
        """Draw single or multiple points.

        Args:
            positions (np.ndarray or torch.Tensor): Positions to draw, (2,) or
                (N, 2) as (x, y).
            colors (str, tuple, list): The colors of points. Defaults to 'g'.
            marker (str, optional): The marker style (see
                ``matplotlib.markers``). Defaults to None.
            sizes (np.ndarray or torch.Tensor, optional): The marker sizes.
                Defaults to None.

        Returns:
            Visualizer: self, for chaining.
        """
        check_type("positions", positions, (np.ndarray, torch.Tensor))
        positions = tensor2ndarray(positions)
        if positions.ndim == 1:
            positions = positions[None]
        assert positions.shape[-1] == 2, (
            f"The shape of `positions` should be (N, 2), but got {positions.shape}"
        )
        if sizes is not None:
            sizes = tensor2ndarray(sizes)
        ax = self._axes("draw_points")
        ax.scatter(
            positions[:, 0], positions[:, 1], c=color_val_matplotlib(colors), s=sizes, marker=marker
        )
        return self

    def draw_texts(
        self,
        texts: Union[str, list[str]],
        positions: ArrayLike,
        font_sizes: Optional[Union[int, list[int]]] = None,
        colors: ColorType = "g",
        vertical_alignments: Union[str, list[str]] = "top",
        horizontal_alignments: Union[str, list[str]] = "left",
        font_families: Union[str, list[str]] = "sans-serif",
        bboxes: Optional[Union[dict, list[dict]]] = None,
        font_properties: Optional[Union[FontProperties, list[FontProperties]]] = None,
    ) -> Visualizer:
        """Draw single or multiple text boxes.

        Args:
            texts (str or list[str]): Texts to draw.
            positions (np.ndarray or torch.Tensor): The (x, y) position of each
                text, of shape (2,) or (N, 2).
            font_sizes (int or list[int], optional): The font size(s).
                Defaults to None (derived from the image size).
            colors (str, tuple, list): The colors of texts. Defaults to 'g'.
            vertical_alignments (str or list[str]): 'center', 'top', 'bottom'
                or 'baseline'. Defaults to 'top'.
            horizontal_alignments (str or list[str]): 'center', 'right' or
                'left'. Defaults to 'left'.
            font_families (str or list[str]): 'serif', 'sans-serif',
                'cursive', 'fantasy' or 'monospace'. Defaults to 'sans-serif'.
            bboxes (dict or list[dict], optional): ``FancyBboxPatch`` properties
                of a box around each text. Defaults to None.
            font_properties (FontProperties or list, optional): Font
                properties, e.g. to draw CJK text. Defaults to None.

        Returns:
            Visualizer: self, for chaining.
        """
        check_type("texts", texts, (str, list))
        if isinstance(texts, str):
            texts = [texts]
        points = self._text_positions(positions, len(texts))
        if font_sizes is None:
            font_sizes = self._default_font_size
        styles = _text_styles(
            len(texts),
            font_sizes,
            colors,
            vertical_alignments,
            horizontal_alignments,
            font_families,
            font_properties,
            bboxes,
        )
        ax = self._axes("draw_texts")
        for text, (x, y), style in zip(texts, points, styles, strict=True):
            ax.text(x, y, text, **style)
        return self

    def _text_positions(self, positions: ArrayLike, num_text: int) -> list:
        """The (x, y) of each of ``num_text`` texts as a list; warns when one is off the image."""
        check_type("positions", positions, (np.ndarray, torch.Tensor))
        positions = tensor2ndarray(positions)
        if positions.ndim == 1:
            positions = positions[None]
        assert positions.shape == (num_text, 2), (
            f"`positions` should have the shape of ({num_text}, 2), but got {positions.shape}"
        )
        self._require_image("draw_texts")
        if not self._is_posion_valid(positions):
            warnings.warn(
                "Warning: The text is out of bounds, the drawn text may not be in the image",
                UserWarning,
                stacklevel=3,
            )
        return positions.tolist()

    def draw_lines(
        self,
        x_datas: ArrayLike,
        y_datas: ArrayLike,
        colors: ColorType = "g",
        line_styles: Union[str, list[str]] = "-",
        line_widths: Union[int, float, list] = 2,
    ) -> Visualizer:
        """Draw single or multiple line segments.

        Args:
            x_datas (np.ndarray or torch.Tensor): The x coordinates of each
                line's start and end points, (2,) or (N, 2).
            y_datas (np.ndarray or torch.Tensor): The y coordinates, same
                shape as ``x_datas``.
            colors (str, tuple, list): The colors of lines. Defaults to 'g'.
            line_styles (str or list[str]): The linestyle of lines.
                Defaults to '-'.
            line_widths (int, float or list): The linewidth of lines.
                Defaults to 2.

        Returns:
            Visualizer: self, for chaining.
        """
        check_type("x_datas", x_datas, (np.ndarray, torch.Tensor))
        check_type("y_datas", y_datas, (np.ndarray, torch.Tensor))
        x_datas = tensor2ndarray(x_datas)
        y_datas = tensor2ndarray(y_datas)
        assert x_datas.shape == y_datas.shape, (
            "`x_datas` and `y_datas` should have the same shape, but got "
            f"{x_datas.shape} and {y_datas.shape}"
        )
        assert x_datas.shape[-1] == 2, (
            f"The shape of `x_datas` should be (N, 2), but got {x_datas.shape}"
        )
        if x_datas.ndim == 1:
            x_datas = x_datas[None]
            y_datas = y_datas[None]
        self._require_image("draw_lines")
        lines = np.stack((x_datas.reshape(-1, 2), y_datas.reshape(-1, 2)), axis=-1)
        if not self._is_posion_valid(lines):
            warnings.warn(
                "Warning: The line is out of bounds, the drawn line may not be in the image",
                UserWarning,
                stacklevel=2,
            )
        _import_matplotlib()
        from matplotlib.collections import LineCollection

        ax = self._axes("draw_lines")
        line_collect = LineCollection(
            lines.tolist(),
            colors=color_val_matplotlib(colors),
            linestyles=line_styles,
            linewidths=line_widths,
        )
        ax.add_collection(line_collect)
        return self

    def draw_circles(
        self,
        center: ArrayLike,
        radius: ArrayLike,
        edge_colors: ColorType = "g",
        line_styles: Union[str, list[str]] = "-",
        line_widths: Union[int, float, list] = 2,
        face_colors: ColorType = "none",
        alpha: Union[int, float] = 0.8,
    ) -> Visualizer:
        """Draw single or multiple circles.

        Args:
            center (np.ndarray or torch.Tensor): The (x, y) centers, (2,) or
                (N, 2).
            radius (np.ndarray or torch.Tensor): The radii, (N,).
            edge_colors (str, tuple, list): The edge colors. Defaults to 'g'.
            line_styles (str or list[str]): The linestyles. Defaults to '-'.
            line_widths (int, float or list): The line widths. Defaults to 2.
            face_colors (str, tuple, list): The face colors. Defaults to 'none'.
            alpha (int or float): The transparency of circles. Defaults to 0.8.

        Returns:
            Visualizer: self, for chaining.
        """
        check_type("center", center, (np.ndarray, torch.Tensor))
        center = tensor2ndarray(center)
        check_type("radius", radius, (np.ndarray, torch.Tensor))
        radius = np.asarray(tensor2ndarray(radius)).reshape(-1)
        if center.ndim == 1:
            center = center[None]
        assert center.shape == (radius.shape[0], 2), (
            "The shape of `center` should be (radius.shape, 2), but got "
            f"{center.shape} for {radius.shape[0]} radii"
        )
        self._require_image("draw_circles")
        if not self._is_posion_valid(center):
            warnings.warn(
                "Warning: The circle is out of bounds, the drawn circle may not be in the image",
                UserWarning,
                stacklevel=2,
            )
        _import_matplotlib()
        from matplotlib.collections import PatchCollection
        from matplotlib.patches import Circle

        circles = [
            Circle(tuple(c), r) for c, r in zip(center.tolist(), radius.tolist(), strict=False)
        ]
        ax = self._axes("draw_circles")
        collection = PatchCollection(
            circles,
            alpha=alpha,
            facecolors=color_val_matplotlib(face_colors),
            edgecolors=color_val_matplotlib(edge_colors),
            linewidths=self._clamp_line_widths(line_widths, len(circles)),
            linestyles=line_styles,
        )
        ax.add_collection(collection)
        return self

    def draw_bboxes(
        self,
        bboxes: ArrayLike,
        edge_colors: ColorType = "g",
        line_styles: Union[str, list[str]] = "-",
        line_widths: Union[int, float, list] = 2,
        face_colors: ColorType = "none",
        alpha: Union[int, float] = 0.8,
    ) -> Visualizer:
        """Draw single or multiple bboxes.

        Args:
            bboxes (np.ndarray or torch.Tensor): The bboxes to draw with the
                format of (x1, y1, x2, y2), shape (4,) or (N, 4).
            edge_colors (str, tuple, list): The colors of bboxes. Defaults to 'g'.
            line_styles (str or list[str]): The linestyle of lines.
                Defaults to '-'.
            line_widths (int, float or list): The linewidth of lines.
                Defaults to 2.
            face_colors (str, tuple, list): The face colors. Defaults to 'none'.
            alpha (int or float): The transparency of bboxes. Defaults to 0.8.

        Returns:
            Visualizer: self, for chaining.
        """
        check_type("bboxes", bboxes, (np.ndarray, torch.Tensor))
        bboxes = tensor2ndarray(bboxes)
        if bboxes.ndim == 1:
            bboxes = bboxes[None]
        assert bboxes.shape[-1] == 4, (
            f"The shape of `bboxes` should be (N, 4), but got {bboxes.shape}"
        )
        assert (bboxes[:, 0] <= bboxes[:, 2]).all() and (bboxes[:, 1] <= bboxes[:, 3]).all(), (
            "Each bbox must be (x1, y1, x2, y2) with x1 <= x2 and y1 <= y2"
        )
        self._require_image("draw_bboxes")
        if not self._is_posion_valid(bboxes.reshape((-1, 2, 2))):
            warnings.warn(
                "Warning: The bbox is out of bounds, the drawn bbox may not be in the image",
                UserWarning,
                stacklevel=2,
            )
        x1, y1, x2, y2 = bboxes[:, 0], bboxes[:, 1], bboxes[:, 2], bboxes[:, 3]
        corners = np.stack((x1, y1, x2, y1, x2, y2, x1, y2), axis=-1).reshape(-1, 4, 2)
        return self.draw_polygons(
            list(corners),
            edge_colors=edge_colors,
            line_styles=line_styles,
            line_widths=line_widths,
            face_colors=face_colors,
            alpha=alpha,
        )

    def draw_polygons(
        self,
        polygons: Union[ArrayLike, list[ArrayLike]],
        edge_colors: ColorType = "g",
        line_styles: Union[str, list[str]] = "-",
        line_widths: Union[int, float, list] = 2,
        face_colors: ColorType = "none",
        alpha: Union[int, float] = 0.8,
    ) -> Visualizer:
        """Draw single or multiple polygons.

        Args:
            polygons (np.ndarray, torch.Tensor or list of them): The polygons,
                each of shape (K, 2) as (x, y) vertices.
            edge_colors (str, tuple, list): The colors of polygons.
                Defaults to 'g'.
            line_styles (str or list[str]): The linestyle of lines.
                Defaults to '-'.
            line_widths (int, float or list): The linewidth of lines.
                Defaults to 2.
            face_colors (str, tuple, list): The face colors. Defaults to 'none'.
            alpha (int or float): The transparency of polygons. Defaults to 0.8.

        Returns:
            Visualizer: self, for chaining.
        """
        check_type("polygons", polygons, (list, np.ndarray, torch.Tensor))
        if isinstance(polygons, (np.ndarray, torch.Tensor)):
            polygons = [polygons]
        polygons = [np.asarray(tensor2ndarray(polygon)) for polygon in polygons]
        for polygon in polygons:
            assert polygon.ndim == 2 and polygon.shape[1] == 2, (
                "Each polygon should have the shape of (K, 2) (x, y vertices), but got "
                f"{polygon.shape}"
            )
        self._require_image("draw_polygons")
        for polygon in polygons:
            if not self._is_posion_valid(polygon):
                warnings.warn(
                    "Warning: The polygon is out of bounds, the drawn polygon may not be in "
                    "the image",
                    UserWarning,
                    stacklevel=2,
                )
                break
        _import_matplotlib()
        from matplotlib.collections import PolyCollection

        ax = self._axes("draw_polygons")
        collection = PolyCollection(
            polygons,
            alpha=alpha,
            facecolor=color_val_matplotlib(face_colors),
            linestyles=line_styles,
            edgecolors=color_val_matplotlib(edge_colors),
            linewidths=self._clamp_line_widths(line_widths, len(polygons)),
        )
        ax.add_collection(collection)
        return self

    def draw_binary_masks(
        self,
        binary_masks: ArrayLike,
        colors: Union[ColorType, np.ndarray] = "g",
        alphas: Union[float, list[float]] = 0.8,
    ) -> Visualizer:
        """Draw single or multiple binary masks.

        Args:
            binary_masks (np.ndarray or torch.Tensor): Boolean masks of shape
                (H, W) or (N, H, W), where H, W are the image height and width.
            colors (str, tuple, list): The color(s) of the masks, names or RGB
                tuples. Defaults to 'g'.
            alphas (float or list[float]): The transparency of masks.
                Defaults to 0.8.

        Returns:
            Visualizer: self, for chaining.
        """
        check_type("binary_masks", binary_masks, (np.ndarray, torch.Tensor))
        binary_masks = tensor2ndarray(binary_masks)
        assert binary_masks.dtype == np.bool_, (
            f"The dtype of binary_masks should be np.bool_, but got {binary_masks.dtype}"
        )
        self._require_image("draw_binary_masks")
        img = self.get_image()
        if binary_masks.ndim == 2:
            binary_masks = binary_masks[None]
        assert img.shape[:2] == binary_masks.shape[1:], (
            "`binary_masks` must have the same shape with image: image "
            f"{img.shape[:2]}, masks {binary_masks.shape[1:]}"
        )
        num_masks = binary_masks.shape[0]
        colors = _mask_colors(colors, num_masks)
        if isinstance(alphas, (int, float)):
            alphas = [alphas] * num_masks
        check_type_and_length("alphas", alphas, list, num_masks)
        out = _blend_masks(img, binary_masks, colors, alphas)

        ax = self._axes("draw_binary_masks")
        ax.imshow(out, extent=(0, self.width, self.height, 0), interpolation="nearest")
        return self


def _mask_colors(colors: Union[ColorType, np.ndarray], num_masks: int) -> list[tuple]:
    """One RGB tuple (channels in [0, 255]) per mask, from names, tuples or an array."""
    if isinstance(colors, np.ndarray):
        # An RGB array (3,) for all masks or (N, 3) for one colour each.
        colors = (
            tuple(colors.tolist())
            if colors.ndim == 1
            else [tuple(color) for color in colors.tolist()]
        )
    check_type_and_length("colors", colors, (str, tuple, list), num_masks)
    colors = value2list(colors, (str, tuple), num_masks)
    colors = [color_str2rgb(c) if isinstance(c, str) else tuple(c) for c in colors]
    for color in colors:
        assert len(color) == 3, f"A mask colour must be RGB (3 values), but got {color}"
        for channel in color:
            assert 0 <= channel <= 255, f"Mask colour channels must be in [0, 255]: {color}"
    return colors


def _blend_masks(
    img: np.ndarray, masks: np.ndarray, colors: list[tuple], alphas: list[float]
) -> np.ndarray:
    """``img`` with each mask's pixels blended towards its colour by its alpha (uint8)."""
    blended = img.astype(np.float32)
    for mask, color, alpha in zip(masks, colors, alphas, strict=False):
        colored = blended.copy()
        colored[mask] = np.asarray(color, dtype=np.float32)
        blended = blended * (1 - alpha) + colored * alpha
    return np.clip(np.round(blended), 0, 255).astype(np.uint8)


def _text_styles(
    num_text: int,
    font_sizes: Any,
    colors: ColorType,
    vertical_alignments: Union[str, list[str]],
    horizontal_alignments: Union[str, list[str]],
    font_families: Union[str, list[str]],
    font_properties: Any,
    bboxes: Optional[Union[dict, list[dict]]],
) -> list[dict]:
    """The ``Axes.text`` keyword arguments of each of ``num_text`` texts (checked, and a single
    value repeated for every text)."""
    check_type_and_length("font_sizes", font_sizes, (int, float, list), num_text)
    font_sizes = value2list(font_sizes, (int, float), num_text)
    check_type_and_length("colors", colors, (str, tuple, list), num_text)
    colors = color_val_matplotlib(value2list(colors, (str, tuple), num_text))
    check_type_and_length("vertical_alignments", vertical_alignments, (str, list), num_text)
    vertical_alignments = value2list(vertical_alignments, str, num_text)
    check_type_and_length("horizontal_alignments", horizontal_alignments, (str, list), num_text)
    horizontal_alignments = value2list(horizontal_alignments, str, num_text)
    check_type_and_length("font_families", font_families, (str, list), num_text)
    font_families = value2list(font_families, str, num_text)
    if font_properties is None:
        font_properties = [None] * num_text
    elif not isinstance(font_properties, list):
        font_properties = [font_properties] * num_text
    else:
        check_type_and_length("font_properties", font_properties, list, num_text)
    if bboxes is None:
        bboxes = [None] * num_text
    else:
        check_type_and_length("bboxes", bboxes, (dict, list), num_text)
        bboxes = value2list(bboxes, dict, num_text)
    return [
        dict(
            size=font_sizes[i],
            bbox=bboxes[i],
            verticalalignment=vertical_alignments[i],
            horizontalalignment=horizontal_alignments[i],
            family=font_families[i],
            fontproperties=font_properties[i],
            color=colors[i],
        )
        for i in range(num_text)
    ]
