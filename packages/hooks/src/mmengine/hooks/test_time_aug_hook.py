"""PrepareTTAHook: wrap the model in a test-time-augmentation model before testing."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any  # noqa: F401 - TYPE_CHECKING: upstream binds it here

from mmengine.registry import HOOKS, MODELS, RUNNERS

from .hook import Hook


@HOOKS.register_module()
class PrepareTTAHook(Hook):
    """Wraps ``runner.model`` with subclass of ``BaseTTAModel`` in ``before_test``.

    Note:
        This function will only be used with ``MMFullyShardedDataParallel``.

    Args:
        tta_cfg (dict): Config dictionary of the test time augmentation model; it is built
            from ``MODELS`` with ``module=runner.model``.

    Examples:
        The hook is usually registered by :func:`build_runner_with_tta`:

        >>> import torch
        >>> from mmengine.config import Config
        >>> from mmengine.evaluator import BaseMetric
        >>> from mmengine.hooks.test_time_aug_hook import build_runner_with_tta
        >>> from mmengine.model import BaseModel, BaseTTAModel
        >>> from mmengine.registry import DATASETS, METRICS, MODELS
        >>> @DATASETS.register_module(force=True)
        ... class TwoViews(torch.utils.data.Dataset):  # sample i seen at the scales of `pipeline`
        ...     metainfo = dict()
        ...     def __init__(self, pipeline):
        ...         self.scales = pipeline
        ...     def __len__(self):
        ...         return 2
        ...     def __getitem__(self, i):
        ...         return dict(inputs=[torch.tensor(i * s) for s in self.scales])
        >>> @MODELS.register_module(force=True)
        ... class Doubler(BaseModel):
        ...     def forward(self, inputs, data_samples=None, mode='tensor'):
        ...         return [2 * x for x in inputs]
        >>> @MODELS.register_module(force=True)
        ... class MeanTTA(BaseTTAModel):
        ...     def merge_preds(self, data_samples_list):
        ...         return [sum(preds) / len(preds) for preds in data_samples_list]
        >>> @METRICS.register_module(force=True)
        ... class MeanPred(BaseMetric):
        ...     default_prefix = 'demo'
        ...     def process(self, data_batch, data_samples):
        ...         self.results.extend(float(pred) for pred in data_samples)
        ...     def compute_metrics(self, results):
        ...         return dict(mean=sum(results) / len(results))
        >>> cfg = Config(dict(
        ...     model=dict(type='Doubler'), work_dir='work_dirs/tta', log_level='WARNING',
        ...     tta_model=dict(type='MeanTTA'), tta_pipeline=[1.0, 3.0],
        ...     test_dataloader=dict(
        ...         dataset=dict(type='TwoViews', pipeline=[1.0]), batch_size=2,
        ...         sampler=dict(type='DefaultSampler', shuffle=False),
        ...         collate_fn=dict(type='pseudo_collate')),
        ...     test_cfg=dict(), test_evaluator=dict(type='MeanPred')))
        >>> runner = build_runner_with_tta(cfg)
        >>> runner.test()
        {'demo/mean': 2.0}
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


# The annotation names mmengine.runner.Runner without importing it: the runner package sits
# above hooks (see DESIGN.md's layers).
def build_runner_with_tta(cfg: dict) -> Runner:  # noqa: F821
    """Build a runner whose ``test()`` evaluates the test-time-augmentation model.

    The config needs ``tta_model`` (the ``BaseTTAModel`` subclass config that wraps the
    model) and ``tta_pipeline`` (the test pipeline producing the augmented views). The
    function makes ``tta_pipeline`` the test dataset's pipeline, builds the runner (through
    ``RUNNERS`` when ``runner_type`` is set, else with ``Runner.from_cfg``) and registers
    ``PrepareTTAHook(tta_cfg=cfg.tta_model)`` on it.

    Args:
        cfg (dict or Config): The full config of the run.

    Returns:
        Runner: The runner with ``PrepareTTAHook`` registered.

    Examples:
        The example of :class:`PrepareTTAHook` builds and tests a runner with this function.
    """
    if "tta_model" not in cfg:
        raise AssertionError(
            "please make sure tta_model is defined in your config. (build_runner_with_tta: "
            "add e.g. tta_model=dict(type='MyTTAModel') naming a BaseTTAModel subclass.)"
        )
    if "tta_pipeline" not in cfg:
        raise AssertionError(
            "please make sure tta_pipeline is defined in your config. (build_runner_with_tta: "
            "add tta_pipeline=[...], the test pipeline that makes the augmented views.)"
        )
    cfg["test_dataloader"]["dataset"]["pipeline"] = cfg["tta_pipeline"]

    if "runner_type" in cfg:
        runner = RUNNERS.build(cfg)
    else:
        # The runner package sits above hooks: reach Runner through its registry, which
        # imports mmengine.runner on first use.
        runner = RUNNERS.get("mmengine.Runner").from_cfg(cfg)
    runner.register_hook(PrepareTTAHook(tta_cfg=cfg["tta_model"]))
    return runner
