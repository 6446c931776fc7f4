"""The fast paths of MessageHub.update_scalar(s)/update_info and HistoryBuffer.update."""

import numpy as np
import pytest

from mmengine.logging import HistoryBuffer, MessageHub


def _hub(name):
    return MessageHub.get_instance(f"hot_path_{name}")


def test_update_scalars_fast_path_still_checks_resumed_flags():
    hub = _hub("flags")
    hub.update_scalar("a", 1.0, resumed=False)
    with pytest.raises(AssertionError, match="resumed keys cannot be modified"):
        hub.update_scalars({"a": 2.0})
    hub.update_scalars({"a": 2.0}, resumed=False)
    assert list(hub.get_scalar("a").data[0]) == [1.0, 2.0]


def test_update_scalar_and_info_check_resumed_flags():
    hub = _hub("flags2")
    hub.update_scalar("s", 1.0)
    with pytest.raises(AssertionError):
        hub.update_scalar("s", 1.0, resumed=False)
    hub.update_info("i", 1, resumed=False)
    with pytest.raises(AssertionError):
        hub.update_info("i", 2)
    assert hub.get_info("i") == 1


def test_update_scalars_mixes_fast_and_checked_values():
    hub = _hub("mixed")
    hub.update_scalars({"x": 1.0, "y": np.float32(2.0), "z": dict(value=3, count=2)})
    hub.update_scalars({"x": 1.5, "y": 2.5, "z": 4.0})
    assert list(hub.get_scalar("x").data[0]) == [1.0, 1.5]
    assert list(hub.get_scalar("y").data[0]) == [2.0, 2.5]
    assert list(hub.get_scalar("z").data[1]) == [2, 1]
    assert hub.get_scalar("z").mean() == pytest.approx(7.0 / 3)


def test_history_buffer_float_updates_through_growth_and_max_length():
    buffer = HistoryBuffer(max_length=5)
    for i in range(40):  # several growths and slides of the backing arrays
        buffer.update(float(i))
    logs, counts = buffer.data
    assert list(logs) == [35.0, 36.0, 37.0, 38.0, 39.0]
    assert list(counts) == [1, 1, 1, 1, 1]


def test_history_buffer_int_logs_take_floats():
    buffer = HistoryBuffer([1, 2], [1, 1])
    buffer.update(2.5)
    assert buffer.data[0].dtype == np.float64
    assert list(buffer.data[0]) == [1.0, 2.0, 2.5]
    buffer.update(1.0, 0.5)  # a float count turns the counts to floats
    assert list(buffer.data[1]) == [1.0, 1.0, 1.0, 0.5]
