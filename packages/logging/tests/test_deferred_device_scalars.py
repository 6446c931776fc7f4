"""Scalars logged as accelerator tensors are converted when read, not when logged.

No GPU is needed: a tensor subclass that reports ``is_cpu == False`` takes the device path,
and the tests count its conversions to the host.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from mmengine.logging import HistoryBuffer, MessageHub  # noqa: E402

CONVERSIONS = {"n": 0}


class DeviceTensor(torch.Tensor):
    """Stands in for a CUDA tensor: not on the CPU; counts host conversions."""

    @property
    def is_cpu(self) -> bool:  # type: ignore[override]
        return False

    def item(self):  # noqa: ANN201
        CONVERSIONS["n"] += 1
        return super().item()

    def tolist(self):  # noqa: ANN201
        CONVERSIONS["n"] += 1
        return super().tolist()


def on_device(value: float, dtype=torch.float32) -> torch.Tensor:
    return torch.tensor(value, dtype=dtype).as_subclass(DeviceTensor)


@pytest.fixture
def hub():
    return MessageHub.get_instance("test_deferred_device_scalars")


def eager_buffer(values: list[float]) -> HistoryBuffer:
    """What 0.10 stores: every value converted with ``.item()`` when logged."""
    buffer = HistoryBuffer([torch.tensor(values[0]).item()], [1])
    for v in values[1:]:
        buffer.update(torch.tensor(v).item())
    return buffer


def test_device_values_wait_for_a_read_and_then_equal_eager_logging(hub):
    values = [0.5, 0.25, 1.0 / 3.0, 2.0, 1e-7]
    hub.update_scalar("train/loss", on_device(values[0]))  # the first value: converted now
    CONVERSIONS["n"] = 0
    for v in values[1:]:
        hub.update_scalar("train/loss", on_device(v))
    assert CONVERSIONS["n"] == 0, "a device value was converted when it was logged"
    buffer = hub.get_scalar("train/loss")
    assert buffer.current() == eager_buffer(values).current()
    assert CONVERSIONS["n"] == 1, "the pending values were not converted in one transfer"
    logs, counts = buffer.data
    ref_logs, ref_counts = eager_buffer(values).data
    np.testing.assert_array_equal(logs, ref_logs)
    np.testing.assert_array_equal(counts, ref_counts)
    assert logs.dtype == ref_logs.dtype and counts.dtype == ref_counts.dtype


def test_a_value_changed_in_place_after_logging_keeps_its_logged_value(hub):
    hub.update_scalar("acc", 1.0)
    running = on_device(0.5)
    hub.update_scalar("acc", running)
    running.add_(10.0)  # e.g. a running buffer the model returns and keeps updating
    assert hub.get_scalar("acc").current() == 0.5


@pytest.mark.parametrize(
    "read",
    [
        lambda b: b.mean(2),
        lambda b: b.max(),
        lambda b: b.min(),
        lambda b: b.current(),
        lambda b: b.statistics("mean"),
        lambda b: b.data[0][-1],
        lambda b: b._log_history[-1],
        lambda b: pickle.loads(pickle.dumps(b)).current(),
        lambda b: repr(b),
    ],
    ids=["mean", "max", "min", "current", "statistics", "data", "_log_history", "pickle", "repr"],
)
def test_every_read_sees_the_pending_values(hub, read):
    hub.update_scalar("x", 1.0)
    hub.update_scalar("x", on_device(3.0))
    hub.update_scalar("x", on_device(5.0))
    buffer = hub.get_scalar("x")
    read(buffer)
    assert buffer._pending is None
    assert buffer.data[0].tolist() == [1.0, 3.0, 5.0]


def test_order_is_kept_when_numbers_and_device_values_mix(hub):
    hub.update_scalar("y", 1.0)
    hub.update_scalar("y", on_device(2.0))
    hub.update_scalar("y", 3.0)  # a host number after a pending device value
    hub.update_scalar("y", on_device(4.0), count=2)
    assert hub.get_scalar("y").data[0].tolist() == [1.0, 2.0, 3.0, 4.0]
    assert hub.get_scalar("y").data[1].tolist() == [1, 1, 1, 2]


def test_state_dict_holds_the_pending_values(hub):
    hub.update_scalar("train/loss", 1.0)
    hub.update_scalar("train/loss", on_device(2.0))
    state = hub.state_dict()
    restored = MessageHub("restored_deferred")
    restored.load_state_dict(state)
    assert restored.get_scalar("train/loss").data[0].tolist() == [1.0, 2.0]


def test_integer_and_multi_element_device_tensors_are_checked_now(hub):
    hub.update_scalar("n", 1)
    hub.update_scalar("n", on_device(3, dtype=torch.int64))
    assert hub.get_scalar("n")._pending is None
    assert hub.get_scalar("n").data[0].tolist() == [1, 3]
    with pytest.raises(AssertionError):
        hub.update_scalar("n", torch.ones(2).as_subclass(DeviceTensor))


def test_mixed_dtypes_convert_each_value_exactly(hub):
    hub.update_scalar("z", 0.0)
    hub.update_scalar("z", on_device(1.0 / 3.0, torch.float16))
    hub.update_scalar("z", on_device(1.0 / 3.0, torch.float64))
    logs = hub.get_scalar("z").data[0].tolist()
    assert logs == [0.0, torch.tensor(1.0 / 3.0, dtype=torch.float16).item(), 1.0 / 3.0]
