"""Never lose work: exact resume state, graceful stops, and checkpoints on failure.

- :func:`resume_state` is what a checkpoint carries besides weights and optimizer so that
  a resumed run continues bit for bit: every global random generator (per rank), the
  sampler's seed, and whether a validation was due right after the save.
- :func:`restore_resume_state` applies it on resume.
- :func:`run_train_loop` runs the train loop with the preemption signal handlers installed,
  writes a checkpoint when training fails, and requeues a stopped SLURM job (the runner
  then exits with the stop request's exit code).
"""

from __future__ import annotations

import logging
from typing import Any

from mmengine.dist import all_gather_object, get_dist_info, is_main_process
from mmengine.logging import print_log

from .preemption import PreemptionHandler, preemption_settings, requeue_slurm_job
from .random_state import capture_random_state, random_state_of, restore_random_state

__all__ = [
    "checkpoint_store_of",
    "restore_resume_state",
    "resume_state",
    "run_train_loop",
    "save_exception_checkpoint",
    "save_stop_checkpoint",
]

#: Checkpoint key of the resume state (unknown to mmengine 0.10, which ignores it).
RESUME_STATE_KEY = "resume_state"


# ---------------------------------------------------------------------- resume state
def resume_state(runner: Any, collective: bool) -> dict:
    """The state a checkpoint needs for an exact resume (see the module docstring).

    Args:
        runner (Runner): the runner.
        collective (bool): every rank is saving now; when distributed, gather every rank's
            random state (otherwise only this rank's is saved).
    """
    rank, world_size = get_dist_info()
    if world_size > 1 and collective:
        randoms: Any = all_gather_object(capture_random_state())
    else:
        randoms = {rank: capture_random_state()}
    loop = runner.built_loop("train")
    sampler = getattr(getattr(loop, "dataloader", None), "sampler", None)
    validation_due = getattr(loop, "validation_due", None)
    return dict(
        random=randoms,
        world_size=world_size,
        sampler_seed=getattr(sampler, "seed", None),
        validation_pending=bool(validation_due()) if validation_due is not None else False,
    )


def restore_resume_state(runner: Any, checkpoint: dict) -> None:
    """Restore the random generators, the sampler seed and a pending validation.

    A checkpoint without a resume state (e.g. written by mmengine 0.10) resumes as
    upstream does: weights, optimizer, schedulers and counters, not the random state.
    """
    state = checkpoint.get(RESUME_STATE_KEY)
    loop = runner.train_loop
    loop.resumed = True
    loop.legacy_resume = not isinstance(state, dict)
    if loop.legacy_resume:
        print_log(
            "The checkpoint holds no random state (saved by mmengine 0.10 or with "
            "save_optimizer=False): training resumes as 0.10 does (an iteration-based run "
            "replays the batches already trained on), not bit for bit.",
            logger="current",
            level=logging.WARNING,
        )
        return
    rank, world_size = get_dist_info()
    randoms = state.get("random")
    mine = random_state_of(randoms, rank)
    if mine is None:
        print_log(
            f"The checkpoint holds no random state for rank {rank} (saved by "
            f"{state.get('world_size', '?')} process(es), resumed by {world_size}): the "
            "random generators continue from their seed, not bit for bit.",
            logger="current",
            level=logging.WARNING,
        )
    else:
        restore_random_state(mine)
    _restore_sampler_seed(loop, state.get("sampler_seed"))
    loop.validation_pending = bool(state.get("validation_pending")) and (
        runner.val_loop is not None
    )


def _restore_sampler_seed(loop: Any, seed: int | None) -> None:
    sampler = getattr(loop.dataloader, "sampler", None)
    if seed is None or getattr(sampler, "seed", seed) == seed:
        return
    sampler.seed = seed
    if hasattr(sampler, "restart"):
        sampler.restart()  # an endless stream starts over from its seed
    init_fn = getattr(loop.dataloader, "worker_init_fn", None)
    keywords = getattr(init_fn, "keywords", None)
    if isinstance(keywords, dict) and "seed" in keywords:
        keywords["seed"] = seed


# ---------------------------------------------------------------------- saving
def checkpoint_store_of(runner: Any) -> Any:
    """The runner's checkpoint store (the CheckpointHook's), or a default one in work_dir."""
    store = getattr(runner, "checkpoint_store", None)
    if store is None:
        from mmengine.hooks.checkpoint_store import CheckpointStore

        store = CheckpointStore(runner.work_dir, runner.work_dir)
        store.restore(runner.message_hub)
        runner.checkpoint_store = store
    return store


def save_stop_checkpoint(runner: Any) -> str:
    """Save the checkpoint of a stop request (every rank calls it); return its path.

    It is named ``iter_{n}.pth`` after the completed iterations, joins the rotation and
    becomes ``last_checkpoint``.
    """
    loop = runner.train_loop
    request = runner.stop_request
    filename = f"iter_{loop.iter}.pth"
    path = checkpoint_store_of(runner).save(
        runner,
        filename,
        meta=dict(epoch=loop.epoch, iter=loop.iter),
        by_epoch=False,
        collective=True,
    )
    runner.logger.info(
        f"Stopping training ({request.reason}) after {loop.iter} iterations: the checkpoint "
        f"{path} is saved and is the last checkpoint; resume with `resume=True`."
    )
    return path


def save_exception_checkpoint(runner: Any, exc: BaseException) -> str | None:
    """Save the last completed iteration's state when training fails; return its path.

    Only the main process saves (the failing rank may be alone); its name
    (``exception_iter_{n}.pth``) replaces no regular checkpoint and it is neither rotated
    nor made ``last_checkpoint``. A failure to save is logged, never raised over ``exc``.
    """
    if not is_main_process():
        return None
    loop = runner.train_loop
    loop.failed = True
    filename = f"exception_iter_{loop.iter}.pth"
    try:
        path = checkpoint_store_of(runner).save(
            runner,
            filename,
            meta=dict(epoch=loop.epoch, iter=loop.iter),
            by_epoch=False,
            rotate=False,
            update_pointer=False,
            collective=False,
        )
    except Exception as save_error:  # never hide the training failure
        latest = runner.message_hub.get_info("last_ckpt")
        resume = (
            f" The latest checkpoint is {latest}: continue from it with `load_from='{latest}'` "
            "and `resume=True`."
            if latest
            else ""
        )
        runner.logger.error(
            f"Training failed ({type(exc).__name__}: {exc}) and saving a checkpoint of "
            f"iteration {loop.iter} failed too: {save_error!r}.{resume}"
        )
        return None
    what = (
        f"was interrupted (Ctrl-C) at iteration {loop.iter + 1}"
        if isinstance(exc, KeyboardInterrupt)
        else f"failed at iteration {loop.iter + 1} ({type(exc).__name__}: {exc})"
    )
    runner.logger.error(
        f"Training {what}. The state after {loop.iter} completed iterations is saved to "
        f"{path}; continue from it with `load_from='{path}'` and `resume=True`."
    )
    return path


# ---------------------------------------------------------------------- the loop
def run_train_loop(runner: Any, loop: Any) -> Any:
    """Run ``loop`` with graceful stops and failure checkpoints, as the config says.

    Config keys: ``preemption`` (see :func:`preemption_settings`) and
    ``exception_checkpoint`` (bool, default True). After a stop, ``runner.stop_request``
    keeps its reason and exit code for the runner.
    """
    cfg = runner.cfg
    settings = preemption_settings(cfg.get("preemption"))
    request = runner.stop_request
    request.clear()
    handler = None
    if settings["enable"] and settings["signals"]:
        handler = PreemptionHandler(request, settings["signals"], settings["exit_code"])
        if not handler.install():
            handler = None
    try:
        model = loop.run()
    except BaseException as exc:
        if (
            cfg.get("exception_checkpoint", True)
            and getattr(loop, "started", False)
            and not isinstance(exc, (SystemExit, GeneratorExit))
        ):
            save_exception_checkpoint(runner, exc)
        raise
    finally:
        if handler is not None:
            handler.uninstall()
    if getattr(loop, "stopped_by_request", False) and settings["requeue"] and is_main_process():
        requeue_slurm_job()
    return model
