import copy
import pickle

import numpy as np
import pytest

from mmengine.logging import HistoryBuffer


def test_init_defaults_and_data():
    buffer = HistoryBuffer()
    assert buffer.max_length == 1000000
    logs, counts = buffer.data
    assert len(logs) == 0 and len(counts) == 0

    buffer = HistoryBuffer([1, 2, 3], [1, 2, 3])
    logs, counts = buffer.data
    np.testing.assert_array_equal(logs, [1, 2, 3])
    np.testing.assert_array_equal(counts, [1, 2, 3])
    assert logs.dtype.kind == "i"  # ints stay ints, as numpy would keep them


def test_init_accepts_arrays_and_nested_sequences():
    buffer = HistoryBuffer(np.array([[1.0, 2.0]]), [[1, 1]])
    np.testing.assert_array_equal(buffer.data[0], [1.0, 2.0])


def test_init_length_mismatch_raises():
    with pytest.raises(AssertionError):
        HistoryBuffer([1, 2], [1])
    with pytest.raises(ValueError, match="same length"):
        HistoryBuffer([1, 2], [1])


def test_init_longer_than_max_length_keeps_latest():
    with pytest.warns(UserWarning, match="exceeds the max_length"):
        buffer = HistoryBuffer([1, 2, 3], [1, 2, 3], max_length=2)
    logs, counts = buffer.data
    np.testing.assert_array_equal(logs, [2, 3])
    np.testing.assert_array_equal(counts, [2, 3])


@pytest.mark.parametrize("bad", [0, -1, 1.5])
def test_invalid_max_length(bad):
    with pytest.raises(ValueError, match="max_length"):
        HistoryBuffer(max_length=bad)


def test_update_appends_and_promotes_dtype():
    buffer = HistoryBuffer([1, 2, 3], [1, 1, 1])
    buffer.update(4)
    buffer.update(5, 2)
    logs, counts = buffer.data
    np.testing.assert_array_equal(logs, [1, 2, 3, 4, 5])
    np.testing.assert_array_equal(counts, [1, 1, 1, 1, 2])
    buffer.update(0.5)
    assert buffer.data[0].dtype == np.float64
    assert buffer.current() == 0.5
    buffer.update(np.float32(2.5), np.int64(3))
    assert buffer.current() == 2.5
    assert buffer.data[1][-1] == 3


@pytest.mark.parametrize("bad", [["lr", 1], np.array([1, 2]), "lr", None])
def test_update_rejects_non_scalars(bad):
    buffer = HistoryBuffer()
    with pytest.raises(TypeError):
        buffer.update(bad)
    with pytest.raises(TypeError):
        buffer.update(1, bad)
    assert len(buffer.data[0]) == 0  # nothing half-written


def test_max_length_trims_oldest_on_update():
    buffer = HistoryBuffer(max_length=5)
    for i in range(103):
        buffer.update(i)
        assert len(buffer.data[0]) == min(i + 1, 5)
    np.testing.assert_array_equal(buffer.data[0], [98, 99, 100, 101, 102])
    assert buffer.mean() == pytest.approx(100)
    assert buffer.min() == 98 and buffer.max() == 102


def test_full_default_buffer_drops_first_value():
    logs = np.arange(1000000) + 10
    buffer = HistoryBuffer(logs, np.ones(1000000))
    buffer.update(1)
    data, counts = buffer.data
    assert len(data) == 1000000
    assert data[0] == 11 and data[-1] == 1


def test_update_does_not_copy_history_each_time():
    """Structural O(1) check: updates write into the preallocated backing
    array; it is reallocated only O(log n) times while growing and never once
    it reached its final capacity."""
    buffer = HistoryBuffer(max_length=1000)
    backing_ids = set()
    for i in range(20000):
        buffer.update(float(i))
        backing_ids.add(id(buffer._logs))
    assert len(backing_ids) <= 8
    final = buffer._logs
    capacity = final.shape[0]
    assert 1000 < capacity <= 2000  # bounded slack, not unbounded growth
    for i in range(5000):
        buffer.update(float(i))
        assert buffer._logs is final
    assert len(buffer.data[0]) == 1000
    np.testing.assert_array_equal(buffer.data[0], np.arange(4000, 5000, dtype=float))


def test_statistics_windows():
    buffer = HistoryBuffer([1, 2, 3], [1, 1, 1])
    assert buffer.min(2) == 2
    assert buffer.min() == 1
    assert buffer.max(2) == 3
    assert buffer.max() == 3
    assert buffer.mean(2) == 2.5
    assert buffer.mean() == 2
    assert buffer.mean(100) == 2  # larger than history: global
    buffer.update(4, 1)
    assert buffer.current() == 4
    # Counts weight the mean: sum(logs) / sum(counts).
    assert HistoryBuffer([1, 2, 3], [2, 2, 2]).mean() == 1


def test_statistics_by_name():
    buffer = HistoryBuffer([1, 2, 3], [1, 1, 1])
    assert buffer.statistics("mean") == 2
    assert buffer.statistics("mean", 2) == 2.5
    assert buffer.statistics("max", window_size=2) == 3
    assert buffer.statistics("current") == 3
    with pytest.raises(TypeError):
        buffer.statistics("mean", 2, 3)
    with pytest.raises(KeyError, match="has not been registered"):
        buffer.statistics("data")


def test_window_size_must_be_int():
    buffer = HistoryBuffer([1, 2, 3], [1, 1, 1])
    with pytest.raises(AssertionError):
        buffer.mean(1.5)
    with pytest.raises(TypeError):
        buffer.max("10")
    assert buffer.mean(np.int64(2)) == 2.5


def test_current_on_empty_raises():
    with pytest.raises(ValueError, match="empty"):
        HistoryBuffer().current()
    with pytest.raises(ValueError, match="empty"):
        HistoryBuffer().max()


def test_register_custom_statistics():
    @HistoryBuffer.register_statistics
    def weighted_mean_for_test(self, window_size, weight):
        assert len(weight) == window_size
        logs = self._log_history[-window_size:]
        return (logs * np.array(weight)).sum() / self._count_history[-window_size:].sum()

    try:
        buffer = HistoryBuffer([1, 2], [1, 1])
        assert buffer.statistics("weighted_mean_for_test", 2, [2, 1]) == 2
        with pytest.raises(AssertionError, match="twice"):
            HistoryBuffer.register_statistics(weighted_mean_for_test)
    finally:
        HistoryBuffer._statistics_methods.pop("weighted_mean_for_test")


def test_history_views_are_read_only_and_current():
    buffer = HistoryBuffer([1.0, 2.0], [1, 1])
    view = buffer._log_history
    with pytest.raises(ValueError):
        view[0] = 5
    np.testing.assert_array_equal(buffer._count_history, [1, 1])


def test_data_is_a_snapshot():
    buffer = HistoryBuffer([1.0, 2.0], [1, 1], max_length=2)
    logs, _ = buffer.data
    for i in range(50):
        buffer.update(float(i))
    np.testing.assert_array_equal(logs, [1.0, 2.0])


def test_pickle_and_deepcopy_round_trip():
    buffer = HistoryBuffer(max_length=3)
    for i in range(10):
        buffer.update(i * 1.5, i)
    for clone in (pickle.loads(pickle.dumps(buffer)), copy.deepcopy(buffer)):
        assert isinstance(clone, HistoryBuffer)
        assert clone.max_length == 3
        for a, b in zip(clone.data, buffer.data):
            np.testing.assert_array_equal(a, b)
        clone.update(100.0)
        assert clone.current() == 100.0
        assert buffer.current() == 13.5


def test_unpickles_upstream_instance_dict_layout():
    """Checkpoints pickled by upstream mmengine hold the instance __dict__."""
    buffer = HistoryBuffer.__new__(HistoryBuffer)
    buffer.__setstate__(
        {
            "max_length": 10,
            "_log_history": np.array([0.5, 0.25]),
            "_count_history": np.array([1, 1]),
        }
    )
    assert buffer.mean() == pytest.approx(0.375)
    buffer.update(1.0)
    assert len(buffer.data[0]) == 3


def test_empty_buffer_is_truthy_and_repr():
    buffer = HistoryBuffer()
    assert buffer  # like upstream: no __len__, so `if buffer:` holds
    assert "len=0" in repr(buffer)
    buffer.update(2.0)
    assert "current=2.0" in repr(buffer)


def test_lowering_max_length_later_trims_on_next_update():
    buffer = HistoryBuffer(list(range(100)), [1] * 100, max_length=100)
    buffer.max_length = 10
    buffer.update(100)
    np.testing.assert_array_equal(buffer.data[0], np.arange(91, 101))
    for i in range(500):
        buffer.update(i)
    assert len(buffer.data[0]) == 10 and buffer.current() == 499
