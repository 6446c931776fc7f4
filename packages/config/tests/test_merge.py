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


def test_delete_marker_kept_where_nothing_is_replaced():
    # C3 (upstream quirk): the marker is consumed only where a base value is replaced
    base = ConfigDict(a=dict(x=1))
    child = dict(a=dict(_delete_=True, y=2), new=dict(_delete_=True, z=dict(_delete_=True, w=1)))
    merged = Config._merge_a_into_b(child, base)
    assert merged.to_dict() == {
        "a": {"y": 2},
        "new": {"_delete_": True, "z": {"_delete_": True, "w": 1}},
    }
    # the child is not modified (its markers are read, not popped)
    assert child["a"] == {"_delete_": True, "y": 2}


def test_one_dict_under_two_keys_is_merged_per_key():
    # C1: the same child dict object under two keys: each key honours `_delete_`
    shared = dict(_delete_=True, y=2)
    merged = Config._merge_a_into_b(dict(p=shared, q=shared), dict(p=dict(x=1), q=dict(x=1)))
    assert merged == {"p": {"y": 2}, "q": {"y": 2}}
    assert merged["p"] is not merged["q"]


C1_BASE = (
    "val_dataloader = dict(batch_size=1, dataset=dict(type='A', split='val', ann='a.json'))\n"
    "test_dataloader = val_dataloader\n"
)
C1_EXPECTED = {"batch_size": 2, "dataset": {"type": "B", "root": "x"}}


@pytest.mark.parametrize(
    "child",
    [
        "val_dataloader = dict(_delete_=True, batch_size=2, dataset=dict(type='B', root='x'))\n",
        "val_dataloader = dict(batch_size=2, dataset=dict(_delete_=True, type='B', root='x'))\n",
    ],
    ids=["top-level", "nested"],
)
def test_delete_with_aliased_keys_from_files(write, child):
    # the spec's example: both aliases lose the base's split/ann
    root = write(
        {
            "base.py": C1_BASE,
            "child.py": "_base_ = './base.py'\n" + child + "test_dataloader = val_dataloader\n",
        }
    )
    cfg = Config.fromfile(root / "child.py")
    assert cfg.val_dataloader.to_dict() == C1_EXPECTED
    assert cfg.test_dataloader.to_dict() == C1_EXPECTED
    cfg.val_dataloader.dataset.root = "y"  # the two keys are independent values
    assert cfg.test_dataloader.dataset.root == "x"


def test_delete_with_aliases_over_a_three_level_chain(write):
    # expected values recorded from upstream 0.10.7 on the same files
    root = write(
        {
            "a.py": (
                "test_pipeline = [dict(type='Load'), dict(type='Resize', scale=(1, 2))]\n"
                "ds = dict(type='Coco', ann_file='a.json', pipeline=test_pipeline)\n"
                "val_dataloader = dict(batch_size=1, dataset=ds, sampler=dict(shuffle=False))\n"
                "test_dataloader = val_dataloader\n"
                "val_evaluator = dict(type='CocoMetric', ann_file='a.json', metric='bbox')\n"
                "test_evaluator = val_evaluator\n"
            ),
            "b.py": (
                "_base_ = './a.py'\n"
                "val_dataloader = dict(dataset=dict(_delete_=True, type='Lvis', "
                "pipeline={{_base_.test_pipeline}}))\n"
                "test_dataloader = val_dataloader\n"
                "val_evaluator = dict(_delete_=True, type='LvisMetric', metric=['bbox'])\n"
                "test_evaluator = val_evaluator\n"
            ),
            "child.py": (
                "_base_ = './b.py'\n"
                "val_dataloader = dict(batch_size=4)\n"
                "test_dataloader = dict(dataset=dict(test_mode=True))\n"
                "test_evaluator = dict(outfile_prefix='./out')\n"
            ),
        }
    )
    cfg = Config.fromfile(root / "child.py")
    pipeline = [{"type": "Load"}, {"type": "Resize", "scale": (1, 2)}]
    assert cfg.val_dataloader.to_dict() == {
        "batch_size": 4,
        "dataset": {"type": "Lvis", "pipeline": pipeline},
        "sampler": {"shuffle": False},
    }
    assert cfg.test_dataloader.to_dict() == {
        "batch_size": 1,
        "dataset": {"type": "Lvis", "pipeline": pipeline, "test_mode": True},
        "sampler": {"shuffle": False},
    }
    assert cfg.val_evaluator.to_dict() == {"type": "LvisMetric", "metric": ["bbox"]}
    assert cfg.test_evaluator.to_dict() == {
        "type": "LvisMetric",
        "metric": ["bbox"],
        "outfile_prefix": "./out",
    }


def test_shared_nested_delete_dict_in_several_places(write):
    # recorded from upstream 0.10.7: replaced where the base has the key, kept as written
    # (marker included) where it is new
    root = write(
        {
            "a.yaml": "d1: {a: 1, inner: {p: 1, q: 2}}\nd2: {a: 2, inner: {p: 3}}\n",
            "child.py": (
                "_base_ = './a.yaml'\n"
                "inner = dict(_delete_=True, r=5)\n"
                "d1 = dict(inner=inner)\n"
                "d2 = dict(inner=inner)\n"
                "d3 = dict(inner=inner)\n"
                "both = [inner, inner]\n"
            ),
        }
    )
    cfg = Config.fromfile(root / "child.py")
    assert cfg.d1.to_dict() == {"a": 1, "inner": {"r": 5}}
    assert cfg.d2.to_dict() == {"a": 2, "inner": {"r": 5}}
    assert cfg.d3.to_dict() == {"inner": {"_delete_": True, "r": 5}}
    assert cfg.both == [{"_delete_": True, "r": 5}] * 2


def test_delete_over_grandparent_then_merge_again(write):
    root = write(
        {
            "a.py": (
                "model = dict(type='M', head=dict(loss=dict(type='CE', w=1.0), num=10), "
                "aux=dict(loss=dict(type='CE', w=1.0), num=10))\n"
            ),
            "b.py": (
                "_base_ = './a.py'\n"
                "loss = dict(_delete_=True, type='Focal', gamma=2.0)\n"
                "model = dict(head=dict(loss=loss), aux=dict(loss=loss))\n"
            ),
            "child.py": (
                "_base_ = './b.py'\n"
                "model = dict(head=dict(loss=dict(alpha=0.25)), aux=dict(_delete_=True, type='N'))\n"
            ),
        }
    )
    cfg = Config.fromfile(root / "child.py")
    assert cfg.model.to_dict() == {
        "type": "M",
        "head": {"loss": {"type": "Focal", "gamma": 2.0, "alpha": 0.25}, "num": 10},
        "aux": {"type": "N"},
    }


def test_delete_without_base_value_stays(write):
    # C3: upstream keeps the marker when the base has no such key
    root = write(
        {
            "base.py": "model = dict(type='M')\n",
            "child.py": (
                "_base_ = './base.py'\n"
                "optimizer_config = dict(_delete_=True, grad_clip=dict(max_norm=35, norm_type=2))\n"
                "model = dict(extra=dict(_delete_=True, b=2))\n"
            ),
        }
    )
    cfg = Config.fromfile(root / "child.py")
    assert cfg.optimizer_config.to_dict() == {
        "_delete_": True,
        "grad_clip": {"max_norm": 35, "norm_type": 2},
    }
    assert cfg.model.extra.to_dict() == {"_delete_": True, "b": 2}


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


def test_list_item_delete_and_type_errors():
    cfg = Config(dict(p=[dict(type="A", k=1)], s=[1, 2]))
    cfg.merge_from_dict({"p.0": dict(_delete_=True, type="X")})
    assert cfg.p == [{"type": "X"}]
    with pytest.raises(TypeError, match="'s.0'"):
        cfg.merge_from_dict({"s.0.a": 1})


def test_merge_from_dict_through_list_and_new_nested_keys():
    cfg = Config(dict(data=dict(pipeline=[dict(type="Load"), dict(type="Resize", scale=(1, 2))])))
    cfg.merge_from_dict({"data.pipeline.1.scale": (3, 4), "data.new.key": "v"})
    assert cfg.data.pipeline[1].scale == (3, 4)
    assert cfg.data.new.key == "v" and isinstance(cfg.data.new, ConfigDict)
