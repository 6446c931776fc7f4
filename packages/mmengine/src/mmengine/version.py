"""Version of the ``mmengine`` meta-package (the framework as a whole)."""

from __future__ import annotations

from importlib import metadata


def parse_version_info(version_str: str) -> tuple[int | str, ...]:
    """Parse a version string into a tuple, e.g. ``'0.11.0rc1'`` -> ``(0, 11, 0, 'rc1')``."""
    parts: list[int | str] = []
    for x in version_str.split("."):
        if x.isdigit():
            parts.append(int(x))
        else:
            digits = "".join(c for c in x if c.isdigit())
            rest = x[len(digits):]
            if digits:
                parts.append(int(digits))
            if rest:
                parts.append(rest)
    return tuple(parts)


try:
    __version__ = metadata.version("mmengine")
except metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.11.0"

version_info = parse_version_info(__version__)

__all__ = ["__version__", "version_info", "parse_version_info"]
