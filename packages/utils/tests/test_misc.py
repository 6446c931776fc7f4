import sys
import warnings
from collections import namedtuple
from collections.abc import Iterator

import pytest

from mmengine import utils
from mmengine.utils import (
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


def test_ntuple():
    assert to_1tuple(1) == (1,)
    assert to_2tuple(3) == (3, 3)
    assert to_3tuple(2) == (2, 2, 2)
    assert to_4tuple(0.5) == (0.5,) * 4
    assert to_ntuple(5)(1) == (1,) * 5
    # iterables are returned unchanged
    assert to_2tuple([1, 2]) == [1, 2]
    assert to_2tuple((1, 2, 3)) == (1, 2, 3)


def test_is_str():
    assert is_str("x")
    assert not is_str(1)


def test_iter_cast():
    assert list_cast([1, 2, 3], str) == ["1", "2", "3"]
    assert tuple_cast(["1", "2"], int) == (1, 2)
    out = iter_cast(["1.5"], float)
    assert isinstance(out, Iterator) and list(out) == [1.5]
    assert iter_cast([1], str, return_type=set) == {"1"}
    with pytest.raises(TypeError):
        iter_cast(1, str)
    with pytest.raises(TypeError):
        iter_cast([1], "str")


def test_is_seq_of():
    assert is_seq_of(["a", "b"], str)
    assert is_seq_of(("a", 1), (str, int))
    assert not is_seq_of(["a", 1], str)
    assert not is_seq_of(1, int)
    assert is_seq_of([1], int, seq_type=list)
    assert not is_seq_of((1,), int, seq_type=list)
    assert is_list_of([1, 2], int)
    assert not is_list_of((1, 2), int)
    assert is_tuple_of((1, 2), int)
    assert not is_tuple_of([1, 2], int)
    # Sequences other than list/tuple, and iterables that are no sequence.
    assert is_seq_of("ab", str)
    assert is_seq_of(range(3), int)
    assert not is_seq_of({1, 2}, int)
    assert not is_seq_of(iter([1, 2]), int)
    assert is_seq_of([], int)


def test_slice_and_concat():
    assert slice_list([1, 2, 3, 4, 5, 6], [1, 2, 3]) == [[1], [2, 3], [4, 5, 6]]
    assert slice_list([1, 2, 3, 4], 2) == [[1, 2], [3, 4]]
    with pytest.raises(ValueError):
        slice_list([1, 2, 3], [1, 1])
    with pytest.raises(TypeError):
        slice_list([1, 2, 3], "x")
    assert concat_list([[1, 2], [3], []]) == [1, 2, 3]


def test_requires_package_and_executable():
    @requires_package("os")
    def ok():
        return 1

    assert ok() == 1

    @requires_package(["os", "package_that_does_not_exist_xyz"])
    def missing():
        return 1

    with pytest.raises(RuntimeError, match="package_that_does_not_exist_xyz"):
        missing()

    @requires_executable("executable_that_does_not_exist_xyz")
    def no_exe():
        return 1

    with pytest.raises(RuntimeError):
        no_exe()

    @check_prerequisites(["a", "b"], checker=lambda x: x == "a")
    def custom():
        return 2

    with pytest.raises(RuntimeError, match='"b"'):
        custom()


def test_import_modules_from_strings():
    osp, sys_ = import_modules_from_strings(["os.path", "sys"])
    import os.path

    assert osp is os.path and sys_ is sys
    assert import_modules_from_strings("os.path") is os.path
    assert import_modules_from_strings(None) is None
    assert import_modules_from_strings([]) is None
    with pytest.raises(TypeError):
        import_modules_from_strings(("os",))
    with pytest.raises(TypeError):
        import_modules_from_strings([1])
    with pytest.raises(ImportError):
        import_modules_from_strings("no_such_module_xyz")
    with pytest.warns(UserWarning, match="failed to import"):
        mods = import_modules_from_strings(["os", "no_such_module_xyz"], allow_failed_imports=True)
    assert mods[1] is None


def test_deprecated_api_warning():
    @deprecated_api_warning({"old": "new"}, cls_name="Toy")
    def func(new=0, other=1):
        return new, other

    with pytest.warns(DeprecationWarning, match="Toy.func"):
        assert func(old=5) == (5, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert func(new=3) == (3, 1)
    with pytest.raises(AssertionError):
        func(old=1, new=2)


def test_is_method_overridden_and_has_method():
    class Base:
        def foo(self):
            pass

        def bar(self):
            pass

    class Sub(Base):
        def foo(self):
            pass

    assert is_method_overridden("foo", Base, Sub)
    assert not is_method_overridden("bar", Base, Sub)
    assert is_method_overridden("foo", Base, Sub())
    with pytest.raises(AssertionError):
        is_method_overridden("foo", Base(), Sub)
    assert has_method(Sub(), "foo")
    assert not has_method(Sub(), "baz")
    obj = Sub()
    obj.attr = 1
    assert not has_method(obj, "attr")


def test_deprecated_function(monkeypatch):
    # without mmengine.logging (a layer above utils) the warning is a DeprecationWarning
    monkeypatch.setitem(sys.modules, "mmengine.logging", None)

    @deprecated_function("0.2.0", "0.3.0", "use new_func instead")
    def old_func(a, b):
        """Summary line that
        wraps.

        Args:
            a: first.
        """
        return a + b

    with pytest.warns(DeprecationWarning, match="0.2.0.*0.3.0.*use new_func"):
        assert old_func(1, 2) == 3
    assert old_func.__name__ == "old_func"
    assert old_func.__doc__ == (
        ".. deprecated:: 0.2.0\n"
        "    Deprecated and will be removed in version 0.3.0.\n"
        "    Please use new_func instead.\n"
        "\n\n"
        "    Summary line that\n"
        "    wraps.\n"
        "\n"
        "    Args:\n"
        "        a: first.\n"
    )

    @deprecated_function("1.0", "2.0", "stop")
    def nodoc():
        pass

    assert nodoc.__doc__.startswith(".. deprecated:: 1.0\n")


def test_deprecated_function_indents_one_paragraph_docstring():
    # U1: the spec's example, byte-exact
    @deprecated_function("1.0.0", "2.0.0", "use new_api instead")
    def compute():
        """Compute something."""

    assert compute.__doc__ == (
        ".. deprecated:: 1.0.0\n    Deprecated and will be removed in version 2.0.0.\n"
        "    Please use new_api instead.\n\n\n    Compute something."
    )


def test_deprecated_function_warns_through_current_logger(monkeypatch):
    # U1: with mmengine.logging installed the call-time warning goes to the MMLogger
    logging_pkg = pytest.importorskip("mmengine.logging")
    calls = []
    monkeypatch.setattr(
        logging_pkg,
        "print_log",
        lambda msg, logger=None, level=0: calls.append((msg, logger, level)),
    )

    @deprecated_function("1.0.0", "2.0.0", "use new_api instead")
    def compute():
        return 3

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warnings.warn on this path
        assert compute() == 3
    import logging

    assert len(calls) == 1
    msg, logger, level = calls[0]
    assert logger == "current" and level == logging.WARNING
    assert msg.endswith(
        "compute' is deprecated in version 1.0.0 and will be removed in version 2.0.0. "
        "Please use new_api instead."
    )


def test_apply_to():
    Point = namedtuple("Point", ["x", "y"])
    data = {"a": [1, "x", (2, 3.0)], "p": Point(1, 2.5), "s": "str"}
    out = apply_to(data, lambda v: isinstance(v, int), lambda v: v * 10)
    assert out == {"a": [10, "x", (20, 3.0)], "p": Point(10, 2.5), "s": "str"}
    assert isinstance(out["p"], Point)
    assert isinstance(out["a"][2], tuple)
    assert apply_to(3, lambda v: False, lambda v: 0) == 3


def test_get_object_from_string():
    import os.path

    assert get_object_from_string("os.path.join") is os.path.join
    assert get_object_from_string("os.path") is os.path
    assert get_object_from_string("mmengine.utils.misc.is_str") is is_str
    assert get_object_from_string("collections.abc.Sequence").__name__ == "Sequence"
    assert get_object_from_string("no_such_module_xyz.a") is None
    assert get_object_from_string("os.path.no_such_attr") is None


def test_public_api_complete():
    expected = {
        'ManagerMeta', 'ManagerMixin', 'apply_to', 'check_prerequisites',
        'concat_list', 'deprecated_api_warning', 'deprecated_function',
        'get_object_from_string', 'has_method', 'import_modules_from_strings',
        'is_list_of', 'is_method_overridden', 'is_seq_of', 'is_str',
        'is_tuple_of', 'iter_cast', 'list_cast', 'requires_executable',
        'requires_package', 'slice_list', 'to_1tuple', 'to_2tuple',
        'to_3tuple', 'to_4tuple', 'to_ntuple', 'tuple_cast', 'call_command',
        'get_installed_path', 'install_package', 'is_installed',
        'check_file_exist', 'fopen', 'is_abs', 'is_filepath',
        'mkdir_or_exist', 'scandir', 'symlink', 'ProgressBar',
        'track_iter_progress', 'track_parallel_progress', 'track_progress',
        'track_progress_rich', 'Timer', 'TimerError', 'check_time',
        'digit_version', 'get_git_hash',
    }  # fmt: skip
    assert expected <= set(utils.__all__)
    for name in utils.__all__:
        assert hasattr(utils, name), name
