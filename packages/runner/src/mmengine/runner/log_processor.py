"""LogProcessor: turn the message hub's scalars into a log line and a dict of tags."""

from __future__ import annotations

import copy
import datetime
import re
from collections import OrderedDict
from typing import Any

import numpy as np
import torch

from mmengine.device import get_max_cuda_memory, is_cuda_available
from mmengine.registry import LOG_PROCESSORS


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
        num_digits (int): significant digits shown. Defaults to 4.
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

        Returns:
            tuple[dict, str]: the tag (name -> value) for the visualizer and the log line.
        """
        if mode not in ("train", "val", "test"):
            raise ValueError(f"mode must be 'train', 'val' or 'test', got {mode!r}")
        cur_iter = self._get_iter(runner, batch_idx=batch_idx)
        parsed_cfg = self._parse_windows_size(runner, batch_idx, self.custom_cfg)
        log_tag = self._collect_scalars(parsed_cfg, runner, mode)
        short = self._strip(log_tag, mode)  # names without the ``mode/`` prefix
        tag = dict(log_tag) if self.log_with_hierarchy else dict(short)

        lr_parts = []
        for key, value in short.items():
            if key.endswith("lr"):
                lr_parts.append(f"{key}: {self._fmt_lr(value)}")
        lr_str = "  ".join(lr_parts)

        if self.by_epoch:
            dataloader_len = self._get_dataloader_size(runner, mode)
            width = len(str(dataloader_len))
            cur_epoch = self._get_epoch(runner, mode)
            head = f"Epoch({mode}) [{cur_epoch}][{cur_iter:>{width}}/{dataloader_len}]  "
        else:
            if mode == "train":
                max_iters = runner.max_iters
                width = len(str(max_iters))
                head = f"Iter({mode}) [{cur_iter:>{width}}/{max_iters}]  "
            else:
                dataloader_len = self._get_dataloader_size(runner, mode)
                width = len(str(dataloader_len))
                head = f"Iter({mode}) [{batch_idx + 1:>{width}}/{dataloader_len}]  "
        log_str = head + (f"{lr_str}  " if lr_str else "")

        if "time" in short:
            eta = runner.message_hub.get_info("eta")
            if eta is not None and mode == "train":
                log_str += f"eta: {datetime.timedelta(seconds=int(eta))}  "
            log_str += f"time: {short['time']:.{self.num_digits}f}  "
            log_str += f"data_time: {short['data_time']:.{self.num_digits}f}  "
        if is_cuda_available() and mode == "train":
            memory = self._get_max_memory(runner)
            log_str += f"memory: {memory}  "
            tag["memory"] = memory

        parts = []
        for name, value in short.items():
            if name in ("time", "data_time") or name.endswith("lr"):
                continue
            parts.append(f"{name}: {self._fmt(value)}")
        log_str += "  ".join(parts)
        return tag, log_str.rstrip()

    def get_log_after_epoch(
        self, runner: Any, batch_idx: int, mode: str, with_non_scalar: bool = False
    ) -> tuple[dict, str]:
        """Format the log at the end of a validation or test epoch.

        Returns:
            tuple[dict, str]: the tag (metrics, plus non-scalar infos when
            ``with_non_scalar``) and the log line.
        """
        if mode not in ("test", "val"):
            raise ValueError(f"`_get_metric_log_str` only accept val or test mode, got {mode!r}")
        dataloader_len = self._get_dataloader_size(runner, mode)
        if self.by_epoch:
            cur_epoch = self._get_epoch(runner, mode)
            head = f"Epoch({mode}) [{cur_epoch}][{dataloader_len}/{dataloader_len}]  "
        else:
            head = f"Iter({mode}) [{dataloader_len}/{dataloader_len}]  "

        custom_cfg = copy.deepcopy(self.custom_cfg)
        for src in ("time", "data_time"):
            if not any(c["data_src"] == src and "log_name" not in c for c in custom_cfg):
                custom_cfg.append(dict(data_src=src, window_size="epoch", method_name="mean"))
        parsed_cfg = self._parse_windows_size(runner, batch_idx, custom_cfg)
        ori_tag = self._collect_scalars(
            parsed_cfg, runner, mode, reserve_prefix=self.log_with_hierarchy
        )
        non_scalar_tag = self._collect_non_scalars(runner, mode)
        tag = OrderedDict(ori_tag)
        time_keys = {f"{mode}/time", f"{mode}/data_time", "time", "data_time"}
        metric_parts = []
        time_parts = []
        for key, value in ori_tag.items():
            short = key.split("/", 1)[1] if key.startswith(f"{mode}/") else key
            text = f"{short}: {self._fmt(value)}"
            (time_parts if key in time_keys else metric_parts).append(text)
        for key, value in non_scalar_tag.items():
            short = key.split("/", 1)[1] if key.startswith(f"{mode}/") else key
            metric_parts.append(f"{short}: {value}")
        log_str = head + "  ".join(metric_parts + time_parts)
        if with_non_scalar:
            tag.update(non_scalar_tag)
        return dict(tag), log_str.rstrip()

    # ----------------------------------------------------------------- helpers
    def _fmt(self, value: Any) -> str:
        if isinstance(value, (float, np.floating)):
            return f"{value:.{self.num_digits}f}"
        if isinstance(value, torch.Tensor) and value.numel() == 1:
            return f"{value.item():.{self.num_digits}f}"
        return str(value)

    def _fmt_lr(self, value: Any) -> str:
        if isinstance(value, (list, tuple)):
            return "[" + ", ".join(f"{v:.{self.num_digits}e}" for v in value) + "]"
        return f"{value:.{self.num_digits}e}"

    @staticmethod
    def _strip(tag: dict, mode: str) -> dict:
        prefix = f"{mode}/"
        return OrderedDict(
            (k[len(prefix) :] if k.startswith(prefix) else k, v) for k, v in tag.items()
        )

    def _collect_scalars(
        self, custom_cfg: list[dict], runner: Any, mode: str, reserve_prefix: bool = True
    ) -> OrderedDict:
        """Compute the logged value of each ``{mode}/...`` scalar."""
        tag: OrderedDict = OrderedDict()
        history = runner.message_hub.log_scalars
        prefix = f"{mode}/"
        mode_history = OrderedDict(
            (k if reserve_prefix else k[len(prefix) :], v)
            for k, v in history.items()
            if k.startswith(prefix)
        )
        for key, buffer in mode_history.items():
            short = key.split("/", 1)[1] if key.startswith(prefix) else key
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
        infos = runner.message_hub.runtime_info
        prefix = f"{mode}/"
        out: OrderedDict = OrderedDict()
        for key, value in infos.items():
            if key.startswith(prefix):
                out[key if self.log_with_hierarchy else key[len(prefix) :]] = value
        return out

    def _check_custom_cfg(self) -> None:
        """Reject a source overwritten twice or an epoch window when logging by iteration."""
        overwritten = set()
        names = set()
        for cfg in self.custom_cfg:
            if "data_src" not in cfg or "method_name" not in cfg:
                raise AssertionError(
                    f"each custom_cfg entry needs 'data_src' and 'method_name', got {cfg}"
                )
            if "log_name" not in cfg:
                if cfg["data_src"] in overwritten:
                    raise AssertionError(
                        f"Found duplicate {cfg['data_src']} for custom_cfg: give one of them a "
                        "'log_name' so that they do not both overwrite the source"
                    )
                overwritten.add(cfg["data_src"])
            else:
                if cfg["log_name"] in names:
                    raise AssertionError(f"duplicate log_name {cfg['log_name']!r} in custom_cfg")
                names.add(cfg["log_name"])
            if not self.by_epoch and cfg.get("window_size") == "epoch":
                raise AssertionError(
                    "window_size cannot be 'epoch' when by_epoch is False (in custom_cfg "
                    f"entry {cfg})"
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
        device = getattr(runner.model, "output_device", None)
        return get_max_cuda_memory(device)

    def _get_iter(self, runner: Any, batch_idx: int) -> int:
        """The 1-based iteration shown: within the epoch when by_epoch, else global."""
        return batch_idx + 1 if self.by_epoch else runner.iter + 1

    def _get_epoch(self, runner: Any, mode: str) -> int:
        """The epoch shown: the running one in training, the last finished one otherwise."""
        if mode == "train":
            return runner.epoch + 1
        if runner._train_loop is None:
            return 0
        return runner.epoch

    def _get_cur_loop(self, runner: Any, mode: str) -> Any:
        if mode == "train":
            return runner.train_loop
        return runner.val_loop if mode == "val" else runner.test_loop

    def _get_dataloader_size(self, runner: Any, mode: str) -> int:
        return len(self._get_cur_loop(runner, mode).dataloader)
