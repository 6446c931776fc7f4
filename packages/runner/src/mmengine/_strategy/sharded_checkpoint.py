"""Sharded checkpoints through ``torch.distributed.checkpoint`` (DCP).

A sharded checkpoint is a directory (named like a checkpoint file, e.g. ``epoch_3.pth``):

- ``.metadata`` and ``__<rank>_0.distcp``: the model weights (``state_dict``) and the optimizer
  state (``optimizer``), written by DCP, each process writing its own shards (nothing is
  gathered on one process);
- ``extra_state.pth``: everything else of the checkpoint (``meta``, ``message_hub``,
  ``param_schedulers``...), small, written by rank 0.

Loading reshards: the checkpoint loads on any number of processes, sharded or not (a plain
model on one process assembles the full tensors). :func:`consolidate` turns one into an
ordinary single-file checkpoint (``python -m mmengine._strategy.consolidate DIR OUT.pth``).

A checkpoint is written into ``<path>.tmp`` and renamed to ``<path>`` once complete, so a
directory at ``<path>`` is always whole.
"""

from __future__ import annotations

import logging
import os
import os.path as osp
import shutil
import warnings
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Optional

import torch
import torch.distributed as dist
from torch import nn

from mmengine.logging import print_log

METADATA_FILE = ".metadata"
EXTRA_STATE_FILE = "extra_state.pth"
_LAYOUT_KEY = "__sharded_layout__"
_TENSOR_KEYS = ("state_dict", "optimizer")


def is_sharded_checkpoint(path: Any) -> bool:
    """Whether ``path`` is a complete sharded (DCP) checkpoint directory."""
    return isinstance(path, (str, os.PathLike)) and osp.isfile(osp.join(path, METADATA_FILE))


def _distributed() -> bool:
    return dist.is_available() and dist.is_initialized()


def _rank() -> int:
    return dist.get_rank() if _distributed() else 0


def _barrier(group: Any = None) -> None:
    if _distributed():
        dist.barrier(group=group)


def optimizers_of(optim_wrapper: Any) -> list[tuple[Optional[str], Any]]:
    """``(name, wrapper)`` pairs of an optimizer wrapper or an ``OptimWrapperDict``."""
    if optim_wrapper is None:
        return []
    if hasattr(optim_wrapper, "optim_wrappers"):  # OptimWrapperDict
        return list(optim_wrapper.optim_wrappers.items())
    return [(None, optim_wrapper)]


def _wrapper_extras(wrappers: list[tuple[Optional[str], Any]]) -> list[dict]:
    """What an optimizer wrapper saves beside the optimizer (e.g. the AMP loss scaler)."""
    extras = []
    for _, wrapper in wrappers:
        extra: dict = {}
        scaler = getattr(wrapper, "loss_scaler", None)
        if scaler is not None and hasattr(scaler, "state_dict"):
            extra["loss_scaler"] = scaler.state_dict()
        if getattr(wrapper, "base_param_settings", None) is not None:
            extra["base_param_settings"] = wrapper.base_param_settings
        extras.append(extra)
    return extras


def _restore_wrapper_extras(wrappers: list[tuple[Optional[str], Any]], extras: list) -> None:
    for (_, wrapper), extra in zip(wrappers, extras or []):
        if "loss_scaler" in extra and getattr(wrapper, "loss_scaler", None) is not None:
            wrapper.loss_scaler.load_state_dict(extra["loss_scaler"])
        if "base_param_settings" in extra:
            wrapper.base_param_settings = extra["base_param_settings"]


def _get_state(model: nn.Module, optimizers: list) -> tuple[dict, Optional[dict]]:
    from torch.distributed.checkpoint.state_dict import get_model_state_dict, get_state_dict

    if optimizers:
        return get_state_dict(model, [w.optimizer for _, w in optimizers])
    return get_model_state_dict(model), None


class _AsyncState:
    """The process group and the pending future of asynchronous saves."""

    group: Any = None
    pending: Optional[Future] = None


def wait_for_pending_save() -> None:
    """Block until the last asynchronous save (if any) is complete and renamed."""
    pending, _AsyncState.pending = _AsyncState.pending, None
    if pending is not None:
        pending.result()
        _barrier()


def _finalize(tmp: str, path: str) -> None:
    """Rank 0: move the complete ``tmp`` directory to ``path`` (replacing an older one)."""
    if _rank() != 0:
        return
    old = None
    if osp.lexists(path):
        old = f"{path}.old"
        if osp.lexists(old):
            shutil.rmtree(old, ignore_errors=True)
        os.replace(path, old)
    os.replace(tmp, path)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def save(
    path: str,
    model: nn.Module,
    optimizers: Optional[list[tuple[Optional[str], Any]]],
    extra: dict,
    *,
    async_save: bool = False,
    callback: Optional[Callable] = None,
) -> Optional[Future]:
    """Write a sharded checkpoint of ``model`` (and its optimizers) plus ``extra``.

    Every process must call it. Each writes its own shards of the weights and optimizer
    state; rank 0 also writes ``extra`` (``meta``, ``message_hub``, schedulers...).

    Args:
        path (str): the checkpoint directory (a local or shared file system path).
        model (nn.Module): the (sharded) model whose ``state_dict`` holds the weights.
        optimizers (list, optional): ``(name, optimizer wrapper)`` pairs.
        extra (dict): the rest of the checkpoint; must not hold ``state_dict``/``optimizer``.
        async_save (bool): stage the state in memory and write it in the background
            (``torch.distributed.checkpoint.async_save``); the directory appears when the
            write is complete. Call :func:`wait_for_pending_save` before exiting.
        callback (callable, optional): called with the whole checkpoint dict (shards
            included) before writing; keys it adds are saved with ``extra``.

    Returns:
        Future or None: the pending asynchronous save.
    """
    wait_for_pending_save()  # one save in flight at a time, and in order
    path = osp.abspath(os.fspath(path))
    tmp = f"{path}.tmp"
    optimizers = list(optimizers or [])
    checkpoint, tensors = _split_checkpoint(model, optimizers, extra, callback)
    if _rank() == 0:
        if osp.lexists(tmp):
            shutil.rmtree(tmp)
        os.makedirs(tmp)
        torch.save(checkpoint, osp.join(tmp, EXTRA_STATE_FILE))
    _barrier()
    if async_save:
        return _write_shards_async(tensors, tmp, path)
    _write_shards(tensors, tmp, path)
    return None


def _split_checkpoint(
    model: nn.Module,
    optimizers: list[tuple[Optional[str], Any]],
    extra: dict,
    callback: Optional[Callable],
) -> tuple[dict, dict]:
    """The checkpoint as ``(extra state, tensors)``: the tensors (weights and optimizer
    state) go to DCP's shards, the rest (with the layout of the optimizers) to
    ``extra_state.pth``. ``callback`` sees the whole checkpoint first."""
    model_sd, optim_sd = _get_state(model, optimizers)
    checkpoint: dict = dict(extra)
    checkpoint["state_dict"] = model_sd
    if optim_sd is not None:
        checkpoint["optimizer"] = optim_sd
    if callback is not None:
        callback(checkpoint)
    tensors = {key: checkpoint.pop(key) for key in _TENSOR_KEYS if key in checkpoint}
    checkpoint[_LAYOUT_KEY] = dict(
        optimizers=[name for name, _ in optimizers],
        param_groups=[len(w.optimizer.param_groups) for _, w in optimizers],
        wrapper_extras=_wrapper_extras(optimizers),
        world_size=dist.get_world_size() if _distributed() else 1,
    )
    return checkpoint, tensors


def _write_shards(tensors: dict, tmp: str, path: str) -> None:
    """Every process writes its shards into ``tmp``; rank 0 then renames it to ``path``."""
    import torch.distributed.checkpoint as dcp

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="torch.distributed is disabled")
        dcp.save(tensors, checkpoint_id=tmp, no_dist=not _distributed())
    _barrier()
    _finalize(tmp, path)
    _barrier()


def _write_shards_async(tensors: dict, tmp: str, path: str) -> Future:
    """Stage the shards and write them into ``tmp`` in the background; the returned future
    completes once rank 0 has renamed ``tmp`` to ``path``."""
    import torch.distributed.checkpoint as dcp

    if _distributed() and _AsyncState.group is None:
        # A group of its own: the background write's collectives never interleave with
        # the training's on the default group.
        _AsyncState.group = dist.new_group(backend="gloo")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="torch.distributed is disabled")
        future = dcp.async_save(
            tensors,
            checkpoint_id=tmp,
            process_group=_AsyncState.group,
            no_dist=not _distributed(),
        )
    if not isinstance(future, Future):  # newer torch: an AsyncSaveResponse
        future = future.upload_completion
    done: Future = Future()

    def _on_written(fut: Future) -> None:
        try:
            fut.result()
            _finalize(tmp, path)
        except BaseException as exc:  # noqa: BLE001 - handed to whoever waits
            done.set_exception(exc)
        else:
            done.set_result(path)

    future.add_done_callback(_on_written)
    _AsyncState.pending = done
    return done


def _checkpoint_keys(path: str) -> set[str]:
    from torch.distributed.checkpoint import FileSystemReader

    return set(FileSystemReader(path).read_metadata().state_dict_metadata)


def read_extra_state(path: str) -> dict:
    """The non-tensor part of a sharded checkpoint (``meta``, ``message_hub``...)."""
    file = osp.join(path, EXTRA_STATE_FILE)
    if not osp.isfile(file):
        return {}
    return torch.load(file, map_location="cpu", weights_only=False)


def load(
    path: str,
    model: nn.Module,
    optimizers: Optional[list[tuple[Optional[str], Any]]] = None,
    *,
    strict: bool = False,
    callback: Optional[Callable] = None,
    logger: Optional[logging.Logger] = None,
) -> dict:
    """Load a sharded checkpoint into ``model`` (and optimizers), whatever the process count.

    The model may be sharded over any number of processes (FSDP2, FSDP1), replicated (DDP)
    or plain; DCP reads for each process the pieces of the saved shards it needs.

    Args:
        path (str): the sharded checkpoint directory.
        model (nn.Module): the model to load into.
        optimizers (list, optional): ``(name, optimizer wrapper)`` pairs whose state to load
            (the optimizers must hold the same parameter groups as when saved).
        strict (bool): raise when the model's keys and the checkpoint's differ.
        callback (callable, optional): called with the checkpoint dict (shards included) after
            reading and before loading into the model.
        logger (Logger, optional): where missing/unexpected keys are reported.

    Returns:
        dict: the rest of the checkpoint (``meta``, ``message_hub``, ``param_schedulers``...).
    """
    if not is_sharded_checkpoint(path):
        raise FileNotFoundError(
            f"{path} is not a sharded checkpoint: the directory or its {METADATA_FILE} is "
            "missing (an interrupted or still running asynchronous save leaves only "
            f"{osp.basename(str(path))}.tmp); give a complete checkpoint"
        )
    extra = read_extra_state(path)
    layout = extra.pop(_LAYOUT_KEY, {})
    saved = _checkpoint_keys(path)
    optimizers = _optimizers_to_load(path, list(optimizers or []), saved, layout, logger)
    model_sd, optim_sd = _get_state(model, optimizers)
    _drop_missing_keys(path, model_sd, saved, strict, logger)
    state: dict = dict(state_dict=model_sd)
    if optim_sd is not None:
        state["optimizer"] = optim_sd
    _read_shards(path, state)
    if callback is not None:
        full = dict(extra)
        full.update(state)
        callback(full)
    _apply_state(model, optimizers, state, layout)
    saved_world = layout.get("world_size")
    now_world = dist.get_world_size() if _distributed() else 1
    if saved_world is not None and saved_world != now_world:
        _report(
            logger,
            f"Resharded {path}: saved by {saved_world} process(es), loaded by {now_world}",
            level=logging.INFO,
        )
    return extra


def _optimizers_to_load(
    path: str,
    optimizers: list[tuple[Optional[str], Any]],
    saved: set[str],
    layout: dict,
    logger: Optional[logging.Logger],
) -> list[tuple[Optional[str], Any]]:
    """The optimizers whose state ``path`` holds: none (reported) when it holds no optimizer
    state; a ``ValueError`` when their names differ from the saved ones."""
    has_optimizer = any(key.startswith("optimizer.") for key in saved)
    if optimizers and not has_optimizer:
        _report(logger, f"{path} holds no optimizer state: only the weights are loaded")
        return []
    if optimizers and layout.get("optimizers") is not None:
        names = [name for name, _ in optimizers]
        if names != layout["optimizers"]:
            raise ValueError(
                f"The optimizer wrappers {names} differ from those saved in {path} "
                f"({layout['optimizers']}): resume with the same optim_wrapper config, or "
                "resume_optimizer=False"
            )
    return optimizers


def _drop_missing_keys(
    path: str,
    model_sd: dict,
    saved: set[str],
    strict: bool,
    logger: Optional[logging.Logger],
) -> None:
    """Report the model's keys that ``path`` lacks and those it has in excess (raising when
    ``strict``), and drop the missing ones from ``model_sd`` so DCP does not look for them."""
    model_keys = {f"state_dict.{key}" for key in model_sd}
    saved_model_keys = {key for key in saved if key.startswith("state_dict.")}
    missing = sorted(k[len("state_dict.") :] for k in model_keys - saved_model_keys)
    unexpected = sorted(k[len("state_dict.") :] for k in saved_model_keys - model_keys)
    _report_keys(path, missing, unexpected, strict, logger)
    for key in missing:
        model_sd.pop(key)


def _read_shards(path: str, state: dict) -> None:
    """Fill ``state``'s tensors in place with the pieces of ``path``'s shards they need."""
    import torch.distributed.checkpoint as dcp
    from torch.distributed.checkpoint import DefaultLoadPlanner

    try:
        with warnings.catch_warnings():
            # one process on purpose: DCP's "assuming the intent is to load in a single
            # process" warning says nothing new
            warnings.filterwarnings("ignore", message="torch.distributed is disabled")
            dcp.load(
                state,
                checkpoint_id=path,
                planner=DefaultLoadPlanner(allow_partial_load=True),
                no_dist=not _distributed(),
            )
    except Exception as exc:
        raise RuntimeError(
            f"Could not load the sharded checkpoint {path} into the model: {exc}. The "
            "parameter shapes (and, when resuming, the optimizer and its parameter groups) "
            "must match those of the saved run."
        ) from exc


def _apply_state(
    model: nn.Module,
    optimizers: list[tuple[Optional[str], Any]],
    state: dict,
    layout: dict,
) -> None:
    """Load the read weights (and optimizer state, with the wrappers' extras) into ``model``
    and the optimizers."""
    from torch.distributed.checkpoint.state_dict import (
        StateDictOptions,
        set_model_state_dict,
        set_state_dict,
    )

    options = StateDictOptions(strict=False)
    if "optimizer" in state:
        set_state_dict(
            model,
            [w.optimizer for _, w in optimizers],
            model_state_dict=state["state_dict"],
            optim_state_dict=state["optimizer"],
            options=options,
        )
        _restore_wrapper_extras(optimizers, layout.get("wrapper_extras", []))
    else:
        set_model_state_dict(model, state["state_dict"], options=options)


def _report(logger: Optional[logging.Logger], msg: str, level: int = logging.WARNING) -> None:
    if logger is not None:
        logger.log(level, msg)
    else:
        print_log(msg, logger="current", level=level)


def _report_keys(
    path: str,
    missing: list[str],
    unexpected: list[str],
    strict: bool,
    logger: Optional[logging.Logger],
) -> None:
    lines = []
    if unexpected:
        lines.append(f"unexpected key in source state_dict: {', '.join(unexpected)}")
    if missing:
        lines.append(f"missing keys in source state_dict: {', '.join(missing)}")
    if not lines:
        return
    text = "\n".join(lines)
    if strict:
        raise RuntimeError(
            f"Error(s) in loading the sharded checkpoint {path}:\n{text}\n(pass strict=False "
            "to load the keys that match)"
        )
    _report(logger, f"The model and the sharded checkpoint {path} differ:\n{text}")


# ------------------------------------------------------------------------------ consolidate
def _index_optimizer_state(state: dict, groups: list[dict]) -> dict:
    """Turn a DCP optimizer state (keyed by parameter names) into ``Optimizer.state_dict()``'s
    form (keyed by the parameter's position across the parameter groups)."""
    index: dict[str, int] = {}
    out_groups = []
    for group in groups:
        out = dict(group)
        ids = []
        for name in group.get("params", []):
            if name not in index:
                index[name] = len(index)
            ids.append(index[name])
        out["params"] = ids
        out_groups.append(out)
    out_state = {index[name]: value for name, value in state.items() if name in index}
    return dict(state=out_state, param_groups=out_groups)


def consolidate(path: str, out: str, *, with_optimizer: bool = True) -> dict:
    """Assemble a sharded checkpoint into one ordinary checkpoint file (on one process).

    The file holds ``state_dict`` (full tensors keyed like the model's own ``state_dict``),
    ``meta``, ``message_hub``, ``param_schedulers`` and, with ``with_optimizer``, ``optimizer``
    in ``torch.optim.Optimizer.state_dict()``'s form (a dict of them per name for an
    ``OptimWrapperDict``), so ``mmengine.runner.checkpoint.load_checkpoint`` loads it and a
    single-process ``Runner`` resumes from it.

    Args:
        path (str): the sharded checkpoint directory.
        out (str): the file to write (atomically).
        with_optimizer (bool): keep the optimizer state. Defaults to True.

    Returns:
        dict: the checkpoint that was written.
    """
    from torch.distributed.checkpoint.format_utils import dcp_to_torch_save

    from mmengine.model.checkpoint import save_checkpoint

    if not is_sharded_checkpoint(path):
        raise FileNotFoundError(
            f"{path} is not a sharded checkpoint directory (no {METADATA_FILE} in it): give "
            "the directory a sharded save wrote, e.g. work_dirs/exp/epoch_3.pth"
        )
    out = osp.abspath(out)
    os.makedirs(osp.dirname(out) or ".", exist_ok=True)
    scratch = f"{out}.dcp-{os.getpid()}.tmp"
    try:
        dcp_to_torch_save(path, scratch)
        tensors = torch.load(scratch, map_location="cpu", weights_only=False)
    finally:
        if osp.exists(scratch):
            os.remove(scratch)
    checkpoint = read_extra_state(path)
    layout = checkpoint.pop(_LAYOUT_KEY, {})
    checkpoint["state_dict"] = tensors.get("state_dict", {})
    optimizer = tensors.get("optimizer")
    if with_optimizer and optimizer is not None:
        names = layout.get("optimizers") or [None]
        counts = layout.get("param_groups") or [len(optimizer.get("param_groups", []))]
        groups = list(optimizer.get("param_groups", []))
        per_name = {}
        start = 0
        for name, count, extras in zip(
            names, counts, layout.get("wrapper_extras") or [{}] * len(names)
        ):
            mine = groups[start : start + count]
            start += count
            params = {p for g in mine for p in g.get("params", [])}
            state = {k: v for k, v in optimizer.get("state", {}).items() if k in params}
            indexed = _index_optimizer_state(state, mine)
            indexed.update(extras)
            per_name[name] = indexed
        checkpoint["optimizer"] = per_name[None] if names == [None] else per_name
    save_checkpoint(checkpoint, out)
    return checkpoint
