import logging

from mmengine.logging import MMFormatter
from mmengine.logging.logger import FilterDuplicateWarning


def _record(level, msg="msg"):
    return logging.LogRecord("mmengine", level, "/path/file.py", 7, msg, None, None, func="fn")


def test_plain_formats_per_level():
    fmt = MMFormatter(color=False, datefmt="%Y")
    assert fmt.format(_record(logging.INFO)).endswith(" - mmengine - INFO - msg")
    assert fmt.format(_record(logging.DEBUG)).endswith(" - DEBUG - msg")
    assert fmt.format(_record(logging.WARNING)).endswith(" - WARNING - msg")
    assert fmt.format(_record(logging.ERROR)).endswith(" - ERROR - /path/file.py - fn - 7 - msg")
    assert " - CRITICAL - /path/file.py - fn - 7 - msg" in fmt.format(_record(logging.CRITICAL))
    assert fmt.format(_record(25)).endswith(" - Level 25 - msg")
    assert "\033[" not in fmt.format(_record(logging.ERROR))


def test_colored_levels():
    fmt = MMFormatter(color=True)
    assert "\033[4;31mERROR\033[0m" in fmt.format(_record(logging.ERROR))
    assert "\033[4;33mWARNING\033[0m" in fmt.format(_record(logging.WARNING))
    assert "\033[4;37mINFO\033[0m" in fmt.format(_record(logging.INFO))
    assert "\033[4;32mDEBUG\033[0m" in fmt.format(_record(logging.DEBUG))
    blinking = MMFormatter(color=True, blink=True)
    assert "\033[4;5;31mERROR" in blinking.format(_record(logging.ERROR))
    assert "\033[4;37mINFO" in blinking.format(_record(logging.INFO))


def test_exception_text_is_appended():
    fmt = MMFormatter(color=False)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record = _record(logging.ERROR)
        record.exc_info = sys.exc_info()
    text = fmt.format(record)
    assert "Traceback" in text and "RuntimeError: boom" in text


def test_filter_duplicate_warning():
    flt = FilterDuplicateWarning()
    assert flt.filter(_record(logging.WARNING, "a"))
    assert not flt.filter(_record(logging.WARNING, "a"))
    assert flt.filter(_record(logging.WARNING, "b"))
    assert flt.filter(_record(logging.ERROR, "a"))
    assert flt.filter(_record(logging.ERROR, "a"))
