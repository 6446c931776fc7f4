"""A Runner trained end to end: determinism, resume, data position, hooks, checkpoints."""

from __future__ import annotations

import copy
import glob
import json
import os.path as osp

import pytest
import torch

from mmengine.hooks import Hook
from mmengine.registry import DATASETS, HOOKS
from mmengine.runner import Runner
from mmengine.testing import RunnerTestCase
from mmengine.testing.runner_test_case import ToyDataset


def _weights(runner: Runner) -> dict[str, torch.Tensor]:
    model = runner.model.module if hasattr(runner.model, "module") else runner.model
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _assert_same_weights(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key


class CountingDataset(ToyDataset):
    """ToyDataset that counts how many samples went through __getitem__ (per process)."""

    calls = 0

    def __getitem__(self, index: int) -> dict:
        CountingDataset.calls += 1
        return super().__getitem__(index)


class RecordingHook(Hook):
    def __init__(self) -> None:
        self.events: list[str] = []

    def before_train_epoch(self, runner) -> None:
        self.events.append(f"before_train_epoch:{runner.epoch}")

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        self.events.append(f"after_train_iter:{runner.iter}")

    def after_val_epoch(self, runner, metrics=None) -> None:
        self.events.append(f"after_val_epoch:{sorted(metrics)}")

    def before_warmup_iter(self, runner, data_batch=None) -> None:
        self.events.append(f"before_warmup_iter:{data_batch}")


class Interrupted(Exception):
    pass


class InterruptAfter(Hook):
    """Simulates a crash right after the checkpoint of a given epoch or iteration."""

    priority = "LOWEST"  # after CheckpointHook (VERY_LOW) has saved

    def __init__(self, epoch: int | None = None, iter: int | None = None) -> None:
        self.epoch, self.iter = epoch, iter

    def after_train_epoch(self, runner) -> None:
        if self.epoch is not None and runner.epoch + 1 == self.epoch:
            raise Interrupted

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        if self.iter is not None and runner.iter + 1 == self.iter:
            raise Interrupted


class TestRunnerEndToEnd(RunnerTestCase):
    def setUp(self) -> None:
        super().setUp()
        DATASETS.register_module(module=CountingDataset, force=True)
        self.epoch_based_cfg.randomness = dict(seed=42)
        self.iter_based_cfg.randomness = dict(seed=42)

    def tearDown(self) -> None:
        DATASETS.module_dict.pop("CountingDataset", None)
        super().tearDown()

    def test_train_val_test_and_artifacts(self) -> None:
        runner = self.build_runner(copy.deepcopy(self.epoch_based_cfg))
        runner.train()
        assert runner.epoch == 2 and runner.iter == 8
        work_dir = self.temp_dir.name
        assert osp.isfile(osp.join(work_dir, "epoch_1.pth"))
        assert osp.isfile(osp.join(work_dir, "epoch_2.pth"))
        with open(osp.join(work_dir, "last_checkpoint")) as f:
            assert f.read().strip().endswith("epoch_2.pth")
        # the log file and the JSON scalars of the run
        assert glob.glob(osp.join(runner.log_dir, "*.log"))
        json_files = glob.glob(osp.join(runner.log_dir, "vis_data", "*.json"))
        assert json_files
        lines = [json.loads(x) for f in json_files for x in open(f) if x.strip()]
        assert any("loss" in rec for rec in lines)
        assert any("acc" in rec for rec in lines)
        metrics = runner.test()
        assert metrics == {"acc": 1}

    def test_same_seed_gives_identical_weights(self) -> None:
        first = self.build_runner(copy.deepcopy(self.epoch_based_cfg))
        first.train()
        w1 = _weights(first)
        self.clear_work_dir()
        second = self.build_runner(copy.deepcopy(self.epoch_based_cfg))
        second.train()
        _assert_same_weights(w1, _weights(second))

    def test_epoch_based_resume_matches_uninterrupted(self) -> None:
        cfg = copy.deepcopy(self.epoch_based_cfg)
        cfg.train_cfg.max_epochs = 4
        cfg.param_scheduler = dict(type="MultiStepLR", milestones=[1, 3], by_epoch=True)
        full = self.build_runner(copy.deepcopy(cfg))
        full.train()
        expected = _weights(full)
        self.clear_work_dir()

        runner = self.build_runner(copy.deepcopy(cfg))
        runner.register_hook(InterruptAfter(epoch=2))
        with pytest.raises(Interrupted):
            runner.train()
        resumed_cfg = copy.deepcopy(cfg)
        resumed_cfg.resume = True  # picks the latest checkpoint in work_dir
        resumed = self.build_runner(resumed_cfg)
        resumed.train()
        assert resumed.epoch == 4
        _assert_same_weights(expected, _weights(resumed))

    def test_resume_compares_metainfo_holding_arrays(self) -> None:
        # mmpose's metainfo holds NumPy arrays (sigmas, joint_weights): comparing it with the
        # checkpoint's must not raise "truth value of an array is ambiguous"
        import logging

        import numpy as np

        meta = dict(classes=("person",), sigmas=np.array([0.26, 0.25]), nested=[np.ones(2)])
        CountingDataset.METAINFO = meta
        try:
            cfg = copy.deepcopy(self.epoch_based_cfg)
            cfg.train_dataloader.dataset = dict(type="CountingDataset")
            cfg.train_cfg.max_epochs = 1
            self.build_runner(copy.deepcopy(cfg)).train()
            ckpt = osp.join(self.temp_dir.name, "epoch_1.pth")
            warning = "dataset metainfo from the resumed checkpoint is different"
            for sigmas, warns in ((np.array([0.26, 0.25]), False), (np.array([0.3, 0.25]), True)):
                CountingDataset.METAINFO = dict(meta, sigmas=sigmas)
                runner = self.build_runner(copy.deepcopy(cfg))
                with self.assertLogs(runner.logger, logging.WARNING) as logs:
                    runner.logger.warning("start")  # assertLogs needs one record
                    runner.resume(ckpt)
                assert any(warning in line for line in logs.output) == warns, logs.output
                assert runner.epoch == 1
        finally:
            CountingDataset.METAINFO = ToyDataset.METAINFO

    def test_iter_based_resume_continues_data_stream_without_replay(self) -> None:
        cfg = copy.deepcopy(self.iter_based_cfg)
        cfg.train_dataloader.dataset = dict(type="CountingDataset")
        cfg.default_hooks.checkpoint = dict(type="CheckpointHook", interval=6, by_epoch=False)
        full = self.build_runner(copy.deepcopy(cfg))
        full.train()
        expected = _weights(full)
        self.clear_work_dir()

        runner = self.build_runner(copy.deepcopy(cfg))
        runner.register_hook(InterruptAfter(iter=6))
        with pytest.raises(Interrupted):
            runner.train()
        CountingDataset.calls = 0
        resumed_cfg = copy.deepcopy(cfg)
        resumed_cfg.resume = True
        resumed = self.build_runner(resumed_cfg)
        resumed.train()
        assert resumed.iter == 12
        # 6 remaining iterations of batch 3, plus the validation set is not configured here:
        # no sample of the first 6 iterations went through the pipeline again.
        assert CountingDataset.calls == 6 * 3
        _assert_same_weights(expected, _weights(resumed))

    def test_hooks_run_in_order_and_custom_points_reach_the_hooks_that_have_them(self) -> None:
        cfg = copy.deepcopy(self.epoch_based_cfg)
        runner = self.build_runner(cfg)
        hook = RecordingHook()
        runner.register_hook(hook, priority="LOWEST")
        assert runner.hooks[-1] is hook
        runner.train()
        assert hook.events[0] == "before_train_epoch:0"
        assert "after_train_iter:3" in hook.events
        assert "after_val_epoch:['acc']" in hook.events
        info = runner.get_hooks_info()
        assert "before_train_epoch:" in info and "RecordingHook" in info
        # compat R3: a custom loop's own stage reaches the hooks defining it, in order
        runner.call_hook("before_warmup_iter", data_batch=7)
        assert hook.events[-1] == "before_warmup_iter:7"
        runner.call_hook("no_hook_has_this")  # nothing happens

    def test_default_hook_can_be_disabled_and_replaced(self) -> None:
        cfg = copy.deepcopy(self.epoch_based_cfg)
        cfg.default_hooks = dict(checkpoint=None, logger=dict(type="LoggerHook", interval=2))
        runner = self.build_runner(cfg)
        names = [type(h).__name__ for h in runner.hooks]
        assert "CheckpointHook" not in names
        assert "LoggerHook" in names and "RuntimeInfoHook" in names

    def test_incomplete_train_config_is_a_clear_error(self) -> None:
        cfg = copy.deepcopy(self.epoch_based_cfg)
        cfg.optim_wrapper = None
        with pytest.raises(ValueError, match="optim_wrapper"):
            self.build_runner(cfg)

    def test_test_only_runner_builds_no_training_data(self) -> None:
        cfg = copy.deepcopy(self.epoch_based_cfg)
        for key in ("train_dataloader", "train_cfg", "optim_wrapper"):
            cfg[key] = None
        cfg.train_dataloader = None
        runner = self.build_runner(cfg)
        assert runner.test() == {"acc": 1}
        assert runner._train_loop is None and runner.epoch == 0

    def test_load_from_loads_weights(self) -> None:
        runner = self.build_runner(copy.deepcopy(self.epoch_based_cfg))
        runner.train()
        trained = _weights(runner)
        cfg = copy.deepcopy(self.epoch_based_cfg)
        cfg.load_from = osp.join(self.temp_dir.name, "epoch_2.pth")
        fresh = self.build_runner(cfg)
        fresh.test()
        _assert_same_weights(trained, _weights(fresh))


@HOOKS.register_module(force=True)
class _NoopHook(Hook):
    pass


def test_priority_ordering_is_stable(tmp_path) -> None:
    case = RunnerTestCase("setUp")
    case.setUp()
    try:
        runner = case.build_runner(copy.deepcopy(case.epoch_based_cfg))
        a, b, c = _NoopHook(), _NoopHook(), _NoopHook()
        runner.register_hook(a, priority="NORMAL")
        runner.register_hook(b, priority="HIGH")
        runner.register_hook(c, priority="NORMAL")
        order = [h for h in runner.hooks if isinstance(h, _NoopHook)]
        assert order == [b, a, c]
        runner.register_hook(dict(type="_NoopHook", priority=5))
        assert isinstance(runner.hooks[0], _NoopHook)
    finally:
        case.tearDown()


def test_import_runner_stays_light() -> None:
    """Importing the runner loads neither matplotlib nor tensorboard (they load on use)."""
    import subprocess
    import sys

    code = (
        "import sys, mmengine.runner; "
        "print(sorted(m for m in ('matplotlib', 'tensorboard', 'sklearn') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
