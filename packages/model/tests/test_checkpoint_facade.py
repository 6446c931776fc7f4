"""``mmengine.model.checkpoint`` (= ``mmengine.runner.checkpoint``): patched globals take effect.

Downstream code patches names on this module, e.g.
``mmengine.runner.checkpoint._load_checkpoint = patched`` (torch >= 2.6 workarounds)
or ``patch('mmengine.runner.checkpoint.print_log')``; every checkpoint function must
then call the patched object, wherever it is implemented.
"""

import json
from collections import OrderedDict

import pytest
import torch
import torch.nn as nn

import mmengine.model.checkpoint as ckpt


def test_patched_load_checkpoint_is_used_by_load_checkpoint(monkeypatch):
    model = nn.Linear(2, 1)
    weights = OrderedDict(weight=torch.full((1, 2), 3.0), bias=torch.zeros(1))
    calls = []

    def fake(filename, map_location=None, logger=None, **kwargs):
        calls.append(filename)
        return {"state_dict": weights}

    monkeypatch.setattr(ckpt, "_load_checkpoint", fake)
    ckpt.load_checkpoint(model, "nowhere.pth")
    assert calls == ["nowhere.pth"]
    assert torch.equal(model.weight, weights["weight"])


def test_patched_load_state_dict_and_to_model(monkeypatch):
    seen = []
    monkeypatch.setattr(ckpt, "load_state_dict", lambda m, sd, strict, logger: seen.append(sd))
    ckpt._load_checkpoint_to_model(nn.Linear(1, 1), {"state_dict": {"module.w": 1}})
    assert list(seen[0]) == ["w"]


def test_patched_print_log_receives_loader_messages(monkeypatch, tmp_path):
    path = str(tmp_path / "a.pth")
    torch.save({"state_dict": {}}, path)
    messages = []
    monkeypatch.setattr(ckpt, "print_log", lambda msg, *a, **k: messages.append(msg))
    ckpt._load_checkpoint(path)
    assert messages == [f"Loads checkpoint by local backend from path: {path}"]
    # load_state_dict's mismatch report too
    ckpt.load_state_dict(nn.Linear(1, 1), {"extra": torch.zeros(1)})
    assert "unexpected key in source state_dict: extra" in messages[-1]


def test_patched_model_zoo_functions_are_used_by_scheme_loaders(monkeypatch, tmp_path):
    urls = []
    monkeypatch.setattr(ckpt, "get_torchvision_models", lambda: {"tiny": "https://x/tiny.pth"})
    monkeypatch.setattr(ckpt, "load_from_http", lambda url, map_location=None: urls.append(url))
    ckpt.CheckpointLoader.load_checkpoint("torchvision://tiny")
    assert urls == ["https://x/tiny.pth"]

    # open-mmlab:// resolves names through get_external_models and _get_mmengine_home
    home = tmp_path / "home"
    home.mkdir()
    (home / "open_mmlab.json").write_text(json.dumps({"mine": "mine.pth"}))
    torch.save({"state_dict": {"w": torch.ones(1)}}, str(home / "mine.pth"))
    monkeypatch.setattr(ckpt, "_get_mmengine_home", lambda: str(home))
    loaded = ckpt.CheckpointLoader.load_checkpoint("open-mmlab://mine")
    assert torch.equal(loaded["state_dict"]["w"], torch.ones(1))


def test_every_upstream_module_global_is_bound():
    # names bound by mmengine 0.10.7's mmengine.runner.checkpoint (but the namespace
    # package itself, which members do not import)
    names = """BaseTTAModel CheckpointLoader DEFAULT_CACHE_DIR Dict ENV_MMENGINE_HOME
    ENV_XDG_CACHE_HOME FileClient OrderedDict Optional TemporaryDirectory Callable
    _IncompatibleKeys _get_mmengine_home _load_checkpoint _load_checkpoint_to_model
    _load_checkpoint_with_prefix _process_mmcls_checkpoint _save_to_state_dict apply_to
    deprecated_function digit_version find_latest_checkpoint get_deprecated_model_names
    get_dist_info get_external_models get_file_backend get_mmcls_models get_state_dict
    get_torchvision_models import_module io is_model_wrapper load_checkpoint load_file
    load_from_ceph load_from_http load_from_local load_from_mmcls load_from_openmmlab
    load_from_pavi load_from_torchvision load_state_dict load_url logging mkdir_or_exist
    namedtuple os osp pkgutil print_log re save_checkpoint torch weights_to_cpu""".split()
    missing = [n for n in names if not hasattr(ckpt, n)]
    assert missing == []


@pytest.mark.parametrize("name", ["load_checkpoint", "save_checkpoint", "load_state_dict"])
def test_user_facing_functions_are_defined_in_the_module(name):
    assert getattr(ckpt, name).__module__ == "mmengine.model.checkpoint"


def test_patched_load_url_serves_http_checkpoints(monkeypatch):
    # 0.10's load_from_http downloads through this module's load_url: tests and tools patch
    # it to stand in for the network (arguments recorded from mmengine 0.10.7)
    calls = []

    def fake(url, model_dir=None, map_location=None, progress=True):
        calls.append((url, model_dir, map_location, progress))
        return {"state_dict": {}}

    monkeypatch.setattr(ckpt, "load_url", fake)  # the module mmengine.runner.checkpoint is
    assert ckpt._load_checkpoint("https://example.com/a.pth", map_location="cpu") == {
        "state_dict": {}
    }
    ckpt.load_from_http("http://example.com/b.pth", model_dir="/tmp/md", progress=False)
    assert calls == [
        ("https://example.com/a.pth", None, "cpu", calls[0][3]),
        ("http://example.com/b.pth", "/tmp/md", None, False),
    ]
