"""MMFullyShardedDataParallel: torch FSDP with the train/val/test step interface of BaseModel."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, Optional, Union

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
from mmengine.registry import FUNCTIONS, MODEL_WRAPPERS

from .distributed import _build_mm_fully_sharded_data_parallel, run_forward

if TYPE_CHECKING:  # pragma: no cover
    from mmengine.optim import OptimWrapper

__all__ = ["MMFullyShardedDataParallel"]

# Make torch's auto-wrap policies buildable by name from configs.
for _name in (
    "always_wrap_policy",
    "lambda_auto_wrap_policy",
    "size_based_auto_wrap_policy",
    "transformer_auto_wrap_policy",
):
    _fn = getattr(_fsdp_wrap, _name, None)
    if _fn is not None and _name not in FUNCTIONS:
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
