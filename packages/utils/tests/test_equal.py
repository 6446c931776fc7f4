"""Equality of nested metadata holding arrays (``mmengine.utils._equal.deep_equal``)."""

import pytest

from mmengine.utils._equal import deep_equal


def _pose_meta(sigmas):
    import numpy as np

    return dict(
        dataset_name="coco",
        keypoint_id2name={0: "nose", 1: "left_eye"},
        skeleton_links=[(0, 1)],
        sigmas=np.array(sigmas),
        nested=dict(weights=[np.array([1.0, 2.0])]),
    )


def test_nested_arrays_compare_by_value():
    pytest.importorskip("numpy")  # utils itself does not need NumPy
    # a plain == on these dicts raises "truth value of an array ... is ambiguous"
    with pytest.raises(ValueError):
        bool(_pose_meta([0.1, 0.2]) == _pose_meta([0.1, 0.2]))
    assert deep_equal(_pose_meta([0.1, 0.2]), _pose_meta([0.1, 0.2]))
    assert not deep_equal(_pose_meta([0.1, 0.2]), _pose_meta([0.1, 0.3]))
    assert not deep_equal(_pose_meta([0.1, 0.2]), _pose_meta([0.1, 0.2, 0.3]))


def test_containers_and_scalars_follow_equality():
    assert deep_equal(dict(classes=("a", "b")), dict(classes=("a", "b")))
    assert not deep_equal(dict(classes=("a", "b")), dict(classes=("a", "c")))
    assert not deep_equal(dict(classes=("a",)), dict(classes=("a",), palette=[1]))
    assert not deep_equal(("a",), ["a"])  # as ==: a tuple is not a list
    assert deep_equal(1, 1.0) and not deep_equal("1", 1)


def test_arrays_against_other_values():
    np = pytest.importorskip("numpy")
    assert not deep_equal(np.array([1, 2]), [1, 2])  # an array is not a list
    assert not deep_equal(np.zeros((2, 2)), np.zeros(4))


def test_tensors():
    torch = pytest.importorskip("torch")
    assert deep_equal(dict(w=torch.tensor([1.0, 2.0])), dict(w=torch.tensor([1.0, 2.0])))
    assert not deep_equal(dict(w=torch.tensor([1.0, 2.0])), dict(w=torch.tensor([1.0, 3.0])))
    assert not deep_equal(torch.zeros(2), torch.zeros(3))


def test_uncomparable_values_count_as_different():
    class Odd:
        def __eq__(self, other):
            raise TypeError("no")

    assert not deep_equal(Odd(), Odd())
    odd = Odd()
    assert deep_equal(odd, odd)  # the same object
