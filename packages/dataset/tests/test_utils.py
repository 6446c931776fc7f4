"""Tests of the collate functions and worker_init_fn."""

from __future__ import annotations

import random
from collections import namedtuple

import numpy as np
import pytest
import torch

from mmengine.dataset import COLLATE_FUNCTIONS, default_collate, pseudo_collate, worker_init_fn
from mmengine.registry import FUNCTIONS

Point = namedtuple("Point", ["x", "y"])


def test_pseudo_collate_structure():
    batch = [
        dict(inputs=torch.zeros(3), meta=dict(id=1, name="a"), pair=(1, 2), lst=[1, 2]),
        dict(inputs=torch.ones(3), meta=dict(id=2, name="b"), pair=(3, 4), lst=[3, 4]),
    ]
    out = pseudo_collate(batch)
    assert isinstance(out["inputs"], list) and len(out["inputs"]) == 2
    assert torch.equal(out["inputs"][1], torch.ones(3))
    assert out["meta"] == dict(id=[1, 2], name=["a", "b"])
    # Per position, the samples' values stay the tuple zip makes of them, as in 0.10
    # (recorded black box): a list of tuples, for tuples and lists alike.
    assert out["pair"] == [(1, 3), (2, 4)]
    assert out["lst"] == [(1, 3), (2, 4)]
    assert pseudo_collate([Point(1, "a"), Point(2, "b")]) == Point((1, 2), ("a", "b"))
    assert pseudo_collate([[np.zeros(1), "a"], [np.ones(1), "b"]])[1] == ("a", "b")
    assert pseudo_collate([dict(m=[[1], [2]]), dict(m=[[3], [4]])]) == dict(m=[[(1, 3)], [(2, 4)]])
    assert pseudo_collate(["a", "b"]) == ["a", "b"]
    arrays = pseudo_collate([np.zeros(2), np.ones(3)])
    assert isinstance(arrays, list) and arrays[1].shape == (3,)


def test_collate_unequal_sequences():
    with pytest.raises(RuntimeError, match="equal size"):
        pseudo_collate([[1, 2], [1]])
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([[1, 2], [1]])


def test_default_collate_stacks():
    batch = [
        dict(inputs=torch.zeros(2, 3), label=0, score=0.5, arr=np.zeros(2), name="a"),
        dict(inputs=torch.ones(2, 3), label=1, score=1.5, arr=np.ones(2), name="b"),
    ]
    out = default_collate(batch)
    assert out["inputs"].shape == (2, 2, 3)
    assert torch.equal(out["label"], torch.tensor([0, 1]))
    assert out["score"].dtype == torch.float64
    assert isinstance(out["arr"], torch.Tensor) and out["arr"].shape == (2, 2)
    assert out["name"] == ["a", "b"]
    pts = default_collate([Point(torch.zeros(1), 1), Point(torch.ones(1), 2)])
    assert isinstance(pts, Point) and pts.x.shape == (2, 1)


def test_collate_keeps_data_elements_in_lists():
    structures = pytest.importorskip("mmengine.structures")
    samples = [structures.BaseDataElement(x=torch.zeros(2)) for _ in range(3)]
    for collate in (pseudo_collate, default_collate):
        out = collate([dict(inputs=torch.zeros(1), data_samples=s) for s in samples])
        assert out["data_samples"] == samples


def test_registered_in_functions():
    assert COLLATE_FUNCTIONS is FUNCTIONS
    assert FUNCTIONS.get("pseudo_collate") is pseudo_collate
    assert FUNCTIONS.get("default_collate") is default_collate
    collate = FUNCTIONS.get("default_collate")
    assert collate([1, 2]).tolist() == [1, 2]


def test_worker_init_fn_seeds_everything():
    worker_init_fn(1, 2, 3, 10)  # seed 2 * 3 + 1 + 10 = 17
    values = (np.random.rand(), random.random(), torch.rand(1).item())
    np.random.seed(17)
    random.seed(17)
    torch.manual_seed(17)
    assert values == (np.random.rand(), random.random(), torch.rand(1).item())
    worker_init_fn(0, 2, 3, 10)
    assert np.random.rand() != values[0]
