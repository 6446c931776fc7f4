"""The meta-package's top-level module: lazy, upstream-compatible, and cheap to import."""

from __future__ import annotations

import subprocess
import sys

import pytest

import mmengine


def _run(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.strip()


def test_version_is_below_one_and_parsed():
    assert mmengine.__version__.startswith("0.")
    assert mmengine.version_info[:2] == tuple(int(x) for x in mmengine.__version__.split(".")[:2])
    from mmengine.version import parse_version_info

    assert parse_version_info("0.11.0rc1") == (0, 11, 0, "rc1")
    assert parse_version_info("1.2.3") == (1, 2, 3)


def test_import_mmengine_loads_no_member():
    out = _run(
        "import sys, mmengine; "
        "print(sorted(m for m in sys.modules if m.startswith('mmengine.') and m != 'mmengine.version'))"
    )
    assert out == "[]"


def test_import_mmengine_does_not_import_torch():
    assert _run("import sys, mmengine; mmengine.Config; print('torch' in sys.modules)") == "False"


@pytest.mark.parametrize(
    ("name", "module"),
    [
        ("Config", "mmengine.config"),
        ("ConfigDict", "mmengine.config"),
        ("DictAction", "mmengine.config"),
        ("Registry", "mmengine.registry"),
        ("DefaultScope", "mmengine.registry"),
        ("load", "mmengine.fileio"),
        ("dump", "mmengine.fileio"),
        ("print_log", "mmengine.logging"),
        ("MMLogger", "mmengine.logging"),
        ("MessageHub", "mmengine.logging"),
        ("mkdir_or_exist", "mmengine.utils"),
        ("is_list_of", "mmengine.utils"),
        ("ManagerMixin", "mmengine.utils"),
    ],
)
def test_upstream_top_level_names(name, module):
    import importlib

    assert getattr(mmengine, name) is getattr(importlib.import_module(module), name)


def test_star_import_matches_all():
    ns: dict = {}
    exec("from mmengine import *", ns)
    assert "Config" in ns and "Registry" in ns and "load" in ns
    assert ns["__version__"] == mmengine.__version__


def test_unknown_name_raises_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'NoSuchThing'"):
        mmengine.NoSuchThing  # noqa: B018


def test_subpackages_are_namespace_portions():
    import mmengine.config
    import mmengine.utils

    assert mmengine.config.__file__ != mmengine.utils.__file__
    assert "packages/config" in mmengine.config.__file__.replace("\\", "/") or "site-packages" in (
        mmengine.config.__file__
    )
