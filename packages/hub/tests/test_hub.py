"""mmengine.hub.get_config / get_model on the fake package ``hubzoo`` (see conftest.py)."""

import importlib.util
import subprocess

import pytest
import torch

import mmengine.hub
from mmengine.config import Config
from mmengine.hub import get_config, get_model
from mmengine.model.checkpoint import UnsafeCheckpointError


def test_public_names():
    assert mmengine.hub.__all__ == ["get_config", "get_model"]
    from mmengine.hub.hub import get_config as from_module

    assert from_module is get_config


def test_listed_config_resolves_through_the_metafile(hubzoo):
    cfg = get_config("hubzoo::net/net_a.py")
    assert isinstance(cfg, Config)
    assert cfg.filename == str(hubzoo.configs / "net" / "net_a.py")
    assert cfg.model.type == "HubNet"
    assert "model_path" not in cfg


def test_pretrained_sets_model_path_from_the_metafile_weights(hubzoo):
    cfg = get_config("hubzoo::net/net_a.py", pretrained=True)
    assert cfg.model_path == hubzoo.weights


def test_unlisted_config_falls_back_to_mim_configs(hubzoo):
    cfg = get_config("hubzoo::net/unlisted.py")
    assert cfg.filename == str(hubzoo.configs / "net" / "unlisted.py")
    assert cfg.model.in_ch == 5


@pytest.mark.parametrize("rel", ["net/net_b.py", "net/unlisted.py"])
def test_pretrained_without_weights_is_an_assertion_error(hubzoo, rel):
    with pytest.raises(AssertionError, match=r"Cannot find `Weights`") as info:
        get_config(f"hubzoo::{rel}", pretrained=True)
    assert rel in str(info.value)


def test_missing_config_and_malformed_path(hubzoo):
    with pytest.raises(FileNotFoundError, match="missing.py"):
        get_config("hubzoo::net/missing.py")
    with pytest.raises(ValueError, match="package::"):
        get_config("hubzoo/net/net_a.py")


def test_missing_package_is_an_import_error_and_installs_nothing(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"mmengine.hub must not run {args}")

    monkeypatch.setattr(subprocess, "check_call", refuse)
    monkeypatch.setattr(subprocess, "run", refuse)
    with pytest.raises(ImportError) as info:  # and 0.10's AssertionError
        get_config("mmdett::a/b.py")
    assert isinstance(info.value, AssertionError)
    assert str(info.value).startswith("mmengine does not support to load mmdett config. ")
    assert "Did you mean 'mmdet'?" in str(info.value)

    if importlib.util.find_spec("mmseg") is None:  # a known project: named by its distribution
        with pytest.raises(ImportError, match="pip install mmsegmentation"):
            get_model("mmseg::a/b.py")


def test_get_model_builds_in_the_package_scope(hubzoo):
    import hubzoo.utils

    hubzoo.utils.CALLS.clear()
    model = get_model("hubzoo::net/net_a.py")
    assert type(model).__name__ == "HubNet"
    # register_all_modules ran inside the package's default scope
    assert hubzoo.utils.CALLS == ["hubzoo"]
    # the config's top-level data_preprocessor became the model's
    assert type(model.data_preprocessor).__name__ == "BaseDataPreprocessor"
    assert model.data_preprocessor._non_blocking is True
    assert model._is_init is False


def test_get_model_kwargs_are_default_arguments(hubzoo):
    model = get_model("hubzoo::net/net_b.py", out_ch=9, flavour="x")
    assert model.linear.out_features == 1  # the config's value wins
    assert model.extra == {"flavour": "x"}  # a key the config lacks is added


def test_get_model_pretrained_loads_the_weights(hubzoo):
    model = get_model("hubzoo::net/net_a.py", pretrained=True)
    assert torch.equal(model.linear.weight, hubzoo.state_dict["linear.weight"])
    assert torch.equal(model.linear.bias, hubzoo.state_dict["linear.bias"])
    assert model._is_init is True
    model.init_weights()  # init_cfg (Constant 7.0) must not overwrite the loaded weights
    assert torch.equal(model.linear.weight, hubzoo.state_dict["linear.weight"])


def test_get_model_pretrained_uses_the_safe_loader(hubzoo, tmp_path, monkeypatch):
    import os

    unsafe = tmp_path / "unsafe.pth"
    torch.save({"state_dict": hubzoo.state_dict, "meta": {"fn": os.getcwd}}, unsafe)
    cfg = get_config("hubzoo::net/net_a.py", pretrained=True)
    cfg.model_path = str(unsafe)
    monkeypatch.setattr(mmengine.hub.hub, "get_config", lambda *args, **kwargs: cfg)
    with pytest.raises(UnsafeCheckpointError):
        get_model("hubzoo::net/net_a.py", pretrained=True)
