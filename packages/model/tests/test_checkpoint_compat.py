"""Loading mmengine 0.10.7 training checkpoints safely, and the weights_only switches.

``data/upstream_0.10.7/toy_runner_epoch_{1,2}.pth`` were written by mmengine 0.10.7's
Runner (run as a black box): a ``Linear(2, 1)`` model trained for two epochs with SGD
(momentum 0.9, lr 0.1) and ``MultiStepLR(milestones=[1], gamma=0.5)``. Their message
hubs hold ``HistoryBuffer``s, which pickle ``getattr(HistoryBuffer, 'min')`` etc.
"""

import os
import pickle
import warnings
from collections import OrderedDict
from pathlib import Path

import pytest
import torch
import torch.nn as nn

from mmengine.logging import MessageHub, MMLogger
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.model.checkpoint import (
    CheckpointLoader,
    UnsafeCheckpointError,
    _checkpoint_getattr,
    _load_checkpoint,
    load_checkpoint,
)

DATA = Path(__file__).parent / "data" / "upstream_0.10.7"
EPOCH_1 = str(DATA / "toy_runner_epoch_1.pth")
EPOCH_2 = str(DATA / "toy_runner_epoch_2.pth")


class Toy(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(2, 1)


@pytest.fixture(autouse=True, params=["torch-safe-globals", "restricted-unpickler-only"])
def _clean_env(request, monkeypatch):
    """Every test twice: with torch's own weights_only unpickler first (torch >= 2.5), and
    with mmengine's restricted unpickler alone, the only safe path on torch < 2.5 (which has
    no ``torch.serialization.safe_globals``)."""
    for name in (
        "MMENGINE_CHECKPOINT_WEIGHTS_ONLY",
        "TORCH_FORCE_WEIGHTS_ONLY_LOAD",
        "TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD",
    ):
        monkeypatch.delenv(name, raising=False)
    if request.param == "restricted-unpickler-only":
        from mmengine.model._checkpoint import safe_load

        monkeypatch.setattr(safe_load, "_supports_safe_load", lambda: False)


def test_upstream_runner_checkpoint_loads_under_weights_only():
    ckpt = _load_checkpoint(EPOCH_2, map_location="cpu")
    assert set(ckpt) >= {"meta", "state_dict", "message_hub", "optimizer", "param_schedulers"}
    assert ckpt["meta"]["epoch"] == 2 and ckpt["meta"]["iter"] == 4
    assert ckpt["meta"]["mmengine_version"] == "0.10.7"
    loss = ckpt["message_hub"]["log_scalars"]["train/loss"]
    assert isinstance(loss, HistoryBuffer)
    # the pickled getattr calls resolved to the real statistics methods
    assert loss._statistics_methods["min"] is HistoryBuffer.min
    assert loss._statistics_methods["current"] is HistoryBuffer.current
    values = list(loss.data[0])
    assert loss.mean() == pytest.approx(sum(values) / len(values))
    assert loss.current() == values[-1]
    assert loss.statistics("max") == max(values)
    assert ckpt["optimizer"]["param_groups"][0]["lr"] == pytest.approx(0.05)


def test_upstream_checkpoint_into_model_and_message_hub():
    model = Toy()
    ckpt = load_checkpoint(model, EPOCH_1, map_location="cpu", strict=True)
    assert torch.equal(model.linear.weight, ckpt["state_dict"]["linear.weight"])
    # what resume does with it
    hub = MessageHub.get_instance("compat_resume_probe")
    hub.load_state_dict(ckpt["message_hub"])
    assert hub.get_info("epoch") == ckpt["message_hub"]["runtime_info"]["epoch"]
    assert hub.get_scalar("train/loss").current() == pytest.approx(
        list(ckpt["message_hub"]["log_scalars"]["train/loss"].data[0])[-1]
    )
    # MultiStepLR(milestones=[1], gamma=0.5) had stepped once after epoch 1
    assert ckpt["optimizer"]["param_groups"][0]["lr"] == pytest.approx(0.05)
    momentum = ckpt["optimizer"]["state"][0]["momentum_buffer"]
    assert momentum.shape == model.linear.weight.shape


def test_upstream_checkpoint_through_the_restricted_fallback(tmp_path):
    """A checkpoint that also holds a ConfigDict goes through the restricted unpickler."""
    from mmengine.config import ConfigDict

    trusted = _load_checkpoint(EPOCH_2, weights_only=False)
    trusted["meta"]["cfg_obj"] = ConfigDict(model=dict(type="Toy"))
    path = str(tmp_path / "with_configdict.pth")
    torch.save(trusted, path)
    ckpt = _load_checkpoint(path)
    assert isinstance(ckpt["meta"]["cfg_obj"], ConfigDict)
    assert ckpt["message_hub"]["log_scalars"]["train/loss"]._statistics_methods["max"] is (
        HistoryBuffer.max
    )


class _GetattrCall:
    """Pickles as ``getattr(*args)``."""

    def __init__(self, *args):
        self.args = args

    def __reduce__(self):
        return getattr, self.args


class _ImportModule:
    def __init__(self, name):
        self.name = name

    def __reduce__(self):
        import importlib

        return importlib.import_module, (self.name,)


@pytest.mark.parametrize(
    "args, shown",
    [
        ((HistoryBuffer, "__init__"), "HistoryBuffer, '__init__'"),
        ((HistoryBuffer, "min", None), "HistoryBuffer, 'min', ..."),
        ((OrderedDict, "fromkeys"), "collections.OrderedDict, 'fromkeys'"),
        (("os", "system"), "a str object, 'system'"),
    ],
)
def test_other_getattr_calls_are_refused(tmp_path, args, shown):
    path = str(tmp_path / "evil.pth")
    torch.save({"state_dict": {}, "evil": _GetattrCall(*args)}, path)
    with pytest.raises(UnsafeCheckpointError) as info:
        _load_checkpoint(path)
    message = str(info.value)
    assert path in message and shown in message and "weights_only=False" in message
    with pytest.raises(UnsafeCheckpointError):
        load_checkpoint(Toy(), path)


def test_getattr_on_os_system_is_refused_and_never_runs(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(os, "system", lambda *a: calls.append(a))
    path = str(tmp_path / "evil.pth")
    torch.save({"evil": _GetattrCall(_ImportModule("os"), "system")}, path)
    with pytest.raises(UnsafeCheckpointError):
        _load_checkpoint(path)
    assert calls == []


def test_getattr_guard_itself():
    assert _checkpoint_getattr(HistoryBuffer, "mean") is HistoryBuffer.mean
    with pytest.raises(UnsafeCheckpointError, match=r"getattr\(module os, 'system'\)"):
        _checkpoint_getattr(os, "system")
    with pytest.raises(UnsafeCheckpointError):
        _checkpoint_getattr(HistoryBuffer(), "min")  # an instance, not the class
    with pytest.raises(UnsafeCheckpointError):
        _checkpoint_getattr(HistoryBuffer, "statistics")


def test_a_010_one_cycle_scheduler_state_loads_safely(tmp_path):
    """0.10's OneCycle state holds its annealing function, pickled (protocol 2) as
    ``getattr(OneCycleParamScheduler, '_annealing_cos')``: such a checkpoint loads with
    ``weights_only`` on, and the scheduler resumes from it (0.10.7's next lr: 0.97194...)."""
    from mmengine.optim import OneCycleLR
    from mmengine.optim.scheduler.param_scheduler import OneCycleParamScheduler

    def one_cycle():
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        return opt, OneCycleLR(opt, eta_max=1.0, total_steps=8)

    _, first = one_cycle()
    first.step()
    state = first.state_dict()
    state.pop("anneal_strategy", None)
    state["anneal_func"] = OneCycleParamScheduler._annealing_cos  # 0.10's layout
    path = str(tmp_path / "onecycle_010.pth")
    torch.save(dict(state_dict={}, param_schedulers=[state]), path)
    loaded = _load_checkpoint(path)["param_schedulers"][0]
    assert loaded["anneal_func"] is OneCycleParamScheduler._annealing_cos
    opt, resumed = one_cycle()
    resumed.load_state_dict(loaded)
    resumed.step()
    assert opt.param_groups[0]["lr"] == pytest.approx(0.9719417773875232)
    with pytest.raises(UnsafeCheckpointError):
        _checkpoint_getattr(OneCycleParamScheduler, "step")


# --------------------------------------------------------------------------
# M5: weights_only switches
# --------------------------------------------------------------------------
class _Plain:
    def __init__(self):
        self.x = 1


@pytest.fixture
def unsafe_file(tmp_path):
    path = str(tmp_path / "plain_object.pth")
    torch.save({"state_dict": {}, "obj": _Plain()}, path)
    return path


TORCH_SENTENCE = (
    "Environment variable TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD detected, since the`weights_only` "
    "argument was not explicitly passed to `torch.load`, forcing weights_only=False."
)


@pytest.mark.parametrize("value", ["1", "y", "YES", "True"])
def test_torch_force_no_weights_only_load(monkeypatch, unsafe_file, value, tmp_path):
    monkeypatch.setenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", value)
    name = f"ckpt_env_{value}_{tmp_path.name}"  # one logger (and log file) per run
    logger = MMLogger.get_instance(name, log_file=str(tmp_path / "run.log"))
    with pytest.warns(UserWarning) as record:
        ckpt = _load_checkpoint(unsafe_file)
    assert ckpt["obj"].x == 1
    messages = [str(w.message) for w in record]
    assert any(m.startswith(TORCH_SENTENCE) and unsafe_file in m for m in messages)
    for handler in logger.handlers:
        handler.flush()
    log_text = (tmp_path / "run.log").read_text()
    assert "WARNING" in log_text and TORCH_SENTENCE in log_text and unsafe_file in log_text


@pytest.mark.parametrize("value", ["0", "no", ""])
def test_torch_force_no_weights_only_load_falsy_values(monkeypatch, unsafe_file, value):
    monkeypatch.setenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", value)
    with pytest.raises(UnsafeCheckpointError):
        _load_checkpoint(unsafe_file)


def test_explicit_weights_only_wins_over_torch_opt_out(monkeypatch, unsafe_file):
    monkeypatch.setenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "forcing weights_only=False" warning
        with pytest.raises(UnsafeCheckpointError):
            _load_checkpoint(unsafe_file, weights_only=True)
        with pytest.raises(UnsafeCheckpointError):
            CheckpointLoader.load_checkpoint(unsafe_file, weights_only=True)
        assert _load_checkpoint(unsafe_file, weights_only=False)["obj"].x == 1


def test_mmengine_variable_wins_over_torch_opt_out(monkeypatch, unsafe_file):
    monkeypatch.setenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")
    monkeypatch.setenv("MMENGINE_CHECKPOINT_WEIGHTS_ONLY", "1")
    with pytest.raises(UnsafeCheckpointError):
        _load_checkpoint(unsafe_file)


def test_torch_force_weights_only_load(monkeypatch, unsafe_file):
    monkeypatch.setenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "1")
    # forces the safe path, like torch.load, even over an explicit False
    with pytest.raises(UnsafeCheckpointError):
        _load_checkpoint(unsafe_file)
    with pytest.raises(UnsafeCheckpointError):
        _load_checkpoint(unsafe_file, weights_only=False)
    # upstream checkpoints still load
    assert _load_checkpoint(EPOCH_2)["meta"]["epoch"] == 2


def test_torch_force_weights_only_load_keeps_restricted_fallback(monkeypatch, tmp_path):
    from mmengine.config import ConfigDict

    path = str(tmp_path / "cfg.pth")
    torch.save({"meta": {"cfg": ConfigDict(a=1)}, "state_dict": {}}, path)
    monkeypatch.setenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "true")
    assert _load_checkpoint(path)["meta"]["cfg"] == {"a": 1}
    assert os.environ["TORCH_FORCE_WEIGHTS_ONLY_LOAD"] == "true"


def test_both_torch_variables_set_is_an_error(monkeypatch, unsafe_file):
    monkeypatch.setenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "1")
    monkeypatch.setenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")
    with pytest.raises(RuntimeError, match="^Only one of `TORCH_FORCE_WEIGHTS_ONLY_LOAD` or"):
        _load_checkpoint(unsafe_file)


def test_pickle_error_class_is_kept():
    assert issubclass(UnsafeCheckpointError, pickle.UnpicklingError)


@pytest.mark.parametrize(
    "content, words",
    [(b"", "is it empty?"), (b"hello", "not a PyTorch checkpoint"), (b"\x80\x02garbage", "")],
)
def test_bytes_that_are_no_checkpoint_say_so_on_either_path(tmp_path, content, words):
    path = tmp_path / "notackpt.pth"
    path.write_bytes(content)
    with pytest.raises((EOFError, KeyError, pickle.UnpicklingError, RuntimeError)) as info:
        _load_checkpoint(str(path))
    assert str(path) in str(info.value) and words in str(info.value)
