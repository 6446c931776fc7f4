"""Miscellaneous helpers: type checks, casting, decorators, imports."""

from __future__ import annotations

import collections.abc
import functools
import itertools
import shutil
import warnings
from collections.abc import Callable, Iterable, Iterator
from importlib import import_module
from types import ModuleType
from typing import Any


def _ntuple(n: int) -> Callable[[Any], Any]:
    """Build a function turning a scalar into an ``n``-tuple.

    Iterables are returned unchanged; anything else is repeated ``n`` times.
    """

    def parse(x: Any) -> Any:
        if isinstance(x, collections.abc.Iterable):
            return x
        return tuple(itertools.repeat(x, n))

    parse.__name__ = f"to_{n}tuple"
    return parse


to_1tuple = _ntuple(1)
to_2tuple = _ntuple(2)
to_3tuple = _ntuple(3)
to_4tuple = _ntuple(4)
to_ntuple = _ntuple


def is_str(x: Any) -> bool:
    """Whether the input is a string instance.

    Note: This method is deprecated since python 2 is no longer supported.
    """
    return isinstance(x, str)


def import_modules_from_strings(
    imports: list[str] | str | None, allow_failed_imports: bool = False
) -> list[ModuleType | None] | ModuleType | None:
    """Import modules from the given list of strings.

    Args:
        imports (list | str | None): The given module names to be imported.
        allow_failed_imports (bool): If True, the failed imports will return
            None. Otherwise, an ImportError is raised. Defaults to False.

    Returns:
        list[module] | module | None: The imported modules.

    Examples:
        >>> from mmengine.utils import import_modules_from_strings
        >>> osp, sys = import_modules_from_strings(['os.path', 'sys'])
        >>> import os.path as osp_
        >>> assert osp == osp_
    """
    if not imports:
        return None
    single_import = False
    if isinstance(imports, str):
        single_import = True
        imports = [imports]
    if not isinstance(imports, list):
        raise TypeError(
            f"custom_imports must be a list of module names but got type {type(imports)}"
        )
    imported: list[ModuleType | None] = []
    for imp in imports:
        if not isinstance(imp, str):
            raise TypeError(f"{imp} is of type {type(imp)} and cannot be imported.")
        try:
            module: ModuleType | None = import_module(imp)
        except ImportError as e:
            if allow_failed_imports:
                warnings.warn(f"{imp} failed to import and is ignored.", UserWarning)
                module = None
            else:
                raise ImportError(
                    f"Failed to import {imp}: {e}. Check the module name and that "
                    "the package providing it is installed."
                ) from e
        imported.append(module)
    if single_import:
        return imported[0]
    return imported


def iter_cast(inputs: Iterable, dst_type: type, return_type: type | None = None) -> Iterator | Any:
    """Cast elements of an iterable object into some type.

    Args:
        inputs (Iterable): The input object.
        dst_type (type): Destination type.
        return_type (type, optional): If specified, the output object will be
            converted to this type, otherwise an iterator.

    Returns:
        iterator or specified type: The converted object.
    """
    if not isinstance(inputs, collections.abc.Iterable):
        raise TypeError(f"inputs must be an iterable object, but got {type(inputs)}")
    if not isinstance(dst_type, type):
        raise TypeError(f'"dst_type" must be a valid type, but got {dst_type!r}')
    out_iterable = map(dst_type, inputs)
    if return_type is None:
        return out_iterable
    return return_type(out_iterable)


def list_cast(inputs: Iterable, dst_type: type) -> list:
    """Cast elements of an iterable object into a list of some type.

    A partial method of :func:`iter_cast`.
    """
    return iter_cast(inputs, dst_type, return_type=list)


def tuple_cast(inputs: Iterable, dst_type: type) -> tuple:
    """Cast elements of an iterable object into a tuple of some type.

    A partial method of :func:`iter_cast`.
    """
    return iter_cast(inputs, dst_type, return_type=tuple)


def is_seq_of(seq: Any, expected_type: type | tuple, seq_type: type | None = None) -> bool:
    """Check whether it is a sequence of some type.

    Args:
        seq (Sequence): The sequence to be checked.
        expected_type (type or tuple): Expected type of sequence items.
        seq_type (type, optional): Expected sequence type. Defaults to None,
            meaning any :class:`collections.abc.Sequence`.

    Returns:
        bool: Return True if ``seq`` is valid else False.

    Examples:
        >>> from mmengine.utils import is_seq_of
        >>> seq = ['a', 'b', 'c']
        >>> is_seq_of(seq, str)
        True
        >>> is_seq_of(seq, int)
        False
    """
    if seq_type is None:
        # list and tuple first: the ABC check costs more than the loop for short sequences.
        if not isinstance(seq, (list, tuple)) and not isinstance(seq, collections.abc.Sequence):
            return False
    else:
        assert isinstance(seq_type, type), f"seq_type must be a type, got {seq_type!r}"
        if not isinstance(seq, seq_type):
            return False
    for item in seq:
        if not isinstance(item, expected_type):
            return False
    return True


def is_list_of(seq: Any, expected_type: type | tuple) -> bool:
    """Check whether it is a list of some type.

    A partial method of :func:`is_seq_of`.
    """
    return is_seq_of(seq, expected_type, seq_type=list)


def is_tuple_of(seq: Any, expected_type: type | tuple) -> bool:
    """Check whether it is a tuple of some type.

    A partial method of :func:`is_seq_of`.
    """
    return is_seq_of(seq, expected_type, seq_type=tuple)


def slice_list(in_list: list, lens: int | list) -> list[list]:
    """Slice a list into several sub lists by a list of given length.

    Args:
        in_list (list): The list to be sliced.
        lens (int or list): The expected length of each out list.

    Returns:
        list: A list of sliced list.
    """
    if isinstance(lens, int):
        assert len(in_list) % lens == 0, (
            f"length of the list ({len(in_list)}) is not divisible by {lens}"
        )
        lens = [lens] * (len(in_list) // lens)
    if not isinstance(lens, list):
        raise TypeError(f'"indices" must be an integer or a list of integers, got {type(lens)}')
    if sum(lens) != len(in_list):
        raise ValueError(
            f"sum of lens and list length does not match: {sum(lens)} != {len(in_list)}"
        )
    out_list = []
    idx = 0
    for length in lens:
        out_list.append(in_list[idx : idx + length])
        idx += length
    return out_list


def concat_list(in_list: Iterable[Iterable]) -> list:
    """Concatenate a list of list into a single list.

    Args:
        in_list (list): The list of list to be merged.

    Returns:
        list: The concatenated flat list.
    """
    return list(itertools.chain(*in_list))


def check_prerequisites(
    prerequisites: str | list[str],
    checker: Callable[[str], bool],
    msg_tmpl: str = 'Prerequisites "{}" are required in method "{}" but not '
    "found, please install them first.",
) -> Callable:
    """A decorator factory to check if prerequisites are satisfied.

    Args:
        prerequisites (str of list[str]): Prerequisites to be checked.
        checker (callable): The checker method that returns True if a
            prerequisite is meet, False otherwise.
        msg_tmpl (str): The message template with two variables.

    Returns:
        decorator: A specific decorator.
    """

    def wrap_func(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapped_func(*args: Any, **kwargs: Any) -> Any:
            requirements = [prerequisites] if isinstance(prerequisites, str) else prerequisites
            missing = [item for item in requirements if not checker(item)]
            if missing:
                msg = msg_tmpl.format(", ".join(missing), func.__name__)
                print(msg)
                raise RuntimeError(f"Prerequisites not meet. {msg}")
            return func(*args, **kwargs)

        return wrapped_func

    return wrap_func


def _check_py_package(package: str) -> bool:
    try:
        import_module(package)
    except ImportError:
        return False
    return True


def _check_executable(cmd: str) -> bool:
    return shutil.which(cmd) is not None


def requires_package(prerequisites: str | list[str]) -> Callable:
    """A decorator to check if some python packages are installed.

    Example:
        >>> from mmengine.utils import requires_package
        >>> @requires_package('numpy')
        ... def func(arg1, args):
        ...     import numpy
        ...     return numpy.zeros(1)
        >>> func(1, 2)
        array([0.])
        >>> @requires_package(['numpy', 'non_package'])
        ... def func(arg1, args):
        ...     import numpy
        ...     return numpy.zeros(1)
        >>> func(1, 2)
        Traceback (most recent call last):
            ...
        RuntimeError: Prerequisites not meet. ...
    """
    return check_prerequisites(prerequisites, checker=_check_py_package)


def requires_executable(prerequisites: str | list[str]) -> Callable:
    """A decorator to check if some executable files are installed.

    Example:
        >>> from mmengine.utils import requires_executable
        >>> @requires_executable('ffmpeg')
        ... def func(arg1, args):
        ...     print(1)
    """
    return check_prerequisites(prerequisites, checker=_check_executable)


def deprecated_api_warning(name_dict: dict, cls_name: str | None = None) -> Callable:
    """A decorator renaming deprecated arguments to their new names.

    Passing a deprecated argument name (positionally or by keyword) emits a
    :class:`DeprecationWarning` and the value is forwarded under the new
    name.

    Args:
        name_dict (dict): key (str): Deprecated argument names. val (str):
            Expected argument names.
        cls_name (str, optional): Name of the class owning the decorated
            method, used in the warning message.

    Returns:
        func: New function.
    """

    def api_warning_wrapper(old_func: Callable) -> Callable:
        @functools.wraps(old_func)
        def new_func(*args: Any, **kwargs: Any) -> Any:
            from inspect import getfullargspec

            args_info = getfullargspec(old_func)
            func_name = old_func.__name__
            if cls_name is not None:
                func_name = f"{cls_name}.{func_name}"
            if args:
                arg_names = args_info.args[: len(args)]
                for src_arg_name, dst_arg_name in name_dict.items():
                    if src_arg_name in arg_names:
                        warnings.warn(
                            f'"{src_arg_name}" is deprecated in `{func_name}`, '
                            f'please use "{dst_arg_name}" instead',
                            DeprecationWarning,
                        )
                        arg_names[arg_names.index(src_arg_name)] = dst_arg_name
            if kwargs:
                for src_arg_name, dst_arg_name in name_dict.items():
                    if src_arg_name in kwargs:
                        assert dst_arg_name not in kwargs, (
                            "The expected behavior is to replace the deprecated "
                            f"key `{src_arg_name}` to new key `{dst_arg_name}`, "
                            "but got them in the arguments at the same time, "
                            f"which is confusing. `{src_arg_name} will be "
                            f"deprecated in the future, please use "
                            f"`{dst_arg_name}` instead."
                        )
                        warnings.warn(
                            f'"{src_arg_name}" is deprecated in `{func_name}`, '
                            f'please use "{dst_arg_name}" instead',
                            DeprecationWarning,
                        )
                        kwargs[dst_arg_name] = kwargs.pop(src_arg_name)
            return old_func(*args, **kwargs)

        return new_func

    return api_warning_wrapper


def is_method_overridden(method: str, base_class: type, derived_class: type | Any) -> bool:
    """Check if a method of base class is overridden in derived class.

    Args:
        method (str): the method name to check.
        base_class (type): the class of the base class.
        derived_class (type | Any): the class or instance of the derived class.

    Returns:
        bool: Whether ``method`` is overridden.
    """
    assert isinstance(base_class, type), (
        "base_class doesn't accept instance, Please pass class instead."
    )
    if not isinstance(derived_class, type):
        derived_class = derived_class.__class__
    base_method = getattr(base_class, method)
    derived_method = getattr(derived_class, method)
    return derived_method != base_method


def has_method(obj: object, method: str) -> bool:
    """Check whether the object has a method.

    Args:
        obj (object): The object to check.
        method (str): The method name to check.

    Returns:
        bool: True if the object has the method else False.
    """
    return hasattr(obj, method) and callable(getattr(obj, method))


def _warn_current_logger(message: str, category: type = UserWarning) -> None:
    """Log ``message`` at WARNING through the current MMLogger, so that it
    reaches the run's log file.

    ``mmengine.logging`` sits above this package; without it installed the
    message is issued with :func:`warnings.warn` (``category``) instead.
    """
    try:
        from mmengine.logging import print_log  # workspace: optional
    except ImportError:
        warnings.warn(message, category, stacklevel=3)
        return
    import logging

    print_log(message, logger="current", level=logging.WARNING)


def deprecated_function(since: str, removed_in: str, instructions: str) -> Callable:
    """Marks functions as deprecated.

    Log a warning through the current MMLogger (at WARNING, as upstream) when
    a deprecated function is called, and add a note in the docstring. Without
    ``mmengine.logging`` installed a :class:`DeprecationWarning` is issued
    instead.

    Args:
        since (str): The version when the function was first deprecated.
        removed_in (str): The version when the function will be removed.
        instructions (str): The action users should take.

    Returns:
        Callable: A new function, which will be deprecated soon.
    """

    def decorator(function: Callable) -> Callable:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            _warn_current_logger(
                f"'{function.__module__}.{function.__name__}' is deprecated in "
                f"version {since} and will be removed in version {removed_in}. "
                f"Please {instructions}.",
                DeprecationWarning,
            )
            return function(*args, **kwargs)

        import textwrap

        indent = "    "
        docstring = function.__doc__ or ""
        deprecation_note = textwrap.dedent(
            f"""\
            .. deprecated:: {since}
                Deprecated and will be removed in version {removed_in}.
                Please {instructions}.
            """
        )
        # The note goes first; the original summary and body follow, each
        # dedented and then indented one level under the directive.
        summary, sep, body = docstring.partition("\n\n")
        summary = "\n".join(textwrap.dedent(line) for line in summary.split("\n"))
        summary = textwrap.indent(summary, indent)
        if sep:
            body = textwrap.indent(textwrap.dedent(body), indent)
            new_doc = "".join([deprecation_note, "\n\n", summary, "\n\n", body])
        else:
            new_doc = "".join([deprecation_note, "\n\n", summary])
        wrapper.__doc__ = new_doc
        return wrapper

    return decorator


def apply_to(data: Any, expr: Callable[[Any], bool], apply_func: Callable) -> Any:
    """Apply ``apply_func`` to every leaf of ``data`` for which ``expr`` holds.

    Dicts, lists, tuples and namedtuples are traversed recursively and
    rebuilt with their original types.

    Args:
        data (Any): Data to be applied.
        expr (Callable): Returns True for the leaves ``apply_func`` should
            be applied to.
        apply_func (Callable): Function applied to the selected leaves.

    Returns:
        Any: The data after applying.
    """
    if isinstance(data, dict):
        res = type(data)()
        for key, value in data.items():
            res[key] = apply_to(value, expr, apply_func)
        return res
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(apply_to(item, expr, apply_func) for item in data))
    if isinstance(data, (tuple, list)):
        return type(data)(apply_to(item, expr, apply_func) for item in data)
    if expr(data):
        return apply_func(data)
    return data


def get_object_from_string(obj_name: str) -> Any:
    """Get an object (module, class, function, attribute) from its name.

    The longest importable module prefix is imported, then the remaining
    parts are looked up as attributes. Attributes that are not modules take
    priority over submodules with the same name.

    Args:
        obj_name (str): The dotted name of the object.

    Returns:
        Any: The object, or None if it cannot be found.

    Examples:
        >>> from mmengine.utils import get_object_from_string
        >>> get_object_from_string('torch.optim.sgd.SGD')
        <class 'torch.optim.sgd.SGD'>
    """
    from inspect import ismodule

    parts = obj_name.split(".")
    try:
        module = import_module(parts[0])
    except ImportError:
        return None
    idx = 1
    while idx < len(parts):
        attr = getattr(module, parts[idx], None)
        if attr is not None and not ismodule(attr):
            break
        try:
            module = import_module(".".join(parts[: idx + 1]))
        except ImportError:
            if attr is None:
                return None
            module = attr
        idx += 1
    obj: Any = module
    for part in parts[idx:]:
        try:
            obj = getattr(obj, part)
        except AttributeError:
            return None
    return obj
