import numpy as np
import pytest
import torch
from torch import nn

from mmengine.testing import (
    assert_allclose,
    assert_attrs_equal,
    assert_dict_contains_subset,
    assert_dict_has_keys,
    assert_is_norm_layer,
    assert_keys_equal,
    assert_params_all_zeros,
    check_python_script,
)


def test_assert_allclose_mixed_inputs():
    assert_allclose(torch.tensor([1.0, 2.0]), [1.0, 2.0 + 1e-7])
    with pytest.raises(AssertionError):
        assert_allclose(np.array([1.0]), np.array([1.5]))


def test_dict_and_attr_helpers():
    assert assert_dict_contains_subset({"a": 1, "b": np.ones(2)}, {"b": np.ones(2)})
    assert not assert_dict_contains_subset({"a": 1}, {"a": 2})
    assert assert_dict_has_keys({"a": 1, "b": 2}, ["a"])
    assert assert_keys_equal(["a", "b"], ("b", "a"))
    obj = nn.Linear(2, 2)
    assert assert_attrs_equal(obj, {"in_features": 2})
    assert not assert_attrs_equal(obj, {"missing": 1})


def test_module_helpers():
    assert assert_is_norm_layer(nn.BatchNorm2d(3)) and not assert_is_norm_layer(nn.Conv2d(1, 1, 1))
    layer = nn.Linear(2, 2)
    nn.init.zeros_(layer.weight)
    nn.init.zeros_(layer.bias)
    assert assert_params_all_zeros(layer)


def test_check_python_script(tmp_path):
    ok = tmp_path / "ok.py"
    ok.write_text("import sys; assert sys.argv[1] == 'x'\n")
    check_python_script(f"{ok} x")
    bad = tmp_path / "bad.py"
    bad.write_text("raise SystemExit(3)\n")
    with pytest.raises(AssertionError, match="exited with 3"):
        check_python_script(str(bad))
