import logging
import re

import pytest

from mmengine.logging import MMLogger, print_log

STREAM_INFO = r"\d{2}/\d{2} \d{2}:\d{2}:\d{2} - mmengine - (.*)INFO(.*) - welcome\n"


def test_none_prints(capsys):
    print_log("welcome", logger=None)
    assert capsys.readouterr().out == "welcome\n"


def test_silent(capsys):
    print_log("welcome", logger="silent")
    assert capsys.readouterr().out == ""


def test_logger_instance_name_and_current(capsys):
    logger = MMLogger.get_instance("test_print_log")
    print_log("welcome", logger=logger)
    assert re.fullmatch(STREAM_INFO, capsys.readouterr().out)
    print_log("welcome", logger="test_print_log")
    assert re.fullmatch(STREAM_INFO, capsys.readouterr().out)
    print_log("welcome", logger="current")
    assert re.fullmatch(STREAM_INFO, capsys.readouterr().out)


def test_current_without_instances_creates_default(capsys):
    print_log("welcome", logger="current")
    assert re.fullmatch(STREAM_INFO, capsys.readouterr().out)
    assert MMLogger.check_instance_created("mmengine")


def test_level_is_respected(capsys):
    MMLogger.get_instance("lvl", log_level="WARNING")
    print_log("skipped", logger="lvl", level=logging.INFO)
    assert capsys.readouterr().out == ""
    print_log("kept", logger="lvl", level="WARNING")
    assert "WARNING" in capsys.readouterr().out


def test_plain_logging_logger():
    records = []

    class Collect(logging.Handler):
        def emit(self, record):
            records.append(record)

    std_logger = logging.getLogger("mmengine_logging_test_plain")
    std_logger.addHandler(Collect())
    std_logger.setLevel(logging.DEBUG)
    print_log("hi", logger=std_logger, level=logging.DEBUG)
    assert [(r.getMessage(), r.levelno) for r in records] == [("hi", logging.DEBUG)]


def test_invalid_logger():
    with pytest.raises(TypeError, match="logging.Logger object"):
        print_log("welcome", logger=dict)
    with pytest.raises(ValueError, match="has not been created"):
        print_log("welcome", logger="unknown")


def test_error_location_is_the_caller(capsys):
    MMLogger.get_instance("loc")
    print_log("boom", logger="loc", level=logging.ERROR)
    out = capsys.readouterr().out
    assert f" - {__file__} - test_error_location_is_the_caller - " in out
