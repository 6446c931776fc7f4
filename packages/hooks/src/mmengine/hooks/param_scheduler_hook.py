"""ParamSchedulerHook: step the parameter schedulers after iterations, epochs and validation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Optional

from mmengine.registry import HOOKS
from mmengine.utils import is_list_of

from .hook import DATA_BATCH, Hook


def _for_each_scheduler_list(param_schedulers: Any, fn: Callable[[list], None]) -> None:
    """Apply ``fn`` to the list of schedulers, or to each list of a dict of lists.

    Schedulers not built yet (``runner.param_schedulers`` holds their config until ``train()``,
    e.g. during a bare ``runner.val()``) are skipped, as in mmengine 0.10.
    """
    if _unbuilt(param_schedulers):
        return
    if isinstance(param_schedulers, list):
        fn(param_schedulers)
    elif isinstance(param_schedulers, dict):
        for key, schedulers in param_schedulers.items():
            if not isinstance(schedulers, list):
                raise AssertionError(
                    f"runner.param_schedulers[{key!r}] should be a list of ParamScheduler (one "
                    f"list per optimizer), but got {schedulers!r}"
                )
            fn(schedulers)
    else:
        raise TypeError(
            "runner.param_schedulers should be list of ParamScheduler or a dict containing "
            f"list of ParamScheduler, but got {param_schedulers} (one list per optimizer)"
        )


def _unbuilt(param_schedulers: Any) -> bool:
    """Whether ``param_schedulers`` is still a config (a dict with ``type`` or dicts in a list)."""
    if isinstance(param_schedulers, dict):
        if "type" in param_schedulers:
            return True
        values = list(param_schedulers.values())
        return bool(values) and all(_unbuilt(v) for v in values)
    if isinstance(param_schedulers, (list, tuple)):
        return bool(param_schedulers) and all(isinstance(s, dict) for s in param_schedulers)
    return False


@HOOKS.register_module()
class ParamSchedulerHook(Hook):
    """A hook to update some hyper-parameters in optimizer, e.g., learning rate and momentum.

    Iteration-based schedulers (``by_epoch=False``) step after every training iteration,
    epoch-based ones after every training epoch, and schedulers that need the validation
    metrics (``need_val_args``, e.g. ``ReduceOnPlateauLR``) step after every validation epoch
    with the metrics. ``runner.param_schedulers`` may be a list, or a dict of lists when the
    runner has several optimizers.
    """

    priority = "LOW"

    def after_train_iter(
        self,
        runner: Any,
        batch_idx: int,
        data_batch: DATA_BATCH = None,
        outputs: Optional[dict] = None,
    ) -> None:
        """Call ``step`` of every iteration-based scheduler.

        Args:
            runner (Runner): The runner of the training process.
            batch_idx (int): The index of the current batch in the train loop.
            data_batch (dict or tuple or list, optional): Data from dataloader.
            outputs (dict, optional): Outputs from model.
        """
        if runner.param_schedulers is None:
            return

        def step(schedulers: list) -> None:
            for scheduler in schedulers:
                if not scheduler.by_epoch:
                    scheduler.step()

        _for_each_scheduler_list(runner.param_schedulers, step)

    def after_train_epoch(self, runner: Any) -> None:
        """Call ``step`` of every epoch-based scheduler.

        Args:
            runner (Runner): The runner of the training process.
        """
        if runner.param_schedulers is None:
            return

        def step(schedulers: list) -> None:
            for scheduler in schedulers:
                if scheduler.by_epoch:
                    scheduler.step()

        _for_each_scheduler_list(runner.param_schedulers, step)

    def after_val_epoch(self, runner: Any, metrics: Optional[dict[str, float]] = None) -> None:
        """Call ``step(metrics)`` of every epoch-based scheduler with ``need_val_args``.

        Skipped when the schedulers are not built yet or when there are no metrics.

        Args:
            runner (Runner): The runner of the validation process.
            metrics (dict[str, float], optional): Evaluation results of all metrics.
        """
        param_schedulers = getattr(runner, "param_schedulers", None)
        if param_schedulers is None or metrics is None:
            return

        def step(schedulers: list) -> None:
            # Not built yet (still configs): nothing to step.
            if is_list_of(schedulers, dict):
                return
            for scheduler in schedulers:
                # Anything that is no scheduler is passed over, as 0.10 does here.
                if getattr(scheduler, "by_epoch", False) and getattr(
                    scheduler, "need_val_args", False
                ):
                    scheduler.step(metrics)

        if isinstance(param_schedulers, dict):
            # 0.10 checks the lists of a dict only when stepping after iterations/epochs.
            param_schedulers = {k: v for k, v in param_schedulers.items() if isinstance(v, list)}
        _for_each_scheduler_list(param_schedulers, step)


def __getattr__(name: str):  # noqa: ANN202
    """0.10's ``_ParamScheduler`` name here, resolved on first use (mmengine.optim is heavy)."""
    if name == "_ParamScheduler":
        from mmengine.optim import _ParamScheduler

        return _ParamScheduler
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
