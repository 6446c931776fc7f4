"""Version of the ``mmengine`` meta-package (the framework as a whole)."""

from __future__ import annotations

import re
from importlib import metadata


def parse_version_info(version_str: str) -> tuple[int | str, ...]:
    """Parse a version string into a tuple, e.g. ``'0.11.0rc1'`` -> ``(0, 11, 0, 'rc1')``."""
    parts: list[int | str] = []
    for piece in version_str.split("."):
        match = re.match(r"(\d+)(.*)", piece)
        if match is None:
            parts.append(piece)
            continue
        parts.append(int(match.group(1)))
        if match.group(2):
            parts.append(match.group(2))
    return tuple(parts)


try:
    __version__ = metadata.version("mmengine")
except metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.11.0"

version_info = parse_version_info(__version__)

__all__ = ["__version__", "version_info", "parse_version_info"]
