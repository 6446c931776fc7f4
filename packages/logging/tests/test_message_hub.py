import io
import pickle
from collections import OrderedDict

import numpy as np
import pytest

from mmengine.logging import HistoryBuffer, MessageHub


class NoDeepCopy:
    def __deepcopy__(self, memo):
        raise NotImplementedError


def test_init():
    hub = MessageHub("name")
    assert hub.instance_name == "name"
    assert len(hub.log_scalars) == 0 and len(hub.runtime_info) == 0
    hub = MessageHub(
        "name2",
        log_scalars=OrderedDict(loss=HistoryBuffer()),
        runtime_info=OrderedDict(task="task"),
        resumed_keys=dict(loss=True),
    )
    assert hub.get_info("task") == "task"
    assert hub.resumed_keys["loss"] is True
    with pytest.raises(AssertionError):
        MessageHub("bad", log_scalars=dict(loss=[1, 2]))
    with pytest.raises(AssertionError):
        MessageHub("bad2", resumed_keys=dict(missing=True))
    with pytest.raises(TypeError):
        MessageHub("bad3", runtime_info=[1])


def test_get_current_instance_creates_default():
    hub = MessageHub.get_current_instance()
    assert hub.instance_name == "mmengine"
    task = MessageHub.get_instance("task")
    assert MessageHub.get_current_instance() is task
    assert MessageHub.get_instance("task") is task


def test_update_scalar_values():
    hub = MessageHub.get_instance("mmengine")
    hub.update_scalar("name", 1)
    buffer = hub.log_scalars["name"]
    assert (buffer._log_history == np.array([1])).all()
    hub.update_scalar("name", np.array(1))
    hub.update_scalar("name", np.int32(1))
    hub.update_scalar("name", np.array([2.5]))
    np.testing.assert_array_equal(buffer.data[0], [1, 1, 1, 2.5])
    hub.update_scalar("name", 3, count=2)
    assert buffer.data[1][-1] == 2
    assert hub.get_scalar("name") is buffer  # a reference, not a copy


@pytest.mark.parametrize("bad", [[1, 2], "a", None, np.array([1, 2])])
def test_update_scalar_rejects_non_scalars(bad):
    hub = MessageHub.get_instance("mmengine")
    with pytest.raises(AssertionError):
        hub.update_scalar("bad", bad)
    with pytest.raises((TypeError, ValueError), match="scalar"):
        hub.update_scalar("bad", bad)


def test_update_scalar_count_must_be_int():
    hub = MessageHub.get_instance("mmengine")
    with pytest.raises(AssertionError, match="count"):
        hub.update_scalar("x", 1, count=1.5)
    hub.update_scalar("x", 1, count=np.int64(4))
    assert hub.get_scalar("x").data[1][-1] == 4


def test_tensor_like_values_are_converted():
    class FakeTensor:
        def __init__(self, value, n=1):
            self.value, self.n = value, n

        def numel(self):
            return self.n

        def item(self):
            return self.value

    hub = MessageHub.get_instance("mmengine")
    hub.update_scalar("t", FakeTensor(0.25), count=FakeTensor(2))
    assert hub.get_scalar("t").current() == 0.25
    with pytest.raises(ValueError, match="exactly one element"):
        hub.update_scalar("t", FakeTensor(0.25, n=3))


def test_resumed_flag_cannot_change():
    hub = MessageHub.get_instance("mmengine")
    hub.update_scalar("loss", 1)
    with pytest.raises(AssertionError, match="resumed"):
        hub.update_scalar("loss", 3, resumed=False)
    hub.update_info("iter", 1, resumed=False)
    with pytest.raises(ValueError, match="resumed"):
        hub.update_info("iter", 2)


def test_update_scalars():
    hub = MessageHub.get_instance("mmengine")
    hub.update_scalars(dict(a=1, b=2, c=dict(value=3, count=2)))
    assert hub.get_scalar("a").current() == 1
    assert hub.get_scalar("c").data[1][-1] == 2
    hub.update_scalars({"train/time": {"value": 0.1, "count": 1}}, resumed=False)
    assert hub.resumed_keys["train/time"] is False
    with pytest.raises(AssertionError):
        hub.update_scalars([1, 2])
    with pytest.raises(AssertionError, match="value must be defined"):
        hub.update_scalars(dict(d=dict(count=1)))


def test_get_scalar_missing_key():
    hub = MessageHub.get_instance("mmengine")
    with pytest.raises(KeyError, match="not found"):
        hub.get_scalar("nope")


def test_info():
    hub = MessageHub.get_instance("mmengine")
    hub.update_info("iter", 1)
    assert hub.get_info("iter") == 1
    hub.update_info("iter", 2)
    assert hub.get_info("iter") == 2  # overwritten
    assert hub.get_info("missing") is None
    assert hub.get_info("missing", default=5) == 5
    hub.update_info_dict({"epoch": 3, "meta": {"a": 1}})
    assert hub.runtime_info["epoch"] == 3
    with pytest.raises(AssertionError):
        hub.update_info_dict([1])


def test_pop_info_keeps_the_resumed_flag(capsys):
    # As 0.10: the popped key's flag stays in resumed_keys (a checkpoint saved after train()
    # lists loop_stage), and loading that state warns that the key is not defined.
    hub = MessageHub.get_instance("pop_info_flag")
    hub.update_info("loop_stage", "train")
    assert hub.pop_info("loop_stage") == "train"
    assert "loop_stage" not in hub.runtime_info
    state = hub.state_dict()
    assert state["resumed_keys"] == {"loop_stage": True}
    assert "loop_stage" not in state["runtime_info"]
    other = MessageHub.get_instance("pop_info_flag_loaded")
    other.load_state_dict(state)
    assert "resumed key: loop_stage is not defined in message_hub" in capsys.readouterr().out
    assert "loop_stage" not in other.runtime_info


def test_state_dict_keeps_only_resumed_keys():
    hub = MessageHub.get_instance("test_state_dict")
    hub.update_scalar("loss", 0.1)
    hub.update_scalar("lr", 0.1, resumed=False)
    hub.update_info("iter", 1, resumed=True)
    hub.update_info("tensor", [1, 2, 3], resumed=False)
    no_copy = NoDeepCopy()
    hub.update_info("no_copy", no_copy, resumed=True)

    state = hub.state_dict()
    assert state["log_scalars"]["loss"].data == (np.array([0.1]), np.array([1]))
    assert isinstance(state["log_scalars"]["loss"], HistoryBuffer)
    assert "lr" not in state["log_scalars"]
    assert state["runtime_info"]["iter"] == 1
    assert "tensor" not in state["runtime_info"]
    assert state["runtime_info"]["no_copy"] is no_copy
    # the state is a copy
    hub.update_scalar("loss", 5.0)
    assert len(state["log_scalars"]["loss"].data[0]) == 1


def test_state_dict_pickles_to_plain_data():
    hub = MessageHub.get_instance("plain")
    hub.update_scalar("loss", 0.5)
    hub.update_scalar("loss", 1.5, count=2)
    hub.update_info("iter", 7)
    restored = pickle.loads(pickle.dumps(hub.state_dict()))
    plain = restored["log_scalars"]["loss"]
    assert type(plain) is OrderedDict
    assert plain == OrderedDict(
        [("log_history", [0.5, 1.5]), ("count_history", [1, 2]), ("max_length", 1000000)]
    )

    new_hub = MessageHub.get_instance("plain2")
    new_hub.load_state_dict(restored)
    buffer = new_hub.get_scalar("loss")
    assert type(buffer) is HistoryBuffer
    np.testing.assert_array_equal(buffer.data[0], [0.5, 1.5])
    assert new_hub.get_info("iter") == 7
    assert new_hub.resumed_keys == OrderedDict(loss=True, iter=True)
    buffer.update(3.0)  # resumed buffers keep working


def test_state_dict_loads_with_torch_weights_only():
    torch = pytest.importorskip("torch")
    hub = MessageHub.get_instance("torch_hub")
    hub.update_scalar("loss", torch.tensor(0.25))
    hub.update_info("epoch", 2)
    stream = io.BytesIO()
    torch.save({"message_hub": hub.state_dict()}, stream)
    stream.seek(0)
    state = torch.load(stream, weights_only=True)["message_hub"]
    new_hub = MessageHub.get_instance("torch_hub2")
    new_hub.load_state_dict(state)
    assert new_hub.get_scalar("loss").current() == 0.25
    assert new_hub.get_info("epoch") == 2


def test_load_state_dict_in_memory_round_trip():
    hub = MessageHub.get_instance("src")
    hub.update_scalar("loss", 0.1)
    hub.update_info("iter", 3)
    dst = MessageHub.get_instance("dst")
    dst.load_state_dict(hub.state_dict())
    assert dst.get_scalar("loss").current() == 0.1
    assert dst.get_info("iter") == 3


def test_load_state_dict_skips_invalid_entries(capsys):
    hub = MessageHub.get_instance("skip")
    hub.load_state_dict(
        dict(
            log_scalars=dict(bad=[1, 2], ok=HistoryBuffer([1], [1])),
            runtime_info=dict(flag=1),
            resumed_keys=dict(ok=True, flag=False, ghost=True),
        )
    )
    out = capsys.readouterr().out
    assert "bad in message_hub is not HistoryBuffer" in out
    assert "resumed key: ghost is not defined" in out
    assert "Although resumed key: flag is False" in out
    assert "bad" not in hub.log_scalars
    assert hub.get_scalar("ok").current() == 1
    assert hub.resumed_keys == OrderedDict(ok=True, flag=False)
    with pytest.raises(KeyError, match="must contain key"):
        hub.load_state_dict(dict(log_scalars={}))


def test_load_state_dict_from_message_hub():
    src = MessageHub.get_instance("src_hub")
    src.update_scalar("loss", 0.1)
    src.update_info("iter", 3)
    dst = MessageHub.get_instance("dst_hub")
    dst.load_state_dict(src)
    assert dst.get_scalar("loss") is not src.get_scalar("loss")
    assert dst.get_scalar("loss").current() == 0.1
    assert dst.get_info("iter") == 3


def test_message_hub_pickles_resumable_entries():
    hub = MessageHub.get_instance("pickled")
    hub.update_scalar("loss", 0.1)
    hub.update_scalar("lr", 0.1, resumed=False)
    hub.update_info("iter", 1, resumed=True)
    hub.update_info("tensor", [1, 2, 3], resumed=False)
    clone = pickle.loads(pickle.dumps(hub))
    assert clone.instance_name == "pickled"
    assert clone.get_scalar("loss").current() == 0.1
    assert clone.get_info("iter") == 1
    assert clone.get_info("tensor") is None
    assert "lr" not in clone.log_scalars
    # the original hub is untouched
    assert hub.get_info("tensor") == [1, 2, 3] and "lr" in hub.log_scalars


def test_cuda_tensor_values():
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("CUDA is not available")
    hub = MessageHub.get_instance("cuda")
    hub.update_scalar(
        "loss", torch.tensor(0.5, device="cuda"), count=torch.tensor(2, device="cuda")
    )
    assert hub.get_scalar("loss").current() == 0.5
    assert hub.get_scalar("loss").data[1][-1] == 2
    buffer = HistoryBuffer(torch.arange(3, device="cuda"), torch.ones(3, device="cuda"))
    assert buffer.mean() == 1


def test_pop_info_removes_the_entry():
    hub = MessageHub("pop_info_hub")
    hub.update_info("stage", "train")
    assert hub.pop_info("stage") == "train"
    assert hub.get_info("stage") is None
    assert hub.pop_info("stage", "gone") == "gone"


def test_import_does_not_load_numpy_until_used():
    import subprocess
    import sys

    code = (
        "import sys, mmengine.logging as L; a = 'numpy' in sys.modules; "
        "L.HistoryBuffer().update(1.0); print(a, 'numpy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False True"


def test_state_dict_warning_for_uncopyable_value_starts_with_upstream_sentence(capsys):
    class Uncopyable:
        def __deepcopy__(self, memo):
            raise RuntimeError("no deepcopy here")

    value = Uncopyable()
    hub = MessageHub.get_instance("uncopyable")
    hub.update_info("train_logs", value)
    state = hub.state_dict()
    # The value itself is returned, not a copy.
    assert state["runtime_info"]["train_logs"] is value
    out = capsys.readouterr().out
    # mmengine 0.10.7 (black-box, a loss tensor with grad as the value) logged exactly
    # 'train_logs in message_hub cannot be copied, just return its reference. '
    assert "train_logs in message_hub cannot be copied, just return its reference. " in out
    assert "RuntimeError: no deepcopy here" in out
