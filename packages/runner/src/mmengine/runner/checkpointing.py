"""The runner's checkpoints: what one holds, and how loading and resuming apply it.

A checkpoint is a dict of named states: ``meta`` (counters, seed, config text, versions),
``state_dict`` (the model), ``message_hub``, ``optimizer``, ``param_schedulers`` and the
``resume_state`` of :mod:`mmengine.runner.resilience`. Each part is saved and restored by its
owner; the Runner's ``save_checkpoint``/``resume``/``load_or_resume`` delegate here.
"""

from __future__ import annotations

import glob
import os.path as osp
import pickle
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from mmengine._strategy._checkpoint_state import (
    check_optimizer_fits,
    explain_missing_checkpoint,
    load_scheduler_state_dict,
    read_checkpoint,
    scheduler_state_dict,
)
from mmengine.config.parsing import add_note
from mmengine.device import get_device
from mmengine.model.checkpoint import find_latest_checkpoint
from mmengine.optim import OptimWrapper
from mmengine.utils import get_git_hash, get_mmengine_version
from mmengine.utils._equal import deep_equal

from .resilience import RESUME_STATE_KEY, restore_resume_state, resume_state
from .validation_record import apply_validation_record, restore_after_validation

__all__ = [
    "apply_resumed_state",
    "build_checkpoint",
    "build_meta",
    "load_or_resume",
    "read_checkpoint",
    "resume",
]


def build_meta(runner: Any, meta: dict | None, by_epoch: bool) -> dict:
    """The ``meta`` part: the caller's counters win over the ones derived here."""
    if meta is None:
        meta = {}
    elif not isinstance(meta, dict):
        raise TypeError(f"meta should be a dict or None, but got {type(meta)}")
    meta = dict(meta)
    epoch, iteration = runner.train_state.saved_counters(by_epoch)
    meta.setdefault("epoch", epoch)
    meta.setdefault("iter", iteration)
    meta.update(
        cfg=runner.cfg_text,
        seed=runner.seed,
        experiment_name=runner.experiment_name,
        time=time.strftime("%Y%m%d_%H%M%S", time.localtime()),
    )
    if getattr(runner, "_meta_version_key", None) == "mmengine":
        meta.update(mmengine=get_mmengine_version())  # 0.10's FlexibleRunner: no git hash
    else:
        meta.update(mmengine_version=get_mmengine_version() + get_git_hash(digits=7, fallback=""))
    loop = runner.built_loop("train")
    if loop is None and runner.loop_configured("train"):
        # 0.10 reads ``runner.train_dataloader`` here, which builds the configured train loop:
        # a checkpoint saved before training (mmrazor's PTQ ``model_ptq.pth``) has its classes.
        loop = runner.train_loop
    if loop is not None:
        dataset = getattr(loop.dataloader, "dataset", None)
        if hasattr(dataset, "metainfo"):
            meta.update(dataset_meta=dataset.metainfo)
    return meta


def build_checkpoint(runner: Any, save_optimizer: bool, save_param_scheduler: bool,
                     meta: dict | None, by_epoch: bool) -> dict:  # fmt: skip
    """The checkpoint dict of the runner's current state."""
    checkpoint: dict[str, Any] = {
        "meta": build_meta(runner, meta, by_epoch),
        "state_dict": runner.model_state_dict(),
        "message_hub": runner.message_hub.state_dict(),
    }
    if save_optimizer:
        if not isinstance(runner.optim_wrapper, OptimWrapper):
            raise TypeError(
                "self.optim_wrapper should be an `OptimWrapper` or `OptimWrapperDict` "
                f"instance, but got {runner.optim_wrapper}"
            )
        checkpoint["optimizer"] = runner.optim_wrapper.state_dict()
    schedulers = runner.param_schedulers
    if save_param_scheduler and schedulers is not None:
        checkpoint["param_schedulers"] = scheduler_state_dict(schedulers)
    elif save_param_scheduler:  # 0.10's warning
        runner.logger.warning(
            "`save_param_scheduler` is True but `self.param_schedulers` is None, so skip "
            "saving parameter schedulers"
        )
    # What an exact resume needs (random generators, sampler seed, pending validation);
    # every rank's random state when every rank is saving (the checkpoint store says so).
    collective = bool(getattr(runner, "checkpoint_collective", False))
    checkpoint[RESUME_STATE_KEY] = resume_state(runner, collective=collective)
    return checkpoint


def load_or_resume(runner: Any) -> None:
    """Resume or load weights as ``resume``/``load_from`` say, unless already loaded."""
    plan = runner.load_plan
    if plan.done:
        return
    resume_from = None
    if plan.resume and plan.load_from is None:
        resume_from = find_latest_checkpoint(runner.work_dir)
        if resume_from is not None:
            runner.logger.info(f"Auto resumed from the latest checkpoint {resume_from}.")
        else:
            # 0.10's sentence first (it names ``None``), then what it means.
            runner.logger.info(
                "Auto resumed from the latest checkpoint None. "
                f"No checkpoint found in {runner.work_dir}: training from scratch."
            )
    elif plan.resume:
        resume_from = plan.load_from
    work_dir = runner.work_dir if plan.resume else None
    with explain_missing_checkpoint(plan.load_from, "load_from", work_dir):
        if resume_from is not None and plan.load_from is None:
            with _point_at_other_checkpoints(runner, resume_from):
                runner.resume(resume_from)
        elif resume_from is not None:
            runner.resume(resume_from)
        elif plan.load_from is not None:
            runner.load_checkpoint(plan.load_from)
    # ``done`` (0.10's ``_has_loaded``) is set by ``load_checkpoint``/``resume``: with nothing
    # to load it stays False, and a later call looks again, as in 0.10.


@contextmanager
def _point_at_other_checkpoints(runner: Any, latest: str) -> Iterator[None]:
    """When the latest checkpoint (auto-resume) is gone or cannot be read, say which others
    there are and how to resume from one; the error propagates."""
    try:
        yield
    except FileNotFoundError as exc:
        if str(exc).startswith(f"{latest} can not be found."):
            exc.args = (
                f"{latest} can not be found. The work dir's last_checkpoint names it as the "
                f"latest checkpoint, but the file is gone (deleted or moved?). "
                f"{_older_checkpoints(latest)}",
            )
        raise
    except (OSError, RuntimeError, EOFError, pickle.UnpicklingError) as exc:
        if "Failed to load checkpoint" in str(exc) and osp.isfile(latest):
            runner.logger.error(
                f"The latest checkpoint {latest} cannot be read ({exc}). "
                f"{_older_checkpoints(latest)}"
            )
        raise


def _older_checkpoints(latest: str) -> str:
    """Which other checkpoints lie beside ``latest``, and how to resume from the newest."""
    folder = osp.dirname(latest)
    found = glob.glob(osp.join(folder, "*.pth")) + glob.glob(osp.join(folder, "*.safetensors"))
    others = [p for p in found if osp.abspath(p) != osp.abspath(latest)]
    others.sort(key=osp.getmtime, reverse=True)
    if not others:
        return f"There is no other checkpoint in {folder}."
    return (
        f"Other checkpoints in {folder}, newest first: {others[:5]}. To resume from one, set "
        f"load_from='{others[0]}' and resume=True (tools/train.py: --resume {others[0]})."
    )


def resume(runner: Any, filename: str, resume_optimizer: bool, resume_param_scheduler: bool,
           map_location: Any) -> None:  # fmt: skip
    """Resume training from ``filename``: weights, counters, seed, hub, optimizer,
    schedulers and the exact-resume state."""
    if map_location == "default":
        map_location = get_device()
    checkpoint = runner.load_checkpoint(filename, map_location=map_location)
    _check_gpu_count(runner, checkpoint.get("meta", {}), filename)
    record = apply_resumed_state(runner, checkpoint, filename)
    optimizer = "optimizer" in checkpoint and resume_optimizer
    if optimizer:
        runner.optim_wrapper = runner.build_optim_wrapper(runner.optim_wrapper)
        check_optimizer_fits(runner.optim_wrapper, checkpoint["optimizer"], filename)
        runner.optim_wrapper.load_state_dict(checkpoint["optimizer"])
    if resume_param_scheduler and runner.param_schedulers is None:  # 0.10's warning
        runner.logger.warning(
            "`resume_param_scheduler` is True but `self.param_schedulers` is None, so skip "
            "resuming parameter schedulers"
        )
    schedulers = "param_schedulers" in checkpoint and resume_param_scheduler
    schedulers = schedulers and runner.param_schedulers is not None
    if schedulers:
        runner.param_schedulers = runner.build_param_scheduler(runner.param_schedulers)
        load_scheduler_state_dict(runner.param_schedulers, checkpoint["param_schedulers"])
    restore_after_validation(runner, record, optimizer=optimizer, schedulers=schedulers)
    runner.load_plan.done = True
    runner.logger.info(f"resumed epoch: {runner.epoch}, iter: {runner.iter}")
    state = runner.train_state
    if 0 < state.max_iters <= state.iter:
        runner.logger.warning(
            f"{filename} was saved at iteration {state.iter}, and this run trains "
            f"{state.max_iters} iterations ({state.max_epochs} epochs): nothing is left to "
            "train. To train further, raise train_cfg.max_epochs (or max_iters) and the ends "
            "of the param_scheduler entries that should go on."
        )


def _check_gpu_count(runner: Any, meta: dict, filename: str) -> None:
    """0.10's check of a checkpoint whose ``meta['config']`` (config text, as older
    checkpoints carry) names ``gpu_ids``: a different number of processes now changes the
    effective batch size, which only ``auto_scale_lr`` compensates for."""
    config = meta.get("config")
    if config is None:
        return
    if isinstance(config, str):
        from mmengine.config import Config

        try:
            config = Config.fromstring(config, file_format=".py")
        except SyntaxError as exc:
            add_note(exc, f"(while reading meta['config'] of the checkpoint {filename})")
            raise
    gpu_ids = config.get("gpu_ids") if hasattr(config, "get") else None
    if not gpu_ids or len(gpu_ids) == runner.world_size:
        return
    auto_scale_lr = runner.auto_scale_lr
    if auto_scale_lr is not None and auto_scale_lr.get("enable", False):
        runner.logger.info(
            "Number of GPU used for current experiment is not consistent with resuming from "
            "checkpoint but the leaning rate will be adjusted according to the setting in "
            f"auto_scale_lr={auto_scale_lr}"
        )
        return
    raise RuntimeError(
        "Number of GPUs used for current experiment is not consistent with the checkpoint "
        "being resumed from. This will result in poor performance due to the learning rate. "
        'You must set the `auto_scale_lr` parameter for Runner and make `auto_scale_lr["enable"]'
        f"=True`. ({filename} was trained on {len(gpu_ids)} GPUs (its meta['config'] has "
        f"gpu_ids={list(gpu_ids)}); this run has {runner.world_size} process(es): resume with "
        f"{len(gpu_ids)}, or set auto_scale_lr=dict(enable=True, base_batch_size=...).)"
    )


def apply_resumed_state(runner: Any, checkpoint: dict, filename: str) -> dict | None:
    """Apply what a resumed checkpoint holds besides model, optimizer and schedulers: the
    counters, the seed, the message hub and the exact-resume state (and warn when the
    checkpoint's dataset metainfo differs from the training set's).

    First, the record of a validation that followed the checkpoint (beside ``filename``)
    replaces the hub and random state in ``checkpoint`` (see :mod:`.validation_record`); it
    is returned (or None) for the caller to restore the schedulers and optimizer
    hyperparameters once those are loaded.
    """
    loop = runner.train_loop  # built first: it owns the TrainState the resume sets
    record = apply_validation_record(runner, filename, checkpoint)
    meta = checkpoint.get("meta", {})
    epoch, iteration = meta.get("epoch", 0), meta.get("iter", 0)
    if getattr(loop, "state", None) is runner.train_state:
        runner.train_state.restore(epoch, iteration)
    else:  # a custom loop keeping its own counters, as 0.10's loops do
        loop._epoch, loop._iter = epoch, iteration
    _resume_seed(runner, meta.get("seed"))
    dataset_meta = getattr(loop.dataloader.dataset, "metainfo", None)
    saved_meta = meta.get("dataset_meta")
    if saved_meta is not None and not deep_equal(saved_meta, dataset_meta):  # arrays inside
        runner.logger.warning(
            "The dataset metainfo from the resumed checkpoint is different from the current "
            "training dataset, please check the correctness of the checkpoint or the "
            "training dataset."
        )
    if "message_hub" in checkpoint:
        runner.message_hub.load_state_dict(checkpoint["message_hub"])
    restore_resume_state(runner, checkpoint)
    return record


def _resume_seed(runner: Any, resumed_seed: int | None) -> None:
    if resumed_seed is None or resumed_seed == runner.seed:
        return
    if runner.randomness.get("seed") is not None:
        runner.logger.warning(
            f'The value of random seed in the checkpoint "{resumed_seed}" is different from '
            f'the value in `randomness` config "{runner.seed}" (the checkpoint\'s seed is used)'
        )
    runner.randomness.update(seed=resumed_seed)
    runner.set_randomness(**runner.randomness)
