"""The random state of a process: capture it into a checkpoint, restore it on resume.

A state holds Python's ``random``, NumPy's global generator, torch's CPU generator and the
generator of every CUDA device. Everything is stored as plain lists, ints and tensors, so a
checkpoint holding it loads under ``torch.load(weights_only=True)``.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import torch

from mmengine.dist import all_gather_object, get_dist_info

__all__ = ["capture_random_state", "gather_random_states", "restore_random_state"]


def capture_random_state() -> dict:
    """The state of every global random generator of this process.

    Returns:
        dict: ``python``, ``numpy``, ``torch`` and ``cuda`` (one state per device).
    """
    version, internal, gauss = random.getstate()
    name, keys, pos, has_gauss, cached = np.random.get_state(legacy=True)
    state = dict(
        python=[version, list(internal), gauss],
        numpy=[name, torch.from_numpy(keys.astype(np.int64)), pos, has_gauss, cached],
        torch=torch.get_rng_state(),
        cuda=[],
    )
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = list(torch.cuda.get_rng_state_all())
    return state


def restore_random_state(state: dict) -> None:
    """Restore the global random generators from :func:`capture_random_state`'s result.

    CUDA states are restored for as many devices as both the state and this machine have.
    """
    version, internal, gauss = state["python"]
    random.setstate((version, tuple(internal), gauss))
    name, keys, pos, has_gauss, cached = state["numpy"]
    np.random.set_state((name, keys.numpy().astype(np.uint32), pos, has_gauss, cached))
    torch.set_rng_state(state["torch"])
    cuda = state.get("cuda") or []
    if cuda and torch.cuda.is_available():
        for device, device_state in enumerate(cuda[: torch.cuda.device_count()]):
            torch.cuda.set_rng_state(device_state, device)


def gather_random_states() -> list[dict | None]:
    """Every rank's random state, indexed by rank (a collective call when distributed)."""
    rank, world_size = get_dist_info()
    state = capture_random_state()
    if world_size == 1:
        return [state]
    del rank
    return all_gather_object(state)


def random_state_of(states: Any, rank: int) -> dict | None:
    """This ``rank``'s state among a checkpoint's ``states`` (None if it has none)."""
    if isinstance(states, dict):  # saved by one rank only: {rank: state}
        return states.get(rank)
    if isinstance(states, (list, tuple)) and rank < len(states):
        return states[rank]
    return None
