"""Checkpoints in the safetensors format: saved by save_checkpoint, loaded without unpickling."""

import json
import math
import struct
from collections import Counter, OrderedDict

import numpy as np
import pytest
import torch
import torch.nn as nn

from mmengine.model.checkpoint import (
    CheckpointLoader,
    _load_checkpoint,
    load_checkpoint,
    save_checkpoint,
)


@pytest.fixture
def without_safetensors(monkeypatch):
    """Make ``import safetensors`` fail."""
    import sys

    monkeypatch.setitem(sys.modules, "safetensors", None)
    monkeypatch.setitem(sys.modules, "safetensors.torch", None)


@pytest.fixture(autouse=True)
def st(request):
    """``safetensors.torch``; the tests skip where it is not installed (it is optional)."""
    if "without_safetensors" in request.fixturenames:
        return None
    return pytest.importorskip("safetensors.torch")


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 3, 1)
        self.bn = nn.BatchNorm2d(3)
        self.fc = nn.Linear(3, 2)


def _training_checkpoint():
    from mmengine.config import ConfigDict
    from mmengine.logging.history_buffer import HistoryBuffer

    torch.manual_seed(0)
    model = Net()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for p in model.parameters():
        p.grad = torch.ones_like(p)
    opt.step()
    buffer = HistoryBuffer()
    buffer.update(0.5)
    buffer.update(0.25)
    return model, {
        "meta": {"epoch": 3, "iter": 12, "cfg": "model = dict(type='Net')\n", "seed": 0},
        "state_dict": model.state_dict(),
        "optimizer": opt.state_dict(),
        "param_schedulers": [
            {"milestones": Counter({8: 1, 11: 1}), "last_step": 3, "base_values": [0.1]}
        ],
        "message_hub": {
            "log_scalars": OrderedDict([("train/loss", buffer)]),
            "runtime_info": OrderedDict(
                [("epoch", 3), ("eta", np.float64(1.5)), ("shape", (4, 4)), ("nan", math.nan)]
            ),
        },
        "extra": {"arr": np.arange(6, dtype=np.int16).reshape(2, 3), "cfg": ConfigDict(a=1)},
    }


def _header(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        return json.loads(f.read(n))


def test_round_trip_keeps_every_value_and_type(tmp_path):
    from mmengine.config import ConfigDict
    from mmengine.logging.history_buffer import HistoryBuffer

    model, ckpt = _training_checkpoint()
    path = str(tmp_path / "epoch_3.safetensors")
    save_checkpoint(ckpt, path)
    loaded = _load_checkpoint(path)

    assert loaded["meta"] == ckpt["meta"]
    assert isinstance(loaded["state_dict"], OrderedDict)
    assert list(loaded["state_dict"]) == list(ckpt["state_dict"])
    for k, v in ckpt["state_dict"].items():
        assert torch.equal(loaded["state_dict"][k], v) and loaded["state_dict"][k].dtype == v.dtype
    # module versions (used by BN's legacy loading) survive
    assert loaded["state_dict"]._metadata == ckpt["state_dict"]._metadata
    # optimizer: int keys, hyper-parameters, momentum buffers
    assert loaded["optimizer"]["param_groups"] == ckpt["optimizer"]["param_groups"]
    assert set(loaded["optimizer"]["state"]) == set(ckpt["optimizer"]["state"])
    assert torch.equal(
        loaded["optimizer"]["state"][0]["momentum_buffer"],
        ckpt["optimizer"]["state"][0]["momentum_buffer"],
    )
    assert loaded["param_schedulers"][0]["milestones"] == Counter({8: 1, 11: 1})
    assert isinstance(loaded["param_schedulers"][0]["milestones"], Counter)
    hub = loaded["message_hub"]
    assert isinstance(hub["log_scalars"]["train/loss"], HistoryBuffer)
    assert hub["log_scalars"]["train/loss"].mean() == pytest.approx(0.375)
    info = hub["runtime_info"]
    assert isinstance(info, OrderedDict) and list(info) == ["epoch", "eta", "shape", "nan"]
    assert info["eta"] == 1.5 and type(info["eta"]) is np.float64
    assert info["shape"] == (4, 4) and math.isnan(info["nan"])
    np.testing.assert_array_equal(loaded["extra"]["arr"], ckpt["extra"]["arr"])
    assert loaded["extra"]["arr"].dtype == np.int16
    assert type(loaded["extra"]["cfg"]) is ConfigDict and loaded["extra"]["cfg"] == {"a": 1}


def test_file_is_plain_safetensors_with_json_metadata(tmp_path, st):
    model, ckpt = _training_checkpoint()
    path = str(tmp_path / "ckpt.safetensors")
    save_checkpoint(ckpt, path)
    # any safetensors reader gets the model weights under their state-dict names
    tensors = st.load_file(path)
    for k, v in model.state_dict().items():
        assert torch.equal(tensors[k], v)
    assert "optimizer/state/0/momentum_buffer" in tensors
    metadata = _header(path)["__metadata__"]
    skeleton = json.loads(metadata["mmengine_checkpoint"])
    assert skeleton["meta"]["epoch"] == 3
    assert skeleton["state_dict"]["__type__"] == "OrderedDict"


def test_load_checkpoint_into_model_and_detect_by_magic(tmp_path):
    model, ckpt = _training_checkpoint()
    path = str(tmp_path / "latest.ckpt")  # no .safetensors suffix
    save_checkpoint(ckpt, path, save_format="safetensors")
    with open(path, "rb") as f:
        assert f.read(2) != b"PK"  # not a torch zip file
    fresh = Net()
    loaded = load_checkpoint(fresh, path, map_location="cpu", strict=True)
    assert loaded["meta"]["iter"] == 12
    for k, v in model.state_dict().items():
        assert torch.equal(fresh.state_dict()[k], v)


def test_safetensors_is_never_unpickled(tmp_path, monkeypatch):
    _, ckpt = _training_checkpoint()
    path = str(tmp_path / "a.safetensors")
    save_checkpoint(ckpt, path)

    def refuse(*args, **kwargs):
        raise AssertionError("torch.load must not be called for safetensors files")

    monkeypatch.setattr(torch, "load", refuse)
    assert _load_checkpoint(path, weights_only=False)["meta"]["epoch"] == 3


def test_map_location_and_plain_weight_files(tmp_path, st):
    weights = {"w": torch.arange(4.0), "b": torch.zeros(2)}
    path = str(tmp_path / "plain.safetensors")
    st.save_file(weights, path)  # written by another tool: no mmengine metadata
    loaded = CheckpointLoader.load_checkpoint(path, map_location=lambda storage, loc: storage)
    assert isinstance(loaded, OrderedDict) and torch.equal(loaded["w"], weights["w"])
    model = nn.Module()
    model.register_buffer("w", torch.zeros(4))
    model.register_buffer("b", torch.ones(2))
    load_checkpoint(model, path, map_location="cpu", strict=True)
    assert torch.equal(model.w, weights["w"])


def test_pth_stays_the_default(tmp_path):
    _, ckpt = _training_checkpoint()
    path = str(tmp_path / "epoch_1.pth")
    save_checkpoint(ckpt, path)
    with open(path, "rb") as f:
        assert f.read(2) == b"PK"


def test_shared_and_tied_tensors(tmp_path):
    base = torch.arange(6.0)
    tied = nn.Parameter(torch.ones(3))
    ckpt = {"state_dict": OrderedDict(a=tied, b=tied, view1=base[:3], view2=base[3:])}
    path = str(tmp_path / "tied.safetensors")
    save_checkpoint(ckpt, path)
    loaded = _load_checkpoint(path)["state_dict"]
    assert loaded["a"] is loaded["b"]
    assert loaded["view1"].tolist() == [0.0, 1.0, 2.0] and loaded["view2"].tolist() == [3, 4, 5]


def test_unsupported_values_name_the_key(tmp_path):
    class Custom:
        pass

    path = tmp_path / "bad.safetensors"
    with pytest.raises(TypeError, match=r"at key 'meta/hook_state'.*\.pth format"):
        save_checkpoint({"meta": {"hook_state": Custom()}}, str(path))
    assert not path.exists()
    with pytest.raises(ValueError, match="save_format must be one of"):
        save_checkpoint({}, str(tmp_path / "x.pth"), save_format="npz")


def test_dicts_with_the_tag_key_and_non_string_keys(tmp_path):
    ckpt = {"meta": {"__type__": "tensor", "key": "nope"}, "ids": {1: "a", (2, 3): "b"}}
    path = str(tmp_path / "tags.safetensors")
    save_checkpoint(ckpt, path)
    assert _load_checkpoint(path) == ckpt


def test_non_local_backend_receives_safetensors_bytes(tmp_path):
    from mmengine.fileio.backends import BaseStorageBackend, register_backend

    store = {}

    class MemoryBackend(BaseStorageBackend):
        def get(self, filepath):
            return store[filepath]

        def get_text(self, filepath, encoding="utf-8"):
            return store[filepath].decode(encoding)

        def put(self, obj, filepath):
            store[filepath] = obj

    register_backend("memst", MemoryBackend, prefixes="memst", force=True)
    _, ckpt = _training_checkpoint()
    save_checkpoint(ckpt, "memst://bucket/epoch_3.safetensors")
    assert store["memst://bucket/epoch_3.safetensors"][8:9] == b"{"
    loaded = _load_checkpoint("memst://bucket/epoch_3.safetensors")
    assert loaded["meta"] == ckpt["meta"]


def test_missing_safetensors_says_how_to_install(tmp_path, without_safetensors):
    path = tmp_path / "a.safetensors"
    with pytest.raises(ImportError, match="pip install safetensors"):
        save_checkpoint({"state_dict": {"w": torch.ones(1)}}, str(path))
    assert not path.exists()
    path.write_bytes(struct.pack("<Q", 2) + b"{}")
    with pytest.raises(ImportError, match="pip install safetensors"):
        _load_checkpoint(str(path))
