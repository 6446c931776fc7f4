"""FlexibleRunner trains with the Runner's loops; the strategy places and wraps the model."""

from __future__ import annotations

import copy
import os
import os.path as osp
import subprocess
import sys
import textwrap
from unittest import mock

import pytest
import torch

from mmengine._strategy import DDPStrategy, DeepSpeedStrategy, SingleDeviceStrategy
from mmengine.runner import FlexibleRunner
from mmengine.testing import RunnerTestCase

_LAUNCH_VARS = ("WORLD_SIZE", "SLURM_NTASKS", "OMPI_COMM_WORLD_LOCAL_RANK")


class TestFlexibleRunner(RunnerTestCase):
    def setUp(self) -> None:
        super().setUp()
        # The launcher is inferred from the environment (compat R10): start from none.
        self._env = mock.patch.dict(os.environ)
        self._env.start()
        for name in _LAUNCH_VARS:
            os.environ.pop(name, None)

    def tearDown(self) -> None:
        self._env.stop()
        super().tearDown()

    def test_launcher_is_inferred_unless_given(self) -> None:
        cfg = copy.deepcopy(self.epoch_based_cfg)
        cfg.experiment_name = self.experiment_name
        assert "launcher" not in cfg
        runner = FlexibleRunner.from_cfg(cfg)
        assert runner.launcher == "none" and isinstance(runner.strategy, SingleDeviceStrategy)
        # An explicit 'none' disables inference even under torchrun's variables.
        os.environ["WORLD_SIZE"] = "1"
        cfg.launcher = "none"
        cfg.experiment_name = self.experiment_name + "_b"
        runner = FlexibleRunner.from_cfg(cfg)
        assert runner.launcher == "none" and not runner.distributed

    def test_single_device_train_save_and_resume(self) -> None:
        cfg = copy.deepcopy(self.epoch_based_cfg)
        cfg.randomness = dict(seed=1)
        cfg.experiment_name = self.experiment_name
        runner = FlexibleRunner.from_cfg(cfg)
        assert isinstance(runner.strategy, SingleDeviceStrategy)
        runner.train()
        assert runner.epoch == 2
        ckpt = torch.load(osp.join(self.temp_dir.name, "epoch_2.pth"), weights_only=True)
        assert set(ckpt["state_dict"]) == {
            "linear1.weight",
            "linear1.bias",
            "linear2.weight",
            "linear2.bias",
        }

        cfg2 = copy.deepcopy(self.epoch_based_cfg)
        cfg2.train_cfg.max_epochs = 3
        cfg2.resume = True
        cfg2.strategy = dict(type="SingleDeviceStrategy")
        cfg2.experiment_name = self.experiment_name
        resumed = FlexibleRunner.from_cfg(cfg2)
        resumed.train()
        assert resumed.epoch == 3

    def test_strategy_errors_are_clear(self) -> None:
        with pytest.raises(RuntimeError, match="process group"):
            DDPStrategy().wrap_model(torch.nn.Linear(1, 1))
        if not _installed("deepspeed"):
            with pytest.raises(ImportError, match="pip install deepspeed"):
                DeepSpeedStrategy()
        cfg = copy.deepcopy(self.epoch_based_cfg)
        cfg.model_wrapper_cfg = dict(type="MMDistributedDataParallel")
        cfg.experiment_name = self.experiment_name
        with pytest.raises(ValueError, match="strategy"):
            FlexibleRunner.from_cfg(cfg)


def _installed(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


DDP_SCRIPT = textwrap.dedent(
    """
    import os, socket, sys
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK="0",
                      WORLD_SIZE="1", LOCAL_RANK="0")
    from mmengine.runner import FlexibleRunner
    from mmengine.testing import RunnerTestCase
    case = RunnerTestCase("setUp"); case.setUp()
    cfg = case.epoch_based_cfg
    cfg.work_dir = sys.argv[1]
    cfg.env_cfg = dict(dist_cfg=dict(backend="gloo"))
    # No launcher and no strategy: torchrun's WORLD_SIZE gives 'pytorch' and DDPStrategy.
    runner = FlexibleRunner.from_cfg(cfg)
    runner.train()
    print("launcher:", runner.launcher, "strategy:", type(runner.strategy).__name__)
    print("wrapped:", type(runner.model).__name__, "epoch:", runner.epoch)
    """
)


def test_ddp_strategy_in_a_real_process_group(tmp_path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", DDP_SCRIPT, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "launcher: pytorch strategy: DDPStrategy" in proc.stdout
    assert "wrapped: MMDistributedDataParallel epoch: 2" in proc.stdout
    ckpt = torch.load(tmp_path / "epoch_2.pth", weights_only=True)
    assert not any(k.startswith("module.") for k in ckpt["state_dict"])


def test_runner_arguments_are_passed_on(tmp_path) -> None:
    """Each argument the Runner also takes reaches ``Runner.__init__`` (a checkpoint given as
    ``resume`` becomes ``load_from`` with ``resume=True``); ``strategy`` and ``compile`` stay."""
    import inspect

    from mmengine.runner import Runner

    flexible = set(inspect.signature(FlexibleRunner.__init__).parameters)
    shared = {name for name in inspect.signature(Runner.__init__).parameters if name in flexible}
    # The strategy reads these too, so they get real values; every other one a marker.
    real = dict(model=mock.sentinel.model, work_dir=str(tmp_path), launcher="none",
                resume=str(tmp_path / "epoch_1.pth"), env_cfg={}, randomness=dict(seed=1),
                log_level="INFO")  # fmt: skip
    markers = {name: object() for name in shared - {"self", "load_from"} - set(real)}
    with mock.patch.object(Runner, "__init__", return_value=None) as runner_init:
        FlexibleRunner(**real, **markers, strategy=SingleDeviceStrategy())
    passed = runner_init.call_args.kwargs
    assert set(passed) == shared - {"self"}
    assert all(passed[name] is value for name, value in markers.items())
    assert passed["model"] is mock.sentinel.model and passed["launcher"] == "none"
    assert passed["load_from"] == real["resume"] and passed["resume"] is True
