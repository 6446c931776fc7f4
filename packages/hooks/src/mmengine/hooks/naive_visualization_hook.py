"""NaiveVisualizationHook: draw test predictions (and ground truth) with the visualizer."""

from __future__ import annotations

import os.path as osp
from collections.abc import Sequence
from typing import Any, Optional

import numpy as np
import torch
import torch.nn.functional as F

from mmengine.registry import HOOKS
from mmengine.utils.dl_utils import tensor2imgs

from ._checks import check_flag, check_integer, warn
from .hook import DATA_BATCH, Hook


def _resize(image: np.ndarray, size_wh: tuple[int, int]) -> np.ndarray:
    """Resize an (H, W[, C]) image to ``(width, height)`` (bilinear, like cv2.resize)."""
    width, height = int(size_wh[0]), int(size_wh[1])
    if image.shape[0] == height and image.shape[1] == width:
        return image
    tensor = torch.from_numpy(np.ascontiguousarray(image)).float()
    squeeze = tensor.ndim == 2
    if squeeze:
        tensor = tensor[..., None]
    tensor = tensor.permute(2, 0, 1)[None]
    out = F.interpolate(tensor, size=(height, width), mode="bilinear", align_corners=False)
    out = out[0].permute(1, 2, 0)
    if squeeze:
        out = out[..., 0]
    return _as_dtype(out.numpy(), image.dtype)


# The image handed to the visualizer keeps the input's dtype, as in 0.10.
_NUMPY_DTYPES = {torch.uint8: np.uint8, torch.float16: np.float16, torch.float64: np.float64}


def _as_dtype(image: np.ndarray, dtype: Any) -> np.ndarray:
    """``image`` as ``dtype`` (rounded and clipped to 0..255 for ``uint8``)."""
    if image.dtype == dtype:
        return image
    if dtype == np.uint8:
        return np.clip(np.round(image), 0, 255).astype(np.uint8)
    return image.astype(dtype)


def _pairs(data_batch: Any, outputs: Any) -> list[tuple[Any, Any, Any]]:
    """(input, data_sample, output) triples from a dict batch or a list of per-sample dicts."""
    if isinstance(data_batch, dict):
        inputs = data_batch.get("inputs")
        samples = data_batch.get("data_samples")
        if inputs is None or samples is None:
            return []
        return list(zip(inputs, samples, outputs))
    triples = []
    for data, output in zip(data_batch, outputs):
        sample = data["data_samples"] if "data_samples" in data else data["data_sample"]
        triples.append((data["inputs"], sample, output))
    return triples


@HOOKS.register_module()
class NaiveVisualizationHook(Hook):
    """Show or Write the predicted results during the process of testing.

    Every ``interval`` test iterations, each input image is de-normalized (with the data
    sample's ``img_norm_cfg`` if any), un-padded, resized back to its original shape and
    passed to ``runner.visualizer.add_datasample`` with the model's output data sample (which
    carries the ground truth and the prediction).

    Args:
        interval (int): Visualization interval. Defaults to 1.
        draw_gt (bool): Whether to draw the ground truth. Default to True.
        draw_pred (bool): Whether to draw the predicted result. Default to True.
    """

    priority = "NORMAL"

    def __init__(self, interval: int = 1, draw_gt: bool = True, draw_pred: bool = True) -> None:
        check_integer("NaiveVisualizationHook", "interval", interval,
                      "It draws every `interval`-th test batch.")  # fmt: skip
        if interval <= 0:
            warn("NaiveVisualizationHook", f"interval={interval} never draws a test batch; "
                 "set interval=1 to draw every batch.")  # fmt: skip
        check_flag("NaiveVisualizationHook", "draw_gt", draw_gt)
        check_flag("NaiveVisualizationHook", "draw_pred", draw_pred)
        self._interval = interval
        self.draw_gt = draw_gt
        self.draw_pred = draw_pred

    def _unpad(self, input: np.ndarray, unpad_shape: tuple) -> np.ndarray:
        unpad_width, unpad_height = unpad_shape
        return input[: int(unpad_height), : int(unpad_width)]

    def before_train(self, runner: Any) -> None:
        """Call ``add_graph`` method of visualizer.

        Args:
            runner (Runner): The runner of the training process.
        """
        add_graph = getattr(runner.visualizer, "add_graph", None)
        if add_graph is not None:
            add_graph(runner.model, None)

    def after_test_iter(
        self,
        runner: Any,
        batch_idx: int,
        data_batch: DATA_BATCH = None,
        outputs: Optional[Sequence] = None,
    ) -> None:
        """Show or Write the predicted results.

        Args:
            runner (Runner): The runner of the training process.
            batch_idx (int): The index of the current batch in the test loop.
            data_batch (dict or tuple or list, optional): Data from dataloader.
            outputs (Sequence, optional): Outputs from model.
        """
        if data_batch is None or outputs is None:
            return
        if not self.every_n_inner_iters(batch_idx, self._interval):
            return
        for index, (inputs, data_sample, output) in enumerate(_pairs(data_batch, outputs)):
            tensor = inputs if isinstance(inputs, torch.Tensor) else torch.as_tensor(inputs)
            if tensor.ndim == 3:
                tensor = tensor[None]
            norm_cfg = _get(data_sample, "img_norm_cfg", None) or dict(
                mean=(0,) * tensor.shape[1], std=(1,) * tensor.shape[1], to_bgr=tensor.shape[1] == 3
            )
            image = tensor2imgs(tensor.detach().float().cpu(), **norm_cfg)[0]
            height, width = image.shape[:2]
            ori_shape = (
                _get(data_sample, "ori_width", width),
                _get(data_sample, "ori_height", height),
            )
            if _get(data_sample, "pad_shape", None) is not None:
                image = self._unpad(image, _get(data_sample, "scale", ori_shape))
            dtype = _NUMPY_DTYPES.get(tensor.dtype, np.float32)
            origin_image = _resize(_as_dtype(image, dtype), ori_shape)
            img_path = _get(data_sample, "img_path", None)
            name = osp.basename(img_path) if img_path else f"test_{batch_idx}_{index}"
            # OpenMMLab 2.0 models return data samples holding both the ground truth and
            # the prediction; fall back to the input sample for other outputs.
            sample = output if hasattr(output, "metainfo") else data_sample
            runner.visualizer.add_datasample(
                name,
                origin_image,
                data_sample=sample,
                draw_gt=self.draw_gt,
                draw_pred=self.draw_pred,
                step=batch_idx,
            )


def _get(sample: Any, key: str, default: Any) -> Any:
    getter = getattr(sample, "get", None)
    if getter is not None:
        return getter(key, default)
    return getattr(sample, key, default)
