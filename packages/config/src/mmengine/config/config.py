"""``Config``: load, merge, modify and dump configs.

See :class:`Config` for the supported file formats and features.
"""

from __future__ import annotations

import copy
import errno
import os
import os.path as osp
import re
import sys
import warnings
from argparse import ArgumentParser
from collections import abc
from collections.abc import Iterator

from ._lazy_names import lazy_names
from .config_dict import DELETE_KEY, ConfigDict
from .dict_action import DictAction
from .lazy import LazyAttr, LazyObject
from .merge import merge_a_into_b, new_key_hint
from .parsing import (
    BASE_KEY,
    DEPRECATION_KEY,
    RESERVED_KEYS,
    SUPPORTED_EXTS,
    dict_to_config_dict,
    file2dict,
    get_cfg_path,
    is_lazy_file,
    is_lazy_tree,
    parse_python,
    read_text,
    text2dict,
)
from .utils import (  # noqa: F401
    ConfigParsingError,
    ImportTransformer,
    RemoveAssignFromAST,
    _gather_abs_import_lazyobj,
    _get_external_cfg_base_path,
    _get_external_cfg_path,
    _get_package_and_cfg_path,
    _is_builtin_module,
    _MissingKeyToDelete,
    _TypeOrAttributeError,
    _UnsupportedFormatError,
    suggest_names,
)

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at runtime (import cost)
    import tempfile
    from os import PathLike
    from typing import Any, Optional, Union

    # served lazily at runtime by ``__getattr__`` (see below)
    from mmengine.fileio import dump, load
    from mmengine.logging import print_log
    from mmengine.utils import (
        check_file_exist,
        digit_version,
        get_installed_path,
        import_modules_from_strings,
        is_installed,
    )

__all__ = [
    "Config",
    "ConfigDict",
    "DictAction",
    "read_base",
    "add_args",
    "BASE_KEY",
    "DELETE_KEY",
    "DEPRECATION_KEY",
    "RESERVED_KEYS",
    "LazyAttr",
    "LazyObject",
    "ConfigParsingError",
    "ImportTransformer",
    "RemoveAssignFromAST",
    # upstream's module-level imports, served lazily (see ``__getattr__`` below)
    "tempfile",
    "print_log",
    "load",
    "dump",
    "check_file_exist",
    "digit_version",
    "get_installed_path",
    "is_installed",
    "import_modules_from_strings",
]

# Names upstream binds in this module (downstream imports or patches them here, e.g.
# ``mmengine.config.config.tempfile``), imported on first access to keep the import cheap.
__getattr__, __dir__ = lazy_names(
    __name__,
    {
        "tempfile": ("tempfile", None),
        "print_log": ("mmengine.logging", "print_log"),
        "load": ("mmengine.fileio", "load"),
        "dump": ("mmengine.fileio", "dump"),
        "check_file_exist": ("mmengine.utils", "check_file_exist"),
        "digit_version": ("mmengine.utils", "digit_version"),
        "get_installed_path": ("mmengine.utils", "get_installed_path"),
        "is_installed": ("mmengine.utils", "is_installed"),
        "import_modules_from_strings": ("mmengine.utils", "import_modules_from_strings"),
    },
)


# patterns are compiled on first use (re caches them), not at import time
_LAZY_HINT = r"(?m)^[ \t]*(?:import|from|with)\s"


def add_args(parser: ArgumentParser, cfg: dict, prefix: str = "") -> ArgumentParser:
    """Add one ``--key`` option per config field to ``parser``.

    Nested dicts give dotted options (``--model.depth``); booleans become
    ``store_true`` flags; iterables take ``nargs='+'``.

    Args:
        parser (ArgumentParser): The parser to extend.
        cfg (dict): The config values.
        prefix (str): Prefix of the option names. Defaults to ''.

    Returns:
        ArgumentParser: ``parser`` itself.
    """
    for k, v in cfg.items():
        name = "--" + prefix + str(k)
        if isinstance(v, str):
            parser.add_argument(name)
        elif isinstance(v, bool):
            parser.add_argument(name, action="store_true")
        elif isinstance(v, int):
            parser.add_argument(name, type=int)
        elif isinstance(v, float):
            parser.add_argument(name, type=float)
        elif isinstance(v, dict):
            add_args(parser, v, prefix + str(k) + ".")
        elif isinstance(v, abc.Iterable) and len(v) > 0:  # type: ignore[arg-type]
            parser.add_argument(name, type=type(next(iter(v))), nargs="+")
        else:
            from mmengine.logging import print_log

            print_log(f"cannot parse key {prefix + str(k)} of type {type(v)}", logger="current")
    return parser


class read_base:  # lower-case: used like a function, as upstream
    """Context manager marking the base configs of a pure-Python config.

    Inside a config file::

        from mmengine.config import read_base

        with read_base():
            from .base_runtime import *

    Only ``from ... import ...`` statements may appear in the block; other
    imports (``from torch.optim import SGD``) go outside of it. The block is
    handled by the config parser; used elsewhere it does nothing.
    """

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc_info) -> bool:
        return False


def _drop_modules(cfg_dict: ConfigDict) -> None:
    """Drop imported modules from the variables of a pure-Python config.

    Functions and lambdas defined in the file stay: they are config values
    (``scale = lambda x: 2 * x`` then ``cfg.scale(3)``), as upstream.
    """
    import types

    for key, value in list(dict.items(cfg_dict)):
        if isinstance(value, types.ModuleType):
            dict.pop(cfg_dict, key)


class Config:
    """A facility for config and config files.

    It supports common file formats as configs: python/json/yaml.
    :meth:`fromfile` can parse a dictionary from a config file, then build a
    ``Config`` instance with the dictionary. The interface is the same as a
    dict object and also allows access config values as attributes.

    Args:
        cfg_dict (dict, optional): A config dictionary. Defaults to None.
        cfg_text (str, optional): Text of config. Defaults to None.
        filename (str or Path, optional): Name of config file.
            Defaults to None.
        env_variables (dict, optional): Environment variables used in the
            config. Defaults to None.
        format_python_code (bool): Whether :attr:`pretty_text` keeps short
            values on one line and checks that the text is valid Python.
            Defaults to True.

    Examples:
        >>> from mmengine.config import Config
        >>> cfg = Config(dict(a=1, b=dict(b1=[0, 1])))
        >>> cfg.a
        1
        >>> cfg.b
        {'b1': [0, 1]}
        >>> cfg.b.b1
        [0, 1]
    """

    def __init__(
        self,
        cfg_dict: Optional[dict] = None,
        cfg_text: Optional[str] = None,
        filename: Optional[Union[str, PathLike]] = None,
        env_variables: Optional[dict] = None,
        format_python_code: bool = True,
    ):
        filename = os.fspath(filename) if filename is not None else None
        if cfg_dict is None:
            cfg_dict = dict()
        elif not isinstance(cfg_dict, dict):
            raise TypeError(f"cfg_dict must be a dict, but got {type(cfg_dict)}")
        for key in cfg_dict:
            if key in RESERVED_KEYS:
                where = f" (in {filename})" if filename else ""
                raise KeyError(
                    f"{key} is reserved for config file{where}: `{key}` is an attribute of "
                    f"Config; rename the key. Reserved keys: {RESERVED_KEYS}"
                )
        if not isinstance(cfg_dict, ConfigDict):
            cfg_dict = ConfigDict(cfg_dict)
        super().__setattr__("_cfg_dict", cfg_dict)
        super().__setattr__("_filename", filename)
        super().__setattr__("_format_python_code", format_python_code)
        if not hasattr(self, "_imported_names"):
            super().__setattr__("_imported_names", set())
        if cfg_text:
            text = cfg_text
        elif filename and osp.isfile(filename):
            text = read_text(filename)
        else:
            text = ""
        super().__setattr__("_text", text)
        super().__setattr__("_env_variables", env_variables or {})

    # ------------------------------------------------------------ construction
    @staticmethod
    def fromfile(
        filename: Union[str, PathLike],
        use_predefined_variables: bool = True,
        import_custom_modules: bool = True,
        use_environment_variables: bool = True,
        lazy_import: Optional[bool] = None,
        format_python_code: bool = True,
    ) -> Config:
        """Build a Config instance from config file.

        Args:
            filename (str or Path): Name of config file.
            use_predefined_variables (bool, optional): Whether to use
                predefined variables. Defaults to True.
            import_custom_modules (bool, optional): Whether to support
                importing custom modules in config. Defaults to True.
            use_environment_variables (bool, optional): Whether to use
                environment variables. Defaults to True.
            lazy_import (bool): Whether to load config in `lazy_import` mode.
                If it is `None`, it will be deduced by the content of the
                config file. Defaults to None.
            format_python_code (bool): Whether to format Python code in
                :attr:`pretty_text`. Defaults to True.

        Returns:
            Config: Config instance built from config file.
        """
        if not isinstance(filename, (str, os.PathLike)):
            raise _TypeOrAttributeError(
                f"Config.fromfile expects the path of a config file (str or os.PathLike), but "
                f"got {filename!r} of type {type(filename).__name__}"
            )
        given = os.fspath(filename)  # cfg.filename is the path as given, as 0.10
        filename = osp.abspath(osp.expanduser(given))
        if osp.isdir(filename):
            raise FileNotFoundError(
                f'file "{filename}" does not exist: it is a directory; pass the path of a '
                ".py/.json/.yaml config file in it"
            )
        if not osp.isfile(filename):  # checked before the extension, as 0.10
            if osp.splitext(filename)[1] == ".py":  # 0.10 opened it: the OSError, path as given
                raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), given)
            from mmengine.utils import check_file_exist

            check_file_exist(filename)
        ext = osp.splitext(filename)[1]
        if ext not in SUPPORTED_EXTS:
            raise OSError(f"Only py/yml/yaml/json type are supported now! Got {filename!r}")
        raw = read_text(filename)
        cfg = Config._from_text(
            raw,
            filename,
            ext,
            use_predefined_variables=use_predefined_variables,
            import_custom_modules=import_custom_modules,
            use_environment_variables=use_environment_variables,
            lazy_import=lazy_import,
            format_python_code=format_python_code,
        )
        object.__setattr__(cfg, "_filename", given)
        return cfg

    @staticmethod
    def _from_text(
        raw: str,
        filename: Optional[str],
        ext: str,
        use_predefined_variables: bool = True,
        import_custom_modules: bool = True,
        use_environment_variables: bool = True,
        lazy_import: Optional[bool] = None,
        format_python_code: bool = True,
    ) -> Config:
        if ext == ".py" and lazy_import is None:
            lazy_import = _looks_lazy(raw, filename)
        if lazy_import and ext == ".py":
            return Config._from_lazy_text(raw, filename, format_python_code)
        imported: set = set()
        cfg_dict, cfg_text, env_variables = text2dict(
            raw,
            filename,
            ext,
            use_predefined_variables,
            use_environment_variables,
            lazy_import=lazy_import,
            imported=imported,
        )
        if import_custom_modules and cfg_dict.get("custom_imports", None):
            _import_custom_modules(cfg_dict["custom_imports"], filename)
        cfg = Config(
            cfg_dict,
            cfg_text=cfg_text,
            filename=filename,
            env_variables=env_variables,
            format_python_code=format_python_code,
        )
        if imported:
            object.__setattr__(cfg, "_imported_names", imported)
        return cfg

    @staticmethod
    def _from_lazy_text(raw: str, filename: Optional[str], format_python_code: bool) -> Config:
        from .lazy_parser import parse_lazy_text

        ConfigDict.lazy = True
        try:
            cfg_dict, imported_names = parse_lazy_text(raw, filename)
        finally:
            ConfigDict.lazy = False
        _drop_modules(cfg_dict)
        cfg = Config(
            cfg_dict, cfg_text=raw, filename=filename, format_python_code=format_python_code
        )
        object.__setattr__(cfg, "_imported_names", imported_names)
        return cfg

    @staticmethod
    def fromstring(cfg_str: str, file_format: str) -> Config:
        """Build a Config instance from config text.

        Relative ``_base_`` paths are resolved from the current directory.

        Args:
            cfg_str (str): Config text.
            file_format (str): Config file format corresponding to the
                config str. Only py/yml/yaml/json type are supported now!

        Returns:
            Config: Config object generated from ``cfg_str``.
        """
        if file_format not in SUPPORTED_EXTS:
            raise OSError(
                f"Only py/yml/yaml/json type are supported now! Got file_format={file_format!r} "
                "(it needs the leading dot, e.g. '.py')"
            )
        if file_format != ".py" and "dict(" in cfg_str:
            warnings.warn('Please check "file_format", the file format may be .py', stacklevel=2)
        cfg = Config._from_text(cfg_str, None, file_format, use_predefined_variables=False)
        # no file, but dump() keeps the format of the text, as 0.10 (whose temporary
        # file had this extension) does
        object.__setattr__(cfg, "_text_format", file_format)
        return cfg

    @staticmethod
    def auto_argparser(description: Optional[str] = None) -> tuple[ArgumentParser, Config]:
        """Generate argparser from config file automatically (experimental).

        The config file is the first positional command-line argument.

        Args:
            description (str, optional): Description of the parser.

        Returns:
            tuple[ArgumentParser, Config]: The parser with one option per
            config field, and the loaded config.
        """
        partial_parser = ArgumentParser(description=description)
        partial_parser.add_argument("config", help="config file path")
        cfg_file = partial_parser.parse_known_args()[0].config
        cfg = Config.fromfile(cfg_file)
        parser = ArgumentParser(description=description)
        parser.add_argument("config", help="config file path")
        add_args(parser, cfg)
        return parser, cfg

    # ----------------------------------------------------------- compat hooks
    @staticmethod
    def _file2dict(
        filename: str,
        use_predefined_variables: bool = True,
        use_environment_variables: bool = True,
        lazy_import: Optional[bool] = None,
    ) -> tuple[dict, str, dict]:
        """Load a config file (and its ``_base_`` chain) into a dict.

        Returns:
            tuple[dict, str, dict]: ``(cfg_dict, cfg_text, env_variables)``.
        """
        return file2dict(filename, use_predefined_variables, use_environment_variables, lazy_import)

    @staticmethod
    def _substitute_predefined_vars(filename: str, temp_config_name: str) -> None:
        """Write ``filename`` to ``temp_config_name`` with ``{{fileDirname}}``
        and the other predefined variables substituted."""
        from .substitution import substitute_predefined_vars

        filename = os.fspath(filename)
        text = substitute_predefined_vars(read_text(filename), filename)
        with open(temp_config_name, "w", encoding="utf-8") as f:
            f.write(text)

    @staticmethod
    def _substitute_env_variables(filename: str, temp_config_name: str) -> dict:
        """Write ``filename`` to ``temp_config_name`` with ``{{$ENV:default}}``
        substituted; return the variables used."""
        from .substitution import substitute_env_variables

        filename = os.fspath(filename)
        text, env_variables = substitute_env_variables(read_text(filename), filename)
        with open(temp_config_name, "w", encoding="utf-8") as f:
            f.write(text)
        return env_variables

    @staticmethod
    def _pre_substitute_base_vars(filename: str, temp_config_name: str) -> dict:
        """Write ``filename`` to ``temp_config_name`` with ``{{_base_.x}}``
        replaced by placeholder strings; return placeholder -> ``x``."""
        from .substitution import pre_substitute_base_vars

        text, base_var_dict = pre_substitute_base_vars(read_text(os.fspath(filename)))
        with open(temp_config_name, "w", encoding="utf-8") as f:
            f.write(text)
        return base_var_dict

    @staticmethod
    def _substitute_base_vars(cfg: Any, base_var_dict: dict, base_cfg: dict) -> Any:
        """Replace the placeholder strings of ``cfg`` by the base values they
        refer to (see :meth:`_pre_substitute_base_vars`)."""
        from .substitution import substitute_base_vars

        return substitute_base_vars(cfg, base_var_dict, base_cfg)

    @staticmethod
    def _parse_lazy_import(filename: str) -> tuple[ConfigDict, set]:
        """Parse a pure-Python config; return ``(cfg_dict, imported_names)``
        with lazy objects unbuilt."""
        from .lazy_parser import parse_lazy_file

        ConfigDict.lazy = True
        try:
            return parse_lazy_file(os.fspath(filename))
        finally:
            ConfigDict.lazy = False

    @staticmethod
    def _get_cfg_path(cfg_path: str, filename: str) -> tuple[str, Optional[str]]:
        """Resolve a ``_base_`` entry; returns ``(path, scope)``."""
        return get_cfg_path(cfg_path, filename)

    @staticmethod
    def _get_base_files(filename: str) -> list:
        """The ``_base_`` entries of a config file, as a list."""
        ext = osp.splitext(filename)[1]
        if ext == ".py":
            from .parsing import _base_files_from_tree, _normalize_base_files

            tree = parse_python(read_text(filename), filename)
            return _normalize_base_files(_base_files_from_tree(tree, filename), filename)
        from mmengine.fileio import load

        from .parsing import _normalize_base_files

        return _normalize_base_files((load(filename) or {}).get(BASE_KEY), filename)

    @staticmethod
    def _validate_py_syntax(filename: str) -> None:
        """Raise ``SyntaxError`` naming the file and line if the Python
        config ``filename`` is not valid Python."""
        filename = os.fspath(filename)
        parse_python(read_text(filename), filename)

    @staticmethod
    def _is_lazy_import(filename: str) -> bool:
        """Whether ``filename`` is a pure-Python (lazy-import) config."""
        return is_lazy_file(os.fspath(filename))

    @staticmethod
    def _dict_to_config_dict(cfg: dict, scope: Optional[str] = None, has_scope: bool = True):
        """Recursively convert dicts to ConfigDict, setting ``_scope_``."""
        return dict_to_config_dict(cfg, scope, has_scope)

    @staticmethod
    def _merge_a_into_b(a: dict, b: Any, allow_list_keys: bool = False) -> Any:
        """Merge dict ``a`` into a copy of ``b`` and return it.

        Values of ``a`` win; nested dicts merge unless ``_delete_=True``;
        with ``allow_list_keys`` digit keys index into lists of ``b``.

        Examples:
            >>> from mmengine.config import Config
            >>> Config._merge_a_into_b(dict(obj=dict(a=2)), dict(obj=dict(a=1)))
            {'obj': {'a': 2}}

        Args:
            a (dict): The source dict to be merged into ``b``.
            b (dict or list): The origin dict (not modified).
            allow_list_keys (bool): If True, int string keys (e.g. '0', '1')
                are allowed in ``a`` and will replace the element of the
                corresponding index in ``b`` if ``b`` is a list.
                Defaults to False.

        Returns:
            dict or list: The modified copy of ``b``.
        """
        return merge_a_into_b(a, b, allow_list_keys)

    # -------------------------------------------------------------- accessors
    @property
    def filename(self) -> Optional[str]:
        """str: get file name of config."""
        return self._filename

    @property
    def text(self) -> str:
        """str: get config text."""
        return self._text

    @property
    def env_variables(self) -> dict:
        """dict: environment variables substituted in the config."""
        return self._env_variables

    @property
    def pretty_text(self) -> str:
        """str: get formatted python config text.

        The text is valid Python: ``Config.fromstring(cfg.pretty_text,
        '.py')`` gives back an equal config.
        """
        from .pretty import format_config

        text = format_config(self.to_dict(), compact=self._format_python_code)
        if self._format_python_code:
            try:
                compile(text, "<pretty_text>", "exec")
            except SyntaxError as e:
                raise SyntaxError(
                    "Failed to format the config file (a value has no Python literal form, "
                    f"line {e.lineno}), please check the syntax of: \n{text}"
                ) from None
        return text

    def __repr__(self) -> str:
        return f"Config (path: {self.filename}): {self._cfg_dict.__repr__()}"

    def __len__(self) -> int:
        return len(self._cfg_dict)

    def __getattr__(self, name: str) -> Any:
        if name in (
            "_cfg_dict",
            "_filename",
            "_text",
            "_env_variables",
            "_imported_names",
            "_format_python_code",
            "_text_format",
        ):
            raise AttributeError(name)
        return getattr(self._cfg_dict, name)

    def __getitem__(self, name: Any) -> Any:
        return self._cfg_dict.__getitem__(name)

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, dict):
            value = ConfigDict(value)
        self._cfg_dict.__setattr__(name, value)

    def __setitem__(self, name: Any, value: Any) -> None:
        if isinstance(value, dict):
            value = ConfigDict(value)
        self._cfg_dict.__setitem__(name, value)

    def __delattr__(self, name: str) -> None:
        self._cfg_dict.__delattr__(name)

    def __delitem__(self, name: Any) -> None:
        cfg_dict = self._cfg_dict
        if name not in cfg_dict:
            raise _MissingKeyToDelete(
                name,
                f"{name!r}: cannot delete {name!r}, the config has no such key."
                + suggest_names(name, dict.keys(cfg_dict)),
            )
        cfg_dict.__delitem__(name)

    def __iter__(self) -> Iterator:
        return iter(self._cfg_dict)

    def __contains__(self, name: Any) -> bool:
        return name in self._cfg_dict

    def __getstate__(self) -> tuple:
        return (
            self._cfg_dict,
            self._filename,
            self._text,
            self._env_variables,
            self._format_python_code,
            self._imported_names,
        ) + ((text_format,) if (text_format := self.__dict__.get("_text_format")) else ())

    def __setstate__(self, state: tuple) -> None:
        names = (
            "_cfg_dict",
            "_filename",
            "_text",
            "_env_variables",
            "_format_python_code",
            "_imported_names",
            "_text_format",
        )
        defaults = (ConfigDict(), None, "", {}, True, set(), None)
        state = tuple(state) + defaults[len(state) :]
        for name, value in zip(names, state):
            super().__setattr__(name, value)

    def __deepcopy__(self, memo: dict) -> Config:
        cls = self.__class__
        other = cls.__new__(cls)
        memo[id(self)] = other
        for key, value in self.__dict__.items():
            super(Config, other).__setattr__(key, copy.deepcopy(value, memo))
        return other

    def __copy__(self) -> Config:
        cls = self.__class__
        other = cls.__new__(cls)
        other.__dict__.update(self.__dict__)
        super(Config, other).__setattr__("_cfg_dict", self._cfg_dict.copy())
        return other

    copy = __copy__

    # -------------------------------------------------------------- mutation
    def merge_from_dict(self, options: dict, allow_list_keys: bool = True) -> None:
        """Merge list into cfg_dict.

        Merge the dict parsed by MultipleKVAction into this cfg. Keys are
        dotted paths; a new key that is close to an existing one triggers a
        warning suggesting the existing name.

        Examples:
            >>> from mmengine.config import Config
            >>> # Merge dictionary element
            >>> options = {'model.backbone.depth': 50, 'model.backbone.with_cp': True}
            >>> cfg = Config(dict(model=dict(backbone=dict(type='ResNet'))))
            >>> cfg.merge_from_dict(options)
            >>> cfg._cfg_dict
            {'model': {'backbone': {'type': 'ResNet', 'depth': 50, 'with_cp': True}}}

            >>> # Merge list element
            >>> cfg = Config(
            ...     dict(pipeline=[dict(type='LoadImage'), dict(type='LoadAnnotations')]))
            >>> options = dict(pipeline={'0': dict(type='SelfLoadImage')})
            >>> cfg.merge_from_dict(options, allow_list_keys=True)
            >>> cfg._cfg_dict
            {'pipeline': [{'type': 'SelfLoadImage'}, {'type': 'LoadAnnotations'}]}

        Args:
            options (dict): dict of configs to merge from.
            allow_list_keys (bool): If True, int string keys (e.g. '0', '1')
                are allowed in ``options`` and will replace the element of the
                corresponding index in the config if the config is a list.
                Defaults to True.
        """
        if not isinstance(options, abc.Mapping):
            raise _TypeOrAttributeError(
                "merge_from_dict expects a dict of {'dotted.key': value} (e.g. "
                f"{{'optim_wrapper.optimizer.lr': 0.01}}), but got {type(options).__name__}: "
                f"{options!r}"
            )
        option_cfg_dict: dict = {}
        for full_key, v in options.items():
            d = option_cfg_dict
            key_list = str(full_key).split(".")
            if "" in key_list:
                warnings.warn(
                    f"merge_from_dict: the key {full_key!r} has an empty part (a leading, "
                    "trailing or doubled '.'), so an empty-string key is set; write the dotted "
                    "path without it, e.g. 'model.backbone.depth'",
                    stacklevel=2,
                )
            elif len(key_list) == 1 and full_key in RESERVED_KEYS:
                warnings.warn(
                    f"merge_from_dict: {full_key!r} is reserved (an attribute of Config): the "
                    f"value is stored but cfg.{full_key} still gives the Config's own "
                    f"attribute; read it with cfg[{full_key!r}] or rename the key",
                    stacklevel=2,
                )
            for subkey in key_list[:-1]:
                d.setdefault(subkey, ConfigDict())
                d = d[subkey]
            d[key_list[-1]] = v
        cfg_dict = super().__getattribute__("_cfg_dict")
        for key_path, hint in new_key_hint(option_cfg_dict, cfg_dict):
            warnings.warn(
                f"merge_from_dict: {key_path!r} is not in the config (file: {self.filename}) and "
                f"is added as a new key.{hint}",
                stacklevel=2,
            )
        super().__setattr__(
            "_cfg_dict", merge_a_into_b(option_cfg_dict, cfg_dict, allow_list_keys=allow_list_keys)
        )

    # ---------------------------------------------------------------- export
    def _to_lazy_dict(self, keep_imported: bool = False) -> dict:
        """Convert to a builtin dict, keeping lazy objects and filtering the
        imported names unless ``keep_imported``."""
        res = self._cfg_dict._to_lazy_dict()
        if self._imported_names and not keep_imported:
            res = {k: v for k, v in res.items() if k not in self._imported_names}
        return res

    def to_dict(self, keep_imported: bool = False) -> dict:
        """Convert all data in the config to a builtin ``dict``.

        If you import third-party objects in the config file, all imported
        objects will be converted to a string like ``torch.optim.SGD``.

        Args:
            keep_imported (bool): Whether to keep the imported field.
                Defaults to False.

        Returns:
            dict: The plain dictionary.
        """
        res = self._cfg_dict.to_dict()
        if self._imported_names and not keep_imported:
            res = {k: v for k, v in res.items() if k not in self._imported_names}
        return res

    def dump(self, file: Optional[Union[str, PathLike]] = None) -> Optional[str]:
        """Dump config to file or return config text.

        The format follows the extension of ``file`` (``.py``, ``.json``,
        ``.yaml``/``.yml``). Without ``file`` the text is returned in the
        format of the config's own file, or of the text given to
        :meth:`fromstring` (Python if it has neither).

        Args:
            file (str or Path, optional): If not specified, then the object
                is dumped to a str, otherwise to a file specified by the
                filename. Defaults to None.

        Returns:
            str or None: Config text when ``file`` is None.
        """
        file = os.fspath(file) if file is not None else None
        if file is None:
            source = self.filename or self.__dict__.get("_text_format") or ".py"
            if source.endswith(".py"):
                return self.pretty_text
            from mmengine.fileio import dump

            return dump(self.to_dict(), file_format=source.rsplit(".", 1)[-1])
        if file.endswith(".py"):
            _write_text_atomic(file, self.pretty_text)
            return None
        ext = osp.splitext(file)[1]
        if ext not in (".json", ".yaml", ".yml", ".pkl"):
            raise _UnsupportedFormatError(
                f"Unsupported format: {file.split('.')[-1]}. Cannot dump config to {file!r}: "
                "the extension picks the format; use .py, .json, .yaml, .yml or .pkl"
            )
        from mmengine.fileio import dump

        if ext == ".pkl" or "://" in file:
            dump(self.to_dict(), file=file, file_format=ext[1:])
        else:  # text is made first: an un-dumpable value leaves no half-written file
            _write_text_atomic(file, dump(self.to_dict(), file_format=ext[1:]))
        return None

    @staticmethod
    def diff(cfg1: Union[str, PathLike, Config], cfg2: Union[str, PathLike, Config]) -> str:
        """Unified diff of the :attr:`pretty_text` of two configs.

        The text has the layout of upstream's (which printed the diff through
        a rich console): every diff line is followed by a newline, the
        ``---``/``+++``/``@@`` header lines keep their own newline too, and
        the text ends with an extra newline.

        Examples:
            >>> from mmengine.config import Config
            >>> print(Config.diff(Config(dict(a=1, b=2)), Config(dict(a=2, b=2))))
            ---
            <BLANKLINE>
            +++
            <BLANKLINE>
            @@ -1,3 +1,3 @@
            <BLANKLINE>
            -a = 1
            +a = 2
             b = 2
            <BLANKLINE>
            <BLANKLINE>

        Args:
            cfg1 (str or Config): A config or the path of a config file.
            cfg2 (str or Config): A config or the path of a config file.

        Returns:
            str: The diff (empty lines only when the configs are equal).
        """
        import difflib

        if not isinstance(cfg1, Config):
            cfg1 = Config.fromfile(cfg1)
        if not isinstance(cfg2, Config):
            cfg2 = Config.fromfile(cfg2)
        lines = difflib.unified_diff(cfg1.pretty_text.split("\n"), cfg2.pretty_text.split("\n"))
        return "".join(line + "\n" for line in lines) + "\n"


def _write_text_atomic(file: str, text: str) -> None:
    """Write ``text`` to ``file`` through a temporary file in the same folder
    and ``os.replace``: a crash mid-write never leaves a truncated config."""
    parent = osp.dirname(osp.abspath(file))
    os.makedirs(parent, exist_ok=True)
    if osp.islink(file):  # write through the link, as a plain open() does
        with open(file, "w", encoding="utf-8") as f:
            f.write(text)
        return
    tmp = f"{file}.{os.getpid()}.tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, file)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise


def _looks_lazy(raw: str, filename: Optional[str]) -> bool:
    """Cheap pre-check before the full lazy-import detection."""
    if not re.search(_LAZY_HINT, raw):
        return False
    try:
        tree = parse_python(raw, filename)
    except SyntaxError:
        # Text substitutions ({{$ENV:x}}) may be needed first; the
        # non-lazy parser reports real syntax errors with file and line.
        return False
    return is_lazy_tree(tree)


def _import_custom_modules(custom_imports: dict, filename: Optional[str]) -> None:
    from mmengine.utils import import_modules_from_strings

    example = "dict(imports=['my_module'], allow_failed_imports=False)"
    if not isinstance(custom_imports, dict):
        raise TypeError(
            f"custom_imports in {filename} must be a dict like {example}, "
            f"but got {custom_imports!r}"
        )
    unknown = [k for k in custom_imports if k not in ("imports", "allow_failed_imports")]
    if unknown:
        raise TypeError(
            f"custom_imports in {filename} has unknown key(s) {', '.join(map(repr, unknown))}: "
            f"the keys are 'imports' and 'allow_failed_imports', as in {example}"
        )
    imports = custom_imports.get("imports")
    if not isinstance(imports, (str, list, tuple)) or not all(
        isinstance(i, str) for i in ([imports] if isinstance(imports, str) else imports)
    ):
        raise TypeError(
            f"custom_imports.imports in {filename} must be a module name or a list of module "
            f"names, as in {example}, but got {imports!r}"
        )
    try:
        import_modules_from_strings(**custom_imports)
    except ImportError as e:
        err_msg = (
            f"Failed to import custom modules from {custom_imports} (custom_imports of "
            f"{filename}), the current sys.path is: "
        )
        for p in sys.path:
            err_msg += f"\n    {p}"
        err_msg += (
            "\nYou should set `PYTHONPATH` to make `sys.path` include the directory which "
            "contains your custom module"
        )
        raise ImportError(err_msg) from e
