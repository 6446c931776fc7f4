import numpy as np
import pytest
import torch

from mmengine.structures import BaseDataElement


def _sample():
    return BaseDataElement(
        metainfo=dict(img_id=0, img_shape=(640, 640)),
        bboxes=torch.rand((6, 4)),
        scores=torch.rand((6,)),
    )


def test_metainfo_and_data_are_separate():
    s = _sample()
    assert set(s.metainfo_keys()) == {"img_id", "img_shape"}
    assert set(s.keys()) == {"bboxes", "scores"}
    assert set(s.all_keys()) == {"img_id", "img_shape", "bboxes", "scores"}
    assert "img_shape" in s and "bboxes" in s and "nothing" not in s
    assert s.metainfo == {"img_id": 0, "img_shape": (640, 640)}
    assert dict(s.items()).keys() == {"bboxes", "scores"}
    assert len(s.all_values()) == 4


def test_metainfo_is_deep_copied():
    meta = dict(shape=[1, 2])
    s = BaseDataElement(metainfo=meta)
    meta["shape"].append(3)
    assert s.shape == [1, 2]


def test_field_kind_cannot_change():
    s = _sample()
    with pytest.raises(AttributeError, match="already a metainfo field"):
        s.img_id = 3
    with pytest.raises(AttributeError, match="already a data field"):
        s.set_metainfo(dict(bboxes=1))


def test_private_fields_are_immutable():
    s = _sample()
    with pytest.raises(AttributeError, match="immutable"):
        s._data_fields = set()
    with pytest.raises(AttributeError, match="immutable"):
        del s._metainfo_fields


def test_set_change_delete_pop_get():
    s = _sample()
    s.set_metainfo(dict(img_shape=(1280, 1280)))
    assert s.img_shape == (1280, 1280)
    assert s.get("img_shape") == (1280, 1280)
    assert s.get("missing", 5) == 5
    del s.img_shape
    del s.bboxes
    assert "img_shape" not in s and "bboxes" not in s
    assert s.pop("img_shape", None) is None
    assert isinstance(s.pop("scores"), torch.Tensor)
    assert "scores" not in s.keys()
    with pytest.raises(KeyError, match="not contained"):
        s.pop("scores")


def test_new_and_clone():
    s = _sample()
    n = s.new(metainfo=dict(img_id=1))
    assert n.img_id == 1 and "img_shape" not in n
    assert torch.equal(n.bboxes, s.bboxes)
    n2 = s.new(labels=torch.tensor([1]))
    assert n2.metainfo == s.metainfo and n2.keys() == ["labels"]
    c = s.clone()
    assert type(c) is type(s) and c is not s
    c.scores = torch.zeros(6)
    assert not torch.equal(s.scores, c.scores)


def test_update():
    a = _sample()
    b = BaseDataElement(metainfo=dict(img_id=7), labels=torch.tensor([1, 2]))
    a.update(b)
    assert a.img_id == 7 and torch.equal(a.labels, torch.tensor([1, 2]))


def test_tensor_like_methods_return_new_elements():
    s = _sample()
    s.nested = BaseDataElement(x=torch.ones(2))
    s.arr = np.zeros(3)
    half = s.to(torch.float16)
    assert half.bboxes.dtype == torch.float16 and s.bboxes.dtype == torch.float32
    assert half.metainfo == s.metainfo
    n = s.numpy()
    assert isinstance(n.bboxes, np.ndarray) and isinstance(n.nested.x, np.ndarray)
    t = n.to_tensor()
    assert isinstance(t.arr, torch.Tensor) and isinstance(t.nested.x, torch.Tensor)
    s.grad = torch.ones(2, requires_grad=True) * 2
    assert not s.detach().grad.requires_grad
    assert s.cpu().bboxes.device.type == "cpu"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda():
    s = _sample().cuda()
    assert s.bboxes.is_cuda


def test_to_dict_is_recursive():
    s = BaseDataElement(metainfo=dict(a=1), inner=BaseDataElement(b=2))
    assert s.to_dict() == {"a": 1, "inner": {"b": 2}}


def test_repr_lists_both_sections():
    s = BaseDataElement(metainfo=dict(img_shape=(8, 8)), labels=torch.tensor([0, 1]))
    text = repr(s)
    assert text.startswith("<BaseDataElement(")
    assert "META INFORMATION" in text and "img_shape: (8, 8)" in text
    assert "DATA FIELDS" in text and "labels: tensor([0, 1])" in text


class DetDataSample(BaseDataElement):
    @property
    def proposals(self):
        return self._proposals

    @proposals.setter
    def proposals(self, value):
        self.set_field(value, "_proposals", dtype=BaseDataElement)

    @proposals.deleter
    def proposals(self):
        del self._proposals


def test_typed_property_fields():
    d = DetDataSample()
    p = BaseDataElement(bboxes=torch.rand((5, 4)))
    d.proposals = p
    assert "proposals" in d and d.proposals is p
    assert d.keys() == ["proposals"]
    del d.proposals
    assert "proposals" not in d
    with pytest.raises(AssertionError):
        d.proposals = torch.rand((5, 4))


def _repr_lines(element):
    import re

    return re.sub(r"at 0x[0-9a-f]+", "at 0x..", repr(element)).split("\n")


def test_nested_repr_indents_blank_lines_per_level():
    # recorded from mmengine 0.10.7
    s = BaseDataElement(metainfo=dict(a=1), inner=BaseDataElement(metainfo=dict(x=1)))
    assert _repr_lines(s) == [
        "<BaseDataElement(",
        "",
        "    META INFORMATION",
        "    a: 1",
        "",
        "    DATA FIELDS",
        "    inner: <BaseDataElement(",
        "        ",
        "            META INFORMATION",
        "            x: 1",
        "        ",
        "            DATA FIELDS",
        "        ) at 0x..>",
        ") at 0x..>",
    ]
    deeper = BaseDataElement(inner=BaseDataElement(deeper=BaseDataElement(y=1)))
    lines = _repr_lines(deeper)
    assert lines[lines.index("            deeper: <BaseDataElement(") + 1] == " " * 16


def test_repr_expands_dict_values_like_upstream():
    s = BaseDataElement(metainfo=dict(mm=dict(q=1)), d=dict(a=1, b=dict(c=2, e={})))
    assert _repr_lines(s) == [
        "<BaseDataElement(",
        "",
        "    META INFORMATION",
        "    mm: ",
        "        q: 1",
        "",
        "    DATA FIELDS",
        "    d: ",
        "        a: 1",
        "        b: ",
        "            c: 2",
        "            e: ",
        ") at 0x..>",
    ]
    s = BaseDataElement(d=dict(el=BaseDataElement(z=1)), elems=[BaseDataElement(y=1)])
    lines = _repr_lines(s)
    start = lines.index("        el: <BaseDataElement(")
    assert lines[start : start + 6] == [
        "        el: <BaseDataElement(",
        "            ",
        "                META INFORMATION",
        "            ",
        "                DATA FIELDS",
        "                z: 1",
    ]
    start = lines.index("    elems: [<BaseDataElement(")
    assert lines[start + 1] == "        "
    assert lines[start + 6] == "        ) at 0x..>]"


# The exception classes and leading sentences below were recorded black box from 0.10.7.
def test_pop_argument_errors():
    s = BaseDataElement(a=1)
    with pytest.raises(IndexError):
        s.pop()
    with pytest.raises(AssertionError, match="``pop`` get more than 2 arguments"):
        s.pop("a", 1, 2)
    assert s.a == 1


def test_set_data_and_update_lead_with_upstream_sentences():
    s = BaseDataElement()
    with pytest.raises(AssertionError, match=r"^data should be a `dict` but got \[1\]"):
        s.set_data([1])
    with pytest.raises(
        AssertionError, match=r"^instance should be a `BaseDataElement` but got <class 'dict'>"
    ):
        s.update(dict(a=1))
