"""The runner's TrainState: one set of counters, advanced by the loop, saved and restored."""

from __future__ import annotations

import copy
import os.path as osp

import torch

from mmengine.hooks import Hook
from mmengine.registry import LOOPS
from mmengine.runner import BaseLoop, Runner
from mmengine.runner.state import TrainState
from mmengine.testing import RunnerTestCase


class SeenCounters(Hook):
    """Records (runner.epoch, runner.iter, loop's view) at each train iteration's end."""

    def __init__(self) -> None:
        self.seen: list[tuple[int, int, int]] = []

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        self.seen.append((runner.epoch, runner.iter, runner.train_loop.state.iter))


@LOOPS.register_module(force=True)
class OwnCountersLoop(BaseLoop):
    """A 0.10-style custom loop that keeps its own counters (no TrainState)."""

    def __init__(self, runner, dataloader, max_epochs: int = 1) -> None:
        super().__init__(runner, dataloader)
        self._epoch, self._iter, self._max_epochs = 0, 0, max_epochs
        self._max_iters = max_epochs * len(self.dataloader)

    epoch = property(lambda self: self._epoch)
    iter = property(lambda self: self._iter)
    max_epochs = property(lambda self: self._max_epochs)
    max_iters = property(lambda self: self._max_iters)

    def run(self):
        self.runner.call_hook("before_train")
        for _ in range(self._max_epochs):
            for batch in self.dataloader:
                self.runner.model.train_step(batch, optim_wrapper=self.runner.optim_wrapper)
                self._iter += 1
            self._epoch += 1
        self.runner.call_hook("after_train")
        return self.runner.model


class TestTrainState(RunnerTestCase):
    def test_reading_counters_builds_nothing(self) -> None:
        cfg = copy.deepcopy(self.epoch_based_cfg)
        runner = self.build_runner(cfg)
        assert (runner.epoch, runner.iter) == (0, 0)
        assert isinstance(runner._train_loop, dict)  # the train data was not built
        assert runner.train_state == TrainState()

    def test_the_loop_advances_the_runner_state(self) -> None:
        cfg = copy.deepcopy(self.epoch_based_cfg)
        cfg.train_cfg.max_epochs = 2
        runner = self.build_runner(cfg)
        seen = SeenCounters()
        runner.register_hook(seen)
        runner.train()
        loop = runner.train_loop
        assert loop.state is runner.train_state
        per_epoch = len(runner.train_dataloader)
        state = runner.train_state
        assert (state.epoch, state.iter) == (2, 2 * per_epoch)
        assert (state.max_epochs, state.max_iters) == (2, 2 * per_epoch)
        assert (loop.epoch, loop.iter, loop._epoch, loop._iter) == (2, 2 * per_epoch) * 2
        # hooks see one set of counters: the iteration is counted after its hooks
        assert seen.seen[0] == (0, 0, 0)
        assert seen.seen[per_epoch] == (1, per_epoch, per_epoch)

    def test_checkpoints_save_and_resume_restores_the_state(self) -> None:
        cfg = copy.deepcopy(self.epoch_based_cfg)
        cfg.train_cfg.max_epochs = 2
        runner = self.build_runner(cfg)
        runner.train()
        per_epoch = len(runner.train_dataloader)
        saved = torch.load(osp.join(runner.work_dir, "epoch_1.pth"), weights_only=False)
        assert (saved["meta"]["epoch"], saved["meta"]["iter"]) == (1, per_epoch)

        cfg2 = copy.deepcopy(self.epoch_based_cfg)
        cfg2.train_cfg.max_epochs = 2
        cfg2.work_dir = runner.work_dir
        cfg2.experiment_name = runner.experiment_name + "_resumed"
        cfg2.load_from, cfg2.resume = osp.join(runner.work_dir, "epoch_1.pth"), True
        resumed = Runner.from_cfg(cfg2)
        resumed._build_for_training()
        resumed.load_or_resume()
        assert (resumed.epoch, resumed.iter) == (1, per_epoch)
        assert resumed.train_loop.epoch == 1
        assert resumed.load_plan.done and resumed._has_loaded

    def test_a_direct_save_counts_the_running_step_as_0_10_does(self) -> None:
        cfg = copy.deepcopy(self.epoch_based_cfg)
        runner = self.build_runner(cfg)
        runner.train()
        state = runner.train_state
        runner.save_checkpoint(runner.work_dir, "by_epoch.pth")
        runner.save_checkpoint(runner.work_dir, "by_iter.pth", by_epoch=False)
        by_epoch = torch.load(osp.join(runner.work_dir, "by_epoch.pth"), weights_only=False)
        by_iter = torch.load(osp.join(runner.work_dir, "by_iter.pth"), weights_only=False)
        assert (by_epoch["meta"]["epoch"], by_epoch["meta"]["iter"]) == (
            state.epoch + 1,
            state.iter,
        )
        assert (by_iter["meta"]["epoch"], by_iter["meta"]["iter"]) == (state.epoch, state.iter + 1)

    def test_a_custom_loop_keeps_its_own_counters(self) -> None:
        cfg = copy.deepcopy(self.epoch_based_cfg)
        cfg.train_cfg = dict(type="OwnCountersLoop", max_epochs=2)
        runner = self.build_runner(cfg)
        runner.train()
        per_epoch = len(runner.train_dataloader)
        assert (runner.epoch, runner.iter) == (2, 2 * per_epoch)
        assert runner.max_iters == 2 * per_epoch
        assert runner.train_state == TrainState()  # the runner's state was not used

    def test_a_loop_built_apart_keeps_its_own_state(self) -> None:
        cfg = copy.deepcopy(self.epoch_based_cfg)
        cfg.train_cfg.max_epochs = 2
        runner = self.build_runner(cfg)
        per_epoch = len(runner.train_dataloader)  # builds (and adopts) the train loop
        other = runner.build_train_loop(dict(by_epoch=False, max_iters=3))
        assert other.state is not runner.train_state
        assert (runner.max_epochs, runner.max_iters) == (2, 2 * per_epoch)
        assert (other.max_epochs, other.max_iters) == (1, 3)
        runner.train()
        assert runner.iter == 2 * per_epoch and other.iter == 0

    def test_load_plan_is_0_10s_private_names(self) -> None:
        cfg = copy.deepcopy(self.epoch_based_cfg)
        runner = self.build_runner(cfg)
        assert (runner._load_from, runner._resume, runner._has_loaded) == (None, False, False)
        runner._load_from = "x.pth"  # tools set it, as on 0.10
        assert runner.load_plan.load_from == "x.pth"
        assert runner._randomness_cfg is runner.randomness
