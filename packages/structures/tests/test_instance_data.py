import itertools

import numpy as np
import pytest
import torch

from mmengine.structures import InstanceData


class TmpObject:
    def __init__(self, tmp):
        self.tmp = list(tmp)

    def __len__(self):
        return len(self.tmp)

    def __getitem__(self, item):
        if isinstance(item, int):
            item = slice(item, None, len(self))
        return TmpObject(self.tmp[item])

    @staticmethod
    def cat(objs):
        return TmpObject(itertools.chain(*[o.tmp for o in objs]))


def _inst():
    i = InstanceData(metainfo=dict(img_shape=(800, 1196, 3)))
    i.det_labels = torch.LongTensor([2, 3])
    i["det_scores"] = torch.Tensor([0.8, 0.7])
    i.bboxes = torch.rand((2, 4))
    i.polygons = TmpObject([[1, 2], [5, 6]])
    i.names = ["a", "b"]
    i.arr = np.array([10, 20])
    return i


def test_length_is_consistent():
    i = _inst()
    assert len(i) == 2
    with pytest.raises(AssertionError, match="not consistent"):
        i.other = torch.zeros(3)
    # 0.10.7's sentence, recorded black box
    with pytest.raises(AssertionError, match="^value must contain `__len__` attribute"):
        i.number = 3
    assert len(InstanceData()) == 0


def test_bool_and_long_indexing():
    i = _inst()
    sel = i[i.det_scores > 0.75]
    assert len(sel) == 1
    assert sel.det_labels.tolist() == [2]
    assert sel.polygons.tmp == [[1, 2]]
    assert sel.names == ["a"] and sel.arr.tolist() == [10]
    assert sel.metainfo == i.metainfo
    order = i[i.det_scores.sort().indices]
    assert order.det_scores.tolist() == pytest.approx([0.7, 0.8])
    assert order.names == ["b", "a"]
    empty = i[i.det_scores > 1]
    assert len(empty) == 0 and empty.bboxes.shape == (0, 4) and empty.names == []


def test_int_slice_list_numpy_indexing():
    i = _inst()
    assert i[0].det_labels.tolist() == [2]
    assert i[-1].names == ["b"]
    assert i[1:].names == ["b"]
    assert i[[1, 0]].names == ["b", "a"]
    assert i[np.array([True, False])].names == ["a"]
    assert i["names"] == ["a", "b"]
    with pytest.raises(IndexError):
        i[2]
    with pytest.raises(AssertionError, match="does not match"):
        i[torch.tensor([True])]


def test_cat():
    i = _inst()
    c = InstanceData.cat([i, i])
    assert len(c) == 4
    assert c.det_labels.tolist() == [2, 3, 2, 3]
    assert c.polygons.tmp == [[1, 2], [5, 6], [1, 2], [5, 6]]
    assert c.names == ["a", "b", "a", "b"]
    assert c.arr.tolist() == [10, 20, 10, 20]
    assert InstanceData.cat([i]) is i
    other = InstanceData(x=torch.zeros(1))
    with pytest.raises(AssertionError, match="different keys"):
        InstanceData.cat([i, other])


@pytest.mark.parametrize(
    "index",
    [torch.tensor([0.5]), torch.tensor([1], dtype=torch.uint8), 1.5, (0, 1)],
    ids=["float-tensor", "uint8-tensor", "float", "tuple"],
)
def test_unsupported_index_raises_assertion_and_type_error(index):
    data = InstanceData(x=torch.arange(3))
    with pytest.raises(AssertionError, match="Unsupported index"):
        data[index]
    with pytest.raises(TypeError, match="Unsupported index"):
        data[index]
    # int32 indexes are accepted (an extension)
    assert data[torch.tensor([2, 0], dtype=torch.int32)].x.tolist() == [2, 0]


def test_bad_input_keeps_the_0_10_sentences_and_class_names():
    from mmengine.structures import BaseDataElement, LabelData

    with pytest.raises(AssertionError, match=r"^metainfo should be a ``dict`` but got <class"):
        BaseDataElement(metainfo=[1, 2])
    data = InstanceData(bboxes=torch.rand(3, 4))
    with pytest.raises(AssertionError) as info:
        InstanceData.cat([data, InstanceData(labels=torch.tensor([1]))])
    assert str(info.value).startswith(
        "There are different keys in `instances_list`, which may cause the cat operation to "
        "fail. Please make sure all elements in `instances_list` have the exact same key."
    )
    with pytest.raises(TypeError) as info:  # and 0.10's AssertionError, named as it
        data[1.0]
    assert type(info.value).__name__ == "AssertionError"
    with pytest.raises(ValueError) as info:
        LabelData.label_to_onehot(torch.tensor([5]), 3)
    assert type(info.value).__name__ == "AssertionError" and "out of range" in str(info.value)


# The expectations below were recorded black box from mmengine 0.10.7.
def test_numpy_index_of_unsupported_dtype_is_an_index_error():
    i = _inst()
    # 0.10 raises IndexError for float (and uint8) numpy indexes
    with pytest.raises(IndexError, match="must be of integer"):
        i[np.array([1.0])]
    with pytest.raises(IndexError):
        i[np.array([1, 0], dtype=np.uint8)]


@pytest.mark.parametrize("np_dtype", [np.int8, np.int16, np.uint16, np.int32])
def test_numpy_integer_indexes_of_any_width(np_dtype):
    sel = _inst()[np.array([1, 0], dtype=np_dtype)]
    assert sel.names == ["b", "a"] and sel.det_labels.tolist() == [3, 2]


@pytest.mark.parametrize("dtype", [torch.int8, torch.int16])
def test_narrow_integer_index_tensors_select(dtype):
    # torch itself refuses int8/int16 index tensors
    sel = _inst()[torch.tensor([1], dtype=dtype)]
    assert sel.names == ["b"] and sel.arr.tolist() == [20]


def test_cat_of_list_subclass_and_tuple_fields():
    class Names(list):
        pass

    out = InstanceData.cat([InstanceData(x=Names([1])), InstanceData(x=Names([2, 3]))])
    assert type(out.x) is list and out.x == [1, 2, 3]  # 0.10 gives a plain list
    out = InstanceData.cat([InstanceData(x=(1,)), InstanceData(x=(2,))])
    assert out.x == (1, 2)


def test_cat_compares_metainfo_keys_too():
    a = InstanceData(metainfo=dict(img_id=1), x=[1])
    with pytest.raises(AssertionError, match="There are different keys in `instances_list`"):
        InstanceData.cat([a, InstanceData(x=[2])])
    # same keys, other values: the first's metainfo is kept
    out = InstanceData.cat([a, InstanceData(metainfo=dict(img_id=2), x=[2])])
    assert out.metainfo == {"img_id": 1} and out.x == [1, 2]
