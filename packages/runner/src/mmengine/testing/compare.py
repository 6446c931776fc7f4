"""Assertion helpers for tests of models and runners."""

from __future__ import annotations

import shlex
import sys
from collections.abc import Iterable
from runpy import run_path
from typing import Any
from unittest.mock import patch

import numpy as np
import torch
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm
from torch.nn.modules.instancenorm import _InstanceNorm

from mmengine.utils import digit_version
from mmengine.utils.dl_utils import TORCH_VERSION

__all__ = [
    "TORCH_VERSION",
    "assert_allclose",
    "assert_attrs_equal",
    "assert_dict_contains_subset",
    "assert_dict_has_keys",
    "assert_is_norm_layer",
    "assert_keys_equal",
    "assert_params_all_zeros",
    "check_python_script",
    "digit_version",
]


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
    """Run a Python script in the current process, as ``python <script> args...`` would.

    The script runs as ``__main__`` (through :func:`runpy.run_path`) with ``sys.argv`` set
    to the split command, so coverage tools track it and its output goes to the caller's
    ``sys.stdout``. Whatever the script raises propagates (an argparse error is
    ``SystemExit(2)``); ``sys.argv`` is restored afterwards.

    Args:
        cmd (str): The script and its arguments, e.g. ``'demo.py --flag'``, optionally
            prefixed with ``python``.

    Examples:
        >>> check_python_script('./tools/train.py configs/my.py --work-dir /tmp/run')
    """
    args = shlex.split(cmd)
    if args and args[0] in ("python", "python3"):
        args = args[1:]
    if not args:
        raise ValueError(f"check_python_script: {cmd!r} names no script to run.")
    with patch.object(sys, "argv", args):
        run_path(args[0], run_name="__main__")
