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
import os.path as osp

from .config_dict import ConfigDict
from .lazy import LazyObject
from .parsing import _chain_note, add_note, is_read_base, parse_python, read_text
from .utils import (
    ConfigParsingError,
    ImportTransformer,
    _gather_abs_import_lazyobj,
    _is_base_assign,
    location_of,
    relative_base_path,
)

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at runtime (import cost)
    from typing import Optional

__all__ = ["parse_lazy_file", "parse_lazy_text"]

_DOC = "docs/tutorials/config.md of the mmengine-ng documentation"


_SUBST_RE = (
    r"\{\{\s*(\$\w+|_base_\.[\w.]+|fileDirname|fileBasename|fileBasenameNoExtension"
    r"|fileExtname)[^}]*\}\}"
)


def _warn_unsubstituted(text: str, filename: Optional[str]) -> None:
    """Warn about ``{{$ENV}}``/``{{fileDirname}}`` in a pure-Python config: as in
    0.10 they are not substituted there, so the text stays in the value."""
    import re
    import warnings

    match = re.search(_SUBST_RE, text)
    if match is None:
        return
    lineno = text.count("\n", 0, match.start()) + 1
    warnings.warn(
        f"{location_of(filename, lineno)}: {match.group(0)} is not substituted in a "
        "pure-Python (lazy-import) config; the value keeps the text as written. Use "
        "`os.environ.get('VAR', default)`, `__file__` or the names imported from the base "
        "config instead.",
        stacklevel=4,
    )


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

    try:
        root = get_installed_path(parts[0])
    except ModuleNotFoundError as e:  # importlib.metadata.PackageNotFoundError
        raise ModuleNotFoundError(
            f"No module named {parts[0]!r}: {location_of(filename, lineno)} imports the base "
            f"config module {module!r} from the package {parts[0]!r}, which is not installed. "
            "Install it, or import a local base with a relative import "
            "(`with read_base(): from .base import *`).",
            name=parts[0],
        ) from e
    return osp.join(root, *parts[1:]) + ".py"


def _hoist_bases(
    tree: ast.Module, filename: Optional[str], cache: dict, chain: tuple
) -> tuple[dict, set]:
    """Parse the bases named in ``with read_base():`` blocks and replace each
    block by its import statements (which :class:`ImportTransformer` then
    resolves from the returned ``base_dict``)."""
    base_dict: dict = {}
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
            module = "." * stmt.level + stmt.module
            path = _resolve_base_module(stmt.module, stmt.level, filename, stmt.lineno)
            if not osp.isfile(path):
                raise ConfigParsingError(
                    f"{path} not found! It means that incorrect module is defined in "
                    f"`with read_base(): from {module} import ...` at {where}; please make sure "
                    "the base config module is valid and is consistent with the prior import "
                    "logic" + _chain_note(chain)
                )
            if path == filename or path in chain:
                raise ConfigParsingError(f"{where}: circular base config import of {path}")
            if path not in cache:
                cache[path] = parse_lazy_file(path, cache, chain + (filename or "<string>",))
            base_cfg, base_imported = cache[path]
            base_dict[module] = base_cfg
            for alias in stmt.names:
                if alias.name == "*":
                    imported |= base_imported
                elif alias.name in base_imported:
                    imported.add(alias.asname or alias.name)
            body.append(stmt)
    tree.body = body
    return base_dict, imported


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
    if "{{" in text:
        _warn_unsubstituted(text, filename)
    tree = parse_python(text, filename, chain)
    base_dict, imported = _hoist_bases(tree, filename, cache, chain)
    global_dict: dict = {"LazyObject": LazyObject, "__file__": filename}
    transformer = ImportTransformer(global_dict, base_dict, filename)
    tree = transformer.visit(tree)
    tree, abs_imported = _gather_abs_import_lazyobj(tree, filename)
    tree = ast.fix_missing_locations(tree)
    imported |= transformer.imported_obj | abs_imported
    code = compile(tree, filename or "<string>", "exec", dont_inherit=True)
    try:
        exec(code, global_dict)
    except Exception as e:
        add_note(e, f"while executing config file {filename or '<string>'}" + _chain_note(chain))
        if isinstance(e, NameError) and getattr(e, "name", None) == "_base_":
            add_note(
                e,
                "A pure-Python config (`with read_base():`) has no `_base_` variable: use the "
                "names its `from .base import *` brings in directly (`lr = optimizer.lr`, not "
                "`{{_base_.optimizer.lr}}`).",
            )
        raise
    cfg = ConfigDict()
    for key, value in global_dict.items():
        if isinstance(key, str) and key.startswith("__"):
            continue
        if key == "LazyObject" and value is LazyObject:
            continue
        cfg[key] = value
    return cfg, imported


def parse_lazy_file(
    filename: str, cache: Optional[dict] = None, chain: tuple = ()
) -> tuple[ConfigDict, set]:
    """Parse a lazy-import config file (see :func:`parse_lazy_text`)."""
    filename = osp.abspath(filename)
    return parse_lazy_text(read_text(filename), filename, cache, chain)
