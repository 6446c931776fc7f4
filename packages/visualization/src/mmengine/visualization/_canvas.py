"""The canvas the Visualizer draws on: the image, and the matplotlib Agg figure showing it.

matplotlib is imported the first time something is drawn (``pip install
mmengine-ng-visualization[matplotlib]``); setting and getting an undrawn image work without it.
"""

from __future__ import annotations

import functools
import warnings
from typing import TYPE_CHECKING, Any, Optional

import numpy as np

from ._errors import NoImageError, NotAnImageError, ShapeError
from .utils import img_from_canvas, tensor2ndarray

if TYPE_CHECKING:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

_MATPLOTLIB_HINT = (
    "Drawing with the Visualizer needs matplotlib; install it with "
    '"pip install mmengine-ng-visualization[matplotlib]" (or "pip install matplotlib").'
)


def _import_matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError as err:
        raise ImportError(f"{_MATPLOTLIB_HINT} ({err})") from err
    return matplotlib


_FIGURE_PAD = 1e-2  # px added to the figure's width and height, as 0.10 does


@functools.cache
def _fractional_figure_keeps_pixels() -> bool:
    """Whether matplotlib draws an image into a figure 0.01 px larger without resampling it
    (3.11 and later; earlier versions blur the whole image for it)."""
    import matplotlib

    major, minor = (int(p) for p in matplotlib.__version__.split(".")[:2])
    return (major, minor) >= (3, 11)


def _looks_chw(shape: tuple) -> bool:
    """Whether a 3-D shape looks like (C, H, W) rather than (H, W, C)."""
    return len(shape) == 3 and shape[0] in (1, 3, 4) and shape[-1] not in (1, 3, 4)


def check_image_array(image: Any, where: str) -> np.ndarray:
    """``image`` (array, tensor or nested numeric lists) as a numpy array of numbers.

    Raises:
        NotAnImageError: If it is not numeric array data (a path, None, objects).
    """
    image = tensor2ndarray(image)
    if not isinstance(image, np.ndarray):
        if isinstance(image, (str, bytes)) or not hasattr(image, "__len__"):
            raise NotAnImageError(
                f"{where}: expected an RGB image as a numpy array of shape (H, W, 3), but got "
                f"{type(image).__name__} {image!r:.80}; to draw on an image file, read it first "
                "(e.g. np.asarray(PIL.Image.open(path).convert('RGB')))"
            )
        try:
            image = np.asarray(image)
        except ValueError as err:
            raise NotAnImageError(
                f"{where}: cannot turn the {type(image).__name__} into an image array ({err}); "
                "pass a numpy array of shape (H, W, 3)"
            ) from err
    if image.dtype.kind not in "biuf":
        raise NotAnImageError(
            f"{where}: expected an image of numbers, but got an array of dtype {image.dtype}; "
            "pass a numpy array of shape (H, W, 3), dtype uint8"
        )
    return image


def _as_rgb_uint8(image: Any, where: str) -> np.ndarray:
    """``image`` as an (H, W, 3) uint8 array: gray expanded, alpha dropped, shapes checked, and
    a warning when the cast to uint8 surely changes the picture (floats in [0, 1], values
    outside [0, 255])."""
    image = check_image_array(image, where)
    shape = image.shape
    if _looks_chw(shape):
        raise ShapeError(
            f"{where} expects an RGB image of shape (H, W, 3), but got shape {shape}, which "
            "looks like (C, H, W); convert it with image.transpose(1, 2, 0) (numpy) or "
            "image.permute(1, 2, 0) (torch)"
        )
    if image.ndim not in (2, 3) or (image.ndim == 3 and shape[-1] not in (1, 3, 4)):
        raise ShapeError(
            f"{where} expects an RGB image of shape (H, W, 3) (or gray (H, W)), but got shape "
            f"{shape}; for a batch, pass one image at a time, e.g. images[0]"
        )
    if image.size == 0:
        raise ValueError(f"{where}: the image is empty (shape {shape}); pass a non-empty image")
    if image.dtype != np.uint8 and image.dtype != np.bool_:
        _warn_lossy_cast(image, where)
    image = image.astype(np.uint8)
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=-1)
    elif shape[-1] == 1:
        image = np.repeat(image, 3, axis=-1)
    elif shape[-1] == 4:
        image = image[..., :3]
    return image


def _warn_lossy_cast(image: np.ndarray, where: str) -> None:
    """Warn when casting ``image`` to uint8 surely is not what the caller meant."""
    low, high = float(np.nanmin(image)), float(np.nanmax(image))
    if image.dtype.kind == "f" and high <= 1.0 and low >= 0.0 and 0.0 < high:
        if not np.all(np.mod(image, 1) == 0):
            warnings.warn(
                f"{where}: the float image has values in [0, 1] ({low:.3g} to {high:.3g}); it is "
                "cast to uint8, so every pixel becomes 0 or 1 (a black image). Scale it to "
                "[0, 255] first, e.g. (image * 255).astype(np.uint8)",
                UserWarning,
                stacklevel=4,
            )
            return
    if low < 0 or high > 255:
        warnings.warn(
            f"{where}: the image has values outside [0, 255] ({low:.3g} to {high:.3g}); they "
            "wrap around when cast to uint8. Clip or rescale it first, e.g. "
            "np.clip(image, 0, 255).astype(np.uint8)",
            UserWarning,
            stacklevel=4,
        )


class CanvasMixin:
    """The image being drawn on and the Agg figure that shows it (a part of the Visualizer).

    The figure is created on the first draw; until something is drawn, ``get_image()``
    returns the image itself.
    """

    fig_save_cfg: dict
    _image: Optional[np.ndarray]
    width: int
    height: int
    _default_font_size: float
    _fig: Optional[tuple[FigureCanvasAgg, Figure, Any]]
    _canvas_stale: bool  # the axes do not show ``_image`` yet
    _drawn: bool  # something was drawn since set_image

    def _init_canvas(self, fig_save_cfg: dict) -> None:
        """The state of a canvas with no image set."""
        if not isinstance(fig_save_cfg, dict):
            raise TypeError(
                "Visualizer: fig_save_cfg should be a dict of matplotlib.figure.Figure keyword "
                f"arguments, such as dict(frameon=False), but got {type(fig_save_cfg).__name__}"
            )
        self.fig_save_cfg = dict(fig_save_cfg)
        self._image = None
        self.width = 0
        self.height = 0
        self._default_font_size = 10
        self._fig = None
        self._canvas_stale = True
        self._drawn = False

    def set_image(self, image: np.ndarray) -> None:
        """Set the image to draw on.

        Args:
            image (np.ndarray): The RGB image to draw, of shape (H, W, 3) (a
                gray (H, W) or (H, W, 1) image is expanded to 3 channels; the
                alpha channel of an (H, W, 4) image is dropped). It is cast to
                uint8: a float image must hold values in [0, 255].
        """
        assert image is not None, (
            "Visualizer.set_image: image must not be None; pass an RGB numpy array (H, W, 3)"
        )
        image = _as_rgb_uint8(image, "Visualizer.set_image")
        self._image = np.ascontiguousarray(image)
        self.width, self.height = image.shape[1], image.shape[0]
        self._default_font_size = max(np.sqrt(self.height * self.width) // 90, 10)
        self._canvas_stale = True
        self._drawn = False

    def get_image(self) -> np.ndarray:
        """Get the drawn image. The format is RGB.

        Returns:
            np.ndarray: The drawn image, of shape (H, W, 3), dtype uint8.
        """
        if self._image is None:
            raise NoImageError(
                "Please set image using `set_image`: Visualizer.get_image has no image to "
                "return; call set_image(image) first or pass image= to the Visualizer"
            )
        if not self._drawn:
            return self._image.copy()
        canvas, _, _ = self._prepare_canvas()
        return img_from_canvas(canvas)

    def _require_image(self, api: str) -> None:
        if self._image is None:
            raise NoImageError(
                f"Visualizer.{api} draws on an image, but none is set; call "
                "set_image(image) first or pass image= to the Visualizer"
            )

    def _initialize_fig(self, fig_cfg: dict) -> tuple:
        """Build an Agg canvas, figure and borderless axes from ``fig_cfg``.

        Args:
            fig_cfg (dict): Keyword arguments of ``matplotlib.figure.Figure``.

        Returns:
            tuple: ``(canvas, figure, axes)``.
        """
        _import_matplotlib()
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        try:
            fig = Figure(**fig_cfg)
        except (TypeError, AttributeError) as err:
            raise type(err)(
                f"{err} (the Visualizer's fig_save_cfg/fig_show_cfg {fig_cfg!r} are keyword "
                "arguments of matplotlib.figure.Figure; check them for typos, e.g. "
                "dict(frameon=False))"
            ) from err
        ax = fig.add_subplot()
        ax.axis(False)
        # No margins: the axes cover the whole figure.
        fig.subplots_adjust(left=0, right=1, bottom=0, top=1)
        canvas = FigureCanvasAgg(fig)
        return canvas, fig, ax

    def _prepare_canvas(self) -> tuple:
        """The (canvas, figure, axes) showing the current image, created lazily."""
        if self._fig is None:
            self._fig = self._initialize_fig(self.fig_save_cfg)
        canvas, fig, ax = self._fig
        if self._canvas_stale and self._image is not None:
            dpi = fig.get_dpi()
            fig.set_size_inches(*self._figure_inches(dpi))
            ax.cla()
            ax.axis(False)
            ax.imshow(self._image, extent=(0, self.width, self.height, 0), interpolation="none")
            # Pin the view to the image (older matplotlib versions add margins otherwise).
            ax.set_xlim(0, self.width)
            ax.set_ylim(self.height, 0)
            self._canvas_stale = False
        return self._fig

    def _axes(self, api: str) -> Any:
        """The drawing axes for ``api``, marking the image as drawn on."""
        self._require_image(api)
        _, _, ax = self._prepare_canvas()
        self._drawn = True
        return ax

    @property
    def fig_save_canvas(self) -> FigureCanvasAgg:
        """FigureCanvasAgg: The Agg canvas the image is drawn on."""
        return self._prepare_canvas()[0]

    @property
    def fig_save(self) -> Figure:
        """matplotlib.figure.Figure: The figure the image is drawn on."""
        return self._prepare_canvas()[1]

    @property
    def ax_save(self) -> Any:
        """matplotlib.axes.Axes: The axes to draw on (for custom drawing in subclasses)."""
        _, _, ax = self._prepare_canvas()
        if self._image is not None:
            self._drawn = True
        return ax

    @property
    def dpi(self) -> float:
        """float: The dots per inch of the drawing figure."""
        return self.fig_save.get_dpi()

    # Upstream sets these four as plain attributes in ``__init__``; subclasses in the
    # model zoos may assign them, so each property has a setter.
    @fig_save_canvas.setter
    def fig_save_canvas(self, canvas: FigureCanvasAgg) -> None:
        self._replace_fig_part(0, canvas)

    @fig_save.setter
    def fig_save(self, figure: Figure) -> None:
        self._replace_fig_part(1, figure)

    @ax_save.setter
    def ax_save(self, ax: Any) -> None:
        self._replace_fig_part(2, ax)

    @dpi.setter
    def dpi(self, dpi: float) -> None:
        fig = self.fig_save
        fig.set_dpi(dpi)
        if self._image is not None:
            fig.set_size_inches(*self._figure_inches(dpi))

    def _figure_inches(self, dpi: float) -> tuple[float, float]:
        """The figure size for the image: 0.01 px larger than the image, as 0.10 makes it, so
        every shape lands on the same pixels (data coordinates scale by (W+0.01)/W); exactly
        the image's size where matplotlib (< 3.11) would resample the image for it."""
        pad = _FIGURE_PAD if _fractional_figure_keeps_pixels() else 0.0
        return (self.width + pad) / dpi, (self.height + pad) / dpi

    def _replace_fig_part(self, index: int, value: Any) -> None:
        """Replace the canvas (0), figure (1) or axes (2) of the drawing figure."""
        parts = list(self._prepare_canvas())
        parts[index] = value
        self._fig = tuple(parts)  # type: ignore[assignment]

    def _is_posion_valid(self, position: np.ndarray) -> bool:
        """Whether all the (x, y) points in ``position`` (shape (..., 2)) lie in the image.

        Args:
            position (np.ndarray): Points whose last dimension is (x, y).

        Returns:
            bool: True if every point is inside the image.
        """
        return bool(
            (position[..., 0] < self.width).all()
            and (position[..., 0] >= 0).all()
            and (position[..., 1] < self.height).all()
            and (position[..., 1] >= 0).all()
        )

    _is_position_valid = _is_posion_valid

    def _clamp_line_widths(self, line_widths: Any, count: int) -> list:
        if isinstance(line_widths, (int, float)):
            line_widths = [line_widths] * count
        return [min(max(width, 1), self._default_font_size / 4) for width in line_widths]
