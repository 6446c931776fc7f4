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
