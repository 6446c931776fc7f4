"""PrepareTTAHook: wrap the model in a test-time-augmentation model before testing."""

from __future__ import annotations

import copy
from typing import Any

from mmengine.registry import HOOKS, MODELS

from .hook import Hook


@HOOKS.register_module()
class PrepareTTAHook(Hook):
    """Wraps ``runner.model`` with subclass of ``BaseTTAModel`` in ``before_test``.

    Note:
        This function will only be used with ``MMFullyShardedDataParallel``.

    Args:
        tta_cfg (dict): Config dictionary of the test time augmentation model; it is built
            from ``MODELS`` with ``module=runner.model``.
    """

    def __init__(self, tta_cfg: dict) -> None:
        if not isinstance(tta_cfg, dict):
            raise TypeError(
                "PrepareTTAHook: tta_cfg should be a dict config of a BaseTTAModel subclass, "
                f"e.g. dict(type='MyTTAModel'), but got {type(tta_cfg)}"
            )
        self.tta_cfg = tta_cfg

    def before_test(self, runner: Any) -> None:
        """Wrap ``runner.model`` with the subclass of ``BaseTTAModel``.

        Args:
            runner (Runner): The runner of the testing process.
        """
        cfg = copy.copy(self.tta_cfg)
        cfg["module"] = runner.model
        runner.model = MODELS.build(cfg)
