"""Torch-free front end of the runner's commands (``mmengine-train``, ``mmengine-test``,
``mmengine-verify-resume``): see :mod:`mmengine._runner_cli.commands`."""

import mmengine.utils._coexist  # noqa: F401 - refuses to run next to upstream mmengine

from .commands import UsageError, build_runner, test_main, train_main, verify_resume_main

__all__ = ["UsageError", "build_runner", "test_main", "train_main", "verify_resume_main"]
