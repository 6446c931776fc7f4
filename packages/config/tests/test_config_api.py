import argparse
import copy
import pickle
import sys
import warnings

import pytest

from mmengine.config import Config, ConfigDict


def make():
    return Config(dict(a=1, b=dict(c=[1, 2], d=dict(e="x"))), filename=None)


def test_dict_and_attribute_interface():
    cfg = make()
    assert cfg.a == 1 and cfg["a"] == 1 and cfg.b.d.e == "x"
    assert len(cfg) == 2 and list(cfg) == ["a", "b"] and "a" in cfg and "z" not in cfg
    assert list(cfg.keys()) == ["a", "b"]
    assert dict(cfg.items())["a"] == 1
    assert cfg.get("z", 3) == 3
    cfg.f = dict(g=1)
    cfg["h"] = dict(i=2)
    assert isinstance(cfg.f, ConfigDict) and isinstance(cfg.h, ConfigDict)
    cfg.b.c[1] = 3
    assert cfg.b.c == [1, 3]
    cfg.update(dict(a=5))
    assert cfg.a == 5
    assert cfg.pop("h").i == 2 and "h" not in cfg
    del cfg.f
    assert "f" not in cfg
    assert cfg.to_dict() == {"a": 5, "b": {"c": [1, 3], "d": {"e": "x"}}}
    assert type(cfg.to_dict()["b"]) is dict


def test_init_validation():
    with pytest.raises(TypeError, match="cfg_dict must be a dict"):
        Config([1, 2])
    assert Config().to_dict() == {}


def test_repr_mentions_path():
    assert repr(make()) == "Config (path: None): {'a': 1, 'b': {'c': [1, 2], 'd': {'e': 'x'}}}"


def test_pickle_deepcopy_copy():
    cfg = Config(dict(a=dict(b=1)), cfg_text="a = dict(b=1)", filename="x.py")
    loaded = pickle.loads(pickle.dumps(cfg))
    assert loaded.to_dict() == cfg.to_dict()
    assert loaded.filename == "x.py" and loaded.text == "a = dict(b=1)"
    deep = copy.deepcopy(cfg)
    assert deep.to_dict() == cfg.to_dict() and deep._cfg_dict is not cfg._cfg_dict
    assert deep.a is not cfg.a and deep.filename == "x.py"
    shallow = copy.copy(cfg)
    assert shallow._cfg_dict is not cfg._cfg_dict and shallow.a is cfg.a
    assert cfg.copy()._cfg_dict is not cfg._cfg_dict
    shallow.new = 1
    assert "new" not in cfg


def test_merge_from_dict_dotted_and_list_keys():
    cfg = Config(dict(model=dict(backbone=dict(type="ResNet"))))
    cfg.merge_from_dict({"model.backbone.depth": 50, "model.backbone.with_cp": True})
    assert cfg._cfg_dict == {
        "model": {"backbone": {"type": "ResNet", "depth": 50, "with_cp": True}}
    }
    cfg = Config(dict(pipeline=[dict(type="LoadImage"), dict(type="LoadAnnotations")]))
    cfg.merge_from_dict(dict(pipeline={"0": dict(type="SelfLoadImage")}), allow_list_keys=True)
    assert cfg._cfg_dict == {"pipeline": [{"type": "SelfLoadImage"}, {"type": "LoadAnnotations"}]}
    cfg.merge_from_dict({"pipeline.1.with_bbox": True})
    assert cfg.pipeline[1].to_dict() == {"type": "LoadAnnotations", "with_bbox": True}
    with pytest.raises(KeyError, match="Index 5 exceeds"):
        cfg.merge_from_dict({"pipeline.5.x": 1})
    with pytest.raises(TypeError):
        cfg.merge_from_dict({"pipeline.0.x": 1}, allow_list_keys=False)


def test_merge_from_dict_with_dict_action():
    parser = argparse.ArgumentParser()
    from mmengine.config import DictAction

    parser.add_argument("--cfg-options", nargs="+", action=DictAction)
    args = parser.parse_args(["--cfg-options", "optimizer.lr=0.1", "model.in_channels=[1,1,1]"])
    cfg = Config(dict(model=dict(type="M", in_channels=[1, 2, 3]), optimizer=dict(lr=0.01)))
    cfg.merge_from_dict(args.cfg_options)
    assert cfg.optimizer.lr == 0.1 and cfg.model.in_channels == [1, 1, 1]


def test_merge_from_dict_warns_on_probably_misspelt_key():
    cfg = Config(dict(optimizer=dict(lr=0.01, momentum=0.9)))
    with pytest.warns(UserWarning, match="Did you mean 'momentum'"):
        cfg.merge_from_dict({"optimizer.momentun": 0.8})
    assert cfg.optimizer.momentun == 0.8  # still added, as upstream
    # a legitimate new key that only resembles one (mmpose's browse_dataset sets this) is quiet
    cfg = Config(dict(visualizer=dict(type="V", vis_backends=[dict(type="LocalVisBackend")])))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cfg.merge_from_dict({"visualizer.backend": "matplotlib", "optimizer.lr": 0.1})
    assert cfg.visualizer.backend == "matplotlib"


def test_merge_a_into_b_static():
    a = dict(obj=dict(_delete_=True, a=2))
    b = dict(obj=dict(a=1, b=2))
    assert Config._merge_a_into_b(a, b) == {"obj": {"a": 2}}
    assert b == {"obj": {"a": 1, "b": 2}}  # b not modified
    assert Config._merge_a_into_b({"0": dict(a=2)}, [dict(a=1), dict(b=2)], True) == [
        {"a": 2},
        {"b": 2},
    ]


def test_to_dict_and_lazy_dict_for_plain_config():
    cfg = make()
    assert cfg.to_dict() == cfg._to_lazy_dict() == cfg.to_dict(keep_imported=True)


def test_auto_argparser(tmp_path, monkeypatch):
    path = tmp_path / "c.py"
    path.write_text("a = 1\nb = dict(c='x', d=0.5, e=True)\nf = [1, 2]\n")
    monkeypatch.setattr(sys, "argv", ["prog", str(path)])
    parser, cfg = Config.auto_argparser("desc")
    assert cfg.a == 1
    args = parser.parse_args([str(path), "--a", "3", "--b.c", "y", "--b.e", "--f", "3", "4"])
    assert args.a == 3 and getattr(args, "b.c") == "y" and getattr(args, "b.e") is True
    assert args.f == [3, 4]


def test_diff(tmp_path):
    a = Config(dict(a=1, b=2))
    b = Config(dict(a=2, b=2))
    expected = "--- \n\n+++ \n\n@@ -1,3 +1,3 @@\n\n-a = 1\n+a = 2\n b = 2\n \n\n"
    assert Config.diff(a, b) == expected
    pa, pb = tmp_path / "a.py", tmp_path / "b.py"
    a.dump(pa)
    b.dump(pb)
    assert Config.diff(str(pa), str(pb)) == expected
    assert Config.diff(pa, a) == "\n"


def test_deep_import_paths():
    from mmengine.config.config import Config as C2
    from mmengine.config.config import ConfigDict as CD2
    from mmengine.config.config import DictAction as DA2
    from mmengine.config.lazy import LazyAttr, LazyObject  # noqa: F401
    from mmengine.config.utils import ConfigParsingError, RemoveAssignFromAST  # noqa: F401

    assert C2 is Config and CD2 is ConfigDict and DA2.__name__ == "DictAction"
    assert ConfigDict.__module__ == "mmengine.config.config"
