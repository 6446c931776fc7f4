import os
import sys

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


def test_check_python_script_runs_in_this_process(tmp_path, capsys):
    demo = tmp_path / "demo.py"
    demo.write_text(
        "import argparse, sys\n"
        "p = argparse.ArgumentParser(); p.add_argument('name')\n"
        "name = p.parse_args().name\n"
        "print(f'hi {name}', __name__, sys.argv)\n"
        "import mmengine_check_marker  # a module object shared with the caller\n"
        "mmengine_check_marker.seen.append(name)\n"
    )
    marker = type(sys)("mmengine_check_marker")
    marker.seen = []
    argv = list(sys.argv)
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(sys.modules, "mmengine_check_marker", marker)
        check_python_script(f"{demo} ann")
        check_python_script(f"python {demo} 'a b'")
    assert marker.seen == ["ann", "a b"]  # ran in this process
    out = capsys.readouterr().out
    assert f"hi ann __main__ ['{demo}', 'ann']\n" in out
    assert sys.argv == argv
    with pytest.raises(SystemExit) as exc:  # argparse's error propagates
        check_python_script(str(demo))
    assert exc.value.code == 2
    bad = tmp_path / "bad.py"
    bad.write_text("raise ValueError('broken script')\n")
    with pytest.raises(ValueError, match="broken script"):
        check_python_script(str(bad))


def test_runner_test_case_dist_cfg(monkeypatch):
    from mmengine.testing import RunnerTestCase

    monkeypatch.setattr(RunnerTestCase, "dist_cfg", dict(RunnerTestCase.dist_cfg))
    port = RunnerTestCase.dist_cfg["MASTER_PORT"]
    assert isinstance(port, int) and port >= 29600  # 29600 until a test calls setup_dist_env
    assert RunnerTestCase.dist_cfg == dict(
        MASTER_ADDR="127.0.0.1", MASTER_PORT=port, RANK="0", WORLD_SIZE="1", LOCAL_RANK="0"
    )
    for key in RunnerTestCase.dist_cfg:
        monkeypatch.delenv(key, raising=False)

    class Case(RunnerTestCase):
        def test_nothing(self) -> None:
            pass

    Case("test_nothing").setup_dist_env()
    assert RunnerTestCase.dist_cfg["MASTER_PORT"] == port + 1
    Case("test_nothing").setup_dist_env()
    assert os.environ["MASTER_PORT"] == str(port + 2)
    assert {k: os.environ[k] for k in ("MASTER_ADDR", "RANK", "WORLD_SIZE", "LOCAL_RANK")} == {
        "MASTER_ADDR": "127.0.0.1", "RANK": "0", "WORLD_SIZE": "1", "LOCAL_RANK": "0",
    }  # fmt: skip


# ---- behaviours of 0.10.7 (expected values recorded from 0.10.7, black box) ----


def test_assert_allclose_default_tolerances_follow_the_dtypes():
    # float32: rtol=1e-4, atol=1e-5 (torch.testing.assert_close's own default is rtol=1.3e-6)
    assert_allclose(torch.tensor([1.0]), torch.tensor([1.00005]))
    with pytest.raises(AssertionError, match=r"up to 0\.0001 allowed"):
        assert_allclose(torch.tensor([1.0]), torch.tensor([1.0002]))
    # float64: rtol=1e-5, atol=1e-8
    f64 = torch.float64
    assert_allclose(torch.tensor([1.0], dtype=f64), torch.tensor([1.000001], dtype=f64))
    with pytest.raises(AssertionError, match=r"up to 1e-05 allowed"):
        assert_allclose(torch.tensor([1.0], dtype=f64), torch.tensor([1.0001], dtype=f64))
    # float16: rtol=atol=1e-3; the larger tolerance of the two tensors applies
    assert_allclose(torch.tensor([1.0], dtype=torch.float16), torch.tensor([1.001]))
    # integers (and bfloat16, complex) compare exactly
    with pytest.raises(AssertionError, match="not equal"):
        assert_allclose(torch.tensor([1, 1]), torch.tensor([1, 0]))
    with pytest.raises(AssertionError, match="not equal"):
        assert_allclose(torch.tensor([1.0], dtype=torch.bfloat16), torch.tensor([1.5]).bfloat16())


def test_assert_allclose_converts_expected_to_actual_dtype():
    # expected becomes a tensor of actual's dtype: 1.4 is truncated to 1
    assert_allclose(torch.tensor([1, 2]), [1.4, 2.0])
    assert_allclose(np.array([1, 2]), np.array([1.4, 2.0]))
    assert_allclose(1, 1.3)
    with pytest.raises(AssertionError):
        assert_allclose([1.4, 2.0], torch.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="Could not infer dtype of dict"):
        assert_allclose({"a": torch.tensor(1.0)}, {"a": torch.tensor(1.0)})
    with pytest.raises(AssertionError, match="^custom$"):
        assert_allclose(torch.tensor([1.0]), torch.tensor([2.0]), msg="custom")


@pytest.mark.parametrize(
    "actual, expected, equal",
    [
        (torch.tensor([1, 2]), [1, 2], False),  # a list never equals a tensor
        ([1, 2], torch.tensor([1, 2]), False),
        (np.array([1, 2]), torch.tensor([1, 2]), False),  # nor an array a tensor
        (torch.tensor([1, 2]), np.array([1, 2]), False),
        (np.array([1, 2]), [1, 2], True),
        ((1, 2), np.array([1, 2]), True),
        (torch.tensor([1, 1]), 1, True),  # broadcast
        (torch.tensor(1), 1, True),
        (np.float64(1.0), torch.tensor([1]), True),
        (torch.tensor([1.0, 2.0]), torch.tensor([1, 2]), True),
        (torch.tensor([float("nan")]), torch.tensor([float("nan")]), False),
        (torch.tensor([1, 2]), torch.tensor([1, 2, 3]), False),  # 0.10 raised here
        ({"b": 1, "c": 2}, {"b": 1}, False),
    ],
)
def test_dict_and_attr_helpers_compare_values_as_010(actual, expected, equal):
    assert assert_dict_contains_subset({"x": actual}, {"x": expected}) is equal
    holder = type("Holder", (), {"x": actual})()
    assert assert_attrs_equal(holder, {"x": expected}) is equal


@pytest.mark.parametrize("cmd", ["", "python"])
def test_check_python_script_without_script_raises_index_error(cmd):
    with pytest.raises(IndexError):
        check_python_script(cmd)
    with pytest.raises(ValueError):
        check_python_script(cmd)


def test_runner_test_case_toys_and_experiment_name():
    import re

    from mmengine.testing import RunnerTestCase
    from mmengine.testing.runner_test_case import ToyMetric, ToyModel

    class Case(RunnerTestCase):
        def test_name(self) -> None:
            pass

    case = Case("test_name")
    first, second = case.experiment_name, case.experiment_name
    # 0.10: f'{self._testMethodName}_{time.time()} + {uuid4()}'
    pattern = r"test_name_\d+\.\d+ \+ [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    assert re.fullmatch(pattern, first) and first != second
    # ToyMetric reports acc=1 whatever dummy_metrics holds; ToyModel returns None for a mode
    # it does not know
    assert ToyMetric(dummy_metrics={"acc": 5}).compute_metrics([]) == {"acc": 1}
    assert ToyModel()(torch.randn(3, 2), torch.ones(3), mode="other") is None
