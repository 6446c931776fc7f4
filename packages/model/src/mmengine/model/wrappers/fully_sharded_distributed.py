"""MMFullyShardedDataParallel: torch FSDP with the train/val/test step interface of BaseModel."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, Optional, Union

import torch
import torch.nn as nn
from torch.distributed.fsdp import (
    BackwardPrefetch,
    CPUOffload,
    FullyShardedDataParallel,
    MixedPrecision,
    ShardingStrategy,
)
from torch.distributed.fsdp import wrap as _fsdp_wrap

from mmengine.logging import print_log
from mmengine.optim import OptimWrapper
from mmengine.registry import FUNCTIONS, MODEL_WRAPPERS
from mmengine.structures import BaseDataElement  # noqa: F401  (upstream's module global)
from mmengine.utils import digit_version, is_seq_of  # noqa: F401  (upstream's module globals)

from .distributed import _build_mm_fully_sharded_data_parallel, run_forward

__all__ = ["MMFSDP2", "MMFullyShardedDataParallel", "fully_shard_model"]

# Make torch's auto-wrap policies buildable by name from configs.
for _name in (
    "always_wrap_policy",
    "lambda_auto_wrap_policy",
    "size_based_auto_wrap_policy",
    "transformer_auto_wrap_policy",
):
    _fn = getattr(_fsdp_wrap, _name, None)
    if _fn is not None and _name not in FUNCTIONS.module_dict:
        FUNCTIONS.register_module(name=_name, module=_fn)


def _function_from_cfg(value: Any, arg_name: str) -> Optional[Callable]:
    """Resolve a callable given as a name in ``FUNCTIONS``, a ``dict(type=..., **kw)`` or itself."""
    if value is None or callable(value):
        return value
    if isinstance(value, str):
        fn = FUNCTIONS.get(value)
        if fn is None:
            raise ValueError(
                f"`{arg_name}`={value!r} is not registered in the FUNCTIONS registry; "
                "register it with FUNCTIONS.register_module() or pass a callable."
            )
        return fn
    if isinstance(value, dict):
        kwargs = dict(value)
        fn = _function_from_cfg(kwargs.pop("type", None), arg_name)
        if fn is None:
            raise ValueError(f'`{arg_name}` dict needs a "type" key, but got {value}')
        return partial(fn, **kwargs)
    raise TypeError(
        f"`{arg_name}` should be a str, a callable, a dict or None, but got {type(value)}"
    )


def _parse_dtype(dtype: Any) -> Optional[torch.dtype]:
    if dtype is None or isinstance(dtype, torch.dtype):
        return dtype
    if isinstance(dtype, str) and isinstance(getattr(torch, dtype, None), torch.dtype):
        return getattr(torch, dtype)
    raise TypeError(f'Expected a torch.dtype or its name (e.g. "float16"), but got {dtype!r}')


def _parse_enum(value: Any, enum_cls: Any, arg_name: str) -> Any:
    if value is None or isinstance(value, enum_cls):
        return value
    if isinstance(value, str):
        try:
            return enum_cls[value.upper()]
        except KeyError as exc:
            raise ValueError(
                f"`{arg_name}`={value!r} is not a member of {enum_cls.__name__}; "
                f"choose one of {[m.name for m in enum_cls]}"
            ) from exc
    raise TypeError(
        f"`{arg_name}` should be a str, a {enum_cls.__name__} or None, but got {type(value)}"
    )


# Replace the lazy stand-in registered by ``distributed.py`` (never a user's class).
_REPLACE_STAND_IN = (
    MODEL_WRAPPERS.module_dict.get("MMFullyShardedDataParallel")
    is _build_mm_fully_sharded_data_parallel
)


@MODEL_WRAPPERS.register_module(force=_REPLACE_STAND_IN)
class MMFullyShardedDataParallel(FullyShardedDataParallel):
    """A wrapper for sharding Module parameters across data parallel workers.

    Different from FullyShardedDataParallel, MMFullyShardedDataParallel
    implements three methods :meth:`train_step`, :meth:`val_step` and
    :meth:`test_step`, which will be called by ``train_loop``, ``val_loop``
    and ``test_loop``. Arguments that are awkward to write in a config are
    accepted in config-friendly forms:

    - ``sharding_strategy``/``backward_prefetch``: enum member names (str).
    - ``cpu_offload``: a bool (``CPUOffload(offload_params=...)``) or a dict.
    - ``auto_wrap_policy`` (alias: ``fsdp_auto_wrap_policy``) and
      ``param_init_fn``: a name registered in ``FUNCTIONS`` or a dict with
      ``type`` plus keyword arguments to bind.
    - ``mixed_precision``: a dict whose dtypes may be names (``'float16'``).

    Args:
        module (nn.Module): module to be wrapped with FSDP.
        process_group (ProcessGroup, optional): process group for sharding.
        sharding_strategy (str or ShardingStrategy, optional): Defaults to
            ``FULL_SHARD`` (FSDP's default).
        cpu_offload (bool or dict or CPUOffload, optional): CPU offloading
            config. Defaults to None (no offloading).
        auto_wrap_policy (str or Callable or dict, optional): policy to
            recursively wrap layers with FSDP.
        backward_prefetch (str or BackwardPrefetch, optional): backward
            prefetch algorithm.
        mixed_precision (dict or MixedPrecision, optional): mixed precision
            config.
        param_init_fn (str or Callable or dict, optional): function to
            materialise meta-device modules.
        use_orig_params (bool): Defaults to True, so that optimizers built on
            the original parameters keep working.
        **kwargs: Other keyword arguments passed to FullyShardedDataParallel.

    Note:
        FSDP works only in distributed training environments.
    """

    def __init__(
        self,
        module: nn.Module,
        process_group: Any = None,
        sharding_strategy: Union[str, ShardingStrategy, None] = None,
        cpu_offload: Union[bool, dict, CPUOffload, None] = None,
        auto_wrap_policy: Union[str, Callable, dict, None] = None,
        backward_prefetch: Union[str, BackwardPrefetch, None] = None,
        mixed_precision: Union[dict, MixedPrecision, None] = None,
        param_init_fn: Union[str, Callable, dict, None] = None,
        use_orig_params: bool = True,
        **kwargs: Any,
    ) -> None:
        if "fsdp_auto_wrap_policy" in kwargs:
            legacy = kwargs.pop("fsdp_auto_wrap_policy")
            if auto_wrap_policy is not None:
                raise ValueError(
                    "`fsdp_auto_wrap_policy` and `auto_wrap_policy` cannot be both set; "
                    "use `auto_wrap_policy`."
                )
            print_log(
                "`fsdp_auto_wrap_policy` is deprecated, use `auto_wrap_policy` instead.",
                logger="current",
                level=logging.WARNING,
            )
            auto_wrap_policy = legacy
        sharding_strategy = _parse_enum(sharding_strategy, ShardingStrategy, "sharding_strategy")
        backward_prefetch = _parse_enum(backward_prefetch, BackwardPrefetch, "backward_prefetch")
        if isinstance(cpu_offload, bool):
            cpu_offload = CPUOffload(offload_params=cpu_offload)
        elif isinstance(cpu_offload, dict):
            cpu_offload = CPUOffload(**cpu_offload)
        elif cpu_offload is not None and not isinstance(cpu_offload, CPUOffload):
            raise TypeError(
                "`cpu_offload` should be a bool, a dict, a CPUOffload or None, but got "
                f"{type(cpu_offload)}"
            )
        auto_wrap_policy = _function_from_cfg(auto_wrap_policy, "auto_wrap_policy")
        param_init_fn = _function_from_cfg(param_init_fn, "param_init_fn")
        if isinstance(mixed_precision, dict):
            mp = dict(mixed_precision)
            for key in ("param_dtype", "reduce_dtype", "buffer_dtype"):
                if key in mp:
                    mp[key] = _parse_dtype(mp[key])
            mixed_precision = MixedPrecision(**mp)
        elif mixed_precision is not None and not isinstance(mixed_precision, MixedPrecision):
            raise TypeError(
                "`mixed_precision` should be a dict, a MixedPrecision or None, but got "
                f"{type(mixed_precision)}"
            )
        if backward_prefetch is not None:
            kwargs["backward_prefetch"] = backward_prefetch
        super().__init__(
            module=module,
            process_group=process_group,
            sharding_strategy=sharding_strategy,
            cpu_offload=cpu_offload,
            auto_wrap_policy=auto_wrap_policy,
            mixed_precision=mixed_precision,
            param_init_fn=param_init_fn,
            use_orig_params=use_orig_params,
            **kwargs,
        )

    def train_step(self, data: dict, optim_wrapper: OptimWrapper) -> dict[str, torch.Tensor]:
        """Interface for model forward, backward and parameters updating during training.

        Args:
            data (dict): Data sampled by dataloader.
            optim_wrapper (OptimWrapper): A wrapper of optimizer to
                update parameters.

        Returns:
            Dict[str, torch.Tensor]: A ``dict`` of tensor for logging.
        """
        with optim_wrapper.optim_context(self):
            data = self.module.data_preprocessor(data, training=True)
            losses = self._run_forward(data, mode="loss")
        parsed_loss, log_vars = self.module.parse_losses(losses)
        optim_wrapper.update_params(parsed_loss)
        return log_vars

    def val_step(self, data: dict) -> list:
        """Gets the prediction of module during validation process.

        The forward goes through FSDP (not ``module.val_step``) so that the
        sharded parameters are gathered.

        Args:
            data (dict): Data sampled by dataloader.

        Returns:
            List[BaseDataElement] or dict: The predictions of given data.
        """
        data = self.module.data_preprocessor(data, False)
        return self._run_forward(data, mode="predict")

    def test_step(self, data: dict) -> list:
        """Gets the predictions of module during testing process.

        Args:
            data (dict): Data sampled by dataloader.

        Returns:
            List[BaseDataElement]: The predictions of given data.
        """
        data = self.module.data_preprocessor(data, False)
        return self._run_forward(data, mode="predict")

    def _run_forward(self, data: Union[dict, tuple, list], mode: str) -> Any:
        """Unpacks data for :meth:`forward`."""
        return run_forward(self, data, mode)


# ---------------------------------------------------------------------------------------------
# FSDP2: ``torch.distributed.fsdp.fully_shard``
# ---------------------------------------------------------------------------------------------


def _shard_selector(
    shard_modules: Any, auto_wrap_policy: Any
) -> Callable[[str, nn.Module, int], bool]:
    """Turn the config's choice of submodules into ``select(name, module, numel) -> bool``.

    ``shard_modules`` is a class name, a class, a list of those, or a callable
    ``fn(module) -> bool`` (also given by its name in ``FUNCTIONS``). ``auto_wrap_policy`` is
    an FSDP1-style policy ``fn(module, recurse, nonwrapped_numel) -> bool`` (e.g.
    ``size_based_auto_wrap_policy``), asked once per submodule with ``recurse=False``.
    """
    if shard_modules is not None and auto_wrap_policy is not None:
        raise ValueError(
            "MMFSDP2: give either `shard_modules` (class names or a predicate) or "
            "`auto_wrap_policy` (an FSDP1-style policy), not both"
        )
    if auto_wrap_policy is not None:
        policy = _function_from_cfg(auto_wrap_policy, "auto_wrap_policy")
        assert policy is not None

        def by_policy(name: str, module: nn.Module, numel: int) -> bool:
            return bool(policy(module=module, recurse=False, nonwrapped_numel=numel))

        return by_policy
    if shard_modules is None:
        return lambda name, module, numel: False
    if isinstance(shard_modules, (str, type)):
        shard_modules = [shard_modules]
    if isinstance(shard_modules, dict) or callable(shard_modules):
        fn = _function_from_cfg(shard_modules, "shard_modules")
        assert fn is not None
        return lambda name, module, numel: bool(fn(module))
    if isinstance(shard_modules, (list, tuple, set)):
        names = {m for m in shard_modules if isinstance(m, str)}
        classes = tuple(m for m in shard_modules if isinstance(m, type))
        bad = [m for m in shard_modules if not isinstance(m, (str, type))]
        if bad:
            raise TypeError(
                f"MMFSDP2: `shard_modules` items must be class names or classes, got {bad!r}"
            )

        def by_class(name: str, module: nn.Module, numel: int) -> bool:
            return type(module).__name__ in names or (bool(classes) and isinstance(module, classes))

        return by_class
    raise TypeError(
        "MMFSDP2: `shard_modules` should be a class name, a class, a list of them or a "
        f"callable, but got {type(shard_modules)}"
    )


def build_mixed_precision_policy(mixed_precision: Any) -> Any:
    """A ``MixedPrecisionPolicy`` from a dict (dtypes may be names, e.g. ``'bfloat16'``)."""
    from torch.distributed.fsdp import MixedPrecisionPolicy

    if mixed_precision is None:
        return MixedPrecisionPolicy()
    if isinstance(mixed_precision, MixedPrecisionPolicy):
        return mixed_precision
    if isinstance(mixed_precision, str):  # e.g. 'bfloat16': parameters in that dtype
        return MixedPrecisionPolicy(param_dtype=_parse_dtype(mixed_precision))
    if isinstance(mixed_precision, dict):
        kwargs = dict(mixed_precision)
        for key in ("param_dtype", "reduce_dtype", "output_dtype"):
            if key in kwargs:
                kwargs[key] = _parse_dtype(kwargs[key])
        try:
            return MixedPrecisionPolicy(**kwargs)
        except TypeError as exc:
            raise TypeError(
                f"MMFSDP2: bad `mixed_precision` {mixed_precision!r}: {exc}; the keys are "
                "param_dtype, reduce_dtype, output_dtype and cast_forward_inputs"
            ) from exc
    raise TypeError(
        "MMFSDP2: `mixed_precision` should be a dict, a dtype name, a MixedPrecisionPolicy or "
        f"None, but got {type(mixed_precision)}"
    )


def build_offload_policy(cpu_offload: Any) -> Any:
    """An ``OffloadPolicy`` from a bool or a dict (``pin_memory`` defaults to CUDA's presence)."""
    from torch.distributed.fsdp import CPUOffloadPolicy, OffloadPolicy

    if cpu_offload is None or cpu_offload is False:
        return OffloadPolicy()
    if isinstance(cpu_offload, OffloadPolicy):
        return cpu_offload
    if cpu_offload is True:
        return CPUOffloadPolicy(pin_memory=torch.cuda.is_available())
    if isinstance(cpu_offload, dict):
        kwargs = dict(cpu_offload)
        kwargs.setdefault("pin_memory", torch.cuda.is_available())
        return CPUOffloadPolicy(**kwargs)
    raise TypeError(
        "MMFSDP2: `cpu_offload` should be a bool, a dict (pin_memory=...), a CPUOffloadPolicy "
        f"or None, but got {type(cpu_offload)}"
    )


def _import_fully_shard():  # noqa: ANN202
    """torch's ``fully_shard`` (public, and tested here, from torch 2.6)."""
    try:
        from torch.distributed.fsdp import fully_shard
    except ImportError:
        raise ImportError(
            f"FSDP2 (fully_shard) needs torch >= 2.6, but this is torch {torch.__version__}: "
            "upgrade torch, or use FSDP1 (fsdp_version=1, the default)"
        ) from None
    return fully_shard


def fully_shard_model(
    module: nn.Module,
    *,
    shard_modules: Any = None,
    auto_wrap_policy: Any = None,
    mesh: Any = None,
    reshard_after_forward: Union[bool, int, None] = None,
    mixed_precision: Any = None,
    cpu_offload: Any = None,
    sync_module_states: bool = True,
) -> nn.Module:
    """Shard ``module`` in place with FSDP2 (``torch.distributed.fsdp.fully_shard``).

    The selected submodules are sharded first (innermost first), each becoming one group whose
    parameters are gathered for its forward and backward, then the root, which holds every
    parameter not in a group. Parameters become ``DTensor`` shards; the module keeps its
    class, attributes and methods.

    Args:
        module (nn.Module): the model; on the device it should train on.
        shard_modules (str or type or list or callable, optional): the submodules that form
            their own groups: class names (``['TransformerBlock']``), classes, or a predicate
            ``fn(module) -> bool`` (or its name in ``FUNCTIONS``). None: one group (the root).
        auto_wrap_policy (callable or str or dict, optional): instead of ``shard_modules``, an
            FSDP1 policy such as ``size_based_auto_wrap_policy``, asked per submodule.
        mesh (DeviceMesh, optional): the data-parallel mesh; defaults to every process.
        reshard_after_forward (bool or int, optional): free the gathered parameters after the
            forward (True, less memory) or keep them for the backward (False, less traffic).
        mixed_precision (dict or MixedPrecisionPolicy, optional): e.g.
            ``dict(param_dtype='bfloat16', reduce_dtype='float32')``.
        cpu_offload (bool or dict or OffloadPolicy, optional): keep the sharded parameters,
            gradients and optimizer state on the CPU.
        sync_module_states (bool): first broadcast every parameter and buffer from rank 0, so
            that every rank shards the same initial weights. Defaults to True.

    Returns:
        nn.Module: ``module`` itself, sharded.
    """
    import torch.distributed as dist

    fully_shard = _import_fully_shard()
    if not (dist.is_available() and dist.is_initialized()):
        raise RuntimeError(
            "FSDP2 (fully_shard) needs an initialised process group: launch with torchrun "
            "(or slurm/mpi) and let the runner or strategy call init_dist"
        )
    if sync_module_states and dist.get_world_size() > 1:
        with torch.no_grad():
            for tensor in list(module.parameters()) + list(module.buffers()):
                dist.broadcast(tensor.data, src=0)
    select = _shard_selector(shard_modules, auto_wrap_policy)
    kwargs: dict = dict(
        mp_policy=build_mixed_precision_policy(mixed_precision),
        offload_policy=build_offload_policy(cpu_offload),
    )
    if mesh is not None:
        kwargs["mesh"] = mesh
    if reshard_after_forward is not None:
        kwargs["reshard_after_forward"] = reshard_after_forward

    # Post-order (children before parents) so that nested groups are sharded innermost first
    # and a policy sees how many parameters are not in a group yet.
    sharded: set[int] = set()

    def visit(name: str, sub: nn.Module) -> int:
        numel = sum(p.numel() for p in sub.parameters(recurse=False))
        for child_name, child in sub.named_children():
            numel += visit(f"{name}.{child_name}" if name else child_name, child)
        if sub is not module and numel > 0 and select(name, sub, numel):
            fully_shard(sub, **kwargs)
            sharded.add(id(sub))
            return 0
        return numel

    visit("", module)
    fully_shard(module, **kwargs)
    return module


def _full_state_dict_hook(module: nn.Module, state_dict: dict, prefix: str, *args: Any) -> None:
    """State-dict post-hook: every ``DTensor`` shard becomes the full tensor (a collective)."""
    from torch.distributed.tensor import DTensor

    for key in list(state_dict):
        value = state_dict[key]
        if key.startswith(prefix) and isinstance(value, DTensor):
            state_dict[key] = value.full_tensor()


def _shard_full_tensors_pre_hook(
    module: nn.Module, state_dict: dict, prefix: str, *args: Any, **kwargs: Any
) -> None:
    """Load pre-hook: full tensors for sharded parameters become this rank's shards."""
    from torch.distributed.tensor import DTensor, distribute_tensor

    for name, tensor in list(module.named_parameters()) + list(module.named_buffers()):
        key = prefix + name
        value = state_dict.get(key)
        if (
            isinstance(tensor, DTensor)
            and isinstance(value, torch.Tensor)
            and not isinstance(value, DTensor)
        ):
            if tuple(value.shape) != tuple(tensor.shape):
                continue  # reported as a size mismatch by load_state_dict
            local = tensor.to_local()
            state_dict[key] = distribute_tensor(
                value.to(device=local.device, dtype=local.dtype),
                tensor.device_mesh,
                tensor.placements,
                src_data_rank=None,
            )


def _full_optim_state_hook(optimizer: torch.optim.Optimizer, state_dict: dict) -> dict:
    """Optimizer state-dict post-hook: sharded states become full tensors (a collective).

    ``Optimizer.state_dict()`` shares the per-parameter dicts with the live state, so the
    full tensors go into new dicts and the optimizer keeps its shards.
    """
    from torch.distributed.tensor import DTensor

    state_dict["state"] = {
        key: {
            name: value.full_tensor() if isinstance(value, DTensor) else value
            for name, value in state.items()
        }
        for key, state in state_dict.get("state", {}).items()
    }
    return state_dict


def _shard_optim_state(optimizer: torch.optim.Optimizer) -> None:
    """Turn full tensors loaded into the state of sharded parameters into their shards."""
    from torch.distributed.tensor import DTensor, distribute_tensor

    for param, state in optimizer.state.items():
        if not isinstance(param, DTensor):
            continue
        for name, value in list(state.items()):
            if (
                isinstance(value, torch.Tensor)
                and not isinstance(value, DTensor)
                and tuple(value.shape) == tuple(param.shape)
            ):
                local = param.to_local()
                state[name] = distribute_tensor(
                    value.to(device=local.device, dtype=value.dtype),
                    param.device_mesh,
                    param.placements,
                    src_data_rank=None,
                )


# ``mmengine._strategy`` registers a stand-in that imports this module on first use.
_REPLACE_FSDP2_STAND_IN = getattr(
    MODEL_WRAPPERS.module_dict.get("MMFSDP2"), "_mmengine_stand_in", False
)


@MODEL_WRAPPERS.register_module(force=_REPLACE_FSDP2_STAND_IN)
class MMFSDP2(nn.Module):
    """Fully sharded data parallel with FSDP2 (``torch.distributed.fsdp.fully_shard``).

    Each process keeps one shard of every parameter, gradient and optimizer state; the
    parameters of a group are gathered just for its forward and backward. Unlike FSDP1 it
    works on the CPU with the gloo backend, keeps the module's parameter names and gives
    ``DTensor`` parameters. The wrapper implements ``train_step``, ``val_step`` and
    ``test_step`` for the loops, so it serves as the Runner's model wrapper::

        model_wrapper_cfg = dict(
            type='MMFSDP2',
            shard_modules=['TransformerBlock'],      # or auto_wrap_policy=...
            mixed_precision=dict(param_dtype='bfloat16', reduce_dtype='float32'),
            cpu_offload=False)

    With ``full_state_dict=True`` (the default) ``module.state_dict()`` returns full tensors
    (gathered from every process, so every process must call it, as the Runner does) and
    full tensors load into the shards, so the Runner's ordinary checkpoints hold the whole
    model, and so does the optimizer state saved after the first training step. For
    checkpoints written shard by shard (no gathering, resumable on another number of
    processes) use ``FlexibleRunner`` with ``FSDPStrategy(fsdp_version=2)``.

    Args:
        module (nn.Module): the model to shard (in place).
        shard_modules, auto_wrap_policy, mesh, reshard_after_forward, mixed_precision,
        cpu_offload, sync_module_states: see :func:`fully_shard_model`.
        full_state_dict (bool): make ``state_dict`` full (see above). Defaults to True.
    """

    def __init__(
        self,
        module: nn.Module,
        *,
        shard_modules: Any = None,
        auto_wrap_policy: Any = None,
        mesh: Any = None,
        reshard_after_forward: Union[bool, int, None] = None,
        mixed_precision: Any = None,
        cpu_offload: Any = None,
        sync_module_states: bool = True,
        full_state_dict: bool = True,
    ) -> None:
        super().__init__()
        self.module = fully_shard_model(
            module,
            shard_modules=shard_modules,
            auto_wrap_policy=auto_wrap_policy,
            mesh=mesh,
            reshard_after_forward=reshard_after_forward,
            mixed_precision=mixed_precision,
            cpu_offload=cpu_offload,
            sync_module_states=sync_module_states,
        )
        self.full_state_dict = full_state_dict
        self._optimizers_adopted: set[int] = set()
        if full_state_dict:
            self.module._register_state_dict_hook(_full_state_dict_hook)
            self.module._register_load_state_dict_pre_hook(
                _shard_full_tensors_pre_hook, with_module=True
            )

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self.module(*args, **kwargs)

    @contextlib.contextmanager
    def no_sync(self) -> Iterator[None]:
        """Accumulate gradients without reducing them (gradient accumulation)."""
        self.module.set_requires_gradient_sync(False)
        try:
            yield
        finally:
            self.module.set_requires_gradient_sync(True)

    def _adopt_optimizers(self, optim_wrapper: Any) -> None:
        """Full optimizer state in state_dict; full state loaded by a resume is resharded."""
        if not self.full_state_dict:
            return
        wrappers = optim_wrapper.values() if hasattr(optim_wrapper, "values") else [optim_wrapper]
        for wrapper in wrappers:
            optimizer = getattr(wrapper, "optimizer", None)
            if optimizer is None or id(optimizer) in self._optimizers_adopted:
                continue
            _shard_optim_state(optimizer)
            optimizer.register_state_dict_post_hook(_full_optim_state_hook)
            optimizer.register_load_state_dict_post_hook(_shard_optim_state)
            self._optimizers_adopted.add(id(optimizer))

    def train_step(self, data: dict, optim_wrapper: OptimWrapper) -> dict[str, torch.Tensor]:
        """Preprocess, forward in ``loss`` mode, parse the losses and update the parameters.

        Args:
            data (dict): Data sampled by dataloader.
            optim_wrapper (OptimWrapper): A wrapper of optimizer to update parameters.

        Returns:
            Dict[str, torch.Tensor]: A ``dict`` of tensor for logging.
        """
        self._adopt_optimizers(optim_wrapper)
        with optim_wrapper.optim_context(self):
            data = self.module.data_preprocessor(data, training=True)
            losses = run_forward(self.module, data, "loss")
        parsed_loss, log_vars = self.module.parse_losses(losses)
        optim_wrapper.update_params(parsed_loss)
        return log_vars

    def val_step(self, data: dict) -> list:
        """The predictions of the sharded model (parameters gathered group by group)."""
        data = self.module.data_preprocessor(data, False)
        return run_forward(self.module, data, "predict")

    def test_step(self, data: dict) -> list:
        """The predictions of the sharded model (parameters gathered group by group)."""
        data = self.module.data_preprocessor(data, False)
        return run_forward(self.module, data, "predict")
