import copy
import pickle

import pytest

from mmengine.config import ConfigDict


def test_nested_dicts_become_config_dicts_and_support_attribute_access():
    cfg = ConfigDict(model=dict(backbone=dict(depth=50)), pipeline=[dict(type="A")])
    assert isinstance(cfg.model, ConfigDict)
    assert isinstance(cfg.pipeline[0], ConfigDict)
    assert cfg.model.backbone.depth == 50
    assert cfg["model"]["backbone"]["depth"] == 50
    cfg.model.neck = dict(type="FPN")
    assert isinstance(cfg.model.neck, ConfigDict)
    assert cfg.model.neck.type == "FPN"


def test_missing_attribute_raises_attribute_error_with_suggestion():
    cfg = ConfigDict(optimizer=dict(lr=0.1, momentum=0.9))
    with pytest.raises(AttributeError) as exc:
        _ = cfg.optimizer.lrr
    assert "'ConfigDict' object has no attribute 'lrr'" in str(exc.value)
    assert "Did you mean 'lr'?" in str(exc.value)
    with pytest.raises(KeyError):
        cfg["missing"]
    assert not hasattr(cfg, "missing")
    assert getattr(cfg, "missing", 3) == 3


def test_missing_key_is_not_autovivified():
    cfg = ConfigDict()
    with pytest.raises(AttributeError):
        _ = cfg.a.b
    assert "a" not in cfg


def test_get_pop_update_setdefault():
    cfg = ConfigDict(a=1, b=dict(c=1, d=2))
    assert cfg.get("a") == 1
    assert cfg.get("x") is None
    assert cfg.get("x", 5) == 5
    cfg.update(b=dict(c=3), e=[dict(f=1)])
    assert cfg.b == dict(c=3, d=2)  # nested dicts are merged
    assert isinstance(cfg.e[0], ConfigDict)
    assert cfg.pop("a") == 1
    assert cfg.pop("a", None) is None
    assert cfg.pop("a") is None  # upstream: a missing key gives the default
    assert cfg.setdefault("g", dict(h=1)).h == 1
    assert cfg.setdefault("g", 2) == dict(h=1)


def test_user_dict_subclasses_are_kept():
    class MyDict(dict):
        pass

    cfg = ConfigDict(a=MyDict(b=1))
    assert type(cfg.a) is MyDict


def test_to_dict_returns_builtin_types():
    cfg = ConfigDict(a=dict(b=[dict(c=1)], t=(dict(d=2),)))
    plain = cfg.to_dict()
    assert type(plain) is dict
    assert type(plain["a"]) is dict
    assert type(plain["a"]["b"][0]) is dict
    assert type(plain["a"]["t"]) is tuple and type(plain["a"]["t"][0]) is dict
    assert plain == {"a": {"b": [{"c": 1}], "t": ({"d": 2},)}}


def test_copy_deepcopy_and_pickle():
    cfg = ConfigDict(a=dict(b=[1, 2]), c="x")
    shallow = copy.copy(cfg)
    assert shallow == cfg and shallow is not cfg and shallow.a is cfg.a
    assert cfg.copy().a is cfg.a
    deep = copy.deepcopy(cfg)
    assert deep == cfg and deep.a is not cfg.a and deep.a.b is not cfg.a.b
    loaded = pickle.loads(pickle.dumps(cfg))
    assert loaded == cfg and isinstance(loaded, ConfigDict) and isinstance(loaded.a, ConfigDict)
    assert loaded.a.b == [1, 2]


def test_equality_with_dicts():
    cfg = ConfigDict(a=dict(b=1))
    assert cfg == {"a": {"b": 1}}
    assert cfg == ConfigDict(a=dict(b=1))
    assert cfg != {"a": {"b": 2}}
    assert cfg != [1]


def test_merge_honours_delete_key():
    cfg = ConfigDict(a=dict(b=1, c=2), d=3)
    cfg.merge(dict(a=dict(_delete_=True, e=4), f=5))
    assert cfg.to_dict() == {"a": {"e": 4}, "d": 3, "f": 5}


def test_method_names_are_read_only_attributes():
    cfg = ConfigDict()
    with pytest.raises(AttributeError, match="read-only"):
        cfg.keys = 1
    cfg["keys"] = 1
    assert dict.__getitem__(cfg, "keys") == 1


def test_iteration_and_unpacking():
    cfg = ConfigDict(a=1, b=2)
    assert list(cfg) == ["a", "b"]
    assert dict(**cfg) == {"a": 1, "b": 2}
    assert cfg.items() == [("a", 1), ("b", 2)]
    assert cfg.values() == [1, 2]
