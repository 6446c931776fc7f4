"""Paths of the strategies' checkpoint and building code that the broader strategy tests do
not reach: sharded loads that fall back or refuse, and the optimizer wrapper and scheduler
configs that BaseStrategy builds (all in one process)."""

from __future__ import annotations

import logging
import os
from collections import OrderedDict
from pathlib import Path
from unittest import mock

import pytest
import torch
from torch import nn

from mmengine._strategy import SingleDeviceStrategy
from mmengine._strategy import sharded_checkpoint as sharded
from mmengine.optim import OptimWrapper, OptimWrapperDict
from mmengine.utils import digit_version

# FSDPStrategy and sharded checkpoints save through torch.distributed.checkpoint.state_dict.
needs_dcp_state_dict = pytest.mark.skipif(
    digit_version(torch.__version__) < digit_version("2.2"),
    reason="needs torch >= 2.2 (torch.distributed.checkpoint.state_dict)",
)

_LAUNCH_VARS = ("WORLD_SIZE", "RANK", "SLURM_NTASKS", "OMPI_COMM_WORLD_LOCAL_RANK")


@pytest.fixture(autouse=True)
def _no_launcher_env():
    with mock.patch.dict(os.environ):
        for name in _LAUNCH_VARS:
            os.environ.pop(name, None)
        yield


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append((record.levelno, record.getMessage()))


def _logger() -> tuple[logging.Logger, _Records]:
    logger = logging.getLogger(f"test_strategy_split_helpers.{id(object())}")
    logger.propagate = False
    handler = _Records()
    logger.addHandler(handler)
    return logger, handler


def _sgd(model: nn.Module) -> OptimWrapper:
    return OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9))


def _step(model: nn.Linear, wrapper: OptimWrapper) -> None:
    wrapper.update_params(model(torch.ones(2, 3)).sum())


@needs_dcp_state_dict
def test_weights_only_sharded_checkpoint_loads_weights_and_says_so(tmp_path: Path) -> None:
    torch.manual_seed(0)
    model = nn.Linear(3, 2)
    path = str(tmp_path / "weights.pth")
    sharded.save(path, model, None, dict(meta=dict(epoch=2)))

    fresh = nn.Linear(3, 2)
    wrapper = _sgd(fresh)
    logger, records = _logger()
    rest = sharded.load(path, fresh, [(None, wrapper)], logger=logger)
    assert rest == dict(meta=dict(epoch=2))
    assert torch.equal(fresh.weight, model.weight) and torch.equal(fresh.bias, model.bias)
    assert wrapper.optimizer.state_dict()["state"] == {}  # nothing loaded into it
    assert (
        logging.WARNING,
        f"{path} holds no optimizer state: only the weights are loaded",
    ) in records.messages


@needs_dcp_state_dict
def test_sharded_load_refuses_other_optimizer_names(tmp_path: Path) -> None:
    torch.manual_seed(0)
    model = nn.Linear(3, 2)
    wrapper = _sgd(model)
    _step(model, wrapper)
    path = str(tmp_path / "named.pth")
    sharded.save(path, model, [("generator", wrapper)], {})

    fresh = nn.Linear(3, 2)
    with pytest.raises(ValueError) as info:
        sharded.load(path, fresh, [("discriminator", _sgd(fresh))])
    assert str(info.value) == (
        f"The optimizer wrappers ['discriminator'] differ from those saved in {path} "
        "(['generator']): resume with the same optim_wrapper config, or resume_optimizer=False"
    )


@needs_dcp_state_dict
def test_non_strict_sharded_load_reports_and_loads_what_matches(tmp_path: Path) -> None:
    torch.manual_seed(0)
    saved = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    path = str(tmp_path / "two.pth")
    seen_on_save: list[set] = []

    def add_note(checkpoint: dict) -> None:
        seen_on_save.append(set(checkpoint))
        checkpoint["note"] = "from the callback"

    sharded.save(path, saved, None, dict(meta={}), callback=add_note)
    assert seen_on_save == [{"meta", "state_dict"}]

    # keys 0.* and 2.*: 2.* is missing from the checkpoint, its 1.* unexpected
    other = nn.Sequential(OrderedDict([("0", nn.Linear(3, 4)), ("2", nn.Linear(2, 1))]))
    own = other.get_submodule("2").weight.detach().clone()
    seen_on_load: list[set] = []
    logger, records = _logger()
    rest = sharded.load(
        path, other, logger=logger, callback=lambda ckpt: seen_on_load.append(set(ckpt))
    )
    assert rest == dict(meta={}, note="from the callback")
    assert seen_on_load == [{"meta", "note", "state_dict"}]
    assert torch.equal(other[0].weight, saved[0].weight)
    assert torch.equal(other.get_submodule("2").weight, own)  # kept: nothing to load it from
    assert (
        logging.WARNING,
        f"The model and the sharded checkpoint {path} differ:\n"
        "unexpected key in source state_dict: 1.bias, 1.weight\n"
        "missing keys in source state_dict: 2.bias, 2.weight",
    ) in records.messages


@needs_dcp_state_dict
def test_sharded_save_keeps_a_whole_directory_when_overwritten(tmp_path: Path) -> None:
    model = nn.Linear(3, 2)
    path = str(tmp_path / "again.pth")
    sharded.save(path, model, None, dict(meta=dict(iter=1)))
    sharded.save(path, model, None, dict(meta=dict(iter=2)))
    assert sharded.read_extra_state(path)["meta"] == dict(iter=2)
    assert sorted(os.listdir(tmp_path)) == ["again.pth"]  # no .tmp or .old left


def _prepared(tmp_path: Path, model: nn.Module) -> SingleDeviceStrategy:
    strategy = SingleDeviceStrategy(work_dir=str(tmp_path), experiment_name=tmp_path.name)
    strategy.prepare(model)
    return strategy


def test_build_optim_wrapper_accepts_a_dict_of_built_wrappers_only(tmp_path: Path) -> None:
    model = nn.Linear(3, 2)
    strategy = _prepared(tmp_path, model)
    gen, disc = _sgd(model), _sgd(model)
    built = strategy.build_optim_wrapper(dict(gen=gen, disc=disc))
    assert isinstance(built, OptimWrapperDict)
    assert built["gen"] is gen and built["disc"] is disc
    with pytest.raises(ValueError, match='each item mush be an optimizer object when "type"'):
        strategy.build_optim_wrapper(dict(gen=gen, disc="SGD"))
    with pytest.raises(TypeError, match="optimizer wrapper should be an OptimWrapper object"):
        strategy.build_optim_wrapper(["SGD"])
    plain = torch.optim.SGD(model.parameters(), lr=0.5)
    wrapped = strategy.build_optim_wrapper(plain)
    assert type(wrapped) is OptimWrapper and wrapped.optimizer is plain


def test_schedulers_per_optimizer_and_their_state(tmp_path: Path) -> None:
    model = nn.Linear(3, 2)
    strategy = _prepared(tmp_path, model)
    wrappers = OptimWrapperDict(gen=_sgd(model), disc=_sgd(model))
    strategy.optim_wrapper = wrappers
    schedulers = strategy.build_param_scheduler(
        dict(
            gen=dict(type="MultiStepLR", milestones=[1], by_epoch=False),
            disc=[dict(type="ConstantLR", factor=0.5, by_epoch=False)],
        ),
        wrappers,
        default_args=dict(max_iters=4),
    )
    assert sorted(schedulers) == ["disc", "gen"]
    assert [s.end for s in schedulers["gen"]] == [4]  # `end` from max_iters
    strategy.param_schedulers = schedulers
    _step(model, wrappers["gen"])
    schedulers["gen"][0].step()
    state = strategy.scheduler_state_dict()
    assert state["gen"][0]["last_step"] == 1 and state["disc"][0]["last_step"] == 0

    fresh = strategy.build_param_scheduler(
        dict(
            gen=dict(type="MultiStepLR", milestones=[1], by_epoch=False),
            disc=[dict(type="ConstantLR", factor=0.5, by_epoch=False)],
        ),
        wrappers,
        default_args=dict(max_iters=4),
    )
    strategy.param_schedulers = fresh
    strategy.load_scheduler_state_dict(state)
    assert fresh["gen"][0].last_step == 1

    with pytest.raises(ValueError, match="epoch_length must be specified in default_args"):
        strategy.build_param_scheduler(
            dict(type="ConstantLR", convert_to_iter_based=True),
            wrappers["gen"],
            default_args=dict(max_epochs=2),
        )
    with pytest.raises(TypeError, match="scheduler should be a _ParamScheduler object or dict"):
        strategy.build_param_scheduler(["ConstantLR"], wrappers["gen"], default_args={})


def test_checkpoint_meta_and_runtime_env(tmp_path: Path) -> None:
    strategy = SingleDeviceStrategy(
        work_dir=str(tmp_path),
        experiment_name=tmp_path.name,
        env_kwargs=dict(randomness=dict(seed=7, deterministic=False)),
    )
    extra = strategy._checkpoint_meta(dict(meta=dict(epoch=3), message_hub={}))
    assert extra["meta"]["epoch"] == 3 and extra["meta"]["seed"] == 7
    assert set(extra["meta"]) == {"epoch", "seed", "time", "mmengine"}
    assert "message_hub" in extra
    # the runner's save time is kept: its validation record names the checkpoint by it
    stamped = strategy._checkpoint_meta(dict(meta=dict(epoch=3, time="20260101_000000")))
    assert stamped["meta"]["time"] == "20260101_000000"
    _, runtime = strategy.collect_env()
    assert list(runtime) == [
        "seed",
        "deterministic",
        "Distributed launcher",
        "Distributed training",
        "GPU number",
    ]
    assert runtime["seed"] == 7 and runtime["GPU number"] == 1
    assert runtime["Distributed launcher"] == "none" and runtime["Distributed training"] is False
