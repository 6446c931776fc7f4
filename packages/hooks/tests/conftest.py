"""A small stand-in for the Runner: the attributes and methods hooks use, and a mini loop."""

from __future__ import annotations

import itertools
import os
import os.path as osp
from types import SimpleNamespace
from typing import Any

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader

from mmengine.logging import MessageHub, MMLogger
from mmengine.model.checkpoint import save_checkpoint
from mmengine.optim import OptimWrapper

_ids = itertools.count()


class ToyModel(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(2, 1)
        self.bn = nn.BatchNorm1d(1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.bn(self.linear(x))

    def train_step(self, data: torch.Tensor, optim_wrapper: OptimWrapper) -> dict:
        loss = self(data).pow(2).mean()
        optim_wrapper.update_params(loss)
        return dict(loss=loss.detach())


class RecordingVisualizer:
    def __init__(self) -> None:
        self.scalars: list[tuple[dict, int, Any]] = []
        self.samples: list[dict] = []
        self.closed = False

    def add_scalars(self, scalar_dict: dict, step: int = 0, file_path: Any = None, **kw: Any):
        self.scalars.append((dict(scalar_dict), step, file_path))

    def add_datasample(self, name: str, image: Any, data_sample: Any = None, **kw: Any) -> None:
        self.samples.append(dict(name=name, image=image, data_sample=data_sample, **kw))

    def close(self) -> None:
        self.closed = True


class StubLogProcessor:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def get_log_after_iter(self, runner: Any, batch_idx: int, mode: str):
        self.calls.append(("iter", mode, batch_idx))
        return {"loss": 1.0}, f"{mode} iter {batch_idx}"

    def get_log_after_epoch(self, runner: Any, batch_idx: int, mode: str, with_non_scalar=False):
        self.calls.append(("epoch", mode, batch_idx))
        tag = {"acc": 0.5}
        if with_non_scalar:
            tag["confusion"] = torch.eye(2)
        return tag, f"{mode} epoch"


class FakeRunner:
    """Just enough Runner for hooks: counters, hub, logger, model, optimizer, checkpoints."""

    def __init__(
        self,
        work_dir: str,
        max_epochs: int = 3,
        iters_per_epoch: int = 4,
        hooks: list | None = None,
        param_schedulers: Any = None,
        resume: bool = False,
    ) -> None:
        uid = next(_ids)
        torch.manual_seed(0)
        self.model = ToyModel()
        self.optim_wrapper = OptimWrapper(torch.optim.SGD(self.model.parameters(), lr=0.1))
        self.param_schedulers = param_schedulers
        data = [torch.randn(2) for _ in range(iters_per_epoch * 2)]
        self.train_dataloader = DataLoader(data, batch_size=2)
        self.val_dataloader = DataLoader(data[:4], batch_size=2)
        self.test_dataloader = DataLoader(data[:6], batch_size=2)
        self._train_loop = SimpleNamespace(dataloader=self.train_dataloader, stop_training=False)
        self.val_loop = SimpleNamespace(dataloader=self.val_dataloader)
        self.test_loop = SimpleNamespace(dataloader=self.test_dataloader)
        self.epoch = 0
        self.iter = 0
        self.max_epochs = max_epochs
        self.max_iters = max_epochs * len(self.train_dataloader)
        self.work_dir = str(work_dir)
        self.timestamp = f"20260101_0000{uid:02d}"
        self.log_dir = osp.join(self.work_dir, self.timestamp)
        os.makedirs(self.log_dir, exist_ok=True)
        self.experiment_name = f"exp_{uid}"
        self.cfg = SimpleNamespace(pretty_text="model = dict()")
        self.rank, self.world_size, self.distributed, self.seed = 0, 1, False, 0
        self._resume = resume
        self.message_hub = MessageHub.get_instance(f"hooks_test_{uid}")
        self.logger = MMLogger.get_instance(
            f"hooks_test_{uid}", log_file=osp.join(self.log_dir, f"{self.timestamp}.log")
        )
        self.visualizer = RecordingVisualizer()
        self.log_processor = StubLogProcessor()
        self.hooks = list(hooks or [])
        self.saved: list[str] = []

    @property
    def train_loop(self) -> Any:
        return self._train_loop

    def call_hook(self, fn_name: str, **kwargs: Any) -> None:
        for hook in self.hooks:
            getattr(hook, fn_name)(self, **kwargs)

    def save_checkpoint(
        self,
        out_dir: str,
        filename: str,
        file_client_args: Any = None,
        save_optimizer: bool = True,
        save_param_scheduler: bool = True,
        meta: dict | None = None,
        by_epoch: bool = True,
        backend_args: Any = None,
    ) -> None:
        meta = dict(meta or {})
        if by_epoch:
            meta.update(epoch=self.epoch + 1, iter=self.iter)
        else:
            meta.update(epoch=self.epoch, iter=self.iter + 1)
        checkpoint = {
            "meta": meta,
            "state_dict": {k: v.detach().clone() for k, v in self.model.state_dict().items()},
            "message_hub": self.message_hub.state_dict(),
        }
        if save_optimizer:
            checkpoint["optimizer"] = self.optim_wrapper.state_dict()
        self.call_hook("before_save_checkpoint", checkpoint=checkpoint)
        path = osp.join(out_dir, filename)
        save_checkpoint(checkpoint, path)
        self.saved.append(path)

    # ---------------------------------------------------------------- mini loops
    def run_train_epoch(self, val_metrics: dict | None = None) -> None:
        self.call_hook("before_train_epoch")
        for idx, batch in enumerate(self.train_dataloader):
            self.call_hook("before_train_iter", batch_idx=idx, data_batch=batch)
            outputs = self.model.train_step(batch, self.optim_wrapper)
            self.call_hook("after_train_iter", batch_idx=idx, data_batch=batch, outputs=outputs)
            self.iter += 1
        self.call_hook("after_train_epoch")
        self.epoch += 1
        if val_metrics is not None:
            self.run_val(val_metrics)

    def run_val(self, metrics: dict) -> None:
        self.call_hook("before_val")
        self.call_hook("before_val_epoch")
        for idx, batch in enumerate(self.val_dataloader):
            self.call_hook("before_val_iter", batch_idx=idx, data_batch=batch)
            outputs = [self.model(batch)]
            self.call_hook("after_val_iter", batch_idx=idx, data_batch=batch, outputs=outputs)
        self.call_hook("after_val_epoch", metrics=metrics)
        self.call_hook("after_val")

    def train(self, epochs: int | None = None, metrics: list | None = None) -> None:
        self.call_hook("before_run")
        self.call_hook("before_train")
        for e in range(epochs if epochs is not None else self.max_epochs):
            if self.train_loop.stop_training:
                break
            self.run_train_epoch(None if metrics is None else metrics[e])
        self.call_hook("after_train")
        self.call_hook("after_run")


@pytest.fixture
def make_runner(tmp_path):
    def factory(**kwargs: Any) -> FakeRunner:
        return FakeRunner(str(tmp_path / "work_dirs" / "exp"), **kwargs)

    return factory
