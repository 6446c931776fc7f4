"""EarlyStoppingHook: stop training when a validation metric stops improving."""

from __future__ import annotations

import warnings
from math import inf, isfinite
from typing import Any, Optional

from mmengine.registry import HOOKS

from ._checks import ArgumentTypeError, check_flag, check_real, check_scalar_metric, warn
from .hook import Hook

_RULES = {"greater": lambda x, y: x > y, "less": lambda x, y: x < y}


def infer_rule(key: str, greater_keys: Any, less_keys: Any) -> Optional[str]:
    """Guess whether a bigger or a smaller ``key`` metric is better.

    An exact (case-insensitive) match wins over a substring match; greater keys win ties.

    Returns:
        str or None: ``'greater'``, ``'less'``, or None when no key matches.
    """
    key_lc = key.lower()
    greater = {k.lower() for k in greater_keys}
    less = {k.lower() for k in less_keys}
    if key_lc in greater:
        return "greater"
    if key_lc in less:
        return "less"
    if any(k in key_lc for k in greater):
        return "greater"
    if any(k in key_lc for k in less):
        return "less"
    return None


def _check_arguments(monitor: Any, min_delta: Any, strict: Any, check_finite: Any,
                     patience: Any, stopping_threshold: Any) -> None:  # fmt: skip
    """Types 0.10 only met at the first validation (as a bare comparison TypeError)."""
    owner = "EarlyStoppingHook"
    if not isinstance(monitor, str):
        raise ArgumentTypeError(
            f"{owner}: monitor must be the str key of a validation metric (e.g. 'accuracy/top1' "
            f"or 'loss'), but got {type(monitor).__name__}: {monitor!r}"
        )
    check_real(owner, "min_delta", min_delta,
               "It is the least change of the metric that counts as an improvement.")  # fmt: skip
    check_flag(owner, "strict", strict)
    check_flag(owner, "check_finite", check_finite)
    check_real(owner, "patience", patience,
               "It is the number of validations without improvement before stopping.")  # fmt: skip
    if patience < 0:
        warn(owner, f"patience={patience} is negative: training stops at the first validation "
                    "without improvement (like patience=0). Set patience to the number of "
                    "validations without improvement to tolerate.")  # fmt: skip
    check_real(owner, "stopping_threshold", stopping_threshold,
               "Training stops once the metric reaches it.", allow_none=True)  # fmt: skip


@HOOKS.register_module()
class EarlyStoppingHook(Hook):
    """Early stop the training when the monitored metric reached a plateau.

    Args:
        monitor (str): The monitored metric key to decide early stopping (with several
            validation datasets, a key prefixed with the dataset's name, ``'voc/loss'``).
        rule (str, optional): Comparison rule, ``'greater'`` or ``'less'``. Defaults to None,
            which infers it from ``monitor`` (accuracy-like keys greater, loss-like less).
        min_delta (float): Minimum difference to continue the training. Defaults to 0.1.
        strict (bool): Whether to crash the training when ``monitor`` is not found in the
            metrics. Defaults to False.
        check_finite (bool): Whether to stop training when the monitor becomes NaN or
            infinite. Defaults to True.
        patience (int): The times of validation with no improvement after which training
            will be stopped. Defaults to 5.
        stopping_threshold (float, optional): Stop training immediately once the monitored
            quantity reaches this threshold. Defaults to None.
    """

    priority = "LOWEST"

    rule_map = _RULES
    _default_greater_keys = [
        "acc", "top", "AR@", "auc", "precision", "mAP", "mDice", "mIoU", "mAcc", "aAcc",
    ]  # fmt: skip
    _default_less_keys = ["loss"]

    def __init__(
        self,
        monitor: str,
        rule: Optional[str] = None,
        min_delta: float = 0.1,
        strict: bool = False,
        check_finite: bool = True,
        patience: int = 5,
        stopping_threshold: Optional[float] = None,
    ) -> None:
        _check_arguments(monitor, min_delta, strict, check_finite, patience, stopping_threshold)
        self.monitor = monitor
        if rule is not None:
            if rule not in ("greater", "less"):
                raise ValueError(
                    f'`rule` should be either "greater" or "less", but got {rule} '
                    "(EarlyStoppingHook: greater means a bigger metric is better)."
                )
        else:
            rule = self._init_rule(monitor)
        self.rule = rule
        self.min_delta = min_delta if rule == "greater" else -1 * min_delta
        self.strict = strict
        self.check_finite = check_finite
        self.patience = patience
        self.stopping_threshold = stopping_threshold
        self.wait_count = 0
        self.best_score = -inf if rule == "greater" else inf

    def _init_rule(self, monitor: str) -> str:
        rule = infer_rule(monitor, self._default_greater_keys, self._default_less_keys)
        if rule is None:
            raise ValueError(
                f"Cannot infer the rule for {monitor}, thus rule must be specified. "
                f"(EarlyStoppingHook: {monitor!r} matches none of "
                f"{self._default_greater_keys + self._default_less_keys}; pass "
                "rule='greater' or rule='less'.)"
            )
        return rule

    def _check_stop_condition(self, current_score: Any) -> tuple[bool, str]:
        """Compare ``current_score`` (kept in the metric's own type) with the best so far."""
        compare = self.rule_map[self.rule]
        stop_training = False
        reason_message = ""
        if self.check_finite and not isfinite(float(current_score)):
            stop_training = True
            reason_message = (
                f"Monitored metric {self.monitor} = {float(current_score)} is infinite. "
                "Previous best "
                f"value was {self.best_score:.3f}."
            )
        elif self.stopping_threshold is not None and compare(
            current_score, self.stopping_threshold
        ):
            stop_training = True
            self.best_score = current_score
            reason_message = (
                f"Stopping threshold reached: `{self.monitor}` = {float(current_score)} is "
                f"{self.rule} than {self.stopping_threshold}."
            )
        elif compare(self.best_score + self.min_delta, current_score):
            self.wait_count += 1
            if self.wait_count >= self.patience:
                reason_message = (
                    f"the monitored metric did not improve in the last {self.wait_count} "
                    f"records. best score: {self.best_score:.3f}. "
                )
                stop_training = True
        else:
            self.best_score = current_score
            self.wait_count = 0
        return stop_training, reason_message

    def before_run(self, runner: Any) -> None:
        """Check that the train loop can be stopped.

        Args:
            runner (Runner): The runner of the training process.
        """
        unbuilt = getattr(runner, "_train_loop", "built")
        if unbuilt is None or isinstance(unbuilt, dict):
            return  # a val/test-only run, or not built yet: nothing to stop
        loop = runner.train_loop
        if not hasattr(loop, "stop_training"):
            raise AssertionError(
                f"EarlyStoppingHook: the train loop {type(loop).__name__} has no "
                "`stop_training` attribute to set; use a loop that checks it."
            )

    def after_val_epoch(self, runner: Any, metrics: Optional[dict[str, float]] = None) -> None:
        """Decide whether to stop the training process.

        Args:
            runner (Runner): The runner of the training process.
            metrics (dict): Evaluation results of all metrics.
        """
        metrics = metrics or {}
        if self.monitor not in metrics:
            if self.strict:
                raise RuntimeError(
                    f"Early stopping conditioned on metric `{self.monitor}` is not available. "
                    f"Please check available metrics {list(metrics)}, or set `strict=False` in "
                    "`EarlyStoppingHook`."
                )
            warnings.warn(
                f"Skip early stopping process since the evaluation results ({list(metrics)}) "
                f"do not include `monitor` ({self.monitor}). EarlyStoppingHook never stops "
                "the training until it does: set `monitor` to one of these keys, or "
                "strict=True to fail instead.",
                stacklevel=2,
            )
            return
        # The metric keeps its own type (a 0-d tensor stays a tensor, np.float64 stays
        # np.float64), so best_score has the type the evaluator produced.
        current_score = metrics[self.monitor]
        check_scalar_metric("EarlyStoppingHook", "monitor", self.monitor, current_score)
        stop_training, message = self._check_stop_condition(current_score)
        if stop_training:
            runner.train_loop.stop_training = True
            runner.logger.info(message)
