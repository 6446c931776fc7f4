"""The runner and hooks packages stay readable: no file over 600 lines, no function over 60."""

from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SOURCES = sorted(
    path
    for folder in ("packages/runner/src/mmengine", "packages/hooks/src/mmengine/hooks")
    for path in (ROOT / folder).rglob("*.py")
)
MAX_FILE_LINES, MAX_FUNCTION_LINES = 600, 60


def test_the_scan_finds_the_sources():
    names = {path.name for path in SOURCES}
    assert {"runner.py", "loops.py", "checkpoint_hook.py"} <= names


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_file_and_function_lengths(path):
    text = path.read_text()
    lines = len(text.splitlines())
    assert lines <= MAX_FILE_LINES, f"{path}: {lines} lines (at most {MAX_FILE_LINES})"
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines, line {node.lineno})"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{path}: functions over {MAX_FUNCTION_LINES} lines: {long}"
