"""OptimWrapperDict: a named collection of optimizer wrappers (e.g. for GANs)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch
import torch.nn as nn

from ._errors import OptimKeyError, OptimTypeError
from .optimizer_wrapper import OptimWrapper


class OptimDictMisuseError(NotImplementedError, AttributeError):
    """A per-wrapper API called on :class:`OptimWrapperDict` (an ``AttributeError`` in
    0.10, which has no such attribute there)."""


class OptimWrapperDict(OptimWrapper):
    """A dictionary container of :class:`OptimWrapper`.

    Training with several optimizers (a generator and a discriminator, say)
    keeps all their wrappers here, so that the runner can save, load and log
    them as one. It can be indexed and iterated like a dict. Because it
    cannot know which wrapper a loss belongs to, ``update_params``,
    ``backward``, ``step`` and ``optim_context`` raise
    ``NotImplementedError``: call them on the wrapper you need.

    Args:
        **optim_wrapper_dict: Name to :class:`OptimWrapper` instance.

    Examples:
        >>> import torch.nn as nn
        >>> from torch.optim import SGD
        >>> from mmengine.optim import OptimWrapper, OptimWrapperDict
        >>> gen, disc = nn.Linear(1, 1), nn.Linear(1, 1)
        >>> optim_dict = OptimWrapperDict(
        ...     gen=OptimWrapper(SGD(gen.parameters(), lr=0.01)),
        ...     disc=OptimWrapper(SGD(disc.parameters(), lr=0.01)))
        >>> optim_dict.get_lr()
        {'gen.lr': [0.01], 'disc.lr': [0.01]}
    """

    def __init__(self, **optim_wrapper_dict: OptimWrapper) -> None:
        for key, value in optim_wrapper_dict.items():
            if not isinstance(value, OptimWrapper):
                raise OptimTypeError(
                    "`OptimWrapperDict` only accept OptimWrapper instance, "
                    f"but got {key}: {type(value)}. Build each optimizer wrapper first (e.g. "
                    "with build_optim_wrapper) and pass it by name."
                )
        self.optim_wrappers = optim_wrapper_dict

    def update_params(  # type: ignore[override]
        self,
        loss: torch.Tensor,
        step_kwargs: dict | None = None,
        zero_kwargs: dict | None = None,
    ) -> None:
        """Not supported: call ``update_params`` of the wrapper you need."""
        raise NotImplementedError(
            "`update_params` should be called by each optimizer separately`: "
            "OptimWrapperDict cannot tell which optimizer a loss belongs to; call it on "
            'the wrapper you mean, e.g. `optim_wrapper["generator"].update_params(loss)`.'
        )

    def backward(self, loss: torch.Tensor, **kwargs) -> None:
        """Not supported: call ``backward`` of the wrapper you need."""
        raise NotImplementedError(
            "`backward` should be called by each optimizer separately`: call it on the "
            'wrapper you mean, e.g. `optim_wrapper["generator"].backward(loss)`.'
        )

    def step(self, **kwargs) -> None:
        """Not supported: call ``step`` of the wrapper you need."""
        raise NotImplementedError(
            "`step` should be called by each optimizer separately`: call it on the wrapper "
            'you mean, e.g. `optim_wrapper["generator"].step()`.'
        )

    def zero_grad(self, **kwargs) -> None:
        """Set the gradients of all optimizer wrappers to zero."""
        for optim_wrapper in self.optim_wrappers.values():
            optim_wrapper.zero_grad(**kwargs)

    @contextmanager
    def optim_context(self, model: nn.Module) -> Iterator[None]:
        """Not supported: use ``optim_context`` of the wrapper you need."""
        raise NotImplementedError(
            "`optim_context` should be called by each optimizer separately: use the context "
            'of the wrapper you mean, e.g. `optim_wrapper["generator"].optim_context(model)`.'
        )
        yield  # pragma: no cover

    def initialize_count_status(self, model: nn.Module, cur_iter: int, max_iters: int) -> None:
        """Do nothing: each wrapper should be initialized separately.

        The container does not know which model part each wrapper updates.
        """

    def _per_wrapper(self, name: str) -> OptimDictMisuseError:
        return OptimDictMisuseError(
            f"'OptimWrapperDict' has no single `{name}`: gradient accumulation is counted by "
            "each optimizer wrapper; use the wrapper you mean, e.g. "
            f'`optim_wrapper["generator"].{name}`.'
        )

    def scale_loss(self, loss: torch.Tensor) -> torch.Tensor:
        """Not supported: call ``scale_loss`` of the wrapper you need."""
        raise self._per_wrapper("scale_loss(loss)")

    def should_update(self) -> bool:
        """Not supported: call ``should_update`` of the wrapper you need."""
        raise self._per_wrapper("should_update()")

    def should_sync(self) -> bool:
        """Not supported: call ``should_sync`` of the wrapper you need."""
        raise self._per_wrapper("should_sync()")

    @property
    def inner_count(self) -> int:  # type: ignore[override]
        """Not supported: each wrapper counts its own iterations."""
        raise self._per_wrapper("inner_count")

    @property
    def max_counts(self) -> int:  # type: ignore[override]
        """Not supported: each wrapper has its own ``max_counts``."""
        raise self._per_wrapper("max_counts")

    @property
    def accumulative_counts(self) -> int:  # type: ignore[override]
        """Not supported: each wrapper has its own ``accumulative_counts``."""
        raise self._per_wrapper("accumulative_counts")

    @property
    def param_groups(self) -> dict[str, list[dict]]:  # type: ignore[override]
        """The ``param_groups`` of each optimizer wrapper, by name."""
        return {key: value.param_groups for key, value in self.optim_wrappers.items()}

    def get_lr(self) -> dict[str, list[float]]:
        """Learning rates of all optimizers, keyed ``'<name>.lr'``.

        Returns:
            dict[str, list[float]]: Learning rates (and ``'<name>.base_lr'``
            for wrappers that track a base learning rate).
        """
        lr_dict: dict[str, list[float]] = {}
        for name, optim_wrapper in self.optim_wrappers.items():
            inner = optim_wrapper.get_lr()
            if "base_lr" in inner:
                lr_dict[f"{name}.base_lr"] = inner["base_lr"]
            lr_dict[f"{name}.lr"] = inner["lr"]
        return lr_dict

    def get_momentum(self) -> dict[str, list[float]]:
        """Momentum of all optimizers, keyed ``'<name>.momentum'``.

        Returns:
            dict[str, list[float]]: Momentum of all optimizers.
        """
        return {
            f"{name}.momentum": optim_wrapper.get_momentum()["momentum"]
            for name, optim_wrapper in self.optim_wrappers.items()
        }

    def state_dict(self) -> dict:
        """State dicts of all optimizer wrappers, by name.

        Returns:
            dict: Name to state dict of that wrapper.
        """
        return {name: ow.state_dict() for name, ow in self.optim_wrappers.items()}

    def load_state_dict(self, state_dict: dict) -> None:
        """Load the state dict of each named optimizer wrapper.

        Args:
            state_dict (dict): Name to state dict, as from :meth:`state_dict`.
        """
        for name, sub_state in state_dict.items():
            if name not in self.optim_wrappers:
                raise OptimKeyError(
                    f"Mismatched `state_dict`! cannot found {name} in OptimWrapperDict "
                    f"(its optimizer wrappers: {list(self.optim_wrappers)}): the checkpoint "
                    "was saved with other optimizer wrapper names."
                )
            self.optim_wrappers[name].load_state_dict(sub_state)

    def items(self) -> Iterator[tuple[str, OptimWrapper]]:
        """Iterate over ``(name, OptimWrapper)`` pairs."""
        yield from self.optim_wrappers.items()

    def values(self) -> Iterator[OptimWrapper]:
        """Iterate over the optimizer wrappers."""
        yield from self.optim_wrappers.values()

    def keys(self) -> Iterator[str]:
        """Iterate over the names of the optimizer wrappers."""
        yield from self.optim_wrappers.keys()

    def __getitem__(self, key: str) -> OptimWrapper:
        if key not in self.optim_wrappers:
            raise OptimKeyError(
                f"Cannot find {key} in OptimWrapperDict, please check your optimizer "
                f"constructor. Its optimizer wrappers are {list(self.optim_wrappers)}."
            )
        return self.optim_wrappers[key]

    def __contains__(self, key: object) -> bool:
        return key in self.optim_wrappers

    def __len__(self) -> int:
        return len(self.optim_wrappers)

    def __iter__(self) -> Iterator[str]:
        return iter(self.optim_wrappers)

    def __repr__(self) -> str:
        desc = ""
        for name, optim_wrapper in self.optim_wrappers.items():
            desc += f"name: {name}\n"
            desc += repr(optim_wrapper)
        return desc
