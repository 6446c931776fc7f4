"""Runners started in the same second under the same name do not share logger, hub, log dir."""

from __future__ import annotations

import copy
import os.path as osp
from unittest import mock

from mmengine.logging import MessageHub
from mmengine.runner import Runner
from mmengine.testing import RunnerTestCase


class TestRunNames(RunnerTestCase):
    def test_same_second_same_name_gets_its_own_logger_hub_and_log_dir(self) -> None:
        cfg = copy.deepcopy(self.epoch_based_cfg)
        cfg.experiment_name = "sweep"
        with mock.patch("time.time", return_value=1_790_000_000.0):  # one second for both
            first = Runner.from_cfg(copy.deepcopy(cfg))
            first.message_hub.update_scalar("train/loss", 5.0)
            second = Runner.from_cfg(copy.deepcopy(cfg))
        assert first.experiment_name == f"sweep_{first.timestamp}"
        assert second.experiment_name == f"sweep_{first.timestamp}_2"
        assert second.timestamp == f"{first.timestamp}_2"
        assert second.experiment_name == f"sweep_{second.timestamp}"
        assert second.message_hub is not first.message_hub
        assert "train/loss" not in second.message_hub.log_scalars  # not the first run's
        assert second.logger is not first.logger and second.visualizer is not first.visualizer
        assert second.log_dir != first.log_dir and osp.isdir(second.log_dir)
        assert MessageHub.get_current_instance() is second.message_hub
        second.train()
        log = osp.join(second.log_dir, f"{second.timestamp}.log")
        assert osp.isfile(log) and "Epoch(train)" in open(log).read()
        assert not osp.isfile(osp.join(first.log_dir, f"{second.timestamp}.log"))
