"""mmengine.utils: misc helpers, paths, ManagerMixin, Timer, progress, versions.

The names are imported from their modules on first access (PEP 562), so that
``import mmengine.utils`` (which every ``mmengine.<sub>`` package does for the
coexistence check below) costs almost nothing; ``from mmengine.utils import
is_str`` imports only ``mmengine.utils.misc``.
"""

from . import _coexist  # noqa: F401 - refuses to run next to upstream mmengine

TYPE_CHECKING = False
if TYPE_CHECKING:  # the real imports, for type checkers and "go to definition"
    from .manager import ManagerMeta, ManagerMixin
    from .misc import (
        apply_to,
        check_prerequisites,
        concat_list,
        deprecated_api_warning,
        deprecated_function,
        get_object_from_string,
        has_method,
        import_modules_from_strings,
        is_list_of,
        is_method_overridden,
        is_seq_of,
        is_str,
        is_tuple_of,
        iter_cast,
        list_cast,
        requires_executable,
        requires_package,
        slice_list,
        to_1tuple,
        to_2tuple,
        to_3tuple,
        to_4tuple,
        to_ntuple,
        tuple_cast,
    )
    from .package_utils import call_command, get_installed_path, install_package, is_installed
    from .path import (
        check_file_exist,
        find_vcs_root,
        fopen,
        is_abs,
        is_filepath,
        mkdir_or_exist,
        scandir,
        symlink,
    )
    from .progressbar import (
        ProgressBar,
        track_iter_progress,
        track_parallel_progress,
        track_progress,
    )
    from .progressbar_rich import track_progress_rich
    from .timer import Timer, TimerError, check_time
    from .version_utils import digit_version, get_git_hash, get_mmengine_version

# name -> module of this package that defines it
_SOURCES = {
    "is_str": ".misc",
    "iter_cast": ".misc",
    "list_cast": ".misc",
    "tuple_cast": ".misc",
    "is_seq_of": ".misc",
    "is_list_of": ".misc",
    "is_tuple_of": ".misc",
    "slice_list": ".misc",
    "concat_list": ".misc",
    "check_prerequisites": ".misc",
    "requires_package": ".misc",
    "requires_executable": ".misc",
    "is_filepath": ".path",
    "fopen": ".path",
    "check_file_exist": ".path",
    "mkdir_or_exist": ".path",
    "symlink": ".path",
    "scandir": ".path",
    "deprecated_api_warning": ".misc",
    "import_modules_from_strings": ".misc",
    "to_1tuple": ".misc",
    "to_2tuple": ".misc",
    "to_3tuple": ".misc",
    "to_4tuple": ".misc",
    "to_ntuple": ".misc",
    "is_installed": ".package_utils",
    "call_command": ".package_utils",
    "get_installed_path": ".package_utils",
    "install_package": ".package_utils",
    "is_abs": ".path",
    "is_method_overridden": ".misc",
    "has_method": ".misc",
    "digit_version": ".version_utils",
    "get_git_hash": ".version_utils",
    "get_mmengine_version": ".version_utils",
    "ManagerMeta": ".manager",
    "ManagerMixin": ".manager",
    "Timer": ".timer",
    "check_time": ".timer",
    "TimerError": ".timer",
    "ProgressBar": ".progressbar",
    "track_iter_progress": ".progressbar",
    "track_parallel_progress": ".progressbar",
    "track_progress": ".progressbar",
    "track_progress_rich": ".progressbar_rich",
    "deprecated_function": ".misc",
    "apply_to": ".misc",
    "get_object_from_string": ".misc",
    "find_vcs_root": ".path",
}

__all__ = [
    "is_str",
    "iter_cast",
    "list_cast",
    "tuple_cast",
    "is_seq_of",
    "is_list_of",
    "is_tuple_of",
    "slice_list",
    "concat_list",
    "check_prerequisites",
    "requires_package",
    "requires_executable",
    "is_filepath",
    "fopen",
    "check_file_exist",
    "mkdir_or_exist",
    "symlink",
    "scandir",
    "deprecated_api_warning",
    "import_modules_from_strings",
    "to_1tuple",
    "to_2tuple",
    "to_3tuple",
    "to_4tuple",
    "to_ntuple",
    "is_installed",
    "call_command",
    "get_installed_path",
    "install_package",
    "is_abs",
    "is_method_overridden",
    "has_method",
    "digit_version",
    "get_git_hash",
    "get_mmengine_version",
    "ManagerMeta",
    "ManagerMixin",
    "Timer",
    "check_time",
    "TimerError",
    "ProgressBar",
    "track_iter_progress",
    "track_parallel_progress",
    "track_progress",
    "track_progress_rich",
    "deprecated_function",
    "apply_to",
    "get_object_from_string",
    "find_vcs_root",
]


# the submodules the package used to import eagerly: ``mmengine.utils.misc`` keeps working
# as an attribute after a plain ``import mmengine.utils``
_SUBMODULES = frozenset(module[1:] for module in _SOURCES.values())


def __getattr__(name: str):  # noqa: ANN202 - PEP 562 hook
    import importlib

    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)  # binds itself in the package
    module = _SOURCES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later lookups are plain
    return value


def __dir__() -> list:
    return sorted(set(globals()) | set(__all__))
