"""The Visualizer: draw on images with matplotlib and store results through vis backends.

Drawing uses matplotlib's Agg canvas, imported the first time something is
drawn (``pip install mmengine-ng-visualization[matplotlib]``); building a
Visualizer, setting and getting an undrawn image and all the storage APIs
(``add_scalar``, ``add_image``, ...) work without it.

The class is assembled from parts kept in sibling modules: the canvas and the
image (:mod:`._canvas`), the drawing primitives (:mod:`._drawing`), the feature
map heat maps (:mod:`._featmap`) and the construction of the storage backends
(:mod:`._backends`). This module holds what ties them together: the instance
registry, showing in a window and the fan-out of the storage calls to every
backend.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Optional, Union

import numpy as np
import torch
import torch.nn.functional as F  # noqa: F401  (this module's namespace before the split)

from mmengine.config import Config
from mmengine.dist import master_only
from mmengine.registry import VISBACKENDS, VISUALIZERS  # noqa: F401  (upstream's namespace)
from mmengine.structures import BaseDataElement
from mmengine.utils import ManagerMixin, is_seq_of  # noqa: F401  (is_seq_of: upstream's namespace)

# Names that lived here before the Visualizer's parts moved to sibling modules (and upstream's
# namespace): downstream code imports them from this module.
from ._backends import _needs_save_dir, build_vis_backends  # noqa: F401
from ._canvas import _MATPLOTLIB_HINT, _import_matplotlib  # noqa: F401
from ._drawing import ArrayLike, ColorType, DrawingMixin  # noqa: F401
from ._featmap import _resize_image, draw_featmap  # noqa: F401
from .utils import (  # noqa: F401
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
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: F401
    from matplotlib.figure import Figure  # noqa: F401
    from matplotlib.font_manager import FontProperties  # noqa: F401

# What ``vis_backends`` accepts (upstream's alias, kept for annotations downstream).
VisBackendsType = Union[list[Union[list, BaseDataElement]], BaseDataElement, dict, None]


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


@VISUALIZERS.register_module()
class Visualizer(DrawingMixin, ManagerMixin):
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
        >>> import numpy as np
        >>> import torch
        >>> from mmengine.visualization import Visualizer
        >>> image = np.zeros((100, 100, 3), dtype=np.uint8)
        >>> # Basic info methods
        >>> vis = Visualizer()
        >>> vis.set_image(image)
        >>> vis.get_image().shape
        (100, 100, 3)
        >>> vis.show()  # opens a window, needs a display  # doctest: +SKIP

        >>> # Basic drawing methods; each returns the visualizer
        >>> vis = Visualizer(image=image)
        >>> vis.draw_bboxes(np.array([0, 0, 1, 1]), edge_colors='g')
        <mmengine.visualization.visualizer.Visualizer object at 0x...>
        >>> vis.draw_bboxes(np.array([[1, 1, 2, 2], [2, 2, 3, 3]]),
        ...                 edge_colors=['g', 'r'])
        <mmengine.visualization.visualizer.Visualizer object at 0x...>
        >>> vis.draw_lines(x_datas=np.array([1, 3]),
        ...                y_datas=np.array([1, 3]),
        ...                colors='r', line_widths=1)
        <mmengine.visualization.visualizer.Visualizer object at 0x...>
        >>> vis.draw_texts('MMEngine', positions=np.array([2, 2]), colors='b')
        <mmengine.visualization.visualizer.Visualizer object at 0x...>
        >>> vis.draw_circles(np.array([2, 2]), radius=np.array([1]))
        <mmengine.visualization.visualizer.Visualizer object at 0x...>
        >>> square = np.array([[10, 10], [90, 10], [90, 90], [10, 90]])
        >>> vis.draw_polygons(polygons=square, edge_colors='g')
        <mmengine.visualization.visualizer.Visualizer object at 0x...>
        >>> binary_mask = np.zeros((100, 100), dtype=bool)
        >>> binary_mask[20:50, 20:50] = True
        >>> vis.draw_binary_masks(binary_mask, alphas=0.6)
        <mmengine.visualization.visualizer.Visualizer object at 0x...>
        >>> featmap = torch.rand(3, 100, 100)
        >>> heatmap = vis.draw_featmap(featmap, image,
        ...                            channel_reduction='select_max')
        >>> heatmap.shape
        (100, 100, 3)

        >>> # chain calls
        >>> vis.draw_bboxes(np.array([10, 10, 50, 50])).draw_texts('cat', np.array([10, 10]))
        <mmengine.visualization.visualizer.Visualizer object at 0x...>

        >>> # Backend related methods
        >>> from mmengine.config import Config
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
        if not isinstance(fig_show_cfg, dict):
            raise TypeError(
                "Visualizer: fig_show_cfg should be a dict of matplotlib.figure.Figure keyword "
                f"arguments, such as dict(frameon=False), but got {type(fig_show_cfg).__name__}"
            )
        self.fig_show_cfg = dict(fig_show_cfg)
        self.manager: Any = None
        self._init_canvas(fig_save_cfg)
        if image is not None:
            self.set_image(image)
        self._vis_backends: dict[str, BaseVisBackend] = build_vis_backends(
            vis_backends, save_dir, self.instance_name
        )

    # ------------------------------------------------------------------ backends
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
            >>> from mmengine.visualization import Visualizer
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
            return self._show_cv2(img, win_name, wait_time)
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
        fig = self._draw_in_window(img, win_name)
        if is_inline:
            return fig
        # Returns at once with a non-interactive backend: never blocks headless.
        wait_continue(fig, timeout=wait_time, continue_key=continue_key)
        return None

    def _show_cv2(self, img: np.ndarray, win_name: str, wait_time: float) -> None:
        """Show ``img`` with ``cv2.imshow`` in this visualizer's window, titled ``win_name``."""
        cv = _import_cv2()
        # One window per visualizer; its title follows ``win_name``.
        cv.namedWindow(winname=f"{id(self)}")
        cv.setWindowTitle(f"{id(self)}", win_name)
        cv.imshow(str(id(self)), img)
        cv.waitKey(int(np.ceil(wait_time * 1000)))

    def _draw_in_window(self, img: np.ndarray, win_name: str) -> Any:
        """Draw ``img`` into the pyplot window titled ``win_name``; return its figure."""
        self._init_manager(win_name)
        fig = self.manager.canvas.figure
        fig.subplots_adjust(left=0, right=1, bottom=0, top=1)
        fig.clear()
        ax = fig.add_subplot()
        ax.axis(False)
        img = np.asarray(img)
        ax.imshow(img[..., 0] if img.ndim == 3 and img.shape[-1] == 1 else img)
        self.manager.canvas.draw()
        return fig

    # ------------------------------------------------------------------ drawing
    draw_featmap = staticmethod(draw_featmap)

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
