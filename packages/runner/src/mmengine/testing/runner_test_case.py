"""RunnerTestCase: a unittest base class that builds small, fast runners."""

from __future__ import annotations

import copy
import logging
import os
import tempfile
import time
from unittest import TestCase
from uuid import uuid4

import torch
from torch import nn
from torch.distributed import destroy_process_group
from torch.utils.data import Dataset

from mmengine.config import Config
from mmengine.dist import is_distributed
from mmengine.evaluator import BaseMetric
from mmengine.logging import MessageHub, MMLogger
from mmengine.model import BaseModel
from mmengine.registry import DATASETS, METRICS, MODELS, DefaultScope
from mmengine.runner import Runner
from mmengine.visualization import Visualizer


class ToyModel(BaseModel):
    """Two linear layers on 2-d inputs; ``loss`` mode returns ``(labels - outputs).sum()``.

    Any other mode than ``'tensor'``, ``'loss'`` and ``'predict'`` returns None, as in 0.10.
    """

    def __init__(self, data_preprocessor: dict | None = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor)
        self.linear1 = nn.Linear(2, 2)
        self.linear2 = nn.Linear(2, 1)

    def forward(self, inputs, data_samples=None, mode: str = "tensor"):  # noqa: ANN001
        if isinstance(inputs, list):
            inputs = torch.stack(inputs)
        if isinstance(data_samples, list):
            data_samples = torch.stack(data_samples)
        outputs = self.linear2(self.linear1(inputs))
        if mode == "tensor":
            return outputs
        if mode == "loss":
            return dict(loss=(data_samples - outputs).sum())
        if mode == "predict":
            return outputs
        return None


class ToyDataset(Dataset):
    """Twelve random 2-d points labelled 1."""

    METAINFO: dict = dict()
    data = torch.randn(12, 2)
    label = torch.ones(12)

    @property
    def metainfo(self) -> dict:
        return self.METAINFO

    def __len__(self) -> int:
        return self.data.size(0)

    def __getitem__(self, index: int) -> dict:
        return dict(inputs=self.data[index], data_samples=self.label[index])


class ToyMetric(BaseMetric):
    """Reports ``acc=1``, whatever ``dummy_metrics`` says (as 0.10's; it only stores it)."""

    def __init__(self, collect_device: str = "cpu", dummy_metrics: dict | None = None) -> None:
        super().__init__(collect_device=collect_device)
        self.dummy_metrics = dummy_metrics

    def process(self, data_batch, predictions) -> None:  # noqa: ANN001
        self.results.append({"acc": 1})

    def compute_metrics(self, results: list) -> dict:
        return dict(acc=1)


class RunnerTestCase(TestCase):
    """Base class for tests that need a Runner.

    ``setUp`` registers ``ToyModel``, ``ToyDataset`` and ``ToyMetric`` and prepares
    ``self.epoch_based_cfg`` and ``self.iter_based_cfg`` (2 epochs or 12 iterations of a toy
    problem) in a temporary work dir; ``build_runner(cfg)`` builds a runner with a unique
    experiment name. ``tearDown`` removes the work dir and the global instances the runner
    created (loggers, message hubs, visualizers, scopes).
    """

    #: The environment of a one-process 'pytorch' launch; ``setup_dist_env`` adds 1 to
    #: ``MASTER_PORT`` (shared by every subclass) and exports all five as strings.
    dist_cfg: dict = dict(
        MASTER_ADDR="127.0.0.1",
        MASTER_PORT=29600,
        RANK="0",
        WORLD_SIZE="1",
        LOCAL_RANK="0",
    )

    def setUp(self) -> None:
        self.temp_dir = tempfile.TemporaryDirectory()
        MODELS.register_module(module=ToyModel, force=True)
        METRICS.register_module(module=ToyMetric, force=True)
        DATASETS.register_module(module=ToyDataset, force=True)
        epoch_based_cfg = dict(
            work_dir=self.temp_dir.name,
            model=dict(type="ToyModel"),
            train_dataloader=dict(
                dataset=dict(type="ToyDataset"),
                sampler=dict(type="DefaultSampler", shuffle=True),
                batch_size=3,
                num_workers=0,
            ),
            val_dataloader=dict(
                dataset=dict(type="ToyDataset"),
                sampler=dict(type="DefaultSampler", shuffle=False),
                batch_size=3,
                num_workers=0,
            ),
            val_evaluator=[dict(type="ToyMetric")],
            test_dataloader=dict(
                dataset=dict(type="ToyDataset"),
                sampler=dict(type="DefaultSampler", shuffle=False),
                batch_size=3,
                num_workers=0,
            ),
            test_evaluator=[dict(type="ToyMetric")],
            optim_wrapper=dict(optimizer=dict(type="SGD", lr=0.1)),
            train_cfg=dict(by_epoch=True, max_epochs=2, val_interval=1),
            val_cfg=dict(),
            test_cfg=dict(),
            default_hooks=dict(logger=dict(type="LoggerHook", interval=1)),
            custom_hooks=[],
            env_cfg=dict(dist_cfg=dict(backend="nccl")),
            experiment_name="test1",
        )
        self.epoch_based_cfg = Config(epoch_based_cfg)
        self.iter_based_cfg: Config = copy.deepcopy(self.epoch_based_cfg)
        self.iter_based_cfg.train_dataloader = dict(
            dataset=dict(type="ToyDataset"),
            sampler=dict(type="InfiniteSampler", shuffle=True),
            batch_size=3,
            num_workers=0,
        )
        self.iter_based_cfg.log_processor = dict(by_epoch=False)
        self.iter_based_cfg.train_cfg = dict(by_epoch=False, max_iters=12)
        self.iter_based_cfg.default_hooks = dict(
            logger=dict(type="LoggerHook", interval=1),
            checkpoint=dict(type="CheckpointHook", interval=12, by_epoch=False),
        )

    def tearDown(self) -> None:
        if is_distributed():
            destroy_process_group()
        for logger in MMLogger._instance_dict.values():
            for handler in list(logger.handlers):
                handler.close()
                logger.removeHandler(handler)
        logging.shutdown()
        MMLogger._instance_dict.clear()
        Visualizer._instance_dict.clear()
        DefaultScope._instance_dict.clear()
        MessageHub._instance_dict.clear()
        MODELS.module_dict.pop("ToyModel", None)
        METRICS.module_dict.pop("ToyMetric", None)
        DATASETS.module_dict.pop("ToyDataset", None)
        self.temp_dir.cleanup()

    def build_runner(self, cfg: Config):  # noqa: ANN201
        """Build a runner from ``cfg`` with a unique experiment name."""
        cfg.experiment_name = self.experiment_name
        return Runner.from_cfg(cfg)

    @property
    def experiment_name(self) -> str:
        """str: unique per call, as 0.10 names it: ``'<test method>_<time.time()> + <uuid4>'``."""
        return f"{self._testMethodName}_{time.time()} + {uuid4()}"

    def setup_dist_env(self) -> None:
        """Set the environment variables of a one-process 'pytorch' launch."""
        self.dist_cfg["MASTER_PORT"] += 1
        os.environ.update({key: str(value) for key, value in self.dist_cfg.items()})

    def clear_work_dir(self) -> None:
        """Remove everything in the work dir (keeping the directory)."""
        import shutil

        for name in os.listdir(self.temp_dir.name):
            path = os.path.join(self.temp_dir.name, name)
            if os.path.isdir(path):
                shutil.rmtree(path)
            else:
                os.remove(path)
