"""Reading config files (``.py``, ``.json``, ``.yaml``) into dictionaries.

Python configs are parsed with :mod:`ast`, compiled with their real file name
(so tracebacks point at the config line) and executed in a fresh namespace:
no temporary files and no import machinery are involved.
"""

from __future__ import annotations

import ast
import io
import os.path as osp
import re
import types
import warnings

from .config_dict import DELETE_KEY, ConfigDict
from .merge import merge_a_into_b
from .substitution import (
    BASE_REF_FUNC,
    base_ref_function,
    pre_substitute_base_vars,
    substitute_base_refs_python,
    substitute_base_vars,
    substitute_env_variables,
    substitute_predefined_vars,
)
from .utils import (
    ConfigParsingError,
    ConfigValueError,
    _get_external_cfg_base_path,
    _get_external_cfg_path,
    _get_package_and_cfg_path,
    _is_base_assign,
    _is_builtin_module,
    imported_names_of,
)

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at runtime (import cost)
    from typing import Any, Optional

__all__ = [
    "BASE_KEY",
    "DEPRECATION_KEY",
    "RESERVED_KEYS",
    "SUPPORTED_EXTS",
    "file2dict",
    "text2dict",
    "parse_python",
    "is_lazy_tree",
    "get_cfg_path",
    "dict_to_config_dict",
]

BASE_KEY = "_base_"
DEPRECATION_KEY = "_deprecation_"
RESERVED_KEYS = ["filename", "text", "pretty_text", "env_variables"]
SUPPORTED_EXTS = (".py", ".json", ".yaml", ".yml")
LAZY_DOC = "docs/tutorials/config.md of the mmengine-ng documentation"
_IMPORT_OR_WITH_RE = r"(?m)^[ \t]*(?:import|from|with)\b"
_BASE_STMT_RE = r"(?m)^_base_[ \t]*(?::|=(?!=))"
_NESTED_BASE_RE = r"(?m)^[ \t]+_base_\b"  # `_base_` bound inside a block: checked on the AST
_RENAMED_BASE = "__bs__"  # same length as BASE_KEY; dunder names are dropped


def _chain_note(chain: tuple) -> str:
    return "".join(f"\n  (base config of {c})" for c in reversed(chain))


def add_note(err: BaseException, note: str) -> None:
    """Attach ``note`` to ``err`` (shown under its traceback)."""
    if hasattr(err, "add_note"):
        err.add_note(note)
    else:  # Python 3.10: keep the note where PEP 678 puts it
        err.__notes__ = [*getattr(err, "__notes__", []), note]


def read_text(filename: str) -> str:
    """Read a config file as UTF-8 text (a byte-order mark is dropped).

    Raises:
        ConfigValueError: If the file is not UTF-8 text.
    """
    with open(filename, "rb") as f:
        data = f.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise ConfigValueError(
            f"Config file {filename} is not UTF-8 text (line {line}: {e.reason} at byte "
            f"{e.start}); save it with UTF-8 encoding."
        ) from e


def parse_python(text: str, filename: Optional[str], chain: tuple = ()) -> ast.Module:
    """Parse Python config text, raising a ``SyntaxError`` that names the file
    and line (and the configs that included it).

    Args:
        text (str): Source code.
        filename (str, optional): Path of the config, for messages.
        chain (tuple): Files that (transitively) include this one.

    Returns:
        ast.Module: The parsed module.
    """
    _refuse_nul(text, filename, chain)
    try:
        return ast.parse(text, filename=filename or "<string>")
    except SyntaxError as e:
        raise _syntax_error(e, filename, chain, text) from None


def _refuse_nul(text: str, filename: Optional[str], chain: tuple) -> None:
    """A NUL byte is a SyntaxError on every Python (3.10 raises ValueError for it)."""
    if "\x00" in text:
        error = SyntaxError("source code cannot contain null bytes")
        raise _syntax_error(error, filename, chain, text) from None


def _syntax_error(
    e: SyntaxError, filename: Optional[str], chain: tuple, text: str = ""
) -> SyntaxError:
    name = filename or "<string>"
    lineno, detail = e.lineno, e.msg
    if lineno is None and "\x00" in text:  # Python gives no line for a NUL byte
        lineno = text.count("\n", 0, text.index("\x00")) + 1
        detail += " (a NUL byte: is this a binary file, or was it saved half-written?)"
    msg = f"There are syntax errors in config file {name}, line {lineno}: {detail}" + _chain_note(
        chain
    )
    # the same class: IndentationError / TabError stay what they are
    return type(e)(msg, (name, lineno, e.offset, e.text))


def _iter_statements(body: list):
    """Yield statements of ``body`` recursively (not into expressions)."""
    for node in body:
        yield node
        for field in ("body", "orelse", "finalbody"):
            sub = getattr(node, field, None)
            if isinstance(sub, list) and not isinstance(
                node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
            ):
                yield from _iter_statements(sub)
        for handler in getattr(node, "handlers", ()) or ():
            yield from _iter_statements(handler.body)


def is_read_base(node: ast.AST) -> bool:
    """Whether ``node`` is a ``with read_base():`` statement."""
    if not isinstance(node, ast.With) or not node.items:
        return False
    expr = node.items[0].context_expr
    if not isinstance(expr, ast.Call):
        return False
    func = expr.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    return name == "read_base"


def is_lazy_tree(tree: ast.Module) -> bool:
    """Decide whether a parsed Python config uses the pure-Python
    (lazy-import) style: ``with read_base():``, relative imports or imports of
    non-standard-library modules, and no ``_base_ = ...`` assignment.

    Args:
        tree (ast.Module): The parsed config.

    Returns:
        bool: True for a lazy-import config.
    """
    for node in _iter_statements(tree.body):
        if _is_base_assign(node):
            return False
        if is_read_base(node):
            return True
        if isinstance(node, ast.ImportFrom):
            if node.level:
                return True
            if node.module is None:
                continue
            if node.module == "mmengine" and [a.name for a in node.names] == ["Config"]:
                continue
            if not _is_builtin_module(node.module):
                return True
        elif isinstance(node, ast.Import):
            if any(not _is_builtin_module(alias.name) for alias in node.names):
                return True
    return False


def _is_openmmlab_import(node: ast.AST) -> bool:
    """An import of an OpenMMLab package (``mmpretrain.models``, ``mmcv.cnn``, ...) or of
    ``mmengine.config``: what 0.10 lets a base of a classic config import."""
    from .utils import MODULE2PACKAGE

    if isinstance(node, ast.ImportFrom) and not node.level and node.module:
        names = [node.module]
    elif isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        return False
    return all(
        n.split(".")[0] in MODULE2PACKAGE or n.split(".")[0] == "mmcv" or n == "mmengine.config"
        for n in names
    )


def _is_lazy_base(tree: ast.Module) -> bool:
    """:func:`is_lazy_tree` for a base of a classic config, where imports of OpenMMLab
    packages are allowed (mmpretrain's replknet bases import ``mmpretrain.models``)."""
    body = [n for n in tree.body if not _is_openmmlab_import(n)]
    return is_lazy_tree(ast.Module(body=body, type_ignores=[]))


def is_lazy_file(filename: str) -> bool:
    """Whether the Python config ``filename`` is a lazy-import config."""
    if not str(filename).endswith(".py"):
        return False
    return is_lazy_tree(parse_python(read_text(filename), filename))


def _base_files_from_tree(tree: ast.Module, filename: Optional[str]) -> list:
    assigns = [node for node in tree.body if _is_base_assign(node)]
    if len(assigns) > 1:  # as 0.10, the first one is used
        lines = ", ".join(str(node.lineno) for node in assigns)
        warnings.warn(
            f"Config file {filename or '<string>'} assigns `{BASE_KEY}` {len(assigns)} times "
            f"(lines {lines}); only the first one (line {assigns[0].lineno}) is used. List all "
            f"bases in one assignment: `{BASE_KEY} = ['./a.py', './b.py']`.",
            stacklevel=2,
        )
    for node in assigns:
        if True:
            value = node.value
            try:
                return ast.literal_eval(value)
            except ValueError:
                expr = ast.Expression(body=value)
                return eval(compile(expr, filename or "<string>", "eval"), {})
    return []


def _normalize_base_files(base_files: Any, filename: Optional[str]) -> list:
    if base_files is None:
        return []
    if isinstance(base_files, str):
        return [base_files]
    if isinstance(base_files, (list, tuple)) and all(isinstance(b, str) for b in base_files):
        return list(base_files)
    raise TypeError(
        f"`_base_` in {filename or '<string>'} must be a str or a list of str, "
        f"but got {base_files!r}"
    )


def get_cfg_path(cfg_path: str, filename: Optional[str]) -> tuple[str, Optional[str]]:
    """Resolve a path listed in ``_base_``.

    ``package::path`` is looked up in the installed package (its model index,
    then its ``configs`` folder); other paths are relative to the including
    file.

    Args:
        cfg_path (str): The path as written in ``_base_``.
        filename (str, optional): The including config file.

    Returns:
        tuple[str, str | None]: The absolute path and the scope (package name
        for ``package::`` paths, else None).
    """
    if "::" in cfg_path:
        from mmengine.utils import get_installed_path, is_installed

        scope = cfg_path.partition("::")[0]
        package, rel_path = _get_package_and_cfg_path(cfg_path)
        if not is_installed(package):
            raise ModuleNotFoundError(
                f"{package} is not installed, so the base config {cfg_path!r} used in "
                f"{filename or '<string>'} cannot be loaded. Install it (e.g. `pip install "
                f"{package}`) or use a local path."
            )
        package_path = get_installed_path(package)
        try:
            path = _get_external_cfg_path(package_path, rel_path)
        except ValueError:
            path = _get_external_cfg_base_path(package_path, rel_path)
        return path, scope
    base_dir = osp.dirname(filename) if filename else osp.abspath(".")
    return osp.normpath(osp.join(base_dir, osp.expanduser(cfg_path))), None


def dict_to_config_dict(cfg: Any, scope: Optional[str] = None, has_scope: bool = True) -> Any:
    """Recursively convert dicts to :class:`ConfigDict`.

    With a ``scope`` (base configs loaded from ``package::path``), the
    outermost dicts that have a ``type`` key get ``_scope_=scope`` unless they
    already have one.

    Args:
        cfg: The value to convert.
        scope (str, optional): The scope to set. Defaults to None.
        has_scope (bool): Whether ``_scope_`` may still be set at this depth.

    Returns:
        The converted value.
    """
    if isinstance(cfg, dict):
        if has_scope and "type" in cfg:
            has_scope = False
            if scope is not None and dict.get(cfg, "_scope_") is None:
                dict.__setitem__(cfg, "_scope_", scope)
        out = ConfigDict()
        for key, value in dict.items(cfg):
            dict.__setitem__(out, key, dict_to_config_dict(value, scope, has_scope))
        return out
    if isinstance(cfg, list):
        return [dict_to_config_dict(v, scope, has_scope) for v in cfg]
    if isinstance(cfg, tuple):
        return tuple(dict_to_config_dict(v, scope, has_scope) for v in cfg)
    return cfg


def _load_structured(text: str, ext: str, filename: Optional[str]) -> dict:
    from mmengine.fileio import load

    file_format = "yaml" if ext in (".yaml", ".yml") else "json"
    try:
        data = load(io.StringIO(text), file_format=file_format)
    except Exception as e:
        raise ConfigValueError(
            f"Cannot parse config file {filename or '<string>'} as {file_format.upper()}: "
            + str(e).replace('"<file>"', "the file")
        ) from e
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise TypeError(
            f"Config file {filename or '<string>'} must contain a mapping at the top level, "
            f"but it holds a {type(data).__name__}"
        )
    return data


def _first_target(stmt: ast.AST) -> Optional[ast.AST]:
    if isinstance(stmt, ast.Assign):
        return stmt.targets[0]
    return getattr(stmt, "target", None)


def _check_base_assignments(
    tree: ast.Module, filename: Optional[str], chain: tuple, fast: bool = False
) -> None:
    """Catch ``_base_`` bound by a statement the parser does not read (inside ``if``/``for``:
    an error, as in 0.10; ``y = _base_ = ...`` or ``_base_, y = ...`` at the top level: a
    warning), whose bases would be silently ignored."""
    where = filename or "<string>"
    for stmt in tree.body:
        for node in ast.walk(stmt):
            if not (
                isinstance(node, ast.Name)
                and node.id == BASE_KEY
                and isinstance(node.ctx, ast.Store)
            ):
                continue
            message = (
                f"Config file {where}, line {node.lineno}: `{BASE_KEY}` is assigned in a way "
                "the config parser does not read (only a plain top-level "
                f"`{BASE_KEY} = [...]` is), so these bases are not inherited. Write "
                f"`{BASE_KEY} = ['./a.py', ...]` on a line of its own at the top level; to "
                "choose bases by a condition, use separate config files." + _chain_note(chain)
            )
            if _is_base_assign(stmt) and not (fast and _first_target(stmt) is not node):
                continue  # read by the parser (the fast path reads `_base_ = ...` only)
            if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                # 0.10 silently ignored `y = _base_ = ...` and `_base_, y = ...`
                warnings.warn(message, ConfigSpellingWarning, stacklevel=4)
                return
            # 0.10 failed on these too (RuntimeError / ValueError)
            raise ConfigValueError(message)


def _exec_python(
    code,
    filename: Optional[str],
    base_cfg: ConfigDict,
    chain: tuple,
    has_base: bool = True,
    text: Optional[str] = None,
) -> dict:
    namespace: dict = {
        BASE_KEY: base_cfg,
        "__file__": filename,
        BASE_REF_FUNC: base_ref_function(base_cfg, filename or "<string>", has_base),
    }
    try:
        exec(code, namespace)
    except Exception as e:
        add_note(e, f"while executing config file {filename or '<string>'}" + _chain_note(chain))
        raise
    if namespace.get(BASE_KEY) is not base_cfg and text is not None:
        # fast path (no AST was made): `y = _base_ = ...` was executed, not read
        try:
            tree = ast.parse(text)
        except SyntaxError:  # pragma: no cover - it was compiled
            tree = None
        if tree is not None:
            _check_base_assignments(tree, filename, chain, fast=True)
    if "__base__" in namespace:  # dunder names are dropped: the bases would be ignored
        raise ConfigValueError(
            f"Config file {filename or '<string>'} defines '__base__', which looks like a "
            f"misspelling of `{BASE_KEY}`: inherit with `_base_ = ...` (e.g. "
            "`_base_ = ['./base.py']`), or rename the variable." + _chain_note(chain)
        )
    return {
        key: value
        for key, value in namespace.items()
        if key != BASE_KEY
        and not (isinstance(key, str) and key.startswith("__"))
        and not isinstance(value, (types.FunctionType, types.ModuleType))
    }


def _fast_compile(text: str, filename: Optional[str], chain: tuple):
    """Compile a Python config straight from source when that is safe.

    Files without import/with statements and with at most one plain
    ``_base_ = ...`` assignment (the common case) skip the full AST: only the
    ``_base_`` statement is parsed, and it is renamed to a dunder name (same
    length, so columns stay right) that is dropped after execution.

    Returns:
        tuple | None: ``(code, base_files)``, or None to take the AST path.
    """
    if re.search(_IMPORT_OR_WITH_RE, text) or re.search(_NESTED_BASE_RE, text):
        return None
    matches = re.findall(_BASE_STMT_RE, text)
    if len(matches) > 1 or (matches and not matches[0].endswith("=")):
        return None
    base_files: Any = []
    if matches:
        start = re.search(_BASE_STMT_RE, text).start()  # type: ignore[union-attr]
        lines = text[start:].split("\n", 64)
        for n in range(1, min(len(lines), 64) + 1):
            try:
                module = ast.parse("\n".join(lines[:n]))
            except SyntaxError:
                continue
            if len(module.body) != 1 or not _is_base_assign(module.body[0]):
                return None
            base_files = _base_files_from_tree(module, filename)
            break
        else:
            return None
        text = text[:start] + _RENAMED_BASE + text[start + len(BASE_KEY) :]
    _refuse_nul(text, filename, chain)
    try:
        code = compile(text, filename or "<string>", "exec", dont_inherit=True)
    except SyntaxError as e:
        raise _syntax_error(e, filename, chain, text) from None
    return code, base_files


def _near_miss(key: Any, word: str) -> bool:
    """Whether ``key`` looks like the reserved ``_<word>_`` but is not it
    (``_delete``, ``delete_``, ``__delete__``, ``_Base_``, ``_bases_``)."""
    if not isinstance(key, str) or key == f"_{word}_" or "_" not in key:
        return False
    core = key.strip("_").lower()
    return core in (word, word + "s")


def check_reserved_spellings(cfg_dict: dict, filename: Optional[str], chain: tuple = ()) -> None:
    """Catch misspelt ``_base_`` (top level) and ``_delete_`` (any dict) keys.

    A misspelt ``_base_`` would silently drop the inheritance: it raises. A misspelt
    ``_delete_`` (``_delete``, ``delete_``, ``__delete__``) is kept as a plain key, as in
    mmengine 0.10 (shipped zoo configs contain ``_delete=True``, e.g. mmpretrain's twins), with
    a warning naming the file, the key's dotted path and what to write instead, because it
    will reach a constructor as an argument.

    Args:
        cfg_dict (dict): The variables of one config file (before merging).
        filename (str, optional): The file, for messages.
        chain (tuple): Files including this one, for messages.

    Raises:
        ConfigValueError: For a misspelt ``_base_``, naming the key and the file.
    """
    where = filename or "<string>"
    for key in cfg_dict:
        if _near_miss(key, "base"):
            raise ConfigValueError(
                f"Config file {where} defines {key!r}, which looks like a misspelling of "
                f"`{BASE_KEY}`: inherit with `_base_ = ...` (e.g. `_base_ = ['./base.py']`), "
                "or rename the variable." + _chain_note(chain)
            )

    if DELETE_KEY in cfg_dict:  # 0.10 keeps it as a plain key: the bases stay merged
        warnings.warn(
            f"Config file {where} sets `{DELETE_KEY}` at the top level, where it has no effect "
            "(the bases are still merged) and stays as a plain key; it only applies inside a "
            f"dict: `model = dict({DELETE_KEY}=True, ...)` replaces the base's `model`."
            + _chain_note(chain),
            ConfigSpellingWarning,
            stacklevel=2,
        )

    def visit(value: Any, path: str) -> None:
        if isinstance(value, dict):
            for k, v in dict.items(value):
                sub = f"{path}.{k}" if path else str(k)
                if _near_miss(k, "delete"):
                    warnings.warn(
                        f"Config file {where} sets {k!r} (at {sub}), which looks like a "
                        f"misspelling of `_delete_`: it is kept as a plain key and will reach "
                        "the constructor as an argument. Write `_delete_=True` to replace the "
                        "base value instead of merging into it." + _chain_note(chain),
                        ConfigSpellingWarning,
                        stacklevel=2,
                    )
                visit(v, sub)
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                visit(v, f"{path}.{i}")

    visit(cfg_dict, "")


class ConfigSpellingWarning(UserWarning):
    """A config key looks like a misspelt reserved key (``_delete`` for ``_delete_``)."""


def _check_deprecation(cfg_dict: dict, filename: Optional[str]) -> None:
    if DEPRECATION_KEY not in cfg_dict:
        return
    info = cfg_dict.pop(DEPRECATION_KEY) or {}
    msg = f"The config file {filename} will be deprecated in the future."
    if "expected" in info:
        msg += f" Please use {info['expected']} instead."
    if "reference" in info:
        msg += f" More information can be found at {info['reference']}"
    warnings.warn(msg, DeprecationWarning, stacklevel=2)


def text2dict(
    raw_text: str,
    filename: Optional[str],
    ext: str,
    use_predefined_variables: bool = True,
    use_environment_variables: bool = True,
    lazy_import: Optional[bool] = None,
    chain: tuple = (),
    imported: Optional[set] = None,
) -> tuple[ConfigDict, str, dict]:
    """Parse config text (non-lazy style), resolving its ``_base_`` chain.

    Args:
        raw_text (str): Content of the config.
        filename (str, optional): Absolute path of the config (None for text
            that has no file; relative bases are then resolved from the
            current directory).
        ext (str): One of ``.py``, ``.json``, ``.yaml``, ``.yml``.
        use_predefined_variables (bool): Substitute ``{{fileDirname}}`` etc.
        use_environment_variables (bool): Substitute ``{{$ENV:default}}``.
        lazy_import (bool, optional): None to reject lazy-import syntax
            (it cannot be mixed into a ``_base_`` chain).
        chain (tuple): Files including this one, for messages and cycles.
        imported (set, optional): Receives the names bound by import
            statements of the file and its bases (not dumped with the config).

    Returns:
        tuple: ``(cfg_dict, cfg_text, env_variables)``.
    """
    text = raw_text
    if use_predefined_variables and filename:
        text = substitute_predefined_vars(text, filename)
    env_variables: dict = {}
    if use_environment_variables:
        text, env_variables = substitute_env_variables(text, filename)
    if ext == ".py":
        text, base_var_dict = substitute_base_refs_python(text)
    else:
        text, base_var_dict = pre_substitute_base_vars(text)

    code = None
    if ext == ".py":
        fast = _fast_compile(text, filename, chain)
        if fast is not None:
            code, base_files = fast
        else:
            tree = parse_python(text, filename, chain)
            # A base of a classic config may import OpenMMLab packages, as 0.10 allows.
            lazy = _is_lazy_base(tree) if chain else is_lazy_tree(tree)
            if lazy_import is None and lazy:
                raise RuntimeError(
                    "The configuration file type in the inheritance chain must match the "
                    'current configuration file type, either "lazy_import" or non-"lazy_import". '
                    "You got this error since you use the syntax like `with read_base(): ...` or "
                    f"import non-builtin module in {filename or '<string>'}{_chain_note(chain)}. "
                    f"See more information in {LAZY_DOC}"
                )
            base_files = _base_files_from_tree(tree, filename)
            _check_base_assignments(tree, filename, chain)
            if imported is not None:
                imported |= imported_names_of(tree)
            tree.body = [node for node in tree.body if not _is_base_assign(node)]
            code = compile(tree, filename or "<string>", "exec", dont_inherit=True)
        cfg_dict: dict = {}
    else:
        cfg_dict = _load_structured(text, ext, filename)
        base_files = cfg_dict.pop(BASE_KEY, None)
    base_files = _normalize_base_files(base_files, filename)

    base_cfg = ConfigDict()
    base_texts = []
    key_origin: dict = {}
    seen_bases: set = set()
    for base in base_files:
        path, scope = get_cfg_path(base, filename)
        if not osp.isfile(path):
            raise FileNotFoundError(
                f"Base config {base!r} listed in `_base_` of {filename or '<string>'} does not "
                f"exist: tried {path}" + _chain_note(chain)
            )
        if path == filename or path in chain:
            raise ConfigParsingError(
                f"Circular `_base_` inheritance: {path} is included again by "
                f"{filename}" + _chain_note(chain)
            )
        if path in seen_bases:
            raise KeyError(
                f"Base config {path} is listed twice in `_base_` of {filename or '<string>'}: "
                "remove the duplicate entry." + _chain_note(chain)
            )
        seen_bases.add(path)
        sub_dict, sub_text, sub_env = file2dict(
            path,
            use_predefined_variables,
            use_environment_variables,
            lazy_import=None,
            chain=chain + ((filename or "<string>"),),
            imported=imported,
        )
        base_texts.append(sub_text)
        env_variables.update(sub_env)
        duplicate = [k for k in dict.keys(sub_dict) if k in key_origin]
        if duplicate:
            where = ", ".join(f"{k!r} (in {key_origin[k]} and {path})" for k in duplicate)
            raise KeyError(
                f"Duplicate key is not allowed among bases. Duplicate keys: {set(duplicate)}; "
                f"{where}; bases of {filename or '<string>'}"
            )
        for k in dict.keys(sub_dict):
            key_origin[k] = path
        if scope is not None:
            sub_dict = dict_to_config_dict(sub_dict, scope)
        for k, v in dict.items(sub_dict):
            dict.__setitem__(base_cfg, k, v)

    if code is not None:
        cfg_dict = _exec_python(
            code, filename, base_cfg, chain, bool(base_files), text if fast is not None else None
        )

    check_reserved_spellings(cfg_dict, filename, chain)
    _check_deprecation(cfg_dict, filename)
    for key in RESERVED_KEYS:
        if key in cfg_dict:
            raise KeyError(
                f"{key} is reserved for config file (defined in {filename or '<string>'}): "
                f"`{key}` is an attribute of Config; rename the key. Reserved keys: "
                f"{RESERVED_KEYS}" + _chain_note(chain)
            )
    if base_var_dict:
        try:
            cfg_dict = substitute_base_vars(
                cfg_dict, base_var_dict, base_cfg, filename or "<string>"
            )
        except KeyError as e:
            if chain:
                add_note(e, _chain_note(chain).strip())
            raise
    cfg_dict.pop(BASE_KEY, None)
    try:
        merged = merge_a_into_b(cfg_dict, base_cfg)
    except (TypeError, KeyError) as e:
        add_note(
            e,
            f"while merging config file {filename or '<string>'} into its bases"
            + _chain_note(chain),
        )
        raise

    own_text = (filename + "\n" + raw_text) if filename else raw_text
    cfg_text = "\n".join(base_texts + [own_text])
    return merged, cfg_text, env_variables


def file2dict(
    filename: str,
    use_predefined_variables: bool = True,
    use_environment_variables: bool = True,
    lazy_import: Optional[bool] = None,
    chain: tuple = (),
    imported: Optional[set] = None,
) -> tuple[ConfigDict, str, dict]:
    """Load a (non-lazy style) config file and its bases.

    Args:
        filename (str): Path of the config.
        use_predefined_variables (bool): Substitute ``{{fileDirname}}`` etc.
        use_environment_variables (bool): Substitute ``{{$ENV:default}}``.
        lazy_import (bool, optional): None to reject lazy-import syntax.
        chain (tuple): Files including this one.
        imported (set, optional): Receives the names bound by imports.

    Returns:
        tuple: ``(cfg_dict, cfg_text, env_variables)``.
    """
    filename = osp.abspath(osp.expanduser(str(filename)))
    ext = osp.splitext(filename)[1]
    if ext not in SUPPORTED_EXTS:
        raise OSError(
            f"Only py/yml/yaml/json type are supported now! Got {filename!r}" + _chain_note(chain)
        )
    if not osp.isfile(filename):
        raise FileNotFoundError(f'Config file "{filename}" does not exist' + _chain_note(chain))
    raw = read_text(filename)
    return text2dict(
        raw,
        filename,
        ext,
        use_predefined_variables,
        use_environment_variables,
        lazy_import,
        chain,
        imported,
    )
