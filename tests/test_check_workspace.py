"""The workspace consistency check catches the drift it promises to catch."""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("check_workspace", ROOT / "tools/check_workspace.py")
check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check)


def _member(
    root: Path,
    folder: str,
    name: str,
    version: str,
    deps: list[str],
    code: str = "",
    sub: str | None = None,
) -> None:
    d = root / "packages" / folder
    sub = sub or folder
    (d / "src" / "mmengine" / sub).mkdir(parents=True)
    (d / "tests").mkdir()
    (d / "src" / "mmengine" / sub / "__init__.py").write_text(code)
    (d / "src" / "mmengine" / sub / "py.typed").write_text("")
    (d / "README.md").write_text("x")
    (d / "CHANGELOG.md").write_text(f"## {version}\n")
    sources = "".join(
        f"{r.split('>')[0].split('=')[0].strip()} = {{ workspace = true }}\n"
        for r in deps
        if r.startswith("mmengine")
    )
    dep_lines = ", ".join(f'"{r}"' for r in deps)
    (d / "pyproject.toml").write_text(
        textwrap.dedent(f"""\
        [project]
        name = "{name}"
        version = "{version}"
        dependencies = [{dep_lines}]
        """)
        + ("\n[tool.uv.sources]\n" + sources if sources else "")
    )


def _workspace(tmp_path: Path, *, a_deps=None, b_deps=None, b_code="", meta_pins=None) -> Path:
    names = ["mmengine-ng", "mmengine-ng-a", "mmengine-ng-b"]
    (tmp_path / "pyproject.toml").write_text(
        '[tool.uv.workspace]\nmembers = ["packages/*"]\n[tool.uv.sources]\n'
        + "".join(f"{n} = {{ workspace = true }}\n" for n in names)
    )
    _member(tmp_path, "a", "mmengine-ng-a", "0.1.0", [] if a_deps is None else a_deps)
    _member(
        tmp_path,
        "b",
        "mmengine-ng-b",
        "0.2.0",
        ["mmengine-ng-a>=0.1,<0.2"] if b_deps is None else b_deps,
        b_code,
    )
    meta = tmp_path / "packages" / "mmengine"
    (meta / "src" / "mmengine").mkdir(parents=True)
    (meta / "tests").mkdir()
    (meta / "src" / "mmengine" / "__init__.py").write_text("")
    (meta / "README.md").write_text("x")
    (meta / "CHANGELOG.md").write_text("## 0.11.0\n")
    pins = meta_pins or ["mmengine-ng-a==0.1.0", "mmengine-ng-b==0.2.0"]
    (meta / "pyproject.toml").write_text(
        '[project]\nname = "mmengine-ng"\nversion = "0.11.0"\ndependencies = ['
        + ", ".join(f'"{p}"' for p in pins)
        + "]\n[tool.uv.sources]\n"
        + "mmengine-ng-a = { workspace = true }\nmmengine-ng-b = { workspace = true }\n"
    )
    return tmp_path


def _problems(root: Path, capsys) -> str:
    rc = check.main(["--root", str(root)])
    out = capsys.readouterr().out
    return out if rc else ""


def test_consistent_workspace_passes(tmp_path, capsys):
    root = _workspace(tmp_path, b_code="from mmengine.a import x\n")
    assert check.main(["--root", str(root)]) == 0
    assert "consistent" in capsys.readouterr().out


def test_the_real_workspace_is_consistent(capsys):
    assert check.main(["--root", str(ROOT)]) == 0, capsys.readouterr().out


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"b_deps": ["mmengine-ng-a>=0.2,<0.3"]}, "requires mmengine-ng-a"),
        ({"b_deps": ["mmengine-ng-a"]}, "needs a version range"),
        ({"a_deps": ["mmengine-ng-b>=0.2,<0.3"]}, "dependency cycle"),
        ({"meta_pins": ["mmengine-ng-a==0.1.0"]}, "does not pin member mmengine-ng-b"),
        (
            {"meta_pins": ["mmengine-ng-a>=0.1", "mmengine-ng-b==0.2.0"]},
            "must pin mmengine-ng-a with `==`",
        ),
        ({"b_code": "from mmengine import Config\n"}, "facade"),
        ({"b_deps": [], "b_code": "import mmengine.a\n"}, "does not declare"),
    ],
)
def test_drift_is_reported(tmp_path, capsys, kwargs, expected):
    out = _problems(_workspace(tmp_path, **kwargs), capsys)
    assert expected in out


def test_optional_import_pragma_is_allowed(tmp_path, capsys):
    root = _workspace(tmp_path, b_deps=[], b_code="import mmengine.a  # workspace: optional\n")
    assert check.main(["--root", str(root)]) == 0


def test_member_shipping_namespace_init_is_reported(tmp_path, capsys):
    root = _workspace(tmp_path)
    (root / "packages" / "a" / "src" / "mmengine" / "__init__.py").write_text("")
    assert "only the meta-package" in _problems(root, capsys)


def test_changelog_must_mention_version(tmp_path, capsys):
    root = _workspace(tmp_path)
    (root / "packages" / "a" / "CHANGELOG.md").write_text("## 0.0.9\n")
    assert "no entry for version 0.1.0" in _problems(root, capsys)


@pytest.mark.parametrize(
    ("a_deps", "code", "expected"),
    [
        ([], "import yaml\n", "imports pyyaml (eager)"),
        ([], "def f():\n    import yaml\n", "imports pyyaml (lazy)"),
        (["pyyaml>=6"], "", "declares pyyaml, which no source file"),
    ],
)
def test_third_party_imports_must_match_declared_dependencies(
    tmp_path, capsys, a_deps, code, expected
):
    root = _workspace(tmp_path, a_deps=a_deps)
    (root / "packages" / "a" / "src" / "mmengine" / "a" / "mod.py").write_text(code)
    assert expected in _problems(root, capsys)


@pytest.mark.parametrize(
    ("a_deps", "code"),
    [
        (["pyyaml>=6"], "import yaml\n"),  # declared
        ([], "try:\n    import not_installed_lib\nexcept ImportError:\n    pass\n"),  # guarded
        ([], "def f():\n    import not_installed_lib  # workspace: optional\n"),  # marked
    ],
)
def test_declared_guarded_or_marked_imports_pass(tmp_path, capsys, a_deps, code):
    root = _workspace(tmp_path, a_deps=a_deps)
    (root / "packages" / "a" / "src" / "mmengine" / "a" / "mod.py").write_text(code)
    assert check.main(["--root", str(root)]) == 0, capsys.readouterr().out
