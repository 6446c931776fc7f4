"""build_runner_with_tta (mmengine.hooks.test_time_aug_hook): a runner whose test() runs TTA."""

import pytest
import torch
from torch import nn

from mmengine.config import Config
from mmengine.dataset import BaseDataset
from mmengine.evaluator import BaseMetric
from mmengine.hooks import PrepareTTAHook
from mmengine.hooks.test_time_aug_hook import build_runner_with_tta
from mmengine.model import BaseModel, BaseTTAModel
from mmengine.registry import DATASETS, METRICS, MODELS, RUNNERS, TRANSFORMS
from mmengine.runner import Runner


class _Scale:
    def __init__(self, k: float) -> None:
        self.k = k

    def __call__(self, r: dict) -> dict:
        return dict(inputs=torch.tensor([r["x"] * self.k]), data_samples=r["x"])


class _Views:
    """The TTA pipeline: one sample becomes a list of views, one per factor."""

    def __init__(self, ks: list) -> None:
        self.ks = ks

    def __call__(self, r: dict) -> dict:
        return dict(
            inputs=[torch.tensor([r["x"] * k]) for k in self.ks],
            data_samples=[r["x"] for _ in self.ks],
        )


class _Points(BaseDataset):
    def load_data_list(self) -> list:
        return [dict(x=float(i)) for i in range(4)]


class _Echo(BaseModel):
    """Predicts its input; the metric then averages what the (TTA) model predicted."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(1, 1)

    def forward(self, inputs, data_samples=None, mode="tensor"):  # noqa: ANN001, ANN201
        x = torch.stack(inputs) if isinstance(inputs, list) else inputs
        return [float(v) for v in x.flatten()]


class _MeanTTA(BaseTTAModel):
    def merge_preds(self, data_samples_list):  # noqa: ANN001, ANN201
        return [sum(views) / len(views) for views in data_samples_list]


class _Mean(BaseMetric):
    default_prefix = "tta"

    def process(self, data_batch, data_samples) -> None:  # noqa: ANN001
        self.results.extend(data_samples)

    def compute_metrics(self, results: list) -> dict:
        return dict(mean=sum(results) / len(results))


@pytest.fixture
def registered():
    names = []
    for registry, cls in [
        (TRANSFORMS, _Scale), (TRANSFORMS, _Views), (DATASETS, _Points), (MODELS, _Echo),
        (MODELS, _MeanTTA), (METRICS, _Mean),
    ]:  # fmt: skip
        registry.register_module(module=cls, force=True)
        names.append((registry, cls.__name__))
    yield
    for registry, name in names:
        registry.module_dict.pop(name, None)


def _cfg(tmp_path, **extra):
    return Config(
        dict(
            model=dict(type="_Echo"),
            work_dir=str(tmp_path),
            experiment_name=f"tta_{tmp_path.name}",
            test_dataloader=dict(
                dataset=dict(type="_Points", pipeline=[dict(type="_Scale", k=1)]),
                sampler=dict(type="DefaultSampler", shuffle=False),
                batch_size=2,
                collate_fn=dict(type="default_collate"),
            ),
            test_evaluator=dict(type="_Mean"),
            test_cfg=dict(),
            tta_model=dict(type="_MeanTTA"),
            tta_pipeline=[dict(type="_Views", ks=[1, 3])],
            **extra,
        )
    )


@pytest.mark.parametrize("runner_type", [None, "Runner"])
def test_build_runner_with_tta_tests_the_tta_model(registered, tmp_path, runner_type):
    extra = {} if runner_type is None else dict(runner_type=runner_type)
    cfg = _cfg(tmp_path, **extra)
    runner = build_runner_with_tta(cfg)
    assert isinstance(runner, Runner)
    assert cfg.test_dataloader.dataset.pipeline == [dict(type="_Views", ks=[1, 3])]
    assert any(isinstance(h, PrepareTTAHook) for h in runner.hooks)
    # views x*1 and x*3 averaged: 2x for x in 0..3 -> mean 3.0 (the plain model gives 1.5)
    assert runner.test() == {"tta/mean": 3.0}
    assert isinstance(runner.model, _MeanTTA)


def test_build_runner_with_tta_needs_both_keys(tmp_path):
    cfg = _cfg(tmp_path)
    del cfg["tta_pipeline"]
    with pytest.raises(AssertionError, match="^please make sure tta_pipeline is defined"):
        build_runner_with_tta(cfg)
    del cfg["tta_model"]
    with pytest.raises(AssertionError, match="^please make sure tta_model is defined"):
        build_runner_with_tta(cfg)
    assert "Runner" in RUNNERS
