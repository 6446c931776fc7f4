"""Small seeded training runs whose numbers must equal mmengine 0.10.7's (same seed, same numbers).

Runnable against either implementation, using only mmengine's public API:

    # record (from a directory outside the repository, with upstream first on the path):
    PYTHONPATH=/path/to/mmengine-0.10.7 python golden_runs.py --out golden_0.10.7.json
    # compare: tests/test_runner_golden.py imports ``run_case`` and checks the same numbers.

Each case builds a Runner from a config with ``randomness=dict(seed=...)``: models with
dropout and truncated-normal initialisation (``TruncNormalInit`` through ``init_cfg`` and
``trunc_normal_init`` in ``init_weights``), a dataset with a random augmentation drawn from
torch's global generator in the main process, shuffled samplers, validation in between.
A case records the sum and a hash of every initial weight (at ``before_train``, after
``init_weights``) and the loss of every training iteration.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tempfile

import torch
from torch import nn
from torch.utils.data import Dataset

from mmengine.evaluator import BaseMetric
from mmengine.hooks import Hook
from mmengine.model import BaseModel
from mmengine.model.weight_init import trunc_normal_init
from mmengine.registry import DATASETS, HOOKS, METRICS, MODELS


class GoldenMLP(BaseModel):
    """Linear-ReLU-Dropout-Linear; the first layer from ``init_cfg`` (TruncNormal)."""

    def __init__(self, init_cfg: dict | list | None = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.fc1 = nn.Linear(4, 16)
        self.drop = nn.Dropout(0.3)
        self.fc2 = nn.Linear(16, 1)

    def forward(self, inputs, data_samples=None, mode="tensor"):  # noqa: ANN001
        x = torch.stack(inputs) if isinstance(inputs, list) else inputs
        out = self.fc2(self.drop(torch.relu(self.fc1(x)))).squeeze(1)
        if mode == "loss":
            y = torch.stack(data_samples) if isinstance(data_samples, list) else data_samples
            return dict(loss=((out - y) ** 2).mean())
        return [out]


class GoldenConvNet(BaseModel):
    """Conv-BN-ReLU-Dropout-Linear; ``init_weights`` calls ``trunc_normal_init``."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv1d(1, 4, 3, padding=1)
        self.bn = nn.BatchNorm1d(4)
        self.drop = nn.Dropout(0.5)
        self.head = nn.Linear(16, 1)

    def init_weights(self) -> None:
        super().init_weights()
        trunc_normal_init(self.conv, std=0.1, a=-0.2, b=0.2, bias=0.0)
        trunc_normal_init(self.head, std=0.02, bias=0.1)

    def forward(self, inputs, data_samples=None, mode="tensor"):  # noqa: ANN001
        x = torch.stack(inputs) if isinstance(inputs, list) else inputs
        h = self.drop(torch.relu(self.bn(self.conv(x.unsqueeze(1)))))
        out = self.head(h.flatten(1)).squeeze(1)
        if mode == "loss":
            y = torch.stack(data_samples) if isinstance(data_samples, list) else data_samples
            return dict(loss=((out - y) ** 2).mean())
        return [out]


class GoldenDataset(Dataset):
    """Fixed points (from a private generator) with a random sign flip drawn per sample from
    torch's global generator (a random augmentation in the main process)."""

    METAINFO: dict = dict()

    def __init__(self, n: int = 12) -> None:
        g = torch.Generator().manual_seed(1234)
        self.x = torch.randn(n, 4, generator=g)
        self.y = torch.randn(n, generator=g)

    @property
    def metainfo(self) -> dict:
        return self.METAINFO

    def __len__(self) -> int:
        return len(self.y)

    def __getitem__(self, i: int) -> dict:
        flip = 1.0 if torch.rand(1).item() < 0.5 else -1.0
        return dict(inputs=self.x[i] * flip, data_samples=self.y[i])


class GoldenMetric(BaseMetric):
    default_prefix = "golden"

    def process(self, data_batch, data_samples) -> None:  # noqa: ANN001
        self.results.append(float(data_samples[0].sum()))

    def compute_metrics(self, results: list) -> dict:
        return dict(score=sum(results))


class GoldenRecorder(Hook):
    """Records the initial weights at ``before_train`` and each iteration's loss."""

    priority = "LOWEST"

    def __init__(self) -> None:
        self.init: dict = {}
        self.losses: list = []

    def before_train(self, runner) -> None:  # noqa: ANN001
        model = getattr(runner.model, "module", runner.model)
        digest = hashlib.sha256()
        for name, value in model.state_dict().items():
            value = value.detach().cpu()
            self.init[name] = float(value.double().sum())
            digest.update(name.encode())
            digest.update(value.contiguous().numpy().tobytes())
        self.init_hash = digest.hexdigest()

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:  # noqa: ANN001
        self.losses.append(float(outputs["loss"]))


def _register() -> None:
    for module in (GoldenMLP, GoldenConvNet):
        MODELS.register_module(module=module, force=True)
    DATASETS.register_module(module=GoldenDataset, force=True)
    METRICS.register_module(module=GoldenMetric, force=True)
    HOOKS.register_module(module=GoldenRecorder, force=True)


def _loader(sampler: str, shuffle: bool = True) -> dict:
    return dict(
        dataset=dict(type="GoldenDataset"),
        sampler=dict(type=sampler, shuffle=shuffle),
        batch_size=3,
        num_workers=0,
    )


_MLP = dict(
    type="GoldenMLP",
    init_cfg=[
        dict(type="TruncNormal", layer="Linear", std=0.5, a=-1.0, b=1.0, bias=0.05),
    ],
)

CASES: dict[str, dict] = {
    # 4 iterations per epoch; validation after each epoch (its iterator draws a seed)
    "epoch_mlp_truncnormal": dict(
        model=_MLP,
        train_dataloader=_loader("DefaultSampler"),
        train_cfg=dict(by_epoch=True, max_epochs=3, val_interval=1),
        seed=2024,
    ),
    "epoch_convnet_trunc_normal_init": dict(
        model=dict(type="GoldenConvNet"),
        train_dataloader=_loader("DefaultSampler"),
        train_cfg=dict(by_epoch=True, max_epochs=3, val_interval=2),
        seed=7,
    ),
    # the iterator is made when the loop is built, before init_weights (0.10's order)
    "iter_mlp_infinite_sampler": dict(
        model=_MLP,
        train_dataloader=_loader("InfiniteSampler"),
        train_cfg=dict(by_epoch=False, max_iters=10, val_interval=5),
        seed=11,
    ),
    "iter_convnet_finite_sampler_restarts": dict(
        model=dict(type="GoldenConvNet"),
        train_dataloader=_loader("DefaultSampler"),
        train_cfg=dict(by_epoch=False, max_iters=10, val_interval=6),
        seed=5,
    ),
}


def run_case(name: str, work_dir: str) -> dict:
    """Train case ``name`` in ``work_dir``; return its initial weights and losses."""
    from mmengine.config import Config
    from mmengine.runner import Runner

    _register()
    case = CASES[name]
    by_epoch = case["train_cfg"]["by_epoch"]
    cfg = Config(
        dict(
            model=case["model"],
            work_dir=work_dir,
            experiment_name=f"golden_{name}",
            train_dataloader=case["train_dataloader"],
            train_cfg=case["train_cfg"],
            val_dataloader=_loader("DefaultSampler", shuffle=False),
            val_cfg=dict(),
            val_evaluator=dict(type="GoldenMetric"),
            optim_wrapper=dict(optimizer=dict(type="SGD", lr=0.05, momentum=0.9)),
            param_scheduler=[dict(type="LinearLR", start_factor=0.5, by_epoch=False, end=6)],
            default_hooks=dict(checkpoint=dict(type="CheckpointHook", interval=100)),
            log_processor=dict(by_epoch=by_epoch),
            randomness=dict(seed=case["seed"]),
            log_level="WARNING",
        )
    )
    runner = Runner.from_cfg(cfg)
    recorder = GoldenRecorder()
    runner.register_hook(recorder)
    runner.train()
    return dict(init=recorder.init, init_hash=recorder.init_hash, losses=recorder.losses)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="where to write the JSON")
    parser.add_argument("--cases", nargs="*", default=list(CASES))
    args = parser.parse_args()
    import mmengine

    results = dict(mmengine_version=getattr(mmengine, "__version__", "?"), torch=torch.__version__)
    for name in args.cases:
        with tempfile.TemporaryDirectory() as work_dir:
            results[name] = run_case(name, work_dir)
    with open(args.out, "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
