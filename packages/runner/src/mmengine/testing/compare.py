"""Assertion helpers for tests of models and runners."""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable, Iterable
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


#: Default ``(rtol, atol)`` per dtype when neither is given, as 0.10 (through torch's legacy
#: ``assert_allclose``) uses them; other dtypes (integers, bool, complex, bfloat16) compare
#: exactly. Two tensors take the larger of their two tolerances. Recorded from 0.10.7.
_DEFAULT_TOLERANCES: dict[torch.dtype, tuple[float, float]] = {
    torch.float16: (1e-3, 1e-3),
    torch.float32: (1e-4, 1e-5),
    torch.float64: (1e-5, 1e-8),
}


def assert_allclose(
    actual: Any,
    expected: Any,
    rtol: float | None = None,
    atol: float | None = None,
    equal_nan: bool = True,
    msg: str | Callable[[str], str] | None = "",
) -> None:
    """Assert that two tensors (or numbers, or nested lists of numbers) are close.

    As in mmengine 0.10 (torch's legacy ``assert_allclose``): ``actual`` is turned into a
    tensor with ``torch.tensor`` when it is not one, and ``expected`` into a tensor **of
    actual's dtype** (so ``assert_allclose(torch.tensor([1, 2]), [1.4, 2.0])`` passes: the
    expected values are truncated to integers). Without ``rtol`` and ``atol`` the tolerances
    depend on the dtypes: float16 ``rtol=atol=1e-3``, float32 ``rtol=1e-4, atol=1e-5``,
    float64 ``rtol=1e-5, atol=1e-8``, exact for other dtypes; the larger of the two tensors'
    applies. Dtypes may differ; devices and shapes must match.

    Args:
        actual (Any): The value computed.
        expected (Any): The value expected.
        rtol (float, optional): Relative tolerance; give it with ``atol``.
        atol (float, optional): Absolute tolerance; give it with ``rtol``.
        equal_nan (bool): Whether two NaNs compare equal. Defaults to True.
        msg (str or callable, optional): A message replacing the default one, or a callable
            taking the default message and returning the one to show.

    Raises:
        AssertionError: When the values are not close (or their shapes or devices differ).
    """
    if not isinstance(actual, torch.Tensor):
        actual = torch.tensor(actual)
    if not isinstance(expected, torch.Tensor):
        expected = torch.tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        actual_rtol, actual_atol = _DEFAULT_TOLERANCES.get(actual.dtype, (0.0, 0.0))
        expected_rtol, expected_atol = _DEFAULT_TOLERANCES.get(expected.dtype, (0.0, 0.0))
        rtol, atol = max(actual_rtol, expected_rtol), max(actual_atol, expected_atol)
    torch.testing.assert_close(
        actual,
        expected,
        rtol=rtol,
        atol=atol,
        equal_nan=equal_nan,
        check_device=True,
        check_dtype=False,
        check_stride=False,
        msg=msg or None,
    )


def _values_equal(actual: Any, expected: Any) -> bool:
    """Whether two values compare equal as 0.10's dict and attribute helpers compare them.

    A tensor never equals a NumPy array (0.10 answers False, whatever their values); other
    pairs compare with ``==``, and an element-wise result (tensor or array, broadcast: a
    tensor ``[1, 1]`` equals ``1``) must be all true. Tensors or arrays whose shapes do not
    broadcast are unequal (0.10 raised the comparison's RuntimeError/ValueError).
    """
    if (isinstance(actual, torch.Tensor) and isinstance(expected, np.ndarray)) or (
        isinstance(actual, np.ndarray) and isinstance(expected, torch.Tensor)
    ):
        return False
    try:
        result = actual == expected
    except (RuntimeError, ValueError):
        if isinstance(actual, (torch.Tensor, np.ndarray)) or isinstance(
            expected, (torch.Tensor, np.ndarray)
        ):
            return False  # shapes that do not broadcast
        raise
    if isinstance(result, (torch.Tensor, np.ndarray)):
        return bool(result.all())
    return bool(result)


def assert_dict_contains_subset(dict_obj: dict[Any, Any], expected_subset: dict[Any, Any]) -> bool:
    """True when every key of ``expected_subset`` is in ``dict_obj`` with an equal value.

    Values compare as in 0.10: with ``==`` (tensors and arrays element-wise, all elements
    equal, broadcasting allowed), except that a tensor never equals a NumPy array and a list
    never equals a tensor.
    """
    if not hasattr(dict_obj, "keys"):
        return False
    for key, value in expected_subset.items():
        if key not in dict_obj or not _values_equal(dict_obj[key], value):
            return False
    return True


def assert_attrs_equal(obj: Any, expected_attrs: dict[str, Any]) -> bool:
    """True when ``obj`` has every attribute of ``expected_attrs`` with an equal value.

    Values compare as in :func:`assert_dict_contains_subset`.
    """
    for attr, value in expected_attrs.items():
        if not hasattr(obj, attr) or not _values_equal(getattr(obj, attr), value):
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


class NoScriptError(ValueError, IndexError):
    """``check_python_script`` got a command without a script.

    A ``ValueError``, and the ``IndexError`` 0.10 raised for it.
    """


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
        >>> from mmengine.testing import check_python_script
        >>> with open('demo.py', 'w') as f:
        ...     _ = f.write('import sys; print(sys.argv[1:])')
        >>> # e.g. check_python_script('./tools/train.py configs/my.py --work-dir work_dirs/run')
        >>> check_python_script('demo.py --work-dir work_dirs/run')
        ['--work-dir', 'work_dirs/run']
    """
    args = shlex.split(cmd)
    if args and args[0] in ("python", "python3"):
        args = args[1:]
    if not args:
        raise NoScriptError(
            f"list index out of range: check_python_script({cmd!r}) names no script to run; "
            "pass 'path/to/script.py args...'."
        )
    with patch.object(sys, "argv", args):
        run_path(args[0], run_name="__main__")
