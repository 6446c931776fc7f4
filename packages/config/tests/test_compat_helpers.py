"""Private helpers kept with upstream's signatures (used by downstream code)."""

import os
import os.path as osp

import pytest

from mmengine.config import Config


def test_substitute_predefined_vars_file_to_file(tmp_path):
    src, dst = tmp_path / "tmp_cfg1.py", tmp_path / "tmp_cfg2.py"
    src.write_text(
        "a={{fileDirname}}\nb={{fileBasename}}\nc={{fileBasenameNoExtension}}\nd={{fileExtname}}\n"
    )
    Config._substitute_predefined_vars(src, dst)
    assert dst.read_text() == f"a={tmp_path}\nb=tmp_cfg1.py\nc=tmp_cfg1\nd=.py\n"


def test_substitute_env_variables_file_to_file(tmp_path, monkeypatch):
    src, dst = tmp_path / "tmp_cfg1.py", tmp_path / "tmp_cfg2.py"
    src.write_text("a={{$MMCFG_A:}}\n")
    monkeypatch.delenv("MMCFG_A", raising=False)
    with pytest.raises(KeyError, match="cannot be found in `os.environ`"):
        Config._substitute_env_variables(src, dst)
    monkeypatch.setenv("MMCFG_A", "text_A")
    assert Config._substitute_env_variables(src, dst) == {"MMCFG_A": "text_A"}
    assert dst.read_text() == "a=text_A\n"
    src.write_text('c={{"$MMCFG_C:80"}}\n')
    Config._substitute_env_variables(src, dst)
    assert dst.read_text() == "c=80\n"


def test_pre_substitute_and_substitute_base_vars(tmp_path):
    src, dst = tmp_path / "a.py", tmp_path / "b.py"
    src.write_text("x = {{_base_.item1}}\ny = dict(c=[1, '{{ _base_.item2.a }}'])\n")
    base_var_dict = Config._pre_substitute_base_vars(src, dst)
    assert set(base_var_dict.values()) == {"item1", "item2.a"}
    namespace: dict = {}
    exec(dst.read_text(), namespace)
    assert namespace["x"].startswith("_item1") and namespace["y"]["c"][1].startswith("_item2")
    cfg = Config._substitute_base_vars(
        {"x": namespace["x"], "y": namespace["y"], "t": (namespace["x"], 1)},
        base_var_dict,
        {"item1": [1, 2], "item2": {"a": 0}},
    )
    assert cfg == {"x": [1, 2], "y": {"c": [1, 0]}, "t": ([1, 2], 1)}


def test_file2dict_and_base_helpers(data_dir, tmp_path):
    cfg_dict, text, env = Config._file2dict(osp.join(data_dir, "mid.py"))
    assert cfg_dict.model.depth == 101 and isinstance(text, str) and env == {}
    assert Config._file2dict(osp.join(data_dir, "mid.py"), False)[0].work_dir.endswith(
        "{{fileBasenameNoExtension}}"
    )
    assert Config._get_base_files(osp.join(data_dir, "child.py")) == ["./mid.py"]
    assert len(Config._get_base_files(osp.join(data_dir, "mid.py"))) == 4
    path, scope = Config._get_cfg_path("./base/model.py", osp.join(data_dir, "mid.py"))
    assert scope is None and osp.isfile(path)
    bad = tmp_path / "bad.py"
    bad.write_text("dict(a=1,b=2.c=3)")
    with pytest.raises(SyntaxError):
        Config._validate_py_syntax(bad)


def test_dict_to_config_dict_converts_nested_containers():
    from mmengine.config import ConfigDict

    cfg = Config._dict_to_config_dict(
        dict(a=1, b=dict(c=dict()), d=[dict(e=dict(f=(dict(g=1), [])))])
    )
    assert isinstance(cfg, ConfigDict) and isinstance(cfg.b.c, ConfigDict)
    assert isinstance(cfg.d[0].e.f, tuple) and isinstance(cfg.d[0].e.f[0], ConfigDict)
    scoped = Config._dict_to_config_dict(dict(m=dict(type="A", sub=dict(type="B"))), "mmdet")
    assert scoped.m._scope_ == "mmdet" and "_scope_" not in scoped.m.sub


@pytest.mark.parametrize(
    "path", ["mmpose:::body_2d/cfg.py", "mmdet::", "::a.py", "a.py", "mmdet::a::b.py"]
)
def test_malformed_external_config_path(path):
    from mmengine.config.utils import _get_package_and_cfg_path

    # C5: upstream's sentence first, then which path could not be parsed
    with pytest.raises(ValueError) as exc:
        _get_package_and_cfg_path(path)
    msg = str(exc.value)
    assert msg.startswith(
        "`_get_package_and_cfg_path` is used for get external package, please specify the "
        "package name and relative config path, just like "
        "`mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py`"
    )
    assert repr(path) in msg


def test_external_config_path_split():
    from mmengine.config.utils import _get_package_and_cfg_path

    assert _get_package_and_cfg_path("mmdet::a/b.py") == ("mmdet", "a/b.py")


def test_module_level_names_of_config_module(monkeypatch):
    # C6: downstream imports/patches these at mmengine.config.config
    import tempfile
    from unittest import mock

    import mmengine.config.config as config_module
    from mmengine.config.config import Config as C
    from mmengine.config.config import ConfigDict, DictAction, print_log
    from mmengine.fileio import load
    from mmengine.logging import print_log as real_print_log

    assert C is Config and ConfigDict.__name__ == "ConfigDict" and DictAction.__name__
    assert config_module.tempfile is tempfile
    assert config_module.load is load and print_log is real_print_log
    assert "tempfile" in dir(config_module)
    with mock.patch("mmengine.config.config.tempfile") as patched:
        assert config_module.tempfile is patched
    assert config_module.tempfile is tempfile
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        config_module.not_a_name  # noqa: B018


@pytest.mark.parametrize(
    "module, name, home",
    [
        ("mmengine.config.config", "check_file_exist", "mmengine.utils"),
        ("mmengine.config.config", "import_modules_from_strings", "mmengine.utils"),
        ("mmengine.config.config", "dump", "mmengine.fileio"),
        ("mmengine.config.lazy", "is_seq_of", "mmengine.utils"),
        ("mmengine.config.utils", "check_file_exist", "mmengine.utils"),
        ("mmengine.config.utils", "load", "mmengine.fileio"),
    ],
)
def test_upstream_module_level_names_are_the_real_objects(module, name, home):
    import importlib

    assert getattr(importlib.import_module(module), name) is getattr(
        importlib.import_module(home), name
    )


def test_python_root_constants():
    import sys

    from mmengine.config.utils import PYTHON_ROOT_DIR, SYSTEM_PYTHON_PREFIX

    assert sys.executable.startswith(PYTHON_ROOT_DIR + os.sep)
    assert SYSTEM_PYTHON_PREFIX == "/usr/lib/python"
