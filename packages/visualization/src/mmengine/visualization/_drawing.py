"""The Visualizer's drawing primitives: points, texts, lines, circles, boxes, polygons, masks.

Each checks its arguments, warns when the shapes leave the image, draws onto the canvas's
matplotlib axes and returns the visualizer, so calls chain.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Optional, Union

import numpy as np
import torch

from ._canvas import CanvasMixin, _import_matplotlib
from ._errors import ShapeError
from .utils import (
    ColorType,
    _add_weighted,
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
        _check_color_names("draw_points", "colors", colors)
        with _matplotlib_args(
            "draw_points", num_points=len(positions), colors=colors, sizes=sizes, marker=marker
        ):
            ax.scatter(
                positions[:, 0],
                positions[:, 1],
                c=color_val_matplotlib(colors),
                s=sizes,
                marker=marker,
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
        _check_color_names("draw_texts", "colors", colors)
        for index, (text, (x, y), style) in enumerate(zip(texts, points, styles, strict=True)):
            with _matplotlib_args("draw_texts", text_index=index, text=text, **style):
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
        _check_color_names("draw_lines", "colors", colors)
        for name, value in (
            ("colors", colors),
            ("line_styles", line_styles),
            ("line_widths", line_widths),
        ):
            _warn_short("draw_lines", name, value, len(lines), "lines")
        with _matplotlib_args(
            "draw_lines", colors=colors, line_styles=line_styles, line_widths=line_widths
        ):
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
        style = dict(
            edge_colors=edge_colors,
            face_colors=face_colors,
            line_styles=line_styles,
            line_widths=line_widths,
        )
        self._check_styles("draw_circles", style, len(circles), "circles")
        with _matplotlib_args("draw_circles", alpha=alpha, **style):
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
        if bboxes.ndim != 2 or bboxes.shape[-1] != 4:
            raise ShapeError(
                f"The shape of `bboxes` should be (N, 4), but got {bboxes.shape}; each row is "
                "(x1, y1, x2, y2)"
            )
        _check_box_corners(bboxes)
        _check_color_names("draw_bboxes", "edge_colors", edge_colors)
        _check_color_names("draw_bboxes", "face_colors", face_colors)
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
            if not (polygon.ndim == 2 and polygon.shape[1] == 2):
                # ShapeError is also the IndexError 0.10 raised for a 1-D polygon.
                raise ShapeError(
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
        style = dict(
            edge_colors=edge_colors,
            face_colors=face_colors,
            line_styles=line_styles,
            line_widths=line_widths,
        )
        self._check_styles("draw_polygons", style, len(polygons), "polygons")
        with _matplotlib_args("draw_polygons", alpha=alpha, **style):
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

    @staticmethod
    def _check_styles(api: str, style: dict, count: int, what: str) -> None:
        """Check the colour names and warn about per-item lists shorter than ``count``."""
        _check_color_names(api, "edge_colors", style["edge_colors"])
        _check_color_names(api, "face_colors", style["face_colors"])
        for name, value in style.items():
            _warn_short(api, name, value, count, what)

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
            f"The dtype of binary_masks should be np.bool_, but got {binary_masks.dtype}; "
            "convert them with masks.astype(bool) (numpy) or masks.bool() (torch)"
        )
        self._require_image("draw_binary_masks")
        img = self.get_image()
        if binary_masks.ndim == 2:
            binary_masks = binary_masks[None]
        assert binary_masks.ndim == 3 and img.shape[:2] == binary_masks.shape[1:], (
            "`binary_masks` must have the same shape with image: the masks should be (H, W) or "
            f"(N, H, W) with (H, W) = {img.shape[:2]} (the image's height and width), but got "
            f"masks of shape {binary_masks.shape}"
        )
        num_masks = binary_masks.shape[0]
        colors = _mask_colors(colors, num_masks)
        if isinstance(alphas, (int, float)):
            alphas = [alphas] * num_masks
        check_type("alphas", alphas, list)
        if len(alphas) < num_masks:
            # 0.10 drew only the masks that have an alpha (zip): so do we, but say so.
            warnings.warn(
                f"Visualizer.draw_binary_masks: `alphas` has {len(alphas)} values for "
                f"{num_masks} masks, so only the first {len(alphas)} masks are drawn (as in "
                "mmengine 0.10). Pass one alpha per mask, or a single float for all of them",
                UserWarning,
                stacklevel=2,
            )
        out = _blend_masks(img, binary_masks, colors, alphas)

        ax = self._axes("draw_binary_masks")
        ax.imshow(out, extent=(0, self.width, self.height, 0), interpolation="nearest")
        return self


def _check_box_corners(bboxes: np.ndarray) -> None:
    """AssertionError naming the first box with x2 < x1, y2 < y1 or a NaN coordinate."""
    bad = ~((bboxes[:, 0] <= bboxes[:, 2]) & (bboxes[:, 1] <= bboxes[:, 3]))
    if not bad.any():
        return
    index = int(np.flatnonzero(bad)[0])
    box = bboxes[index].tolist()
    if np.isnan(np.asarray(bboxes[index], dtype=float)).any():
        reason = "a NaN coordinate"
    else:
        reason = ("x2 < x1" if box[2] < box[0] else "y2 < y1") + (
            "; if your boxes are (x, y, w, h), convert them first: x2 = x + w, y2 = y + h"
        )
    raise AssertionError(
        "Each bbox must be (x1, y1, x2, y2) with x1 <= x2 and y1 <= y2, but bbox "
        f"{index} {box} has {reason}"
    )


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
    _check_color_names("draw_binary_masks", "colors", colors)
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
    """``img`` with each mask's pixels blended towards its colour by its alpha, one mask after
    the other, each result rounded to uint8 before the next: the pixels 0.10 gives (it blends
    with OpenCV's ``addWeighted``, whose float32 arithmetic and rounding this reproduces)."""
    blended = img
    for mask, color, alpha in zip(masks, colors, alphas, strict=False):
        colored = blended.copy()
        colored[mask] = np.asarray(color)
        blended = _add_weighted(blended, 1 - alpha, colored, alpha)
    return blended


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


def _check_color_names(api: str, name: str, colors: Any) -> None:
    """Raise ValueError naming the argument if a colour name in ``colors`` is unknown."""
    _import_matplotlib()
    from matplotlib.colors import is_color_like

    names = [colors] if isinstance(colors, str) else colors if isinstance(colors, list) else []
    for color in names:
        if isinstance(color, str) and not is_color_like(color):
            raise ValueError(
                f"{color!r} is not a valid color value. (Visualizer.{api}: `{name}` got "
                f"{color!r}; use a matplotlib colour name such as 'green' or 'r', a hex string "
                "such as '#00ff00', or an RGB tuple with channels in [0, 255] such as (0, 255, 0))"
            )


def _warn_short(api: str, name: str, value: Any, count: int, what: str) -> None:
    """Warn when a per-item list has fewer entries than items (matplotlib would cycle it)."""
    if isinstance(value, list) and 0 < len(value) < count:
        warnings.warn(
            f"Visualizer.{api}: `{name}` has {len(value)} "
            f"{'entry' if len(value) == 1 else 'entries'} for {count} {what}; matplotlib "
            f"repeats them cyclically. Pass a single value or one per {what[:-1]}",
            UserWarning,
            stacklevel=4,
        )


@contextlib.contextmanager
def _matplotlib_args(api: str, **arguments: Any) -> Iterator[None]:
    """Add which Visualizer API and arguments were involved to a matplotlib error (same class)."""
    try:
        yield
    except (ValueError, TypeError, AttributeError) as err:
        shown = ", ".join(f"{key}={value!r:.60}" for key, value in arguments.items())
        message = (
            f"{err} (raised by matplotlib in Visualizer.{api}, called with {shown}; colours are "
            "names such as 'green', '#00ff00' or RGB tuples in [0, 255], line styles '-', '--', "
            "'-.' or ':', alpha a number in [0, 1], and per-item lists need one entry per item)"
        )
        try:
            explained = type(err)(message)
        except Exception:  # an error class with another signature: keep it as it is
            raise err from None
        raise explained from err
