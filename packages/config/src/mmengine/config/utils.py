"""Helpers shared by the config parsers.

Holds the error type of config parsing, name suggestions for error messages,
resolution of ``package::path`` base configs and the small AST helpers used
when reading Python configs.
"""

from __future__ import annotations

import ast
import os
import os.path as osp
import sys
from collections.abc import Iterable

from mmengine.utils._builtin_names import show_as_builtins
from mmengine.utils._messages import closest

from ._lazy_names import lazy_names

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at runtime (import cost)
    from typing import Any, Optional

    # served lazily at runtime by ``__getattr__`` (see below)
    from mmengine.fileio import load
    from mmengine.utils import check_file_exist

__all__ = [
    "ConfigParsingError",
    "ConfigValueError",
    "ImportTransformer",
    "RemoveAssignFromAST",
    "MODULE2PACKAGE",
    "PKG2PROJECT",
    "suggest_names",
    "config_text",
    "PYTHON_ROOT_DIR",
    "SYSTEM_PYTHON_PREFIX",
    "check_file_exist",
    "load",
]

#: Root of the running Python environment (the directory above ``bin/python``), as upstream.
PYTHON_ROOT_DIR = osp.dirname(osp.dirname(sys.executable))
#: Prefix of a system-wide Python's library directory, as upstream.
SYSTEM_PYTHON_PREFIX = "/usr/lib/python"

# Names upstream binds in this module, imported on first access (import cost).
__getattr__, __dir__ = lazy_names(
    __name__,
    {
        "check_file_exist": ("mmengine.utils", "check_file_exist"),
        "load": ("mmengine.fileio", "load"),
    },
)


#: Import name of an OpenMMLab project -> the distribution that provides it.
MODULE2PACKAGE = {
    "mmcls": "mmcls",
    "mmdet": "mmdet",
    "mmdet3d": "mmdet3d",
    "mmseg": "mmsegmentation",
    "mmaction": "mmaction2",
    "mmaction2": "mmaction2",
    "mmtrack": "mmtrack",
    "mmpose": "mmpose",
    "mmedit": "mmedit",
    "mmocr": "mmocr",
    "mmgen": "mmgen",
    "mmfewshot": "mmfewshot",
    "mmrazor": "mmrazor",
    "mmflow": "mmflow",
    "mmhuman3d": "mmhuman3d",
    "mmrotate": "mmrotate",
    "mmselfsup": "mmselfsup",
    "mmyolo": "mmyolo",
    "mmpretrain": "mmpretrain",
    "mmagic": "mmagic",
}

#: Upstream's name for the same mapping (package prefix of ``pkg::path`` ->
#: the project / distribution that provides it).
PKG2PROJECT = MODULE2PACKAGE


class ConfigParsingError(RuntimeError):
    """Raised when a config file uses syntax the config system rejects."""


class ConfigValueError(ConfigParsingError, ValueError):
    """A config file holds a malformed value: unreadable text (bad YAML or
    JSON, not UTF-8) or a misspelt reserved key such as ``_delete``.

    Both a :class:`ConfigParsingError` and a ``ValueError``.
    """


class BaseNameError(ConfigParsingError, KeyError):
    """A name imported from a base config (``with read_base(): from .base import name``)
    that the base does not define. Also a ``KeyError``, as 0.10 raised."""

    __str__ = RuntimeError.__str__  # the message, not KeyError's quoted repr of it


class _TypeOrAttributeError(TypeError, AttributeError):
    """A wrong argument type where 0.10 raised an incidental ``AttributeError``
    (``Config.fromfile(None)``, ``merge_from_dict([...])``): both classes, so
    ``except AttributeError`` and ``except TypeError`` catch it."""


class _UnsupportedFormatError(TypeError, OSError):
    """An unsupported file extension for ``Config.dump`` (0.10: ``TypeError``)."""


class _MissingKeyToDelete(KeyError, AttributeError):
    """Deleting a key that is not in the config: a ``KeyError`` (0.10's
    ``del cfg.a.b``) and an ``AttributeError`` (0.10's ``del cfg['b']``)."""

    def __str__(self) -> str:
        return str(self.args[1]) if len(self.args) > 1 else KeyError.__str__(self)

    def __reduce__(self):
        return (KeyError, (self.args[0],))


class _MissingModelIndex(FileNotFoundError, ValueError):
    """A package without ``.mim/model-index.yml``: 0.10's ``FileNotFoundError``, and
    a ``ValueError`` as for a config missing from the index."""


# Shown and named as the builtins in tracebacks and ``type(err).__name__`` (what 0.10 users
# and their code know).
show_as_builtins(
    (_TypeOrAttributeError, "TypeError"),
    (_UnsupportedFormatError, "TypeError"),
    (_MissingKeyToDelete, "KeyError"),
    (_MissingModelIndex, "FileNotFoundError"),
)


def config_text(cfg: Any) -> tuple[str, bool]:
    """A config as Python text, and whether that text is valid Python.

    ``Config.pretty_text`` raises when a value has no literal form (a config built from a
    dict may hold live objects: a hook, a dataset). Code that only records the config
    (checkpoints, logs, the work dir) gets a plain rendering instead of failing.

    Args:
        cfg (Config): the config.

    Returns:
        tuple[str, bool]: the text, and True when it is ``pretty_text``.
    """
    try:
        return cfg.pretty_text, True
    except (SyntaxError, TypeError, ValueError):
        return repr(cfg.to_dict()), False


def suggest_names(name: Any, candidates: Iterable[Any], n: int = 3, cutoff: float = 0.6) -> str:
    """Return a ``" Did you mean ...?"`` hint for a misspelt name.

    Args:
        name: The name that was not found.
        candidates: The names that exist.
        n (int): Maximum number of suggestions. Defaults to 3.
        cutoff (float): How similar (difflib's ratio) a candidate must be. Defaults to 0.6.

    Returns:
        str: The hint (with a leading space), or an empty string when nothing
        is close enough.
    """
    matches = closest(name, candidates, n=n, cutoff=cutoff)
    if not matches:
        return ""
    if len(matches) == 1:
        return f" Did you mean {matches[0]!r}?"
    return " Did you mean one of " + ", ".join(repr(m) for m in matches) + "?"


def _get_package_and_cfg_path(cfg_path: str) -> tuple[str, str]:
    """Split ``'mmdet::faster_rcnn/x.py'`` into ``('mmdet', 'faster_rcnn/x.py')``.

    The package part is mapped through :data:`MODULE2PACKAGE` when it is a
    known OpenMMLab project.

    Args:
        cfg_path (str): A path of the form ``package::relative/path``.

    Returns:
        tuple[str, str]: Distribution name and config path in it.

    Raises:
        ValueError: If ``cfg_path`` does not have exactly one ``::`` between
            a package name and a relative path (which must not start with
            ``:``, as in ``mmpose:::body_2d/cfg.py``).
    """
    parts = cfg_path.split("::")
    if len(parts) != 2 or not parts[0] or not parts[1] or parts[1].startswith(":"):
        raise ValueError(
            "`_get_package_and_cfg_path` is used for get external package, please specify the "
            "package name and relative config path, just like "
            "`mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py` "
            f"(cannot parse the external config path {cfg_path!r}: it should have the form "
            "`package::relative/path.py` with exactly one `::`)"
        )
    package, path = parts
    return MODULE2PACKAGE.get(package, package), path


def _get_cfg_metainfo(package_path: str, cfg_path: str) -> dict:
    """Look ``cfg_path`` up in the ``.mim/model-index.yml`` of a package.

    Args:
        package_path (str): Install directory of the package.
        cfg_path (str): Config path relative to the package's ``configs``.

    Returns:
        dict: The model-index entry of that config.

    Raises:
        FileNotFoundError: If the package has no model index (also a
            ``ValueError``).
        ValueError: If the config is not listed in the model index.
    """
    from mmengine.fileio import load

    index_file = osp.join(package_path, ".mim", "model-index.yml")
    if not osp.isfile(index_file):
        raise _MissingModelIndex(
            f"[Errno 2] No such file or directory: {index_file!r}: {package_path} has no model "
            "index, so its configs cannot be looked up by name"
        )
    meta_index = load(index_file) or {}
    entries: dict = {}
    listed: dict = {}  # the names as listed (with extension), for 0.10's message
    for meta_path in meta_index.get("Import", []):
        cfg_meta = load(osp.join(package_path, ".mim", meta_path)) or {}
        for model_cfg in cfg_meta.get("Models", []):
            if "Config" not in model_cfg:
                continue
            name = model_cfg["Config"].partition("/")[-1]
            listed.setdefault(name, model_cfg)
            entries.setdefault(name, model_cfg)
            entries.setdefault(osp.splitext(name)[0], model_cfg)
    key = cfg_path if cfg_path in entries else osp.splitext(cfg_path)[0]
    if key not in entries:
        raise ValueError(  # 0.10's sentence first
            f"Expected configs: {listed.keys()}, but got {cfg_path}. {cfg_path!r} is not listed "
            f"in {index_file}." + suggest_names(cfg_path, entries)
        )
    return entries[key]


def _get_external_cfg_path(package_path: str, cfg_file: str) -> str:
    """Path of a config listed in a package's model index.

    Args:
        package_path (str): Install directory of the package.
        cfg_file (str): Config name as listed in the model index.

    Returns:
        str: Absolute path of the config file.
    """
    model_cfg = _get_cfg_metainfo(package_path, cfg_file)
    cfg_path = osp.join(package_path, ".mim", model_cfg["Config"])
    if not osp.isfile(cfg_path):
        cfg_path = osp.join(package_path, model_cfg["Config"])
    if not osp.isfile(cfg_path):
        raise FileNotFoundError(f"Config {cfg_file!r} of {package_path} not found at {cfg_path}")
    return cfg_path


def _get_external_cfg_base_path(package_path: str, cfg_name: str) -> str:
    """Path of a config shipped under ``<package>/.mim/configs`` or ``<package>/configs``.

    Args:
        package_path (str): Install directory of the package.
        cfg_name (str): Config path relative to the ``configs`` folder.

    Returns:
        str: Absolute path of the config file.

    Raises:
        FileNotFoundError: If neither location holds the file.
    """
    tried = [
        osp.join(package_path, ".mim", "configs", cfg_name),
        osp.join(package_path, "configs", cfg_name),
    ]
    for path in tried:
        if osp.isfile(path):
            return path
    raise FileNotFoundError(  # 0.10's sentence first
        f'file "{tried[0]}" does not exist: cannot find config {cfg_name!r} in package '
        f"{package_path}; tried: " + ", ".join(tried)
    )


def _is_builtin_module(module_name: str) -> bool:
    """Whether ``module_name`` is part of the standard library (or of
    ``mmengine.config`` itself), i.e. safe to import for real while a
    lazy-import config is parsed.

    Args:
        module_name (str): Absolute dotted module name.

    Returns:
        bool: True for standard-library modules.
    """
    if not module_name or module_name.startswith("."):
        return False
    if module_name == "mmengine.config" or module_name.startswith("mmengine.config."):
        return True
    top = module_name.split(".")[0]
    return top in sys.stdlib_module_names or top in sys.builtin_module_names


def _is_base_assign(node: ast.AST, key: str = "_base_") -> bool:
    if isinstance(node, ast.Assign):
        return any(isinstance(t, ast.Name) and t.id == key for t in node.targets)
    if isinstance(node, ast.AnnAssign):
        return isinstance(node.target, ast.Name) and node.target.id == key
    return False


class RemoveAssignFromAST(ast.NodeTransformer):
    """Remove the assignments to one name (``_base_`` by default) from a
    parsed Python config.

    Args:
        key (str): The assigned name to remove.
    """

    def __init__(self, key: str):
        self.key = key

    def visit_Assign(self, node):
        return None if _is_base_assign(node, self.key) else node

    def visit_AnnAssign(self, node):
        return None if _is_base_assign(node, self.key) else node


def location_of(filename: Optional[str], lineno: Optional[int] = None) -> str:
    """Format ``'<file>, line <n>'`` for error messages."""
    name = filename or "<string>"
    return f"{name}, line {lineno}" if lineno else name


def relative_base_path(filename: Optional[str], module: str, level: int) -> str:
    """Resolve ``from ..a.b import *`` (level 2) relative to ``filename``."""
    base_dir = osp.dirname(filename) if filename else os.getcwd()
    parts = [base_dir] + [".."] * (level - 1) + module.split(".")
    return osp.normpath(osp.join(*parts)) + ".py"


def _lazy_assign(name: str, args: list, location: str, node: ast.AST) -> ast.Assign:
    """``name = LazyObject(*args, location=location)`` located at ``node``."""
    call = ast.Call(
        func=ast.Name(id="LazyObject", ctx=ast.Load()),
        args=args,
        keywords=[ast.keyword(arg="location", value=ast.Constant(location))],
    )
    target = ast.Name(id=name, ctx=ast.Store())
    return ast.copy_location(ast.Assign(targets=[target], value=call), node)


def _safe_copy(value: Any) -> Any:
    import copy
    import types

    if isinstance(value, (types.ModuleType, types.FunctionType, type)):
        return value
    return copy.deepcopy(value)


class ImportTransformer(ast.NodeTransformer):
    """Rewrite the import statements of a pure-Python config.

    * ``from <base> import a as b`` where ``<base>`` (written with its leading
      dots, e.g. ``'._base_.runtime'``) is a key of ``base_dict``: ``b`` is
      set in ``global_dict`` to a copy of ``base_dict[<base>]['a']`` and the
      statement is removed (``*`` imports every variable of the base);
    * ``from pkg.mod import Name`` (not standard library):
      ``Name = LazyObject('pkg.mod', 'Name')``;
    * ``import pkg.mod as m``: ``m = LazyObject('pkg.mod')``;
    * standard-library imports (and ``mmengine.config``) stay real imports;
    * ``import pkg.mod`` without alias is left for
      :func:`_gather_abs_import_lazyobj`.

    The generated code calls ``LazyObject``, which must be in the globals the
    code is executed with. Names bound by imports are collected in
    :attr:`imported_obj` (they are not dumped with the config).

    Args:
        global_dict (dict): Globals the transformed code will run in.
        base_dict (dict, optional): Base module -> its parsed variables.
        filename (str, optional): The config file, for locations/messages.
    """

    def __init__(
        self,
        global_dict: dict,
        base_dict: Optional[dict] = None,
        filename: Optional[str] = None,
    ):
        self.global_dict = global_dict
        self.base_dict = base_dict or {}
        self.filename = filename
        self.imported_obj: set = set()
        super().__init__()

    def visit_With(self, node: ast.With):
        expr = node.items[0].context_expr if node.items else None
        if isinstance(expr, ast.Call) and getattr(expr.func, "id", None) == "read_base":
            raise ConfigParsingError(
                f"{location_of(self.filename, node.lineno)}: `with read_base():` must be a "
                "top-level statement of the config."
            )
        return self.generic_visit(node)

    def _import_from_base(self, node: ast.ImportFrom, module: str):
        base = self.base_dict[module]
        where = location_of(self.filename, node.lineno)
        for alias in node.names:
            if alias.name == "*":
                for key, value in dict.items(base):
                    self.global_dict[key] = _safe_copy(value)
                continue
            if alias.name not in base:
                raise BaseNameError(
                    f"{where}: cannot import name {alias.name!r} from base config {module!r}."
                    + suggest_names(alias.name, dict.keys(base))
                )
            self.global_dict[alias.asname or alias.name] = _safe_copy(
                dict.__getitem__(base, alias.name)
            )
        return None

    def visit_ImportFrom(self, node: ast.ImportFrom):
        module = "." * node.level + (node.module or "")
        if module in self.base_dict:
            return self._import_from_base(node, module)
        where = location_of(self.filename, node.lineno)
        if node.level:
            self._warn_relative_import(node, module, where)
        elif _is_builtin_module(node.module or ""):
            for alias in node.names:
                if alias.name != "*":
                    self.imported_obj.add(alias.asname or alias.name)
            return node
        nodes = []
        for alias in node.names:
            if alias.name == "*":
                raise ConfigParsingError(
                    f"{where}: `from {module} import *` cannot be imported lazily; import the "
                    "names you need explicitly (or put it inside `with read_base():` if it is a "
                    "base config)."
                )
            name = alias.asname or alias.name
            args = [ast.Constant(module), ast.Constant(alias.name)]
            nodes.append(_lazy_assign(name, args, where, node))
            self.imported_obj.add(name)
        return nodes

    def _warn_relative_import(self, node: ast.ImportFrom, module: str, where: str) -> None:
        """A relative import outside ``with read_base():`` is not a base-config import.
        0.10 loads such a file and keeps each name as an unresolved lazy import (dumped as
        ``'.base.name'``); so does this, with a warning saying how to inherit instead."""
        import warnings

        warnings.warn_explicit(
            f"{where}: `from {module} import ...` is outside `with read_base():`, so it does "
            "not import a base config: its names stay unresolved lazy imports (as in 0.10). "
            f"To inherit from {module!r}, put the import inside `with read_base():`.",
            UserWarning,
            self.filename or "<string>",
            node.lineno,
        )

    def visit_Import(self, node: ast.Import):
        kept, nodes = [], []
        for alias in node.names:
            if alias.asname is None:
                # builtin: real import; others: gathered later
                if _is_builtin_module(alias.name):
                    self.imported_obj.add(alias.name.split(".")[0])
                kept.append(alias)
                continue
            self.imported_obj.add(alias.asname)
            if _is_builtin_module(alias.name):
                kept.append(alias)
            else:
                where = location_of(self.filename, node.lineno)
                nodes.append(_lazy_assign(alias.asname, [ast.Constant(alias.name)], where, node))
        if kept:
            nodes.insert(0, ast.copy_location(ast.Import(names=kept), node))
        return nodes


def _gather_abs_import_lazyobj(tree: ast.Module, filename: Optional[str] = None):
    """Replace top-level ``import a.b`` statements (no alias, not standard
    library) by one ``a = LazyObject(['a.b', ...])`` per top-level package,
    placed where the package is first imported.

    Args:
        tree (ast.Module): The parsed config.
        filename (str, optional): The config file, for locations.

    Returns:
        tuple[ast.Module, set]: The tree and the package names bound.
    """
    gathered: dict = {}
    first_node: dict = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname is None and not _is_builtin_module(alias.name):
                    top = alias.name.split(".")[0]
                    names = gathered.setdefault(top, [])
                    if alias.name not in names:
                        names.append(alias.name)
                    first_node.setdefault(top, node)
    if not gathered:
        return tree, set()
    body: list = []
    for node in tree.body:
        if not isinstance(node, ast.Import):
            body.append(node)
            continue
        kept = []
        for alias in node.names:
            top = alias.name.split(".")[0]
            if alias.asname is None and top in gathered and not _is_builtin_module(alias.name):
                if first_node.get(top) is node:
                    where = location_of(filename, node.lineno)
                    names = ast.List(elts=[ast.Constant(n) for n in gathered[top]], ctx=ast.Load())
                    body.append(_lazy_assign(top, [names], where, node))
                    first_node[top] = None
            else:
                kept.append(alias)
        if kept:
            body.append(ast.copy_location(ast.Import(names=kept), node))
    tree.body = body
    return tree, set(gathered)


def imported_names_of(tree: ast.Module) -> set:
    """Names bound by the top-level import statements of a parsed config."""
    names: set = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name != "*":
                    names.add(alias.asname or alias.name)
    return names
