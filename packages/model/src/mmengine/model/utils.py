"""Model utilities: batching, dict merging, anomalous-parameter detection, SyncBN conversion."""

from __future__ import annotations

import logging
from typing import Any

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmengine.logging import print_log
from mmengine.utils.dl_utils import mmcv_full_available  # noqa: F401  (upstream keeps this name here)

__all__ = [
    "stack_batch",
    "merge_dict",
    "detect_anomalous_params",
    "revert_sync_batchnorm",
    "convert_sync_batchnorm",
]


def stack_batch(
    tensor_list: list[torch.Tensor],
    pad_size_divisor: int = 1,
    pad_value: int | float = 0,
) -> torch.Tensor:
    """Stack tensors into a batch, padding each at the right/bottom to the max shape.

    The first dimension (normally the channel) is never padded; every other
    dimension is padded to the batch maximum rounded up to a multiple of
    ``pad_size_divisor``.

    Args:
        tensor_list (List[Tensor]): A list of tensors with the same dim.
        pad_size_divisor (int): If ``pad_size_divisor > 0``, add padding to
            ensure the shape of each dim is divisible by ``pad_size_divisor``.
            Many models need 32. Defaults to 1.
        pad_value (int, float): The padding value. Defaults to 0.

    Returns:
        Tensor: The ``n+1``-dim batch tensor.

    Raises:
        AssertionError: If ``tensor_list`` is not a non-empty list of tensors
            with the same number of dimensions.
    """
    if not isinstance(tensor_list, list):
        raise AssertionError(f"Expected input type to be list, but got {type(tensor_list)}")
    if not tensor_list:
        raise AssertionError("`tensor_list` could not be an empty list")
    try:
        ndims = [tensor.ndim for tensor in tensor_list]
        if len(set(ndims)) != 1:
            raise AssertionError(
                f"Expected the dimensions of all tensors must be the same, but got {ndims}; "
                "every tensor of a batch needs the same number of dimensions, e.g. (C, H, W) "
                "images."
            )
        dim = ndims[0]
        divisor = max(int(pad_size_divisor), 1)
        shapes = [tuple(t.shape) for t in tensor_list]
        max_shape = [max(s[d] for s in shapes) for d in range(dim)]
        target = [max_shape[0]] + [-(-m // divisor) * divisor for m in max_shape[1:]]
        if all(s[1:] == tuple(target[1:]) for s in shapes) and len({s[0] for s in shapes}) == 1:
            return torch.stack(tensor_list)
        padded = []
        for tensor, shape in zip(tensor_list, shapes):
            # F.pad takes (last_left, last_right, prev_left, prev_right, ...):
            # pad only the right/bottom side, never the first dim.
            pad: list[int] = []
            for d in range(dim - 1, 0, -1):
                pad += [0, target[d] - shape[d]]
            padded.append(F.pad(tensor, pad, value=pad_value) if any(pad) else tensor)
        return torch.stack(padded)
    except (AttributeError, TypeError, IndexError, RuntimeError) as exc:
        _explain_stack_error(exc, tensor_list)
        raise


class StackBatchTypeError(AttributeError, TypeError):
    """An item of ``stack_batch``'s list is not a tensor (0.10: AttributeError ``dim``)."""


def _explain_stack_error(exc: BaseException, tensor_list: list) -> None:
    """Raise a clear error for what made stacking fail, if it is a known bad input."""
    for index, item in enumerate(tensor_list):
        if not isinstance(item, torch.Tensor):
            raise StackBatchTypeError(
                f"{type(item).__name__!r} object has no attribute 'dim': stack_batch expects a "
                f"list of tensors, but item {index} is a {type(item).__module__}."
                f"{type(item).__name__}; convert it first (e.g. torch.from_numpy)."
            ) from exc
    if isinstance(exc, IndexError) and tensor_list[0].ndim == 0:
        raise IndexError(
            "stack_batch pads tensors of at least one dimension, but got 0-dim tensors (scalars); "
            "stack them with torch.stack."
        ) from exc
    if isinstance(exc, RuntimeError) and "stack expects each tensor" in str(exc):
        firsts = [tuple(t.shape)[:1] for t in tensor_list]
        index = next(i for i, f in enumerate(firsts) if f != firsts[0])
        raise RuntimeError(
            f"{exc}. stack_batch pads every dimension but the first (the channels of (C, H, W) "
            f"images), which must be the same for all tensors: tensor 0 has shape "
            f"{tuple(tensor_list[0].shape)} and tensor {index} {tuple(tensor_list[index].shape)}. "
            "Convert the images to the same number of channels in the data pipeline."
        ) from exc


@torch.fx.wrap
def merge_dict(*args: dict) -> dict:
    """Merge all dictionaries into one dictionary.

    Wrapped by ``torch.fx.wrap`` so ``torch.fx.symbolic_trace`` does not trace
    into it: use it instead of ``dict.update`` in traceable code.

    Args:
        *args: dictionary needs to be merged.

    Returns:
        dict: Merged dict from args (later ones win).
    """
    output: dict = {}
    for item in args:
        if not isinstance(item, dict):
            raise AssertionError(
                f"all arguments of merge_dict should be a dict, but got {type(item)}"
            )
        output.update(item)
    return output


def detect_anomalous_params(loss: torch.Tensor, model: nn.Module) -> None:
    """Log (at ERROR level) every trainable parameter not in the autograd graph of ``loss``.

    A parameter is anomalous when it was not used in the forward pass or did
    not contribute to ``loss``; DDP fails on such parameters unless
    ``find_unused_parameters=True``.

    Args:
        loss (torch.Tensor): The loss whose graph is inspected.
        model (nn.Module): The model whose parameters are checked.
    """
    in_graph: set[int] = set()
    visited: set = set()
    stack = [loss.grad_fn]
    while stack:
        fn = stack.pop()
        if fn is None or fn in visited:
            continue
        visited.add(fn)
        variable = getattr(fn, "variable", None)
        if variable is not None:
            in_graph.add(id(variable))
        for parent, _ in getattr(fn, "next_functions", ()) or ():
            stack.append(parent)
    for name, param in model.named_parameters():
        if param.requires_grad and id(param) not in in_graph:
            print_log(
                f"{name} with shape {param.size()} is not in the computational graph \n",
                logger="current",
                level=logging.ERROR,
            )


class _BatchNormXd(nn.modules.batchnorm._BatchNorm):
    """A BatchNorm accepting inputs of any dimensionality.

    Produced by :func:`revert_sync_batchnorm`, since ``SyncBatchNorm`` does not
    record whether it replaced a 1d, 2d or 3d BatchNorm.
    """

    def _check_input_dim(self, input: torch.Tensor) -> None:
        return


def _sync_bn_types() -> tuple[type, ...]:
    types: list[type] = [nn.SyncBatchNorm]
    try:
        from mmcv.ops import SyncBatchNorm as MMSyncBN  # type: ignore

        types.append(MMSyncBN)
    except Exception:  # mmcv is optional
        pass
    return tuple(types)


def _copy_bn_state(src: nn.Module, dst: nn.Module) -> nn.Module:
    if src.affine:
        with torch.no_grad():
            dst.weight = src.weight
            dst.bias = src.bias
    dst.running_mean = src.running_mean
    dst.running_var = src.running_var
    dst.num_batches_tracked = src.num_batches_tracked
    dst.training = src.training
    if hasattr(src, "qconfig"):
        dst.qconfig = src.qconfig
    return dst


def revert_sync_batchnorm(module: nn.Module) -> nn.Module:
    """Convert every ``SyncBatchNorm`` (torch or mmcv) layer in ``module`` to a BatchNorm.

    The replacement (``_BatchNormXd``) shares the parameters and buffers of
    the original layer and accepts inputs of any dimensionality. Children that
    refuse ``add_module`` are left as they are, with a warning.

    Args:
        module (nn.Module): The module containing ``SyncBatchNorm`` layers.

    Returns:
        nn.Module: The converted module (``module`` itself when it is not a SyncBN).
    """
    module_output = module
    if isinstance(module, _sync_bn_types()):
        module_output = _BatchNormXd(
            module.num_features,
            module.eps,
            module.momentum,
            module.affine,
            module.track_running_stats,
        )
        _copy_bn_state(module, module_output)
    for name, child in module.named_children():
        try:
            module_output.add_module(name, revert_sync_batchnorm(child))
        except Exception as exc:
            print_log(
                f"Failed to convert {child.__class__.__name__} ({name}) from SyncBN to BN: {exc}",
                logger="current",
                level=logging.WARNING,
            )
    return module_output


def convert_sync_batchnorm(module: nn.Module, implementation: str = "torch") -> nn.Module:
    """Convert every BatchNorm layer in ``module`` to ``SyncBatchNorm``.

    Args:
        module (nn.Module): The module containing BatchNorm layers.
        implementation (str): The type of SyncBatchNorm to convert to:
            ``'torch'`` for ``torch.nn.SyncBatchNorm``, ``'mmcv'`` for
            ``mmcv.ops.SyncBatchNorm``. Defaults to ``'torch'``.

    Returns:
        nn.Module: The converted module with SyncBatchNorm layers.

    Raises:
        ValueError: If ``implementation`` is neither ``'torch'`` nor ``'mmcv'``.
    """
    module_output = module
    if isinstance(module, nn.modules.batchnorm._BatchNorm) and not isinstance(
        module, nn.SyncBatchNorm
    ):
        sync_bn_cls: Any
        if implementation == "torch":
            sync_bn_cls = nn.SyncBatchNorm
        elif implementation == "mmcv":
            try:
                from mmcv.ops import SyncBatchNorm as sync_bn_cls  # type: ignore
            except ImportError as exc:
                # 0.10 lets the import error through (ModuleNotFoundError when mmcv is
                # missing): keep its class and sentence, then say what to do.
                raise type(exc)(
                    f"{exc}. convert_sync_batchnorm(implementation='mmcv') needs mmcv with its "
                    "ops; install mmcv or use implementation='torch'.",
                    name=exc.name,
                    path=exc.path,
                ) from exc
        else:
            raise ValueError(f'sync_bn should be "torch" or "mmcv", but got {implementation}')
        module_output = sync_bn_cls(
            module.num_features,
            module.eps,
            module.momentum,
            module.affine,
            module.track_running_stats,
        )
        _copy_bn_state(module, module_output)
    for name, child in module.named_children():
        module_output.add_module(name, convert_sync_batchnorm(child, implementation))
    return module_output
