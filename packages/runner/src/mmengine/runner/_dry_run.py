"""``mmengine-train CONFIG --dry-run``: the plan of a run, without training it.

It builds the runner (hooks, logger, visualizer) around the model built on the meta device
(shapes, no weights; a model that cannot be built there is built normally and the report
says so), builds the dataloaders without iterating them (their datasets load their
annotation lists to know their length, no sample is read) and the optimizer wrapper and
parameter schedulers, then prints:

- the hooks in the order they run at each stage, with their priorities;
- the length of each dataloader, and the epochs and iterations of the training;
- the number of parameters (trainable and total);
- an estimate of the forward FLOPs for one sample (``torch.utils.flop_counter`` on the meta
  model; the only data it reads is that one sample, for its shape);

and writes the learning rate and momentum of every iteration of the run, stepped exactly as
``ParamSchedulerHook`` steps them, as ``dry_run_schedule.png`` into the work dir (with
matplotlib; without it, a message says how to get the plot).
"""

from __future__ import annotations

import copy
import math
import os.path as osp
import sys
import types
import warnings
from dataclasses import dataclass, field
from typing import Any, TextIO

import torch
from torch import nn

from mmengine.config import Config
from mmengine.registry import MODELS, PARAM_SCHEDULERS, DefaultScope

__all__ = ["DryRunReport", "dry_run"]

#: The most points per line in the schedule plot (longer runs are drawn at a stride).
_MAX_PLOT_POINTS = 20000


@dataclass
class DryRunReport:
    """What :func:`dry_run` found (also printed).

    Attributes:
        hooks (str): The hook order table (``Runner.get_hooks_info()``).
        dataloader_lengths (dict): Batches per epoch of the train/val/test dataloaders.
        epochs (int, optional): Training epochs (None for an iteration-based loop).
        iters (int): Training iterations.
        params (int): Parameters of the model.
        trainable_params (int): Parameters with ``requires_grad``.
        on_meta (bool): Whether the model was built on the meta device.
        flops (int, optional): Forward FLOPs for one sample (None when unavailable).
        lr (dict): Learning rate of every iteration, per optimizer parameter group.
        momentum (dict): Momentum (or Adam's beta1) of every iteration, per group.
        schedule_png (str, optional): The plot of ``lr`` and ``momentum``.
        notes (list[str]): What could not be done, and why.
    """

    hooks: str = ""
    dataloader_lengths: dict[str, int] = field(default_factory=dict)
    epochs: int | None = None
    iters: int = 0
    params: int = 0
    trainable_params: int = 0
    on_meta: bool = False
    flops: int | None = None
    lr: dict[str, list[float]] = field(default_factory=dict)
    momentum: dict[str, list[float]] = field(default_factory=dict)
    schedule_png: str | None = None
    notes: list[str] = field(default_factory=list)


def _human(n: float) -> str:
    for unit, scale in (("T", 1e12), ("G", 1e9), ("M", 1e6), ("K", 1e3)):
        if abs(n) >= scale:
            return f"{n / scale:.2f} {unit}"
    return f"{n:g}"


def _stay_on_meta(model: nn.Module) -> None:
    """Make ``model.to(...)`` a no-op: the runner moves its model to the device, and a meta
    model has no data to move (``to`` raises for it). Survives the runner's deep copy."""
    model.to = types.MethodType(lambda self, *args, **kwargs: self, model)  # type: ignore[method-assign]


def _build_model(cfg: Config, report: DryRunReport) -> nn.Module | dict:
    model_cfg = cfg.get("model")
    if isinstance(model_cfg, nn.Module) or model_cfg is None:
        return model_cfg
    scope = cfg.get("default_scope")
    try:
        # Resolve the model's type in the config's scope, as the runner would.
        with DefaultScope.overwrite_default_scope(scope), torch.device("meta"):
            model = MODELS.build(model_cfg)
    except Exception as exc:  # noqa: BLE001 (any failure: fall back to a real build)
        report.notes.append(
            f"the model could not be built on the meta device ({type(exc).__name__}: {exc}); "
            "it was built with its weights allocated"
        )
        return model_cfg
    report.on_meta = True
    _stay_on_meta(model)
    return model


def _loop_length(cfg: Config, train_batches: int | None) -> tuple[int | None, int]:
    """(epochs or None, iterations) of the training that ``train_cfg`` describes."""
    train_cfg = dict(cfg.get("train_cfg") or {})
    loop_type = str(train_cfg.get("type", ""))
    by_epoch = train_cfg.get("by_epoch", "max_epochs" in train_cfg)
    if "IterBased" in loop_type or (not by_epoch and "max_iters" in train_cfg):
        return None, int(train_cfg.get("max_iters", 0))
    epochs = int(train_cfg.get("max_epochs", 0))
    return epochs, epochs * (train_batches or 0)


def _build_schedulers(cfg: Config, optim_wrapper: Any, epochs: int | None, iters: int,
                      epoch_length: int | None) -> dict[str, list[Any]]:  # fmt: skip
    """Parameter schedulers per optimizer wrapper name, built as the runner builds them."""
    from mmengine.optim import OptimWrapperDict

    wrappers = (
        dict(optim_wrapper.items())
        if isinstance(optim_wrapper, OptimWrapperDict)
        else {"": optim_wrapper}
    )
    scheduler_cfg = cfg.get("param_scheduler")
    built: dict[str, list[Any]] = {}
    for name, wrapper in wrappers.items():
        items = scheduler_cfg
        if isinstance(items, dict) and "type" not in items:  # one list per optimizer
            items = items.get(name)
        if items is None:
            built[name] = []
            continue
        items = items if isinstance(items, (list, tuple)) else [items]
        schedulers = []
        for item in items:
            item = copy.deepcopy(dict(item))
            by_epoch = item.get("by_epoch", True)
            item.setdefault("end", (epochs if by_epoch else iters) if epochs else iters)
            default_args: dict = dict(optimizer=wrapper)
            if epoch_length:
                default_args["epoch_length"] = epoch_length
            schedulers.append(PARAM_SCHEDULERS.build(item, default_args=default_args))
        built[name] = schedulers
    return built


def _group_values(wrappers: dict[str, Any]) -> dict[str, tuple[float, float | None]]:
    values = {}
    for name, wrapper in wrappers.items():
        for i, group in enumerate(wrapper.optimizer.param_groups):
            key = f"{name + '/' if name else ''}group {i}"
            momentum = group.get("momentum")
            if momentum is None and "betas" in group:
                momentum = group["betas"][0]
            values[key] = (float(group["lr"]), None if momentum is None else float(momentum))
    return values


def _simulate_schedule(
    wrappers: dict[str, Any],
    schedulers: dict[str, list[Any]],
    epochs: int | None,
    iters: int,
    epoch_length: int | None,
    report: DryRunReport,
) -> None:
    """Step the schedulers through the run as ParamSchedulerHook does; record lr/momentum."""
    all_schedulers = [s for group in schedulers.values() for s in group]
    if any(getattr(s, "need_val_args", False) for s in all_schedulers):
        report.notes.append(
            "schedulers driven by validation metrics (e.g. ReduceOnPlateau) are drawn as if "
            "the metric never stopped improving"
        )
    by_iter = [s for s in all_schedulers if not s.by_epoch]
    by_epoch = [s for s in all_schedulers if s.by_epoch and not getattr(s, "need_val_args", 0)]
    with warnings.catch_warnings():
        # No optimizer steps here, and torch warns about schedulers stepping without them.
        warnings.filterwarnings("ignore", message="Detected call of `scheduler.step", module=".*")
        for it in range(iters):
            for key, (lr, momentum) in _group_values(wrappers).items():
                report.lr.setdefault(key, []).append(lr)
                if momentum is not None:
                    report.momentum.setdefault(key, []).append(momentum)
            for scheduler in by_iter:
                scheduler.step()
            if epochs is not None and epoch_length and (it + 1) % epoch_length == 0:
                for scheduler in by_epoch:
                    scheduler.step()


def _plot_schedule(report: DryRunReport, path: str, epoch_length: int | None) -> str | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        report.notes.append(
            "matplotlib is not installed, so no schedule plot was written: "
            "pip install matplotlib (or the mmengine-ng-visualization extra) to get it"
        )
        return None
    series = [("learning rate", report.lr)]
    if report.momentum:
        series.append(("momentum", report.momentum))
    fig, axes = plt.subplots(len(series), 1, figsize=(8, 3 * len(series)), sharex=True)
    axes = list(axes) if len(series) > 1 else [axes]
    for ax, (title, values) in zip(axes, series):
        drawn: list[list[float]] = []
        for key, ys in values.items():
            if any(ys == other for other in drawn):
                continue  # groups on the same schedule are drawn once
            drawn.append(ys)
            stride = max(1, math.ceil(len(ys) / _MAX_PLOT_POINTS))
            xs = list(range(1, len(ys) + 1, stride))
            ax.plot(xs, ys[::stride], label=key)
        ax.set_ylabel(title)
        ax.grid(alpha=0.3)
        if len(drawn) > 1:
            ax.legend(fontsize="small")
        if report.epochs and epoch_length and report.epochs <= 50:
            for epoch in range(1, report.epochs):
                ax.axvline(epoch * epoch_length, color="grey", lw=0.5, ls=":")
    axes[-1].set_xlabel("iteration" + (" (dotted: epochs)" if report.epochs else ""))
    fig.suptitle("Parameter schedule of the run (mmengine-train --dry-run)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _to_device(data: Any, device: str) -> Any:
    if isinstance(data, torch.Tensor):
        return data.to(device)
    if isinstance(data, dict):
        return {k: _to_device(v, device) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return type(data)(_to_device(v, device) for v in data)
    return data


def _count_flops(model: nn.Module, dataloader: Any, on_meta: bool) -> tuple[int, str]:
    """Forward FLOPs of the model on one training sample; and the input's description."""
    from torch.utils.flop_counter import FlopCounterMode

    sample = dataloader.dataset[0]  # the one sample the estimate reads, for its shape
    batch = dataloader.collate_fn([sample])
    preprocessor = getattr(model, "data_preprocessor", None)
    with torch.no_grad():
        if isinstance(preprocessor, nn.Module):
            if on_meta:  # buffers such as mean/std need values (any) to run on
                preprocessor.to_empty(device="cpu")
            data = preprocessor(batch, False)
        else:
            data = batch
        if on_meta:
            data = _to_device(data, "meta")
        inputs = data.get("inputs") if isinstance(data, dict) else data
        shape = tuple(inputs.shape) if isinstance(inputs, torch.Tensor) else type(inputs).__name__
        was_training = model.training
        model.eval()
        try:
            with FlopCounterMode(display=False) as counter:
                if isinstance(data, dict):
                    model(**data, mode="tensor")
                else:
                    model(data, mode="tensor")
        finally:
            model.train(was_training)
    return counter.get_total_flops(), f"input {shape}"


def _say(out: TextIO, text: str = "") -> None:
    print(text, file=out)


def _report_dataloaders(cfg: Config, runner: Any, report: DryRunReport, out: TextIO) -> dict:
    """Build the train/val/test dataloaders (not iterated); print their lengths and the run's."""
    dataloaders: dict[str, Any] = {}
    for split in ("train", "val", "test"):
        dl_cfg = cfg.get(f"{split}_dataloader")
        if dl_cfg is None:
            continue
        dataloader = runner.build_dataloader(copy.deepcopy(dl_cfg), seed=runner.seed)
        dataloaders[split] = dataloader
        report.dataloader_lengths[split] = len(dataloader)
        _say(
            out,
            f"{split} dataloader: {len(dataloader)} batches of {dataloader.batch_size} "
            f"({len(dataloader.dataset)} samples)",
        )
    train_batches = report.dataloader_lengths.get("train")
    report.epochs, report.iters = _loop_length(cfg, train_batches)
    if report.epochs is not None:
        _say(out, f"training: {report.epochs} epochs x {train_batches} iterations = "
                  f"{report.iters} iterations")  # fmt: skip
    else:
        _say(out, f"training: {report.iters} iterations")
    return dataloaders


def _report_model(model: nn.Module, train_dataloader: Any, report: DryRunReport,
                  out: TextIO) -> None:  # fmt: skip
    """Count the model's parameters, and its FLOPs on one training sample when there is one."""
    report.params = sum(p.numel() for p in model.parameters())
    report.trainable_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    where = "built on the meta device: no weights allocated" if report.on_meta else "allocated"
    _say(
        out,
        f"model {type(model).__name__}: {report.params:,} parameters ({_human(report.params)}), "
        f"{report.trainable_params:,} trainable ({where})",
    )
    if train_dataloader is None:
        return
    try:
        report.flops, described = _count_flops(model, train_dataloader, report.on_meta)
        _say(out, f"FLOPs: {_human(report.flops)} per forward of one sample ({described}; a "
                  "multiply-add counts 2, torch.utils.flop_counter)")  # fmt: skip
    except Exception as exc:  # noqa: BLE001 (an estimate: report why it is missing)
        _say(out, f"FLOPs: not available ({type(exc).__name__}: {exc})")


def _report_schedule(cfg: Config, runner: Any, report: DryRunReport, train_batches: int | None,
                     out: TextIO) -> None:  # fmt: skip
    """Step the optimizer's schedulers through the run; print the lr range and plot it."""
    from mmengine.optim import OptimWrapperDict

    optim_wrapper = runner.build_optim_wrapper(copy.deepcopy(cfg.optim_wrapper))
    wrappers = (
        dict(optim_wrapper.items())
        if isinstance(optim_wrapper, OptimWrapperDict)
        else {"": optim_wrapper}
    )
    schedulers = _build_schedulers(cfg, optim_wrapper, report.epochs, report.iters,
                                   train_batches)  # fmt: skip
    _simulate_schedule(wrappers, schedulers, report.epochs, report.iters, train_batches,
                       report)  # fmt: skip
    for key, values in report.lr.items():
        _say(out, f"lr ({key}): first {values[0]:.6g}, max {max(values):.6g}, "
                  f"min {min(values):.6g}, last {values[-1]:.6g}")  # fmt: skip
    png = osp.join(str(runner.work_dir), "dry_run_schedule.png")
    report.schedule_png = _plot_schedule(report, png, train_batches)
    if report.schedule_png:
        _say(out, f"schedule plot: {report.schedule_png}")


def dry_run(cfg: Config, out: TextIO | None = None) -> DryRunReport:
    """Build everything a config describes and print the plan of the run; train nothing.

    Args:
        cfg (Config): The training config (``--cfg-options`` applied).
        out (TextIO, optional): Where to print. Defaults to ``sys.stdout``.

    Returns:
        DryRunReport: What was printed, and the schedule.
    """
    from mmengine._runner_cli import build_runner

    out = out or sys.stdout
    report = DryRunReport()
    cfg = copy.deepcopy(cfg)
    if cfg.get("launcher", "none") != "none":
        report.notes.append(f"launcher {cfg.launcher!r} ignored: a dry run is one process")
    cfg.launcher = "none"
    cfg.load_from = None  # nothing is loaded into a model without weights
    cfg.resume = False
    cfg.model = _build_model(cfg, report)
    runner = build_runner(cfg)

    _say(out, "\n" + "=" * 30 + " dry run " + "=" * 30)
    report.hooks = runner.get_hooks_info()
    _say(out, "Hooks, in the order they run at each stage:")
    _say(out, report.hooks)
    dataloaders = _report_dataloaders(cfg, runner, report, out)
    _report_model(runner.model, dataloaders.get("train"), report, out)
    if cfg.get("optim_wrapper") is not None and report.iters > 0:
        _report_schedule(cfg, runner, report, report.dataloader_lengths.get("train"), out)
    for note in report.notes:
        _say(out, f"note: {note}")
    _say(out, "Nothing was trained.")
    return report
