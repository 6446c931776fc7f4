"""tools/api_surface.py: the comparison CI uses to catch a missing upstream name."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("api_surface", ROOT / "tools/api_surface.py")
api = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(api)

REF = {
    "mmengine.a": {
        "names": {
            "f": {"kind": "function", "params": ["x", "y"]},
            "C": {"kind": "class", "params": ["cfg"]},
            "K": {"kind": "int"},
        }
    },
    "mmengine.b": {"names": {}},
}


def test_compare_reports_missing_modules_names_and_parameters():
    other = {"mmengine.a": {"names": {"f": {"kind": "function", "params": ["x"]}, "K": {}}}}
    assert api.compare(REF, other, set()) == [
        "mmengine.a:C",
        "mmengine.a:f(y)",
        "mmengine.b  (module absent)",
    ]


def test_allowlist_entries_are_not_reported(tmp_path):
    allow = tmp_path / "allow.txt"
    allow.write_text("# why\nmmengine.a:C  # reason\nmmengine.a:f(y)\nmmengine.b\n")
    other = {"mmengine.a": {"names": {"f": {"params": ["x"]}, "K": {}}}}
    assert api.compare(REF, other, api.load_allowlist(allow)) == []


def test_catch_all_parameters_accept_any_reference_parameter():
    other = {
        "mmengine.a": {"names": {"f": {"params": ["x", "kwargs"]}, "C": {"params": None}, "K": {}}},
        "mmengine.b": {"names": {}},
    }
    assert api.compare(REF, other, set()) == []


def test_live_surface_sees_lazily_served_names():
    live = api._Live()
    config = live.get("mmengine.config.config")
    # served on first access by the module's __getattr__ (upstream binds it at import)
    assert config["names"].get("tempfile") is not None
    assert live.get("mmengine.no_such_module")["error"].startswith("ModuleNotFoundError")
