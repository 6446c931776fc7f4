"""ZeroRedundancyOptimizer registered in OPTIMIZERS, buildable from a config.

Importing ``torch.distributed.optim`` costs as much as importing torch
itself, so the torch base class is only imported when an optimizer is
actually constructed: :class:`ZeroRedundancyOptimizer` is a light front
class whose instances are of a subclass that also derives from torch's
``ZeroRedundancyOptimizer`` (``isinstance`` holds for both).
"""

from __future__ import annotations

import functools

import torch
from torch.optim import Optimizer

from mmengine.dist import is_main_process
from mmengine.registry import OPTIMIZERS
from mmengine.utils import digit_version  # noqa: F401  (upstream keeps this name here)
from mmengine.utils.dl_utils import TORCH_VERSION  # noqa: F401  (upstream keeps this name here)


def _resolve_optimizer_class(optimizer_type: str | type) -> type:
    if isinstance(optimizer_type, type):
        return optimizer_type
    optimizer_class = getattr(torch.optim, optimizer_type, None)
    if optimizer_class is None:
        optimizer_class = OPTIMIZERS.get(optimizer_type)
    if optimizer_class is None:
        raise ValueError(
            f"ZeroRedundancyOptimizer: unknown optimizer_type {optimizer_type!r}; it is "
            "neither in torch.optim nor registered in the OPTIMIZERS registry."
        )
    return optimizer_class


@OPTIMIZERS.register_module()
class ZeroRedundancyOptimizer(Optimizer):
    """A ``torch.distributed.optim.ZeroRedundancyOptimizer`` built by name.

    Shards the optimizer states across the ranks of the default process
    group (ZeRO stage 1), which cuts per-rank optimizer memory. It needs an
    initialized process group.

    Args:
        params (Iterable): Parameters (or parameter groups) to optimize.
        optimizer_type (str): Name of the local optimizer class, e.g.
            ``'AdamW'`` (looked up in ``torch.optim``, then in OPTIMIZERS).
        **kwargs: Other arguments of the local optimizer and of torch's
            ``ZeroRedundancyOptimizer`` (only ``overlap_with_ddp=False`` is
            supported).

    Examples:
        >>> optim_wrapper = dict(optimizer=dict(
        ...     type='ZeroRedundancyOptimizer', optimizer_type='AdamW', lr=1e-3))
    """

    def __new__(cls, params, optimizer_type: str, **kwargs):
        if cls is ZeroRedundancyOptimizer:
            cls = _implementation_class()
        return super().__new__(cls)

    def __init__(self, params, optimizer_type: str, **kwargs) -> None:
        optimizer_class = _resolve_optimizer_class(optimizer_type)
        # In the implementation class the next base is torch's ZeRO optimizer.
        super().__init__(params, optimizer_class, **kwargs)  # type: ignore[call-arg]

    def state_dict(self) -> dict:
        """Consolidate the sharded states and return them on the main process.

        Returns:
            dict: The full state dict on rank 0, an empty dict elsewhere.
        """
        self.consolidate_state_dict()  # type: ignore[attr-defined]
        return super().state_dict() if is_main_process() else dict()


@functools.cache
def _implementation_class() -> type:
    from torch.distributed.optim import ZeroRedundancyOptimizer as TorchZeroRedundancyOptimizer

    impl = type(
        "ZeroRedundancyOptimizer",
        (ZeroRedundancyOptimizer, TorchZeroRedundancyOptimizer),
        {"__module__": __name__, "__qualname__": "ZeroRedundancyOptimizer"},
    )
    return impl


def __getattr__(name: str):  # noqa: ANN202
    """0.10's ``_ZeroRedundancyOptimizer`` (torch's class), imported on first use only."""
    if name == "_ZeroRedundancyOptimizer":
        from torch.distributed.optim import ZeroRedundancyOptimizer

        return ZeroRedundancyOptimizer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
