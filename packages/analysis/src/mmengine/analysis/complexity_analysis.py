"""FLOP, activation and parameter counting.

Convention: one fused multiply-add is counted as **one** flop (as upstream
MMEngine and fvcore do). ``torch.utils.flop_counter.FlopCounterMode`` counts
two flops per multiply-add, so for models made of matmul / linear / conv only,
``FlopAnalyzer(...).total() * 2`` equals ``FlopCounterMode``'s total.
Normalizations, upsampling and pooling are counted here by the estimates of
:mod:`mmengine.analysis.jit_handles` but not by ``FlopCounterMode``;
element-wise ops (``aten::add``, ``aten::mul``, activations) are not counted
by default and are reported by :meth:`FlopAnalyzer.unsupported_ops`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from torch import nn

from ._rich_table import render_table
from .jit_analysis import JitModelAnalysis
from .jit_handles import (
    Handle,
    _fixed_conv_handle,
    addmm_flop_jit,
    batchnorm_flop_jit,
    bmm_flop_jit,
    conv_flop_jit,
    einsum_flop_jit,
    elementwise_flop_counter,
    generic_activation_jit,
    linear_flop_jit,
    matmul_flop_jit,
    norm_flop_counter,
)

__all__ = [
    "FlopAnalyzer",
    "ActivationAnalyzer",
    "flop_count",
    "activation_count",
    "parameter_count",
    "parameter_count_table",
]

# A dictionary that maps supported operations to their flop count jit handles.
_DEFAULT_SUPPORTED_FLOP_OPS: dict[str, Handle] = {
    "aten::addmm": addmm_flop_jit,
    "aten::bmm": bmm_flop_jit,
    "aten::_convolution": conv_flop_jit,
    "aten::convolution": conv_flop_jit,
    "aten::conv1d": _fixed_conv_handle(False),
    "aten::conv2d": _fixed_conv_handle(False),
    "aten::conv3d": _fixed_conv_handle(False),
    "aten::conv_transpose1d": _fixed_conv_handle(True),
    "aten::conv_transpose2d": _fixed_conv_handle(True),
    "aten::conv_transpose3d": _fixed_conv_handle(True),
    "aten::einsum": einsum_flop_jit,
    "aten::matmul": matmul_flop_jit,
    "aten::mm": matmul_flop_jit,
    "aten::linear": linear_flop_jit,
    # BN may be fused into the preceding conv at inference time; ignore it
    # with `analyzer.set_op_handle("aten::batch_norm", None)`.
    "aten::batch_norm": batchnorm_flop_jit,
    "aten::group_norm": norm_flop_counter(2),
    "aten::layer_norm": norm_flop_counter(2),
    "aten::instance_norm": norm_flop_counter(1),
    "aten::upsample_nearest2d": elementwise_flop_counter(0, 1),
    "aten::upsample_bilinear2d": elementwise_flop_counter(0, 4),
    "aten::adaptive_avg_pool2d": elementwise_flop_counter(1, 0),
    "aten::grid_sampler": elementwise_flop_counter(0, 4),  # assume bilinear
}

# A dictionary that maps supported operations to their activation count handles.
_DEFAULT_SUPPORTED_ACT_OPS: dict[str, Handle] = {
    "aten::_convolution": generic_activation_jit("conv"),
    "aten::convolution": generic_activation_jit("conv"),
    "aten::conv1d": generic_activation_jit("conv"),
    "aten::conv2d": generic_activation_jit("conv"),
    "aten::conv3d": generic_activation_jit("conv"),
    "aten::conv_transpose1d": generic_activation_jit("conv"),
    "aten::conv_transpose2d": generic_activation_jit("conv"),
    "aten::conv_transpose3d": generic_activation_jit("conv"),
    "aten::addmm": generic_activation_jit(),
    "aten::bmm": generic_activation_jit(),
    "aten::einsum": generic_activation_jit(),
    "aten::matmul": generic_activation_jit(),
    "aten::linear": generic_activation_jit(),
}


class FlopAnalyzer(JitModelAnalysis):
    """Provides access to per-submodule model flop count obtained by tracing
    a model with pytorch's jit tracing functionality.

    By default, comes with standard flop counters for a few common operators.

    Note:
        - Flop is not a well-defined concept. We just produce our best
          estimate: one fused multiply-add counts as one flop (``torch``'s
          ``FlopCounterMode`` counts two).
        - We count one fused multiply-add as one flop.

    Handles for additional operators may be added, or the default ones
    overwritten, using the :meth:`set_op_handle` method.

    Flop counts can be obtained as:

    - ``.total(module_name="")``: total flop count for the module
    - ``.by_operator(module_name="")``: flop counts for the module, as a
      Counter over different operator types
    - ``.by_module()``: Counter of flop counts for all submodules
    - ``.by_module_and_operator()``: dictionary indexed by descendant of
      Counters over different operator types

    An operator is treated as within a module if it is executed inside the
    module's ``__call__`` method. Note that this does not include calls to
    other methods of the module or explicit calls to ``module.forward(...)``.


    Args:
        model (nn.Module): The model to analyze.
        inputs (Tensor or tuple[Tensor, ...]): The input to the model.

    Examples:
        >>> import torch
        >>> import torch.nn as nn
        >>> from mmengine.analysis import FlopAnalyzer
        >>> class TestModel(nn.Module):
        ...    def __init__(self):
        ...        super().__init__()
        ...        self.fc = nn.Linear(in_features=1000, out_features=10)
        ...        self.conv = nn.Conv2d(
        ...            in_channels=3, out_channels=10, kernel_size=1
        ...        )
        ...        self.act = nn.ReLU()
        ...    def forward(self, x):
        ...        return self.fc(self.act(self.conv(x)).flatten(1))
        >>> model = TestModel()
        >>> inputs = (torch.randn((1,3,10,10)),)
        >>> flops = FlopAnalyzer(model, inputs)
        >>> flops.total()
        13000
        >>> flops.total("fc")
        10000
        >>> flops.by_operator()
        Counter({'linear': 10000, 'conv': 3000})
        >>> flops.by_module()
        Counter({'': 13000, 'fc': 10000, 'conv': 3000, 'act': 0})
        >>> flops.by_module_and_operator()
        {'': Counter({'linear': 10000, 'conv': 3000}),
         'fc': Counter({'linear': 10000}),
         'conv': Counter({'conv': 3000}),
         'act': Counter()}
    """

    def __init__(self, model: nn.Module, inputs: Any) -> None:
        super().__init__(model=model, inputs=inputs)
        self.set_op_handle(**_DEFAULT_SUPPORTED_FLOP_OPS)

    __init__.__doc__ = JitModelAnalysis.__init__.__doc__


class ActivationAnalyzer(JitModelAnalysis):
    """Provides access to per-submodule model activation count obtained by
    tracing a model with pytorch's jit tracing functionality.

    By default, comes with standard activation counters for convolutional
    and dot-product operators: the activation of an op is the number of
    elements of its output.

    Handles for additional operators may be added, or the default ones
    overwritten, using the :meth:`set_op_handle` method.

    Activation counts can be obtained as:

    - ``.total(module_name="")``: total activation count for a module
    - ``.by_operator(module_name="")``: activation counts for the module,
      as a Counter over different operator types
    - ``.by_module()``: Counter of activation counts for all submodules
    - ``.by_module_and_operator()``: dictionary indexed by descendant of
      Counters over different operator types

    An operator is treated as within a module if it is executed inside the
    module's ``__call__`` method. Note that this does not include calls to
    other methods of the module or explicit calls to ``module.forward(...)``.


    Args:
        model (nn.Module): The model to analyze.
        inputs (Tensor or tuple[Tensor, ...]): The input to the model.

    Examples:
        >>> import torch
        >>> import torch.nn as nn
        >>> from mmengine.analysis import ActivationAnalyzer
        >>> class TestModel(nn.Module):
        ...    def __init__(self):
        ...        super().__init__()
        ...        self.fc = nn.Linear(in_features=1000, out_features=10)
        ...        self.conv = nn.Conv2d(
        ...            in_channels=3, out_channels=10, kernel_size=1
        ...        )
        ...        self.act = nn.ReLU()
        ...    def forward(self, x):
        ...        return self.fc(self.act(self.conv(x)).flatten(1))
        >>> model = TestModel()
        >>> inputs = (torch.randn((1,3,10,10)),)
        >>> acts = ActivationAnalyzer(model, inputs)
        >>> acts.total()
        1010
        >>> acts.total("fc")
        10
        >>> acts.by_operator()
        Counter({'conv': 1000, 'linear': 10})
        >>> acts.by_module()
        Counter({'': 1010, 'conv': 1000, 'fc': 10, 'act': 0})
        >>> acts.by_module_and_operator()
        {'': Counter({'conv': 1000, 'linear': 10}),
         'fc': Counter({'linear': 10}),
         'conv': Counter({'conv': 1000}),
         'act': Counter()}
    """

    def __init__(self, model: nn.Module, inputs: Any) -> None:
        super().__init__(model=model, inputs=inputs)
        self.set_op_handle(**_DEFAULT_SUPPORTED_ACT_OPS)

    __init__.__doc__ = JitModelAnalysis.__init__.__doc__


def flop_count(
    model: nn.Module,
    inputs: tuple[Any, ...],
    supported_ops: dict[str, Handle] | None = None,
) -> tuple[defaultdict[str, float], Counter]:
    """Given a model and an input to the model, compute the per-operator
    Gflops of the given model.

    Adopted from
    https://github.com/facebookresearch/fvcore/blob/main/fvcore/nn/flop_count.py

    Args:
        model (nn.Module): The model to compute flop counts.
        inputs (tuple): Inputs that are passed to `model` to count flops.
            Inputs need to be in a tuple.
        supported_ops (dict(str,Callable) or None) : provide additional
            handlers for extra ops, or overwrite the existing handlers for
            convolution and matmul and einsum. The key is operator name and
            the value is a function that takes (inputs, outputs) of the op.
            We count one Multiply-Add as one FLOP.

    Returns:
        tuple[defaultdict, Counter]: A dictionary that records the number of
        gflops for each operation and a Counter that records the number of
        unsupported operations.
    """
    analyzer = FlopAnalyzer(model, inputs).set_op_handle(**(supported_ops or {}))
    giga_flops: defaultdict[str, float] = defaultdict(float)
    for op, flops in analyzer.by_operator().items():
        giga_flops[op] = flops / 1e9
    return giga_flops, analyzer.unsupported_ops()


def activation_count(
    model: nn.Module,
    inputs: tuple[Any, ...],
    supported_ops: dict[str, Handle] | None = None,
) -> tuple[defaultdict[str, float], Counter]:
    """Given a model and an input to the model, compute the total number of
    activations of the model.

    Adopted from
    https://github.com/facebookresearch/fvcore/blob/main/fvcore/nn/activation_count.py

    Args:
        model (nn.Module): The model to compute activation counts.
        inputs (tuple): Inputs that are passed to `model` to count
            activations. Inputs need to be in a tuple.
        supported_ops (dict(str,Callable) or None) : provide additional
            handlers for extra ops, or overwrite the existing handlers for
            convolution and matmul. The key is operator name and the value
            is a function that takes (inputs, outputs) of the op.

    Returns:
        tuple[defaultdict, Counter]: A dictionary that records the number of
        activation (mega) for each operation and a Counter that records the
        number of unsupported operations.
    """
    analyzer = ActivationAnalyzer(model, inputs).set_op_handle(**(supported_ops or {}))
    mega_acts: defaultdict[str, float] = defaultdict(float)
    for op, acts in analyzer.by_operator().items():
        mega_acts[op] = acts / 1e6
    return mega_acts, analyzer.unsupported_ops()


def parameter_count(model: nn.Module) -> defaultdict[str, int]:
    """Count parameters of a model and its submodules.

    Shared parameters are counted once (as ``model.named_parameters()``
    yields them).

    Args:
        model (nn.Module): the model to count parameters.

    Returns:
        defaultdict[str, int]: The key is either a parameter name or a module
        name. The value is the number of elements in the parameter, or in all
        parameters of the module. The key ``""`` corresponds to the total
        number of parameters of the model.

    Examples:
        >>> import torch.nn as nn
        >>> from mmengine.analysis import parameter_count
        >>> model = nn.Linear(10, 2)
        >>> parameter_count(model)
        defaultdict(<class 'int'>, {'': 22, 'weight': 20, 'bias': 2})
    """
    counts: defaultdict[str, int] = defaultdict(int)
    for name, param in model.named_parameters():
        size = param.numel()
        parts = name.split(".")
        for k in range(len(parts) + 1):
            counts[".".join(parts[:k])] += size
    return counts


def _format_param_size(x: int) -> str:
    if x > 1e8:
        return f"{x / 1e9:.1f}G"
    if x > 1e5:
        return f"{x / 1e6:.1f}M"
    if x > 1e2:
        return f"{x / 1e3:.1f}K"
    return str(x)


def parameter_count_table(model: nn.Module, max_depth: int = 3) -> str:
    """Format the parameter count of the model (and its submodules or
    parameters).

    Args:
        model (nn.Module): the model to count parameters.
        max_depth (int): maximum depth to recursively print submodules or
            parameters. Defaults to 3.

    Returns:
        str: the table to be printed, as plain text (no colour codes).

    Example:
        >>> import torch.nn as nn
        >>> from mmengine.analysis import parameter_count_table
        >>> print(parameter_count_table(nn.Linear(10, 2)))
           parameter count of Linear
        +---------+--------------------+
        | name    | #elements or shape |
        +---------+--------------------+
        | model   | 22                 |
        |  weight |  (2, 10)           |
        |  bias   |  (2,)              |
        +---------+--------------------+
    """
    counts = parameter_count(model)
    shapes = {name: tuple(p.shape) for name, p in model.named_parameters()}
    rows: list[list[str]] = [["model", _format_param_size(counts.get("", 0))]]

    def fill(level: int, prefix: str) -> None:
        if level >= max_depth:
            return
        for name, size in counts.items():
            if not name or name.count(".") != level or not name.startswith(prefix):
                continue
            indent = " " * (level + 1)
            if name in shapes:
                rows.append([indent + name, indent + str(shapes[name])])
            else:
                rows.append([indent + name, indent + _format_param_size(size)])
                fill(level + 1, name + ".")

    fill(0, "")
    title = f"parameter count of {model.__class__.__name__}"
    return render_table(["name", "#elements or shape"], rows, title=title)
