"""``mmengine-plot``: draw training curves from the ``scalars.json`` files of runs.

The implementation is :mod:`mmengine._plot_cli.plot`, outside this package so that the command
(``--help``, argument errors, reading the files) answers without importing torch. This module
keeps the historical path, and ``python -m mmengine.visualization.plot`` still runs it.
"""

import sys

from mmengine._plot_cli.plot import (
    X_AXES,
    PlotError,
    Run,
    build_parser,
    check_keys,
    curve,
    find_scalar_files,
    main,
    plot_curves,
    read_scalars,
    run_label,
)

__all__ = [
    "X_AXES",
    "PlotError",
    "Run",
    "build_parser",
    "check_keys",
    "curve",
    "find_scalar_files",
    "main",
    "plot_curves",
    "read_scalars",
    "run_label",
]

if __name__ == "__main__":
    sys.exit(main())
