import io
import logging
import sys

import pytest

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


def test_colored_levels(monkeypatch):
    # Byte sequences recorded from 0.10.7 (termcolor 3.3) with FORCE_COLOR=1: separate
    # blink/underline/colour sequences, bright white INFO, WARNING and ERROR always blink.
    monkeypatch.setenv("FORCE_COLOR", "1")
    fmt = MMFormatter(color=True)
    assert "\033[5m\033[4m\033[31mERROR\033[0m - " in fmt.format(_record(logging.ERROR))
    assert "\033[5m\033[4m\033[33mWARNING\033[0m - " in fmt.format(_record(logging.WARNING))
    assert " - \033[4m\033[97mINFO\033[0m - msg" in fmt.format(_record(logging.INFO))
    assert " - \033[4m\033[32mDEBUG\033[0m - msg" in fmt.format(_record(logging.DEBUG))
    blinking = MMFormatter(color=True, blink=True)
    assert "\033[5m\033[4m\033[31mERROR" in blinking.format(_record(logging.ERROR))
    assert " - \033[5m\033[4m\033[97mINFO\033[0m - " in blinking.format(_record(logging.INFO))
    assert " - \033[5m\033[4m\033[32mDEBUG" in blinking.format(_record(logging.DEBUG))


@pytest.mark.parametrize(
    "env", [{}, {"NO_COLOR": "1"}, {"ANSI_COLORS_DISABLED": "1"}, {"TERM": "dumb"}]
)
def test_color_true_needs_a_terminal(monkeypatch, env):
    # As 0.10 (termcolor): color=True colours nothing when stdout is no terminal (a file, a
    # pipe, pytest's capture) or the environment turns colours off.
    for name in ("FORCE_COLOR", "NO_COLOR", "ANSI_COLORS_DISABLED"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stdout", Terminal() if env else io.StringIO())
    out = MMFormatter(color=True).format(_record(logging.WARNING))
    assert "\033[" not in out and out.endswith(" - mmengine - WARNING - msg")
    if env:
        return
    monkeypatch.setattr(sys, "stdout", Terminal())
    assert "\033[" in MMFormatter(color=True).format(_record(logging.WARNING))


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
