"""Tests of DefaultSampler and InfiniteSampler, including the resume contract."""

from __future__ import annotations

import itertools

import pytest
import torch

import mmengine.dataset.sampler as sampler_module
from mmengine.dataset import DefaultSampler, InfiniteSampler
from mmengine.registry import DATA_SAMPLERS


def fake_dist(monkeypatch, rank, world_size):
    monkeypatch.setattr(sampler_module, "get_dist_info", lambda: (rank, world_size))


def test_default_sampler_single_process():
    s = DefaultSampler(list(range(10)), shuffle=False)
    assert list(s) == list(range(10)) and len(s) == 10
    s = DefaultSampler(list(range(10)), seed=3)
    first = list(s)
    assert sorted(first) == list(range(10))
    assert list(s) == first  # same epoch, same order
    g = torch.Generator()
    g.manual_seed(3)
    assert first == torch.randperm(10, generator=g).tolist()
    s.set_epoch(1)
    second = list(s)
    assert second != first and sorted(second) == list(range(10))
    assert list(DefaultSampler(list(range(10)), seed=3)) == first  # seeded


def test_default_sampler_seed_none_uses_sync_random_seed(monkeypatch):
    monkeypatch.setattr(sampler_module, "sync_random_seed", lambda: 1234)
    assert DefaultSampler(range(4)).seed == 1234
    assert InfiniteSampler(range(4)).seed == 1234


@pytest.mark.parametrize("round_up", [True, False])
def test_default_sampler_distributed(monkeypatch, round_up):
    size, world = 10, 4
    per_rank = []
    for rank in range(world):
        fake_dist(monkeypatch, rank, world)
        s = DefaultSampler(list(range(size)), shuffle=False, round_up=round_up)
        indices = list(s)
        assert len(indices) == len(s)
        per_rank.append(indices)
    if round_up:
        assert per_rank == [[0, 4, 8], [1, 5, 9], [2, 6, 0], [3, 7, 1]]
    else:
        assert per_rank == [[0, 4, 8], [1, 5, 9], [2, 6], [3, 7]]


def test_default_sampler_distributed_shuffle_partitions(monkeypatch):
    seen = []
    for rank in range(3):
        fake_dist(monkeypatch, rank, 3)
        seen += list(DefaultSampler(list(range(9)), seed=7))
    assert sorted(seen) == list(range(9))


@pytest.mark.parametrize("shuffle", [True, False])
@pytest.mark.parametrize("k", [0, 1, 4, 10, 12])
def test_default_sampler_skip(shuffle, k):
    s = DefaultSampler(list(range(10)), shuffle=shuffle, seed=5)
    s.set_epoch(2)
    full = list(s)
    s.skip(k)
    s.set_epoch(2)  # set_epoch after skip must not cancel it
    assert list(s) == full[k:]
    assert list(s) == full  # the skip is used once


def test_default_sampler_skip_then_new_epoch():
    s = DefaultSampler(list(range(8)), seed=1)
    s.set_epoch(3)
    expected = list(s)[3:]
    s.set_epoch(0)
    s.skip(3)
    s.set_epoch(3)
    assert list(s) == expected


def test_skip_rejects_bad_values():
    s = DefaultSampler(range(3), seed=0)
    with pytest.raises(ValueError, match="skip"):
        s.skip(-1)
    with pytest.raises(ValueError, match="skip"):
        InfiniteSampler(range(3), seed=0).skip(1.5)


def test_infinite_sampler_stream():
    s = InfiniteSampler(list(range(4)), shuffle=False, seed=0)
    assert list(itertools.islice(iter(s), 10)) == [0, 1, 2, 3, 0, 1, 2, 3, 0, 1]
    # a new iterator continues the same endless stream
    assert list(itertools.islice(iter(s), 3)) == [2, 3, 0]
    assert len(s) == 4
    s.set_epoch(5)  # no-op
    shuffled = InfiniteSampler(list(range(5)), seed=1)
    stream = list(itertools.islice(iter(shuffled), 15))
    for epoch in range(3):
        assert sorted(stream[epoch * 5 : epoch * 5 + 5]) == list(range(5))


def test_infinite_sampler_distributed(monkeypatch):
    streams = []
    for rank in range(2):
        fake_dist(monkeypatch, rank, 2)
        s = InfiniteSampler(list(range(5)), shuffle=False, seed=0)
        streams.append(list(itertools.islice(iter(s), 5)))
    assert streams == [[0, 2, 4, 1, 3], [1, 3, 0, 2, 4]]


@pytest.mark.parametrize("shuffle", [True, False])
@pytest.mark.parametrize("k", [0, 1, 7, 23])
def test_infinite_sampler_skip(shuffle, k):
    reference = InfiniteSampler(list(range(7)), shuffle=shuffle, seed=11)
    full = list(itertools.islice(iter(reference), k + 20))
    s = InfiniteSampler(list(range(7)), shuffle=shuffle, seed=11)
    s.skip(k)
    s.set_epoch(1)
    assert list(itertools.islice(iter(s), 20)) == full[k:]


def test_skip_loads_no_data():
    class Counting:
        def __init__(self):
            self.loaded = 0

        def __len__(self):
            return 6

        def __getitem__(self, idx):
            self.loaded += 1
            return idx

    data = Counting()
    s = DefaultSampler(data, shuffle=False, seed=0)
    s.skip(4)
    loader = torch.utils.data.DataLoader(data, sampler=s, batch_size=2)
    assert [b.tolist() for b in loader] == [[4, 5]]
    assert data.loaded == 2


def test_registered():
    assert DATA_SAMPLERS.get("DefaultSampler") is DefaultSampler
    s = DATA_SAMPLERS.build(dict(type="InfiniteSampler", dataset=range(3), seed=0))
    assert isinstance(s, InfiniteSampler)
