"""The strategies' 0.10 API in one process: construction, prepare, checkpoints, compile,
optional back ends, and how FlexibleRunner shares its run with its strategy."""

from __future__ import annotations

import copy
import importlib.util
import itertools
import os
import os.path as osp
from pathlib import Path
from unittest import mock

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from mmengine._strategy import (
    ColossalAIStrategy,
    DeepSpeedStrategy,
    FSDPStrategy,
    SingleDeviceStrategy,
)
from mmengine._strategy import sharded_checkpoint as sharded
from mmengine._strategy.utils import MetaTensorContext
from mmengine.logging import MMLogger
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapper
from mmengine.registry import MODELS
from mmengine.testing import RunnerTestCase
from mmengine.utils import digit_version

# FSDPStrategy and sharded checkpoints save through torch.distributed.checkpoint.state_dict.
needs_dcp_state_dict = pytest.mark.skipif(
    digit_version(torch.__version__) < digit_version("2.2"),
    reason="needs torch >= 2.2 (torch.distributed.checkpoint.state_dict)",
)

_LAUNCH_VARS = ("WORLD_SIZE", "RANK", "SLURM_NTASKS", "OMPI_COMM_WORLD_LOCAL_RANK")


@pytest.fixture(autouse=True)
def _no_launcher_env():
    """Tests here run as one process: no torchrun/srun variables (the launcher is inferred)."""
    with mock.patch.dict(os.environ):
        for name in _LAUNCH_VARS:
            os.environ.pop(name, None)
        yield


class Net(BaseModel):
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(3, 4)
        self.fc2 = nn.Linear(4, 2)

    def forward(self, inputs, labels=None, mode="tensor"):  # noqa: ANN001, ANN201
        logits = self.fc2(torch.relu(self.fc1(inputs)))
        if mode == "loss":
            return dict(loss=F.cross_entropy(logits, labels))
        return logits


BATCH = dict(
    inputs=torch.randn(4, 3, generator=torch.Generator().manual_seed(0)),
    labels=torch.tensor([0, 1, 1, 0]),
)
OPTIM = dict(optimizer=dict(type="AdamW", lr=0.1))
SCHED = [dict(type="MultiStepLR", milestones=[1], by_epoch=True)]
DISPATCH = dict(max_epochs=2, max_iters=8, epoch_length=4)


_names = itertools.count()


def _strategy(tmp_path: Path, **kwargs) -> SingleDeviceStrategy:
    kwargs.setdefault("work_dir", str(tmp_path))
    kwargs.setdefault("experiment_name", f"strategy_test_{next(_names)}")
    return SingleDeviceStrategy(**kwargs)


def test_constructor_arguments_and_properties(tmp_path: Path) -> None:
    strategy = _strategy(
        tmp_path,
        experiment_name="exp",
        env_kwargs=dict(randomness=dict(seed=3, deterministic=False)),
        log_kwargs=dict(log_level="WARNING"),
    )
    assert strategy.work_dir == str(tmp_path)
    assert strategy.experiment_name == f"exp_{strategy.timestamp}"
    assert strategy.log_dir == osp.join(str(tmp_path), strategy.timestamp)
    assert (strategy.launcher, strategy.distributed) == ("none", False)
    assert (strategy.rank, strategy.world_size, strategy.seed) == (0, 1, 3)
    assert strategy.randomness == dict(seed=3, deterministic=False)
    assert torch.initial_seed() == 3
    logger = strategy.logger
    assert isinstance(logger, MMLogger) and logger.instance_name == strategy.experiment_name
    assert osp.isfile(osp.join(strategy.log_dir, f"{strategy.timestamp}.log"))
    # Without experiment_name the run is named by its timestamp.
    unnamed = SingleDeviceStrategy(work_dir=str(tmp_path))
    assert unnamed.experiment_name == unnamed.timestamp


def test_prepare_builds_and_returns_the_components(tmp_path: Path) -> None:
    MODELS.register_module(name="StrategyTestNet", module=Net, force=True)
    try:
        strategy = _strategy(tmp_path)
        model = strategy.prepare(dict(type="StrategyTestNet"))
        assert isinstance(model, Net) and strategy.prepare(Net()) is model  # prepares once
    finally:
        MODELS.module_dict.pop("StrategyTestNet", None)

    strategy = _strategy(tmp_path)
    model, optim_wrapper = strategy.prepare(Net(), optim_wrapper=OPTIM)
    assert isinstance(optim_wrapper, OptimWrapper)
    assert optim_wrapper.optimizer.param_groups[0]["params"][0] is model.fc1.weight

    strategy = _strategy(tmp_path)
    model, optim_wrapper, schedulers = strategy.prepare(
        Net(), optim_wrapper=OPTIM, param_scheduler=SCHED, dispatch_kwargs=DISPATCH
    )
    assert schedulers[0].end == 2  # from dispatch_kwargs' max_epochs
    with pytest.raises(ValueError, match="max_epochs must be specified in default_args"):
        _strategy(tmp_path).prepare(Net(), optim_wrapper=OPTIM, param_scheduler=SCHED)
    with pytest.raises(ValueError, match='"max_iters" must be specified'):
        _strategy(tmp_path).prepare(
            Net(), optim_wrapper=dict(OPTIM, accumulative_counts=2), dispatch_kwargs={}
        )


def test_auto_scale_lr_uses_the_micro_batch_size(tmp_path: Path) -> None:
    strategy = _strategy(tmp_path, auto_scale_lr=dict(base_batch_size=16, enable=True))
    _, optim_wrapper = strategy.prepare(
        Net(), optim_wrapper=OPTIM, dispatch_kwargs=dict(train_micro_batch_size_per_gpu=4)
    )
    assert optim_wrapper.optimizer.param_groups[0]["lr"] == pytest.approx(0.1 * 4 / 16)
    with pytest.raises(KeyError, match="train_micro_batch_size_per_gpu"):
        _strategy(tmp_path, auto_scale_lr=dict(base_batch_size=16, enable=True)).prepare(
            Net(), optim_wrapper=OPTIM
        )


def test_save_load_and_resume_round_trip(tmp_path: Path) -> None:
    strategy = _strategy(tmp_path, env_kwargs=dict(randomness=dict(seed=5)))
    model, optim_wrapper, schedulers = strategy.prepare(
        Net(), optim_wrapper=OPTIM, param_scheduler=SCHED, dispatch_kwargs=DISPATCH
    )
    model.train_step(BATCH, optim_wrapper)
    schedulers[0].step()
    seen = []
    path = str(tmp_path / "ckpt.pth")
    strategy.save_checkpoint(
        path, extra_ckpt=dict(meta=dict(epoch=1, iter=4), note="x"), callback=seen.append
    )
    assert sorted(seen[0]) == ["meta", "note", "optimizer", "param_schedulers", "state_dict"]
    saved = torch.load(path, weights_only=False)
    assert saved["meta"]["seed"] == 5 and saved["meta"]["iter"] == 4 and "mmengine" in saved["meta"]

    other = _strategy(tmp_path, env_kwargs=dict(randomness=dict(seed=9)))
    new_model, new_wrapper, new_schedulers = other.prepare(
        Net(), optim_wrapper=OPTIM, param_scheduler=SCHED, dispatch_kwargs=DISPATCH
    )
    rest = other.resume(path)
    assert sorted(rest) == ["meta", "note"] and rest["note"] == "x"
    for key, value in model.state_dict().items():
        assert torch.equal(new_model.state_dict()[key], value)
    assert new_wrapper.state_dict()["state"][0]["exp_avg"].equal(
        optim_wrapper.state_dict()["state"][0]["exp_avg"]
    )
    assert new_schedulers[0].last_step == schedulers[0].last_step == 1
    assert other.seed == 5  # the checkpoint's seed wins (with a warning)

    plain = _strategy(tmp_path)
    plain.prepare(Net())
    rest = plain.load_checkpoint(path)
    assert "state_dict" not in rest and "optimizer" in rest
    assert torch.equal(plain.model.fc1.weight, model.fc1.weight)

    # load_or_resume(resume=True) follows work_dir/last_checkpoint
    assert _strategy(tmp_path).load_or_resume(resume=True) is None
    (tmp_path / "last_checkpoint").write_text(path)
    again = _strategy(tmp_path)
    again.prepare(Net(), optim_wrapper=OPTIM)
    assert again.load_or_resume(resume=True)["meta"]["epoch"] == 1


def test_compile_passes_its_options_to_torch_compile(tmp_path: Path) -> None:
    calls = []

    def fake_compile(fn, **kwargs):  # noqa: ANN001, ANN202
        calls.append((fn, kwargs))
        return fn

    model = Net()
    forward = model.forward
    with mock.patch("torch.compile", side_effect=fake_compile):
        _strategy(tmp_path).prepare(model, compile=dict(backend="eager", dynamic=False))
        assert _strategy(tmp_path).prepare(Net(), compile=False) is not None
    assert calls == [(forward, dict(backend="eager", dynamic=False))]
    assert "forward" in vars(model)  # train_step, val_step and test_step all call it


class TestFlexibleRunnerWithStrategies(RunnerTestCase):
    def setUp(self) -> None:
        super().setUp()
        self._env = mock.patch.dict(os.environ)
        self._env.start()
        for name in _LAUNCH_VARS:
            os.environ.pop(name, None)

    def tearDown(self) -> None:
        self._env.stop()
        super().tearDown()

    def test_the_strategy_shares_the_runs_logger_and_names(self) -> None:
        from mmengine.runner import FlexibleRunner

        cfg = copy.deepcopy(self.epoch_based_cfg)
        cfg.experiment_name = self.experiment_name
        cfg.strategy = dict(type="SingleDeviceStrategy")
        runner = FlexibleRunner.from_cfg(cfg)
        strategy = runner.strategy
        assert strategy.work_dir == runner.work_dir
        assert strategy.logger is runner.logger
        assert (strategy.timestamp, strategy.experiment_name, strategy.log_dir) == (
            runner.timestamp,
            runner.experiment_name,
            runner.log_dir,
        )
        assert strategy.seed == runner.seed
        stamps = [d for d in os.listdir(runner.work_dir) if osp.isdir(osp.join(runner.work_dir, d))]
        assert stamps == [runner.timestamp]  # one run, one log directory

    def test_compile_covers_train_val_and_test(self) -> None:
        from mmengine.runner import FlexibleRunner

        cfg = copy.deepcopy(self.epoch_based_cfg)
        cfg.experiment_name = self.experiment_name
        cfg.train_cfg.max_epochs = 1
        cfg.compile = dict(backend="eager")
        runner = FlexibleRunner.from_cfg(cfg)
        compiled = runner.model.forward
        assert getattr(compiled, "_torchdynamo_orig_callable", None) is not None
        runner.train()
        runner.val()
        runner.test()
        assert runner.model.forward is compiled


def test_fsdp_strategy_on_a_torch_without_dcp_state_dict_names_the_release(monkeypatch):
    import sys

    # torch 2.1 has no torch.distributed.checkpoint.state_dict (a None entry: ImportError)
    monkeypatch.setitem(sys.modules, "torch.distributed.checkpoint.state_dict", None)
    with pytest.raises(ImportError, match=r"FSDPStrategy needs torch >= 2\.2.*DDPStrategy"):
        FSDPStrategy()


@needs_dcp_state_dict
def test_fsdp_state_dict_cfg_and_versions(tmp_path: Path) -> None:
    def build(**kwargs) -> FSDPStrategy:
        return FSDPStrategy(
            work_dir=str(tmp_path), experiment_name=f"fsdp_{next(_names)}", **kwargs
        )

    assert build().state_dict_type == "sharded" and build().fsdp_version == 1
    assert build(state_dict_cfg="full").state_dict_type == "full"
    upstream_form = dict(
        state_dict_type="FULL_STATE_DICT",
        state_dict_config=dict(type="FullStateDictConfig", offload_to_cpu=True, rank0_only=True),
    )
    assert build(state_dict_cfg=upstream_form).state_dict_type == "full"
    assert build(state_dict_cfg=dict(state_dict_type="LOCAL_STATE_DICT")).state_dict_type == (
        "sharded"
    )
    strategy = build(state_dict_cfg=dict(state_dict_type="sharded", async_save=True))
    assert strategy.async_save
    assert build(model_wrapper=dict(type="MMFSDP2")).fsdp_version == 2
    with pytest.raises(ValueError, match="unknown state dict type"):
        build(state_dict_cfg="everything")
    with pytest.raises(ValueError, match="async_save=True needs sharded"):
        build(state_dict_cfg=dict(state_dict_type="full", async_save=True))
    with pytest.raises(ValueError, match="fsdp_version should be 1 or 2"):
        build(fsdp_version=3)


@needs_dcp_state_dict
def test_fsdp_in_one_process_trains_the_plain_model(tmp_path: Path) -> None:
    strategy = FSDPStrategy(fsdp_version=2, work_dir=str(tmp_path), experiment_name="fsdp_one")
    model, optim_wrapper = strategy.prepare(Net(), optim_wrapper=OPTIM)
    assert type(model) is Net  # nothing to shard over
    model.train_step(BATCH, optim_wrapper)
    strategy.save_checkpoint(str(tmp_path / "one.pth"))
    assert torch.equal(
        torch.load(tmp_path / "one.pth")["state_dict"]["fc1.weight"], model.fc1.weight
    )


@needs_dcp_state_dict
@pytest.mark.parametrize("async_save", [False, True])
def test_sharded_checkpoint_in_one_process(tmp_path: Path, async_save: bool) -> None:
    torch.manual_seed(0)
    model = Net()
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9))
    model.train_step(BATCH, wrapper)
    path = str(tmp_path / "sharded.pth")
    sharded.save(path, model, [(None, wrapper)], dict(meta=dict(iter=1)), async_save=async_save)
    sharded.wait_for_pending_save()
    assert sharded.is_sharded_checkpoint(path) and not osp.exists(path + ".tmp")

    fresh = Net()
    fresh_wrapper = OptimWrapper(torch.optim.SGD(fresh.parameters(), lr=0.1, momentum=0.9))
    rest = sharded.load(path, fresh, [(None, fresh_wrapper)])
    assert rest == dict(meta=dict(iter=1))
    assert all(torch.equal(fresh.state_dict()[k], v) for k, v in model.state_dict().items())
    buf = fresh_wrapper.optimizer.state[fresh.fc1.weight]["momentum_buffer"]
    assert torch.equal(buf, wrapper.optimizer.state[model.fc1.weight]["momentum_buffer"])

    class Other(Net):
        def __init__(self) -> None:
            super().__init__()
            self.extra = nn.Linear(1, 1)

    with pytest.raises(RuntimeError, match="missing keys in source state_dict: extra.bias"):
        sharded.load(path, Other(), strict=True)
    with pytest.raises(FileNotFoundError, match="is not a sharded checkpoint"):
        sharded.load(str(tmp_path / "nothing"), fresh)


def test_meta_tensor_context_allocates_nothing() -> None:
    with MetaTensorContext():
        layer = nn.Linear(1000, 1000)
    assert layer.weight.is_meta and layer.bias.is_meta
    assert not nn.Linear(2, 2).weight.is_meta


@pytest.mark.skipif(importlib.util.find_spec("deepspeed") is not None, reason="installed")
def test_deepspeed_missing_says_how_to_install(tmp_path: Path) -> None:
    with pytest.raises(ImportError, match="pip install deepspeed"):
        DeepSpeedStrategy(work_dir=str(tmp_path), zero_optimization=dict(stage=2))
    with pytest.raises(AssertionError):  # what 0.10 raised
        DeepSpeedStrategy(work_dir=str(tmp_path), zero_optimization=dict(stage=2))


DEEPSPEED_SCRIPT = """
import os, sys, torch
import torch.nn.functional as F
from torch import nn
from mmengine.model import BaseModel
from mmengine._strategy import DeepSpeedStrategy

class Net(BaseModel):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(3, 4), nn.Linear(4, 2)
    def forward(self, inputs, labels=None, mode="tensor"):
        logits = self.fc2(torch.relu(self.fc1(inputs)))
        return dict(loss=F.cross_entropy(logits, labels)) if mode == "loss" else logits

work_dir, stage = sys.argv[1], int(sys.argv[2])
strategy = DeepSpeedStrategy(
    work_dir=work_dir, zero_optimization=dict(stage=stage), train_micro_batch_size_per_gpu=4,
    env_kwargs=dict(dist_cfg=dict(backend="nccl" if torch.cuda.is_available() else "gloo")),
)
model, optim_wrapper = strategy.prepare(
    Net(), optim_wrapper=dict(type="DeepSpeedOptimWrapper", optimizer=dict(type="AdamW", lr=0.1))
)
device = "cuda" if torch.cuda.is_available() else "cpu"
batch = dict(inputs=torch.randn(4, 3, device=device), labels=torch.tensor([0, 1, 1, 0], device=device))
model.train_step(batch, optim_wrapper)
path = os.path.join(work_dir, "ds.pth")
strategy.save_checkpoint(path, extra_ckpt=dict(meta=dict(iter=1)))
saved = {k: v.clone() for k, v in strategy.model_state_dict().items()}
model.train_step(batch, optim_wrapper)
rest = strategy.resume(path)
now = strategy.model_state_dict()
assert rest["meta"]["iter"] == 1 and all(torch.equal(now[k], v) for k, v in saved.items())
# weights only, from the DeepSpeed directory (ZeRO-3 gathers them from the tag directory)
model.train_step(batch, optim_wrapper)
strategy.load_checkpoint(path)
now = strategy.model_state_dict()
assert all(torch.equal(now[k], v) for k, v in saved.items()), "load_checkpoint(dir)"
# weights from a plain file: ZeRO's fp32 copy follows them, so a step starts from them
plain = {k: v.float() + 5.0 for k, v in saved.items()}
torch.save(dict(state_dict=plain), os.path.join(work_dir, "plain.pth"))
strategy.load_checkpoint(os.path.join(work_dir, "plain.pth"))
model.train_step(batch, optim_wrapper)
now = strategy.model_state_dict()
moved = max((now[k].float() - plain[k]).abs().max().item() for k in plain)
assert moved < 0.5, f"a step after loading moved the weights by {moved}: stale fp32 copy"
print("DEEPSPEED OK", type(optim_wrapper.optimizer).__name__)
"""


@pytest.mark.skipif(importlib.util.find_spec("deepspeed") is None, reason="needs deepspeed")
@pytest.mark.parametrize("stage", [2, 3])
def test_deepspeed_trains_saves_and_resumes(tmp_path: Path, stage: int) -> None:
    """ZeRO-2/3 with DeepSpeed's engine: on a GPU, or on the CPU (DS_ACCELERATOR=cpu)."""
    import socket
    import subprocess
    import sys

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(
        os.environ,
        MASTER_ADDR="127.0.0.1",
        MASTER_PORT=str(port),
        RANK="0",
        LOCAL_RANK="0",
        WORLD_SIZE="1",
        LOCAL_WORLD_SIZE="1",
    )
    if not torch.cuda.is_available():
        env["DS_ACCELERATOR"] = "cpu"
    proc = subprocess.run(
        [sys.executable, "-c", DEEPSPEED_SCRIPT, str(tmp_path), str(stage)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-5000:]
    assert "DEEPSPEED OK DeepSpeedZeroOptimizer" in proc.stdout
    # 0.10's layout: the checkpoint path is DeepSpeed's tag directory (no `latest` file)
    assert (tmp_path / "ds.pth").is_dir() and not (tmp_path / "ds.pth" / "latest").exists()
    assert list((tmp_path / "ds.pth").glob("*model_states.pt"))


def test_colossalai_says_why_it_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(ImportError, match=r"torch>=2\.2,<=2\.5\.1.*FSDPStrategy"):
        ColossalAIStrategy(work_dir=str(tmp_path))


@pytest.mark.skipif(
    not hasattr(__import__("torch.distributed.fsdp").distributed.fsdp, "fully_shard"),
    reason="FSDP2 needs torch >= 2.6",
)
def test_mmfsdp2_is_buildable_by_name_and_needs_a_process_group() -> None:
    from mmengine._strategy.fsdp import _build_mmfsdp2
    from mmengine.model.wrappers.fully_sharded_distributed import MMFSDP2
    from mmengine.registry import MODEL_WRAPPERS

    assert MODEL_WRAPPERS.get("MMFSDP2") is MMFSDP2  # the stand-in was replaced on import
    with pytest.raises(RuntimeError, match="needs an initialised process group"):
        _build_mmfsdp2(module=Net())  # what a Runner config naming it builds first
    with pytest.raises(RuntimeError, match="needs an initialised process group"):
        MODEL_WRAPPERS.build(
            dict(type="MMFSDP2", shard_modules=["Linear"]), default_args=dict(module=Net())
        )


@needs_dcp_state_dict
def test_sharded_checkpoint_of_an_optim_wrapper_dict(tmp_path: Path) -> None:
    from mmengine.optim import OptimWrapperDict

    def build() -> tuple[Net, OptimWrapperDict]:
        torch.manual_seed(0)
        model = Net()
        wrappers = OptimWrapperDict(
            first=OptimWrapper(torch.optim.SGD(model.fc1.parameters(), lr=0.1, momentum=0.9)),
            second=OptimWrapper(torch.optim.Adam(model.fc2.parameters(), lr=0.01)),
        )
        return model, wrappers

    model, wrappers = build()
    loss = model(**BATCH, mode="loss")["loss"]
    loss.backward()
    for wrapper in wrappers.values():
        wrapper.step()
    path = str(tmp_path / "two.pth")
    sharded.save(path, model, sharded.optimizers_of(wrappers), dict(meta=dict(iter=1)))

    fresh, fresh_wrappers = build()
    sharded.load(path, fresh, sharded.optimizers_of(fresh_wrappers))
    assert torch.equal(
        fresh_wrappers["second"].optimizer.state[fresh.fc2.weight]["exp_avg"],
        wrappers["second"].optimizer.state[model.fc2.weight]["exp_avg"],
    )
    # consolidated: one Optimizer.state_dict() per name, as OptimWrapperDict.state_dict() gives
    checkpoint = sharded.consolidate(path, str(tmp_path / "two_full.pth"))
    assert sorted(checkpoint["optimizer"]) == ["first", "second"]
    plain, plain_wrappers = build()
    plain_wrappers.load_state_dict(checkpoint["optimizer"])
    assert torch.equal(
        plain_wrappers["first"].optimizer.state[plain.fc1.weight]["momentum_buffer"],
        wrappers["first"].optimizer.state[model.fc1.weight]["momentum_buffer"],
    )


def test_auto_scale_lr_scales_by_the_real_batch_size_and_needs_a_base(tmp_path: Path) -> None:
    strategy = _strategy(tmp_path, auto_scale_lr=dict(enable=True, base_batch_size=4))
    _, optim_wrapper = strategy.prepare(
        Net(), optim_wrapper=OPTIM, dispatch_kwargs=dict(train_micro_batch_size_per_gpu=2)
    )
    base_lr = OPTIM["optimizer"]["lr"]
    assert optim_wrapper.get_lr()["lr"][0] == pytest.approx(base_lr * 2 / 4)  # 1 process x 2
    missing = _strategy(tmp_path, auto_scale_lr=dict(enable=True))
    with pytest.raises(AssertionError, match="^Lack of `base_batch_size` in `auto_scale_lr`"):
        missing.prepare(
            Net(), optim_wrapper=OPTIM, dispatch_kwargs=dict(train_micro_batch_size_per_gpu=2)
        )
