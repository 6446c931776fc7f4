"""LogProcessor: turn the message hub's scalars into a log line and a dict of tags.

The line layouts are upstream's (dashboards and ``analyze_logs.py`` scripts parse them):

- train: ``Epoch(train)  [3][ 10/250]  lr: 2.0000e-02  eta: 1:23:20  time: 0.2500
  data_time: 0.0500  loss: 0.7500`` (the ``[epoch]`` field right-justified to
  ``len(str(max_epochs)) + 3``, the batch index to the width of the dataloader length);
- val/test per iteration: the header, the learning rates if any, then
  ``eta: ..  time: ..  data_time: ..  `` (two trailing spaces, no other scalars);
- val/test summary: ``Epoch(val) [2][40/40]`` then four spaces, the metrics, the non-scalar
  infos and the time keys, joined by two spaces.
"""

from __future__ import annotations

import copy
import datetime
import re
from collections import OrderedDict
from typing import Any

import numpy as np
import torch

from mmengine.device import (  # noqa: F401  (upstream's module globals)
    get_max_cuda_memory,
    get_max_musa_memory,
    is_cuda_available,
    is_musa_available,
)
from mmengine.registry import LOG_PROCESSORS

_TIME_KEYS = ("time", "data_time")


class LogModeError(ValueError, AssertionError):
    """An unknown ``mode`` for a log line (0.10 asserted: an ``AssertionError`` too)."""


@LOG_PROCESSORS.register_module()
class LogProcessor:
    """Format the logs collected in ``runner.message_hub.log_scalars``.

    By default a scalar whose name matches ``mean_pattern`` (losses, times, grad norm) is
    averaged over the last ``window_size`` iterations and any other (the learning rate) shows
    its latest value. ``custom_cfg`` changes this per data source.

    Args:
        window_size (int): default smoothing window, in iterations. Defaults to 10.
        by_epoch (bool): format as ``Epoch(train) [e][i/n]`` rather than
            ``Iter(train) [i/n]``. Defaults to True.
        custom_cfg (list[dict], optional): each dict has ``data_src`` (the scalar's name,
            e.g. ``'loss'``), ``method_name`` (a HistoryBuffer statistic: mean, min, max,
            current), optionally ``log_name`` (a new entry; without it the source's entry is
            replaced) and ``window_size`` (an int, ``'epoch'`` or ``'global'``).
        num_digits (int): decimals shown. Defaults to 4.
        log_with_hierarchy (bool): keep the ``train/``, ``val/`` prefixes in the returned tag
            (the visualizer then groups scalars by stage). Defaults to False.
        mean_pattern (str): regex of the names averaged by default.

    Examples:
        >>> log_processor = dict(window_size=10, by_epoch=True, custom_cfg=[
        ...     dict(data_src='loss', log_name='loss_large_window',
        ...          method_name='mean', window_size=100)])
    """

    def __init__(
        self,
        window_size: int = 10,
        by_epoch: bool = True,
        custom_cfg: list[dict] | None = None,
        num_digits: int = 4,
        log_with_hierarchy: bool = False,
        mean_pattern: str = r".*(loss|time|data_time|grad_norm).*",
    ) -> None:
        self.window_size = window_size
        self.by_epoch = by_epoch
        self.custom_cfg = custom_cfg if custom_cfg else []
        self.num_digits = num_digits
        self.log_with_hierarchy = log_with_hierarchy
        self.mean_pattern = re.compile(mean_pattern)
        self._check_custom_cfg()

    # ----------------------------------------------------------------- public API
    def get_log_after_iter(self, runner: Any, batch_idx: int, mode: str) -> tuple[dict, str]:
        """Format the log of one training, validation or test iteration.

        Args:
            runner (Runner): the runner.
            batch_idx (int): index of the batch in the current epoch (or loop).
            mode (str): ``'train'``, ``'val'`` or ``'test'``.

        Returns:
            tuple[dict, str]: the tag (name -> value, plus ``epoch``/``iter``) for the
            visualizer and the log line.
        """
        if mode not in ("train", "val", "test"):
            raise LogModeError(f"mode must be 'train', 'val' or 'test', got {mode!r}")
        parsed_cfg = self._parse_windows_size(runner, batch_idx, self.custom_cfg)
        log_tag = self._collect_scalars(parsed_cfg, runner, mode)
        if self.log_with_hierarchy:
            tag = self._collect_scalars(parsed_cfg, runner, mode, reserve_prefix=True)
        else:
            tag = copy.copy(log_tag)

        lr_str = " ".join(
            f"{key}: {self._fmt_lr(value)}" for key, value in log_tag.items() if key.endswith("lr")
        )
        log_str = f"{self._iter_header(runner, batch_idx, mode)}  {lr_str}  "
        memory = self._get_max_memory(runner) if is_cuda_available() else None
        if mode == "train":
            log_str += self._train_tail(runner, log_tag, memory)
        else:
            log_str += self._eval_tail(runner, log_tag, memory)
        if self.by_epoch and mode in ("train", "val"):
            tag["epoch"] = self._get_epoch(runner, mode)
        tag["iter"] = runner.iter + 1 if self._train_loop_built(runner) else 0
        if memory is not None:  # after epoch and iter, as in 0.10's tag
            tag["memory"] = memory
        return tag, log_str

    def _eta(self, runner: Any) -> str:
        eta = runner.message_hub.get_info("eta")
        return "" if eta is None else f"eta: {datetime.timedelta(seconds=int(eta))}  "

    def _train_tail(self, runner: Any, log_tag: dict, memory: int | None) -> str:
        """``eta``, times, memory and every other scalar of a train line.

        With an ``eta`` and both times (the ``IterTimerHook`` runs), the times follow it at
        the front; otherwise they stay among the other scalars, in the hub's order, as in 0.10.
        """
        head, items = "", []
        leading: tuple = ()
        if all(k in log_tag for k in _TIME_KEYS):
            head = self._eta(runner)
        if head:
            leading = _TIME_KEYS
            items += [f"{k}: {log_tag[k]:.{self.num_digits}f}" for k in _TIME_KEYS]
        if memory is not None:
            items.append(f"memory: {memory}")
        for key, value in log_tag.items():
            if key not in leading and not key.endswith("lr"):
                items.append(f"{key}: {self._fmt(value)}")
        return head + "  ".join(items)

    def _eval_tail(self, runner: Any, log_tag: dict, memory: int | None) -> str:
        """``eta``, times (only with an eta and both times) and memory of a val/test line (no
        other scalars; trailing spaces)."""
        text = ""
        eta = self._eta(runner)
        if eta and all(k in log_tag for k in _TIME_KEYS):
            text = eta + "".join(f"{k}: {log_tag[k]:.{self.num_digits}f}  " for k in _TIME_KEYS)
        if memory is not None:
            text += f"memory: {memory}  "
        return text

    def get_log_after_epoch(
        self, runner: Any, batch_idx: int, mode: str, with_non_scalar: bool = False
    ) -> tuple[dict, str]:
        """Format the log at the end of a validation or test epoch.

        Args:
            runner (Runner): the runner.
            batch_idx (int): index of the last batch of the loop.
            mode (str): ``'val'`` or ``'test'``.
            with_non_scalar (bool): also put the non-scalar infos (e.g. a confusion matrix)
                into the returned tag. Defaults to False.

        Returns:
            tuple[dict, str]: the tag (metrics first, ``time``/``data_time`` last) and the
            log line.
        """
        if mode not in ("test", "val"):
            raise LogModeError(
                f"`_get_metric_log_str` only accept val or test mode, but got {mode}: the "
                "epoch log is written after validation and testing (training logs per "
                "iteration, with get_log_after_iter)"
            )
        dataloader_len = self._get_dataloader_size(runner, mode)
        if self.by_epoch and mode == "val":
            cur_epoch = self._get_epoch(runner, mode)
            head = f"Epoch({mode}) [{cur_epoch}][{dataloader_len}/{dataloader_len}]"
        elif self.by_epoch:
            head = f"Epoch({mode}) [{dataloader_len}/{dataloader_len}]"
        else:
            head = f"Iter({mode}) [{dataloader_len}/{dataloader_len}]"

        custom_cfg = copy.deepcopy(self.custom_cfg)
        for src in _TIME_KEYS:
            if not any(c["data_src"] == src and "log_name" not in c for c in custom_cfg):
                custom_cfg.append(dict(data_src=src, window_size="epoch", method_name="mean"))
        parsed_cfg = self._parse_windows_size(runner, batch_idx, custom_cfg)
        reserve = self.log_with_hierarchy
        ori_tag = self._collect_scalars(parsed_cfg, runner, mode, reserve_prefix=reserve)
        non_scalar_tag = self._collect_non_scalars(runner, mode)

        time_names = {f"{mode}/{k}" if reserve else k for k in _TIME_KEYS}
        metrics = OrderedDict((k, v) for k, v in ori_tag.items() if k not in time_names)
        times = OrderedDict((k, v) for k, v in ori_tag.items() if k in time_names)
        items = [f"{key}: {self._fmt_metric(value)}" for key, value in metrics.items()]
        items += [f"{key}: {self._fmt_metric(value)}" for key, value in non_scalar_tag.items()]
        items += [f"{key}: {self._fmt_metric(value)}" for key, value in times.items()]
        log_str = f"{head}    " + "  ".join(items)

        tag: OrderedDict = OrderedDict(metrics)
        if with_non_scalar:
            tag.update(non_scalar_tag)
        tag.update(times)
        return tag, log_str

    # ----------------------------------------------------------------- formatting
    def _iter_header(self, runner: Any, batch_idx: int, mode: str) -> str:
        """``Epoch(train)  [3][ 10/250]``, ``Epoch(test) [5/8]``, ``Iter(val) [ 5/40]``..."""
        if mode == "train" and not self.by_epoch:
            max_iters = runner.max_iters
            cur_iter = self._get_iter(runner, batch_idx)
            return f"Iter(train) [{cur_iter:>{len(str(max_iters))}}/{max_iters}]"
        dataloader_len = self._get_dataloader_size(runner, mode)
        cur = f"{batch_idx + 1:>{len(str(dataloader_len))}}/{dataloader_len}"
        if not self.by_epoch:
            return f"Iter({mode}) [{cur}]"
        if mode == "test":
            return f"Epoch(test) [{cur}]"
        cur_epoch = self._get_epoch(runner, mode)
        if self._train_loop_built(runner):
            width = len(str(runner.max_epochs)) + 3
            epoch_field = f"[{cur_epoch}]".rjust(width)
        else:  # a bare val(): upstream glues the epoch to the mode
            epoch_field = f"[{cur_epoch}]"
        return f"Epoch({mode}){epoch_field}[{cur}]"

    def _fmt(self, value: Any) -> str:
        """A scalar: floats with ``num_digits`` decimals, anything else as ``str``."""
        if isinstance(value, (float, np.floating)):
            return f"{value:.{self.num_digits}f}"
        if isinstance(value, torch.Tensor) and value.numel() == 1 and value.is_floating_point():
            return f"{value.item():.{self.num_digits}f}"
        return str(value)

    def _fmt_metric(self, value: Any) -> str:
        """A summary value: arrays and tensors on lines of their own."""
        if isinstance(value, (torch.Tensor, np.ndarray)):
            return f"\n{value}\n"
        return self._fmt(value)

    def _fmt_lr(self, value: Any) -> str:
        if isinstance(value, (list, tuple)):
            return "[" + ", ".join(f"{v:.{self.num_digits}e}" for v in value) + "]"
        return f"{value:.{self.num_digits}e}"

    @staticmethod
    def _train_loop_built(runner: Any) -> bool:
        loop = getattr(runner, "_train_loop", None)
        return loop is not None and not isinstance(loop, dict)

    # ----------------------------------------------------------------- helpers
    def _remove_prefix(self, string: str, prefix: str) -> str:
        """``string`` without a leading ``prefix`` (unchanged if it has none)."""
        return string[len(prefix) :] if string.startswith(prefix) else string

    def _collect_scalars(
        self, custom_cfg: list[dict], runner: Any, mode: str, reserve_prefix: bool = False
    ) -> OrderedDict:
        """Compute the logged value of each ``{mode}/...`` scalar.

        Args:
            custom_cfg (list[dict]): the parsed ``custom_cfg`` (integer window sizes).
            runner (Runner): the runner.
            mode (str): ``'train'``, ``'val'`` or ``'test'``.
            reserve_prefix (bool): keep the ``{mode}/`` prefix in the keys. Defaults to False.

        Returns:
            OrderedDict: name -> value, in message hub order, custom entries after.
        """
        tag: OrderedDict = OrderedDict()
        history = runner.message_hub.log_scalars
        prefix = f"{mode}/"
        mode_history = OrderedDict(
            (k if reserve_prefix else k[len(prefix) :], v)
            for k, v in history.items()
            if k.startswith(prefix)
        )
        for key, buffer in mode_history.items():
            short = key[len(prefix) :] if reserve_prefix else key
            if self.mean_pattern.match(short):
                tag[key] = buffer.mean(self.window_size)
            else:
                tag[key] = buffer.current()
        for cfg in custom_cfg:
            cfg = dict(cfg)
            data_src = cfg.pop("data_src")
            log_name = cfg.pop("log_name", data_src)
            method = cfg.pop("method_name")
            src_key = f"{prefix}{data_src}" if reserve_prefix else data_src
            if src_key not in mode_history:
                continue
            name = f"{prefix}{log_name}" if reserve_prefix else log_name
            tag[name] = mode_history[src_key].statistics(method, **cfg)
        return tag

    def _collect_non_scalars(self, runner: Any, mode: str) -> OrderedDict:
        """The ``{mode}/...`` runtime infos (prefix kept when ``log_with_hierarchy``)."""
        infos = runner.message_hub.runtime_info
        prefix = f"{mode}/"
        out: OrderedDict = OrderedDict()
        for key, value in infos.items():
            if key.startswith(prefix):
                out[key if self.log_with_hierarchy else key[len(prefix) :]] = value
        return out

    def _check_custom_cfg(self) -> None:
        """Reject a source overwritten twice, a name used twice, an unknown window size or an
        epoch window when logging by iteration (0.10's sentences first)."""
        if not isinstance(self.custom_cfg, (list, tuple)) or not all(
            isinstance(cfg, dict) for cfg in self.custom_cfg
        ):
            raise TypeError(
                f"log_processor.custom_cfg should be a list of dicts, got {self.custom_cfg!r}: "
                "write custom_cfg=[dict(data_src='loss', method_name='mean', window_size=50)]."
            )
        overwritten = set()
        names = set()
        for cfg in self.custom_cfg:
            if "data_src" not in cfg or "method_name" not in cfg:
                raise AssertionError(
                    f"each custom_cfg entry needs 'data_src' and 'method_name', got {cfg}"
                )
            src = cfg["data_src"]
            name = cfg.get("log_name", src)
            if name in (overwritten if "log_name" not in cfg else names):
                raise AssertionError(
                    f"Found duplicate {name} for {src}. Two custom_cfg entries of log_processor "
                    f"write {name!r}: give each entry of the same data_src its own 'log_name'."
                )
            (overwritten if "log_name" not in cfg else names).add(name)
            window = cfg.get("window_size")
            if not (window is None or isinstance(window, int) or window in ("epoch", "global")):
                raise TypeError(
                    f"window_size should be an int, 'epoch' or 'global', got {window!r} (in "
                    f"log_processor.custom_cfg entry {cfg})"
                )
            if not self.by_epoch and window == "epoch":
                raise AssertionError(
                    "window_size cannot be epoch if LoggerHook.by_epoch is False. Use an int or "
                    f"'global' in custom_cfg entry {cfg}, or log_processor.by_epoch=True."
                )

    def _parse_windows_size(
        self, runner: Any, batch_idx: int, custom_cfg: list | None = None
    ) -> list:
        """Resolve ``'epoch'``/``'global'`` window sizes into iteration counts."""
        parsed = copy.deepcopy(self.custom_cfg if custom_cfg is None else custom_cfg)
        for cfg in parsed:
            window = cfg.get("window_size")
            if window is None or isinstance(window, int):
                continue
            if window == "epoch":
                cfg["window_size"] = batch_idx + 1
            elif window == "global":
                cfg["window_size"] = runner.iter + 1
            else:
                raise TypeError(
                    f"window_size should be an int, 'epoch' or 'global', got {window!r}"
                )
        return parsed

    def _get_max_memory(self, runner: Any) -> int:
        """Peak CUDA memory (MB) since the last call, on the model's device."""
        device = getattr(runner.model, "output_device", None)
        try:
            mem = torch.cuda.max_memory_allocated(device=device)
        except RuntimeError as exc:
            raise RuntimeError(
                f"{exc} (LogProcessor reads the peak CUDA memory only when "
                "mmengine.device.is_cuda_available() is True; check the device of the model)"
            ) from exc
        torch.cuda.reset_peak_memory_stats()
        return int(mem) // (1024 * 1024)

    def _get_iter(self, runner: Any, batch_idx: int) -> int:
        """The 1-based iteration shown: within the epoch when by_epoch, else global."""
        return batch_idx + 1 if self.by_epoch else runner.iter + 1

    def _get_epoch(self, runner: Any, mode: str) -> int:
        """The epoch shown: the running one in training, the last finished one in val."""
        if mode == "train":
            return runner.epoch + 1
        if mode == "val":
            if not self._train_loop_built(runner):
                return 0
            return runner.epoch
        raise ValueError(f"runner mode should be 'train' or 'val', but got {mode}")

    def _get_cur_loop(self, runner: Any, mode: str) -> Any:
        if mode == "train":
            return runner.train_loop
        return runner.val_loop if mode == "val" else runner.test_loop

    def _get_dataloader_size(self, runner: Any, mode: str) -> int:
        return len(self._get_cur_loop(runner, mode).dataloader)
