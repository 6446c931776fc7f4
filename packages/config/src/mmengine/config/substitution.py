"""Text substitutions applied to a config file before it is parsed.

* predefined variables: ``{{fileDirname}}``, ``{{fileBasename}}``,
  ``{{fileBasenameNoExtension}}``, ``{{fileExtname}}``;
* environment variables: ``{{$NAME:default}}``;
* base variables: ``{{_base_.a.b}}`` stands for the value of ``a.b`` in the
  merged base configs. In Python configs it becomes a call that returns a
  copy of that value while the file runs, so it works inside expressions
  (``lr = {{_base_.lr}} * 2``); in YAML/JSON configs (and inside string
  literals, where it is interpolated) it becomes a unique placeholder string
  that :func:`substitute_base_vars` swaps for the value once the file has
  been loaded.
"""

from __future__ import annotations

import os
import os.path as osp
import re
import sys

from .utils import suggest_names

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at runtime (import cost)
    from typing import Any, Optional

__all__ = [
    "substitute_predefined_vars",
    "substitute_env_variables",
    "pre_substitute_base_vars",
    "substitute_base_refs_python",
    "substitute_base_vars",
    "BASE_REF_FUNC",
    "PREDEFINED_VARS",
]

BASE_KEY = "_base_"

# patterns are compiled on first use (re caches them), not at import time
PREDEFINED_VARS = ("fileDirname", "fileBasename", "fileBasenameNoExtension", "fileExtname")
_PREDEFINED_RE = r"\{\{\s*(fileDirname|fileBasename|fileBasenameNoExtension|fileExtname)\s*\}\}"
_WORD_IN_BRACES_RE = r"\{\{\s*([A-Za-z_]\w*)\s*\}\}"
_ENV_RE = r'\{\{[\'"]?\s*\$(\w+)\s*(?::\s*(.*?))?\s*[\'"]?\}\}'
# characters around a reference that stands for a whole value (not inside a string)
_VALUE_OPENERS = " \t\n:=,[({"
_VALUE_CLOSERS = " \t\n\r,])}#"
#: Name of the function that ``{{_base_.x}}`` becomes in Python configs (a dunder name,
#: dropped from the config's variables).
BASE_REF_FUNC = "__mmengine_base_ref__"
_BASE_VAR_RE = r'([\'"]?)\{\{\s*' + BASE_KEY + r"\.([\w.]+?)\s*\}\}\1"


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def substitute_predefined_vars(text: str, filename: str) -> str:
    """Replace the predefined ``{{fileXxx}}`` variables of ``filename``.

    Args:
        text (str): Config text.
        filename (str): Path of the config file.

    Returns:
        str: The substituted text.

    Raises:
        KeyError: If the text uses an unknown variable that looks like a
            predefined one (``{{fileBasenameNoExt}}``); other ``{{word}}``
            text is left as written.
    """
    if "{{" not in text:
        return text
    for match in re.finditer(_WORD_IN_BRACES_RE, text):
        name = match.group(1)
        if name in PREDEFINED_VARS:
            continue
        hint = suggest_names(name, PREDEFINED_VARS, n=1)
        if name.lower().startswith("file") or hint:
            raise KeyError(
                f"{{{{{name}}}}} in {filename}, line {_line_of(text, match.start())}, is not a "
                f"predefined variable.{hint} The predefined variables are "
                + ", ".join(f"{{{{{v}}}}}" for v in PREDEFINED_VARS)
                + "."
            )
    dirname = osp.dirname(filename)
    basename = osp.basename(filename)
    values = {
        "fileDirname": dirname,
        "fileBasename": basename,
        "fileBasenameNoExtension": osp.splitext(basename)[0],
        "fileExtname": osp.splitext(filename)[1],
    }
    if sys.platform == "win32":
        values = {k: v.replace("\\", "/") for k, v in values.items()}
    return re.sub(_PREDEFINED_RE, lambda m: values[m.group(1)], text)


def substitute_env_variables(text: str, filename: Optional[str] = None) -> tuple[str, dict]:
    """Replace ``{{$NAME:default}}`` (or ``{{$NAME}}``, which has no default)
    by the environment variable ``NAME``.

    Args:
        text (str): Config text.
        filename (str, optional): Config file, for error messages.

    Each variable taken from the environment is logged at INFO through the
    current MMLogger and recorded; a default that is used is not recorded.

    Returns:
        tuple[str, dict]: The substituted text and the environment variables used.

    Raises:
        KeyError: If a variable without (or with an empty) default is not set.
    """
    env_variables: dict = {}
    if "{{" not in text:
        return text, env_variables

    def _replace(match: re.Match) -> str:
        name, default = match.group(1), match.group(2)
        if name not in os.environ and not default:
            where = (
                f" It is used in {filename}, line {_line_of(text, match.start())}."
                if filename
                else ""
            )
            raise KeyError(
                f"`{name}` cannot be found in `os.environ`. Please set `{name}` in environment "
                f"or give a default value.{where} A default is written as "
                f"{{{{${name}:default}}}}."
            )
        if name not in os.environ:
            return default  # a default is not an environment variable: not recorded
        value = os.environ[name]
        env_variables[name] = value
        # as 0.10: one INFO record per substitution, through the current MMLogger
        from mmengine.logging import print_log

        print_log(
            f"Using env variable `{name}` with value of {value} to replace item in config.",
            logger="current",
        )
        return value

    return re.sub(_ENV_RE, _replace, text), env_variables


def pre_substitute_base_vars(text: str) -> tuple[str, dict]:
    """Replace ``{{_base_.xxx}}`` by unique quoted placeholder strings.

    Surrounding quotes (``'{{_base_.x}}'``) are consumed so the placeholder
    becomes a single string literal; a reference inside a longer string
    (``'./w/{{_base_.x}}'``) becomes the bare placeholder, which
    :func:`substitute_base_vars` replaces by the value's text.

    Args:
        text (str): Config text.

    Returns:
        tuple[str, dict]: The text and a mapping placeholder -> dotted key.
    """
    base_var_dict: dict = {}
    if "_base_" not in text or "{{" not in text:
        return text, base_var_dict
    tag = os.urandom(3).hex()
    placeholders: dict = {}

    def _replace(match: re.Match) -> str:
        var = match.group(2)
        token = placeholders.get(var)
        if token is None:
            token = f"_{var}_{tag}_{len(placeholders)}"
            placeholders[var] = token
            base_var_dict[token] = var
        before = text[match.start() - 1] if match.start() else "\n"
        after = text[match.end()] if match.end() < len(text) else "\n"
        if not match.group(1) and (before not in _VALUE_OPENERS or after not in _VALUE_CLOSERS):
            return token  # inside a longer string: interpolated by substitute_base_vars
        return f'"{token}"'

    return re.sub(_BASE_VAR_RE, _replace, text), base_var_dict


def _string_spans(text: str) -> list:
    """``(start, end)`` offsets of the string literals of Python ``text``
    (None if it cannot be tokenized: the compiler then reports the error)."""
    import io
    import tokenize

    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    spans = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.STRING or tok.type == getattr(tokenize, "FSTRING_START", -1):
                start = starts[tok.start[0] - 1] + tok.start[1]
                spans.append([start, starts[tok.end[0] - 1] + tok.end[1]])
            elif tok.type == getattr(tokenize, "FSTRING_END", -1) and spans:
                spans[-1][1] = starts[tok.end[0] - 1] + tok.end[1]
    except (tokenize.TokenError, SyntaxError):  # IndentationError is a SyntaxError
        return None  # type: ignore[return-value]
    return spans


def substitute_base_refs_python(text: str) -> tuple[str, dict]:
    """Rewrite the ``{{_base_.xxx}}`` references of a Python config.

    A reference in code (or a string literal holding only the reference, as
    ``'{{_base_.x}}'``) becomes ``__mmengine_base_ref__("xxx")``, a call
    that returns a copy of the base value while the file runs, so the
    reference works inside expressions (``{{_base_.lr}} * 2``). A reference
    inside a longer string literal (``'./work_dirs/{{_base_.name}}'``)
    becomes a placeholder that :func:`substitute_base_vars` replaces by the
    value's text once the file has run.

    Args:
        text (str): Config text.

    Returns:
        tuple[str, dict]: The text and a mapping placeholder -> dotted key
        (only for the references inside strings).
    """
    base_var_dict: dict = {}
    if "_base_" not in text or "{{" not in text:
        return text, base_var_dict
    spans = _string_spans(text) or []
    tag = os.urandom(3).hex()
    placeholders: dict = {}

    def inside_string(start: int, end: int) -> bool:
        return any(s <= start and end <= e and not (s == start and e == end) for s, e in spans)

    def _replace(match: re.Match) -> str:
        var = match.group(2)
        if not inside_string(match.start(), match.end()):
            return f"{BASE_REF_FUNC}({var!r})"
        token = placeholders.get(var)
        if token is None:
            token = f"_{var}_{tag}_{len(placeholders)}"
            placeholders[var] = token
            base_var_dict[token] = var
        # the quotes matched around the reference belong to the enclosing literal
        quote = match.group(1)
        return f"{quote}{token}{quote}"

    return re.sub(_BASE_VAR_RE, _replace, text), base_var_dict


def base_ref_function(base_cfg: Any, filename: Optional[str], has_base: bool):
    """The function that ``{{_base_.xxx}}`` calls in a Python config.

    Args:
        base_cfg: The merged base configs.
        filename (str, optional): The config file, for messages.
        has_base (bool): Whether the file lists any base config.

    Returns:
        Callable[[str], Any]: Returns a deep copy of the value of the dotted
        key in ``base_cfg``; raises ``KeyError`` naming the file and line if
        it does not exist.
    """
    import copy

    def __mmengine_base_ref__(dotted: str) -> Any:
        line = sys._getframe(1).f_lineno
        if not has_base:
            raise KeyError(
                f"{{{{_base_.{dotted}}}}} in {filename}, line {line}: the file has no "
                "`_base_` to refer to; list the base configs first, e.g. "
                "`_base_ = ['./base.py']`."
            )
        return copy.deepcopy(_lookup(base_cfg, dotted, filename, line))

    return __mmengine_base_ref__


def _lookup(base_cfg: Any, dotted: str, filename: Optional[str], line: Optional[int] = None) -> Any:
    value = base_cfg
    walked = []
    where_line = f"{filename}, line {line}" if line is not None else f"{filename}"
    for part in dotted.split("."):
        if isinstance(value, (list, tuple)) and part.lstrip("-").isdigit():
            index = int(part)
            if not -len(value) <= index < len(value):
                raise KeyError(
                    f"{{{{_base_.{dotted}}}}} in {where_line}: index {index} is out of range for "
                    f"_base_.{'.'.join(walked)} (length {len(value)})"
                )
            value = value[index]
        elif isinstance(value, dict) and part in value:
            value = dict.__getitem__(value, part)
        else:
            where = "_base_" + "".join(f".{w}" for w in walked)
            keys = list(value.keys()) if isinstance(value, dict) else []
            raise KeyError(
                f"{{{{_base_.{dotted}}}}} in {where_line}: {where} has no key {part!r}."
                + suggest_names(part, keys)
            )
        walked.append(part)
    return value


def substitute_base_vars(
    cfg: Any, base_var_dict: dict, base_cfg: dict, filename: Optional[str] = None
) -> Any:
    """Swap placeholder strings made by :func:`pre_substitute_base_vars` for
    the base values they refer to (a placeholder inside a longer string is
    replaced by the text of the value).

    Args:
        cfg: The loaded (child) config values.
        base_var_dict (dict): Placeholder -> dotted key in ``base_cfg``.
        base_cfg (dict): The merged base configs.
        filename (str, optional): Config file, for error messages.

    Returns:
        The config with placeholders replaced (containers are rebuilt).
    """
    if isinstance(cfg, str):
        if cfg in base_var_dict:
            import copy

            return copy.deepcopy(_lookup(base_cfg, base_var_dict[cfg], filename))
        for token, dotted in base_var_dict.items():
            if token in cfg:  # a reference inside a longer string: interpolate its text
                cfg = cfg.replace(token, str(_lookup(base_cfg, dotted, filename)))
        return cfg
    if isinstance(cfg, dict):
        out = type(cfg)() if type(cfg) is not dict else {}
        for k, v in dict.items(cfg):
            dict.__setitem__(out, k, substitute_base_vars(v, base_var_dict, base_cfg, filename))
        return out
    if isinstance(cfg, list):
        return [substitute_base_vars(v, base_var_dict, base_cfg, filename) for v in cfg]
    if isinstance(cfg, tuple):
        return tuple(substitute_base_vars(v, base_var_dict, base_cfg, filename) for v in cfg)
    return cfg
