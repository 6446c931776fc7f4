"""Handles that turn one traced ``torch.jit`` node into a count.

A *handle* is a callable ``handle(inputs, outputs)`` receiving the input and
output values (``torch._C.Value``) of one node of a traced graph. It returns
either a number (attributed to the op's name without its namespace, e.g.
``aten::addmm`` -> ``addmm``) or a :class:`collections.Counter` mapping custom
names to numbers.

Counting convention (the one of upstream MMEngine and fvcore): **one fused
multiply-add counts as one flop**. ``torch.utils.flop_counter.FlopCounterMode``
counts two flops per multiply-add, so its numbers for matmul / linear / conv
are exactly twice ours.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from numbers import Number
from typing import Any, Union

import numpy as np

Handle = Callable[[list[Any], list[Any]], Union[Counter, Number]]

__all__ = [
    "Handle",
    "get_shape",
    "generic_activation_jit",
    "addmm_flop_jit",
    "linear_flop_jit",
    "bmm_flop_jit",
    "conv_flop_count",
    "conv_flop_jit",
    "einsum_flop_jit",
    "matmul_flop_jit",
    "norm_flop_counter",
    "batchnorm_flop_jit",
    "elementwise_flop_counter",
]


def _prod(shape: Iterable[int]) -> int:
    """Product of the sizes in ``shape`` (1 for an empty shape)."""
    return int(math.prod(int(s) for s in shape))


def get_shape(val: Any) -> list[int] | None:
    """Get the static shape of a traced value.

    Args:
        val (torch._C.Value): An input or output value of a traced node.

    Returns:
        list[int] or None: The sizes when ``val`` is a tensor whose shape was
        recorded by the trace, otherwise ``None`` (e.g. an optional argument
        that was passed as ``None``).
    """
    if val.isCompleteTensor():
        return list(val.type().sizes())
    return None


def _require_shape(val: Any, what: str) -> list[int]:
    shape = get_shape(val)
    if shape is None:
        raise ValueError(
            f"{what}: expected a tensor with a shape known to the trace, got a value "
            f"of type {val.type()}."
        )
    return shape


def _to_ivalue(val: Any) -> Any:
    """The constant Python value of a traced node input."""
    return val.toIValue()


def generic_activation_jit(op_name: str | None = None) -> Handle:
    """Build a handle that counts the number of output elements of an op.

    Args:
        op_name (str, optional): Name the count is reported under. If None
            the op's own name (without namespace) is used.

    Returns:
        Handle: The activation counting handle.
    """

    def _generic_activation_jit(inputs: list[Any], outputs: list[Any]) -> Counter | Number:
        count = _prod(_require_shape(outputs[0], "activation count"))
        if op_name is None:
            return count
        return Counter({op_name: count})

    return _generic_activation_jit


def addmm_flop_jit(inputs: list[Any], outputs: list[Any]) -> Number:
    """Count flops of ``aten::addmm`` (``bias + mat1 @ mat2``).

    Only the multiply-adds of the matrix product are counted:
    ``batch * in_features * out_features``.
    """
    mat1 = _require_shape(inputs[1], "aten::addmm mat1")
    mat2 = _require_shape(inputs[2], "aten::addmm mat2")
    if len(mat1) != 2 or len(mat2) != 2:
        raise ValueError(f"aten::addmm expects 2-D matrices, got shapes {mat1} and {mat2}.")
    rows, inner = mat1
    return rows * inner * mat2[1]


def linear_flop_jit(inputs: list[Any], outputs: list[Any]) -> Number:
    """Count flops of ``aten::linear``: ``input.numel() * out_features``."""
    x = _require_shape(inputs[0], "aten::linear input")
    w = _require_shape(inputs[1], "aten::linear weight")
    if x[-1] != w[-1]:
        raise ValueError(
            f"aten::linear: input features {x[-1]} do not match weight shape {w} "
            "(expected weight of shape [out_features, in_features])."
        )
    out_features = w[0] if len(w) == 2 else 1
    return _prod(x) * out_features


def bmm_flop_jit(inputs: list[Any], outputs: list[Any]) -> Number:
    """Count flops of ``aten::bmm``: ``b * n * m * p`` for ``[b,n,m] @ [b,m,p]``."""
    a = _require_shape(inputs[0], "aten::bmm input")
    b = _require_shape(inputs[1], "aten::bmm mat2")
    if len(a) != 3 or len(b) != 3:
        raise ValueError(f"aten::bmm expects 3-D tensors, got shapes {a} and {b}.")
    batch, n, m = a
    return batch * n * m * b[-1]


def conv_flop_count(
    x_shape: list[int], w_shape: list[int], out_shape: list[int], transposed: bool = False
) -> Number:
    """Count flops of a (possibly transposed) convolution.

    Only multiplications are counted (bias and additions are ignored):
    ``batch * prod(w_shape) * prod(spatial)``, where ``spatial`` is the
    spatial size of the output for a normal convolution and of the input for
    a transposed one.

    Args:
        x_shape (list[int]): Input shape ``[N, C_in, *spatial]``.
        w_shape (list[int]): Weight shape.
        out_shape (list[int]): Output shape ``[N, C_out, *spatial]``.
        transposed (bool): Whether the convolution is transposed.

    Returns:
        int: The number of flops.
    """
    batch = x_shape[0]
    spatial = (x_shape if transposed else out_shape)[2:]
    return batch * _prod(w_shape) * _prod(spatial)


# Position of the ``transposed`` flag in the schema of each conv op; ``True``
# / ``False`` means the op is always / never transposed.
_CONV_TRANSPOSED_ARG: dict[str, int | bool] = {
    "aten::_convolution": 6,
    "aten::convolution": 6,
    "aten::conv1d": False,
    "aten::conv2d": False,
    "aten::conv3d": False,
    "aten::conv_transpose1d": True,
    "aten::conv_transpose2d": True,
    "aten::conv_transpose3d": True,
}


def conv_flop_jit(inputs: list[Any], outputs: list[Any]) -> Counter:
    """Count flops of a convolution node (reported under the name ``conv``).

    Works for ``aten::_convolution`` (what ``torch.jit.trace`` records) and
    ``aten::convolution``; for ``aten::conv{1,2,3}d`` and
    ``aten::conv_transpose{1,2,3}d`` use the handles registered by default,
    which know whether the op is transposed.
    """
    transposed = False
    if len(inputs) >= 7:
        flag = _to_ivalue(inputs[6])
        if isinstance(flag, bool):
            transposed = flag
    return _conv_count(inputs, outputs, transposed)


def _conv_count(inputs: list[Any], outputs: list[Any], transposed: bool) -> Counter:
    x = _require_shape(inputs[0], "convolution input")
    w = _require_shape(inputs[1], "convolution weight")
    out = _require_shape(outputs[0], "convolution output")
    return Counter({"conv": conv_flop_count(x, w, out, transposed=transposed)})


def _fixed_conv_handle(transposed: bool) -> Handle:
    def _handle(inputs: list[Any], outputs: list[Any]) -> Counter:
        return _conv_count(inputs, outputs, transposed)

    return _handle


def _einsum_macs(equation: str, shapes: list[list[int]]) -> float:
    """Multiply-adds of an einsum, following numpy's optimal contraction path."""
    operands = [np.broadcast_to(np.zeros((), dtype=np.float32), s) for s in shapes]
    _, report = np.einsum_path(equation, *operands, optimize="optimal")
    for line in report.splitlines():
        if "optimized flop" in line.lower():
            # numpy counts a multiply and an add separately: halve it.
            return float(np.floor(float(line.split(":")[-1]) / 2))
    raise NotImplementedError(f"Could not count flops of einsum {equation!r}.")


def einsum_flop_jit(inputs: list[Any], outputs: list[Any]) -> Number:
    """Count flops of ``aten::einsum`` (one multiply-add is one flop)."""
    equation = str(_to_ivalue(inputs[0])).replace(" ", "")
    operand_list = inputs[1]
    operand_values = list(operand_list.node().inputs())
    shapes = [_require_shape(v, f"einsum {equation!r} operand") for v in operand_values]
    # Rename the letters in order of appearance so that equivalent equations
    # spelled with other letters are recognised.
    letters = list(dict.fromkeys(c for c in equation if c.isalpha()))
    table = {ord(c): ord("a") + i for i, c in enumerate(letters)}
    canonical = equation.translate(table)
    if canonical == "abc,abd->acd" and len(shapes) == 2:
        n, c, t = shapes[0]
        return n * c * t * shapes[1][-1]
    if canonical == "abc,adc->adb" and len(shapes) == 2:
        n, t, g = shapes[0]
        return n * t * g * shapes[1][1]
    if not re.fullmatch(r"[a-zA-Z.,>\-]*", equation):
        raise NotImplementedError(f"Unsupported einsum equation {equation!r}.")
    return _einsum_macs(equation, shapes)


def matmul_flop_jit(inputs: list[Any], outputs: list[Any]) -> Number:
    """Count flops of ``aten::matmul`` / ``aten::mm`` with broadcasting.

    For ``[..., n, k] @ [..., k, m]`` the count is
    ``prod(broadcast batch dims) * n * k * m``; 1-D operands are treated as
    in :func:`torch.matmul`.
    """
    a = _require_shape(inputs[0], "matmul input")
    b = _require_shape(inputs[1], "matmul other")
    a2 = [1, *a] if len(a) == 1 else a
    b2 = [*b, 1] if len(b) == 1 else b
    if a2[-1] != b2[-2]:
        raise ValueError(f"matmul: inner dimensions of shapes {a} and {b} do not match.")
    batch = np.broadcast_shapes(tuple(a2[:-2]), tuple(b2[:-2]))
    return _prod(batch) * a2[-2] * a2[-1] * b2[-1]


def norm_flop_counter(affine_arg_index: int) -> Handle:
    """Build a handle for a normalization op (layer/group/instance norm).

    Counted as ``input.numel() * (5 if affine else 4)`` (a rough estimate of
    the mean, variance, normalization and affine transform).

    Args:
        affine_arg_index (int): Position of the weight argument in the op's
            schema; the op is affine when that argument is a tensor.

    Returns:
        Handle: The flop counting handle.
    """

    def _norm_flop_jit(inputs: list[Any], outputs: list[Any]) -> Number:
        shape = _require_shape(inputs[0], "normalization input")
        has_affine = get_shape(inputs[affine_arg_index]) is not None
        return _prod(shape) * (5 if has_affine else 4)

    return _norm_flop_jit


def batchnorm_flop_jit(inputs: list[Any], outputs: list[Any]) -> Number:
    """Count flops of ``aten::batch_norm``.

    In training mode it costs like any other normalization
    (``numel * (5 if affine else 4)``); in eval mode it is an affine
    transform: ``numel * (2 if affine else 1)``.
    """
    training = _to_ivalue(inputs[5])
    if not isinstance(training, bool):
        raise ValueError(
            "aten::batch_norm: expected the 6th argument to be the boolean `training` "
            f"flag, got {training!r}; the op's schema may have changed."
        )
    if training:
        return norm_flop_counter(1)(inputs, outputs)  # type: ignore[return-value]
    has_affine = get_shape(inputs[1]) is not None
    numel = _prod(_require_shape(inputs[0], "aten::batch_norm input"))
    return numel * (2 if has_affine else 1)


def elementwise_flop_counter(input_scale: float = 1, output_scale: float = 0) -> Handle:
    """Build a handle counting ``in.numel() * input_scale + out.numel() * output_scale``.

    Args:
        input_scale (float): Flops per element of the first input.
        output_scale (float): Flops per element of the first output.

    Returns:
        Handle: The flop counting handle.

    Example:
        >>> import torch
        >>> import torch.nn as nn
        >>> from mmengine.analysis import FlopAnalyzer
        >>> from mmengine.analysis.jit_handles import elementwise_flop_counter
        >>> class Residual(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.fc = nn.Linear(4, 4)
        ...     def forward(self, x):
        ...         return self.fc(x) + x
        >>> analyzer = FlopAnalyzer(Residual(), torch.ones(1, 4))
        >>> # count residual additions as one flop per output element
        >>> analyzer = analyzer.set_op_handle('aten::add', elementwise_flop_counter(0, 1))
        >>> analyzer.by_operator()
        Counter({'linear': 16, 'add': 4})
    """

    def _elementwise_flop(inputs: list[Any], outputs: list[Any]) -> Number:
        total: float = 0
        if input_scale != 0:
            total += input_scale * _prod(_require_shape(inputs[0], "elementwise input"))
        if output_scale != 0:
            total += output_scale * _prod(_require_shape(outputs[0], "elementwise output"))
        return total

    return _elementwise_flop
