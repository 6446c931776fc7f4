"""Per-module, per-operator statistics of a model from a ``torch.jit`` trace.

:class:`JitModelAnalysis` runs the model once under the JIT tracer with
forward hooks that open a named scope for every submodule call, then walks
the traced graph: every node belongs to the scopes of the modules that were
running when it was recorded, and a *handle* registered for the node's op
(``aten::linear``, ...) turns its shapes into a count.
"""

from __future__ import annotations

import copy as _copy
import logging
import os
import warnings
from collections import Counter
from collections.abc import Iterator
from numbers import Number
from typing import Any, NamedTuple, TypeVar

import torch
from torch import nn
from torch.jit import _get_trace_graph  # noqa: F401  (0.10 binds this name here)

from mmengine.logging import print_log

from .jit_handles import Handle

T = TypeVar("T", bound="JitModelAnalysis")

__all__ = ["JitModelAnalysis", "Statistics", "ModelTypeError", "ModuleNameTypeError"]


class ModelTypeError(TypeError, AttributeError):
    """The analyzed ``model`` is not an ``nn.Module``.

    A ``TypeError``, and an ``AttributeError`` as 0.10 raised for it (its
    ``'int' object has no attribute '_modules'``).
    """


class ModuleNameTypeError(TypeError, AssertionError):
    """A module name given to an analyzer is not a string.

    A ``TypeError``, and an ``AssertionError`` as 0.10 raised for it.
    """


# Directory of the torch package: TracerWarnings raised from its own code (e.g.
# ``F.batch_norm`` checking its batch size in training mode) are no sign of
# data-dependent control flow in the user's model.
_TORCH_DIR = os.path.dirname(os.path.abspath(torch.__file__)) + os.sep

# Ops that carry no arithmetic worth counting (shape manipulation, copies,
# comparisons, ...). They are neither counted nor reported as unsupported.
_IGNORED_OPS: set[str] = {
    "aten::Int",
    "aten::ScalarImplicit",
    "aten::__and__",
    "aten::arange",
    "aten::bitwise_not",
    "aten::cat",
    "aten::chunk",
    "aten::clamp",
    "aten::clamp_",
    "aten::constant_pad_nd",
    "aten::contiguous",
    "aten::copy_",
    "aten::detach",
    "aten::dropout",
    "aten::empty",
    "aten::eq",
    "aten::expand",
    "aten::flatten",
    "aten::floor",
    "aten::floor_divide",
    "aten::full",
    "aten::full_like",
    "aten::gather",
    "aten::ge",
    "aten::gt",
    "aten::index",
    "aten::index_put_",
    "aten::masked_fill",
    "aten::max",
    "aten::new_empty",
    "aten::new_full",
    "aten::new_zeros",
    "aten::nonzero",
    "aten::ones",
    "aten::permute",
    "aten::relu",
    "aten::relu_",
    "aten::remainder",
    "aten::reshape",
    "aten::roll",
    "aten::select",
    "aten::size",
    "aten::slice",
    "aten::split",
    "aten::split_with_sizes",
    "aten::squeeze",
    "aten::narrow",
    "aten::unbind",
    "aten::stack",
    "aten::t",
    "aten::to",
    "aten::transpose",
    "aten::type_as",
    "aten::unsqueeze",
    "aten::unsqueeze_",
    "aten::view",
    "aten::zeros",
    "aten::zeros_like",
}

_ANCESTOR_MODES = ("owner", "caller")
_TRACER_WARNING_MODES = ("all", "no_tracer_warning", "none")


class Statistics(NamedTuple):
    """The result of one analysis.

    Attributes:
        counts (dict[str, Counter]): Per module name, the count per operator.
        unsupported_ops (dict[str, Counter]): Per module name, how often each
            op without a handle was met.
        uncalled_mods (set[str]): Modules that never appeared in the trace.
    """

    counts: dict[str, Counter]
    unsupported_ops: dict[str, Counter]
    uncalled_mods: set[str]


def _named_modules_with_dup(model: nn.Module, prefix: str = "") -> Iterator[tuple[str, nn.Module]]:
    """Like ``model.named_modules()`` but yields shared modules under every name."""
    yield prefix, model
    for name, child in model._modules.items():
        if child is None:
            continue
        yield from _named_modules_with_dup(child, prefix + ("." if prefix else "") + name)


def _named_modules_without_dup(model: nn.Module) -> Iterator[tuple[str, nn.Module]]:
    """Yield each module once, under the first name it is reachable by."""
    seen: set[int] = set()
    for name, module in _named_modules_with_dup(model):
        if id(module) not in seen:
            seen.add(id(module))
            yield name, module


class _ScopeTracker:
    """Forward hooks that name tracer scopes after modules and remember the stack.

    The stack lets errors and tracer warnings name the module that was
    running when they happened.
    """

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.called: set[str] = set()
        self._handles: list[Any] = []

    def add(self, module: nn.Module, name: str) -> None:
        self._handles.append(module.register_forward_pre_hook(self._make_push(name)))
        self._handles.append(module.register_forward_hook(self._pop))

    def _make_push(self, name: str) -> Any:
        def _push(module: nn.Module, inputs: Any) -> None:
            self.stack.append(name)
            self.called.add(name)
            state = torch._C._get_tracing_state()
            if state:
                state.push_scope(name)

        return _push

    def _pop(self, module: nn.Module, inputs: Any, outputs: Any) -> None:
        if self.stack:
            self.stack.pop()
        state = torch._C._get_tracing_state()
        if state:
            state.pop_scope()

    @property
    def current(self) -> str | None:
        return self.stack[-1] if self.stack else None

    def remove(self) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles.clear()


def _attach_note(err: BaseException, note: str) -> None:
    """Add context to an exception without changing its type (PEP 678 notes;
    logged instead on Python < 3.11)."""
    if hasattr(err, "add_note"):
        err.add_note(note)
    else:  # Python 3.10: keep the note where PEP 678 puts it, and log it
        err.__notes__ = [*getattr(err, "__notes__", []), note]
        print_log(note, logger="current", level=logging.ERROR)


def _display_name(name: str) -> str:
    return name if name else "(the model itself)"


def _describe_module(name: str) -> str:
    return "the root model" if name == "" else f"submodule '{name}'"


def _register_scope_hooks(
    model: nn.Module, aliases: dict[Any, str], tracker: _ScopeTracker
) -> nn.Module:
    """Hook every submodule to open a tracer scope named by its canonical name.

    ``DataParallel`` / ``DistributedDataParallel`` wrappers are unwrapped (they
    cannot be traced); the wrapped model also gets the wrapper's scope.

    Returns:
        nn.Module: The module to trace.
    """
    if isinstance(model, (nn.parallel.DistributedDataParallel, nn.DataParallel)):
        root_name = aliases[model]
        model = model.module
        tracker.add(model, root_name)
    for _, module in _named_modules_without_dup(model):
        tracker.add(module, aliases[module])
    return model


def _get_scoped_trace_graph(module: nn.Module, inputs: Any, aliases: dict[Any, str]) -> Any:
    """Trace ``module(*inputs)`` with one tracer scope per submodule call.

    Args:
        module (nn.Module): The module to trace.
        inputs (Any): A tuple of positional arguments, or a single argument.
        aliases (dict): Module (and name) to canonical name, as built by
            :meth:`JitModelAnalysis._get_aliases`.

    Returns:
        torch._C.Graph: The traced graph; ``node.scopeName()`` is the
        ``/``-joined chain of module names that were running.
    """
    tracker = _ScopeTracker()
    try:
        traced = _register_scope_hooks(module, aliases, tracker)
        args = inputs if isinstance(inputs, tuple) else (inputs,)
        graph, _ = torch.jit._get_trace_graph(traced, args)
    finally:
        tracker.remove()
    return graph


class JitModelAnalysis:
    """Provides access to per-submodule model statistics obtained by tracing
    a model with PyTorch's JIT tracing functionality.

    Calculates a statistic on a per-operator basis using the provided set of
    functions that acts on the inputs and outputs to the operator, then
    aggregates this over modules in the model. Can return the aggregate
    statistic for any submodule in the model. Is lazily evaluated, and will
    perform the trace when a statistic is first requested. Changing the
    operator handles will cause the trace to be rerun on the next request.

    Submodules may be referred to using the module's name. The input model
    has name ``""``, while its descendants have names of the form
    ``"child.grandchild.grandgrandchild..."``.

    An operator is treated as within the scope of a module if calling that
    module directly resulted in that operator being run. In particular, this
    means that calls to other functions owned by a module or explicit calls
    to ``module.forward(...)`` will not register resulting operators as
    contributing statistics to that module.

    We will trace the execution of ``model.forward(inputs)``. This means
    inputs have to be tensors or tuple of tensors (see
    https://pytorch.org/docs/stable/generated/torch.jit.trace.html#torch.jit.trace).
    In order to trace other methods or unsupported input types, you may need
    to implement a wrapper module.

    Args:
        model (nn.Module): The model to analyze.
        inputs (Tensor or tuple[Tensor, ...]): The inputs to the model for
            analysis.
    """

    def __init__(self, model: nn.Module, inputs: Any) -> None:
        if not isinstance(model, nn.Module):
            raise ModelTypeError(
                f"{type(self).__name__} expects `model` to be a torch.nn.Module, "
                f"got {type(model).__name__}."
            )
        self._model = model
        self._inputs = inputs
        self._op_handles: dict[str, Handle] = {}
        # name -> module, including every alias of shared modules
        self._named_modules: dict[str, nn.Module] = dict(_named_modules_with_dup(model))
        # module or alias name -> canonical name
        self._aliases: dict[Any, str] = self._get_aliases(model)
        self._stats: Statistics | None = None
        self._enable_warn_unsupported_ops = True
        self._enable_warn_uncalled_mods = True
        self._warn_trace = "no_tracer_warning"
        self._ancestor_mode = "owner"
        self._ignored_ops: set[str] = _copy.copy(_IGNORED_OPS)

    # ------------------------------------------------------------------ results
    def total(self, module_name: str = "") -> int:
        """Returns the total aggregated statistic across all operators for the
        requested module.

        Args:
            module_name (str): The submodule to get data for. Defaults to
                the entire model.

        Returns:
            int: The aggregated statistic.
        """
        stats = self._analyze()
        return sum(stats.counts[self.canonical_module_name(module_name)].values())

    def by_operator(self, module_name: str = "") -> Counter:
        """Returns the statistics for a requested module, grouped by operator
        type.

        The operator handle determines the name associated with each
        operator type.

        Args:
            module_name (str): The submodule to get data for. Defaults to
                the entire model.

        Returns:
            Counter[str]: The statistics for each operator.
        """
        stats = self._analyze()
        return stats.counts[self.canonical_module_name(module_name)]

    def by_module_and_operator(self) -> dict[str, Counter]:
        """Returns the statistics for all submodules, separated out by
        operator type for each submodule.

        The operator handle determines the name associated with each operator
        type.

        Returns:
            dict[str, Counter[str]]: The statistics for each submodule and
            each operator. Organized per module name, then by operator type.
        """
        return self._analyze().counts

    def by_module(self) -> Counter:
        """Returns the statistics for all submodules, summed over all
        operators.

        Returns:
            Counter[str]: Statistics per module name (every submodule appears,
            with 0 when nothing was counted in it).
        """
        stats = self._analyze()
        summed: Counter = Counter()
        for module_name, counts in stats.counts.items():
            summed[module_name] = sum(counts.values())
        return summed

    def unsupported_ops(self, module_name: str = "") -> Counter:
        """Lists the number of operators that were encountered but
        unsupported because no operator handle is available for them.

        Does not include operators that are explicitly ignored.

        Args:
            module_name (str): The submodule to list unsupported ops for.
                Defaults to the entire model.

        Returns:
            Counter[str]: The number of occurrences of each unsupported
            operator.
        """
        if self._stats is None:
            self._analyze()
        assert self._stats is not None
        return self._stats.unsupported_ops[self.canonical_module_name(module_name)]

    def uncalled_modules(self) -> set[str]:
        """Returns a set of submodules that were never called during the
        trace of the graph.

        This may be because they were unused, or because they were accessed
        via direct calls to ``.forward()`` or with other python methods. In
        the latter case, statistics will not be attributed to the submodule,
        though the statistics will be included in the parent module.

        Returns:
            set[str]: The set of submodule names that were never called
            during the trace of the model.
        """
        return self._analyze().uncalled_mods

    # ----------------------------------------------------------------- settings
    def set_op_handle(self: T, *args: Any, **kwargs: Handle | None) -> T:
        """Sets additional operator handles, or replaces existing ones.

        Args:
            args: (str, Handle) pairs of operator names and handles.
            kwargs: mapping from operator names to handles.

        If a handle is ``None``, the op will be explicitly ignored. Otherwise,
        handle should be a function that calculates the desirable statistic
        from an operator. The function must take two arguments, which are the
        inputs and outputs of the operator, in the form of
        ``list(torch._C.Value)``. The function should return a counter object
        with per-operator statistics.

        Examples:
            >>> import torch
            >>> import torch.nn as nn
            >>> from mmengine.analysis import FlopAnalyzer
            >>> def my_handler(inputs, outputs):
            ...     return 7
            >>> counter = FlopAnalyzer(nn.Linear(4, 2), torch.ones(1, 4))
            >>> handlers = {"aten::linear": my_handler}
            >>> counter.set_op_handle("aten::matmul", None,
            ...     "aten::bmm", my_handler).set_op_handle(**handlers).total()
            7

        Returns:
            The analyzer itself, so that calls can be chained.
        """
        if len(args) % 2 != 0:
            raise TypeError(
                # 0.10's sentence first (sic: "andhandles")
                "set_op_handle should be called with pairs of names andhandles! "
                "Pass operator names and handles alternately, e.g. "
                f"set_op_handle('aten::add', handle); got {len(args)} positional arguments."
            )
        pairs = list(zip(args[::2], args[1::2])) + list(kwargs.items())
        for name, handle in pairs:
            if not isinstance(name, str):
                raise TypeError(f"Operator names must be strings like 'aten::add', got {name!r}.")
            if handle is not None and not callable(handle):
                raise TypeError(
                    f"The handle for operator {name!r} must be callable(inputs, outputs) "
                    f"or None (to ignore the op), got {type(handle).__name__}."
                )
        self._stats = None
        for name, handle in pairs:
            if handle is None:
                self._op_handles.pop(name, None)
                self._ignored_ops.add(name)
            else:
                self._ignored_ops.discard(name)
                self._op_handles[name] = handle
        return self

    def clear_op_handles(self: T) -> T:
        """Clears all operator handles currently set."""
        self._op_handles = {}
        self._ignored_ops = _copy.copy(_IGNORED_OPS)
        self._stats = None
        return self

    def canonical_module_name(self, name: str) -> str:
        """Returns the canonical module name of the given ``name``, which
        might be different from the given ``name`` if the module is shared.

        This is the name that will be used as a key when statistics are
        output using :meth:`by_module` and :meth:`by_module_and_operator`.

        Args:
            name (str): The name of the module to find the canonical name for.

        Returns:
            str: The canonical name of the module.
        """
        if not isinstance(name, str):
            raise ModuleNameTypeError(
                f"Module name must be a string. Got {type(name).__name__} {name!r}; "
                "use the names of `model.named_modules()`, with '' for the model itself."
            )
        if name in self._aliases:
            return self._aliases[name]
        raise KeyError(
            "Requested module name is not among the descendants of the analyzed model. "
            f"{name!r} is not a submodule of {type(self._model).__name__}; valid names are "
            "those of `model.named_modules()`, with '' for the model itself."
        )

    def copy(self, new_model: nn.Module | None = None, new_inputs: Any = None) -> JitModelAnalysis:
        """Returns a copy of the analyzer with the same settings and handles.

        Args:
            new_model (nn.Module, optional): A new model for the new analyzer.
                Defaults to the current model.
            new_inputs (Any, optional): New inputs for the new analyzer.
                Defaults to the current inputs.

        Returns:
            JitModelAnalysis: The copied analyzer (not yet run). As in 0.10 it is a plain
            ``JitModelAnalysis`` (also when copying a ``FlopAnalyzer``), with the handles
            and settings of this one.
        """
        model = self._model if new_model is None else new_model
        inputs = self._inputs if new_inputs is None else new_inputs
        analyzer = JitModelAnalysis(model=model, inputs=inputs)
        analyzer._op_handles = dict(self._op_handles)
        analyzer._ignored_ops = set(self._ignored_ops)
        analyzer._enable_warn_unsupported_ops = self._enable_warn_unsupported_ops
        analyzer._enable_warn_uncalled_mods = self._enable_warn_uncalled_mods
        analyzer._warn_trace = self._warn_trace
        analyzer._ancestor_mode = self._ancestor_mode
        return analyzer

    def tracer_warnings(self: T, mode: str) -> T:
        """Sets which warnings to print when tracing the graph to calculate
        statistics.

        There are three modes:

        - ``'all'``: keeps all warnings raised while tracing.
        - ``'no_tracer_warning'``: suppresses the individual
          ``torch.jit.TracerWarning`` s (default); one summary warning names
          the modules that raised them, since they mean the counts only hold
          for the traced path (data-dependent Python control flow).
        - ``'none'``: suppresses all warnings raised while tracing.

        Args:
            mode (str): warning mode in one of the above values.
        """
        if mode not in _TRACER_WARNING_MODES:
            raise ValueError(
                f"Unrecognized tracer warning mode {mode}. "
                f"Expected one of {', '.join(map(repr, _TRACER_WARNING_MODES))}."
            )
        self._warn_trace = mode
        return self

    def ancestor_mode(self: T, mode: str) -> T:
        """Sets how to determine the ancestor modules of an operator.

        Must be one of ``'owner'`` or ``'caller'``.

        - ``'caller'``: an operator belongs to all modules that are currently
          executing ``forward()`` at the time the operator is called.
        - ``'owner'``: an operator belongs to the last module that's
          executing ``forward()`` at the time the operator is called, plus
          this module's recursive parents. If a module has multiple parents
          (e.g. a shared module), only one will be picked.

        For most cases, a module only calls submodules it owns, so both
        options would work identically. In certain edge cases, this option
        will affect the hierarchy of results, but won't affect the total
        count.
        """
        if mode not in _ANCESTOR_MODES:
            raise ValueError(f"Unrecognized ancestor mode: {mode} (expected 'owner' or 'caller').")
        self._ancestor_mode = mode
        self._stats = None
        return self

    def unsupported_ops_warnings(self: T, enabled: bool) -> T:
        """Sets if warnings for unsupported operators are shown.

        Defaults to True. Counts of unsupported operators may be obtained
        from :meth:`unsupported_ops` regardless of this setting.

        Args:
            enabled (bool): Set to True to show unsupported operator warnings.
        """
        self._enable_warn_unsupported_ops = enabled
        return self

    def uncalled_modules_warnings(self: T, enabled: bool) -> T:
        """Sets if warnings from uncalled submodules are shown.

        Defaults to True. A submodule is considered "uncalled" if it is never
        called during tracing. This may be because it is actually unused, or
        because it is accessed via calls to ``.forward()`` or other methods
        of the module. The set of uncalled modules may be obtained from
        :meth:`uncalled_modules` regardless of this setting.

        Args:
            enabled (bool): Set to True to show warnings.
        """
        self._enable_warn_uncalled_mods = enabled
        return self

    # ---------------------------------------------------------------- internals
    def _get_aliases(self, model: nn.Module) -> dict[Any, str]:
        aliases: dict[Any, str] = {}
        for name, module in _named_modules_with_dup(model):
            if module not in aliases:
                aliases[module] = name
            aliases[name] = aliases[module]
        return aliases

    def _get_all_ancestors(self, module_name: str) -> set[str]:
        """All prefixes of a module name (its owners), including the root."""
        parts = module_name.split(".")
        return {".".join(parts[:k]) for k in range(len(parts) + 1)}

    def _simplify_op_name(self, full_op_name: str) -> str:
        """``aten::batch_norm`` -> ``batch_norm``."""
        _, sep, rest = full_op_name.partition("::")
        return rest if sep else full_op_name

    def _should_ignore_node(self, kind: str) -> bool:
        if kind in self._ignored_ops:
            return True
        # prim:: nodes are bookkeeping, except user autograd Functions
        # (prim::PythonOp) and calls to scripted code (prim::CallFunction).
        if kind.startswith("prim::PythonOp") or kind.startswith("prim::CallFunction"):
            return False
        return kind.startswith("prim::")

    def _has_forward(self, module_name: str) -> bool:
        """Whether the module defines a forward of its own (containers and
        ``nn.Identity`` do not produce any op, so are never 'uncalled')."""
        module = self._named_modules.get(module_name)
        if module is None:
            return False
        forward = type(module).forward
        for base in (nn.ModuleList, nn.ModuleDict, nn.Module, nn.Identity):
            if forward is base.forward:
                return False
        return True

    def _trace_inputs(self) -> tuple:
        """Positional arguments of the traced call: a tuple is unpacked,
        anything else (a tensor, a list) is passed as the single argument."""
        inputs = self._inputs
        return inputs if isinstance(inputs, tuple) else (inputs,)

    def _trace(self) -> tuple[Any, set[str]]:
        """Trace the model with module scopes.

        Returns:
            tuple: The traced graph and the names of the modules whose
            forward hooks fired during the trace.
        """
        tracker = _ScopeTracker()
        model = _register_scope_hooks(self._model, self._aliases, tracker)

        tracer_records: list[tuple[str | None, str]] = []
        original_showwarning = warnings.showwarning

        def _showwarning(
            message: Any, category: Any, filename: str, lineno: int, *args: Any, **kwargs: Any
        ) -> None:
            if issubclass(category, torch.jit.TracerWarning) and self._warn_trace != "all":
                # torch's own checks (e.g. F.batch_norm's batch size test in training mode)
                # say nothing about the model's control flow: dropped, as 0.10 drops all
                if not os.path.abspath(filename).startswith(_TORCH_DIR):
                    tracer_records.append((tracker.current, str(message)))
                return
            original_showwarning(message, category, filename, lineno, *args, **kwargs)

        try:
            with warnings.catch_warnings():
                if self._warn_trace == "none":
                    warnings.simplefilter("ignore")
                else:
                    warnings.simplefilter("always", torch.jit.TracerWarning)
                    warnings.showwarning = _showwarning
                try:
                    graph, _ = torch.jit._get_trace_graph(model, self._trace_inputs())
                except Exception as err:
                    self._explain_trace_error(err, tracker.current)
                    raise
        finally:
            tracker.remove()

        if tracer_records and self._warn_trace == "no_tracer_warning":
            where = sorted({_describe_module(n) for n, _ in tracer_records if n is not None})
            first = tracer_records[0][1].split(".")[0]
            print_log(
                f"{type(self).__name__}: tracing {type(self._model).__name__} raised "
                f"{len(tracer_records)} TracerWarning(s) in {', '.join(where) or 'the model'} "
                f"(first: {first}). Data-dependent Python control flow or tensor-to-Python "
                "conversions are frozen by the trace: the counts hold only for the path taken "
                "with these inputs. Call .tracer_warnings('all') to see every warning.",
                logger="current",
                level=logging.WARNING,
            )
        return graph, tracker.called

    def _explain_trace_error(self, err: Exception, module_name: str | None) -> None:
        model_type = type(self._model).__name__
        if module_name is not None:
            module = self._named_modules.get(module_name)
            kind = f" ({type(module).__name__})" if module is not None else ""
            note = (
                f"{type(self).__name__} could not trace {model_type}: the error above was raised "
                f"inside {_describe_module(module_name)}{kind}. The model runs once under "
                "torch.jit tracing with the given inputs; make sure that module runs with them "
                "and only passes tensors (or tuples/lists/dicts of tensors) between traced modules."
            )
        else:
            note = (
                f"{type(self).__name__} could not trace {model_type} outside any submodule's "
                "forward: torch.jit tracing needs `inputs` to be a tensor or a tuple of tensors "
                f"(got {type(self._inputs).__name__}) and outputs made of tensors. Wrap the model "
                "in a small nn.Module taking tensors to analyze other signatures."
            )
        _attach_note(err, note)

    def _analyze(self) -> Statistics:
        if self._stats is not None:
            return self._stats

        graph, called = self._trace()

        counts: dict[str, Counter] = {}
        unsupported: dict[str, Counter] = {}
        for _, module in _named_modules_with_dup(self._model):
            name = self._aliases[module]
            counts[name] = Counter()
            unsupported[name] = Counter()

        all_seen: set[str] = set()
        for node in graph.nodes():
            kind = node.kind()
            if kind == "prim::PythonOp":
                kind = kind + "." + node.pyname()
            scope_names = node.scopeName().split("/")
            all_seen.update(scope_names)
            if self._ancestor_mode == "caller":
                ancestors = set(scope_names)
            else:
                ancestors = self._get_all_ancestors(scope_names[-1])
                all_seen.update(ancestors)
            ancestors = {a for a in ancestors if a in counts}

            handle = self._op_handles.get(kind)
            if handle is None:
                if self._should_ignore_node(kind):
                    continue
                for name in ancestors:
                    unsupported[name][kind] += 1
                continue

            op_counts = self._run_handle(handle, kind, node, scope_names[-1])
            for name in ancestors:
                counts[name] += op_counts

        uncalled = {n for n in self._aliases.values() if n not in all_seen}
        stats = Statistics(counts=counts, unsupported_ops=unsupported, uncalled_mods=uncalled)
        self._stats = stats
        self._warn_unsupported_ops(unsupported[""])
        self._warn_uncalled_mods(uncalled, called)
        return stats

    def _run_handle(self, handle: Handle, kind: str, node: Any, module_name: str) -> Counter:
        inputs, outputs = list(node.inputs()), list(node.outputs())
        try:
            result = handle(inputs, outputs)
        except Exception as err:
            note = (
                f"The handle for operator {kind!r} failed on a node of "
                f"{_describe_module(module_name)}. Fix or replace it with "
                f"set_op_handle({kind!r}, handle), or ignore the op with "
                f"set_op_handle({kind!r}, None)."
            )
            _attach_note(err, note)
            raise
        if isinstance(result, Number) and not isinstance(result, bool):
            return Counter({self._simplify_op_name(kind): result})
        if not isinstance(result, Counter):
            raise TypeError(
                f"The handle for operator {kind!r} must return a number or a "
                f"collections.Counter, got {type(result).__name__}."
            )
        for key, value in result.items():
            if not isinstance(value, Number) or isinstance(value, bool):
                raise ValueError(
                    f"The handle for operator {kind!r} returned a non-numeric count "
                    f"{value!r} for {key!r}; counts must be int or float."
                )
        return result

    def _warn_unsupported_ops(self, ops: Counter) -> None:
        if not self._enable_warn_unsupported_ops:
            return
        for op, freq in ops.items():
            print_log(
                f"Unsupported operator {op} encountered {freq} time(s)",
                logger="current",
                level=logging.WARNING,
            )

    def _warn_uncalled_mods(
        self, uncalled_mods: set[str], called: frozenset[str] | set[str] = frozenset()
    ) -> None:
        if not self._enable_warn_uncalled_mods:
            return
        uncalled = {m for m in uncalled_mods if self._has_forward(m)}
        if not uncalled:
            return
        message = (
            "The following submodules of the model were never called during the "
            "trace of the graph. They may be unused, or they were accessed by direct "
            "calls to .forward() or via other python methods. In the latter case they "
            "will have zeros for statistics, though their statistics will still "
            "contribute to their parent calling module.\n"
            + ", ".join(_display_name(m) for m in sorted(uncalled))
        )
        lost = uncalled & set(called)
        if lost:
            message += (
                "\nOf these, "
                + ", ".join(_display_name(m) for m in sorted(lost))
                + " did run, but none of their operators reached the traced graph, so "
                "their statistics are missing (also from their parents): their results "
                "were probably turned into Python values (.item(), .tolist(), ...) or not "
                "used by the model's outputs."
            )
        print_log(message, logger="current", level=logging.WARNING)
