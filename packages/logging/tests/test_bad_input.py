"""Bad input through the public API: the error class 0.10 raised, and a message that says what
was wrong, where, and what would fix it."""

import logging
import os

import numpy as np
import pytest

from mmengine.logging import HistoryBuffer, MessageHub, MMLogger, print_log

# ----------------------------------------------------------------------------- MMLogger


def test_log_file_that_is_a_directory(tmp_path):
    with pytest.raises(IsADirectoryError, match="Is a directory") as info:
        MMLogger.get_instance("dir_log", log_file=str(tmp_path))
    msg = str(info.value)
    assert "log_file must be a file path, not a directory" in msg
    assert repr(os.path.join(str(tmp_path), "run.log")) in msg
    assert info.value.errno == 21
    # The failed name can be created again with a good path.
    logger = MMLogger.get_instance("dir_log", log_file=str(tmp_path / "ok.log"))
    assert logger.log_file == str(tmp_path / "ok.log")


@pytest.mark.parametrize("depth", [("x.log",), ("sub", "x.log")])
def test_log_file_under_a_file(tmp_path, depth):
    blocker = tmp_path / "afile"
    blocker.write_text("")
    log_file = str(blocker.joinpath(*depth))
    # 0.10 raised NotADirectoryError (not FileExistsError) for both.
    with pytest.raises(NotADirectoryError, match="Not a directory") as info:
        MMLogger.get_instance("under_file", log_file=log_file)
    assert "a parent of log_file is an existing file" in str(info.value)
    assert log_file in str(info.value)


def test_empty_log_file():
    with pytest.raises(IsADirectoryError, match="log_file is an empty string"):
        MMLogger.get_instance("empty_log", log_file="")


def test_log_file_of_a_wrong_type():
    with pytest.raises(TypeError, match="expected str, bytes or os.PathLike object, not int") as e:
        MMLogger.get_instance("int_log", log_file=3)
    assert "log_file must be a path" in str(e.value)


@pytest.mark.parametrize(
    ("mode", "hint"),
    [("ww", "Did you mean 'w'?"), ("append", "Did you mean 'a'?"), ("W", "Did you mean 'w'?")],
)
def test_file_mode_typo(tmp_path, mode, hint):
    log_file = tmp_path / "new_dir" / "x.log"
    with pytest.raises(ValueError, match=f"invalid mode: '{mode}'") as info:
        MMLogger.get_instance("typo_mode", log_file=str(log_file), file_mode=mode)
    assert hint in str(info.value)
    assert "'a' to append" in str(info.value)
    assert not log_file.parent.exists()  # checked before anything is created


@pytest.mark.parametrize("mode", ["r", "wb", "ab"])
def test_file_mode_that_cannot_write_the_log(tmp_path, mode):
    # 0.10 opened these, then every message failed ("--- Logging error ---") and the log
    # stayed empty.
    log_file = tmp_path / "x.log"
    log_file.write_text("")
    with pytest.raises(ValueError, match=f"file_mode='{mode}' cannot write the text log file"):
        MMLogger.get_instance("unwritable_mode", log_file=str(log_file), file_mode=mode)


@pytest.mark.parametrize("mode", ["w", "a", "w+", "a+", "at", "x"])
def test_writable_file_modes_still_work(tmp_path, mode):
    log_file = tmp_path / "x.log"
    logger = MMLogger.get_instance(f"mode_{mode}", log_file=str(log_file), file_mode=mode)
    logger.info("hello")
    logger.handlers[-1].flush()
    assert "hello" in log_file.read_text()


def test_file_mode_none(tmp_path):
    with pytest.raises(TypeError, match="file_mode must be a str"):
        MMLogger.get_instance("none_mode", log_file=str(tmp_path / "x.log"), file_mode=None)


def test_file_mode_is_not_checked_for_a_handler_without_mode(tmp_path):
    logger = MMLogger.get_instance(
        "timed",
        log_file=str(tmp_path / "x.log"),
        file_mode="ww",  # ignored, as in 0.10: TimedRotatingFileHandler takes no mode
        file_handler_cfg=dict(type="TimedRotatingFileHandler", when="D"),
    )
    assert type(logger.handlers[-1]).__name__ == "TimedRotatingFileHandler"


def test_file_mode_of_a_custom_handler_class_is_its_own(tmp_path):
    class _BytesHandler(logging.FileHandler):
        def __init__(self, filename, mode="ab"):
            super().__init__(filename, mode="a")
            self.given_mode = mode

    logger = MMLogger.get_instance(
        "custom_mode",
        log_file=str(tmp_path / "x.log"),
        file_mode="wb",
        file_handler_cfg=dict(type=_BytesHandler),
    )
    assert logger.handlers[-1].given_mode == "wb"


def test_file_handler_cfg_errors(tmp_path):
    log_file = str(tmp_path / "x.log")
    with pytest.raises(ValueError, match="does not contain RotatingFilehandler") as info:
        MMLogger.get_instance(
            "h1", log_file=log_file, file_handler_cfg=dict(type="RotatingFilehandler")
        )
    assert "Did you mean 'RotatingFileHandler'?" in str(info.value)

    with pytest.raises(TypeError, match="unexpected keyword argument 'maxbytes'") as info:
        MMLogger.get_instance(
            "h2", log_file=log_file, file_handler_cfg=dict(type="RotatingFileHandler", maxbytes=9)
        )
    assert "Did you mean 'maxBytes' for 'maxbytes'?" in str(info.value)

    with pytest.raises(TypeError, match="'when'") as info:
        MMLogger.get_instance("h3", log_file=log_file, file_handler_cfg=dict(when="D"))
    assert "file_handler_cfg has no 'type'" in str(info.value)

    with pytest.raises(ValueError, match="file_handler_cfg\\['mode'\\]='ww'"):
        MMLogger.get_instance("h4", log_file=log_file, file_handler_cfg=dict(mode="ww"))

    with pytest.raises(AssertionError, match="file_handler_cfg must be a dict"):
        MMLogger.get_instance("h5", log_file=log_file, file_handler_cfg=["x"])
    assert not (tmp_path / "x.log").exists()


def test_unwritable_log_file(tmp_path):
    class _DeniedHandler(logging.FileHandler):
        def __init__(self, filename, mode="a"):
            raise PermissionError(13, "Permission denied", filename)

    log_file = str(tmp_path / "x.log")
    with pytest.raises(PermissionError, match="Permission denied") as info:
        MMLogger.get_instance(
            "denied", log_file=log_file, file_handler_cfg=dict(type=_DeniedHandler)
        )
    assert info.value.errno == 13
    assert f"log_file={log_file!r}" in str(info.value) and "writable" in str(info.value)


def test_logger_name_of_a_wrong_type():
    with pytest.raises(TypeError, match="logger_name must be a str"):
        MMLogger.get_instance("bad_logger_name", logger_name=3)


# ---------------------------------------------------------------------------- print_log


def test_print_log_suggests_the_special_names():
    MMLogger.get_instance("my_run")
    with pytest.raises(ValueError, match="MMLogger: slient has not been created!") as info:
        print_log("m", logger="slient")
    assert "Did you mean 'silent'?" in str(info.value)
    with pytest.raises(ValueError, match="Did you mean 'my_run'?"):
        print_log("m", logger="my_rnu")


# --------------------------------------------------------------------------- MessageHub


@pytest.mark.parametrize(
    ("value", "exc", "parts"),
    [
        ("1.5", TypeError, ["<class 'str'>: '1.5'", "float(...)"]),
        (None, TypeError, ["NoneType", "computed before it is logged"]),
        ([1.0, 2.0], TypeError, ["[1.0, 2.0]", "reduce the sequence"]),
        (dict(value=1.0, count=2), TypeError, ["update_scalars({key: dict(value="]),
        (np.array([1.0, 2.0]), ValueError, ["2 elements", "shape (2,)", ".mean()"]),
    ],
)
def test_update_scalar_rejects_non_scalars(value, exc, parts):
    hub = MessageHub.get_instance("bad_scalars")
    hub.update_scalar("loss", 1.0)
    with pytest.raises(AssertionError) as info:  # 0.10 asserted
        hub.update_scalar("loss", value)
    assert isinstance(info.value, exc)
    assert "scalar 'loss'" in str(info.value)
    for part in parts:
        assert part in str(info.value)
    assert hub.get_scalar("loss").data[0].tolist() == [1.0]  # nothing appended


def test_update_scalar_multi_element_tensor():
    torch = pytest.importorskip("torch")
    hub = MessageHub.get_instance("bad_tensor")
    with pytest.raises(AssertionError, match="must hold exactly one element"):
        hub.update_scalar("loss", torch.tensor([1.0, 2.0]))


@pytest.mark.parametrize("count", [None, "2", 2.5])
def test_update_scalar_with_a_bad_count(count):
    hub = MessageHub.get_instance("bad_count")
    with pytest.raises(AssertionError) as info:
        hub.update_scalar("loss", 1.0, count=count)
    assert isinstance(info.value, TypeError)
    assert "count" in str(info.value) and "scalar 'loss'" in str(info.value)
    assert "float(...)" not in str(info.value)  # a count is an int
    with pytest.raises(AssertionError, match="count of scalar 'acc'"):
        hub.update_scalars({"acc": dict(value=1.0, count=count)})


@pytest.mark.parametrize("flag", ["False", "false", "no", "0"])
def test_string_false_resumed_flag(flag):
    # 0.10 stored the string, which is truthy: the key was saved in checkpoints.
    hub = MessageHub.get_instance("str_flag")
    with pytest.raises(TypeError, match="pass resumed=False"):
        hub.update_scalar("a", 1.0, resumed=flag)
    with pytest.raises(TypeError, match="must be True or False"):
        hub.update_info("b", 1, resumed=flag)
    assert "a" not in hub.log_scalars and "b" not in hub.runtime_info


def test_update_scalars_with_a_non_dict():
    hub = MessageHub.get_instance("non_dict")
    with pytest.raises(AssertionError, match="`log_dict` must be a dict!, but got <class 'list'>"):
        hub.update_scalars([("a", 1.0)])


def test_get_scalar_of_a_missing_key():
    hub = MessageHub.get_instance("missing")
    with pytest.raises(KeyError, match="No scalar has been logged yet"):
        hub.get_scalar("train/loss")
    hub.update_scalar("train/loss", 1.0)
    hub.update_info("epoch", 1)
    with pytest.raises(KeyError, match="is not found in Messagehub.log_buffers") as info:
        hub.get_scalar("train/los")
    assert "available keys: ['train/loss']" in str(info.value)
    assert "Did you mean 'train/loss'?" in str(info.value)
    with pytest.raises(KeyError, match="read it with get_info\\('epoch'\\)"):
        hub.get_scalar("epoch")


def _state(**changes):
    state = dict(log_scalars={}, runtime_info={}, resumed_keys={})
    state.update(changes)
    return state


@pytest.mark.parametrize("field", ["log_scalars", "runtime_info", "resumed_keys"])
def test_load_state_dict_with_a_malformed_entry_loads_nothing(field):
    hub = MessageHub.get_instance("malformed")
    hub.update_info("keep", 1)
    state = _state(log_scalars={"x": HistoryBuffer([1.0], [1])}, runtime_info={"y": 2})
    state[field] = [1]
    with pytest.raises(AttributeError, match=f"state_dict\\['{field}'\\] must be a dict"):
        hub.load_state_dict(state)
    assert list(hub.log_scalars) == [] and dict(hub.runtime_info) == {"keep": 1}


@pytest.mark.parametrize("state", [None, "work_dir/epoch_1.pth"])
def test_load_state_dict_of_a_non_dict(state):
    hub = MessageHub.get_instance("non_dict_state")
    with pytest.raises(AttributeError, match="has no attribute '_log_scalars'") as info:
        hub.load_state_dict(state)
    assert isinstance(info.value, TypeError)
    assert "MessageHub.state_dict()" in str(info.value)
    if isinstance(state, str):
        assert "torch.load(path)['message_hub']" in str(info.value)


def test_load_state_dict_with_a_corrupt_buffer_names_the_key():
    hub = MessageHub.get_instance("corrupt")
    hub.update_info("keep", 1)
    buffer = dict(log_history=[1.0, 2.0], count_history=[1], max_length=10)
    state = _state(log_scalars={"loss": buffer}, runtime_info={"y": 2})
    with pytest.raises(ValueError, match="log_scalars\\['loss'\\] is corrupt"):
        hub.load_state_dict(state)
    assert dict(hub.runtime_info) == {"keep": 1}  # nothing half-loaded


def test_load_state_dict_of_a_whole_checkpoint():
    hub = MessageHub.get_instance("whole")
    checkpoint = dict(meta={}, state_dict={}, message_hub=_state())
    with pytest.raises(AssertionError, match="must contain key: `log_scalars`") as info:
        hub.load_state_dict(checkpoint)
    assert isinstance(info.value, KeyError)
    assert "checkpoint['message_hub']" in str(info.value)


# ------------------------------------------------------------------------ HistoryBuffer


def test_integral_float_max_length_is_a_count():
    # 0.10 accepted max_length=1e6 (e.g. from a config); it counts values.
    buffer = HistoryBuffer(max_length=2.0)
    for value in (1.0, 2.0, 3.0):
        buffer.update(value)
    assert buffer.max_length == 2 and type(buffer.max_length) is int
    assert buffer.data[0].tolist() == [2.0, 3.0]
    assert HistoryBuffer(max_length=1e6).max_length == 1000000


@pytest.mark.parametrize("max_length", [0, -1, 2.5, "10", None])
def test_bad_max_length(max_length):
    with pytest.raises(ValueError, match="`max_length` must be a positive int"):
        HistoryBuffer(max_length=max_length)


@pytest.mark.parametrize("max_length", ["10", None])
def test_max_length_of_no_number_is_also_the_type_error_of_0_10(max_length):
    with pytest.raises(TypeError, match="`max_length` must be a positive int"):
        HistoryBuffer(max_length=max_length)


@pytest.mark.parametrize(
    "method, first",
    [  # 0.10.7's messages, recorded black box
        ("max", "zero-size array to reduction operation maximum which has no identity"),
        ("min", "zero-size array to reduction operation minimum which has no identity"),
        ("current", "HistoryBuffer._log_history is an empty array! please call update first"),
    ],
)
def test_statistic_of_an_empty_buffer_starts_with_0_10s_sentence(method, first):
    with pytest.raises(ValueError) as info:
        getattr(HistoryBuffer(), method)()
    assert str(info.value).startswith(first + ". ")
    assert "Please call update first" in str(info.value)


def test_statistics_with_an_unknown_name():
    buffer = HistoryBuffer([1.0], [1])
    with pytest.raises(KeyError, match="meen has not been registered") as info:
        buffer.statistics("meen")
    assert "Did you mean 'mean'?" in str(info.value)
    assert "'current', 'max', 'mean', 'min'" in str(info.value)


@pytest.mark.parametrize("window_size", [-1, -3])
def test_negative_window_size(window_size):
    buffer = HistoryBuffer([1.0, 2.0, 3.0], [1, 1, 1])
    for method in ("mean", "max", "min"):
        with pytest.raises(ValueError, match="window_size must be >= 0 or None"):
            buffer.statistics(method, window_size)


@pytest.mark.parametrize("method", ["weighted", None, 3])
def test_register_statistics_misuse(method):
    with pytest.raises(AttributeError, match="has no attribute '__name__'") as info:
        HistoryBuffer.register_statistics(method)
    assert isinstance(info.value, TypeError)
    assert "bare decorator" in str(info.value)
    assert "weighted" not in HistoryBuffer._statistics_methods


def test_register_statistics_twice():
    def mean(self):
        return 0

    with pytest.raises(AssertionError, match="cannot be registered twice"):
        HistoryBuffer.register_statistics(mean)
    assert HistoryBuffer([1.0, 3.0], [1, 1]).statistics("mean") == 2.0


def test_level_names_are_checked():
    # 0.10: KeyError from MMLogger, ValueError from setLevel, TypeError from print_log.
    with pytest.raises(KeyError, match="Unknown level: 'INFOO'") as info:
        MMLogger.get_instance("lvl", log_level="INFOO")
    assert "Did you mean 'INFO'?" in str(info.value)
    with pytest.raises(ValueError, match="Unknown level: 'WARN_ING'"):
        MMLogger.get_instance("lvl2").setLevel("WARN_ING")
    with pytest.raises(TypeError, match="Did you mean 'WARNING'"):
        print_log("m", logger="current", level="WARNNING")
