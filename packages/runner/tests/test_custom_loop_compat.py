"""Custom train loops written against 0.10 call the loops' helpers as 0.10 had them.

mmrazor's ``QATEpochBasedLoop`` and ``LSQEpochBasedLoop`` override ``run`` and call
``self._decide_current_val_interval()`` with no argument, as 0.10's loops define it.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.utils.data import Dataset

from mmengine.model import BaseModel
from mmengine.runner import EpochBasedTrainLoop, IterBasedTrainLoop, Runner


class TinyModel(BaseModel):
    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(1, 1)

    def forward(self, inputs=None, data_samples=None, mode="tensor"):
        return dict(loss=self.linear(torch.stack(inputs)).sum())


def _probe(base: type, counter: str) -> type:
    """``base`` whose ``run`` sets ``counter`` to 0..5 and records ``val_interval`` after each
    no-argument ``_decide_current_val_interval()`` call (mmrazor's QAT/LSQ loops' pattern)."""

    def run(self):
        seen = []
        for progress in range(6):
            setattr(self, counter, progress)
            self._decide_current_val_interval()
            seen.append(self.val_interval)
        return seen

    return type(f"{base.__name__}Probe", (base,), {"run": run})


def _train_runner(tmp_path, model, samples: int, batch_size: int, train_cfg: dict) -> Runner:
    return Runner(
        model=model,
        work_dir=str(tmp_path),
        train_dataloader=dict(
            dataset=[dict(inputs=torch.ones(1))] * samples,
            batch_size=batch_size,
            sampler=dict(type="DefaultSampler", shuffle=False),
        ),
        optim_wrapper=dict(optimizer=dict(type="SGD", lr=0.1)),
        train_cfg=train_cfg,
    )


EpochProbe = _probe(EpochBasedTrainLoop, "_epoch")
IterProbe = _probe(IterBasedTrainLoop, "_iter")


@pytest.mark.parametrize("loop, key", [(EpochProbe, "max_epochs"), (IterProbe, "max_iters")])
def test_decide_current_val_interval_without_argument_uses_the_loop_counter(tmp_path, loop, key):
    runner = _train_runner(
        tmp_path,
        TinyModel(),
        2,
        1,
        dict(type=loop, val_interval=1, dynamic_intervals=[(2, 2), (4, 3)], **{key: 6}),
    )
    # mmengine 0.10.7 (black-box), counter 0..5 set before each call: [1, 2, 2, 3, 3, 3]
    assert runner.train_loop.run() == [1, 2, 2, 3, 3, 3]


class ClassesDataset(Dataset):
    metainfo = dict(classes=("cat", "dog"))

    def __len__(self):
        return 2

    def __getitem__(self, index):
        return dict(inputs=torch.ones(1))


def test_checkpoint_saved_before_training_has_the_train_dataset_meta(tmp_path):
    """mmrazor's PTQLoop saves ``model_ptq.pth`` from ``runner.test()``, before any training."""
    runner = Runner(
        model=TinyModel(),
        work_dir=str(tmp_path),
        train_dataloader=dict(
            dataset=ClassesDataset(), batch_size=1, sampler=dict(type="DefaultSampler")
        ),
        optim_wrapper=dict(optimizer=dict(type="SGD", lr=0.1)),
        train_cfg=dict(by_epoch=True, max_epochs=1),
    )
    runner.save_checkpoint(str(tmp_path), "x.pth", save_optimizer=False, save_param_scheduler=False)
    meta = torch.load(tmp_path / "x.pth", weights_only=False)["meta"]
    # mmengine 0.10.7 (black-box): dataset_meta {'classes': ('cat', 'dog')}, epoch 1, iter 0
    assert meta["dataset_meta"] == {"classes": ("cat", "dog")}
    assert (meta["epoch"], meta["iter"]) == (1, 0)


def test_checkpoint_saved_without_a_train_loop_has_no_dataset_meta(tmp_path):
    """0.10.7 raised AttributeError ('NoneType' object has no attribute 'dataloader')."""
    runner = Runner(model=TinyModel(), work_dir=str(tmp_path))
    runner.save_checkpoint(str(tmp_path), "x.pth", save_optimizer=False, save_param_scheduler=False)
    assert "dataset_meta" not in torch.load(tmp_path / "x.pth", weights_only=False)["meta"]


def test_dataset_metainfo_warns_only_without_the_attribute(monkeypatch):
    # 0.10 warns "Dataset X has no metainfo" only when the dataset lacks the attribute; a
    # dataset whose metainfo is None (mmaction's fake loaders) gives None quietly
    from mmengine.runner import base_loop

    logged: list = []
    monkeypatch.setattr(base_loop, "print_log", lambda msg, **kw: logged.append(msg))

    class WithNone:
        metainfo = None

    class Loader:
        def __init__(self, dataset):
            self.dataset = dataset

    assert base_loop.dataset_metainfo(Loader(WithNone()), "visualizer") is None
    assert logged == []
    assert base_loop.dataset_metainfo(Loader(dict(a=1)), "visualizer") is None
    assert logged == ["Dataset dict has no metainfo. ``dataset_meta`` in visualizer will be None."]


def test_val_loop_setting_its_dataloader_after_before_val_epoch(tmp_path):
    # mmagic's MultiValLoop/MultiTestLoop set `self.dataloader` only after calling the
    # before_val_epoch hooks: IterTimerHook read runner.val_dataloader there and crashed
    from mmengine.evaluator import BaseMetric
    from mmengine.runner.base_loop import BaseLoop

    class Count(BaseMetric):
        def process(self, data_batch, data_samples):
            self.results.append(1)

        def compute_metrics(self, results):
            return dict(n=len(results))

    class LazyValLoop(BaseLoop):
        def __init__(self, runner, dataloader, evaluator):
            self._runner = runner
            self.dataloaders = [runner.build_dataloader(dataloader)]
            self.evaluator = runner.build_evaluator(evaluator)

        def run(self):
            self.runner.call_hook("before_val")
            self.runner.call_hook("before_val_epoch")
            self.dataloader = self.dataloaders[0]
            for i, batch in enumerate(self.dataloader):
                self.runner.call_hook("before_val_iter", batch_idx=i, data_batch=batch)
                outputs = self.runner.model.val_step(batch)
                self.evaluator.process(outputs, batch)
                self.runner.call_hook(
                    "after_val_iter", batch_idx=i, data_batch=batch, outputs=outputs
                )
            metrics = self.evaluator.evaluate(len(self.dataloader.dataset))
            self.runner.call_hook("after_val_epoch", metrics=metrics)
            self.runner.call_hook("after_val")
            return metrics

    data = [dict(inputs=torch.ones(1)) for _ in range(4)]
    loader = dict(
        dataset=data,
        sampler=dict(type="DefaultSampler", shuffle=False),
        batch_size=2,
        collate_fn=dict(type="pseudo_collate"),
    )
    runner = Runner(
        model=TinyModel(),
        work_dir=str(tmp_path),
        train_dataloader=loader,
        val_dataloader=loader,
        val_evaluator=dict(type=Count),
        optim_wrapper=dict(optimizer=dict(type="SGD", lr=0.1)),
        train_cfg=dict(by_epoch=False, max_iters=2, val_interval=2),
        val_cfg=dict(type=LazyValLoop),
        default_hooks=dict(logger=dict(type="LoggerHook", interval=1)),
    )
    runner.train()
    assert runner.message_hub.get_info("eta") == 0.0  # the last val iteration: nothing left
    assert len(runner.message_hub.get_scalar("val/time").data[0]) == 2


class TwiceEpochLoop(EpochBasedTrainLoop):
    """0.10's migration guide (``migration/runner.md``): ``run_iter`` twice per batch."""

    def run_iter(self, idx, data_batch) -> None:
        for _ in range(2):
            super().run_iter(idx, data_batch)


def test_a_loop_counting_two_iterations_per_batch_trains_every_epoch(tmp_path):
    calls = []

    class Counting(TinyModel):
        def forward(self, inputs=None, data_samples=None, mode="tensor"):
            calls.append(1)
            return super().forward(inputs, data_samples, mode)

    runner = _train_runner(tmp_path, Counting(), 4, 2, dict(type=TwiceEpochLoop, max_epochs=3))
    runner.train()
    # mmengine 0.10.7 (black-box): 12 train steps, iter 12, epoch 3 (every epoch trains)
    assert (len(calls), runner.iter, runner.epoch) == (12, 12, 3)
