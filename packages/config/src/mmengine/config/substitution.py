"""Text substitutions applied to a config file before it is parsed.

* predefined variables: ``{{fileDirname}}``, ``{{fileBasename}}``,
  ``{{fileBasenameNoExtension}}``, ``{{fileExtname}}``;
* environment variables: ``{{$NAME:default}}``;
* base variables: ``{{_base_.a.b}}`` is replaced by a unique placeholder
  string, which :func:`substitute_base_vars` swaps for the value of
  ``a.b`` in the merged base configs once the file has been loaded.
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
    "substitute_base_vars",
]

BASE_KEY = "_base_"

# patterns are compiled on first use (re caches them), not at import time
_PREDEFINED_RE = r"\{\{\s*(fileDirname|fileBasename|fileBasenameNoExtension|fileExtname)\s*\}\}"
_ENV_RE = r'\{\{[\'"]?\s*\$(\w+)\s*:\s*(.*?)\s*[\'"]?\}\}'
_BASE_VAR_RE = r'([\'"]?)\{\{\s*' + BASE_KEY + r"\.([\w.]+?)\s*\}\}\1"


def substitute_predefined_vars(text: str, filename: str) -> str:
    """Replace the predefined ``{{fileXxx}}`` variables of ``filename``.

    Args:
        text (str): Config text.
        filename (str): Path of the config file.

    Returns:
        str: The substituted text.
    """
    if "{{" not in text:
        return text
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
    """Replace ``{{$NAME:default}}`` by the environment variable ``NAME``.

    Args:
        text (str): Config text.
        filename (str, optional): Config file, for error messages.

    Returns:
        tuple[str, dict]: The substituted text and the variables used.

    Raises:
        KeyError: If a variable without default is not set.
    """
    env_variables: dict = {}
    if "{{" not in text:
        return text, env_variables

    def _replace(match: re.Match) -> str:
        name, default = match.group(1), match.group(2)
        if name not in os.environ and not default:
            where = f" It is used in {filename}." if filename else ""
            raise KeyError(
                f"`{name}` cannot be found in `os.environ`. Please set `{name}` in environment "
                f"or give a default value.{where} A default is written as "
                f"{{{{${name}:default}}}}."
            )
        value = os.environ.get(name, default)
        env_variables[name] = value
        return value

    return re.sub(_ENV_RE, _replace, text), env_variables


def pre_substitute_base_vars(text: str) -> tuple[str, dict]:
    """Replace ``{{_base_.xxx}}`` by unique quoted placeholder strings.

    Surrounding quotes (``'{{_base_.x}}'``) are consumed so the placeholder
    always becomes a single string literal.

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
        return f'"{token}"'

    return re.sub(_BASE_VAR_RE, _replace, text), base_var_dict


def _lookup(base_cfg: Any, dotted: str, filename: Optional[str]) -> Any:
    value = base_cfg
    walked = []
    for part in dotted.split("."):
        if isinstance(value, (list, tuple)) and part.lstrip("-").isdigit():
            index = int(part)
            if not -len(value) <= index < len(value):
                raise KeyError(
                    f"{{{{_base_.{dotted}}}}} in {filename}: index {index} is out of range for "
                    f"_base_.{'.'.join(walked)} (length {len(value)})"
                )
            value = value[index]
        elif isinstance(value, dict) and part in value:
            value = dict.__getitem__(value, part)
        else:
            where = "_base_" + "".join(f".{w}" for w in walked)
            keys = list(value.keys()) if isinstance(value, dict) else []
            raise KeyError(
                f"{{{{_base_.{dotted}}}}} in {filename}: {where} has no key {part!r}."
                + suggest_names(part, keys)
            )
        walked.append(part)
    return value


def substitute_base_vars(
    cfg: Any, base_var_dict: dict, base_cfg: dict, filename: Optional[str] = None
) -> Any:
    """Swap placeholder strings made by :func:`pre_substitute_base_vars` for
    the base values they refer to.

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
