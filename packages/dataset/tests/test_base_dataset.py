"""Tests of BaseDataset, Compose and force_full_init."""

from __future__ import annotations

import copy
import json
import os.path as osp
import pickle

import numpy as np
import pytest

from mmengine.dataset import BaseDataset, Compose, force_full_init
from mmengine.dataset.base_dataset import BaseDataset as DeepBaseDataset
from mmengine.registry import TRANSFORMS

DATA_LIST = [
    {"img_path": f"img_{i}.jpg", "height": 10 + i, "width": 20, "label": i % 3} for i in range(6)
]


@pytest.fixture
def ann_file(tmp_path):
    path = tmp_path / "annotations" / "train.json"
    path.parent.mkdir()
    path.write_text(
        json.dumps(
            {"metainfo": {"dataset_type": "toy", "task_name": "cls"}, "data_list": DATA_LIST}
        )
    )
    return path


def make(ann_file, **kwargs):
    kwargs.setdefault("data_root", str(ann_file.parent.parent))
    kwargs.setdefault("data_prefix", dict(img_path="imgs"))
    return BaseDataset(ann_file="annotations/train.json", **kwargs)


def test_deep_import_path_is_the_same_class():
    assert DeepBaseDataset is BaseDataset


@pytest.mark.parametrize("serialize", [True, False])
def test_load_join_and_get(ann_file, serialize):
    ds = make(ann_file, serialize_data=serialize)
    root = str(ann_file.parent.parent)
    assert ds.ann_file == osp.join(root, "annotations/train.json")
    assert ds.data_prefix == dict(img_path=osp.join(root, "imgs"))
    assert len(ds) == 6
    info = ds.get_data_info(2)
    assert info["img_path"] == osp.join(root, "imgs", "img_2.jpg")
    assert info["height"] == 12 and info["sample_idx"] == 2
    assert ds.get_data_info(-1)["sample_idx"] == 5
    # get_data_info returns a copy: mutating it never changes the dataset
    info["height"] = -1
    assert ds.get_data_info(2)["height"] == 12
    assert ds[3]["label"] == 0  # empty pipeline returns the data info
    assert ds._fully_initialized


def test_serialized_storage_is_one_buffer(ann_file):
    ds = make(ann_file)
    assert ds.data_list == []
    assert isinstance(ds.data_bytes, np.ndarray) and ds.data_bytes.dtype == np.uint8
    assert ds.data_address.dtype == np.int64 and len(ds.data_address) == 6
    assert ds.data_address[-1] == ds.data_bytes.size


def test_metainfo_priority(ann_file):
    class Custom(BaseDataset):
        METAINFO = dict(task_name="custom_task", classes=("a", "b"))

    ds = Custom(ann_file=str(ann_file), data_prefix=dict(), metainfo=dict(classes=("x",), extra=1))
    # argument > METAINFO > annotation file
    assert ds.metainfo == dict(task_name="custom_task", classes=("x",), extra=1, dataset_type="toy")
    # metainfo returns a copy
    meta = ds.metainfo
    meta["classes"] = None
    assert ds.metainfo["classes"] == ("x",)
    # the class attribute is untouched
    assert Custom.METAINFO == dict(task_name="custom_task", classes=("a", "b"))


def test_metainfo_from_files(ann_file, tmp_path):
    classes = tmp_path / "classes.txt"
    classes.write_text("cat\ndog\n")
    ds = BaseDataset(
        ann_file=str(ann_file), data_prefix=dict(), metainfo=dict(classes=str(classes))
    )
    assert ds.metainfo["classes"] == ["cat", "dog"]
    # a plain string value is kept as is
    ds = BaseDataset(ann_file=str(ann_file), data_prefix=dict(), metainfo=dict(name="not/a/file"))
    assert ds.metainfo["name"] == "not/a/file"
    # the whole metainfo may be a file
    meta = tmp_path / "meta.json"
    meta.write_text(json.dumps({"classes": ["x", "y"]}))
    ds = BaseDataset(ann_file="", data_prefix=dict(), metainfo=str(meta), lazy_init=True)
    assert ds.metainfo == {"classes": ["x", "y"]}
    with pytest.raises(TypeError, match="metainfo"):
        BaseDataset(ann_file=str(ann_file), metainfo="dog", lazy_init=True)
    with pytest.raises(TypeError, match="metainfo"):
        BaseDataset(ann_file=str(ann_file), metainfo=[1, 2], lazy_init=True)


def test_lazy_init_and_idempotent_full_init(ann_file):
    calls = []

    class Counting(BaseDataset):
        def load_data_list(self):
            calls.append(1)
            return super().load_data_list()

    ds = Counting(ann_file=str(ann_file), data_prefix=dict(), lazy_init=True)
    assert not ds._fully_initialized and calls == [] and ds.data_list == []
    ds.full_init()
    ds.full_init()
    assert calls == [1] and ds.metainfo["dataset_type"] == "toy"

    lazy = Counting(ann_file=str(ann_file), data_prefix=dict(), lazy_init=True)
    assert len(lazy) == 6  # force_full_init on __len__
    lazy2 = Counting(ann_file=str(ann_file), data_prefix=dict(), lazy_init=True)
    assert lazy2[0]["img_path"] == "img_0.jpg"
    assert lazy2._fully_initialized


def test_lazy_metainfo_reads_no_annotation_file(tmp_path):
    path = tmp_path / "ann.json"
    path.write_text(
        json.dumps(
            {"metainfo": {"split": "train", "version": 2, "kind": "file"}, "data_list": [{}]}
        )
    )

    class Toy(BaseDataset):
        METAINFO = dict(kind="toy", classes=("a", "b"))

    ds = Toy(ann_file=str(path), data_prefix=dict(), metainfo=dict(classes=("a",)), lazy_init=True)
    # until full_init: METAINFO merged with the argument only (as mmengine 0.10.7)
    assert ds.metainfo == {"kind": "toy", "classes": ("a",)}
    assert not ds._fully_initialized and ds.data_list == []
    path.unlink()  # nothing was read: metainfo still works without the file
    assert ds.metainfo == {"kind": "toy", "classes": ("a",)}
    with pytest.raises(FileNotFoundError):
        ds.full_init()


def test_full_init_adds_ann_file_metainfo_at_lowest_priority(tmp_path):
    path = tmp_path / "ann.json"
    path.write_text(
        json.dumps(
            {"metainfo": {"split": "train", "version": 2, "kind": "file"}, "data_list": [{}]}
        )
    )

    class Toy(BaseDataset):
        METAINFO = dict(kind="toy", classes=("a", "b"))

    expected = {"kind": "toy", "classes": ("a",), "split": "train", "version": 2}
    lazy = Toy(
        ann_file=str(path), data_prefix=dict(), metainfo=dict(classes=("a",)), lazy_init=True
    )
    lazy.full_init()
    assert lazy.metainfo == expected
    eager = Toy(ann_file=str(path), data_prefix=dict(), metainfo=dict(classes=("a",)))
    assert eager.metainfo == expected


def test_ann_file_errors(tmp_path):
    bad_keys = tmp_path / "bad_keys.json"
    bad_keys.write_text(json.dumps({"data_list": []}))
    with pytest.raises(ValueError, match=r"bad_keys\.json.*metainfo"):
        BaseDataset(ann_file=str(bad_keys))
    bad_type = tmp_path / "bad_type.json"
    bad_type.write_text(json.dumps([1, 2]))
    with pytest.raises(TypeError, match=r"bad_type\.json"):
        BaseDataset(ann_file=str(bad_type))
    with pytest.raises(TypeError, match="data_prefix"):
        BaseDataset(ann_file=str(bad_type), data_prefix=dict(img_path=["img"]))


def test_missing_prefix_key(ann_file):
    with pytest.raises(KeyError, match="seg_map"):
        BaseDataset(ann_file=str(ann_file), data_prefix=dict(seg_map="seg"))


def test_parse_data_info_returning_lists(ann_file):
    class Video(BaseDataset):
        def parse_data_info(self, raw):
            return [dict(raw, frame=0), dict(raw, frame=1)]

    ds = Video(ann_file=str(ann_file))
    assert len(ds) == 12
    assert [ds.get_data_info(i)["frame"] for i in range(2)] == [0, 1]

    class Bad(BaseDataset):
        def parse_data_info(self, raw):
            return "oops"

    with pytest.raises(TypeError, match="data_info should be a dict or list of dict"):
        Bad(ann_file=str(ann_file))


def test_filter_and_indices(ann_file):
    class Filtered(BaseDataset):
        def filter_data(self):
            return [d for d in self.data_list if d["label"] != 0]

    ds = Filtered(ann_file=str(ann_file), data_prefix=dict())
    assert [ds.get_data_info(i)["img_path"] for i in range(len(ds))] == [
        "img_1.jpg",
        "img_2.jpg",
        "img_4.jpg",
        "img_5.jpg",
    ]
    ds = BaseDataset(ann_file=str(ann_file), data_prefix=dict(), indices=2)
    assert len(ds) == 2
    ds = BaseDataset(ann_file=str(ann_file), data_prefix=dict(), indices=[5, 0])
    assert [ds.get_data_info(i)["img_path"] for i in range(2)] == ["img_5.jpg", "img_0.jpg"]


@pytest.mark.parametrize("serialize", [True, False])
@pytest.mark.parametrize(
    "indices, expected",
    [
        (3, [0, 1, 2]),
        (-2, [4, 5]),
        ([4, 1, -1], [4, 1, 5]),
        ([], []),
        (0, []),
        (10, list(range(6))),
        (6, list(range(6))),
        (-6, list(range(6))),
    ],
)
def test_get_subset(ann_file, serialize, indices, expected):
    if serialize and abs(indices if isinstance(indices, int) else 0) >= 6:
        return  # 0.10 refuses these for serialized data (below)
    ds = BaseDataset(ann_file=str(ann_file), data_prefix=dict(), serialize_data=serialize)
    sub = ds.get_subset(indices)
    assert type(sub) is BaseDataset and sub is not ds
    assert len(ds) == 6  # original unchanged
    assert [sub.get_data_info(i)["img_path"] for i in range(len(sub))] == [
        f"img_{i}.jpg" for i in expected
    ]
    ds.get_subset_(indices)
    assert [ds.get_data_info(i)["img_path"] for i in range(len(ds))] == [
        f"img_{i}.jpg" for i in expected
    ]


def test_get_subset_errors(ann_file):
    ds = BaseDataset(ann_file=str(ann_file), data_prefix=dict())
    with pytest.raises(TypeError, match="indices"):
        ds.get_subset("0")
    with pytest.raises(IndexError):
        ds.get_subset([100])


@pytest.mark.parametrize("indices", [6, 10, -6, -10])
def test_get_subset_count_past_the_end_of_serialized_data(ann_file, indices):
    """0.10 asserts for a serialized dataset (the default) and keeps every sample of a plain
    data list (tested above), and for ``indices=`` at construction."""
    ds = BaseDataset(ann_file=str(ann_file), data_prefix=dict())
    with pytest.raises(AssertionError, match=rf"^{indices} is out of dataset length\(6"):
        ds.get_subset(indices)
    with pytest.raises(IndexError):
        ds.get_subset_(indices)
    assert len(ds) == 6
    assert len(BaseDataset(ann_file=str(ann_file), data_prefix=dict(), indices=indices)) == 6


def test_get_subset_keeps_pipeline_and_meta(ann_file):
    ds = BaseDataset(
        ann_file=str(ann_file), data_prefix=dict(), pipeline=[lambda d: dict(d, seen=True)]
    )
    sub = ds.get_subset([1])
    assert sub[0]["seen"] and sub.metainfo == ds.metainfo


def test_refetch_on_none(ann_file):
    def drop_even(d):
        return None if d["sample_idx"] % 2 == 0 else d

    ds = BaseDataset(ann_file=str(ann_file), data_prefix=dict(), pipeline=[drop_even])
    np.random.seed(0)
    for idx in (0, 2, 4):
        assert ds[idx]["sample_idx"] % 2 == 1


def test_refetch_gives_up(ann_file):
    ds = BaseDataset(
        ann_file=str(ann_file), data_prefix=dict(), pipeline=[lambda d: None], max_refetch=3
    )
    with pytest.raises(Exception, match="after 3"):
        ds[1]


def test_test_mode_none_is_error(ann_file):
    calls = []

    def none(d):
        calls.append(d["sample_idx"])

    ds = BaseDataset(ann_file=str(ann_file), data_prefix=dict(), pipeline=[none], test_mode=True)
    with pytest.raises(Exception, match="index 2"):
        ds[2]
    assert calls == [2]  # no refetch in test mode


def test_pickle_and_deepcopy(ann_file):
    ds = BaseDataset(ann_file=str(ann_file), data_prefix=dict())
    for other in (pickle.loads(pickle.dumps(ds)), copy.deepcopy(ds)):
        assert len(other) == 6
        assert other.get_data_info(4) == ds.get_data_info(4)


def test_dataloader_round_trip(ann_file):
    import torch

    from mmengine.dataset import pseudo_collate

    ds = BaseDataset(ann_file=str(ann_file), data_prefix=dict())
    loader = torch.utils.data.DataLoader(ds, batch_size=4, collate_fn=pseudo_collate)
    batches = list(loader)
    assert [len(b["img_path"]) for b in batches] == [4, 2]
    assert batches[0]["label"] == [0, 1, 2, 0]


class AddOne:
    def __init__(self, key="x"):
        self.key = key

    def __call__(self, data):
        data[self.key] += 1
        return data

    def __repr__(self):
        return f"AddOne(key={self.key})"


def test_compose():
    TRANSFORMS.register_module(name="TestAddOneDataset", module=AddOne, force=True)
    pipeline = Compose([dict(type="TestAddOneDataset"), AddOne(), lambda d: d])
    assert pipeline({"x": 0}) == {"x": 2}
    assert len(pipeline.transforms) == 3
    assert repr(pipeline).startswith("Compose(\n    AddOne(key=x)\n    AddOne(key=x)")
    assert Compose(None)({"x": 1}) == {"x": 1}
    # None stops the pipeline
    after = []
    stop = Compose([lambda d: None, lambda d: after.append(d)])
    assert stop({"x": 0}) is None and after == []
    with pytest.raises(TypeError, match="callable"):
        Compose([1])


def test_force_full_init():
    class Lazy:
        _fully_initialized = False

        def __init__(self):
            self.inits = 0

        def full_init(self):
            self.inits += 1

        @force_full_init
        def value(self):
            return self.inits

    obj = Lazy()
    assert obj.value() == 1 and obj.value() == 1 and obj._fully_initialized

    class NoInit:
        @force_full_init
        def value(self):
            return 1

    with pytest.raises(AttributeError, match="full_init"):
        NoInit().value()


def test_serialized_dataset_in_dataloader_workers(ann_file):
    from functools import partial

    import torch

    from mmengine.dataset import DefaultSampler, pseudo_collate, worker_init_fn

    ds = BaseDataset(ann_file=str(ann_file), data_prefix=dict())
    sampler = DefaultSampler(ds, shuffle=False, seed=0)
    loader = torch.utils.data.DataLoader(
        ds,
        batch_size=3,
        sampler=sampler,
        num_workers=2,
        collate_fn=pseudo_collate,
        worker_init_fn=partial(worker_init_fn, num_workers=2, rank=0, seed=0),
        multiprocessing_context="fork",
    )
    batches = list(loader)
    assert [b["sample_idx"] for b in batches] == [[0, 1, 2], [3, 4, 5]]


def test_serialize_list_consumes_source_and_round_trips():
    from mmengine.dataset._serialize import load_item, serialize_list, subset

    items = [dict(i=i, arr=np.arange(i)) for i in range(5)]
    source = copy.deepcopy(items)
    data_bytes, data_address = serialize_list(source)
    assert source == []  # the source list is freed while packing
    assert data_address.tolist() == sorted(data_address.tolist())
    for i in range(-5, 5):
        got = load_item(data_bytes, data_address, i)
        assert got["i"] == items[i]["i"] and np.array_equal(got["arr"], items[i]["arr"])
    sub_bytes, sub_address = subset(data_bytes, data_address, [3, -1, 0])
    assert [load_item(sub_bytes, sub_address, j)["i"] for j in range(3)] == [3, 4, 0]
    empty_bytes, empty_address = serialize_list([])
    assert empty_bytes.size == 0 and empty_address.size == 0


def test_force_full_init_without_full_init_leads_with_upstream_sentence():
    class NoFullInit:
        @force_full_init
        def size(self):
            return 1

    # 0.10.7's sentence, recorded black box
    with pytest.raises(AttributeError, match=r"^<class '.*NoFullInit'> does not have full_init"):
        NoFullInit().size()


def test_metainfo_string_that_names_no_file_is_logged(ann_file, tmp_path, log_messages):
    classes = tmp_path / "classes.txt"
    classes.write_text("cat\ndog\n")
    ds = make(ann_file, lazy_init=True, metainfo=dict(kind="toy_kind", classes=str(classes)))
    messages = log_messages
    assert ds.metainfo == dict(kind="toy_kind", classes=["cat", "dog"])
    # 0.10.7 logs this warning for each string value that names no file
    assert "toy_kind is not a meta file, simply parsed as meta information" in messages
    assert not any(str(classes) in m for m in messages)


def test_metainfo_url_value_is_kept_as_a_string(ann_file, log_messages):
    # the HTTP backend cannot tell whether a URL exists: the value stays a string
    ds = make(ann_file, lazy_init=True, metainfo=dict(home="http://example.invalid/x"))
    assert ds.metainfo == dict(home="http://example.invalid/x")
    assert any("is not a meta file" in m for m in log_messages)
