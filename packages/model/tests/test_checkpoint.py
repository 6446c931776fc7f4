import os
import pickle
import signal
from collections import OrderedDict

import numpy as np
import pytest
import torch
import torch.nn as nn
from torch.nn.parallel import DataParallel

from mmengine.model import BaseModule
from mmengine.model.checkpoint import (
    CheckpointLoader,
    UnsafeCheckpointError,
    _load_checkpoint,
    _load_checkpoint_to_model,
    _load_checkpoint_with_prefix,
    find_latest_checkpoint,
    get_deprecated_model_names,
    get_external_models,
    get_mmcls_models,
    get_state_dict,
    get_torchvision_models,
    load_checkpoint,
    load_state_dict,
    save_checkpoint,
    weights_to_cpu,
)
from mmengine.model.wrappers.utils import is_model_wrapper


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 1)
        self.norm = nn.BatchNorm2d(3)


class Net(BaseModule):
    def __init__(self):
        super().__init__()
        self.block = Block()
        self.fc = nn.Linear(3, 2)


def _randomize(model):
    with torch.no_grad():
        for p in model.parameters():
            p.uniform_(-1, 1)
    return model


def test_save_load_round_trip(tmp_path):
    src = _randomize(Net())
    path = tmp_path / "sub" / "epoch_1.pth"
    save_checkpoint({"state_dict": src.state_dict(), "meta": {"epoch": 1}}, str(path))
    dst = Net()
    ckpt = load_checkpoint(dst, str(path), map_location="cpu", strict=True)
    assert ckpt["meta"] == {"epoch": 1}
    for k, v in src.state_dict().items():
        assert torch.equal(v, dst.state_dict()[k])
    # Path objects are accepted too
    save_checkpoint(src.state_dict(), path)
    assert isinstance(_load_checkpoint(path), OrderedDict)


def test_revise_keys_strip_module_prefix_by_default(tmp_path):
    src = _randomize(Net())
    wrapped = {f"module.{k}": v for k, v in src.state_dict().items()}
    path = str(tmp_path / "ddp.pth")
    torch.save({"state_dict": wrapped}, path)
    dst = Net()
    load_checkpoint(dst, path, strict=True)
    assert torch.equal(dst.fc.weight, src.fc.weight)

    custom = {f"backbone.{k}": v for k, v in src.state_dict().items()}
    torch.save(custom, path)
    dst = Net()
    load_checkpoint(dst, path, strict=True, revise_keys=[(r"^backbone\.", "")])
    assert torch.equal(dst.block.conv.weight, src.block.conv.weight)


def test_load_state_dict_reports_missing_unexpected_and_shape(capsys):
    model = Net()
    state = model.state_dict()
    state.pop("fc.bias")
    state["extra.weight"] = torch.zeros(1)
    state["fc.weight"] = torch.zeros(5, 5)
    load_state_dict(model, state)
    out = capsys.readouterr().out
    assert "The model and loaded state dict do not match exactly" in out
    assert "unexpected key in source state_dict: extra.weight" in out
    assert "missing keys in source state_dict: fc.bias" in out
    assert "size mismatch for fc.weight" in out
    with pytest.raises(RuntimeError, match="missing keys in source state_dict: fc.bias"):
        load_state_dict(model, state, strict=True)


def test_load_state_dict_ignores_num_batches_tracked_and_sees_through_wrappers():
    src = _randomize(Net())
    state = src.state_dict()
    state.pop("block.norm.num_batches_tracked")
    holder = nn.Module()
    holder.inner = DataParallel(Net())
    assert is_model_wrapper(holder.inner)
    load_state_dict(holder, {f"inner.{k}": v for k, v in state.items()}, strict=True)
    assert torch.equal(holder.inner.module.fc.weight, src.fc.weight)


def test_get_state_dict_unwraps_nested_wrappers():
    holder = nn.Module()
    holder.inner = DataParallel(_randomize(Net()))
    state = get_state_dict(holder)
    assert "inner.fc.weight" in state and "inner.module.fc.weight" not in state
    assert torch.equal(state["inner.fc.weight"], holder.inner.module.fc.weight)
    assert not state["inner.fc.weight"].requires_grad
    assert set(get_state_dict(Net())) == set(Net().state_dict())
    assert hasattr(state, "_metadata")


def test_weights_to_cpu_does_not_copy_cpu_tensors():
    t = torch.randn(3)
    state = OrderedDict(a=t, nested={"b": t}, lst=[t], n=3)
    state._metadata = OrderedDict(x=1)
    out = weights_to_cpu(state)
    assert out["a"] is t and out["nested"]["b"] is t and out["lst"][0] is t
    assert out["n"] == 3 and out._metadata == OrderedDict(x=1)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="requires CUDA")
def test_weights_to_cpu_moves_cuda_tensors():
    out = weights_to_cpu({"a": torch.ones(2, device="cuda")})
    assert out["a"].device.type == "cpu"


def test_load_checkpoint_with_prefix(tmp_path):
    src = _randomize(Net())
    path = str(tmp_path / "c.pth")
    save_checkpoint({"state_dict": src.state_dict()}, path)
    sub = _load_checkpoint_with_prefix("block", path)
    assert set(sub) == set(src.block.state_dict())
    with pytest.raises(AssertionError, match="nothing"):
        _load_checkpoint_with_prefix("nothing.", path)


def test_load_checkpoint_to_model_keeps_checkpoint():
    src = _randomize(Net())
    ckpt = {"state_dict": src.state_dict(), "meta": 1}
    dst = Net()
    assert _load_checkpoint_to_model(dst, ckpt) is ckpt
    assert torch.equal(dst.fc.bias, src.fc.bias)


def test_load_checkpoint_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="can not be found"):
        load_checkpoint(Net(), str(tmp_path / "missing.pth"))
    path = str(tmp_path / "list.pth")
    torch.save([1, 2], path)
    with pytest.raises(RuntimeError, match="No state_dict found"):
        load_checkpoint(Net(), path)


def test_safe_load_accepts_numpy_and_history_buffer_metadata(tmp_path):
    from mmengine.logging.history_buffer import HistoryBuffer

    buf = HistoryBuffer()
    buf.update(1.5)
    buf.update(2.5)
    meta = {
        "array": np.arange(4, dtype=np.float32),
        "scalar": np.float64(3.0),
        "int_scalar": np.int64(2),
        "dtype": np.dtype("int16"),
        "od": OrderedDict(a=1),
        "message_hub": {"log_scalars": {"train/loss": buf}},
    }
    path = str(tmp_path / "meta.pth")
    save_checkpoint({"state_dict": Net().state_dict(), "meta": meta}, path)
    ckpt = _load_checkpoint(path)
    loaded = ckpt["meta"]
    np.testing.assert_array_equal(loaded["array"], meta["array"])
    assert loaded["scalar"] == 3.0 and loaded["dtype"] == np.dtype("int16")
    assert loaded["message_hub"]["log_scalars"]["train/loss"].mean() == pytest.approx(2.0)


class _Arbitrary:
    def __init__(self):
        self.x = 1


def test_safe_load_refuses_arbitrary_classes_with_clear_error(tmp_path, monkeypatch):
    path = str(tmp_path / "evil.pth")
    torch.save({"state_dict": {}, "obj": _Arbitrary()}, path)
    with pytest.raises(UnsafeCheckpointError) as info:
        _load_checkpoint(path)
    message = str(info.value)
    assert path in message and "_Arbitrary" in message
    assert "weights_only=False" in message and "MMENGINE_CHECKPOINT_WEIGHTS_ONLY" in message
    assert isinstance(info.value, pickle.UnpicklingError)
    # trusted: explicit argument or environment variable
    assert _load_checkpoint(path, weights_only=False)["obj"].x == 1
    assert load_checkpoint(Net(), path, weights_only=False)["obj"].x == 1
    monkeypatch.setenv("MMENGINE_CHECKPOINT_WEIGHTS_ONLY", "0")
    assert _load_checkpoint(path)["obj"].x == 1


class _Boom:
    def __reduce__(self):
        raise RuntimeError("disk full")


def test_atomic_save_keeps_previous_file_on_failure(tmp_path):
    path = tmp_path / "latest.pth"
    save_checkpoint({"version": 1}, str(path))
    before = path.read_bytes()
    with pytest.raises(RuntimeError, match="disk full"):
        save_checkpoint({"version": 2, "bad": _Boom()}, str(path))
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["latest.pth"]
    save_checkpoint({"version": 3}, str(path))
    assert torch.load(str(path))["version"] == 3
    assert sorted(os.listdir(tmp_path)) == ["latest.pth"]


class _Killer:
    """Kills the (forked) process in the middle of pickling."""

    def __reduce__(self):
        os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_atomic_save_survives_kill(tmp_path):
    path = tmp_path / "ckpt.pth"
    save_checkpoint({"version": 1}, str(path))
    pid = os.fork()
    if pid == 0:  # child: dies with SIGKILL half-way through torch.save
        try:
            save_checkpoint({"version": 2, "big": torch.zeros(1000), "k": _Killer()}, str(path))
        finally:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    assert torch.load(str(path))["version"] == 1


def test_save_checkpoint_argument_errors(tmp_path):
    with pytest.raises(ValueError, match="cannot be set at the same time"):
        save_checkpoint({}, str(tmp_path / "x.pth"), file_client_args={}, backend_args={})


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_save_checkpoint_through_file_client_args(tmp_path):
    path = str(tmp_path / "fc.pth")
    save_checkpoint({"a": 1}, path, file_client_args={"backend": "disk"})
    assert torch.load(path)["a"] == 1


def test_find_latest_checkpoint(tmp_path):
    assert find_latest_checkpoint(str(tmp_path)) is None
    (tmp_path / "last_checkpoint").write_text(str(tmp_path / "epoch_3.pth") + "\n")
    assert find_latest_checkpoint(str(tmp_path)) == str(tmp_path / "epoch_3.pth")


def test_register_scheme_and_dispatch(tmp_path):
    calls = []

    @CheckpointLoader.register_scheme(prefixes="mytest://")
    def load_from_mytest(filename, map_location):
        calls.append((filename, map_location))
        return {"state_dict": Net().state_dict()}

    with pytest.raises(KeyError, match="already registered"):
        CheckpointLoader.register_scheme("mytest://", load_from_mytest)
    CheckpointLoader.register_scheme("mytest://", load_from_mytest, force=True)

    # the longest matching prefix wins
    @CheckpointLoader.register_scheme(prefixes="mytest://special/")
    def load_from_mytest_special(filename, map_location):
        calls.append(("special", filename))
        return {}

    CheckpointLoader.load_checkpoint("mytest://a.pth", map_location="cpu")
    CheckpointLoader.load_checkpoint("mytest://special/b.pth")
    assert calls == [("mytest://a.pth", "cpu"), ("special", "mytest://special/b.pth")]
    assert CheckpointLoader._get_checkpoint_loader("/some/file.pth").__name__ == "load_from_local"
    assert CheckpointLoader._get_checkpoint_loader("https://x/y.pth").__name__ == "load_from_http"


def test_model_zoo_indexes_are_dicts(tmp_path, monkeypatch):
    monkeypatch.setenv("MMENGINE_HOME", str(tmp_path))
    (tmp_path / "open_mmlab.json").write_text('{"my_model": "my_model.pth"}')
    for fn in (
        get_torchvision_models,
        get_external_models,
        get_mmcls_models,
        get_deprecated_model_names,
    ):
        assert isinstance(fn(), dict)
    assert get_torchvision_models()["resnet50"].startswith("https://")
    assert get_external_models()["my_model"] == "my_model.pth"
    # open-mmlab:// resolves relative entries under MMENGINE_HOME
    torch.save({"state_dict": {}}, tmp_path / "my_model.pth")
    assert _load_checkpoint("open-mmlab://my_model") == {"state_dict": {}}
    with pytest.raises(KeyError, match="open-mmlab"):
        _load_checkpoint("open-mmlab://unknown_model")
    with pytest.raises(KeyError, match="torchvision"):
        _load_checkpoint("torchvision://no_such_net")


def test_safe_load_accepts_config_dict_and_plain_builtins(tmp_path):
    from mmengine.config import ConfigDict

    meta = {
        "cfg": ConfigDict(a=1, b=dict(c=[1, 2])),
        "classes": frozenset({"cat"}),
        "ids": {1, 2},
        "span": slice(1, 3),
    }
    path = str(tmp_path / "cfg.pth")
    save_checkpoint({"meta": meta}, path)
    loaded = _load_checkpoint(path)["meta"]
    assert isinstance(loaded["cfg"], ConfigDict) and loaded["cfg"].b.c == [1, 2]
    assert loaded["classes"] == frozenset({"cat"}) and loaded["ids"] == {1, 2}
    assert loaded["span"] == slice(1, 3)
    # an arbitrary class beside a ConfigDict is still refused
    from mmengine.config import ConfigDict as CD

    torch.save({"cfg": CD(a=1), "obj": _Arbitrary()}, path)
    with pytest.raises(UnsafeCheckpointError, match="_Arbitrary"):
        _load_checkpoint(path)


def test_load_from_url_downloads_once_into_model_dir(tmp_path):
    from mmengine.model.checkpoint import load_from_http

    src = tmp_path / "remote.pth"
    torch.save({"state_dict": {"w": torch.ones(2)}}, src)
    cache = tmp_path / "cache"
    ckpt = load_from_http(src.as_uri(), model_dir=str(cache))
    assert torch.equal(ckpt["state_dict"]["w"], torch.ones(2))
    assert (cache / "remote.pth").exists()
    src.unlink()  # served from the cache the second time
    assert load_from_http(src.as_uri(), model_dir=str(cache))["state_dict"]["w"].sum() == 2


def test_failed_download_is_a_url_error_that_says_what_to_do(tmp_path):
    """0.10 let torch.hub's URLError through: ``except URLError`` must still catch it."""
    from urllib.error import URLError

    from mmengine.model.checkpoint import load_from_http

    missing = (tmp_path / "nowhere.pth").as_uri()  # file:// URL of a file that is not there
    with pytest.raises(URLError) as info:
        load_from_http(missing, model_dir=str(tmp_path / "cache"))
    assert isinstance(info.value, ConnectionError)
    assert str(info.value).startswith(f"Failed to download checkpoint from {missing}")
    assert "download the file yourself" in str(info.value)
    assert info.value.reason is not None


def test_atomic_save_writes_through_symlinks(tmp_path):
    target = tmp_path / "real.pth"
    link = tmp_path / "latest.pth"
    save_checkpoint({"v": 1}, str(target))
    link.symlink_to(target)
    save_checkpoint({"v": 2}, str(link))
    assert link.is_symlink() and torch.load(str(target))["v"] == 2


def test_non_local_backends_put_bytes_and_load_through_fileio():
    from mmengine.fileio import BaseStorageBackend, register_backend

    store: dict = {}

    class MemoryBackend(BaseStorageBackend):
        def get(self, filepath):
            return store[str(filepath)]

        def get_text(self, filepath, encoding="utf-8"):
            return store[str(filepath)].decode(encoding)

        def put(self, obj, filepath):
            store[str(filepath)] = bytes(obj)

    register_backend("model_test_memory", MemoryBackend, force=True, prefixes="memtest")
    src = _randomize(Net())
    save_checkpoint({"state_dict": src.state_dict()}, "memtest://bucket/ckpt.pth")
    assert isinstance(store["memtest://bucket/ckpt.pth"], bytes)
    dst = Net()
    load_checkpoint(dst, "memtest://bucket/ckpt.pth", strict=True)
    assert torch.equal(dst.fc.weight, src.fc.weight)


def test_corrupted_checkpoint_error_names_the_file(tmp_path):
    path = tmp_path / "broken.pth"
    save_checkpoint({"w": torch.ones(100)}, str(path))
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises((RuntimeError, EOFError), match="broken.pth"):
        _load_checkpoint(str(path))


def test_half_a_checkpoint_is_reported_as_truncated(tmp_path):
    # torch's zip reader rejects this one with a bare "[Errno 22] Invalid argument"
    path = tmp_path / "half.pth"
    save_checkpoint({"w": torch.ones(1000)}, str(path))
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises((OSError, RuntimeError, EOFError), match=r"half\.pth.*truncated"):
        _load_checkpoint(str(path))


@pytest.mark.parametrize(
    ("content", "error", "words"),
    [
        # bytes that are no pickle at all: not reported as an unsafe global
        (b"garbage", pickle.UnpicklingError, "not a PyTorch checkpoint, or it is corrupt"),
        (b"", EOFError, "is it empty?"),
    ],
)
def test_a_file_that_is_no_checkpoint_is_named_as_such(tmp_path, content, error, words):
    path = tmp_path / "notackpt.pth"
    path.write_bytes(content)
    with pytest.raises(error) as info:
        _load_checkpoint(str(path))
    assert "notackpt.pth" in str(info.value) and words in str(info.value)
    assert "allow-list" not in str(info.value)


def test_checkpoint_state_dict_honours_overrides_and_unwraps_nested_wrappers():
    """What a training checkpoint holds: ``state_dict()`` (overrides decide, as 0.10's Runner
    saves), outside the top wrapper, without the ``module.`` of DataParallel-like wrappers
    nested inside (including their ``_metadata`` entries), on the CPU."""
    from mmengine.model.checkpoint import checkpoint_state_dict

    class Nested(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = DataParallel(nn.Sequential(DataParallel(nn.BatchNorm1d(2))))
            self.head = nn.Linear(2, 1)

    model = Nested()
    state = checkpoint_state_dict(DataParallel(model))
    assert list(state) == [
        "body.0.weight",
        "body.0.bias",
        "body.0.running_mean",
        "body.0.running_var",
        "body.0.num_batches_tracked",
        "head.weight",
        "head.bias",
    ]
    assert state._metadata["body.0"] == {"version": 2}  # BatchNorm's version survives
    assert "body.module.0.module" not in state._metadata

    class AdapterOnly(Nested):
        def state_dict(self, *args, **kwargs):
            full = super().state_dict(*args, **kwargs)
            return OrderedDict((k, v) for k, v in full.items() if k.startswith("head."))

    assert list(checkpoint_state_dict(AdapterOnly())) == ["head.weight", "head.bias"]
