"""Assertion helpers for tests of models and runners."""

from __future__ import annotations

import shlex
import subprocess
import sys
from collections.abc import Iterable
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm
from torch.nn.modules.instancenorm import _InstanceNorm


def assert_allclose(
    actual: Any,
    expected: Any,
    rtol: float | None = None,
    atol: float | None = None,
    equal_nan: bool = True,
    msg: str | None = "",
) -> None:
    """Assert that two tensors, arrays or numbers are close (``torch.testing.assert_close``).

    Unlike ``assert_close`` it accepts mixed inputs (a list against a tensor) and compares
    values whatever their dtypes.
    """
    actual_t = torch.as_tensor(
        np.asarray(actual) if not isinstance(actual, torch.Tensor) else actual
    )
    expected_t = torch.as_tensor(
        np.asarray(expected) if not isinstance(expected, torch.Tensor) else expected
    )
    torch.testing.assert_close(
        actual_t,
        expected_t,
        rtol=rtol,
        atol=atol,
        equal_nan=equal_nan,
        check_dtype=False,
        check_device=False,
        msg=msg or None,
    )


def assert_dict_contains_subset(dict_obj: dict[Any, Any], expected_subset: dict[Any, Any]) -> bool:
    """True when every key of ``expected_subset`` is in ``dict_obj`` with an equal value."""
    for key, value in expected_subset.items():
        if key not in dict_obj:
            return False
        actual = dict_obj[key]
        if isinstance(value, (torch.Tensor, np.ndarray)) or isinstance(
            actual, (torch.Tensor, np.ndarray)
        ):
            if not np.array_equal(np.asarray(actual), np.asarray(value)):
                return False
        elif actual != value:
            return False
    return True


def assert_attrs_equal(obj: Any, expected_attrs: dict[str, Any]) -> bool:
    """True when ``obj`` has every attribute of ``expected_attrs`` with an equal value."""
    for attr, value in expected_attrs.items():
        if not hasattr(obj, attr):
            return False
        actual = getattr(obj, attr)
        if isinstance(value, torch.Tensor) or isinstance(actual, torch.Tensor):
            if not torch.equal(torch.as_tensor(actual), torch.as_tensor(value)):
                return False
        elif isinstance(value, np.ndarray) or isinstance(actual, np.ndarray):
            if not np.array_equal(actual, value):
                return False
        elif actual != value:
            return False
    return True


def assert_dict_has_keys(obj: dict[str, Any], expected_keys: Iterable[str]) -> bool:
    """True when ``obj`` has every key in ``expected_keys``."""
    return set(expected_keys).issubset(set(obj.keys()))


def assert_keys_equal(result_keys: Iterable[str], target_keys: Iterable[str]) -> bool:
    """True when the two collections hold the same keys."""
    return set(result_keys) == set(target_keys)


def assert_is_norm_layer(module: nn.Module) -> bool:
    """True when ``module`` is a batch, group, layer or instance norm layer."""
    return isinstance(module, (_BatchNorm, _InstanceNorm, nn.GroupNorm, nn.LayerNorm))


def assert_params_all_zeros(module: nn.Module) -> bool:
    """True when the weight (and bias, if any) of ``module`` are all zeros."""
    weight = getattr(module, "weight", None)
    bias = getattr(module, "bias", None)
    zeros = weight is not None and bool(torch.all(weight.data == 0))
    if bias is not None:
        zeros = zeros and bool(torch.all(bias.data == 0))
    return zeros


def check_python_script(cmd: str) -> None:
    """Run ``python <script> args...`` in a subprocess and raise if it fails.

    Args:
        cmd (str): the script and its arguments, e.g. ``'demo.py --flag'``.
    """
    args = shlex.split(cmd)
    if args and args[0] in ("python", "python3"):
        args = args[1:]
    result = subprocess.run([sys.executable, *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(
            f"`python {cmd}` exited with {result.returncode}:\n{result.stdout}\n{result.stderr}"
        )
