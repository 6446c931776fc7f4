"""Human-readable reports of model complexity: annotated reprs and tables."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch
from torch import nn

from mmengine.utils import is_tuple_of

from ._rich_table import render_table
from .complexity_analysis import ActivationAnalyzer, FlopAnalyzer, parameter_count

__all__ = [
    "flop_count_str",
    "flop_count_table",
    "complexity_stats_str",
    "complexity_stats_table",
    "get_model_complexity_info",
]

Stats = dict[str, dict[str, Any]]


def _format_size(x: int | float, sig_figs: int = 3, hide_zero: bool = False) -> str:
    """Format a count with a K/M/G/T/P suffix.

    Args:
        x (int or float): The number to format.
        sig_figs (int): Digits kept after the decimal point (trailing zeros
            are dropped). Defaults to 3.
        hide_zero (bool): Return an empty string for 0. Defaults to False.

    Returns:
        str: e.g. ``'1.5M'`` for 1500000, ``'0.5K'`` for 500, ``'42'`` for 42.
    """
    if hide_zero and x == 0:
        return ""

    def fmt(value: float) -> str:
        text = f"{value:.{sig_figs}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text

    for threshold, scale, suffix in (
        (1e14, 1e15, "P"),
        (1e11, 1e12, "T"),
        (1e8, 1e9, "G"),
        (1e5, 1e6, "M"),
        (1e2, 1e3, "K"),
    ):
        if abs(x) > threshold:
            return fmt(x / scale) + suffix
    return str(x)


def _pretty_statistics(statistics: Stats, sig_figs: int = 3, hide_zero: bool = False) -> Stats:
    """Format every statistic with :func:`_format_size`.

    Args:
        statistics (dict): ``{module: {stat_name: number}}``.
        sig_figs (int): See :func:`_format_size`.
        hide_zero (bool): See :func:`_format_size`.

    Returns:
        dict: ``{module: {stat_name: str}}``.
    """
    return {
        module: {name: _format_size(value, sig_figs, hide_zero) for name, value in stats.items()}
        for module, stats in statistics.items()
    }


def _group_by_module(statistics: Stats) -> Stats:
    """Turn ``{stat_name: {module: value}}`` into ``{module: {stat_name: value}}``."""
    grouped: Stats = {}
    for stat_name, per_module in statistics.items():
        for module, value in per_module.items():
            grouped.setdefault(module, {})[stat_name] = value
    return grouped


def _indicate_uncalled_modules(
    statistics: Stats,
    stat_name: str,
    uncalled_modules: Iterable[str],
    uncalled_indicator: str = "N/A",
) -> Stats:
    """Replace ``stat_name`` of every uncalled module by ``uncalled_indicator``."""
    out = {module: dict(stats) for module, stats in statistics.items()}
    for module in uncalled_modules:
        out.setdefault(module, {})[stat_name] = uncalled_indicator
    return out


def _children(name: str, statistics: Iterable[str]) -> list[str]:
    """Direct children of module ``name`` among the keys of ``statistics``."""
    prefix = name + ("." if name else "")
    depth = prefix.count(".")
    return [m for m in statistics if m and m.count(".") == depth and m.startswith(prefix)]


def _remove_zero_statistics(
    statistics: Stats,
    force_keep: set[str] | None = None,
    require_trivial_children: bool = False,
) -> Stats:
    """Drop modules whose statistics are all zero.

    Assumes a hierarchy rooted at ``''``, which is always kept.

    Args:
        statistics (dict): ``{module: {stat_name: number}}``.
        force_keep (set[str], optional): Modules to keep even when all zero.
        require_trivial_children (bool): If True, a module is only dropped
            when all its children were dropped too.

    Returns:
        dict: The kept statistics (copies).
    """
    keep_always = set(force_keep or ()) | {""}
    out: Stats = {}

    def visit(name: str) -> None:
        children_dropped = True
        for child in _children(name, statistics):
            visit(child)
            children_dropped &= child not in out
        nonzero = not all(value == 0 for value in statistics[name].values())
        if nonzero or name in keep_always or (require_trivial_children and not children_dropped):
            out[name] = dict(statistics[name])

    visit("")
    return out


def _fill_missing_statistics(model: nn.Module, statistics: Stats) -> Stats:
    """Give every submodule of ``model`` a 0 in each statistic it lacks.

    Args:
        model (nn.Module): The model whose module names are filled in.
        statistics (dict): ``{stat_name: {module: number}}``.

    Returns:
        dict: The completed statistics (copies).
    """
    out = {name: dict(stat) for name, stat in statistics.items()}
    for module_name, _ in model.named_modules():
        for stat in out.values():
            stat.setdefault(module_name, 0)
    return out


def _add_indent(text: str, num_spaces: int) -> str:
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return lines[0] + "\n" + "\n".join(" " * num_spaces + line for line in lines[1:])


def _model_stats_str(model: nn.Module, statistics: dict[str, dict[str, str]]) -> str:
    """Build a ``str(model)``-like representation with statistics inserted.

    Args:
        model (nn.Module): The model to represent.
        statistics (dict): ``{module: {stat_name: str}}``; written as
            ``"stat_name: value"`` lines under each module's extra repr.

    Returns:
        str: The annotated representation.
    """

    def stats_line(name: str) -> str:
        if name not in statistics:
            return ""
        return ", ".join(f"{k}: {v}" for k, v in statistics[name].items())

    def render(module: nn.Module, name: str) -> str:
        extra_lines: list[str] = []
        extra = module.extra_repr()
        if extra:
            extra_lines.extend(extra.split("\n"))
        line = stats_line(name)
        if line:
            extra_lines.extend(line.split("\n"))
        child_lines = []
        for key, child in module._modules.items():
            child_name = name + ("." if name else "") + key
            child_text = "None" if child is None else render(child, child_name)
            child_lines.append(f"({key}): " + _add_indent(child_text, 2))
        lines = extra_lines + child_lines
        text = module._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                text += extra_lines[0]
            else:
                text += "\n  " + "\n  ".join(lines) + "\n"
        return text + ")"

    return render(model, "")


def _get_input_sizes(iterable: Iterable[Any]) -> list[Any]:
    """Sizes of the tensors in a (nested) iterable of inputs; None for
    anything that is not a tensor (or holds none)."""
    sizes: list[Any] = []
    for item in iterable:
        if isinstance(item, torch.Tensor):
            sizes.append(list(item.size()))
        elif isinstance(item, Iterable) and not isinstance(item, (str, bytes)):
            nested = _get_input_sizes(item)
            sizes.append(None if all(s is None for s in nested) else nested)
        else:
            sizes.append(None)
    return sizes


def _silence(analyzer: Any) -> None:
    analyzer.unsupported_ops_warnings(False)
    analyzer.uncalled_modules_warnings(False)
    analyzer.tracer_warnings("none")


def flop_count_str(flops: FlopAnalyzer, activations: ActivationAnalyzer | None = None) -> str:
    """Calculates the parameters and flops of the model with the given inputs
    and returns a string representation of the model that includes the
    parameters and flops of every submodule.

    The string is structured to be similar that given by ``str(model)``,
    though it is not guaranteed to be identical in form if the default string
    representation of a module has been overridden. If a module has zero
    parameters and flops, statistics will not be reported for succinctness.

    The trace can only register the scope of a module if it is called
    directly, which means flops (and activations) arising from explicit
    calls to ``.forward()`` or to other python functions of the module will
    not be attributed to that module. Modules that are never called will
    have 'N/A' listed for their flops; this means they are either unused or
    their statistics are missing for this reason. Any such flops are still
    counted towards the parent.

    Examples:
        >>> import torch
        >>> import torch.nn as nn
        >>> from mmengine.analysis import FlopAnalyzer, flop_count_str
        >>> class InnerNet(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.fc1 = nn.Linear(10,10)
        ...         self.fc2 = nn.Linear(10,10)
        ...     def forward(self, x):
        ...         return self.fc1(self.fc2(x))
        >>> class TestNet(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.fc1 = nn.Linear(10,10)
        ...         self.fc2 = nn.Linear(10,10)
        ...         self.inner = InnerNet()
        ...     def forward(self, x):
        ...         return self.fc1(self.fc2(self.inner(x)))
        >>> model = TestNet()
        >>> inputs = torch.randn((1,10))
        >>> print(flop_count_str(FlopAnalyzer(model, inputs)))
        TestNet(
          #params: 0.44K, #flops: 0.4K
          (fc1): Linear(
            in_features=10, out_features=10, bias=True
            #params: 0.11K, #flops: 100
          )
          (fc2): Linear(
            in_features=10, out_features=10, bias=True
            #params: 0.11K, #flops: 100
          )
          (inner): InnerNet(
            #params: 0.22K, #flops: 0.2K
            (fc1): Linear(
              in_features=10, out_features=10, bias=True
              #params: 0.11K, #flops: 100
            )
            (fc2): Linear(
              in_features=10, out_features=10, bias=True
              #params: 0.11K, #flops: 100
            )
          )
        )

    Args:
        flops (FlopAnalyzer): the flop counting object
        activations (ActivationAnalyzer, optional): If given, the activations
            of each layer will also be calculated and included in the
            representation.

    Returns:
        str: a string representation of the model with the number of
        parameters and flops included.
    """
    model = flops._model
    params = dict(parameter_count(model))
    _silence(flops)
    stats: Stats = {"#params": params, "#flops": flops.by_module()}
    uncalled = set(flops.uncalled_modules())
    if activations is not None:
        _silence(activations)
        stats["#acts"] = activations.by_module()
        uncalled |= activations.uncalled_modules()

    per_module = _group_by_module(_fill_missing_statistics(model, stats))
    per_module = _remove_zero_statistics(per_module, force_keep=uncalled)
    pretty = _pretty_statistics(per_module, sig_figs=2)
    pretty = _indicate_uncalled_modules(pretty, "#flops", flops.uncalled_modules())
    if activations is not None:
        pretty = _indicate_uncalled_modules(pretty, "#acts", activations.uncalled_modules())

    header = ""
    if uncalled:
        header = (
            "N/A indicates a possibly missing statistic due to how the module was "
            "called. Missing values are still included in the parent's total.\n"
        )
    return header + _model_stats_str(model, pretty)


def _get_single_child(name: str, statistics: Stats) -> str | None:
    """The only child of ``name`` in ``statistics``, or None."""
    children = _children(name, statistics)
    return children[0] if len(children) == 1 else None


def _try_combine(stats1: dict[str, str], stats2: dict[str, str]) -> dict[str, str] | None:
    """Merge two rows of formatted statistics, or None if they conflict."""
    if set(stats1) != set(stats2):
        return None
    merged = {}
    for key, v1 in stats1.items():
        v2 = stats2[key]
        if v1 != v2 and v1 and v2:
            return None
        merged[key] = v1 if v1 else v2
    return merged


def _fastforward(name: str, statistics: Stats) -> tuple[str, dict[str, str]]:
    """Collapse chains of single children with matching statistics into one row."""
    while True:
        child = _get_single_child(name, statistics)
        if child is None:
            return name, statistics[name]
        merged = _try_combine(statistics[name], statistics[child])
        if merged is None:
            return name, statistics[name]
        statistics[child] = merged
        name = child


def _model_stats_table(
    statistics: dict[str, dict[str, str]],
    max_depth: int = 3,
    stat_columns: list[str] | None = None,
) -> str:
    """Formats the statistics obtained from a model in a nice table.

    Args:
        statistics (dict): ``{module: {stat_name: str}}``, already formatted.
        max_depth (int): The maximum submodule depth to recurse to.
        stat_columns (list[str], optional): Column order. Found from the
            statistics when None.

    Returns:
        str: The formatted table.
    """
    if stat_columns is None:
        found: dict[str, None] = {}
        for stats in statistics.values():
            found.update(dict.fromkeys(stats))
        stat_columns = list(found)

    rows: list[list[str]] = []

    def build_row(name: str, stats: dict[str, str], level: int) -> list[str]:
        indent = " " * level
        return [indent + name] + [
            (indent + stats[col]) if col in stats else "" for col in stat_columns
        ]

    root_name, root_stats = _fastforward("", statistics)
    rows.append(build_row(root_name or "model", root_stats, 0))
    root_prefix = root_name + ("." if root_name else "")

    def fill(level: int, prefix: str) -> None:
        if level > max_depth:
            return
        for module in list(statistics):
            if not (module and module.count(".") == prefix.count(".")):
                continue
            if not module.startswith(prefix):
                continue
            module, stats = _fastforward(module, statistics)
            shown = (
                module[len(root_prefix) :]
                if root_prefix and module.startswith(root_prefix)
                else module
            )
            rows.append(build_row(shown, stats, level))
            fill(level + 1, module + ".")

    fill(1, root_prefix)
    return render_table(["module", *stat_columns], rows)


def flop_count_table(
    flops: FlopAnalyzer,
    max_depth: int = 3,
    activations: ActivationAnalyzer | None = None,
    show_param_shapes: bool = True,
) -> str:
    """Format the per-module parameters and flops of a model in a table.

    It looks like this::

        +---------------------+----------------------+--------+
        | module              | #parameters or shape | #flops |
        +---------------------+----------------------+--------+
        | model               | 1.6K                 | 7.68K  |
        |  conv               |  0.28K               |  6.91K |
        |   conv.weight       |   (10, 3, 3, 3)      |        |
        |   conv.bias         |   (10,)              |        |
        ...

    Modules whose statistics are all zero (and whose children are too) are
    left out; a chain of modules with a single child and the same numbers is
    shown as one row.

    Args:
        flops (FlopAnalyzer): the flop counting object
        max_depth (int): The max depth of submodules to include in the
            table. Defaults to 3.
        activations (ActivationAnalyzer, optional): If given, include
            activation counts as an additional column in the table.
        show_param_shapes (bool): If true, shapes for parameters will be
            included in the table. Defaults to True.

    Returns:
        str: The formatted table (plain text).

    Examples:
        >>> import torch
        >>> import torch.nn as nn
        >>> from mmengine.analysis import FlopAnalyzer, flop_count_table
        >>> model = nn.Sequential(nn.Conv2d(3, 10, 3), nn.Flatten(), nn.Linear(160, 2))
        >>> inputs = torch.randn(1, 3, 6, 6)
        >>> print(flop_count_table(FlopAnalyzer(model, inputs)))
        +------------+----------------------+--------+
        | module     | #parameters or shape | #flops |
        +------------+----------------------+--------+
        | model      | 0.602K               | 4.64K  |
        |  0         |  0.28K               |  4.32K |
        |   0.weight |   (10, 3, 3, 3)      |        |
        |   0.bias   |   (10,)              |        |
        |  2         |  0.322K              |  0.32K |
        |   2.weight |   (2, 160)           |        |
        |   2.bias   |   (2,)               |        |
        +------------+----------------------+--------+
    """
    params_header = "#parameters" + (" or shape" if show_param_shapes else "")
    flops_header, acts_header = "#flops", "#activations"

    model = flops._model
    params = dict(parameter_count(model))
    _silence(flops)
    stats: Stats = {params_header: params, flops_header: flops.by_module()}
    columns = [params_header, flops_header]
    if activations is not None:
        _silence(activations)
        stats[acts_header] = activations.by_module()
        columns.append(acts_header)

    per_module = _group_by_module(stats)
    per_module = _remove_zero_statistics(per_module, require_trivial_children=True)
    pretty = _pretty_statistics(per_module, hide_zero=False)
    pretty = _indicate_uncalled_modules(
        pretty, flops_header, flops.uncalled_modules() & pretty.keys(), uncalled_indicator=""
    )
    if activations is not None:
        pretty = _indicate_uncalled_modules(
            pretty,
            acts_header,
            activations.uncalled_modules() & pretty.keys(),
            uncalled_indicator="",
        )

    # parameters are rows too: show their shapes, or drop them
    param_shapes = {name: tuple(p.shape) for name, p in model.named_parameters()}
    for name in list(pretty):
        if name in param_shapes:
            if show_param_shapes:
                pretty[name][params_header] = str(param_shapes[name])
            else:
                del pretty[name]

    return _model_stats_table(pretty, max_depth=max_depth, stat_columns=columns)


def complexity_stats_str(flops: FlopAnalyzer, activations: ActivationAnalyzer | None = None) -> str:
    """Alias of :func:`flop_count_str` (the name used by MMEngine >= 0.6).

    Args:
        flops (FlopAnalyzer): the flop counting object.
        activations (ActivationAnalyzer, optional): If given, activations
            are included in the representation.

    Returns:
        str: The model representation annotated with its statistics.
    """
    return flop_count_str(flops, activations)


def complexity_stats_table(
    flops: FlopAnalyzer,
    max_depth: int = 3,
    activations: ActivationAnalyzer | None = None,
    show_param_shapes: bool = True,
) -> str:
    """Alias of :func:`flop_count_table` (the name used by MMEngine >= 0.6).

    Args:
        flops (FlopAnalyzer): the flop counting object.
        max_depth (int): The max depth of submodules to include in the
            table. Defaults to 3.
        activations (ActivationAnalyzer, optional): If given, include
            activation counts as an additional column in the table.
        show_param_shapes (bool): If true, shapes for parameters will be
            included in the table. Defaults to True.

    Returns:
        str: The formatted table.
    """
    return flop_count_table(flops, max_depth, activations, show_param_shapes)


def _build_inputs(model: nn.Module, input_shape: Any) -> tuple[torch.Tensor, ...]:
    try:
        device = next(model.parameters()).device
    except StopIteration:
        device = torch.device("cpu")
    if is_tuple_of(input_shape, int):
        return (torch.randn(1, *input_shape, device=device),)
    if is_tuple_of(input_shape, tuple) and all(is_tuple_of(s, int) for s in input_shape):
        return tuple(torch.randn(1, *s, device=device) for s in input_shape)
    raise ValueError(
        # 0.10's sentence first (sic: "constructone", "constructmultiple")
        '"input_shape" should be either a `tuple of int` (to construct'
        "one input tensor) or a `tuple of tuple of int` (to construct"
        "multiple input tensors). For example (3, 224, 224) or ((3, 224, 224), (3, 10)); "
        f"got {input_shape!r}."
    )


def get_model_complexity_info(
    model: nn.Module,
    input_shape: tuple[int, ...] | tuple[tuple[int, ...], ...] | None = None,
    inputs: torch.Tensor | tuple[torch.Tensor, ...] | None = None,
    show_table: bool = True,
    show_arch: bool = True,
) -> dict:
    """Interface to get the complexity of a model.

    The parameter ``inputs`` are fed to the forward method of model. If
    ``inputs`` is not specified, the ``input_shape`` is required and it will
    be used to construct the dummy input fed to model (a batch of one, drawn
    from a normal distribution, on the model's device). If the forward of
    model requires two or more inputs, the ``inputs`` should be a tuple of
    tensor or the ``input_shape`` should be a tuple of tuple which each
    element will be constructed into a dumpy input.

    Examples:
        >>> import torch
        >>> import torch.nn as nn
        >>> from mmengine.analysis import get_model_complexity_info
        >>> # the forward of model accepts only one input
        >>> model = nn.Conv2d(3, 8, 3)
        >>> input_shape = (3, 10, 10)
        >>> info = get_model_complexity_info(model, input_shape=input_shape)
        >>> info['flops'], info['flops_str'], info['params_str']
        (13824, '13.824K', '0.224K')
        >>> print(info['out_arch'])
        Conv2d(
          3, 8, kernel_size=(3, 3), stride=(1, 1)
          #params: 0.22K, #flops: 13.82K, #acts: 0.51K
        )
        >>> # the forward of model accepts two or more inputs
        >>> class TwoInputs(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.fc = nn.Linear(10, 2)
        ...     def forward(self, x, y):
        ...         return self.fc(torch.cat([x, y], dim=1))
        >>> input_shape = ((3,), (7,))
        >>> info = get_model_complexity_info(TwoInputs(), input_shape=input_shape)
        >>> info['flops'], info['params'], info['activations']
        (20, 22, 2)

    Args:
        model (nn.Module): The model to analyze.
        input_shape (tuple, optional): The input shape of the model, without
            the batch dimension. If ``inputs`` is not specified, it is
            required. Defaults to None.
        inputs (Tensor or tuple[Tensor, ...], optional): The input tensor(s)
            of the model. If not given, it will be constructed from
            ``input_shape``. Defaults to None.
        show_table (bool): Whether to show the complexity table.
            Defaults to True.
        show_arch (bool): Whether to show the complexity arch.
            Defaults to True.

    Returns:
        dict: The complexity information of the model.

        - **flops**: The FLOPs of the model (one multiply-add is one flop).
        - **flops_str**: The FLOPs of the model in the form of string.
        - **activations**: The activations of the model.
        - **activations_str**: The activations of the model in the form of
          string.
        - **params**: The number of parameters of the model.
        - **params_str**: The number of parameters of the model in the form
          of string.
        - **out_table**: A table of complexity info. If ``show_table`` is
          False, it is an empty string.
        - **out_arch**: A string of the model arch annotated with the
          complexity info. If ``show_arch`` is False, it is an empty string.

    Raises:
        ValueError: If both or neither of ``input_shape`` and ``inputs`` are
            given, or ``input_shape`` is malformed.
    """
    if input_shape is None and inputs is None:
        raise ValueError('One of "input_shape" and "inputs" should be set.')
    if input_shape is not None and inputs is not None:
        raise ValueError('"input_shape" and "inputs" cannot be both set.')
    if inputs is None:
        inputs = _build_inputs(model, input_shape)

    flop_handler = FlopAnalyzer(model, inputs)
    activation_handler = ActivationAnalyzer(model, inputs)

    flops = flop_handler.total()
    activations = activation_handler.total()
    params = parameter_count(model)[""]

    out_table = ""
    if show_table:
        out_table = "\n" + complexity_stats_table(
            flops=flop_handler, activations=activation_handler, show_param_shapes=True
        )
    out_arch = ""
    if show_arch:
        out_arch = "\n" + complexity_stats_str(flops=flop_handler, activations=activation_handler)

    return {
        "flops": flops,
        "flops_str": _format_size(flops),
        "activations": activations,
        "activations_str": _format_size(activations),
        "params": params,
        "params_str": _format_size(params),
        "out_table": out_table,
        "out_arch": out_arch,
    }
