"""The training data stream: iterators whose random draws follow 0.10's order and that a
resumed run re-creates without drawing, and the stop check shared by every rank."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch
from torch.utils.data import DataLoader

from mmengine.logging import print_log

from . import _worker_seeding

__all__ = ["agree_on_stop", "generator_preserved"]


@contextmanager
def generator_preserved(dataloader: Any) -> Iterator[None]:
    """Leave the generator the dataloader's iterators draw from as it was (a neutral draw)."""
    generator = getattr(dataloader, "generator", None)
    target = generator if generator is not None else torch.random.default_generator
    state = target.get_state()
    try:
        yield
    finally:
        target.set_state(state)


def agree_on_stop(request: Any) -> bool:
    """All-reduce a stop request: every rank learns whether any rank was asked to stop."""
    from mmengine.dist import all_reduce

    flags = torch.tensor(
        [int(request.requested), -1 if request.exit_code is None else request.exit_code],
        dtype=torch.int64,
    )
    if torch.cuda.is_available() and torch.distributed.get_backend() == "nccl":
        flags = flags.cuda()
    all_reduce(flags, op="max")
    if not flags[0].item():
        return False
    if not request.requested:
        code = int(flags[1].item())
        request.set("another rank was asked to stop", None if code < 0 else code)
    return True


_RESTART_WARNING = (
    "Reach the end of the dataloader, it will be restarted and continue to iterate. It is "
    "recommended to use `mmengine.dataset.InfiniteSampler` to enable the dataloader to iterate "
    "infinitely."
)


def _draw_iterator_seed(dataloader: Any) -> torch.Tensor:
    """Draw what ``iter(dataloader)`` draws, without creating the iterator.

    Creating a DataLoader iterator draws its base seed from ``dataloader.generator`` (torch's
    global generator when None). This makes the same draw through torch's own code on an
    empty stand-in loader, so the generator advances exactly as for the real iterator.

    Returns:
        torch.Tensor: the generator's state before the draw: create the real iterator under
        it to give it the seed drawn here.
    """
    generator = getattr(dataloader, "generator", None)
    state = generator.get_state() if generator is not None else torch.get_rng_state()
    iter(DataLoader([0], generator=generator))
    return state


class _InfiniteDataloaderIterator:
    """Iterate a DataLoader forever, starting a new epoch when one is exhausted.

    The random draw of the first ``iter(dataloader)`` happens at construction (upstream's
    order of random draws), but the iterator itself is created at the first ``next``, under
    the generator state of that draw (so it gets the same seed): a resumed run can first tell
    the sampler to skip the batches already trained on, and nothing is fetched twice.
    """

    def __init__(self, dataloader: DataLoader, epoch: int = 0) -> None:
        self._dataloader = dataloader
        self._epoch = epoch
        self._offset = 0
        self._iterator: Iterator | None = None
        self._creation_state: torch.Tensor | None = _draw_iterator_seed(dataloader)

    def _set_epoch(self) -> None:
        for source in (
            getattr(self._dataloader, "sampler", None),
            getattr(self._dataloader, "batch_sampler", None),
        ):
            if hasattr(source, "set_epoch"):
                source.set_epoch(self._epoch)

    def restart(self, epoch: int, offset: int = 0) -> None:
        """Drop the current iterator; the next ``next`` starts data epoch ``epoch`` at batch
        ``offset`` (the sampler must skip to it), drawing nothing from the generators."""
        self._iterator = None
        self._epoch = epoch
        self._offset = offset
        self._creation_state = None

    def _create(self) -> None:
        # A fresh stream leaves data epoch 0 to DistSamplerSeedHook (0.10 calls
        # ``set_epoch(0)`` once); a restarted one (a resume) names its epoch itself.
        if self._creation_state is None or self._epoch:
            self._set_epoch()
        _worker_seeding.set_position(self._dataloader, self._epoch, self._offset)
        state, self._creation_state = self._creation_state, None
        with generator_preserved(self._dataloader):
            if state is not None:  # give it the seed drawn at construction
                generator = getattr(self._dataloader, "generator", None)
                target = generator if generator is not None else torch.random.default_generator
                target.set_state(state)
            self._iterator = iter(self._dataloader)

    def __iter__(self) -> Iterator:
        return self

    def __next__(self) -> Any:
        if self._iterator is None:
            self._create()
            assert self._iterator is not None
        try:
            return next(self._iterator)
        except StopIteration:
            print_log(_RESTART_WARNING, logger="current", level=logging.WARNING)
            self._epoch += 1
            self._offset = 0
            self._set_epoch()
            _worker_seeding.set_position(self._dataloader, self._epoch, 0)
            # No sleep: workers of the exhausted iterator are shut down by its destructor.
            self._iterator = iter(self._dataloader)
            return next(self._iterator)
