"""Validation and test over several datasets: a list or a named dict of dataloaders, each with
its own evaluator, metrics prefixed with the dataset name, hooks that can name those keys."""

from __future__ import annotations

import copy
import glob
import json
import os.path as osp

import pytest
import torch
from torch.utils.data import DataLoader

from mmengine.evaluator import BaseMetric, Evaluator
from mmengine.hooks import Hook
from mmengine.registry import DATASETS, METRICS, MODELS
from mmengine.runner.eval_loops import DataLoaderGroup, dataset_names, is_multi_dataloader
from mmengine.structures import BaseDataElement
from mmengine.testing import RunnerTestCase
from mmengine.testing.runner_test_case import ToyDataset, ToyModel


class CocoToy(ToyDataset):
    """Twelve samples labelled 1, named by its metainfo."""

    METAINFO = dict(dataset_name="coco", classes=("a",))


class VocToy(ToyDataset):
    """Eight samples labelled 2 (a different size and label than CocoToy)."""

    METAINFO = dict(dataset_name="voc", classes=("b",))
    data = torch.randn(8, 2)
    label = torch.full((8,), 2.0)


class LossyToyModel(ToyModel):
    """val/test steps also report a loss: the mean label of the batch (1 on coco, 2 on voc)."""

    def val_step(self, data):  # noqa: ANN001, ANN201
        outputs = list(super().val_step(data))
        labels = torch.stack(data["data_samples"]).float()
        return outputs + [BaseDataElement(loss=dict(loss=labels.mean()))]

    test_step = val_step


class ScoreMetric(BaseMetric):
    """Reports ``acc`` from a fixed schedule (one value per evaluation), the number of
    samples it saw and the dataset it was given (``name``)."""

    default_prefix = "m"

    def __init__(self, scores: list | None = None, **kwargs) -> None:  # noqa: ANN003
        super().__init__(**kwargs)
        self.scores = list(scores or [1.0])
        self.calls = 0

    def process(self, data_batch, data_samples) -> None:  # noqa: ANN001
        self.results.extend({"n": 1} for _ in data_batch["inputs"])

    def compute_metrics(self, results: list) -> dict:
        score = self.scores[min(self.calls, len(self.scores) - 1)]
        self.calls += 1
        meta = self.dataset_meta or {}
        return dict(acc=score, seen=len(results), named=meta.get("dataset_name", "?"))


class HookRecorder(Hook):
    """Records the evaluation hook calls and what the runner shows during the iterations."""

    def __init__(self) -> None:
        self.calls: list = []

    def before_val(self, runner) -> None:  # noqa: ANN001
        self.calls.append("before_val")

    def before_val_epoch(self, runner) -> None:  # noqa: ANN001
        self.calls.append("before_val_epoch")

    def after_val_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:  # noqa: ANN001
        loop = runner.val_loop
        self.calls.append((batch_idx, loop.dataset_name, type(runner.val_dataloader.dataset)))

    def after_val_epoch(self, runner, metrics=None) -> None:  # noqa: ANN001
        self.calls.append(("after_val_epoch", dict(metrics)))

    def after_val(self, runner) -> None:  # noqa: ANN001
        self.calls.append("after_val")


def _loader(dataset: str, batch_size: int = 4) -> dict:
    return dict(
        dataset=dict(type=dataset),
        sampler=dict(type="DefaultSampler", shuffle=False),
        batch_size=batch_size,
        num_workers=0,
    )


class TestMultiDatasetEval(RunnerTestCase):
    def setUp(self) -> None:
        super().setUp()
        for dataset in (CocoToy, VocToy):
            DATASETS.register_module(module=dataset, force=True)
        METRICS.register_module(module=ScoreMetric, force=True)
        MODELS.register_module(module=LossyToyModel, force=True)
        cfg = copy.deepcopy(self.epoch_based_cfg)
        cfg.model = dict(type="LossyToyModel")
        cfg.val_dataloader = dict(coco=_loader("CocoToy"), voc=_loader("VocToy"))  # 3 + 2
        cfg.val_evaluator = dict(
            coco=dict(type="ScoreMetric", scores=[0.5]),
            voc=dict(type="ScoreMetric", scores=[0.25]),
        )
        cfg.test_dataloader = [_loader("CocoToy"), _loader("VocToy")]
        cfg.test_evaluator = [dict(type="ScoreMetric"), dict(type="ToyMetric")]
        cfg.default_hooks = dict(logger=dict(type="LoggerHook", interval=2))
        self.cfg = cfg

    def _log(self, runner) -> str:  # noqa: ANN001
        with open(osp.join(runner.log_dir, f"{runner.timestamp}.log")) as f:
            return f.read()

    # ------------------------------------------------------------------ val
    def test_named_dict_val_gives_prefixed_metrics_of_each_dataset(self) -> None:
        runner = self.build_runner(self.cfg)
        metrics = runner.val()
        assert metrics == {
            "coco/m/acc": 0.5, "coco/m/seen": 12, "coco/m/named": "coco",
            "coco/loss": 1.0, "coco/val_loss": 1.0,
            "voc/m/acc": 0.25, "voc/m/seen": 8, "voc/m/named": "voc",
            "voc/loss": 2.0, "voc/val_loss": 2.0,
        }  # fmt: skip
        group = runner.val_dataloader
        assert isinstance(group, DataLoaderGroup)
        assert group.names == ["coco", "voc"] and len(group) == 3 + 2
        assert isinstance(group["voc"].dataset, VocToy) and group[0] is group["coco"]
        assert set(runner.val_evaluator) == {"coco", "voc"}
        assert runner.val_evaluator["voc"].dataset_meta == VocToy.METAINFO
        log = self._log(runner)
        assert "Epoch(val)[0][4/5]" in log  # progress over the batches of both datasets
        assert "coco/m/acc: 0.5000" in log and "voc/m/acc: 0.2500" in log

    def test_list_names_come_from_the_datasets(self) -> None:
        cfg = copy.deepcopy(self.cfg)
        cfg.val_dataloader = [_loader("VocToy"), _loader("ToyDataset"), _loader("ToyDataset")]
        cfg.val_evaluator = [dict(type="ScoreMetric")] * 3
        runner = self.build_runner(cfg)
        metrics = runner.val()
        assert runner.val_dataloader.names == ["voc", "ToyDataset_1", "ToyDataset_2"]
        assert metrics["voc/m/seen"] == 8 and metrics["ToyDataset_2/m/seen"] == 12
        assert dataset_names([CocoToy(), CocoToy(), VocToy()]) == ["coco_0", "coco_1", "voc"]

    def test_hooks_see_one_validation_over_all_datasets(self) -> None:
        runner = self.build_runner(self.cfg)
        recorder = HookRecorder()
        runner.register_hook(recorder)
        metrics = runner.val()
        iters = [c for c in recorder.calls if isinstance(c, tuple) and isinstance(c[0], int)]
        assert iters == [(0, "coco", CocoToy), (1, "coco", CocoToy), (2, "coco", CocoToy),
                         (3, "voc", VocToy), (4, "voc", VocToy)]  # fmt: skip
        assert recorder.calls[:2] == ["before_val", "before_val_epoch"]
        assert recorder.calls[-2:] == [("after_val_epoch", metrics), "after_val"]
        assert runner.val_loop.dataset_name == "coco"  # the first, outside a run

    def test_one_evaluator_config_is_built_for_each_dataset(self) -> None:
        cfg = copy.deepcopy(self.cfg)
        cfg.val_evaluator = dict(type="ScoreMetric")
        runner = self.build_runner(cfg)
        metrics = runner.val()
        first, second = runner.val_evaluator.values()
        assert first is not second
        assert (metrics["coco/m/seen"], metrics["voc/m/seen"]) == (12, 8)

    def test_a_shared_evaluator_sees_each_dataset_in_turn(self) -> None:
        cfg = copy.deepcopy(self.cfg)
        shared = Evaluator(ScoreMetric())
        cfg.val_evaluator = shared
        cfg.val_dataloader = dict(
            coco=DataLoader(CocoToy(), batch_size=5, collate_fn=_stack),
            voc=DataLoader(VocToy(), batch_size=5, collate_fn=_stack),
        )
        runner = self.build_runner(cfg)
        metrics = runner.val()
        assert (metrics["coco/m/named"], metrics["voc/m/named"]) == ("coco", "voc")
        assert (metrics["coco/m/seen"], metrics["voc/m/seen"]) == (12, 8)
        assert len(runner.val_dataloader) == 3 + 2

    def test_a_built_metric_is_shared_like_an_evaluator(self) -> None:
        cfg = copy.deepcopy(self.cfg)
        cfg.val_evaluator = ScoreMetric()  # a metric object, as one dataset accepts it
        runner = self.build_runner(cfg)
        metrics = runner.val()
        assert (metrics["coco/m/named"], metrics["voc/m/named"]) == ("coco", "voc")
        assert (metrics["coco/m/seen"], metrics["voc/m/seen"]) == (12, 8)

    # ------------------------------------------------------------------ training
    def test_train_validates_every_dataset_and_saves_best_on_a_prefixed_key(self) -> None:
        cfg = copy.deepcopy(self.cfg)
        cfg.train_cfg = dict(by_epoch=True, max_epochs=3, val_interval=1)
        cfg.val_evaluator.voc.scores = [0.2, 0.9, 0.5]
        cfg.default_hooks.checkpoint = dict(
            type="CheckpointHook", interval=1, save_best="voc/m/acc"
        )
        runner = self.build_runner(cfg)
        runner.train()
        work_dir = cfg.work_dir
        assert [osp.basename(p) for p in glob.glob(osp.join(work_dir, "best_*"))] == [
            "best_voc_m_acc_epoch_2.pth"
        ]
        hub = runner.message_hub
        assert hub.get_info("best_score") == 0.9
        assert hub.get_scalar("val/voc/m/acc").current() == 0.5
        assert hub.get_scalar("val/coco/loss").current() == 1.0
        log = self._log(runner)
        assert "The best checkpoint with 0.9000 voc/m/acc at 2 epoch" in log
        assert "Epoch(val) [3][5/5]    coco/m/acc: 0.5000" in log

        # resume and train 2 more epochs, scoring 0.7: the best so far (0.9) is remembered,
        # so no new best file is written (a forgotten best would take 0.7)
        cfg2 = copy.deepcopy(cfg)
        cfg2.train_cfg.max_epochs = 5
        cfg2.val_evaluator.voc.scores = [0.7]
        cfg2.resume = True
        runner2 = self.build_runner(cfg2)
        runner2.train()
        assert runner2.epoch == 5
        assert runner2.message_hub.get_info("best_score") == 0.9
        best = [osp.basename(p) for p in glob.glob(osp.join(work_dir, "best_*"))]
        assert best == ["best_voc_m_acc_epoch_2.pth"]
        assert runner2.message_hub.get_scalar("val/voc/m/acc").current() == 0.7

    def test_save_best_auto_takes_the_first_dataset_first_metric(self) -> None:
        cfg = copy.deepcopy(self.cfg)
        cfg.train_cfg = dict(by_epoch=True, max_epochs=1, val_interval=1)
        cfg.default_hooks.checkpoint = dict(type="CheckpointHook", interval=1, save_best="auto",
                                            rule="greater")  # fmt: skip
        runner = self.build_runner(cfg)
        runner.train()
        assert [osp.basename(p) for p in glob.glob(osp.join(cfg.work_dir, "best_*"))] == [
            "best_coco_m_acc_epoch_1.pth"
        ]

    def test_early_stopping_on_a_prefixed_loss(self) -> None:
        cfg = copy.deepcopy(self.cfg)
        cfg.train_cfg = dict(by_epoch=True, max_epochs=5, val_interval=1)
        cfg.custom_hooks = [dict(type="EarlyStoppingHook", monitor="voc/loss", patience=1)]
        runner = self.build_runner(cfg)
        runner.train()
        assert runner.epoch == 2  # voc/loss stays 2.0: no improvement at the 2nd validation
        assert runner.val_loop.val_loss["loss"].mean() == 2.0  # the last dataset's losses

    def test_plateau_scheduler_steps_once_per_validation_on_a_prefixed_key(self) -> None:
        def final_lr(val_dataloader: dict, monitor: str) -> float:
            cfg = copy.deepcopy(self.cfg)
            cfg.val_dataloader, cfg.val_evaluator = val_dataloader, dict(type="ScoreMetric")
            cfg.train_cfg = dict(by_epoch=True, max_epochs=3, val_interval=1)
            cfg.param_scheduler = dict(
                type="ReduceOnPlateauLR", monitor=monitor, patience=0, factor=0.5
            )
            runner = self.build_runner(cfg)
            runner.train()
            return runner.optim_wrapper.get_lr()["lr"][0]

        # voc/loss stays 2.0, as voc's loss alone does: the lr falls exactly as it does when
        # validating on voc alone (one scheduler step per validation, not one per dataset)
        alone = final_lr(_loader("VocToy"), "loss")
        assert alone < 0.1
        both = final_lr(dict(coco=_loader("CocoToy"), voc=_loader("VocToy")), "voc/loss")
        assert both == alone

    # ------------------------------------------------------------------ test
    def test_test_over_a_list_of_datasets(self) -> None:
        runner = self.build_runner(self.cfg)
        metrics = runner.test()
        assert metrics == {
            "coco/m/acc": 1.0, "coco/m/seen": 12, "coco/m/named": "coco",
            "coco/loss": 1.0, "coco/test_loss": 1.0,
            "voc/acc": 1, "voc/loss": 2.0, "voc/test_loss": 2.0,
        }  # fmt: skip
        assert runner.test_dataloader.names == ["coco", "voc"]
        assert isinstance(runner.test_evaluator["voc"], Evaluator)
        (json_log,) = glob.glob(osp.join(runner.log_dir, "*.json"))
        with open(json_log) as f:
            assert json.load(f)["coco/m/acc"] == 1.0

    # ------------------------------------------------------------------ mistakes
    def test_mismatched_evaluators_fail_at_construction(self) -> None:
        cfg = copy.deepcopy(self.cfg)
        cfg.val_evaluator = [dict(type="ToyMetric")] * 3
        with pytest.raises(ValueError, match=r"val_evaluator is a list of 3 evaluators but "
                           r"val_dataloader has 2 dataloaders named \['coco', 'voc'\]"):  # fmt: skip
            self.build_runner(cfg)
        cfg.val_evaluator = dict(coco=dict(type="ToyMetric"), vox=dict(type="ToyMetric"))
        with pytest.raises(ValueError, match=r"missing: \['voc'\], unknown: \['vox'\]"):
            self.build_runner(cfg)
        cfg.test_evaluator = [dict(type="ToyMetric")]
        cfg.val_evaluator = dict(type="ToyMetric")
        with pytest.raises(ValueError, match="test_evaluator is a list of 1 evaluators but "
                           "test_dataloader is a list of 2 dataloaders"):  # fmt: skip
            self.build_runner(cfg)
        cfg.test_dataloader = []
        with pytest.raises(ValueError, match="test_dataloader is an empty list"):
            self.build_runner(cfg)

    # ------------------------------------------------------------------ one dataset
    def test_one_dataset_keeps_a_list_of_metrics_as_one_evaluator(self) -> None:
        cfg = copy.deepcopy(self.epoch_based_cfg)
        cfg.val_evaluator = [dict(type="ScoreMetric", prefix="a"), dict(type="ToyMetric")]
        runner = self.build_runner(cfg)
        metrics = runner.val()
        assert list(metrics) == ["a/acc", "a/seen", "a/named", "acc"]
        assert isinstance(runner.val_dataloader, DataLoader)
        assert isinstance(runner.val_evaluator, Evaluator)
        assert len(runner.val_evaluator.metrics) == 2
        assert runner.val_loop.dataset_name is None

    def test_what_counts_as_several_dataloaders(self) -> None:
        assert not is_multi_dataloader(_loader("ToyDataset"))
        assert not is_multi_dataloader(dict(coco=dict(batch_size=2)))  # no dataset: one config
        assert is_multi_dataloader(dict(coco=_loader("ToyDataset")))
        assert is_multi_dataloader([_loader("ToyDataset")])


def _stack(batch: list) -> dict:
    return dict(
        inputs=[item["inputs"] for item in batch],
        data_samples=[item["data_samples"] for item in batch],
    )
