"""Tests of ConcatDataset, RepeatDataset and ClassBalancedDataset."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mmengine.dataset import BaseDataset, ClassBalancedDataset, ConcatDataset, RepeatDataset
from mmengine.registry import DATASETS


class ToyDataset(BaseDataset):
    METAINFO = dict(classes=("a", "b", "c"))

    def __init__(self, labels=(0, 1, 2), tag="t", **kwargs):
        self.labels = list(labels)
        self.tag = tag
        kwargs.setdefault("data_prefix", dict())
        super().__init__(**kwargs)

    def load_data_list(self):
        return [dict(label=lab, tag=self.tag, pos=i) for i, lab in enumerate(self.labels)]

    def get_cat_ids(self, idx):
        label = self.get_data_info(idx)["label"]
        return [] if label is None else [label]


DATASETS.register_module(name="WrapperToyDataset", module=ToyDataset, force=True)


def test_concat():
    a, b = ToyDataset(tag="a"), ToyDataset(labels=[1, 1], tag="b")
    cat = ConcatDataset([a, dict(type="WrapperToyDataset", labels=[2], tag="c")])
    assert len(cat) == 4
    assert [cat[i]["tag"] for i in range(4)] == ["a", "a", "a", "c"]
    assert cat.get_data_info(-1)["tag"] == "c"
    assert cat.get_data_info(3)["pos"] == 0
    assert cat.metainfo == a.metainfo
    with pytest.raises(ValueError, match="exceed"):
        cat.get_data_info(-5)
    cat2 = ConcatDataset([a, b])
    assert cat2._get_ori_dataset_idx(4) == (1, 1)
    assert isinstance(cat2, __import__("torch").utils.data.ConcatDataset)


def test_concat_metainfo_mismatch():
    a = ToyDataset()
    b = ToyDataset(metainfo=dict(classes=("x",)))
    with pytest.raises(ValueError, match="'classes'"):
        ConcatDataset([a, b])
    assert len(ConcatDataset([a, b], ignore_keys="classes")) == 6
    c = ToyDataset(metainfo=dict(extra=1))
    with pytest.raises(ValueError, match="'extra'"):
        ConcatDataset([a, c])
    d = ToyDataset(metainfo=dict(classes=["a", "b", "c"]))
    with pytest.raises(TypeError, match="classes"):
        ConcatDataset([a, d])
    # numpy metainfo compares by value
    e = ToyDataset(metainfo=dict(palette=np.array([1, 2])))
    f = ToyDataset(metainfo=dict(palette=np.array([1, 2])))
    assert len(ConcatDataset([e, f])) == 6
    g = ToyDataset(metainfo=dict(palette=np.array([1, 3])))
    with pytest.raises(ValueError, match="palette"):
        ConcatDataset([e, g])
    with pytest.raises(TypeError, match="ignore_keys"):
        ConcatDataset([a], ignore_keys=1)
    with pytest.raises(TypeError, match="BaseDataset"):
        ConcatDataset([a, [1, 2]])


def test_lazy_wrappers():
    for wrapper in (
        lambda ds: ConcatDataset([ds], lazy_init=True),
        lambda ds: RepeatDataset(ds, 2, lazy_init=True),
        lambda ds: ClassBalancedDataset(ds, 0.5, lazy_init=True),
    ):
        ds = ToyDataset(lazy_init=True)
        wrapped = wrapper(ds)
        assert not wrapped._fully_initialized and not ds._fully_initialized
        assert wrapped.metainfo == dict(classes=("a", "b", "c"))
        assert wrapped[0]["label"] == 0
        assert wrapped._fully_initialized and ds._fully_initialized


def test_repeat():
    ds = ToyDataset()
    rep = RepeatDataset(ds, times=3)
    assert len(rep) == 9
    assert [rep[i]["pos"] for i in range(9)] == [0, 1, 2] * 3
    assert rep.get_data_info(4)["pos"] == 1
    built = RepeatDataset(dict(type="WrapperToyDataset"), times=2)
    assert len(built) == 6
    with pytest.raises(TypeError, match="RepeatDataset"):
        RepeatDataset([1], 2)


def test_class_balanced_repeat_factors():
    # label 0 in 6 of 8 samples, label 1 in 1, label 2 in 1; one sample unlabeled
    labels = [0, 0, 0, 0, 0, 0, 1, None]
    ds = ToyDataset(labels=labels)
    thr = 0.5
    cbd = ClassBalancedDataset(ds, oversample_thr=thr)
    r1 = max(1.0, math.sqrt(thr / (1 / 8)))  # 2.0
    expected = []
    for i, lab in enumerate(labels):
        factor = r1 if lab == 1 else 1.0
        expected += [i] * math.ceil(factor)
    assert cbd.repeat_indices == expected
    assert len(cbd) == len(expected) == 9
    assert cbd.get_cat_ids(6) == [1] and cbd.get_cat_ids(7) == [1]
    assert cbd.get_data_info(8)["label"] is None
    assert cbd[6]["pos"] == 6
    assert cbd.metainfo == ds.metainfo


@pytest.mark.parametrize(
    "make",
    [
        lambda: ConcatDataset([ToyDataset()]),
        lambda: RepeatDataset(ToyDataset(), 2),
        lambda: ClassBalancedDataset(ToyDataset(), 0.1),
    ],
)
def test_subset_not_supported(make):
    wrapped = make()
    with pytest.raises(NotImplementedError, match="get_subset"):
        wrapped.get_subset(1)
    with pytest.raises(NotImplementedError, match="get_subset"):
        wrapped.get_subset_([0])


def test_registered():
    for name in ("ConcatDataset", "RepeatDataset", "ClassBalancedDataset"):
        assert DATASETS.get(name) is not None
    rep = DATASETS.build(
        dict(type="RepeatDataset", dataset=dict(type="WrapperToyDataset"), times=2)
    )
    assert len(rep) == 6


# Texts below were recorded black box from mmengine 0.10.7 (typos included).
@pytest.mark.parametrize(
    "make, name",
    [
        (lambda: ConcatDataset([ToyDataset()]), "ConcatDataset"),
        (lambda: RepeatDataset(ToyDataset(), 2), "RepeatDataset"),
        (lambda: ClassBalancedDataset(ToyDataset(), 0.1), "ClassBalancedDataset"),
    ],
)
def test_subset_not_supported_message(make, name):
    with pytest.raises(NotImplementedError) as info:
        make().get_subset(1)
    assert str(info.value).startswith(
        f"`{name}` dose not support `get_subset` and `get_subset_` interfaces because this "
        "will lead to ambiguous implementation of some methods. If you want to use "
        "`get_subset` or `get_subset_` interfaces, please use them in the wrapped dataset "
        f"first and then use `{name}`."
    )


def test_concat_negative_index_message():
    concat = ConcatDataset([ToyDataset(), ToyDataset()])
    with pytest.raises(
        ValueError, match=r"^absolute value of index\(-7\) should not exceed datasetlength\(6\)\."
    ):
        concat[-7]


@pytest.mark.parametrize(
    "wrap",
    [
        lambda ds: ConcatDataset([ds], lazy_init=True),
        lambda ds: RepeatDataset(ds, 2, lazy_init=True),
        lambda ds: ClassBalancedDataset(ds, 0.5, lazy_init=True),
    ],
)
def test_lazy_wrapper_getitem_logs_upstream_line(wrap, log_messages):
    wrap(ToyDataset(lazy_init=True))[0]
    # one line for every wrapper, so the logger's duplicate filter shows it once
    assert "Please call `full_init` method manually to accelerate the speed." in log_messages
