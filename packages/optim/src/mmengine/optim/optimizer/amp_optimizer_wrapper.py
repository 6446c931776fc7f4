"""AmpOptimWrapper: automatic mixed precision on top of OptimWrapper."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import torch
import torch.nn as nn

from mmengine.device import (
    is_cuda_available,  # noqa: F401  (upstream keeps this name here)
    is_mlu_available,  # noqa: F401  (upstream keeps this name here)
    is_musa_available,  # noqa: F401  (upstream keeps this name here)
    is_npu_available,  # noqa: F401  (upstream keeps this name here)
)
from mmengine.registry import OPTIM_WRAPPERS
from mmengine.utils import digit_version  # noqa: F401  (upstream keeps this name here)
from mmengine.utils._messages import closest
from mmengine.utils.dl_utils import TORCH_VERSION  # noqa: F401  (upstream keeps this name here)

from ._errors import OptimTypeError, OptimTypeValueError, OptimValueError
from .optimizer_wrapper import OptimWrapper, _add_note, _explain_backward

_WRAPPER_ARGS = ("optimizer", "accumulative_counts", "clip_grad")
_DTYPE_ALIASES = {
    "fp16": "float16",
    "half": "float16",
    "bf16": "bfloat16",
    "fp32": "float32",
    "float": "float32",
    "fp64": "float64",
    "double": "float64",
}


def _current_device_type() -> str:
    """Device type training runs on: cuda, npu, mlu, musa, mps or cpu."""
    try:
        from mmengine.device import get_device
    except ImportError:  # pragma: no cover - dist is a declared dependency
        return "cuda" if torch.cuda.is_available() else "cpu"
    return get_device()


@OPTIM_WRAPPERS.register_module()
class AmpOptimWrapper(OptimWrapper):
    """An :class:`OptimWrapper` for automatic mixed precision training.

    Built on ``torch.amp``: :meth:`optim_context` enters ``torch.autocast``
    for the current device (cuda, npu, mlu, musa, mps or cpu) and, for
    float16, a ``torch.amp.GradScaler`` scales the loss. bfloat16 (the CPU
    default) has the range of float32 and needs no loss scaling: the scaler
    is then created disabled and passes values through unchanged.

    Args:
        loss_scale (float or str or dict): Configuration of the GradScaler.
            ``'dynamic'``: default dynamic scaling; float: static scaling with
            this scale; dict: keyword arguments of ``GradScaler``.
            Defaults to ``'dynamic'``.
        dtype (str or torch.dtype, optional): Data type to autocast to:
            ``'float16'``, ``'bfloat16'``, ``'float32'`` or ``'float64'`` or a
            ``torch.dtype``. None uses the device default (float16 on
            accelerators, bfloat16 on CPU). Defaults to None.
        use_fsdp (bool): Use ``ShardedGradScaler``, for
            ``FullyShardedDataParallel``. Defaults to False.
        **kwargs: Keyword arguments passed to :class:`OptimWrapper`.

    Note:
        With an iteration-based loop and gradient accumulation, multiply the
        original ``max_iters`` by ``accumulative_counts``.
    """

    valid_dtypes = ("float16", "bfloat16", "float32", "float64")

    def __init__(
        self,
        loss_scale: str | float | dict = "dynamic",
        dtype: str | torch.dtype | None = None,
        use_fsdp: bool = False,
        **kwargs,
    ) -> None:
        mro = type(self).__mro__
        # Only when OptimWrapper itself receives the kwargs (not a mixin that takes others).
        plain = mro[mro.index(AmpOptimWrapper) + 1] is OptimWrapper
        unknown = [key for key in kwargs if key not in _WRAPPER_ARGS] if plain else []
        if unknown:
            names = ("loss_scale", "dtype", "use_fsdp", *_WRAPPER_ARGS)
            close = closest(unknown[0], names)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise TypeError(
                f"AmpOptimWrapper.__init__() got an unexpected keyword argument "
                f"{unknown[0]!r}{hint}. It accepts {', '.join(names)}."
            )
        super().__init__(**kwargs)
        self.device_type = _current_device_type()
        self.cast_dtype = self._parse_dtype(dtype)
        self._autocast_dtype = self._resolve_autocast_dtype(self.cast_dtype)
        self._scale_update_param: float | None = None

        scaler_kwargs: dict = {}
        if loss_scale == "dynamic":
            pass
        elif isinstance(loss_scale, (float, int)) and not isinstance(loss_scale, bool):
            if loss_scale == 0 or loss_scale != loss_scale:  # 0 or nan
                raise OptimTypeValueError(
                    f"AmpOptimWrapper: a static loss_scale must not be {loss_scale!r}: the "
                    "loss is multiplied by it before backward and the gradients divided by "
                    "it, so every gradient becomes inf/nan and every step is skipped. Use a "
                    'power of two such as 512.0, or "dynamic".'
                )
            self._scale_update_param = float(loss_scale)
            scaler_kwargs = dict(init_scale=float(loss_scale))
        elif isinstance(loss_scale, dict):
            scaler_kwargs = dict(loss_scale)
        else:
            raise OptimTypeError(
                'loss_scale must be of type float, dict, or "dynamic", but got '
                f'{loss_scale}. (AmpOptimWrapper: use "dynamic" for dynamic scaling, a '
                "number for a static scale, or a dict of torch.amp.GradScaler arguments.)"
            )
        # Only float16 needs loss scaling; other dtypes keep a disabled scaler
        # so that the interface (and the state dict key) stays the same.
        if self._autocast_dtype != torch.float16:
            scaler_kwargs["enabled"] = False
        try:
            self.loss_scaler = self._build_scaler(use_fsdp, scaler_kwargs)
        except TypeError as exc:
            if isinstance(loss_scale, dict):
                _add_note(
                    exc,
                    f"AmpOptimWrapper: loss_scale={loss_scale!r} is passed to the GradScaler, "
                    "whose arguments are init_scale, growth_factor, backoff_factor, "
                    "growth_interval and enabled.",
                )
            raise

    def _parse_dtype(self, dtype: str | torch.dtype | None) -> torch.dtype | None:
        if isinstance(dtype, str):
            if dtype not in self.valid_dtypes:
                close = closest(dtype, self.valid_dtypes)
                alias = _DTYPE_ALIASES.get(dtype.lower()) or (close[0] if close else None)
                hint = f" Did you mean {alias!r}?" if alias else ""
                raise OptimValueError(
                    f"dtype should be any of {self.valid_dtypes}, got {dtype}. "
                    f"(AmpOptimWrapper dtype: the type autocast computes in.){hint}"
                )
            return getattr(torch, dtype)
        if dtype is not None and not isinstance(dtype, torch.dtype):
            raise OptimTypeError(
                f"dtype should be None or instance of torch.dtype, got {dtype}. "
                f"(AmpOptimWrapper: give one of {self.valid_dtypes} or a torch.dtype.)"
            )
        if dtype is not None and str(dtype).replace("torch.", "") not in self.valid_dtypes:
            raise OptimValueError(
                f"AmpOptimWrapper: dtype {dtype} cannot be used for mixed precision: autocast "
                f"needs a floating point type, one of {self.valid_dtypes}."
            )
        return dtype

    def _resolve_autocast_dtype(self, dtype: torch.dtype | None) -> torch.dtype:
        if dtype is not None:
            return dtype
        if self.device_type == "cpu":
            return torch.bfloat16
        return torch.float16

    def _build_scaler(self, use_fsdp: bool, scaler_kwargs: dict):
        device = self.device_type
        if use_fsdp:
            from torch.distributed.fsdp.sharded_grad_scaler import ShardedGradScaler

            try:
                return ShardedGradScaler(device=device, **scaler_kwargs)
            except TypeError:  # torch < 2.3: no `device`, CUDA only (disabled elsewhere)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)
                    return ShardedGradScaler(**scaler_kwargs)
        if device == "cuda":
            # torch.cuda.amp.GradScaler is a (deprecated) subclass of
            # torch.amp.GradScaler: using it keeps `isinstance` checks against
            # either class true, as code written for mmengine 0.10 expects.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)
                return torch.cuda.amp.GradScaler(**scaler_kwargs)
        scaler_class = getattr(torch.amp, "GradScaler", None)
        if scaler_class is None:
            # torch < 2.3 has CUDA's scaler only; off CUDA it disables itself (with a warning):
            # float16 then trains unscaled there (mmengine 0.10 refused AMP on the CPU).
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                return torch.cuda.amp.GradScaler(**scaler_kwargs)
        return scaler_class(device, **scaler_kwargs)

    def backward(self, loss: torch.Tensor, **kwargs) -> None:
        """Back-propagate the loss scaled by :attr:`loss_scaler`.

        Args:
            loss (torch.Tensor): The loss of the current iteration.
            **kwargs: Keyword arguments passed to ``torch.Tensor.backward``.
        """
        with _explain_backward(loss):
            self.loss_scaler.scale(loss).backward(**kwargs)
        self._inner_count += 1

    def step(self, **kwargs) -> None:
        """Unscale (for clipping), step through the scaler and update it.

        Args:
            **kwargs: Keyword arguments passed to ``optimizer.step``.
        """
        if self.clip_grad_kwargs:
            self.loss_scaler.unscale_(self.optimizer)
            self._clip_grad()
        self.loss_scaler.step(self.optimizer, **kwargs)
        self.loss_scaler.update(self._scale_update_param)

    def state_dict(self) -> dict:
        """State dict of the optimizer plus a ``loss_scaler`` entry.

        Returns:
            dict: The merged state dict of the optimizer and the scaler.
        """
        state_dict = super().state_dict()
        state_dict["loss_scaler"] = self.loss_scaler.state_dict()
        return state_dict

    def load_state_dict(self, state_dict: dict) -> None:
        """Load the optimizer state and, if present, the ``loss_scaler`` state.

        Args:
            state_dict (dict): The state dict of the optimizer and scaler.
        """
        if "loss_scaler" in state_dict:
            scaler_state = state_dict.pop("loss_scaler")
            if scaler_state:
                self.loss_scaler.load_state_dict(scaler_state)
        super().load_state_dict(state_dict)

    @contextmanager
    def optim_context(self, model: nn.Module) -> Iterator[None]:
        """Enter autocast (and ``no_sync`` while accumulating gradients).

        Args:
            model (nn.Module): The training model.
        """
        enabled = self._autocast_dtype not in (torch.float32, torch.float64)
        with (
            super().optim_context(model),
            torch.autocast(
                device_type=self.device_type, dtype=self._autocast_dtype, enabled=enabled
            ),
        ):
            yield
