"""Refuse to run next to upstream's monolithic ``mmengine`` distribution.

This project's distributions (``mmengine-ng-*``) and OpenMMLab's ``mmengine`` both install the
import package ``mmengine``. Installed into one environment they overwrite each other's files
(``mmengine/__init__.py``, ``mmengine/config/__init__.py``, ...), so what ``import mmengine``
gives is a mix of both that fails in odd places, and uninstalling one deletes files of the
other. Every ``mmengine.<sub>`` package of ours therefore calls :func:`check_no_upstream` first:
if upstream's ``mmengine-<version>.dist-info`` sits in a folder on ``sys.path``, the import fails
at once with a message naming both distributions and the commands that fix it.

The check lists each ``sys.path`` folder once per process (about 0.1 ms on a typical
environment). ``MMENGINE_NG_ALLOW_UPSTREAM=1`` turns it off for those who know what they do.
"""

from __future__ import annotations

import os
import sys

__all__ = ["UpstreamMMEngineInstalled", "check_no_upstream", "find_upstream"]

# Upstream's distribution is named exactly "mmengine"; ours are "mmengine_ng*" in dist-info
# folder names, and upstream's slimmer "mmengine-lite" is just as incompatible. (Plain string
# tests: importing `re` here would cost more than the whole check.)
_UPSTREAM_PREFIXES = ("mmengine-", "mmengine_lite-", "mmengine-lite-")
_METADATA_SUFFIXES = (".dist-info", ".egg-info")


def _is_upstream_metadata(name: str) -> bool:
    lower = name.lower()
    if not lower.endswith(_METADATA_SUFFIXES):
        return False
    for prefix in _UPSTREAM_PREFIXES:
        if lower.startswith(prefix) and lower[len(prefix) : len(prefix) + 1].isdigit():
            return True
    return False


_checked = False


class UpstreamMMEngineInstalled(ImportError):
    """Upstream's ``mmengine`` distribution is installed in the same environment as ours."""


def find_upstream(paths: list[str] | None = None) -> tuple[str, str] | None:
    """Return ``(folder, dist-info name)`` of an upstream ``mmengine`` install, or None.

    Args:
        paths: folders to look in; defaults to ``sys.path``.
    """
    for folder in sys.path if paths is None else paths:
        if not folder or not os.path.isdir(folder):
            continue
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if name[:8].lower() == "mmengine" and _is_upstream_metadata(name):
                return folder, name
    return None


def check_no_upstream() -> None:
    """Raise :class:`UpstreamMMEngineInstalled` when upstream ``mmengine`` is installed.

    Runs its search once per process; later calls return at once.
    """
    global _checked
    if _checked:
        return
    _checked = True
    if os.environ.get("MMENGINE_NG_ALLOW_UPSTREAM", "").lower() in ("1", "true", "yes"):
        return
    found = find_upstream()
    if found is None:
        return
    folder, name = found
    dist = name.split("-")[0] if "-lite" not in name.lower() else "mmengine-lite"
    version = name.rsplit(".", 1)[0].split("-")[-1]
    raise UpstreamMMEngineInstalled(
        f"OpenMMLab's `{dist}` {version} is installed in {folder} next to this project's "
        "`mmengine-ng` distributions (mmengine-ng, mmengine-ng-config, ...). Both provide the "
        "import package `mmengine` and overwrite each other's files, so neither works. Keep "
        f"one: `pip uninstall -y {dist}` and then `pip install --force-reinstall --no-deps "
        "mmengine-ng` (reinstall ours: uninstalling upstream deletes files the two share). A "
        "project that requires upstream's `mmengine` (an OpenMMLab zoo) runs on mmengine-ng "
        "when installed without its dependencies (`pip install --no-deps <zoo>`) or with uv's "
        "`override-dependencies`; see docs/zoos.md. Set MMENGINE_NG_ALLOW_UPSTREAM=1 to skip "
        "this check."
    )


# Importing this module is the check: every `mmengine.<sub>/__init__.py` of ours imports it.
check_no_upstream()
