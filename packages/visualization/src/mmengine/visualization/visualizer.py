"""The Visualizer: draw on images with matplotlib and store results through vis backends.

Drawing uses matplotlib's Agg canvas, imported the first time something is
drawn (``pip install mmengine-ng-visualization[matplotlib]``); building a
Visualizer, setting and getting an undrawn image and all the storage APIs
(``add_scalar``, ``add_image``, ...) work without it.
"""

from __future__ import annotations

import copy
import inspect
import os.path as osp
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Optional, Union

import numpy as np
import torch
import torch.nn.functional as F

from mmengine.config import Config
from mmengine.dist import master_only
from mmengine.registry import VISBACKENDS, VISUALIZERS
from mmengine.structures import BaseDataElement
from mmengine.utils import ManagerMixin, is_seq_of  # noqa: F401  (is_seq_of: upstream's namespace)

from .utils import (
    _is_non_interactive_backend,
    check_type,
    check_type_and_length,
    color_str2rgb,
    color_val_matplotlib,
    convert_overlay_heatmap,
    img_from_canvas,
    tensor2ndarray,
    value2list,
    wait_continue,
)
from .vis_backend import BaseVisBackend

if TYPE_CHECKING:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

ColorType = Union[str, tuple, list]
ArrayLike = Union[np.ndarray, torch.Tensor]
# What ``vis_backends`` accepts (upstream's alias, kept for annotations downstream).
VisBackendsType = Union[list[Union[list, BaseDataElement]], BaseDataElement, dict, None]

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


def _resize_image(image: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Bilinear resize of an (H, W, C) uint8 image to ``shape`` (H, W)."""
    tensor = torch.from_numpy(np.ascontiguousarray(image)).float().permute(2, 0, 1)[None]
    resized = F.interpolate(tensor, size=tuple(shape), mode="bilinear", align_corners=False)
    out = resized[0].permute(1, 2, 0).round().clamp(0, 255).to(torch.uint8)
    return out.numpy()


# OpenCV is optional (only ``show(backend='cv2')`` uses it); it is imported on
# first use and cached here.
cv2: Any = None


def _import_cv2() -> Any:
    global cv2
    if cv2 is None:
        try:
            import cv2 as _cv2
        except ImportError as err:
            raise ImportError(
                'Visualizer.show(backend="cv2") needs OpenCV ("pip install opencv-python"); '
                'use backend="matplotlib" instead'
            ) from err
        cv2 = _cv2
    return cv2


def _needs_save_dir(backend: Any) -> bool:
    """Whether ``backend`` requires a ``save_dir`` (no default) but was given None."""
    if getattr(backend, "_save_dir", None) is not None:
        return False
    try:
        parameter = inspect.signature(type(backend).__init__).parameters.get("save_dir")
    except (TypeError, ValueError):
        return False
    return parameter is not None and parameter.default is inspect.Parameter.empty


@VISUALIZERS.register_module()
class Visualizer(ManagerMixin):
    """MMEngine's visualizer: matplotlib drawing plus storage backends.

    - Basic drawing methods (chainable, except the static ``draw_featmap``):
      ``draw_bboxes``, ``draw_texts``, ``draw_points``, ``draw_lines``,
      ``draw_circles``, ``draw_polygons``, ``draw_binary_masks`` and
      ``draw_featmap``.
    - Storage methods, forwarded to every vis backend: ``add_config``,
      ``add_graph``, ``add_image``, ``add_scalar``, ``add_scalars`` and
      ``add_datasample`` (for downstream libraries to override).
    - Basic info methods: ``set_image``, ``get_image``, ``show``, ``close``
      and ``get_backend``.

    Backends are built from ``vis_backends`` with ``save_dir`` set to
    ``{save_dir}/vis_data`` (unless their config sets one). When ``save_dir``
    is None, backends that require one (no default in their constructor, such
    as ``LocalVisBackend``) are skipped with a warning; the others are built.

    Examples:
        >>> # Basic info methods
        >>> vis = Visualizer()
        >>> vis.set_image(image)
        >>> vis.get_image()
        >>> vis.show()

        >>> # Basic drawing methods
        >>> vis = Visualizer(image=image)
        >>> vis.draw_bboxes(np.array([0, 0, 1, 1]), edge_colors='g')
        >>> vis.draw_bboxes(np.array([[1, 1, 2, 2], [2, 2, 3, 3]]),
        ...                 edge_colors=['g', 'r'])
        >>> vis.draw_lines(x_datas=np.array([1, 3]),
        ...                y_datas=np.array([1, 3]),
        ...                colors='r', line_widths=1)
        >>> vis.draw_texts('MMEngine', positions=np.array([2, 2]), colors='b')
        >>> vis.draw_circles(np.array([2, 2]), radius=np.array([1]))
        >>> square = np.array([[0, 0], [100, 0], [100, 100], [0, 100]])
        >>> vis.draw_polygons(polygons=square, edge_colors='g')
        >>> vis.draw_binary_masks(binary_mask, alphas=0.6)
        >>> heatmap = vis.draw_featmap(featmap, img,
        ...                            channel_reduction='select_max')

        >>> # chain calls
        >>> vis.draw_bboxes(bboxes).draw_texts(texts, positions)

        >>> # Backend related methods
        >>> vis = Visualizer(vis_backends=[dict(type='LocalVisBackend')],
        ...                  save_dir='temp_dir')
        >>> cfg = Config(dict(a=1, b=dict(b1=[0, 1])))
        >>> vis.add_config(cfg)
        >>> image = np.random.randint(0, 256, size=(10, 10, 3)).astype(np.uint8)
        >>> vis.add_image('image', image)
        >>> vis.add_scalar('mAP', 0.6)
        >>> vis.add_scalars({'loss': 0.1, 'acc': 0.8})

    Args:
        name (str): Name of the instance. Defaults to 'visualizer'.
        image (np.ndarray, optional): The origin image to draw. The format
            should be RGB. Defaults to None.
        vis_backends (list or dict, optional): Visual backend config list
            (dicts with ``type`` and optionally ``name`` and ``save_dir``, or
            built backends). Defaults to None.
        save_dir (str, optional): Save file dir for all storage backends.
            If it is None, the backends will not save any data.
        fig_save_cfg (dict): Keyword parameters of the figure for saving.
            Defaults to ``dict(frameon=False)``.
        fig_show_cfg (dict): Keyword parameters of the figure for showing.
            Defaults to ``dict(frameon=False)``.
    """

    def __init__(
        self,
        name: str = "visualizer",
        image: Optional[np.ndarray] = None,
        vis_backends: Optional[Union[list, dict]] = None,
        save_dir: Optional[str] = None,
        fig_save_cfg: dict = dict(frameon=False),  # noqa: B006
        fig_show_cfg: dict = dict(frameon=False),  # noqa: B006
    ) -> None:
        super().__init__(name)
        self._dataset_meta: Optional[dict] = None
        self._vis_backends: dict[str, BaseVisBackend] = {}
        self.fig_save_cfg = dict(fig_save_cfg)
        self.fig_show_cfg = dict(fig_show_cfg)
        self.manager: Any = None

        # Drawing state. The Agg figure is created on the first draw; until
        # something is drawn, get_image() returns the image itself.
        self._image: Optional[np.ndarray] = None
        self.width: int = 0
        self.height: int = 0
        self._default_font_size: float = 10
        self._fig: Optional[tuple[FigureCanvasAgg, Figure, Any]] = None
        self._canvas_stale = True  # the axes do not show ``_image`` yet
        self._drawn = False  # something was drawn since set_image

        if image is not None:
            self.set_image(image)
        self._build_backends(vis_backends, save_dir)

    # ------------------------------------------------------------------ backends
    def _build_backends(self, vis_backends: Any, save_dir: Optional[str]) -> None:
        """Build the backends from configs (or take built ones) into ``_vis_backends``."""
        if vis_backends is None:
            return
        if isinstance(vis_backends, (dict, BaseVisBackend)):
            vis_backends = [vis_backends]
        if not isinstance(vis_backends, (list, tuple)):
            raise TypeError(
                f"Visualizer {self.instance_name!r}: vis_backends should be a list of backend "
                f"configs (dicts) or backends, but got {type(vis_backends)}"
            )
        cfgs = [copy.deepcopy(dict(cfg)) if isinstance(cfg, dict) else cfg for cfg in vis_backends]
        names = [cfg.get("name") if isinstance(cfg, dict) else None for cfg in cfgs]
        if None in names:
            if len(set(names)) > 1:
                raise RuntimeError(
                    f"Visualizer {self.instance_name!r}: if one of the vis backends has a "
                    f"`name` field, all of them must have one, but got names {names}"
                )
            types = [self._backend_type_name(cfg) for cfg in cfgs]
            if len(set(types)) != len(types):
                raise RuntimeError(
                    f"Visualizer {self.instance_name!r}: the same vis backend type cannot "
                    f"appear twice in `vis_backends` ({types}) without names; please set a "
                    "distinct `name` field for each backend"
                )
        elif len(set(names)) != len(names):
            raise RuntimeError(
                f"Visualizer {self.instance_name!r}: the `name` fields of the vis backends "
                f"must be unique, but got {names}"
            )

        backend_save_dir = osp.join(save_dir, "vis_data") if save_dir is not None else None
        for cfg in cfgs:
            name = None
            if isinstance(cfg, dict):
                name = cfg.pop("name", None)
                cfg.setdefault("save_dir", backend_save_dir)
                backend = VISBACKENDS.build(cfg)
            else:
                backend = cfg
            if _needs_save_dir(backend):
                warnings.warn(
                    f"Visualizer {self.instance_name!r}: failed to add {type(backend).__name__} "
                    "because it needs a save_dir and none was given; pass save_dir= to the "
                    "Visualizer (or to the backend config) to store data",
                    UserWarning,
                    stacklevel=3,
                )
                continue
            self._vis_backends[name or type(backend).__name__] = backend

    @staticmethod
    def _backend_type_name(cfg: Any) -> str:
        if not isinstance(cfg, dict):
            return type(cfg).__name__
        if "type" not in cfg:
            raise KeyError(
                "A vis backend config must have a `type` key, such as "
                f"dict(type='LocalVisBackend'), but got {cfg}"
            )
        backend_type = cfg["type"]
        return backend_type if isinstance(backend_type, str) else backend_type.__name__

    @property
    def dataset_meta(self) -> Optional[dict]:
        """Optional[dict]: Meta info of the dataset."""
        return self._dataset_meta

    @dataset_meta.setter
    def dataset_meta(self, dataset_meta: Optional[dict]) -> None:
        """Set the dataset meta info to the Visualizer."""
        self._dataset_meta = dataset_meta

    def get_backend(self, name: str) -> Optional[BaseVisBackend]:
        """Get a vis backend by name.

        Args:
            name (str): The name of the vis backend (its ``name`` field, or
                its type name when it has none).

        Returns:
            BaseVisBackend or None: The vis backend, or None if there is no
            backend with this name.
        """
        return self._vis_backends.get(name)

    @classmethod
    def get_instance(cls, name: str, **kwargs: Any) -> Visualizer:
        """Create or get the instance ``name``, also visible from ``Visualizer``.

        Downstream codebases need the latest created visualizer without knowing
        its concrete class. Instances created through a subclass's
        ``get_instance`` are therefore registered in ``Visualizer`` as well, so
        that ``Visualizer.get_current_instance()`` returns them.

        Examples:
            >>> class DetLocalVisualizer(Visualizer):
            ...     def __init__(self, name):
            ...         super().__init__(name)
            >>> visualizer1 = DetLocalVisualizer.get_instance('name1')
            >>> visualizer2 = Visualizer.get_current_instance()
            >>> visualizer3 = DetLocalVisualizer.get_current_instance()
            >>> assert id(visualizer1) == id(visualizer2) == id(visualizer3)

        Args:
            name (str): Name of instance.

        Returns:
            Visualizer: Corresponding name instance.
        """
        is_new = not cls.check_instance_created(name)
        instance = super().get_instance(name, **kwargs)
        base_dict = Visualizer._instance_dict  # type: ignore[attr-defined]
        if base_dict.get(name) is not instance:
            base_dict[name] = instance
            if is_new:
                base_dict.move_to_end(name)
        return instance

    # -------------------------------------------------------------- image state
    def set_image(self, image: np.ndarray) -> None:
        """Set the image to draw on.

        Args:
            image (np.ndarray): The RGB image to draw, of shape (H, W, 3) (a
                gray (H, W) image is expanded to 3 channels).
        """
        assert image is not None, "Visualizer.set_image: image must not be None"
        image = tensor2ndarray(image)
        image = np.asarray(image).astype("uint8")
        if image.ndim == 2:
            image = np.repeat(image[..., None], 3, axis=-1)
        elif image.ndim == 3 and image.shape[-1] == 4:
            image = image[..., :3]
        assert image.ndim == 3 and image.shape[-1] == 3, (
            f"Visualizer.set_image expects an RGB image of shape (H, W, 3), but got shape "
            f"{image.shape}"
        )
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
        assert self._image is not None, "Please set image using `set_image`"
        if not self._drawn:
            return self._image.copy()
        canvas, _, _ = self._prepare_canvas()
        return img_from_canvas(canvas)

    def _require_image(self, api: str) -> None:
        if self._image is None:
            raise AssertionError(
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

        fig = Figure(**fig_cfg)
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
            # The exact size: a fractional one makes matplotlib < 3.11 resample the image.
            dpi = fig.get_dpi()
            fig.set_size_inches(self.width / dpi, self.height / dpi)
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
            fig.set_size_inches(self.width / dpi, self.height / dpi)

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

    # ------------------------------------------------------------------ showing
    def _init_manager(self, win_name: str) -> None:
        """Create (or retitle) the pyplot figure manager used by :meth:`show`."""
        from matplotlib.figure import Figure
        from matplotlib.pyplot import new_figure_manager

        if self.manager is None:
            self.manager = new_figure_manager(num=1, FigureClass=Figure, **self.fig_show_cfg)
        try:
            self.manager.set_window_title(win_name)
        except Exception:
            # The window was closed by the user; open a new one.
            self.manager = new_figure_manager(num=1, FigureClass=Figure, **self.fig_show_cfg)
            self.manager.set_window_title(win_name)

    @master_only
    def show(
        self,
        drawn_img: Optional[np.ndarray] = None,
        win_name: str = "image",
        wait_time: float = 0.0,
        continue_key: str = " ",
        backend: str = "matplotlib",
    ) -> None:
        """Show the drawn image in a window.

        Without a display (a non-interactive matplotlib backend such as Agg)
        nothing can be shown: a warning is issued and this returns at once.
        With ``backend='cv2'`` the array is handed to ``cv2.imshow`` as is.

        Args:
            drawn_img (np.ndarray, optional): The image to show. If None, the
                image got by :meth:`get_image` is shown. Defaults to None.
            win_name (str): The image title. Defaults to 'image'.
            wait_time (float): Delay in seconds. 0 is the special value that
                means "forever". Defaults to 0.
            continue_key (str): The key for users to continue. Defaults to
                the space key.
            backend (str): 'matplotlib' or 'cv2'. Defaults to 'matplotlib'.
        """
        img = self.get_image() if drawn_img is None else drawn_img
        if backend == "cv2":
            cv = _import_cv2()
            # One window per visualizer; its title follows ``win_name``.
            cv.namedWindow(winname=f"{id(self)}")
            cv.setWindowTitle(f"{id(self)}", win_name)
            cv.imshow(str(id(self)), img)
            cv.waitKey(int(np.ceil(wait_time * 1000)))
            return None
        if backend != "matplotlib":
            raise ValueError(
                f'Visualizer.show: backend should be "matplotlib" or "cv2", but got {backend!r}'
            )

        matplotlib = _import_matplotlib()
        mpl_backend = matplotlib.get_backend()
        is_inline = "inline" in mpl_backend
        if not is_inline and _is_non_interactive_backend(mpl_backend):
            warnings.warn(
                f"Visualizer.show: the matplotlib backend {mpl_backend!r} cannot open a "
                "window (no display), so nothing is shown; save the image with "
                "add_image() or get it with get_image() instead",
                stacklevel=3,
            )
        self._init_manager(win_name)
        fig = self.manager.canvas.figure
        fig.subplots_adjust(left=0, right=1, bottom=0, top=1)
        fig.clear()
        ax = fig.add_subplot()
        ax.axis(False)
        img = np.asarray(img)
        ax.imshow(img[..., 0] if img.ndim == 3 and img.shape[-1] == 1 else img)
        self.manager.canvas.draw()
        if is_inline:
            return fig
        # Returns at once with a non-interactive backend: never blocks headless.
        wait_continue(fig, timeout=wait_time, continue_key=continue_key)
        return None

    # ------------------------------------------------------------------ drawing
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
        num_text = len(texts)
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
                stacklevel=2,
            )
        positions = positions.tolist()

        if font_sizes is None:
            font_sizes = self._default_font_size
        check_type_and_length("font_sizes", font_sizes, (int, float, list), num_text)
        font_sizes = value2list(font_sizes, (int, float), num_text)

        check_type_and_length("colors", colors, (str, tuple, list), num_text)
        colors = value2list(colors, (str, tuple), num_text)
        colors = color_val_matplotlib(colors)

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

        ax = self._axes("draw_texts")
        for i in range(num_text):
            ax.text(
                positions[i][0],
                positions[i][1],
                texts[i],
                size=font_sizes[i],
                bbox=bboxes[i],
                verticalalignment=vertical_alignments[i],
                horizontalalignment=horizontal_alignments[i],
                family=font_families[i],
                fontproperties=font_properties[i],
                color=colors[i],
            )
        return self

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
        if isinstance(alphas, (int, float)):
            alphas = [alphas] * num_masks
        check_type_and_length("alphas", alphas, list, num_masks)

        blended = img.astype(np.float32)
        for mask, color, alpha in zip(binary_masks, colors, alphas, strict=False):
            colored = blended.copy()
            colored[mask] = np.asarray(color, dtype=np.float32)
            blended = blended * (1 - alpha) + colored * alpha
        out = np.clip(np.round(blended), 0, 255).astype(np.uint8)

        ax = self._axes("draw_binary_masks")
        ax.imshow(out, extent=(0, self.width, self.height, 0), interpolation="nearest")
        return self

    @staticmethod
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
        assert featmap.ndim == 3, f"Input dimension must be 3, but got {featmap.ndim}"
        featmap = featmap.detach().cpu().float()

        if overlaid_image is not None:
            overlaid_image = np.asarray(tensor2ndarray(overlaid_image))
            if overlaid_image.ndim == 2:
                overlaid_image = np.repeat(overlaid_image[..., None], 3, axis=-1)
            overlaid_image = overlaid_image[..., :3]
            if overlaid_image.shape[:2] != tuple(featmap.shape[1:]):
                warnings.warn(
                    f"Since the spatial dimensions of overlaid_image: "
                    f"{overlaid_image.shape[:2]} and featmap: {tuple(featmap.shape[1:])} are "
                    "not same, the feature map will be interpolated. This may cause "
                    "mismatch problems !",
                    stacklevel=2,
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

        if channel_reduction is not None:
            assert channel_reduction in ("squeeze_mean", "select_max"), (
                f'Mode only support "squeeze_mean", "select_max", but got {channel_reduction}'
            )
            if channel_reduction == "select_max":
                channel_sums = torch.sum(featmap, dim=(1, 2))
                _, indices = torch.topk(channel_sums, 1)
                feat_map = featmap[indices]
            else:
                feat_map = torch.mean(featmap, dim=0)
            return convert_overlay_heatmap(feat_map, overlaid_image, alpha)

        if topk <= 0:
            featmap_channel = featmap.shape[0]
            assert featmap_channel in (1, 3), (
                "The input tensor channel dimension must be 1 or 3 when topk is less than 1, "
                f"but the channel dimension you input is {featmap_channel}, you can use the "
                "channel_reduction parameter or set topk greater than 0 to solve the error"
            )
            return convert_overlay_heatmap(featmap, overlaid_image, alpha)

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

    # ------------------------------------------------------------------ storage
    @master_only
    def add_config(self, config: Config, **kwargs: Any) -> None:
        """Record the config to every vis backend.

        Args:
            config (Config): The Config object.
        """
        for vis_backend in self._vis_backends.values():
            vis_backend.add_config(config, **kwargs)

    @master_only
    def add_graph(self, model: torch.nn.Module, data_batch: Sequence[dict], **kwargs: Any) -> None:
        """Record the model graph to every vis backend.

        Args:
            model (torch.nn.Module): Model to draw.
            data_batch (Sequence[dict]): Batch of data from dataloader.
        """
        for vis_backend in self._vis_backends.values():
            vis_backend.add_graph(model, data_batch, **kwargs)

    @master_only
    def add_image(self, name: str, image: np.ndarray, step: int = 0) -> None:
        """Record the image to every vis backend.

        Args:
            name (str): The image identifier.
            image (np.ndarray): The image to be saved. The format should be RGB.
            step (int): Global step value to record. Defaults to 0.
        """
        for vis_backend in self._vis_backends.values():
            vis_backend.add_image(name, image, step)  # type: ignore[call-arg]

    @master_only
    def add_scalar(
        self,
        name: str,
        value: Union[int, float, torch.Tensor, np.ndarray],
        step: int = 0,
        **kwargs: Any,
    ) -> None:
        """Record the scalar to every vis backend.

        Args:
            name (str): The scalar identifier.
            value (float, int): Value to save.
            step (int): Global step value to record. Defaults to 0.
        """
        for vis_backend in self._vis_backends.values():
            vis_backend.add_scalar(name, value, step, **kwargs)  # type: ignore[call-arg]

    @master_only
    def add_scalars(
        self,
        scalar_dict: dict,
        step: int = 0,
        file_path: Optional[str] = None,
        **kwargs: Any,
    ) -> None:
        """Record the scalars' data to every vis backend.

        Args:
            scalar_dict (dict): Key-value pair storing the tag and
                corresponding values.
            step (int): Global step value to record. Defaults to 0.
            file_path (str, optional): The scalar's data will be saved to the
                ``file_path`` file at the same time if the ``file_path``
                parameter is specified. Defaults to None.
        """
        for vis_backend in self._vis_backends.values():
            vis_backend.add_scalars(scalar_dict, step, file_path, **kwargs)

    @master_only
    def add_datasample(
        self,
        name: str,
        image: np.ndarray,
        data_sample: Optional[BaseDataElement] = None,
        draw_gt: bool = True,
        draw_pred: bool = True,
        show: bool = False,
        wait_time: int = 0,
        step: int = 0,
    ) -> None:
        """Draw a data sample; a no-op here, for downstream visualizers to implement.

        Args:
            name (str): The image identifier.
            image (np.ndarray): The image to draw.
            data_sample (BaseDataElement, optional): The annotations and
                predictions to draw. Defaults to None.
            draw_gt (bool): Whether to draw the ground truth. Defaults to True.
            draw_pred (bool): Whether to draw the predictions. Defaults to True.
            show (bool): Whether to show the result. Defaults to False.
            wait_time (int): Seconds to wait when showing. Defaults to 0.
            step (int): Global step value to record. Defaults to 0.
        """

    def close(self) -> None:
        """Close the figures and every vis backend."""
        self._fig = None
        self._canvas_stale = True
        self._drawn = False
        if self.manager is not None:
            import matplotlib.pyplot as plt

            plt.close(self.manager.canvas.figure)
            self.manager = None
        for vis_backend in self._vis_backends.values():
            vis_backend.close()
