"""Bad input through the public API: the error names what is wrong, where, and the fix.

Every case keeps the exception class that MMEngine 0.10 raises for the same input (possibly
later, or by accident), and upstream's sentence where it has one.
"""

from __future__ import annotations

import json
import logging
import signal

import numpy as np
import pytest
import torch

from mmengine.dataset import (
    BaseDataset,
    ClassBalancedDataset,
    Compose,
    ConcatDataset,
    DefaultSampler,
    InfiniteSampler,
    RepeatDataset,
    default_collate,
    pseudo_collate,
)
from mmengine.registry import TRANSFORMS

DATA_LIST = [{"img_path": f"i{i}.jpg", "label": i % 2} for i in range(4)]


def text(excinfo) -> str:
    """The message of an exception and its PEP 678 notes (also on Python 3.10)."""
    return "\n".join([str(excinfo.value), *getattr(excinfo.value, "__notes__", [])])


def write(tmp_path, name, content) -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


@pytest.fixture
def ann(tmp_path):
    return write(
        tmp_path, "ann.json", {"metainfo": {"classes": ["a", "b"]}, "data_list": DATA_LIST}
    )


class _ListHandler(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.fixture
def warnings_logged():
    from mmengine.logging import MMLogger

    logger = MMLogger.get_current_instance()
    handler = _ListHandler()
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


# --------------------------------------------------------------------- annotation file
@pytest.mark.parametrize(
    "content, classes, parts",
    [
        ([1, 2], (TypeError,), ["should be a dict", "bad.json", "load_data_list"]),
        (
            {"metainfo": {}},
            (ValueError,),
            ["Annotation must have data_list and metainfo keys", "bad.json", "no data_list"],
        ),
        (
            {"metainfo": [1], "data_list": []},
            (AttributeError, TypeError),
            ["`metainfo` of annotation file", "bad.json", "list"],
        ),
        (
            {"metainfo": {}, "data_list": {"img_path": "x"}},
            (TypeError, AssertionError),
            ["`data_list` of annotation file", "bad.json", "dict"],
        ),
        (
            {"metainfo": {}, "data_list": [{"img_path": "x"}, 5]},
            (TypeError, AssertionError),
            ["raw_data_info should be a dict", "data_list[1]", "bad.json"],
        ),
        (
            {"metainfo": {}, "data_list": [{"img_path": 3}]},
            (TypeError,),
            ["'img_path' of raw_data_info", "str path", "int", "data_list[0]"],
        ),
        (
            {"metainfo": {}, "data_list": [{"img_path": "x"}, {"img": "y"}]},
            (KeyError, AssertionError),
            ["dose not contain prefix keyimg_path", "its keys are ['img']", "data_list[1]"],
        ),
        ('{"metainfo": {}, "data_list": [}', (ValueError,), ["bad.json", "ann_file"]),
    ],
)
def test_malformed_annotation_file(tmp_path, content, classes, parts):
    path = write(tmp_path, "bad.json", content)
    with pytest.raises(classes[0]) as excinfo:
        BaseDataset(ann_file=path, data_prefix=dict(img_path="imgs"))
    assert all(isinstance(excinfo.value, c) for c in classes)
    for part in parts:
        assert part in text(excinfo)


def test_missing_ann_file_names_data_root(tmp_path):
    with pytest.raises(FileNotFoundError) as excinfo:
        BaseDataset(ann_file="train.json", data_root=str(tmp_path / "nodir"))
    assert "data_root" in text(excinfo) and "nodir" in text(excinfo)


@pytest.mark.parametrize(
    "kwargs, classes, parts",
    [
        (dict(ann_file=123), (TypeError,), ["ann_file", "int"]),
        # 0.10's os.path sentence leads (mmpretrain's dataset test matches "expected str")
        (
            dict(ann_file=["a.txt"]),
            (TypeError,),
            ["expected str, bytes or os.PathLike object, not list", "ann_file", "['a.txt']"],
        ),
        (dict(data_root=5), (TypeError, AssertionError), ["data_root", "int"]),
        (dict(data_prefix="imgs/"), (AttributeError, TypeError), ["data_prefix", "'imgs/'"]),
        (dict(data_prefix=None), (AttributeError, TypeError), ["data_prefix", "None"]),
        (
            dict(data_prefix=dict(img_path=None)),
            (TypeError,),
            ["prefix should be a string", "data_prefix['img_path']"],
        ),
        (
            dict(metainfo=["a", "b"]),
            (TypeError,),
            ["metainfo should be a Mapping or Config", "['a', 'b']"],
        ),
        (
            dict(metainfo="no/such/meta.json"),
            (TypeError,),
            ["metainfo should be a Mapping or Config", "names no file"],
        ),
    ],
)
def test_bad_constructor_arguments(ann, kwargs, classes, parts):
    kwargs.setdefault("ann_file", ann)
    with pytest.raises(classes[0]) as excinfo:
        BaseDataset(**kwargs)
    assert all(isinstance(excinfo.value, c) for c in classes)
    for part in parts:
        assert part in text(excinfo)


@pytest.mark.parametrize("flag", ["test_mode", "serialize_data", "lazy_init"])
def test_string_flag_warns(ann, flag, warnings_logged):
    BaseDataset(ann_file=ann, **{flag: "False"})
    assert any(flag in m and "'False'" in m and "counts as True" in m for m in warnings_logged)


# --------------------------------------------------------------------- indices
@pytest.mark.parametrize("serialize", [True, False])
def test_indices_out_of_range(ann, serialize):
    with pytest.raises(IndexError) as excinfo:
        BaseDataset(ann_file=ann, indices=[0, 10], serialize_data=serialize)
    assert "index 10" in text(excinfo) and "4 samples" in text(excinfo)
    ds = BaseDataset(ann_file=ann, serialize_data=serialize)
    with pytest.raises(IndexError) as excinfo:
        ds.get_subset([0, -9])
    assert isinstance(excinfo.value, AssertionError)  # 0.10's serialized subset asserted
    assert "index -9" in text(excinfo)


def test_float_indices_are_refused(ann):
    # a silent int(0.5) == 0 would pick another sample than the user named
    with pytest.raises(TypeError) as excinfo:
        BaseDataset(ann_file=ann, indices=[0.5, 1])
    assert "indices should be a int or sequence of int" in text(excinfo)
    assert "0.5" in text(excinfo)


@pytest.mark.parametrize("serialize", [True, False])
@pytest.mark.parametrize("idx", [4, 10, -5])
def test_index_out_of_range(ann, serialize, idx):
    ds = BaseDataset(ann_file=ann, serialize_data=serialize)
    for get in (ds.__getitem__, ds.get_data_info):
        with pytest.raises(IndexError) as excinfo:
            get(idx)
        assert f"index {idx}" in text(excinfo) and "length 4" in text(excinfo)


@pytest.mark.parametrize("idx", ["0", 1.0])
def test_index_of_wrong_type(ann, idx):
    ds = BaseDataset(ann_file=ann)
    with pytest.raises(TypeError) as excinfo:
        ds[idx]
    assert isinstance(excinfo.value, IndexError)
    assert "should be an int" in text(excinfo) and type(idx).__name__ in text(excinfo)


def test_empty_dataset_index(tmp_path):
    ds = BaseDataset(ann_file=write(tmp_path, "e.json", {"metainfo": {}, "data_list": []}))
    with pytest.raises(IndexError, match="empty"):
        ds[0]


# --------------------------------------------------------------------- data list
@pytest.mark.parametrize("serialize", [True, False])
def test_non_dict_data_info(serialize):
    class NonDict(BaseDataset):
        def load_data_list(self):
            return [{"a": 1}, "str"]

    ds = NonDict(serialize_data=serialize)
    assert ds.get_data_info(0) == {"a": 1, "sample_idx": 0}
    with pytest.raises(TypeError) as excinfo:
        ds.get_data_info(1)
    assert "index 1" in text(excinfo) and "NonDict.load_data_list" in text(excinfo)


@pytest.mark.parametrize("returned", [{"a": 1}, None])
def test_load_data_list_returning_no_list(returned):
    class NotList(BaseDataset):
        def load_data_list(self):
            return returned

    with pytest.raises(TypeError) as excinfo:
        NotList()
    assert "NotList.load_data_list should return a list of dict" in text(excinfo)


@pytest.mark.parametrize("serialize", [True, False])
def test_load_data_list_returning_tuple(serialize):
    class Tup(BaseDataset):
        def load_data_list(self):
            return ({"a": 1}, {"a": 2})

    ds = Tup(serialize_data=serialize)
    assert len(ds) == 2 and ds[1] == {"a": 2, "sample_idx": 1}


def test_unpicklable_entry_is_named():
    class Unpicklable(BaseDataset):
        def load_data_list(self):
            return [{"a": 1}, {"a": 2, "fn": lambda x: x}]

    with pytest.raises(Exception) as excinfo:
        Unpicklable()
    assert "data_list[1]['fn']" in text(excinfo) and "serialize_data=False" in text(excinfo)
    assert len(Unpicklable(serialize_data=False)) == 2


# --------------------------------------------------------------------- pipeline
class Boom:
    def __call__(self, results):
        raise ValueError("boom")

    def __repr__(self):
        return "Boom()"


class Drop:
    def __call__(self, results):
        return None

    def __repr__(self):
        return "Drop()"


@pytest.mark.parametrize("test_mode", [False, True])
def test_transform_error_names_transform_and_sample(ann, test_mode):
    ds = BaseDataset(ann_file=ann, pipeline=[lambda r: r, Boom()], test_mode=test_mode)
    with pytest.raises(ValueError, match="boom") as excinfo:
        ds[2]
    assert "transform 1 of the pipeline: Boom()" in text(excinfo)
    assert "sample index 2 of BaseDataset" in text(excinfo)


def test_refetch_exhaustion_says_why(ann):
    ds = BaseDataset(ann_file=ann, pipeline=[lambda r: r, Drop()], max_refetch=3)
    with pytest.raises(Exception) as excinfo:
        ds[1]
    message = text(excinfo)
    assert message.startswith(
        "Cannot find valid image after 3! Please check your image path and pipeline"
    )
    assert "index 1" in message and "transform 1: Drop()" in message


def test_negative_max_refetch_is_explained(ann):
    with pytest.raises(Exception) as excinfo:
        BaseDataset(ann_file=ann, max_refetch=-1)[0]
    assert "max_refetch of BaseDataset is -1" in text(excinfo)


def test_max_refetch_of_wrong_type(ann):
    with pytest.raises(TypeError) as excinfo:
        BaseDataset(ann_file=ann, max_refetch="3")[0]
    assert "max_refetch" in text(excinfo) and "'3'" in text(excinfo)


def test_test_mode_none_names_transform(ann):
    ds = BaseDataset(ann_file=ann, pipeline=[Drop()], test_mode=True)
    with pytest.raises(Exception) as excinfo:
        ds[1]
    assert text(excinfo).startswith("Test time pipline should not get `None` data_sample")
    assert "index 1" in text(excinfo) and "Drop()" in text(excinfo)


@TRANSFORMS.register_module()
class _NeedsScale:
    def __init__(self, scale):
        self.scale = scale

    def __call__(self, results):
        return results


@TRANSFORMS.register_module()
class _NotCallable:
    pass


@pytest.mark.parametrize(
    "transforms, parts",
    [
        ("LoadImage", ["transform must be a callable object or dict", "[dict(type='LoadImage')]"]),
        (["LoadImage"], ["transform must be a callable object or dict", "dict(type='LoadImage')"]),
        (3, ["list of transforms", "int"]),
        ([dict(type="_NotCallable")], ["transform should be a callable object", "transform 0"]),
    ],
)
def test_compose_bad_transforms(transforms, parts):
    with pytest.raises(TypeError) as excinfo:
        Compose(transforms)
    for part in parts:
        assert part in text(excinfo)


def test_compose_build_error_names_transform():
    with pytest.raises(TypeError) as excinfo:
        Compose([lambda r: r, dict(type="_NeedsScale", scal=2)])
    assert "transform 1 of the pipeline" in text(excinfo)


# --------------------------------------------------------------------- wrappers
def test_concat_bad_datasets_argument(ann):
    with pytest.raises(IndexError) as excinfo:
        ConcatDataset([])
    assert isinstance(excinfo.value, ValueError) and "empty" in text(excinfo)
    with pytest.raises(KeyError) as excinfo:
        ConcatDataset(BaseDataset(ann_file=ann))
    assert isinstance(excinfo.value, TypeError) and "datasets=[...]" in text(excinfo)


def test_concat_mismatch_counts_like_upstream_and_flags_typo(ann, tmp_path):
    other = write(tmp_path, "o.json", {"metainfo": {"classes": ["a", "c"]}, "data_list": DATA_LIST})
    datasets = [BaseDataset(ann_file=p) for p in (ann, ann, other)]
    with pytest.raises(ValueError) as excinfo:
        ConcatDataset(datasets, ignore_keys=["clases"])
    message = text(excinfo)
    assert message.startswith("The meta information of the 3-th dataset does not match")
    assert "datasets[2]" in message and "'clases'" in message and "match no metainfo key" in message
    extra = BaseDataset(ann_file=ann, metainfo=dict(extra=1))
    with pytest.raises(ValueError) as excinfo:
        ConcatDataset([datasets[0], extra])
    assert text(excinfo).startswith("extra does not in the meta information of the 1-th dataset")


@pytest.mark.parametrize("idx", [8, 100])
def test_concat_index_out_of_range(ann, idx):
    ds = ConcatDataset([BaseDataset(ann_file=ann), BaseDataset(ann_file=ann)])
    for get in (ds.__getitem__, ds.get_data_info):
        with pytest.raises(IndexError) as excinfo:
            get(idx)
        assert f"index {idx}" in text(excinfo) and "length 8" in text(excinfo)


def test_concat_pipeline_error_names_both_indices(ann):
    ds = ConcatDataset([BaseDataset(ann_file=ann), BaseDataset(ann_file=ann, pipeline=[Boom()])])
    with pytest.raises(ValueError) as excinfo:
        ds[5]
    assert "sample index 1 of BaseDataset" in text(excinfo)
    assert "index 5 of ConcatDataset is index 1 of datasets[1]" in text(excinfo)


@pytest.mark.parametrize(
    "times, cls, part",
    [(-1, ValueError, "times of RepeatDataset is -1"), (1.5, TypeError, "float")]
    + [("2", TypeError, "str"), (None, TypeError, "NoneType")],
)
def test_repeat_bad_times(ann, times, cls, part):
    with pytest.raises(cls) as excinfo:
        RepeatDataset(BaseDataset(ann_file=ann), times=times)
    assert part in text(excinfo)


def test_repeat_zero_times_warns(ann, warnings_logged):
    ds = RepeatDataset(BaseDataset(ann_file=ann), times=0)
    assert len(ds) == 0
    assert any("times of RepeatDataset is 0" in m for m in warnings_logged)


def test_repeat_of_empty_dataset(tmp_path):
    empty = BaseDataset(ann_file=write(tmp_path, "e.json", {"metainfo": {}, "data_list": []}))
    ds = RepeatDataset(empty, times=2)
    with pytest.raises(IndexError) as excinfo:
        ds[0]
    assert isinstance(excinfo.value, ZeroDivisionError) and "empty" in text(excinfo)


class _Cats(BaseDataset):
    def get_cat_ids(self, idx):
        return [self.get_data_info(idx)["label"]]


class _NoneCats(BaseDataset):
    def get_cat_ids(self, idx):
        return None


@pytest.mark.parametrize(
    "thr, cls, part", [(-0.1, ValueError, "math domain error"), ("0.5", TypeError, "str")]
)
def test_class_balanced_bad_threshold(ann, thr, cls, part):
    with pytest.raises(cls) as excinfo:
        ClassBalancedDataset(_Cats(ann_file=ann), oversample_thr=thr)
    assert part in text(excinfo) and "oversample_thr" in text(excinfo)


def test_class_balanced_bad_cat_ids_and_index(ann):
    with pytest.raises(TypeError) as excinfo:
        ClassBalancedDataset(_NoneCats(ann_file=ann), oversample_thr=0.5)
    assert "_NoneCats.get_cat_ids(0)" in text(excinfo) and "None" in text(excinfo)
    with pytest.raises(NotImplementedError) as excinfo:
        ClassBalancedDataset(BaseDataset(ann_file=ann), oversample_thr=0.5)
    assert "must implement `get_cat_ids` method" in text(excinfo)
    ds = ClassBalancedDataset(_Cats(ann_file=ann), oversample_thr=0.5)
    with pytest.raises(IndexError) as excinfo:
        ds[100]
    assert "index 100" in text(excinfo) and f"length {len(ds)}" in text(excinfo)


# --------------------------------------------------------------------- samplers
class _Sized:
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n


def _alarm(signum, frame):
    raise TimeoutError("the sampler hangs")


@pytest.mark.skipif(not hasattr(signal, "SIGALRM"), reason="needs SIGALRM")
def test_infinite_sampler_of_empty_dataset_fails_instead_of_hanging():
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(10)
    try:
        with pytest.raises(ValueError, match="empty"):
            next(iter(InfiniteSampler(_Sized(0), seed=0)))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("shuffle", [True, False])
def test_default_sampler_of_empty_dataset(shuffle):
    with pytest.raises(ZeroDivisionError) as excinfo:
        list(DefaultSampler(_Sized(0), shuffle=shuffle, seed=0))
    assert isinstance(excinfo.value, ValueError) and "empty" in text(excinfo)
    assert list(DefaultSampler(_Sized(0), shuffle=shuffle, seed=0, round_up=False)) == []


@pytest.mark.parametrize("sampler", [DefaultSampler, InfiniteSampler])
@pytest.mark.parametrize("seed", ["42", 1.5])
def test_sampler_seed_of_wrong_type(sampler, seed):
    with pytest.raises(TypeError) as excinfo:
        sampler(_Sized(5), seed=seed)
    assert isinstance(excinfo.value, RuntimeError)
    assert f"seed of {sampler.__name__} should be an int" in text(excinfo)


def test_sampler_seed_numpy_int_and_overflow():
    assert list(DefaultSampler(_Sized(5), seed=np.int64(3))) == list(
        DefaultSampler(_Sized(5), seed=3)
    )
    with pytest.raises(ValueError, match="64 bits"):
        DefaultSampler(_Sized(5), seed=2**70)


def test_sampler_string_shuffle_warns(warnings_logged):
    DefaultSampler(_Sized(5), shuffle="False", seed=0)
    assert any("shuffle of DefaultSampler" in m and "'False'" in m for m in warnings_logged)


# --------------------------------------------------------------------- collate
def test_default_collate_shape_mismatch_names_key_and_shapes():
    batch = [
        dict(inputs=dict(img=torch.zeros(3, 2))),
        dict(inputs=dict(img=torch.zeros(3, 3))),
    ]
    with pytest.raises(RuntimeError) as excinfo:
        default_collate(batch)
    message = text(excinfo)
    assert "data_batch[i]['inputs']['img']" in message
    assert "shape=[3, 2]" in message and "shape=[3, 3]" in message
    assert "pseudo_collate" in message


MIXED_LEAVES = [
    ([dict(a=1), dict(a="x")], TypeError, ["['a']", "int 1", "str 'x'"]),
    (
        [dict(a=torch.zeros(2)), dict(a=np.zeros(2))],
        TypeError,
        ["['a']", "Tensor", "ndarray", "different types"],
    ),
]


@pytest.mark.parametrize("batch, cls, parts", MIXED_LEAVES)
def test_default_collate_mixed_leaves(batch, cls, parts):
    with pytest.raises(cls) as excinfo:
        default_collate(batch)
    for part in parts:
        assert part in text(excinfo)


@pytest.mark.parametrize(
    "batch, cls, parts",
    [
        ([dict(a=1, b=2), dict(a=1)], KeyError, ["item 1 of the batch has no key 'b'"]),
        ([dict(a=1), [1]], TypeError, ["item 1 of the batch is a list"]),
        (
            [dict(a=[1, 2]), dict(a=[1])],
            RuntimeError,
            ["each data_itement in list of batch should be of equal size", "['a']"],
        ),
    ],
)
@pytest.mark.parametrize("collate", [default_collate, pseudo_collate])
def test_collate_bad_structure(collate, batch, cls, parts):
    with pytest.raises(cls) as excinfo:
        collate(batch)
    for part in parts:
        assert part in text(excinfo)


def test_collate_errors_leave_valid_batches_alone():
    batch = [dict(a=torch.ones(2), b=[1, 2]), dict(a=torch.zeros(2), b=[3, 4])]
    out = default_collate(batch)
    assert out["a"].shape == (2, 2) and [t.tolist() for t in out["b"]] == [[1, 3], [2, 4]]
    assert pseudo_collate(batch)["b"] == [(1, 3), (2, 4)]


def test_no_hidden_state_left_on_reraised_errors():
    # the collate path bookkeeping must not stay on the exception object
    with pytest.raises(RuntimeError) as excinfo:
        default_collate([dict(a=torch.zeros(3)), dict(a=torch.zeros(4))])
    assert not hasattr(excinfo.value, "_collate_path")
