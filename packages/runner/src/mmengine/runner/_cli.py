"""Command-line entry points ``mmengine-train`` and ``mmengine-test`` (``tools/train.py``).

The implementation lives in :mod:`mmengine._runner_cli`, outside this package, so that
``--help`` and argument errors answer without importing torch (importing any module of
``mmengine.runner`` imports the Runner). This module keeps the historical entry-point path.
"""

from mmengine._runner_cli import (
    UsageError,
    build_runner,
    test_main,
    train_main,
    verify_resume_main,
)

__all__ = ["UsageError", "build_runner", "test_main", "train_main", "verify_resume_main"]
