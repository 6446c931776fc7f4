"""List an installation's ``mmengine`` API surface by introspection, and compare two of them.

Usage::

    # dump the surface of whatever `import mmengine` finds (modules, names, signatures)
    python tools/api_surface.py dump --out ours.json
    # compare a reference surface (e.g. upstream 0.10.7) with ours; exit 1 on a missing name
    python tools/api_surface.py compare REF.json OURS.json --allow tools/api/allowlist.txt
    # ...or with the importable mmengine itself (names served lazily by a module __getattr__
    # count as present)
    python tools/api_surface.py compare REF.json live --allow tools/api/allowlist.txt

``dump`` walks every importable ``mmengine.*`` module. For each it records the public names:
its literal ``__all__``, every class, function and constant defined in ``mmengine`` that the
module binds at top level (downstream imports such names even when ``__all__`` omits them, e.g.
``mmengine.model.weight_init.trunc_normal_``), and the submodules. Callables carry their
signature's parameter names, so a renamed or dropped argument shows up as well.

``compare`` prints what the reference has and the other lacks: modules, names, and parameters
of callables. Entries of the allow-list (one ``module`` or ``module:name`` or
``module:name(param)`` per line, ``#`` starts a comment and must give the reason) are justified
differences and are not reported. It exits 1 when anything else is missing, so CI fails on a new
missing name.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import pkgutil
import sys
import types
import warnings
from pathlib import Path

# Modules that need an optional third-party library, or that upstream itself cannot import
# on a current torch; their absence is not a difference between implementations.
_SKIP_PREFIXES = ("mmengine._strategy.colossalai", "mmengine._strategy.deepspeed")


def _iter_module_names(root: str = "mmengine") -> list[str]:
    pkg = importlib.import_module(root)
    names = {root}
    for info in pkgutil.walk_packages(pkg.__path__, prefix=root + ".", onerror=lambda _: None):
        names.add(info.name)
    return sorted(names)


def _params(obj: object) -> list[str] | None:
    target = obj.__init__ if inspect.isclass(obj) else obj  # type: ignore[misc]
    try:
        sig = inspect.signature(target)
    except (TypeError, ValueError):
        return None
    return [p for p in sig.parameters if p not in ("self", "cls")]


def _public_names(mod: types.ModuleType) -> dict[str, dict]:
    out: dict[str, dict] = {}
    declared = getattr(mod, "__all__", None)
    names = set(declared) if isinstance(declared, (list, tuple)) else set()
    for name, value in vars(mod).items():
        if name.startswith("_") and name not in names:
            continue
        if isinstance(value, types.ModuleType):
            continue
        owner = getattr(value, "__module__", None)
        if inspect.isclass(value) or inspect.isfunction(value) or callable(value):
            if isinstance(owner, str) and owner.split(".")[0] == "mmengine":
                names.add(name)
        elif not name.startswith("_") and name.isupper():
            names.add(name)  # module constants such as MODELS-like tables or DEFAULT_*
    for name in sorted(names):
        value = getattr(mod, name, None)
        entry: dict = {"kind": type(value).__name__}
        if inspect.isclass(value):
            entry["kind"] = "class"
            entry["params"] = _params(value)
        elif inspect.isfunction(value) or inspect.isbuiltin(value):
            entry["kind"] = "function"
            entry["params"] = _params(value)
        out[name] = entry
    return out


def dump(root: str = "mmengine") -> dict:
    """Return ``{module: {"error": str} | {"names": {...}}}`` for every ``root.*`` module."""
    warnings.simplefilter("ignore")
    surface: dict[str, dict] = {}
    for modname in _iter_module_names(root):
        if modname.startswith(_SKIP_PREFIXES) or ".tests" in modname:
            continue
        try:
            mod = importlib.import_module(modname)
        except BaseException as exc:  # noqa: BLE001 - an import failure is data here
            surface[modname] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
            continue
        surface[modname] = {"names": _public_names(mod)}
    return surface


def load_allowlist(path: Path | None) -> set[str]:
    if path is None or not path.exists():
        return set()
    allowed = set()
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            allowed.add(line)
    return allowed


def compare(ref: dict, other: dict, allowed: set[str]) -> list[str]:
    """What ``ref`` has that ``other`` lacks, less the allow-listed entries."""
    missing: list[str] = []
    for modname, info in sorted(ref.items()):
        if "error" in info or modname in allowed:
            continue
        mine = other.get(modname)
        if mine is None or "error" in mine:
            why = "absent" if mine is None else mine["error"]
            missing.append(f"{modname}  (module {why})")
            continue
        for name, entry in sorted(info["names"].items()):
            key = f"{modname}:{name}"
            if key in allowed:
                continue
            ours = mine["names"].get(name)
            if ours is None:
                missing.append(key)
                continue
            ref_params, our_params = entry.get("params"), ours.get("params")
            if not ref_params or our_params is None:
                continue
            if "args" in our_params or "kwargs" in our_params:
                continue  # a catch-all accepts what the reference names
            for param in ref_params:
                if param in ("args", "kwargs") or param in our_params:
                    continue
                if f"{key}({param})" not in allowed:
                    missing.append(f"{key}({param})")
    return missing


class _Live(dict):
    """A surface read on demand from the importable ``mmengine``, for :func:`compare`.

    A name a module serves through a module-level ``__getattr__`` (imported on first access)
    is present here although ``dump`` does not list it.
    """

    def get(self, modname: str, default: object = None) -> object:  # type: ignore[override]
        if modname not in self:
            try:
                mod = importlib.import_module(modname)
            except BaseException as exc:  # noqa: BLE001 - an import failure is data here
                self[modname] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
            else:
                self[modname] = {"names": _LiveNames(mod)}
        return dict.get(self, modname, default)


class _LiveNames(dict):
    def __init__(self, mod: types.ModuleType) -> None:
        super().__init__(_public_names(mod))
        self._mod = mod

    def get(self, name: str, default: object = None) -> object:  # type: ignore[override]
        if name not in self:
            try:
                value = getattr(self._mod, name)
            except AttributeError:
                return default
            entry: dict = {"kind": type(value).__name__}
            if inspect.isclass(value) or inspect.isfunction(value):
                entry["params"] = _params(value)
            self[name] = entry
        return dict.get(self, name, default)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_dump = sub.add_parser("dump", help="write the surface of the importable mmengine as JSON")
    p_dump.add_argument("--out", type=Path, required=True)
    p_cmp = sub.add_parser("compare", help="report what REF has and OTHER lacks")
    p_cmp.add_argument("ref", type=Path)
    p_cmp.add_argument("other", help="a dump (JSON file), or `live` for the importable mmengine")
    p_cmp.add_argument("--allow", type=Path, default=None, help="allow-list of justified gaps")
    args = parser.parse_args(argv)
    if args.cmd == "dump":
        surface = dump()
        args.out.write_text(json.dumps(surface, indent=1, sort_keys=True) + "\n")
        n_names = sum(len(v.get("names", ())) for v in surface.values())
        print(f"{len(surface)} modules, {n_names} names -> {args.out}")
        return 0
    ref = json.loads(args.ref.read_text())
    if args.other == "live":
        warnings.simplefilter("ignore")
        other: dict = _Live()
    else:
        other = json.loads(Path(args.other).read_text())
    missing = compare(ref, other, load_allowlist(args.allow))
    for line in missing:
        print(f"MISSING {line}")
    print(f"{len(missing)} missing (reference: {args.ref}, checked: {args.other})")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
