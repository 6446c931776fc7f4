"""Parser of pure-Python (lazy-import) config files.

Such a config inherits with ``with read_base(): from .base import *`` and
imports the classes it refers to::

    from mmengine.config import read_base
    with read_base():
        from .schedules.sgd import *
    from torch.optim import AdamW

    optim_wrapper = dict(optimizer=dict(type=AdamW, lr=1e-3))

The file is rewritten at the AST level: imports of non-standard-library
modules become :class:`~mmengine.config.lazy.LazyObject` assignments (nothing
is really imported), the ``read_base`` block is replaced by the variables of
the base files, and the result is executed in a fresh namespace.
"""

from __future__ import annotations

import ast
import copy
import os.path as osp
import types

from .config_dict import ConfigDict
from .lazy import LazyObject
from .parsing import _chain_note, add_note, is_read_base, parse_python, read_text
from .utils import (
    ConfigParsingError,
    _is_base_assign,
    _is_builtin_module,
    location_of,
    relative_base_path,
    suggest_names,
)

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at runtime (import cost)
    from typing import Optional

__all__ = ["parse_lazy_file", "parse_lazy_text", "ImportTransformer"]

_LAZY_NAME = "__mmengine_lazy_object__"
_DOC = "https://mmengine.readthedocs.io/en/latest/advanced_tutorials/config.html"


def _lazy_call(args: list, keywords: dict, node: ast.AST) -> ast.Call:
    call = ast.Call(
        func=ast.Name(id=_LAZY_NAME, ctx=ast.Load()),
        args=args,
        keywords=[ast.keyword(arg=k, value=ast.Constant(v)) for k, v in keywords.items()],
    )
    return ast.copy_location(call, node)


def _assign(name: str, value: ast.expr, node: ast.AST) -> ast.Assign:
    target = ast.Name(id=name, ctx=ast.Store())
    return ast.copy_location(ast.Assign(targets=[target], value=value), node)


class ImportTransformer(ast.NodeTransformer):
    """Turn import statements of a config into ``LazyObject`` assignments.

    Standard-library imports (and ``mmengine.config``) are kept as real
    imports. ``import a.b`` statements without alias are gathered per
    top-level package: ``a = LazyObject(['a.b', ...])``.

    Args:
        filename (str, optional): The config file, recorded in the lazy
            objects for error messages.
        gathered (dict): Top-level package -> list of ``import a.b`` names.
    """

    def __init__(self, filename: Optional[str], gathered: dict):
        self.filename = filename
        self.gathered = gathered
        self.imported_names: set = set()
        self._emitted: set = set()

    def visit_With(self, node: ast.With):
        if is_read_base(node):
            raise ConfigParsingError(
                f"{location_of(self.filename, node.lineno)}: `with read_base():` must be a "
                "top-level statement of the config."
            )
        return self.generic_visit(node)

    def visit_Import(self, node: ast.Import):
        location = location_of(self.filename, node.lineno)
        kept, new_nodes = [], []
        for alias in node.names:
            if _is_builtin_module(alias.name):
                kept.append(alias)
                self.imported_names.add(alias.asname or alias.name.split(".")[0])
            elif alias.asname:
                call = _lazy_call([ast.Constant(alias.name)], {"location": location}, node)
                new_nodes.append(_assign(alias.asname, call, node))
                self.imported_names.add(alias.asname)
            else:
                top = alias.name.split(".")[0]
                self.imported_names.add(top)
                if top in self._emitted:
                    continue
                self._emitted.add(top)
                modules = ast.List(
                    elts=[ast.Constant(m) for m in self.gathered[top]], ctx=ast.Load()
                )
                call = _lazy_call([modules], {"location": location}, node)
                new_nodes.append(_assign(top, call, node))
        if kept:
            new_nodes.insert(0, ast.copy_location(ast.Import(names=kept), node))
        return new_nodes

    def visit_ImportFrom(self, node: ast.ImportFrom):
        location = location_of(self.filename, node.lineno)
        dots = "." * node.level
        if node.level:
            raise ConfigParsingError(
                f"{location}: relative import `from {dots}{node.module or ''} import ...` is only "
                "allowed inside `with read_base():` to inherit a base config. See " + _DOC
            )
        if _is_builtin_module(node.module or ""):
            for alias in node.names:
                if alias.name != "*":
                    self.imported_names.add(alias.asname or alias.name)
            return node
        new_nodes = []
        for alias in node.names:
            if alias.name == "*":
                raise ConfigParsingError(
                    f"{location}: `from {node.module} import *` cannot be imported lazily; "
                    "import the names you need explicitly (or put the statement inside "
                    "`with read_base():` if it is a base config)."
                )
            name = alias.asname or alias.name
            call = _lazy_call(
                [ast.Constant(node.module), ast.Constant(alias.name)],
                {"location": location},
                node,
            )
            new_nodes.append(_assign(name, call, node))
            self.imported_names.add(name)
        return new_nodes


def _copy_value(value):
    if isinstance(value, (types.ModuleType, types.FunctionType, type)):
        return value
    return copy.deepcopy(value)


def _gather_abs_imports(tree: ast.Module) -> dict:
    gathered: dict = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname is None and not _is_builtin_module(alias.name):
                    top = alias.name.split(".")[0]
                    names = gathered.setdefault(top, [])
                    if alias.name not in names:
                        names.append(alias.name)
    return gathered


def _resolve_base_module(module: str, level: int, filename: Optional[str], lineno: int) -> str:
    if level:
        return relative_base_path(filename, module, level)
    parts = module.split(".")
    if len(parts) == 1:
        raise ConfigParsingError(
            f"{location_of(filename, lineno)}: the imported base config should not be the "
            f"independent package {module!r}; import a config module of it, e.g. "
            "`with read_base(): from mmdet.configs.retinanet_r50_fpn_1x_coco import *`"
        )
    from mmengine.utils import get_installed_path

    root = get_installed_path(parts[0])
    return osp.join(root, *parts[1:]) + ".py"


def _collect_bases(
    tree: ast.Module, filename: Optional[str], namespace: dict, cache: dict, chain: tuple
) -> set:
    """Load the bases of ``with read_base():`` blocks into ``namespace`` and
    remove the blocks from ``tree``. Returns the imported names of bases."""
    imported: set = set()
    body = []
    for node in tree.body:
        if _is_base_assign(node):
            raise ConfigParsingError(
                "The configuration file type in the inheritance chain must match the current "
                'configuration file type, either "lazy_import" or non-"lazy_import". You got '
                f"this error since you use the syntax like `_base_ = ...` in {filename} "
                f"(line {node.lineno}). Use `with read_base(): from .base import *` to mark "
                f"the inherited config file. See more information in {_DOC}" + _chain_note(chain)
            )
        if not is_read_base(node):
            body.append(node)
            continue
        if len(node.items) > 1:
            raise ConfigParsingError(
                f"{location_of(filename, node.lineno)}: only `read_base()` may be used in the "
                "`with` statement that imports base configs."
            )
        for stmt in node.body:
            where = location_of(filename, stmt.lineno)
            if not isinstance(stmt, ast.ImportFrom):
                raise ConfigParsingError(
                    f"{where}: Illegal syntax in config file! Only `from ... import ...` can "
                    "be used inside `with read_base():`."
                )
            if stmt.module is None:
                raise ConfigParsingError(
                    f"{where}: Illegal syntax in config file! Syntax like `from . import xxx` is "
                    "not allowed in `with read_base()`; use `from .xxx import *`."
                )
            path = _resolve_base_module(stmt.module, stmt.level, filename, stmt.lineno)
            if not osp.isfile(path):
                dots = "." * stmt.level
                raise ConfigParsingError(
                    f"{path} not found! It means that incorrect module is defined in "
                    f"`with read_base(): from {dots}{stmt.module} import ...` at {where}; please "
                    "make sure the base config module is valid and is consistent with the prior "
                    "import logic" + _chain_note(chain)
                )
            if path == filename or path in chain:
                raise ConfigParsingError(f"{where}: circular base config import of {path}")
            if path not in cache:
                cache[path] = parse_lazy_file(path, cache, chain + (filename or "<string>",))
            base_cfg, base_imported = cache[path]
            imported |= base_imported
            for alias in stmt.names:
                if alias.name == "*":
                    for key, value in dict.items(base_cfg):
                        namespace[key] = _copy_value(value)
                    continue
                if alias.name not in base_cfg:
                    raise ConfigParsingError(
                        f"{where}: cannot import name {alias.name!r} from base config {path}."
                        + suggest_names(alias.name, dict.keys(base_cfg))
                    )
                name = alias.asname or alias.name
                namespace[name] = _copy_value(dict.__getitem__(base_cfg, alias.name))
                if alias.name in base_imported:
                    imported.add(name)
    tree.body = body
    return imported


def parse_lazy_text(
    text: str, filename: Optional[str], cache: Optional[dict] = None, chain: tuple = ()
) -> tuple[ConfigDict, set]:
    """Parse the text of a lazy-import config.

    ``ConfigDict.lazy`` must be True while this runs (``Config.fromfile``
    takes care of it) so lazy objects are not built.

    Args:
        text (str): Source of the config.
        filename (str, optional): Absolute path of the config.
        cache (dict, optional): Already parsed bases (path -> result).
        chain (tuple): Files importing this one.

    Returns:
        tuple[ConfigDict, set]: The variables and the names bound by imports.
    """
    cache = {} if cache is None else cache
    tree = parse_python(text, filename, chain)
    namespace: dict = {_LAZY_NAME: LazyObject}
    imported = _collect_bases(tree, filename, namespace, cache, chain)
    transformer = ImportTransformer(filename, _gather_abs_imports(tree))
    tree = ast.fix_missing_locations(transformer.visit(tree))
    imported |= transformer.imported_names
    code = compile(tree, filename or "<string>", "exec")
    try:
        exec(code, namespace)
    except Exception as e:
        add_note(e, f"while executing config file {filename or '<string>'}" + _chain_note(chain))
        raise
    cfg = ConfigDict()
    for key, value in namespace.items():
        if not key.startswith("__"):
            cfg[key] = value
    return cfg, imported


def parse_lazy_file(
    filename: str, cache: Optional[dict] = None, chain: tuple = ()
) -> tuple[ConfigDict, set]:
    """Parse a lazy-import config file (see :func:`parse_lazy_text`)."""
    filename = osp.abspath(filename)
    return parse_lazy_text(read_text(filename), filename, cache, chain)
