import pytest

from mmengine.config import Config, ConfigDict


def test_nested_merge_keeps_base_keys_and_order():
    base = ConfigDict(model=dict(type="ResNet", depth=50, norm=dict(type="BN")), lr=0.1)
    merged = Config._merge_a_into_b(dict(model=dict(depth=101, norm=dict(eps=1e-5))), base)
    assert list(merged) == ["model", "lr"]
    assert merged.model.to_dict() == {
        "type": "ResNet",
        "depth": 101,
        "norm": {"type": "BN", "eps": 1e-5},
    }
    assert base.model.depth == 50  # the base is not modified
    assert isinstance(merged.model.norm, ConfigDict)


def test_delete_key_is_never_left_behind():
    base = ConfigDict(a=dict(x=1))
    merged = Config._merge_a_into_b(
        dict(a=dict(_delete_=True, y=2), new=dict(_delete_=True, z=dict(_delete_=True, w=1))), base
    )
    assert merged.to_dict() == {"a": {"y": 2}, "new": {"z": {"w": 1}}}


def test_list_index_keys():
    base = dict(pipeline=[dict(type="A", k=1), dict(type="B")])
    merged = Config._merge_a_into_b({"pipeline": {"1": dict(k=2)}}, base, allow_list_keys=True)
    assert merged["pipeline"] == [{"type": "A", "k": 1}, {"type": "B", "k": 2}]
    with pytest.raises(TypeError, match="cannot inherit from base"):
        Config._merge_a_into_b({"pipeline": {"1": dict(k=2)}}, base, allow_list_keys=False)
    with pytest.raises(KeyError, match="Index 3 exceeds the length of list"):
        Config._merge_a_into_b({"pipeline": {"3": dict(k=2)}}, base, allow_list_keys=True)


def test_dict_over_scalar_needs_delete():
    with pytest.raises(TypeError) as exc:
        Config._merge_a_into_b(dict(a=dict(b=1)), dict(a=1))
    assert "You may set `_delete_=True`" in str(exc.value) and "'a'" in str(exc.value)
    assert Config._merge_a_into_b(dict(a=dict(_delete_=True, b=1)), dict(a=1)) == {"a": {"b": 1}}


def test_merge_from_dict_through_list_and_new_nested_keys():
    cfg = Config(dict(data=dict(pipeline=[dict(type="Load"), dict(type="Resize", scale=(1, 2))])))
    cfg.merge_from_dict({"data.pipeline.1.scale": (3, 4), "data.new.key": "v"})
    assert cfg.data.pipeline[1].scale == (3, 4)
    assert cfg.data.new.key == "v" and isinstance(cfg.data.new, ConfigDict)
