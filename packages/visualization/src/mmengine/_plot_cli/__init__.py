"""Torch-free front end of ``mmengine-plot``: see :mod:`mmengine._plot_cli.plot`.

It lives outside :mod:`mmengine.visualization` because importing any module of that package
imports the Visualizer and torch (about two seconds), which ``--help``, an argument error or
reading a scalars file never need. ``mmengine.visualization.plot`` keeps the historical path.
"""

import mmengine.utils._coexist  # noqa: F401 - refuses to run next to upstream mmengine

from .plot import PlotError, Run, build_parser, main

__all__ = ["PlotError", "Run", "build_parser", "main"]
