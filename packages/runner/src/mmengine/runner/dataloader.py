"""Building a DataLoader from a config (``Runner.build_dataloader``)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import partial
from typing import Any

from torch.utils.data import DataLoader

from mmengine.dataset import InfiniteSampler
from mmengine.dataset import worker_init_fn as default_worker_init_fn
from mmengine.dist import get_rank, get_world_size
from mmengine.registry import DATA_SAMPLERS, DATASETS, FUNCTIONS
from mmengine.utils._builtin_names import PlainMessage

from . import _worker_seeding
from .utils import _get_batch_size

__all__ = ["build_dataloader", "check_epoch_ends", "check_has_batches"]


class UnregisteredCollateError(PlainMessage, KeyError, TypeError):
    """A ``collate_fn`` type not in ``FUNCTIONS`` (0.10 raised ``TypeError``)."""


class UnregisteredWorkerInitError(PlainMessage, KeyError, AssertionError):
    """A ``worker_init_fn`` type not in ``FUNCTIONS`` (0.10 raised ``AssertionError``)."""


class _SlicedDataset:
    """The first ``length`` samples of ``dataset`` (``num_batch_per_epoch`` in a dataloader).

    Every other attribute (``metainfo``, ``get_data_info``, ...) is the dataset's.
    """

    def __init__(self, dataset: Any, length: int) -> None:
        self._dataset = dataset
        self._length = min(length, len(dataset))

    def __getattr__(self, name: str) -> Any:
        if name in ("_dataset", "_length"):  # not set yet (e.g. while unpickling)
            raise AttributeError(name)
        return getattr(self._dataset, name)

    @property
    def sliced_from(self) -> Any:
        """The whole dataset this one is the first samples of."""
        return self._dataset

    def __getitem__(self, idx: int) -> Any:
        if not -self._length <= idx < self._length:
            raise IndexError(f"index {idx} is out of range for {self._length} samples")
        return self._dataset[idx % self._length]

    def __len__(self) -> int:
        return self._length


def build_dataloader(dataloader: DataLoader | dict, seed: int | None = None,
                     diff_rank_seed: bool = False) -> DataLoader:  # fmt: skip
    """A DataLoader: dataset, sampler (and batch sampler), collate and worker init.

    Without ``collate_fn``, samples are gathered with ``pseudo_collate`` (lists, not stacked
    tensors), as OpenMMLab models expect. ``num_batch_per_epoch`` keeps the first
    ``num_batch_per_epoch * batch_size * world_size`` samples.
    """
    if isinstance(dataloader, DataLoader):
        return dataloader
    cfg = copy.deepcopy(dict(dataloader))
    if "dataset" not in cfg:
        raise KeyError(f"dataloader config needs a 'dataset' key, got keys {sorted(cfg)}")
    dataset = _dataset_of(cfg)
    sampler_cfg = cfg.pop("sampler", dict(type="DefaultSampler", shuffle=False))
    if isinstance(sampler_cfg, dict):
        sampler = DATA_SAMPLERS.build(
            sampler_cfg,
            default_args=dict(dataset=dataset, seed=None if diff_rank_seed else seed),
        )
    else:
        sampler = sampler_cfg
    batch_sampler = cfg.pop("batch_sampler", None)
    if isinstance(batch_sampler, dict):
        batch_sampler = DATA_SAMPLERS.build(
            batch_sampler, default_args=dict(sampler=sampler, batch_size=cfg.pop("batch_size"))
        )
    init_fn = _worker_init_fn(cfg, dataset, seed)
    return DataLoader(
        dataset=dataset,
        sampler=sampler if batch_sampler is None else None,
        batch_sampler=batch_sampler,
        collate_fn=_collate_fn(cfg.pop("collate_fn", dict(type="pseudo_collate"))),
        worker_init_fn=init_fn,
        **cfg,
    )


def check_has_batches(dataloader: Any, stage: str) -> None:
    """Raise a ValueError when ``dataloader`` yields no batches (``len(dataloader) == 0``).

    A loop over such a dataloader would silently do nothing (0.10 fails later with a
    ZeroDivisionError). A dataloader without a length (an iterable dataset) is not checked.

    Args:
        dataloader: the built dataloader (anything with ``len``).
        stage (str): what it feeds, named in the message: ``'train'``, ``'val'``, ``'test'``.

    Raises:
        ValueError: the dataloader has no batches.
    """
    try:
        num_batches = len(dataloader)
    except TypeError:  # no length: an iterable dataset, or a sampler without one
        return
    if num_batches != 0:
        return
    dataset = getattr(dataloader, "dataset", None)
    try:
        num_samples: Any = len(dataset)  # type: ignore[arg-type]
    except TypeError:
        num_samples = "unknown"
    what = _describe_dataset(dataset)
    if num_samples == 0:
        why = (
            f"its dataset {what} has 0 samples. Check the dataset's ann_file/data_root/"
            "filters (or the list given as dataset)"
        )
    else:
        why = (
            f"its dataset {what} has {num_samples} samples, but its sampler gives none on "
            "this rank or drop_last drops the only, incomplete batch. Lower batch_size or "
            "set drop_last=False"
        )
    raise ValueError(f"{stage}_dataloader yields no batches: {why}.")


def index_sampler(dataloader: Any) -> Any:
    """The sampler that draws the dataset indices: a batch sampler's own sampler when the
    dataloader was given a batch sampler (mmdet's ``AspectRatioBatchSampler`` over an
    ``InfiniteSampler``), as ``dataloader.sampler`` is then torch's unused sequential one."""
    batch_sampler = getattr(dataloader, "batch_sampler", None)
    if getattr(dataloader, "batch_size", 0) is None and hasattr(batch_sampler, "sampler"):
        return batch_sampler.sampler
    return getattr(dataloader, "sampler", None)


def check_epoch_ends(dataloader: Any, stage: str, loop: str) -> None:
    """Raise a ValueError when ``dataloader`` samples with an :class:`InfiniteSampler`.

    A loop that goes through the dataloader once (an epoch of training, a validation, a
    test) would then never end: 0.10 runs forever, logging ``[1][15714/2]``.

    Args:
        dataloader: the built dataloader.
        stage (str): what it feeds, named in the message: ``'train'``, ``'val'``, ``'test'``.
        loop (str): the loop's class name, named in the message.

    Raises:
        ValueError: the sampler (or the batch sampler's sampler) never ends.
    """
    sampler = index_sampler(dataloader)
    if isinstance(sampler, InfiniteSampler):
        if stage == "train":
            fix = (
                "use sampler=dict(type='DefaultSampler', shuffle=True) in train_dataloader, or "
                "train by iterations: train_cfg=dict(type='IterBasedTrainLoop', max_iters=...)"
            )
        else:
            fix = f"use sampler=dict(type='DefaultSampler', shuffle=False) in {stage}_dataloader"
        raise ValueError(
            f"{loop} goes through {stage}_dataloader once per epoch, but its sampler "
            f"{type(sampler).__name__} never ends, so the loop would run forever: {fix}."
        )


def _describe_dataset(dataset: Any) -> str:
    """A short description of ``dataset``: its class, and its repr when that is short."""
    name = type(dataset).__name__
    try:
        text = repr(dataset)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the real error
        return name
    if len(text) > 80 or "\n" in text:
        return name
    return text if text.startswith(name) else f"{text} ({name})"


def _dataset_of(cfg: dict) -> Any:
    """Pop and build the dataset (cut to ``num_batch_per_epoch`` batches when given)."""
    dataset_cfg = cfg.pop("dataset")
    if isinstance(dataset_cfg, dict):
        dataset = DATASETS.build(dataset_cfg)
        if hasattr(dataset, "full_init"):
            dataset.full_init()
    else:
        dataset = dataset_cfg
    num_batch_per_epoch = cfg.pop("num_batch_per_epoch", None)
    if num_batch_per_epoch is not None:
        num_samples = num_batch_per_epoch * _get_batch_size(cfg) * get_world_size()
        dataset = _SlicedDataset(dataset, num_samples)
    return dataset


def _worker_init_fn(cfg: dict, dataset: Any, seed: int | None) -> Callable | None:
    """Pop the worker init function (upstream's seeding by default when seeded)."""
    disable_warning = cfg.pop("disable_subprocess_warning", False)
    if "worker_init_fn" in cfg:
        fn_cfg = dict(cfg.pop("worker_init_fn"))
        fn_type = fn_cfg.pop("type")
        fn = FUNCTIONS.get(fn_type) if isinstance(fn_type, str) else fn_type
        if fn is None:
            raise UnregisteredWorkerInitError(
                f"worker_init_fn {fn_type!r} is not registered in FUNCTIONS"
            )
        return partial(fn, **fn_cfg)
    if seed is None:
        return None
    # workers also reseed per batch, so a resumed epoch replays its augmentations
    _worker_seeding.install(cfg, dataset, seed, get_rank())
    return partial(
        default_worker_init_fn,
        num_workers=cfg.get("num_workers", 0),
        rank=get_rank(),
        seed=seed,
        disable_subprocess_warning=disable_warning,
    )


def _collate_fn(collate_cfg: Any) -> Callable:
    if callable(collate_cfg) and not isinstance(collate_cfg, dict):
        return collate_cfg
    if not isinstance(collate_cfg, dict):
        raise TypeError(f"collate_fn should be a dict or callable object, but got {collate_cfg}")
    collate_cfg = dict(collate_cfg)
    collate_type = collate_cfg.pop("type")
    fn = FUNCTIONS.get(collate_type) if isinstance(collate_type, str) else collate_type
    if fn is None:
        raise UnregisteredCollateError(
            "the first argument must be callable: "  # 0.10's sentence first
            f"collate_fn {collate_type!r} is not registered in FUNCTIONS; register it with "
            "@FUNCTIONS.register_module() or pass the function itself"
        )
    return partial(fn, **collate_cfg)
