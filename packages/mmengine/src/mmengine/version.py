"""Version of the ``mmengine`` meta-package (the framework as a whole)."""

from __future__ import annotations


def parse_version_info(version_str: str) -> tuple[int | str, ...]:
    """Parse a version string into a tuple, e.g. ``'0.11.0rc1'`` -> ``(0, 11, 0, 'rc1')``."""
    parts: list[int | str] = []
    for piece in version_str.split("."):
        digits = len(piece) - len(piece.lstrip("0123456789"))
        if digits == 0:
            parts.append(piece)
            continue
        parts.append(int(piece[:digits]))
        if piece[digits:]:
            parts.append(piece[digits:])
    return tuple(parts)


# Kept equal to packages/mmengine/pyproject.toml by tools/check_workspace.py (no
# importlib.metadata lookup at import time: it costs more than the rest of the facade).
__version__ = "0.12.21"

version_info = parse_version_info(__version__)

__all__ = ["__version__", "version_info", "parse_version_info"]
