"""mmengine.evaluator: Evaluator, BaseMetric, DumpResults and get_metric_value."""

import mmengine.utils._coexist  # noqa: F401 - refuses to run next to upstream mmengine

from .evaluator import Evaluator
from .metric import BaseMetric, DumpResults
from .utils import get_metric_value

__all__ = ["BaseMetric", "Evaluator", "get_metric_value", "DumpResults"]
