"""Helpers for reading evaluation results."""

from __future__ import annotations

from typing import Any

__all__ = ["get_metric_value"]


def get_metric_value(indicator: str, metrics: dict) -> Any:
    """Get the metric value specified by an indicator.

    The indicator is either a full metric name with the evaluator prefix
    (e.g. 'COCO/AP') or a bare metric name (e.g. 'AP') matching exactly one
    prefixed name.

    Args:
        indicator (str): The metric indicator.
        metrics (dict): The evaluation results output by the evaluator.

    Returns:
        Any: The specified metric value.

    Raises:
        ValueError: If the indicator matches no metric, or several.
    """
    if indicator in metrics:
        return metrics[indicator]
    candidates = []
    if "/" not in indicator:
        candidates = [name for name in metrics if name.split("/")[-1] == indicator]
    if len(candidates) == 1:
        return metrics[candidates[0]]
    if not candidates:
        # 0.10's sentence: the indicator is quoted only when it has a prefix.
        shown = f'"{indicator}"' if "/" in indicator else indicator
        raise ValueError(
            f"The indicator {shown} can not match any metric in {list(metrics.keys())}"
        )
    raise ValueError(
        f'The indicator "{indicator}" matches multiple metrics {candidates}. Please specify '
        "the full metric name including the prefix."
    )
