"""Log record formatting (colored levels) and duplicate-warning filtering."""

from __future__ import annotations

import logging
from typing import Any

__all__ = ["MMFormatter", "FilterDuplicateWarning"]

# ANSI SGR colour codes of each level's prefix.
_COLOR_CODES = {
    "CRITICAL": "31",  # red
    "ERROR": "31",  # red
    "WARNING": "33",  # yellow
    "INFO": "37",  # white
    "DEBUG": "32",  # green
}
_UNDERLINE = "4"
_BLINK = "5"
_RESET = "\033[0m"

_HEAD = "%(asctime)s - %(name)s - "
_LOCATION = "%(pathname)s - %(funcName)s - %(lineno)d - "


def _colored(text: str, level: str, blink: bool) -> str:
    codes = [_UNDERLINE] + ([_BLINK] if blink else []) + [_COLOR_CODES[level]]
    return f"\033[{';'.join(codes)}m{text}{_RESET}"


class MMFormatter(logging.Formatter):
    """Colorful formatter for :class:`MMLogger`.

    Every line starts with a timestamp, the logger name and the level, e.g.
    ``08/21 02:58:41 - mmengine - INFO - message``. ERROR and CRITICAL
    records also show the file path, function name and line number of the
    call that logged them. With ``color=True`` the level name is underlined
    and colored (ERROR red, WARNING yellow, INFO white, DEBUG green) using
    ANSI escape codes.

    Args:
        color (bool): Whether to color the level names. Use ``False`` for
            log files. Defaults to True.
        blink (bool): Whether ERROR and WARNING level names blink. Defaults
            to False.
        **kwargs: Keyword arguments of :class:`logging.Formatter`, e.g.
            ``datefmt``.
    """

    _color_mapping: dict = dict(ERROR="red", WARNING="yellow", INFO="white", DEBUG="green")

    def __init__(self, color: bool = True, blink: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", _HEAD + "%(levelname)s - %(message)s")
        super().__init__(**kwargs)
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
            blink (bool): Whether it blinks (only with ``color`` and
                ``self.blink``).

        Returns:
            str: The prefix.
        """
        if not color:
            return level
        return _colored(level, level, blink=blink and self.blink)

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
