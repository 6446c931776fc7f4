"""Sphinx configuration for the mmengine-ng documentation site.

Build (CI runs exactly this, warnings are errors):

    uv run --frozen --group docs sphinx-build -W -b html docs /tmp/docs-out
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

project = "mmengine-ng"
author = "mmengine-ng contributors"
copyright = "mmengine-ng contributors"

try:
    from mmengine import __version__ as release
except Exception:  # pragma: no cover - the meta-package is not installed
    release = "unknown"
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "mmengine_catalogue",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "Thumbs.db", ".DS_Store"]

# MyST: ``{py:class}`` roles, anchors on headings for in-page links, ``:::`` fences.
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# autodoc: import the real packages (all are installed in the workspace environment).
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_inherit_docstrings = True
autodoc_preserve_defaults = True

napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
napoleon_attr_annotations = True

nitpicky = False

html_theme = "furo"
html_title = f"mmengine-ng {release}"
html_static_path: list[str] = []


# Pages that other work adds later are listed in the index only once they exist: a toctree
# entry written ``?name`` becomes ``name`` when ``docs/name.md`` is there and is dropped
# otherwise (Sphinx -W fails both on a missing entry and on a page in no toctree).
def _optional_toctree_entries(app, docname, source):
    if docname != "index":
        return
    lines = []
    for line in source[0].splitlines(keepends=True):
        if line.startswith("?"):
            name = line[1:].strip()
            if not (HERE / f"{name}.md").exists():
                continue
            line = name + "\n"
        lines.append(line)
    source[0] = "".join(lines)


# Napoleon escapes the stars of ``*args:`` and ``**kwargs:`` entries, but not of a combined
# ``*args, **kwargs:`` entry, whose ``**`` docutils then reads as unclosed bold (a warning,
# so an error under -W). Split such an entry in two before napoleon runs.
_COMBINED_VARARGS = re.compile(r"^(\s+)\*(\w+), \*\*(\w+)( \([^)]*\))?:(.*)$")


def _split_combined_varargs(app, what, name, obj, options, lines):
    for i, line in enumerate(lines):
        m = _COMBINED_VARARGS.match(line)
        if m:
            indent, args, kwargs, _, desc = m.groups()
            lines[i : i + 1] = [f"{indent}*{args}:{desc}", f"{indent}**{kwargs}:{desc}"]


def setup(app):
    app.connect("source-read", _optional_toctree_entries)
    app.connect("autodoc-process-docstring", _split_combined_varargs, priority=400)
