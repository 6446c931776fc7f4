"""Log record formatting (colored levels) and duplicate-warning filtering."""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

__all__ = ["MMFormatter", "FilterDuplicateWarning", "terminal_supports_color"]

# ANSI SGR colour codes of each level's prefix, as 0.10 (termcolor 3) wrote them.
_COLOR_CODES = {
    "CRITICAL": "31",  # red
    "ERROR": "31",  # red
    "WARNING": "33",  # yellow
    "INFO": "97",  # white
    "DEBUG": "32",  # green
}
_UNDERLINE = "\033[4m"
_BLINK = "\033[5m"
_RESET = "\033[0m"

_HEAD = "%(asctime)s - %(name)s - "
_LOCATION = "%(pathname)s - %(funcName)s - %(lineno)d - "


def _colored(text: str, level: str, blink: bool) -> str:
    # Byte for byte what 0.10 printed: blink, underline and colour as separate sequences.
    return f"{_BLINK if blink else ''}{_UNDERLINE}\033[{_COLOR_CODES[level]}m{text}{_RESET}"


def terminal_supports_color(stream: object = None) -> bool:
    """Whether ANSI colours should be written to ``stream`` (default: ``sys.stdout``).

    As 0.10 decided through termcolor: ``ANSI_COLORS_DISABLED`` or ``NO_COLOR`` (non-empty)
    turn colours off, ``FORCE_COLOR`` (non-empty) turns them on, ``TERM=dumb`` turns them off,
    otherwise only a terminal gets colours (not a file, a pipe or pytest's capture).
    """
    if os.environ.get("ANSI_COLORS_DISABLED") or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    if stream is None:
        stream = sys.stdout
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


class MMFormatter(logging.Formatter):
    """Colorful formatter for :class:`MMLogger`.

    Every line starts with a timestamp, the logger name and the level, e.g.
    ``08/21 02:58:41 - mmengine - INFO - message``. ERROR and CRITICAL
    records also show the file path, function name and line number of the
    call that logged them. With ``color=True`` the level name is underlined
    and colored (ERROR red, WARNING yellow, INFO white, DEBUG green) using
    ANSI escape codes, as in 0.10 only when ``sys.stdout`` is a terminal
    (or ``FORCE_COLOR`` is set; ``NO_COLOR``/``ANSI_COLORS_DISABLED`` and
    ``TERM=dumb`` turn colours off). ERROR and WARNING names blink.

    Args:
        color (bool): Whether to color the level names. Use ``False`` for
            log files. Defaults to True.
        blink (bool): Whether every level name blinks (ERROR and WARNING
            always do when colored). Defaults to False.
        **kwargs: Keyword arguments of :class:`logging.Formatter`, e.g.
            ``datefmt``.
    """

    _color_mapping: dict = dict(ERROR="red", WARNING="yellow", INFO="white", DEBUG="green")

    def __init__(self, color: bool = True, blink: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", _HEAD + "%(levelname)s - %(message)s")
        super().__init__(**kwargs)
        color = bool(color) and terminal_supports_color()
        self.color = color
        self.blink = blink
        error_prefix = self._get_prefix("ERROR", color, blink=True)
        critical_prefix = self._get_prefix("CRITICAL", color, blink=True)
        warn_prefix = self._get_prefix("WARNING", color, blink=True)
        info_prefix = self._get_prefix("INFO", color, blink=False)
        debug_prefix = self._get_prefix("DEBUG", color, blink=False)
        self.err_format = f"{_HEAD}{error_prefix} - {_LOCATION}%(message)s"
        self.critical_format = f"{_HEAD}{critical_prefix} - {_LOCATION}%(message)s"
        self.warn_format = f"{_HEAD}{warn_prefix} - %(message)s"
        self.info_format = f"{_HEAD}{info_prefix} - %(message)s"
        self.debug_format = f"{_HEAD}{debug_prefix} - %(message)s"
        self._level_styles = {
            logging.CRITICAL: logging.PercentStyle(self.critical_format),
            logging.ERROR: logging.PercentStyle(self.err_format),
            logging.WARNING: logging.PercentStyle(self.warn_format),
            logging.INFO: logging.PercentStyle(self.info_format),
            logging.DEBUG: logging.PercentStyle(self.debug_format),
        }

    def _get_prefix(self, level: str, color: bool, blink: bool = False) -> str:
        """Return the (optionally colored) level name used in the format.

        Args:
            level (str): Level name, e.g. ``'INFO'``.
            color (bool): Whether to color it.
            blink (bool): Whether it blinks (with ``color``; every level
                blinks when ``self.blink``).

        Returns:
            str: The prefix.
        """
        if not color:
            return level
        return _colored(level, level, blink=blink or self.blink)

    def usesTime(self) -> bool:  # noqa: N802 (logging API)
        """Every format shows ``asctime``."""
        return True

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging API)
        """Format ``record`` with the format of its level.

        Levels without a dedicated format (custom levels) use the plain
        ``asctime - name - levelname - message`` layout.

        Args:
            record (LogRecord): The record to format.

        Returns:
            str: The formatted line (without exception text).
        """
        style = self._level_styles.get(record.levelno, self._style)
        return style.format(record)


class FilterDuplicateWarning(logging.Filter):
    """Let each distinct WARNING message through only once.

    Records of other levels always pass.

    Args:
        name (str): Name of the logger the filter is attached to. Defaults
            to 'mmengine'.
    """

    def __init__(self, name: str = "mmengine") -> None:
        super().__init__(name)
        self.seen: set = set()

    def filter(self, record: logging.LogRecord) -> bool:
        """Return False for a WARNING whose message was seen before.

        Args:
            record (LogRecord): The record to check.

        Returns:
            bool: Whether the record should be logged.
        """
        if record.levelno != logging.WARNING:
            return True
        key = str(record.msg)
        if key in self.seen:
            return False
        self.seen.add(key)
        return True
