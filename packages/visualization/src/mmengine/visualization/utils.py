"""Helpers shared by the Visualizer and the vis backends.

Argument checking (:func:`check_type`, :func:`check_length`,
:func:`check_type_and_length`, :func:`value2list`), conversions
(:func:`tensor2ndarray`, :func:`color_val_matplotlib`, :func:`color_str2rgb`),
canvas read-back (:func:`img_from_canvas`), heat maps
(:func:`convert_overlay_heatmap`) and interactive waiting
(:func:`wait_continue`).

Nothing here imports matplotlib at module level: the functions that need it
import it when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Union

import numpy as np
import torch

if TYPE_CHECKING:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

ColorType = Union[str, tuple, list]

# Used by ``color_str2rgb`` when matplotlib is not installed: the single-letter
# matplotlib shorthands and the most common CSS names, as RGB in [0, 255].
_BASIC_COLORS: dict[str, tuple[int, int, int]] = {
    "b": (0, 0, 255),
    "g": (0, 127, 0),
    "r": (255, 0, 0),
    "c": (0, 191, 191),
    "m": (191, 0, 191),
    "y": (191, 191, 0),
    "k": (0, 0, 0),
    "w": (255, 255, 255),
    "blue": (0, 0, 255),
    "green": (0, 128, 0),
    "red": (255, 0, 0),
    "cyan": (0, 255, 255),
    "magenta": (255, 0, 255),
    "yellow": (255, 255, 0),
    "black": (0, 0, 0),
    "white": (255, 255, 255),
    "gray": (128, 128, 128),
    "grey": (128, 128, 128),
    "orange": (255, 165, 0),
    "purple": (128, 0, 128),
    "pink": (255, 192, 203),
    "brown": (165, 42, 42),
    "lime": (0, 255, 0),
    "navy": (0, 0, 128),
}


def tensor2ndarray(value: np.ndarray | torch.Tensor) -> np.ndarray:
    """Convert a tensor to a numpy array; other values are returned as is.

    Args:
        value (np.ndarray or torch.Tensor): The value to convert.

    Returns:
        np.ndarray: ``value`` detached and moved to the CPU if it was a tensor.
    """
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return value


def value2list(value: Any, valid_type: type | tuple[type, ...], expand_dim: int) -> Any:
    """Repeat ``value`` ``expand_dim`` times if it is an instance of ``valid_type``.

    Args:
        value (Any): The value to expand.
        valid_type (type or tuple[type]): The type(s) that mean "a single value".
        expand_dim (int): The length of the resulting list.

    Returns:
        Any: ``[value] * expand_dim`` for a single value, otherwise ``value``.
    """
    if isinstance(value, valid_type):
        return [value] * expand_dim
    return value


def check_type(name: str, value: Any, valid_type: type | tuple[type, ...]) -> None:
    """Raise a ``TypeError`` if ``value`` is not an instance of ``valid_type``.

    Args:
        name (str): The argument name, used in the error message.
        value (Any): The value to check.
        valid_type (type or tuple[type]): The accepted type(s).

    Raises:
        TypeError: If ``value`` has the wrong type.
    """
    if not isinstance(value, valid_type):
        # 0.10's sentence, with its two spaces before "but".
        raise TypeError(f"`{name}` should be {valid_type}  but got {type(value)}")


def check_length(name: str, value: Any, valid_length: int) -> None:
    """Raise an ``AssertionError`` if the list ``value`` is shorter than ``valid_length``.

    Values that are not lists are not checked.

    Args:
        name (str): The argument name, used in the error message.
        value (Any): The value to check.
        valid_length (int): The minimum length.

    Raises:
        AssertionError: If ``value`` is a list shorter than ``valid_length``.
    """
    if isinstance(value, list) and len(value) < valid_length:
        raise AssertionError(
            f"The length of {name} must equal with or greater than {valid_length}, "
            f"but got {len(value)}"
        )


def check_type_and_length(
    name: str, value: Any, valid_type: type | tuple[type, ...], valid_length: int
) -> None:
    """Check both the type and (for lists) the length of ``value``.

    Args:
        name (str): The argument name, used in error messages.
        value (Any): The value to check.
        valid_type (type or tuple[type]): The accepted type(s).
        valid_length (int): The minimum length of a list value.

    Raises:
        TypeError: If ``value`` has the wrong type.
        AssertionError: If ``value`` is a list shorter than ``valid_length``.
    """
    check_type(name, value, valid_type)
    check_length(name, value, valid_length)


def color_val_matplotlib(colors: ColorType) -> ColorType:
    """Convert RGB colours in [0, 255] to matplotlib's normalized [0, 1] tuples.

    Colour names (``'g'``, ``'red'``, ``'#ff0000'``) are returned unchanged;
    tuples are divided by 255; lists are converted element-wise.

    Args:
        colors (str, tuple or list): The colour(s) to convert.

    Returns:
        str, tuple or list: The matplotlib-compatible colour(s).

    Raises:
        AssertionError: If a tuple does not have 3 channels in [0, 255].
        TypeError: If a colour is neither a str, a tuple nor a list.
    """
    if isinstance(colors, str):
        return colors
    if isinstance(colors, tuple):
        assert len(colors) == 3, f"A colour tuple must have 3 (RGB) channels, but got {colors}"
        for channel in colors:
            assert 0 <= channel <= 255, (
                f"Colour channels must be in [0, 255], but got {colors}; "
                "use a tuple such as (255, 0, 0) for red"
            )
        return tuple(channel / 255 for channel in colors)
    if isinstance(colors, list):
        return [color_val_matplotlib(color) for color in colors]
    raise TypeError(
        f"Invalid type for color: {type(colors)}; expected a colour name (str), "
        "an RGB tuple or a list of them"
    )


def color_str2rgb(color: str) -> tuple:
    """Convert a colour name to an RGB tuple with channels in [0, 255].

    Any colour matplotlib understands is accepted when matplotlib is
    installed; otherwise the basic names (``'r'``, ``'green'``, ...) and
    ``'#rrggbb'`` hex strings are.

    Args:
        color (str): The colour name.

    Returns:
        tuple: ``(r, g, b)`` integers in [0, 255].

    Raises:
        ValueError: If the name is not a known colour.
    """
    try:
        from matplotlib.colors import to_rgb
    except ImportError:
        return _color_str2rgb_fallback(color)
    return tuple(int(channel * 255) for channel in to_rgb(color))


def _color_str2rgb_fallback(color: str) -> tuple:
    name = color.strip().lower()
    if name in _BASIC_COLORS:
        return _BASIC_COLORS[name]
    if name.startswith("#") and len(name) == 7:
        try:
            return tuple(int(name[i : i + 2], 16) for i in (1, 3, 5))
        except ValueError:
            pass
    raise ValueError(
        f"Unknown colour {color!r}: without matplotlib only {sorted(_BASIC_COLORS)} and "
        "'#rrggbb' are understood; install matplotlib "
        "(pip install mmengine-ng-visualization[matplotlib]) for every matplotlib colour"
    )


def img_from_canvas(canvas: FigureCanvasAgg) -> np.ndarray:
    """Render a matplotlib Agg canvas and return its pixels.

    Args:
        canvas (FigureCanvasAgg): The canvas to read.

    Returns:
        np.ndarray: The RGB image of shape (H, W, 3), dtype uint8.
    """
    buffer, (width, height) = canvas.print_to_buffer()
    rgba = np.frombuffer(buffer, dtype=np.uint8).reshape(height, width, 4)
    return rgba[..., :3].copy()


def _matplotlib_backend() -> str:
    import matplotlib

    return matplotlib.get_backend()


def _is_non_interactive_backend(backend: str) -> bool:
    """Whether the matplotlib ``backend`` cannot open windows (Agg, PDF, SVG, ...).

    Args:
        backend (str): A matplotlib backend name.

    Returns:
        bool: True for a non-interactive (file-only) backend.
    """
    try:
        from matplotlib.backends import BackendFilter, backend_registry

        names = backend_registry.list_builtin(BackendFilter.NON_INTERACTIVE)
    except ImportError:  # matplotlib < 3.9
        from matplotlib.rcsetup import non_interactive_bk as names
    return backend.lower() in {name.lower() for name in names}


def wait_continue(figure: Figure, timeout: float = 0, continue_key: str = " ") -> int:
    """Show ``figure`` and wait for a key press, a timeout or the window to close.

    With an inline (notebook) or non-interactive backend this returns at once.

    Args:
        figure (matplotlib.figure.Figure): The figure to wait on.
        timeout (float): Seconds to wait; 0 waits until a key is pressed
            or the window is closed. Defaults to 0.
        continue_key (str): The key that continues. Defaults to the space key.

    Returns:
        int: 0 if the wait timed out or ``continue_key`` was pressed, 1 if
        the figure was closed.
    """
    backend = _matplotlib_backend()
    if "inline" in backend or _is_non_interactive_backend(backend):
        return 0

    if figure.canvas.manager is not None:
        # Showing the figure first keeps matplotlib's keyboard shortcuts
        # from swallowing the first key press.
        figure.show()

    events: list = []

    def _on_event(event: Any) -> None:
        events.append(event)
        figure.canvas.stop_event_loop()

    while True:
        events.clear()
        key_cid = figure.canvas.mpl_connect("key_press_event", _on_event)
        close_cid = figure.canvas.mpl_connect("close_event", _on_event)
        try:
            figure.canvas.start_event_loop(timeout)
        finally:
            figure.canvas.mpl_disconnect(key_cid)
            figure.canvas.mpl_disconnect(close_cid)

        if not events:  # timed out
            return 0
        event = events[-1]
        if event.name == "close_event":
            return 1
        if getattr(event, "key", None) == continue_key:
            return 0


def _jet_colormap(gray: np.ndarray) -> np.ndarray:
    """Map uint8 gray levels to RGB with the classic 'jet' colour map."""
    x = gray.astype(np.float32) / 255.0
    red = np.clip(1.5 - np.abs(4.0 * x - 3.0), 0.0, 1.0)
    green = np.clip(1.5 - np.abs(4.0 * x - 2.0), 0.0, 1.0)
    blue = np.clip(1.5 - np.abs(4.0 * x - 1.0), 0.0, 1.0)
    return np.round(np.stack([red, green, blue], axis=-1) * 255.0).astype(np.uint8)


def _add_weighted(src1: np.ndarray, alpha: float, src2: np.ndarray, beta: float) -> np.ndarray:
    """``src1 * alpha + src2 * beta`` as uint8, pixel for pixel what 0.10's blending with
    ``cv2.addWeighted(src1, alpha, src2, beta, 0)`` gives: float32 weights, ``src2 * beta``
    rounded to float32, ``src1 * alpha`` added in one fused step (exact in float64, rounded
    once to float32), then rounded half to even and saturated. No OpenCV needed."""
    term2 = src2.astype(np.float32) * np.float32(beta)
    fused = src1.astype(np.float64) * np.float64(np.float32(alpha)) + term2.astype(np.float64)
    return np.clip(np.rint(fused.astype(np.float32)), 0, 255).astype(np.uint8)


def _optional_cv2() -> Any:
    """OpenCV's ``cv2`` module, or None when it is not installed (it is optional here)."""
    try:
        import cv2  # type: ignore[import-not-found]
    except ImportError:
        return None
    return cv2


def _jet_heatmap(feat: np.ndarray) -> np.ndarray:
    """A (H, W) float map, or an (H, W, 3) one read as a BGR image, min-max normalized to
    uint8 (over all its values) and coloured with 'jet' (RGB; a 3-channel map is reduced to
    its gray level first).

    With OpenCV installed (as in every OpenMMLab environment) its ``normalize`` and
    ``COLORMAP_JET`` make it, so heat maps equal 0.10's pixel for pixel; without it the
    same map is computed here (within 2 levels).
    """
    if not np.isfinite(feat).all():  # a NaN map (e.g. the mean of 0 channels) is drawn as 0
        feat = np.nan_to_num(feat, nan=0.0, posinf=0.0, neginf=0.0)
    cv2 = _optional_cv2()
    if cv2 is not None:
        norm = np.asarray(cv2.normalize(feat, None, 0, 255, cv2.NORM_MINMAX), dtype=np.uint8)
        return cv2.cvtColor(cv2.applyColorMap(norm, cv2.COLORMAP_JET), cv2.COLOR_BGR2RGB)
    low, high = float(feat.min()), float(feat.max())
    if high > low:
        norm = ((feat - low) / (high - low) * 255.0).astype(np.uint8)
    else:
        norm = np.zeros(feat.shape, np.uint8)
    if norm.ndim == 3:  # BGR to gray, as OpenCV's colour maps do with a 3-channel image
        norm = np.rint(norm.astype(np.float32) @ np.float32([0.114, 0.587, 0.299]))
        norm = norm.astype(np.uint8)
    return _jet_colormap(norm)


def convert_overlay_heatmap(
    feat_map: np.ndarray | torch.Tensor, img: np.ndarray | None = None, alpha: float = 0.5
) -> np.ndarray:
    """Turn a feature map into a 'jet' heat map, optionally blended over an image.

    Args:
        feat_map (np.ndarray or torch.Tensor): Of shape (H, W), (1, H, W) or
            (3, H, W). Values are min-max normalized to [0, 255].
        img (np.ndarray, optional): RGB image of shape (H, W, 3) (or (H, W))
            to overlay. Defaults to None.
        alpha (float): Weight of the heat map in the blend. Defaults to 0.5.

    Returns:
        np.ndarray: RGB heat map of shape (H, W, 3), dtype uint8.
    """
    assert feat_map.ndim == 2 or (feat_map.ndim == 3 and feat_map.shape[0] in (1, 3)), (
        f"feat_map must have shape (H, W), (1, H, W) or (3, H, W), but got {tuple(feat_map.shape)}"
    )
    feat = tensor2ndarray(feat_map)
    feat = np.asarray(feat, dtype=np.float32)
    if feat.ndim == 3:
        # (1, H, W) is a map; (3, H, W) is read as an (H, W, 3) image, as 0.10 does
        feat = feat[0] if feat.shape[0] == 1 else feat.transpose(1, 2, 0)
    heat_img = _jet_heatmap(np.ascontiguousarray(feat))
    if img is not None:
        img = np.asarray(img)
        if img.ndim == 2:
            img = np.repeat(img[..., None], 3, axis=-1)
        assert img.shape[:2] == heat_img.shape[:2], (
            f"The image {img.shape[:2]} and the feature map {heat_img.shape[:2]} must have "
            "the same spatial size"
        )
        heat_img = _add_weighted(img[..., :3], 1 - alpha, heat_img, alpha)
    return heat_img


def get_adaptive_scale(
    img_shape: tuple[int, int], min_scale: float = 0.3, max_scale: float = 3.0
) -> float:
    """A drawing scale for an image: short edge / 224, clipped.

    Args:
        img_shape (tuple[int, int]): The image (H, W).
        min_scale (float): The smallest scale. Defaults to 0.3.
        max_scale (float): The largest scale. Defaults to 3.0.

    Returns:
        float: The scale.
    """
    scale = min(img_shape) / 224.0
    return min(max(scale, min_scale), max_scale)
