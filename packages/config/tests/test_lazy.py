import copy
import os.path as osp
import pickle

import pytest

from mmengine.config import Config, ConfigDict, ConfigParsingError, LazyAttr, LazyObject


def test_lazy_object_builds_module_and_attribute():
    import json
    import xml.dom

    obj = LazyObject("json", "JSONDecoder", location="cfg.py, line 1")
    assert obj.module == "json" and str(obj) == "JSONDecoder"
    assert obj.build() is json.JSONDecoder
    assert LazyObject("json").build() is json
    multi = LazyObject(["xml.dom", "xml.sax"])
    assert multi.module == "xml" and multi.build().dom is xml.dom


def test_lazy_attr_module_paths():
    nn = LazyObject("xml.dom")
    attr = nn.minidom
    assert isinstance(attr, LazyAttr)
    assert attr.module == "xml.dom" and str(attr) == "minidom"
    deeper = attr.Node
    assert deeper.module == "xml.dom.minidom" and str(deeper) == "Node"
    import xml.dom.minidom

    assert deeper.build() is xml.dom.minidom.Node
    frm = LazyObject("xml", "dom").minidom
    assert frm.module == "xml.dom"
    assert LazyObject(["xml.dom"]).minidom.module == "xml"


def test_lazy_errors_name_location():
    with pytest.raises(ImportError, match="cfg.py, line 3"):
        LazyObject("no_such_module_xyz", location="cfg.py, line 3").build()
    with pytest.raises(ImportError, match="NoSuchName"):
        LazyObject("json", "NoSuchName", location="cfg.py, line 4").build()
    with pytest.raises(RuntimeError):
        LazyObject("json")()
    with pytest.raises(TypeError):
        LazyObject(1)


def test_lazy_copy_and_pickle():
    obj = LazyObject("json", "JSONDecoder", "loc")
    for other in (copy.copy(obj), copy.deepcopy(obj), pickle.loads(pickle.dumps(obj))):
        assert isinstance(other, LazyObject)
        assert other.module == "json" and str(other) == "JSONDecoder"
    attr = LazyObject("xml").dom
    again = pickle.loads(pickle.dumps(attr))
    assert again.module == "xml" and str(again) == "dom"


def test_config_dict_builds_lazy_values_outside_parsing():
    import json

    cfg = ConfigDict(type=LazyObject("json", "JSONDecoder"))
    assert cfg.type is json.JSONDecoder
    assert cfg["type"] is json.JSONDecoder
    assert cfg.get("type") is json.JSONDecoder
    assert dict(cfg.items())["type"] is json.JSONDecoder
    assert isinstance(dict.__getitem__(cfg, "type"), LazyObject)
    assert cfg.to_dict() == {"type": "json.JSONDecoder"}
    assert isinstance(cfg._to_lazy_dict()["type"], LazyObject)


@pytest.fixture
def lazy_cfg(data_dir):
    return Config.fromfile(osp.join(data_dir, "lazy", "child.py"))


def test_lazy_config_inherits_with_read_base(lazy_cfg):
    assert lazy_cfg.default_scope == "mmengine"
    assert lazy_cfg.log_dir == osp.join("work_dirs", "logs")
    assert lazy_cfg.max_epochs == 24
    assert lazy_cfg.optimizer.lr == 0.01


def test_lazy_config_imports_are_lazy_and_build_on_access(lazy_cfg):
    import addict
    import yaml

    raw = dict.__getitem__(lazy_cfg._cfg_dict, "loader")
    assert isinstance(dict.__getitem__(raw, "type"), LazyObject)
    assert isinstance(dict.__getitem__(raw, "dumper"), LazyAttr)
    assert lazy_cfg.loader.type is yaml.SafeLoader
    assert lazy_cfg.loader.dumper is yaml.SafeDumper
    assert lazy_cfg.optimizer.type is addict.Dict


def test_lazy_config_to_dict_and_imported_names(lazy_cfg):
    plain = lazy_cfg.to_dict()
    assert plain["loader"] == {"type": "yaml.SafeLoader", "dumper": "yaml.SafeDumper"}
    assert plain["optimizer"] == {"type": "addict.Dict", "lr": 0.01}
    for name in ("yaml", "Loader", "AddictDict", "osp", "read_base"):
        assert name not in plain
    kept = lazy_cfg.to_dict(keep_imported=True)
    assert kept["Loader"] == "yaml.SafeLoader" and "AddictDict" in kept


def test_lazy_config_pretty_text_round_trip(lazy_cfg):
    again = Config.fromstring(lazy_cfg.pretty_text, ".py")
    assert again.to_dict() == lazy_cfg.to_dict()
    assert "type='yaml.SafeLoader'" in lazy_cfg.pretty_text


def test_lazy_import_flag_forces_mode(write):
    import yaml

    root = write(
        {
            "plain.py": "import json\na = 1\n",
            "lazy.py": "from yaml import SafeLoader\nfrom json import JSONDecoder\n"
            "a = dict(type=SafeLoader, dec=JSONDecoder)\n",
        }
    )
    cfg = Config.fromfile(root / "plain.py", lazy_import=True)
    assert cfg.to_dict() == {"a": 1}
    cfg = Config.fromfile(root / "lazy.py")
    # standard-library imports are real imports, others are lazy
    assert cfg.to_dict() == {
        "a": {"type": "yaml.SafeLoader", "dec": __import__("json").JSONDecoder}
    }
    eager = Config.fromfile(root / "lazy.py", lazy_import=False)
    assert eager.a.type is yaml.SafeLoader
    assert "SafeLoader" in eager  # plain configs keep imported classes
    assert ConfigDict.lazy is False


def test_lazy_detection():
    assert Config._is_lazy_import.__doc__
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        cases = {
            "a.py": ("import yaml\nx = 1\n", True),
            "b.py": ("import os\nx = 1\n", False),
            "c.py": ("_base_ = 'b.py'\nimport yaml\n", False),
            "d.py": (
                "from mmengine.config import read_base\nwith read_base():\n    from .b import *\n",
                True,
            ),
            "e.py": ("from .b import x\n", True),
            "f.json": ("{}", False),
        }
        for name, (text, expected) in cases.items():
            path = osp.join(d, name)
            with open(path, "w") as f:
                f.write(text)
            assert Config._is_lazy_import(path) is expected, name


def test_lazy_base_cannot_use_underscore_base(write):
    root = write(
        {
            "old.py": "a = 1\n",
            "oldstyle.py": "_base_ = 'old.py'\nb = 2\n",
            "new.py": "from mmengine.config import read_base\nwith read_base():\n    from .oldstyle import *\n",
        }
    )
    with pytest.raises(ConfigParsingError, match="_base_"):
        Config.fromfile(root / "new.py")


def test_non_lazy_chain_rejects_lazy_base(write):
    root = write({"lazy.py": "import yaml\na = 1\n", "child.py": "_base_ = 'lazy.py'\n"})
    with pytest.raises(RuntimeError, match="lazy_import"):
        Config.fromfile(root / "child.py")


def test_lazy_missing_base_and_bad_statements(write):
    root = write(
        {
            "missing.py": "from mmengine.config import read_base\nwith read_base():\n    from .nope import *\n",
            "bad.py": "from mmengine.config import read_base\nwith read_base():\n    import yaml\n",
            "rel.py": "from mmengine.config import read_base\nwith read_base():\n    from . import x\n",
            "base.py": "a = 1\nb = 2\n",
            "name.py": "from mmengine.config import read_base\nwith read_base():\n    from .base import c\n",
            "ok.py": "from mmengine.config import read_base\nwith read_base():\n    from .base import a as alias\n",
        }
    )
    with pytest.raises(ConfigParsingError, match="nope.py not found"):
        Config.fromfile(root / "missing.py")
    with pytest.raises(ConfigParsingError, match="bad.py, line 3"):
        Config.fromfile(root / "bad.py")
    with pytest.raises(ConfigParsingError, match="from . import"):
        Config.fromfile(root / "rel.py")
    with pytest.raises(ConfigParsingError, match="cannot import name 'c'"):
        Config.fromfile(root / "name.py")
    assert Config.fromfile(root / "ok.py").to_dict() == {"alias": 1}


def test_lazy_syntax_error_names_file(write):
    root = write({"bad.py": "import yaml\nx = (\n"})
    with pytest.raises(SyntaxError, match="bad.py"):
        Config.fromfile(root / "bad.py")


def test_lazy_config_pickles(lazy_cfg):
    again = pickle.loads(pickle.dumps(lazy_cfg))
    assert again.to_dict() == lazy_cfg.to_dict()
    import yaml

    assert again.loader.type is yaml.SafeLoader


def test_builtin_only_config_keeps_values_and_hides_imports(write, tmp_path):
    root = write(
        {
            "mix.py": "import os.path as osp\n"
            "from functools import partial\n"
            "from itertools import chain\n"
            "path = osp.join('a', 'b')\n"
            "suffix = osp.splitext('a/b.py')[1]\n"
            "chained = list(chain([1, 2], [3, 4]))\n"
            "existed = osp.exists(__file__)\n"
            "cfgname = partial(osp.basename, __file__)()\n"
        }
    )
    cfg = Config.fromfile(root / "mix.py")
    assert cfg.path == osp.join("a", "b") and cfg.suffix == ".py"
    assert cfg.chained == [1, 2, 3, 4] and cfg.existed and cfg.cfgname == "mix.py"
    dumped = tmp_path / "dumped.py"
    cfg.dump(dumped)
    again = Config.fromfile(dumped)
    assert set(again.keys()) == {"path", "suffix", "chained", "existed", "cfgname"}
    assert again.to_dict() == cfg.to_dict()


def test_lazy_errors_surface_on_access(write):
    root = write(
        {
            "error_obj.py": "from yaml import no_such_object_xyz\n",
            "error_attr.py": "import yaml\nerror_attr = yaml.no_such_attr_xyz\n",
            "error_module.py": "import no_such_module_xyz\n",
        }
    )
    with pytest.raises(ImportError):
        _ = Config.fromfile(root / "error_obj.py").no_such_object_xyz
    with pytest.raises(ImportError):
        _ = Config.fromfile(root / "error_attr.py").error_attr
    with pytest.raises(ImportError):
        _ = Config.fromfile(root / "error_module.py").no_such_module_xyz


def test_parse_lazy_import_private_api(data_dir):
    cfg_dict, imported = Config._parse_lazy_import(osp.join(data_dir, "lazy", "child.py"))
    assert {"yaml", "Loader", "AddictDict"} <= imported
    assert isinstance(dict.__getitem__(cfg_dict.loader, "type"), LazyObject)
    assert ConfigDict.lazy is False


def test_dotted_names_of_modules_objects_and_attributes():
    cfg = ConfigDict(
        mod=LazyObject("xml.dom"),
        obj=LazyObject("xml.dom", "minidom"),
        attr=LazyObject("xml.dom").minidom,
        multi=LazyObject(["xml.dom", "xml.sax"]),
    )
    assert cfg.to_dict() == {
        "mod": "xml.dom",
        "obj": "xml.dom.minidom",
        "attr": "xml.dom.minidom",
        "multi": "xml",
    }


def test_lazy_relative_parent_and_absolute_package_bases(write, monkeypatch):
    root = write(
        {
            "common/runtime.py": "default_scope = 'x'\nhooks = dict(logger=dict(interval=50))\n",
            "configs/det/model.py": "from mmengine.config import read_base\n"
            "with read_base():\n"
            "    from ...common.runtime import *\n"
            "hooks.logger.interval = 10\n",
            "fakecfgpkg_xyz/__init__.py": "",
            "fakecfgpkg_xyz/configs/base.py": "lr = 0.1\n",
            "user.py": "from mmengine.config import read_base\n"
            "with read_base():\n"
            "    from fakecfgpkg_xyz.configs.base import lr\n"
            "lr = lr * 2\n",
        }
    )
    cfg = Config.fromfile(root / "configs" / "det" / "model.py")
    assert cfg.default_scope == "x" and cfg.hooks.logger.interval == 10
    monkeypatch.syspath_prepend(str(root))
    assert Config.fromfile(root / "user.py").to_dict() == {"lr": 0.2}


def test_lazy_base_values_are_copied_not_shared(write):
    root = write(
        {
            "base.py": "model = dict(depth=50)\n",
            "a.py": "from mmengine.config import read_base\n"
            "with read_base():\n"
            "    from .base import *\n"
            "model.depth = 101\n",
            "b.py": "from mmengine.config import read_base\n"
            "with read_base():\n"
            "    from .base import *\n"
            "    from .a import model as a_model\n",
        }
    )
    cfg = Config.fromfile(root / "b.py")
    assert cfg.model.depth == 50 and cfg.a_model.depth == 101


def test_lazy_config_keeps_functions_and_lambdas(write):
    # C2: top-level defs and lambdas of a pure-Python config are values; modules are not
    root = write(
        {
            "fn.py": "import argparse\n"
            "import mmengine\n"
            "from torch.optim import SGD\n\n\n"
            "def parse_args():\n"
            "    return argparse.Namespace(x=1)\n\n\n"
            "lr = 0.1\n"
            "optimizer = dict(type=SGD, lr=lr)\n"
            "scale = lambda x: 2 * x\n"
        }
    )
    cfg = Config.fromfile(root / "fn.py")
    assert list(cfg.to_dict()) == ["parse_args", "lr", "optimizer", "scale"]
    assert cfg.scale(3) == 6
    assert cfg.parse_args().x == 1  # the module it uses is still bound in its globals
    assert "argparse" not in cfg
    assert type(cfg._to_lazy_dict()["optimizer"]["type"]).__name__ == "LazyObject"
    copy.deepcopy(cfg)


def test_classic_base_may_import_openmmlab_packages(write, tmp_path, monkeypatch):
    # mmpretrain's replknet bases do `from mmpretrain.models import build_classifier`; 0.10
    # loads such chains as classic configs (the imported names are not config values).
    pkg = tmp_path / "site" / "mmpretrain"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("def build_classifier(cfg):\n    return cfg\n")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    root = write(
        {
            "base.py": "from mmpretrain import build_classifier\nmodel = dict(type='X')\n",
            "child.py": "_base_ = 'base.py'\nlr = 0.1\n",
        }
    )
    assert Config.fromfile(root / "child.py").to_dict() == {"model": {"type": "X"}, "lr": 0.1}


def test_missing_base_name_is_also_a_key_error(write):
    """0.10 raises ``KeyError`` for a name the base does not define; ours says which file,
    line and base, and is a ``KeyError`` too (OpenCompass's apps_mini_gen.py has this)."""
    root = write(
        {
            "base.py": "APPS_mini_datasets = [1]\n",
            "child.py": "from mmengine.config import read_base\nwith read_base():\n"
            "    from .base import APPS_datasets\n",
        }
    )
    with pytest.raises(KeyError) as info:
        Config.fromfile(root / "child.py")
    assert isinstance(info.value, ConfigParsingError)
    assert str(info.value).startswith(f"{root / 'child.py'}, line 3: cannot import name")
    assert "Did you mean 'APPS_mini_datasets'?" in str(info.value)


def test_relative_import_outside_read_base_loads_as_in_0_10(write):
    """Outside ``with read_base():`` a relative import is no base import: 0.10 loads the file
    and keeps the names as unresolved lazy imports; so does ours, with a warning."""
    root = write(
        {
            "base_a.py": "x = 1\n",
            "only_import.py": "from .base_a import x  # noqa\n",
            "uses.py": "from .base_a import x\ny = [x]\nz = dict(v=x)\n",
        }
    )
    with pytest.warns(UserWarning, match=r"only_import.py, line 1: `from .base_a import"):
        assert Config.fromfile(root / "only_import.py").to_dict() == {}
    with pytest.warns(UserWarning, match="put the import inside `with read_base"):
        cfg = Config.fromfile(root / "uses.py")
    assert cfg.to_dict() == {"y": [".base_a.x"], "z": {"v": ".base_a.x"}}


def test_subclassing_a_lazily_imported_class_says_why(write):
    """0.10 fails with an empty ``RuntimeError``; ours names the class and the way out."""
    root = write(
        {
            "sub.py": "from addict import Dict\n\nclass MyDict(Dict):\n    pass\n\nx = dict(type=MyDict)\n"
        }
    )
    with pytest.raises(
        ConfigParsingError,
        match=r"`class MyDict\(Dict\)`: a pure-Python config "
        "cannot subclass a class it imports",
    ) as info:
        Config.fromfile(root / "sub.py")
    assert isinstance(info.value, RuntimeError)
    assert any("sub.py" in note for note in getattr(info.value, "__notes__", []))
