"""Check that the workspace's packages agree with each other.

uv checks neither member versions against each other nor cycles, so this script does, and fails
(exit code 1, one line per problem) on drift:

- every folder under packages/ is a workspace member listed in the root [tool.uv.sources];
- every member is named ``mmengine-<folder>`` (the meta-package: ``mmengine``), has a static
  version, a README.md, a CHANGELOG.md that mentions that version, a tests/ folder and a py.typed
  in each subpackage it ships;
- member-to-member dependencies are version ranges (never bare names) that the workspace
  version of the dependency satisfies, each with a ``workspace = true`` source;
- the meta-package pins every member with ``==`` at its workspace version, and nothing else;
- the member dependency graph has no cycle;
- only the meta-package ships ``src/mmengine/__init__.py``; no two members ship the same
  subpackage;
- no member imports a sibling it does not declare, or the ``mmengine`` facade (checked on the
  source and tests of each member, by parsing ``import`` statements). An import that is
  deliberately optional can carry the comment ``# workspace: optional`` on its line;
- each member declares exactly the third-party distributions its source imports: an import at
  module level needs a dependency, one inside a function (a lazy, optional import) needs a
  dependency or an extra (``[project.optional-dependencies]``) or the optional comment, and a
  declared dependency that no source file imports is reported as unused. Import names are mapped
  to distributions with ``importlib.metadata.packages_distributions()`` of the running
  environment (run the check with the whole workspace installed).

Usage: ``uv run --frozen python tools/check_workspace.py [--root PATH]``.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

META = "mmengine-ng"  # the meta-package's distribution name
META_FOLDER = "mmengine"  # ...and its folder under packages/
PREFIX = "mmengine-ng-"  # every member is the distribution PREFIX + its folder name
OPTIONAL_PRAGMA = "# workspace: optional"


class Member:
    """One workspace member, read from its pyproject.toml."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pyproject = folder / "pyproject.toml"
        data = tomllib.loads(self.pyproject.read_text())
        project = data.get("project", {})
        self.name: str = project.get("name", "")
        self.version_str: str = project.get("version", "")
        self.dynamic: list[str] = project.get("dynamic", [])
        self.requirements = [Requirement(r) for r in project.get("dependencies", [])]
        self.sources: dict = data.get("tool", {}).get("uv", {}).get("sources", {})
        src = folder / "src" / "mmengine"
        self.subpackages = (
            sorted(p.name for p in src.iterdir() if p.is_dir() and (p / "__init__.py").exists())
            if src.is_dir()
            else []
        )

    @property
    def version(self) -> Version:
        return Version(self.version_str)


def load_members(root: Path) -> tuple[dict[str, Member], list[str]]:
    problems: list[str] = []
    members: dict[str, Member] = {}
    for folder in sorted((root / "packages").iterdir()):
        if not folder.is_dir():
            continue
        if not (folder / "pyproject.toml").exists():
            problems.append(
                f"{folder}: no pyproject.toml (every folder under packages/ is a member)"
            )
            continue
        member = Member(folder)
        members[member.name] = member
    return members, problems


def check_metadata(root: Path, members: dict[str, Member]) -> list[str]:
    problems = []
    root_data = tomllib.loads((root / "pyproject.toml").read_text())
    root_sources = root_data.get("tool", {}).get("uv", {}).get("sources", {})
    ws_members = root_data.get("tool", {}).get("uv", {}).get("workspace", {}).get("members", [])
    if "packages/*" not in ws_members:
        problems.append(
            "root pyproject.toml: [tool.uv.workspace] members must include 'packages/*'"
        )
    for name, m in members.items():
        where = m.pyproject.relative_to(root)
        expected = META if m.folder.name == META_FOLDER else f"{PREFIX}{m.folder.name}"
        if name != expected:
            problems.append(f"{where}: project name is {name!r}, expected {expected!r}")
        if not m.version_str or "version" in m.dynamic:
            problems.append(f"{where}: needs a static [project] version")
            continue
        if root_sources.get(name) != {"workspace": True}:
            problems.append(
                f"root pyproject.toml: [tool.uv.sources] lacks `{name} = {{ workspace = true }}`"
            )
        for needed in ("README.md", "CHANGELOG.md"):
            if not (m.folder / needed).exists():
                problems.append(f"{m.folder.relative_to(root)}: missing {needed}")
        changelog = m.folder / "CHANGELOG.md"
        if changelog.exists() and m.version_str not in changelog.read_text():
            problems.append(
                f"{changelog.relative_to(root)}: no entry for version {m.version_str} "
                "(add one when you bump the version)"
            )
        if not (m.folder / "tests").is_dir():
            problems.append(f"{m.folder.relative_to(root)}: missing tests/ folder")
        for sub in m.subpackages:
            if not (m.folder / "src" / "mmengine" / sub / "py.typed").exists():
                problems.append(
                    f"{m.folder.relative_to(root)}: src/mmengine/{sub}/py.typed missing"
                )
    return problems


def check_dependencies(root: Path, members: dict[str, Member]) -> list[str]:
    problems = []
    meta = members.get(META)
    for name, m in members.items():
        where = m.pyproject.relative_to(root)
        for req in m.requirements:
            dep = members.get(req.name)
            if dep is None:
                if req.name.startswith("mmengine"):
                    problems.append(f"{where}: depends on {req.name}, which is not a member")
                continue
            if m.sources.get(req.name) != {"workspace": True}:
                problems.append(
                    f"{where}: [tool.uv.sources] lacks `{req.name} = {{ workspace = true }}`"
                )
            if not str(req.specifier):
                problems.append(
                    f"{where}: dependency {req.name} needs a version range, not a bare name"
                )
                continue
            if not req.specifier.contains(dep.version, prereleases=True):
                problems.append(
                    f"{where}: requires {req} but the workspace has {req.name} {dep.version}"
                )
            if name == META:
                specs = list(req.specifier)
                if len(specs) != 1 or specs[0].operator != "==":
                    problems.append(f"{where}: the meta-package must pin {req.name} with `==`")
    if meta is None:
        problems.append("packages/mmengine: the meta-package is missing")
    else:
        pinned = {r.name for r in meta.requirements}
        for name in members:
            if name != META and name not in pinned:
                problems.append(f"{meta.pyproject.relative_to(root)}: does not pin member {name}")
        version_py = meta.folder / "src" / "mmengine" / "version.py"
        if version_py.exists():
            found = re.search(r'^__version__ = "([^"]+)"', version_py.read_text(), re.M)
            if found is None or found.group(1) != meta.version_str:
                problems.append(
                    f"{version_py.relative_to(root)}: __version__ must equal the meta-package "
                    f"version {meta.version_str}"
                )
        if meta.version >= Version("1.0"):
            problems.append(
                "the meta-package version must stay below 1.0 (zoos guard mmengine<1.0)"
            )
    return problems


def member_graph(members: dict[str, Member]) -> dict[str, list[str]]:
    return {
        name: [r.name for r in m.requirements if r.name in members] for name, m in members.items()
    }


def check_cycles(members: dict[str, Member]) -> list[str]:
    graph = member_graph(members)
    state: dict[str, int] = {}  # 1 visiting, 2 done
    problems: list[str] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt) :] + [nxt]
                problems.append("dependency cycle: " + " -> ".join(cycle))
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node, [node])
    return problems


def check_namespace(root: Path, members: dict[str, Member]) -> list[str]:
    problems = []
    owners: dict[str, str] = {}
    for name, m in members.items():
        init = m.folder / "src" / "mmengine" / "__init__.py"
        if name != META and init.exists():
            problems.append(
                f"{init.relative_to(root)}: only the meta-package may ship mmengine/__init__.py"
            )
        for sub in m.subpackages:
            if sub in owners:
                problems.append(f"mmengine.{sub} is shipped by both {owners[sub]} and {name}")
            owners[sub] = name
    return problems


def _imported_subpackages(path: Path) -> list[tuple[int, str, str]]:
    """Return (line, subpackage or '' for the facade, source line) for each mmengine import."""
    text = path.read_text()
    lines = text.splitlines()
    try:
        tree = ast.parse(text, filename=str(path))
    except SyntaxError as exc:
        return [(exc.lineno or 0, "<syntax error>", str(exc))]
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "mmengine":
                names = [f"mmengine.{a.name}" for a in node.names]
            else:
                names = [node.module]
        for full in names:
            parts = full.split(".")
            if parts[0] != "mmengine":
                continue
            line = lines[node.lineno - 1] if node.lineno <= len(lines) else ""
            if OPTIONAL_PRAGMA in line:
                continue
            found.append((node.lineno, parts[1] if len(parts) > 1 else "", line.strip()))
    return found


def check_imports(root: Path, members: dict[str, Member]) -> list[str]:
    problems = []
    owners = {sub: name for name, m in members.items() for sub in m.subpackages}
    graph = member_graph(members)
    for name, m in members.items():
        if name == META:
            continue
        allowed = {name, *graph[name]}
        for folder in (m.folder / "src", m.folder / "tests"):
            if not folder.is_dir():
                continue
            for path in folder.rglob("*.py"):
                for lineno, sub, line in _imported_subpackages(path):
                    where = f"{path.relative_to(root)}:{lineno}"
                    if sub == "<syntax error>":
                        problems.append(f"{where}: cannot parse: {line}")
                        continue
                    owner = owners.get(sub)
                    if owner is None:
                        # `from mmengine import Config`: the facade, or a missing subpackage.
                        problems.append(
                            f"{where}: `{line}` imports through the mmengine facade or a "
                            "subpackage no member ships; import the member by full path"
                        )
                    elif owner not in allowed:
                        problems.append(
                            f"{where}: `{line}` imports {owner}, which {name} does not declare "
                            f"(add it to {m.pyproject.relative_to(root)} if the layering allows)"
                        )
    return problems


# Imported only to type-check, or provided by the interpreter's tooling, never a dependency.
_NOT_A_DEPENDENCY = {"typing_extensions", "_typeshed", "pytest", "setuptools", "pkg_resources"}


def _guarded(handlers: list[ast.ExceptHandler]) -> bool:
    """Whether an ``except`` clause catches a failed import."""
    for h in handlers:
        names = [h.type] if not isinstance(h.type, ast.Tuple) else list(h.type.elts)
        if h.type is None or any(
            isinstance(n, ast.Name) and n.id in ("ImportError", "ModuleNotFoundError", "Exception")
            for n in names
        ):
            return True
    return False


def _third_party_imports(path: Path) -> list[tuple[int, str, str, str]]:
    """(line, top-level module, kind, source line) for each third-party import.

    ``kind`` is ``"eager"`` (runs on import of the module), ``"lazy"`` (inside a function) or
    ``"guarded"`` (inside ``try: ... except ImportError``: used only when present).
    """
    text = path.read_text()
    lines = text.splitlines()
    try:
        tree = ast.parse(text, filename=str(path))
    except SyntaxError:
        return []
    stdlib = set(sys.stdlib_module_names)
    found: list[tuple[int, str, str, str]] = []

    def visit(node: ast.AST, kind: str) -> None:
        if isinstance(node, ast.Try) and _guarded(node.handlers):
            for child in node.body:
                visit(child, "guarded")
            for child in [*node.handlers, *node.orelse, *node.finalbody]:
                visit(child, kind)
            return
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.dump(node.test):
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            kind = "lazy" if kind == "eager" else kind
        mods: list[str] = []
        if isinstance(node, ast.Import):
            mods = [a.name.split(".")[0] for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            mods = [node.module.split(".")[0]]
        line = lines[node.lineno - 1] if mods and node.lineno <= len(lines) else ""
        for mod in mods:
            if mod in stdlib or mod == "mmengine" or mod.startswith("_"):
                continue
            if mod not in _NOT_A_DEPENDENCY:
                found.append((node.lineno, mod, kind, line.strip()))
        for child in ast.iter_child_nodes(node):
            visit(child, kind)

    visit(tree, "eager")
    return found


def check_third_party(root: Path, members: dict[str, Member]) -> list[str]:
    from importlib.metadata import packages_distributions

    from packaging.utils import canonicalize_name

    dists = {
        mod: [canonicalize_name(d) for d in ds] for mod, ds in packages_distributions().items()
    }
    problems = []
    for name, m in members.items():
        src = m.folder / "src"
        if name == META or not src.is_dir():
            continue
        data = tomllib.loads(m.pyproject.read_text()).get("project", {})
        required = {canonicalize_name(r.name) for r in m.requirements}
        extras = {
            canonicalize_name(Requirement(r).name)
            for reqs in data.get("optional-dependencies", {}).values()
            for r in reqs
        }
        used: set[str] = set()
        for path in sorted(src.rglob("*.py")):
            for lineno, mod, kind, line in _third_party_imports(path):
                where = f"{path.relative_to(root)}:{lineno}"
                candidates = set(dists.get(mod, [canonicalize_name(mod)]))
                used |= candidates
                # A dependency, or an extra (whose modules need it), or an import used only
                # when present (guarded by `except ImportError`), or marked optional.
                if candidates & (required | extras) or kind == "guarded" or OPTIONAL_PRAGMA in line:
                    continue
                what = "/".join(sorted(candidates))
                problems.append(
                    f"{where}: `{line}` imports {what} ({kind}), which {name} declares neither "
                    "as a dependency nor as an extra (or guard it with `except ImportError`)"
                )
        for dep in sorted(required - used):
            if dep.startswith("mmengine"):
                continue
            problems.append(
                f"{m.pyproject.relative_to(root)}: declares {dep}, which no source file of "
                f"{name} imports (remove it, or move it to an extra)"
            )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args(argv)
    root: Path = args.root
    members, problems = load_members(root)
    problems += check_metadata(root, members)
    problems += check_dependencies(root, members)
    problems += check_cycles(members)
    problems += check_namespace(root, members)
    problems += check_imports(root, members)
    problems += check_third_party(root, members)
    if problems:
        print(f"workspace check: {len(problems)} problem(s)")
        for p in problems:
            print(f"  - {p}")
        return 1
    print(f"workspace check: {len(members)} packages consistent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
