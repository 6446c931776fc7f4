"""Every ``>>>`` example in the packages' docstrings runs as written and prints what it shows.

The API pages of the docs site render these docstrings (``sphinx.ext.autodoc``), so an example
that does not run is a documented command nobody ran. Each subpackage (``mmengine.<name>``) runs
in its own subprocess, in a fresh temporary folder, so examples that register classes or write
files cannot leak into other tests. Each docstring starts from an empty namespace: an example
imports what it uses, as a reader copying it would.

Options: ``ELLIPSIS`` and ``NORMALIZE_WHITESPACE``. An example that cannot run here (a cloud
service, a GPU, a download) says so with ``# doctest: +SKIP`` on that line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# One subpackage per entry; only those whose sources hold examples.
SUBPACKAGES = sorted(
    path.name
    for path in ROOT.glob("packages/*/src/mmengine/*")
    if path.is_dir()
    and not path.name.startswith("_")
    and any(">>> " in f.read_text(encoding="utf-8") for f in path.rglob("*.py"))
)

# Runs in the subprocess: collect every docstring example of mmengine.<name>, run it, report.
_RUNNER = r"""
import doctest, importlib, json, pkgutil, sys

name = sys.argv[1]
package = importlib.import_module(name)
modules = [package]
for info in pkgutil.walk_packages(package.__path__, name + "."):
    modules.append(importlib.import_module(info.name))
finder = doctest.DocTestFinder(exclude_empty=True)
flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
attempted, failures, seen = 0, [], set()
for module in modules:
    for test in finder.find(module, module.__name__, globs={}):
        # A docstring reached twice (an alias, a re-export) runs once.
        key = (test.filename, test.lineno, test.docstring)
        if not test.examples or key in seen:
            continue
        seen.add(key)
        report = []
        runner = doctest.DocTestRunner(optionflags=flags)
        result = runner.run(test, out=report.append, clear_globs=True)
        attempted += result.attempted
        if result.failed:
            failures.append("".join(report))
print(json.dumps({"attempted": attempted, "failures": failures}))
"""


@pytest.mark.parametrize("sub", SUBPACKAGES)
def test_docstring_examples_run(sub: str, tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _RUNNER, f"mmengine.{sub}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, f"collecting mmengine.{sub}'s examples failed:\n{proc.stderr}"
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["attempted"] > 0, f"mmengine.{sub}'s sources show examples, none was found"
    failures = result["failures"]
    assert not failures, (
        f"{len(failures)} docstring(s) of mmengine.{sub} have examples that do not run as "
        "written:\n" + "\n".join(failures)
    )
