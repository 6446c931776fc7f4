"""A stand-in for ``mmcv._ext`` (the compiled ops mmcv-lite does not ship), backed by torchvision.

Test scaffolding for the downstream suite only. It provides the few ops the suite's detection
models call (``nms``, ``roi_align_forward``, ``roi_align_backward``); any other op raises
``NotImplementedError`` naming it. Installed by ``sitecustomize`` next to this
file when ``tests/downstream/shim`` is on ``PYTHONPATH`` and no compiled ``mmcv._ext`` exists.
"""

from __future__ import annotations

import glob
import importlib.machinery
import os
import sys
import types

__all__ = ["install", "compiled_ext_present"]

PROVIDED = ("nms", "roi_align_forward", "roi_align_backward")


def compiled_ext_present() -> bool:
    """Whether a real compiled ``mmcv/_ext*.so`` sits on ``sys.path`` (full mmcv installed)."""
    for entry in sys.path:
        if entry and glob.glob(os.path.join(entry, "mmcv", "_ext*")):
            return True
    return False


def nms(boxes, scores, iou_threshold: float, offset: int = 0):
    """``mmcv._ext.nms``: indices of the boxes kept, highest score first."""
    from torchvision.ops import nms as tv_nms

    if offset:
        boxes = boxes.clone()
        boxes[:, 2:] += offset
    return tv_nms(boxes.float(), scores.float(), float(iou_threshold))


def _tv_roi_align(
    input, rois, aligned_height, aligned_width, spatial_scale, sampling_ratio, aligned
):
    from torchvision.ops import roi_align

    return roi_align(
        input,
        rois.to(input.dtype),
        (aligned_height, aligned_width),
        spatial_scale=spatial_scale,
        sampling_ratio=sampling_ratio,
        aligned=aligned,
    )


def roi_align_forward(
    input,
    rois,
    output,
    argmax_y,
    argmax_x,
    aligned_height=7,
    aligned_width=7,
    spatial_scale=1.0,
    sampling_ratio=0,
    pool_mode=1,
    aligned=True,
):
    """``mmcv._ext.roi_align_forward``: fills ``output`` in place (average pooling only)."""
    if pool_mode != 1:
        raise NotImplementedError("test shim: roi_align with pool_mode='max' is not provided")
    import torch

    with torch.no_grad():
        output.copy_(
            _tv_roi_align(
                input, rois, aligned_height, aligned_width, spatial_scale, sampling_ratio, aligned
            )
        )


def roi_align_backward(
    grad_output,
    rois,
    argmax_y,
    argmax_x,
    grad_input,
    aligned_height=7,
    aligned_width=7,
    spatial_scale=1.0,
    sampling_ratio=0,
    pool_mode=1,
    aligned=True,
):
    """``mmcv._ext.roi_align_backward``: fills ``grad_input`` in place."""
    if pool_mode != 1:
        raise NotImplementedError("test shim: roi_align with pool_mode='max' is not provided")
    import torch

    with torch.enable_grad():
        feat = torch.zeros_like(grad_input, requires_grad=True)
        out = _tv_roi_align(
            feat, rois, aligned_height, aligned_width, spatial_scale, sampling_ratio, aligned
        )
        (grad,) = torch.autograd.grad(out, feat, grad_output)
    grad_input.copy_(grad)


def _missing(name: str):
    def op(*args, **kwargs):
        raise NotImplementedError(
            f"mmcv._ext.{name}: mmcv-lite ships no compiled ops and the downstream test shim "
            f"(tests/downstream/shim) provides only {', '.join(PROVIDED)}. Install the full "
            "mmcv built for your torch to use this op."
        )

    op.__name__ = name
    return op


def install() -> None:
    """Register the stand-in as ``mmcv._ext`` unless a compiled one exists."""
    if "mmcv._ext" in sys.modules or compiled_ext_present():
        return
    module = types.ModuleType("mmcv._ext", __doc__)
    # A spec without a loader: `pkgutil.find_loader('mmcv._ext')` (mmengine's
    # `mmcv_full_available`) then answers "no compiled mmcv" instead of raising.
    module.__spec__ = importlib.machinery.ModuleSpec("mmcv._ext", None)
    for name in PROVIDED:
        setattr(module, name, globals()[name])

    def __getattr__(name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return _missing(name)

    module.__getattr__ = __getattr__
    sys.modules["mmcv._ext"] = module
