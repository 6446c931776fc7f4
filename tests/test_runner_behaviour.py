"""Runner behaviours documented upstream: lr scaling, validation schedule, loops by name."""

from __future__ import annotations

import copy

import pytest

from mmengine.hooks import Hook
from mmengine.registry import LOOPS
from mmengine.runner import EpochBasedTrainLoop, Runner
from mmengine.testing import RunnerTestCase


class ValCounter(Hook):
    def __init__(self) -> None:
        self.at: list[int] = []

    def after_val_epoch(self, runner, metrics=None) -> None:
        self.at.append(runner.iter)


@LOOPS.register_module(force=True)
class CountingEpochLoop(EpochBasedTrainLoop):
    runs = 0

    def run_epoch(self) -> None:
        CountingEpochLoop.runs += 1
        super().run_epoch()


class TestRunnerBehaviour(RunnerTestCase):
    def test_auto_scale_lr_scales_by_total_batch_size(self) -> None:
        cfg = copy.deepcopy(self.epoch_based_cfg)
        cfg.auto_scale_lr = dict(base_batch_size=6, enable=True)  # batch 3 x 1 process
        runner = self.build_runner(cfg)
        runner.train()
        assert runner.optim_wrapper.get_lr()["lr"][0] == pytest.approx(0.05)

    def test_auto_scale_lr_disabled_keeps_lr(self) -> None:
        cfg = copy.deepcopy(self.epoch_based_cfg)
        cfg.auto_scale_lr = dict(base_batch_size=6, enable=False)
        runner = self.build_runner(cfg)
        runner.train()
        assert runner.optim_wrapper.get_lr()["lr"][0] == pytest.approx(0.1)

    def test_val_alone(self) -> None:
        cfg = copy.deepcopy(self.epoch_based_cfg)
        runner = self.build_runner(cfg)
        assert runner.val() == {"acc": 1}
        # validation never built the training data: the loop is still its config (R2)
        assert runner._train_loop == cfg.train_cfg

    def test_iter_based_validation_schedule_with_dynamic_intervals(self) -> None:
        cfg = copy.deepcopy(self.iter_based_cfg)
        cfg.train_cfg = dict(
            by_epoch=False, max_iters=12, val_interval=4, dynamic_intervals=[(8, 2)]
        )
        runner = self.build_runner(cfg)
        counter = ValCounter()
        runner.register_hook(counter)
        runner.train()
        # every 4 iterations until iteration 8, then every 2
        assert counter.at == [4, 8, 10, 12]

    def test_val_begin_skips_early_epochs(self) -> None:
        cfg = copy.deepcopy(self.epoch_based_cfg)
        cfg.train_cfg = dict(by_epoch=True, max_epochs=3, val_begin=2, val_interval=1)
        runner = self.build_runner(cfg)
        counter = ValCounter()
        runner.register_hook(counter)
        runner.train()
        assert counter.at == [8, 12]

    def test_loop_built_by_registered_type(self) -> None:
        cfg = copy.deepcopy(self.epoch_based_cfg)
        cfg.train_cfg = dict(type="CountingEpochLoop", max_epochs=2)
        CountingEpochLoop.runs = 0
        runner = self.build_runner(cfg)
        runner.train()
        assert isinstance(runner.train_loop, CountingEpochLoop) and CountingEpochLoop.runs == 2

    def test_type_and_by_epoch_together_is_an_error(self) -> None:
        cfg = copy.deepcopy(self.epoch_based_cfg)
        cfg.train_cfg = dict(type="EpochBasedTrainLoop", by_epoch=True, max_epochs=1)
        runner = self.build_runner(cfg)
        with pytest.raises(RuntimeError, match="Only one of `type` or `by_epoch`"):
            runner.train()

    def test_config_holding_live_objects_still_trains_and_checkpoints(self) -> None:
        import torch

        cfg = copy.deepcopy(self.epoch_based_cfg)
        counter = ValCounter()
        cfg.custom_hooks = [counter]  # an object, not a dict: no Python literal form
        runner = self.build_runner(cfg)
        runner.train()
        (registered,) = [h for h in runner.hooks if isinstance(h, ValCounter)]  # from_cfg copies
        assert registered.at == [4, 8]
        ckpt = torch.load(f"{self.temp_dir.name}/epoch_2.pth", weights_only=True)
        assert "ValCounter" in ckpt["meta"]["cfg"]
        assert "ValCounter" in runner.message_hub.get_info("cfg")

    def test_build_dataloader_from_config(self) -> None:
        loader = Runner.build_dataloader(
            dict(
                dataset=dict(type="ToyDataset"),
                sampler=dict(type="DefaultSampler", shuffle=False),
                batch_size=4,
                num_workers=0,
            ),
            seed=0,
        )
        batch = next(iter(loader))
        # pseudo_collate by default: lists of samples, not stacked tensors
        assert isinstance(batch["inputs"], list) and len(batch["inputs"]) == 4
        assert len(loader) == 3
