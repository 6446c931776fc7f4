"""mmengine.analysis: FLOP, activation and parameter counting and tables."""

import mmengine.utils._coexist  # noqa: F401 - refuses to run next to upstream mmengine

from .complexity_analysis import (
    ActivationAnalyzer,
    FlopAnalyzer,
    activation_count,
    flop_count,
    parameter_count,
    parameter_count_table,
)
from .print_helper import (
    complexity_stats_str,
    complexity_stats_table,
    flop_count_str,
    flop_count_table,
    get_model_complexity_info,
)

__all__ = [
    "FlopAnalyzer",
    "ActivationAnalyzer",
    "flop_count",
    "activation_count",
    "parameter_count",
    "parameter_count_table",
    "flop_count_str",
    "flop_count_table",
    "complexity_stats_str",
    "complexity_stats_table",
    "get_model_complexity_info",
]
