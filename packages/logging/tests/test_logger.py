import logging
import logging.handlers
import re
import sys
import types

import pytest

from mmengine.logging import MMLogger
from mmengine.logging import logger as logger_module

STREAM_TIME = r"\d{2}/\d{2} \d{2}:\d{2}:\d{2}"
FILE_TIME = r"\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}"


def test_rank0_handlers_and_names(tmp_path):
    logger = MMLogger.get_instance("rank0.pkg1", log_level="INFO")
    assert logger.name == "mmengine"
    assert logger.instance_name == "rank0.pkg1"
    assert logger.parent is None  # not managed by logging.Manager
    assert logger is not logging.getLogger("mmengine")
    assert len(logger.handlers) == 1
    assert isinstance(logger.handlers[0], logging.StreamHandler)
    assert logger.level == logging.NOTSET
    assert logger.handlers[0].level == logging.INFO
    assert logger.log_file is None

    log_file = tmp_path / "tmp_file.log"
    logger = MMLogger.get_instance("rank0.pkg2", log_level="INFO", log_file=str(log_file))
    assert len(logger.handlers) == 2
    assert isinstance(logger.handlers[1], logging.FileHandler)
    assert logger.log_file == str(log_file)
    assert MMLogger.get_instance("rank0.pkg2") is logger

    named = MMLogger.get_instance("rank0.pkg3", logger_name="logger_test")
    assert named.name == "logger_test"
    assert named.instance_name == "rank0.pkg3"


@pytest.mark.parametrize("log_level", [logging.WARNING, logging.INFO, logging.DEBUG])
def test_stream_and_file_format(capsys, tmp_path, log_level, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    logger = MMLogger.get_instance(f"stream_{log_level}", log_level=log_level)
    logger.log(level=log_level, msg="welcome")
    out, _ = capsys.readouterr()
    level_name = logging.getLevelName(log_level)
    assert re.fullmatch(f"{STREAM_TIME} - mmengine - (.*){level_name}(.*) - welcome\n", out)
    assert "\033[" in out  # colored level on the terminal

    log_file = tmp_path / "tmp_file.log"  # a Path is accepted too
    logger = MMLogger.get_instance(f"file_{log_level}", log_level=log_level, log_file=log_file)
    logger.log(level=log_level, msg="welcome")
    text = log_file.read_text()
    assert re.fullmatch(f"{FILE_TIME} - mmengine - {level_name} - welcome\n", text)


def test_no_color_when_the_stream_is_not_a_terminal(capsys, monkeypatch):
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    logger = MMLogger.get_instance("plain_stream", log_level="INFO")
    logger.info("welcome")
    out, _ = capsys.readouterr()
    assert "\033[" not in out and " - INFO - welcome" in out


def test_error_shows_location(capsys):
    logger = MMLogger.get_instance("test_error", log_level="INFO")
    logger.error("welcome")
    lineno = sys._getframe().f_lineno - 1
    out, _ = capsys.readouterr()
    path = re.escape(__file__)
    name = sys._getframe().f_code.co_name
    assert re.fullmatch(
        f"{STREAM_TIME} - mmengine - (.*)ERROR(.*) - {path} - {name} - {lineno} - welcome\n",
        out,
    )


def test_level_filtering(capsys):
    logger = MMLogger.get_instance("levels", log_level="warning")  # case-insensitive
    logger.info("hidden")
    logger.debug("hidden")
    assert capsys.readouterr().out == ""
    logger.warning("shown")
    assert "shown" in capsys.readouterr().out


def test_invalid_log_level():
    with pytest.raises(ValueError, match="not a logging level"):
        MMLogger.get_instance("bad_level", log_level="LOUD")


def test_no_output_without_handlers(capsys):
    logger = MMLogger.get_instance("no_handlers")
    logger.handlers.clear()
    logger.error("nothing")  # no lastResort fallback
    out, err = capsys.readouterr()
    assert out == "" and err == ""


def test_does_not_propagate_to_root(capsys):
    root_records = []

    class Collect(logging.Handler):
        def emit(self, record):
            root_records.append(record)

    handler = Collect()
    logging.getLogger().addHandler(handler)
    try:
        MMLogger.get_instance("no_root").info("hello")
    finally:
        logging.getLogger().removeHandler(handler)
    assert root_records == []


def test_duplicate_warnings_are_filtered(capsys):
    logger = MMLogger.get_instance("test_filter")
    logger.warning("hello")
    assert "WARNING" in capsys.readouterr().out
    logger.warning("hello")
    assert capsys.readouterr().out == ""
    logger.warning("hello1")
    assert "WARNING" in capsys.readouterr().out
    logger.info("same")
    logger.info("same")
    assert capsys.readouterr().out.count("same") == 2


def test_set_level(capsys):
    logger = MMLogger.get_instance("test_set_level")
    other = MMLogger.get_instance("test_set_level_other")
    logger.info("hello")
    assert "INFO" in capsys.readouterr().out
    assert other.isEnabledFor(logging.INFO)  # fills other's cache
    logger.setLevel("WARNING")
    logger.info("hello")
    assert capsys.readouterr().out == ""
    logger.warning("hello")
    assert "WARNING" in capsys.readouterr().out
    logger.setLevel(logging.INFO)
    logger.info("again")
    assert "again" in capsys.readouterr().out


def test_get_current_instance_creates_default():
    logger = MMLogger.get_current_instance()
    assert logger.instance_name == "mmengine"
    created = MMLogger.get_instance("later")
    assert MMLogger.get_current_instance() is created


def test_file_mode_append(tmp_path):
    log_file = tmp_path / "append.log"
    log_file.write_text("previous\n")
    logger = MMLogger.get_instance("append", log_file=str(log_file), file_mode="a")
    logger.info("new")
    logger.handlers[1].flush()
    lines = log_file.read_text().splitlines()
    assert lines[0] == "previous" and lines[1].endswith("INFO - new")


def test_creates_log_directory(tmp_path):
    log_file = tmp_path / "a" / "b" / "run.log"
    MMLogger.get_instance("mkdir", log_file=str(log_file)).info("x")
    assert log_file.exists()


def test_file_handler_cfg(tmp_path):
    log_file = tmp_path / "rot.log"
    logger = MMLogger.get_instance(
        "rotating",
        log_file=str(log_file),
        file_handler_cfg=dict(type="RotatingFileHandler", maxBytes=1024, backupCount=1),
    )
    assert isinstance(logger.handlers[1], logging.handlers.RotatingFileHandler)
    with pytest.raises(ValueError, match="RotatingFileHandler"):
        MMLogger.get_instance(
            "bad_handler", log_file=str(log_file), file_handler_cfg=dict(type="Nope")
        )


def test_rank1_without_distributed_logs_errors_only(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("RANK", "1")
    monkeypatch.setenv("WORLD_SIZE", "2")
    log_file = tmp_path / "tmp_file.log"
    logger = MMLogger.get_instance("rank1.pkg1", log_file=str(log_file))
    assert len(logger.handlers) == 1  # only rank 0 writes the shared file
    assert logger.handlers[0].level == logging.ERROR
    logger.info("quiet")
    assert capsys.readouterr().out == ""
    logger.error("loud")
    assert "loud" in capsys.readouterr().out
    assert not list(tmp_path.iterdir())


def test_rank1_distributed_writes_own_file(monkeypatch, tmp_path):
    monkeypatch.setenv("RANK", "1")
    monkeypatch.setenv("LOCAL_RANK", "1")
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setattr(logger_module, "_get_host_info", lambda: "test")
    # a CPU-only torch: the device id is LOCAL_RANK (tests run with or without torch)
    cpu_torch = types.SimpleNamespace(cuda=types.SimpleNamespace(is_available=lambda: False))
    monkeypatch.setitem(sys.modules, "torch", cpu_torch)
    log_file = tmp_path / "tmp_file.log"
    logger = MMLogger.get_instance("rank1.pkg2", log_file=str(log_file), distributed=True)
    assert len(logger.handlers) == 2
    assert logger.handlers[0].level == logging.ERROR
    assert logger.handlers[1].level == logging.INFO
    expected = tmp_path / "tmp_file_test_device1_rank1.log"
    assert logger.log_file == str(expected)
    logger.info("mine")
    assert "mine" in expected.read_text()


def test_debug_level_saves_every_rank(monkeypatch, tmp_path):
    monkeypatch.setenv("RANK", "0")
    monkeypatch.setenv("WORLD_SIZE", "4")
    monkeypatch.setattr(logger_module, "_get_host_info", lambda: "")
    log_file = tmp_path / "run.log"
    logger = MMLogger.get_instance("debug_rank0", log_file=str(log_file), log_level="DEBUG")
    assert logger.log_file == str(tmp_path / "run_device0_rank0.log")


def test_patched_rank_helpers_are_used(monkeypatch, tmp_path):
    monkeypatch.setattr(logger_module, "_get_rank", lambda: 3)
    monkeypatch.setattr(logger_module, "_get_world_size", lambda: 4)
    monkeypatch.setattr(logger_module, "_get_device_id", lambda: 2)
    monkeypatch.setattr(logger_module, "_get_host_info", lambda: "u@h")
    logger = MMLogger.get_instance("patched", log_file=str(tmp_path / "x.log"), distributed=True)
    assert logger.log_file == str(tmp_path / "x_u@h_device2_rank3.log")


def test_file_handler_without_mode_argument(tmp_path):
    logger = MMLogger(
        name="timed",
        log_file=tmp_path / "timed.log",
        file_handler_cfg=dict(type="TimedRotatingFileHandler", when="MIDNIGHT", backupCount=3),
    )
    assert isinstance(logger.handlers[-1], logging.handlers.TimedRotatingFileHandler)
    assert not MMLogger.check_instance_created("timed")  # direct construction
    logger.info("hello")
    logger.handlers[-1].close()
    assert "hello" in (tmp_path / "timed.log").read_text()
