"""State dicts: matching one against a module (with its report), collecting one, moving one to CPU.

:func:`load_into_module` is the recursive part of
:func:`mmengine.model.checkpoint.load_state_dict`: it looks through model
wrappers (DDP, ...) and test-time-augmentation wrappers nested anywhere in the
module tree, and returns what did not match; :func:`mismatch_report` words
that the way mmengine always has.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Optional

import torch
import torch.nn as nn

from ..wrappers.utils import is_model_wrapper


class _IncompatibleKeys:
    def __init__(self, missing_keys: list, unexpected_keys: list) -> None:
        self.missing_keys = missing_keys
        self.unexpected_keys = unexpected_keys


def load_into_module(module: nn.Module, state_dict: dict) -> tuple[list, list, list]:
    """Copy ``state_dict`` into ``module`` and its children (through wrappers).

    Args:
        module (nn.Module): The module that receives the weights.
        state_dict (dict): The weights; its ``_metadata`` (module versions), if
            any, is passed on to each module.

    Returns:
        tuple[list, list, list]: The missing keys (without BN's
        ``num_batches_tracked``), the unexpected keys and torch's error
        messages (shape mismatches).
    """
    from ..test_time_aug import BaseTTAModel

    unexpected_keys: list[str] = []
    missing_keys: list[str] = []
    err_msg: list[str] = []

    metadata = getattr(state_dict, "_metadata", None)
    state_dict = OrderedDict(state_dict)
    if metadata is not None:
        state_dict._metadata = metadata  # type: ignore[attr-defined]

    def load(module: nn.Module, local_state_dict: dict, prefix: str = "") -> None:
        if is_model_wrapper(module) or isinstance(module, BaseTTAModel):
            module = module.module
        local_metadata = {} if metadata is None else metadata.get(prefix[:-1], {})
        module._load_from_state_dict(
            local_state_dict, prefix, local_metadata, True, missing_keys, unexpected_keys, err_msg
        )
        for name, child in module._modules.items():
            if child is not None:
                child_prefix = prefix + name + "."
                child_state_dict = {
                    k: v for k, v in local_state_dict.items() if k.startswith(child_prefix)
                }
                load(child, child_state_dict, child_prefix)
        incompatible = _IncompatibleKeys(missing_keys, unexpected_keys)
        for hook in getattr(module, "_load_state_dict_post_hooks", {}).values():
            out = hook(module, incompatible)
            if out is not None:
                raise AssertionError(
                    "Hooks registered with ``register_load_state_dict_post_hook`` are not "
                    "expected to return new values."
                )

    load(module, state_dict)
    # ignore "num_batches_tracked" of BN layers
    missing_keys = [key for key in missing_keys if "num_batches_tracked" not in key]
    return missing_keys, unexpected_keys, err_msg


def mismatch_report(missing_keys: list, unexpected_keys: list, err_msg: list) -> Optional[str]:
    """The message mmengine logs (or raises, when strict) for a partial match; None if exact."""
    err_msg = list(err_msg)
    if unexpected_keys:
        err_msg.append(f"unexpected key in source state_dict: {', '.join(unexpected_keys)}\n")
    if missing_keys:
        err_msg.append(f"missing keys in source state_dict: {', '.join(missing_keys)}\n")
    if not err_msg:
        return None
    err_msg.insert(0, "The model and loaded state dict do not match exactly\n")
    return "\n".join(err_msg)


def weights_to_cpu(state_dict: dict) -> dict:
    """Copy a model state_dict to cpu.

    Tensors already on the CPU are returned as they are (no copy). Nested
    dicts, lists and tuples are handled.

    Args:
        state_dict (OrderedDict): Model weights on GPU.

    Returns:
        OrderedDict: Model weights on CPU.
    """

    def to_cpu(obj: Any) -> Any:
        if isinstance(obj, torch.Tensor):
            return obj if obj.device.type == "cpu" else obj.cpu()
        if isinstance(obj, dict):
            out = type(obj)() if isinstance(obj, OrderedDict) else {}
            for k, v in obj.items():
                out[k] = to_cpu(v)
            return out
        if isinstance(obj, (list, tuple)) and not hasattr(obj, "_fields"):
            return type(obj)(to_cpu(v) for v in obj)
        return obj

    metadata = getattr(state_dict, "_metadata", OrderedDict())
    result = OrderedDict((k, to_cpu(v)) for k, v in state_dict.items())
    result._metadata = metadata  # type: ignore[attr-defined]
    return result


def checkpoint_state_dict(model: nn.Module) -> OrderedDict:
    """The weights a training checkpoint holds: ``model.state_dict()`` outside its wrapper,
    on the CPU, as 0.10's Runner saves them (so a ``state_dict`` override anywhere in the
    model decides, e.g. one that keeps only adapter weights).

    One difference: a model wrapper nested inside the model (MMSeparateDistributedDataParallel
    wraps each submodule in DDP) does not add its ``module.`` segment to the keys, as
    :func:`get_state_dict` has it. 0.10 kept the segment, and then neither resuming nor
    ``load_checkpoint`` matched those keys (both expect the unwrapped names); without it both
    do, in this project and in 0.10.
    """
    if is_model_wrapper(model):
        model = model.module
    state = model.state_dict()
    wrapped = sorted(
        (name + "." for name, sub in model.named_modules() if name and is_model_wrapper(sub)),
        key=len,
        reverse=True,  # innermost first: "a.module.b.module.w" -> "a.module.b.w" -> "a.b.w"
    )
    if wrapped:
        state = _drop_wrapper_segments(state, wrapped)
    return weights_to_cpu(state)


def _drop_wrapper_segments(state: OrderedDict, wrapped: list) -> OrderedDict:
    def clean(key: str) -> str:
        for prefix in wrapped:
            if key.startswith(prefix + "module."):
                key = prefix + key[len(prefix) + len("module.") :]
        return key

    result = OrderedDict((clean(k), v) for k, v in state.items())
    metadata = getattr(state, "_metadata", None)
    if metadata is not None:
        renamed = OrderedDict()
        for key, value in metadata.items():
            renamed[clean(key + ".")[:-1] if key else key] = value
        result._metadata = renamed  # type: ignore[attr-defined]
    return result


def _save_to_state_dict(module: nn.Module, destination: dict, prefix: str, keep_vars: bool) -> None:
    """Saves the parameters and persistent buffers of ``module`` itself into ``destination``.

    Args:
        module (nn.Module): The module to generate state_dict.
        destination (dict): A dict where state will be stored.
        prefix (str): The prefix for parameters and buffers used in this
            module.
        keep_vars (bool): Whether to keep the variable property of the
            parameters.
    """
    module._save_to_state_dict(destination, prefix, keep_vars)


def get_state_dict(
    module: nn.Module,
    destination: Optional[OrderedDict] = None,
    prefix: str = "",
    keep_vars: bool = False,
) -> OrderedDict:
    """Returns a dictionary containing a whole state of the module.

    Both parameters and persistent buffers (e.g. running averages) are
    included. Keys are corresponding parameter and buffer names.
    This method is modified from :meth:`torch.nn.Module.state_dict` to
    recursively check parallel module in case that the model has a
    complicated structure, e.g., nn.Module(nn.Module(DDP)).

    Args:
        module (nn.Module): The module to generate state_dict.
        destination (OrderedDict): Returned dict for the state of the
            module.
        prefix (str): Prefix of the key.
        keep_vars (bool): Whether to keep the variable property of the
            parameters. Defaults to False.

    Returns:
        dict: A dictionary containing a whole state of the module.
    """
    if is_model_wrapper(module):
        module = module.module
    if destination is None:
        destination = OrderedDict()
        destination._metadata = OrderedDict()  # type: ignore[attr-defined]
    local_metadata = dict(version=module._version)
    if hasattr(destination, "_metadata"):
        destination._metadata[prefix[:-1]] = local_metadata
    for hook in getattr(module, "_state_dict_pre_hooks", {}).values():
        hook(module, prefix, keep_vars)
    _save_to_state_dict(module, destination, prefix, keep_vars)
    for name, child in module._modules.items():
        if child is not None:
            get_state_dict(child, destination, prefix + name + ".", keep_vars=keep_vars)
    for hook in module._state_dict_hooks.values():
        hook_result = hook(module, destination, prefix, local_metadata)
        if hook_result is not None:
            destination = hook_result
    return destination
