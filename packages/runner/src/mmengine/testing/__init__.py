"""Helpers for testing code built on mmengine."""

import mmengine.utils._coexist  # noqa: F401 - refuses to run next to upstream mmengine

from .compare import (
    assert_allclose,
    assert_attrs_equal,
    assert_dict_contains_subset,
    assert_dict_has_keys,
    assert_is_norm_layer,
    assert_keys_equal,
    assert_params_all_zeros,
    check_python_script,
)
from .runner_test_case import RunnerTestCase

__all__ = [
    "RunnerTestCase",
    "assert_allclose",
    "assert_attrs_equal",
    "assert_dict_contains_subset",
    "assert_dict_has_keys",
    "assert_is_norm_layer",
    "assert_keys_equal",
    "assert_params_all_zeros",
    "check_python_script",
]
