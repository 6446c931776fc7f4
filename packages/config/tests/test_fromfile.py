import os
import os.path as osp

import pytest

from mmengine.config import Config, ConfigDict


@pytest.fixture
def child(data_dir):
    return Config.fromfile(osp.join(data_dir, "child.py"))


def test_three_level_base_chain_merges_all_formats(child):
    # py, yaml and json bases are merged, the child overrides leaves
    assert child.optimizer.to_dict() == dict(type="SGD", lr=0.01, momentum=0.9, weight_decay=0.0001)
    assert child.gpu_ids == [0]
    assert child.log_level == "INFO"
    assert child.default_hooks.logger.interval == 50
    assert child.dataset_type == "CocoDataset"
    assert child.model.depth == 101  # from mid
    assert child.model.neck.type == "FPN"
    assert child.model.out_indices == (0, 1, 2, 3)
    assert isinstance(child.model, ConfigDict)
    assert isinstance(child.param_scheduler[0], ConfigDict)


def test_delete_key_replaces_base_dict(child):
    assert child.model.norm_cfg.to_dict() == dict(type="GN", num_groups=32)
    assert "_delete_" not in str(child.to_dict())


def test_base_variable_references(child):
    # `{{_base_.x}}` text references and `_base_.x` python access
    assert child.base_lr == 0.02
    assert child.backbone_copy.type == "ResNet"
    assert child.backbone_copy.depth == 101
    assert child.first_milestone == 8
    assert child.train_dataloader.dataset.pipeline[1].scale == [1333, 800]
    assert child.train_dataloader.batch_size == 2


def test_predefined_variables_are_per_file(child):
    assert child.work_dir == "./work_dirs/mid"


def test_key_order_is_base_first(child):
    keys = list(child.keys())
    assert keys.index("model") < keys.index("optimizer") < keys.index("base_lr")


def test_filename_text_and_path_argument(data_dir, child):
    from pathlib import Path

    path = osp.join(data_dir, "child.py")
    assert child.filename == path
    assert path in child.text and osp.join(data_dir, "base", "model.py") in child.text
    assert 'type="ResNet"' in child.text
    cfg = Config.fromfile(Path(path))
    assert cfg.to_dict() == child.to_dict()
    assert isinstance(cfg.filename, str)


def test_same_content_in_three_formats(write):
    root = write(
        {
            "a.py": "test_int = 1\ntest_list = [1, 2, 3]\ntest_dict = dict(key1='value1', key2=0.1)\n",
            "a.json": '{"test_int": 1, "test_list": [1, 2, 3], '
            '"test_dict": {"key1": "value1", "key2": 0.1}}',
            "a.yml": 'test_int: 1\ntest_list: [1, 2, 3]\ntest_dict:\n  key1: "value1"\n  key2: 0.1\n',
        }
    )
    dicts = [Config.fromfile(root / f"a.{ext}").to_dict() for ext in ("py", "json", "yml")]
    assert dicts[0] == dicts[1] == dicts[2]
    assert dicts[0]["test_dict"] == {"key1": "value1", "key2": 0.1}


def test_predefined_variables(write):
    root = write(
        {
            "sub/pre.py": "dirname = '{{ fileDirname }}'\nbase = '{{fileBasename}}'\n"
            "stem = '{{fileBasenameNoExtension}}'\next = '{{fileExtname}}'\n"
        }
    )
    cfg = Config.fromfile(root / "sub" / "pre.py")
    assert cfg.dirname == str(root / "sub")
    assert (cfg.base, cfg.stem, cfg.ext) == ("pre.py", "pre", ".py")
    raw = Config.fromfile(root / "sub" / "pre.py", use_predefined_variables=False)
    assert raw.base == "{{fileBasename}}"


def test_environment_variables(write, monkeypatch):
    root = write(
        {
            "env.py": "data_root = '{{$MMCFG_ROOT:/data/coco/}}'\nnum = {{'$MMCFG_NUM:3'}}\n",
            "env.yaml": "root: '{{$MMCFG_ROOT:/default}}'\n",
            "need.py": "x = '{{$MMCFG_REQUIRED_UNSET:}}'\n",
        }
    )
    monkeypatch.delenv("MMCFG_ROOT", raising=False)
    monkeypatch.delenv("MMCFG_NUM", raising=False)
    cfg = Config.fromfile(root / "env.py")
    assert cfg.data_root == "/data/coco/" and cfg.num == 3
    monkeypatch.setenv("MMCFG_ROOT", "/mnt/coco")
    monkeypatch.setenv("MMCFG_NUM", "7")
    cfg = Config.fromfile(root / "env.py")
    assert cfg.data_root == "/mnt/coco" and cfg.num == 7
    assert cfg.env_variables == {"MMCFG_ROOT": "/mnt/coco", "MMCFG_NUM": "7"}
    assert Config.fromfile(root / "env.yaml").root == "/mnt/coco"
    monkeypatch.delenv("MMCFG_REQUIRED_UNSET", raising=False)
    with pytest.raises(KeyError, match="MMCFG_REQUIRED_UNSET"):
        Config.fromfile(root / "need.py")
    off = Config.fromfile(root / "env.yaml", use_environment_variables=False)
    assert off.root == "{{$MMCFG_ROOT:/default}}"


def test_base_variables_in_yaml_and_json(write):
    root = write(
        {
            "base.py": 'item = dict(a=1, b=[1, 2])\nname = "n"\n',
            "c.yaml": "_base_: base.py\nitem_copy: '{{ _base_.item }}'\nnum: '{{_base_.item.b}}'\n",
            "c.json": '{"_base_": ["base.py"], "item_copy": {{ _base_.item }}, "n": "{{_base_.name}}"}',
        }
    )
    cfg = Config.fromfile(root / "c.yaml")
    assert cfg.item_copy.to_dict() == {"a": 1, "b": [1, 2]} and cfg.num == [1, 2]
    cfg = Config.fromfile(root / "c.json")
    assert cfg.item_copy.a == 1 and cfg.n == "n"


def test_base_as_string_and_relative_parent(write):
    root = write(
        {
            "base/a.py": "a = 1\n",
            "configs/b.py": "_base_ = '../base/a.py'\nb = 2\n",
        }
    )
    cfg = Config.fromfile(root / "configs" / "b.py")
    assert cfg.to_dict() == {"a": 1, "b": 2}


def test_modify_base_variable_through_python_access(write):
    root = write(
        {
            "resnet.py": "model = dict(type='ResNet', depth=50)\n",
            "mod.py": "_base_ = ['resnet.py']\na = _base_.model\na.type = 'MobileNet'\n",
        }
    )
    cfg = Config.fromfile(root / "mod.py")
    assert cfg.a.to_dict() == {"type": "MobileNet", "depth": 50}


def test_non_dict_values_are_overwritten_and_dict_over_scalar_needs_delete(write):
    root = write(
        {
            "base.py": "a = [1, 2]\nb = dict(c=1)\nd = 1\n",
            "child.py": "_base_ = 'base.py'\na = [3]\nd = dict(_delete_=True, x=1)\n",
            "bad.py": "_base_ = 'base.py'\nb = 1\na = dict(x=1)\n",
        }
    )
    cfg = Config.fromfile(root / "child.py")
    assert cfg.a == [3] and cfg.d == {"x": 1} and cfg.b == {"c": 1}
    with pytest.raises(TypeError, match="_delete_"):
        Config.fromfile(root / "bad.py")


def test_functions_and_modules_are_dropped(write):
    root = write({"f.py": "import os\ndef helper():\n    return 3\nvalue = helper()\n"})
    cfg = Config.fromfile(root / "f.py")
    assert cfg.to_dict() == {"value": 3}


def test_custom_imports(write, monkeypatch):
    root = write(
        {
            "my_cfg_module_xyz.py": "IMPORTED = True\n",
            "c.py": "custom_imports = dict(imports=['my_cfg_module_xyz'], allow_failed_imports=False)\n",
            "bad.py": "custom_imports = dict(imports=['no_such_module_xyz'], allow_failed_imports=False)\n",
            "ok.py": "custom_imports = dict(imports=['no_such_module_xyz'], allow_failed_imports=True)\n",
        }
    )
    import sys

    monkeypatch.syspath_prepend(str(root))
    sys.modules.pop("my_cfg_module_xyz", None)
    Config.fromfile(root / "c.py")
    assert "my_cfg_module_xyz" in sys.modules
    with pytest.raises(ImportError, match="PYTHONPATH"):
        Config.fromfile(root / "bad.py")
    with pytest.warns(UserWarning):
        Config.fromfile(root / "ok.py")
    Config.fromfile(root / "bad.py", import_custom_modules=False)


def test_deprecation_warning(write):
    root = write({"d.py": "_deprecation_ = dict(expected='new.py', reference='url')\na = 1\n"})
    with pytest.warns(DeprecationWarning, match="new.py"):
        cfg = Config.fromfile(root / "d.py")
    assert cfg.to_dict() == {"a": 1}


def test_package_base_config(write, monkeypatch):
    root = write(
        {
            "fakepkg_cfg_xyz/__init__.py": "",
            "fakepkg_cfg_xyz/configs/_base_/runtime.py": "train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=12)\nlog_level = 'INFO'\n",
            "user.py": "_base_ = ['fakepkg_cfg_xyz::_base_/runtime.py']\nlog_level = 'DEBUG'\n",
            "missing.py": "_base_ = ['notinstalled_pkg_xyz::a.py']\n",
        }
    )
    monkeypatch.syspath_prepend(str(root))
    cfg = Config.fromfile(root / "user.py")
    assert cfg.train_cfg.max_epochs == 12
    assert cfg.train_cfg._scope_ == "fakepkg_cfg_xyz"
    assert cfg.log_level == "DEBUG"
    with pytest.raises(ModuleNotFoundError, match="notinstalled_pkg_xyz is not installed"):
        Config.fromfile(root / "missing.py")
    (root / "nofile.py").write_text("_base_ = ['fakepkg_cfg_xyz::_base_/nope.py']\n")
    with pytest.raises(FileNotFoundError, match="nope.py"):
        Config.fromfile(root / "nofile.py")


def test_fromstring_all_formats():
    py = Config.fromstring("a = 1\nb = dict(c=[1, 2])\n", ".py")
    js = Config.fromstring('{"a": 1, "b": {"c": [1, 2]}}', ".json")
    ym = Config.fromstring("a: 1\nb:\n  c: [1, 2]\n", ".yaml")
    assert py.to_dict() == js.to_dict() == ym.to_dict() == {"a": 1, "b": {"c": [1, 2]}}
    with pytest.raises(OSError):
        Config.fromstring("a = 1", "py")
    with pytest.warns(UserWarning, match="file_format"):
        Config.fromstring("a: dict(b=1)", ".yaml")


def test_unsupported_extension_and_missing_file(tmp_path):
    bad = tmp_path / "a.txt"
    bad.write_text("a = 1")
    with pytest.raises(OSError, match="py/yml/yaml/json"):
        Config.fromfile(bad)
    with pytest.raises(FileNotFoundError):
        Config.fromfile(tmp_path / "nope.py")


def test_reserved_keys_raise(write):
    for key in ("filename", "text", "pretty_text", "env_variables"):
        root = write({f"{key}.py": f"{key} = 1\n"})
        with pytest.raises(KeyError) as exc:
            Config.fromfile(root / f"{key}.py")
        assert key in str(exc.value) and f"{key}.py" in str(exc.value)
    with pytest.raises(KeyError, match="reserved"):
        Config(dict(filename=1))
    root = write({"base_r.py": "text = 1\n", "child_r.py": "_base_ = 'base_r.py'\n"})
    with pytest.raises(KeyError, match="text is reserved for config file") as exc:
        Config.fromfile(root / "child_r.py")
    assert "base_r.py" in str(exc.value) and "child_r.py" in str(exc.value)


def test_use_env_default_in_relative_cwd(write, monkeypatch):
    root = write({"a.py": "x = 1\n"})
    monkeypatch.chdir(root)
    cfg = Config.fromfile("a.py")
    # as 0.10.7: filename is the path as given; the text names the absolute file
    assert cfg.filename == "a.py"
    assert cfg.text.splitlines()[0] == osp.join(os.getcwd(), "a.py")
