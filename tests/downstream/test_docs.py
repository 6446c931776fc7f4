"""docs/zoos.md stays true: its pins are the suite's, and its snippet runs as written."""

from __future__ import annotations

import re
import subprocess
import sys

import downstream_helpers as dh

DOC = dh.REPO / "docs" / "zoos.md"


def _pins(text: str) -> dict[str, str]:
    found = re.findall(
        r"\b(mmcv-lite|mmpretrain|mmdet|mmsegmentation|mmpose|mmaction2)==([\d.]+)", text
    )
    pins = dict(found)
    assert len(set(found)) == len(pins), f"one package pinned to two versions: {sorted(found)}"
    return pins


def test_doc_pins_are_the_suites():
    """The versions the page tells users to install are the ones this suite tests."""
    ours = _pins((dh.HERE / "requirements.txt").read_text())
    assert ours == {"mmcv-lite": "2.1.0", **{d: v for d, v in dh.ZOOS.values()}}
    documented = _pins(DOC.read_text())
    assert documented == ours


def test_doc_register_snippet_runs():
    """The page's `python -c` check works with only the zoo folder on PYTHONPATH (no shim)."""
    match = re.search(r'python -c \\\n\s+"([^"]+)"', DOC.read_text())
    assert match, "docs/zoos.md lost its `python -c` snippet"
    env = dh.subprocess_env()
    env["PYTHONPATH"] = str(dh.site_dir())  # exactly the page's export, without the shim
    proc = subprocess.run(
        [sys.executable, "-c", match.group(1)], env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert proc.stdout.strip().endswith("ok")
