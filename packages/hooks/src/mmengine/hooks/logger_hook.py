"""LoggerHook: write the log lines and scalars that the LogProcessor formats."""

from __future__ import annotations

import logging
import os
import os.path as osp
from collections import OrderedDict
from pathlib import Path
from typing import Any, Optional, Union

import numpy as np
import torch

from mmengine.fileio import (
    FileClient,  # noqa: F401 - upstream binds FileClient here
    LocalBackend,
    dump,
    get_file_backend,
)
from mmengine.logging import print_log
from mmengine.registry import HOOKS
from mmengine.utils import is_seq_of, scandir

from ._checks import check_flag, ensure_local_dir
from ._file_client import LazyFileClient, _infer_file_client
from .hook import DATA_BATCH, Hook

SUFFIX_TYPE = Union[tuple[str, ...], list[str], str]


def _train_loop_built(runner: Any) -> bool:
    """Whether the runner has a built train loop (reading its counters will not build one)."""
    loop = getattr(runner, "_train_loop", None)
    return loop is not None and not isinstance(loop, dict)


def _check_arguments(
    interval: Any,
    ignore_last: Any,
    interval_exp_name: Any,
    out_dir: Any,
    keep_local: Any,
    out_suffix: Any,
) -> None:
    """Raise the TypeError/ValueError ``LoggerHook`` raises for an argument of a wrong type."""
    if not isinstance(interval, int) or isinstance(interval, bool):
        raise TypeError(f"LoggerHook: interval must be an integer, but got {interval!r}")
    if interval <= 0:
        raise ValueError(f"LoggerHook: interval must be greater than 0, but got {interval}")
    if not isinstance(ignore_last, bool):
        raise TypeError(f"LoggerHook: ignore_last must be a boolean, got {ignore_last!r}")
    if not isinstance(interval_exp_name, int) or isinstance(interval_exp_name, bool):
        raise TypeError(
            f"LoggerHook: interval_exp_name must be an integer, got {interval_exp_name!r}"
        )
    if interval_exp_name <= 0:
        raise ValueError(
            f"LoggerHook: interval_exp_name must be greater than 0, got {interval_exp_name}"
        )
    if out_dir is not None and not isinstance(out_dir, (str, Path)):
        raise TypeError(f"LoggerHook: out_dir must be a str or Path object, got {out_dir!r}")
    if not isinstance(keep_local, bool):
        raise TypeError(f"LoggerHook: keep_local must be a boolean, got {keep_local!r}")
    if not (isinstance(out_suffix, str) or is_seq_of(out_suffix, str)):
        raise TypeError(
            "out_suffix should be a string or a sequence of string, but got "
            f"{type(out_suffix)} (LoggerHook: e.g. out_suffix=('.log', '.json'))"
        )


@HOOKS.register_module()
class LoggerHook(Hook):
    """Collect logs from different components of ``Runner`` and write them to terminal, JSON
    file, tensorboard and wandb .etc.

    ``LoggerHook`` is used to record logs formatted by ``LogProcessor`` during
    training/validation/testing phase. It is used to control following behaviors:

    - The frequency of logs update in terminal, local, tensorboard wandb.etc.
    - The frequency of show experiment information in terminal.
    - The work directory to save logs.

    Args:
        interval (int): Logging interval (every k iterations). Defaults to 10.
        ignore_last (bool): Ignore the log of last iterations in each epoch if the number of
            remaining iterations is less than :attr:`interval`. Defaults to True.
        interval_exp_name (int): Logging interval for experiment name. Defaults to 1000.
        out_dir (str or Path, optional): The root directory to copy the logs to after the
            run. If specified, the logs go to ``out_dir/<last level of runner.work_dir>``.
            Defaults to None (no copy).
        out_suffix (Sequence[str] or str): Those files in ``runner._log_dir`` ending with
            ``out_suffix`` will be copied to ``out_dir``. Defaults to
            ('.json', '.log', '.py', 'yaml').
        keep_local (bool): Whether to keep local logs in the local machine when
            :attr:`out_dir` is specified. If False, the local log will be removed. Defaults
            to True.
        file_client_args (dict, optional): Arguments to instantiate a FileClient. Deprecated:
            use ``backend_args`` instead. Defaults to None.
        log_metric_by_epoch (bool): Whether to output metric in validation step by epoch. If
            True, ``after_val_epoch`` logs the metrics at step ``runner.epoch``, otherwise at
            ``runner.iter``. Defaults to True.
        backend_args (dict, optional): Arguments to instantiate the prefix of uri
            corresponding backend. Defaults to None.

    Examples:
        >>> # The simplest LoggerHook config.
        >>> logger_hook_cfg = dict(interval=20)
    """

    priority = "BELOW_NORMAL"
    file_client = LazyFileClient()  # deprecated; made when read

    def __init__(
        self,
        interval: int = 10,
        ignore_last: bool = True,
        interval_exp_name: int = 1000,
        out_dir: Optional[Union[str, Path]] = None,
        out_suffix: SUFFIX_TYPE = (".json", ".log", ".py", "yaml"),
        keep_local: bool = True,
        file_client_args: Optional[dict] = None,
        log_metric_by_epoch: bool = True,
        backend_args: Optional[dict] = None,
    ) -> None:
        _check_arguments(interval, ignore_last, interval_exp_name, out_dir, keep_local, out_suffix)
        self.interval = interval
        self.ignore_last = ignore_last
        self.interval_exp_name = interval_exp_name
        self.out_suffix = out_suffix
        self.keep_local = keep_local
        self.file_client_args = file_client_args
        check_flag("LoggerHook", "log_metric_by_epoch", log_metric_by_epoch)
        self.log_metric_by_epoch = log_metric_by_epoch
        self.json_log_path: Optional[str] = None
        # (train dataloader, last batch_idx, its length): see ``_num_batches``.
        self._len_cache: tuple[Any, int, int] = (None, 0, 0)
        self.out_dir = None if out_dir is None else str(out_dir)

        if file_client_args is not None and self.out_dir is None:
            raise ValueError(
                'file_client_args should be "None" when `out_dir` is notspecified. '
                "LoggerHook only uses file_client_args to copy the logs to out_dir: set "
                "out_dir=... or drop file_client_args (backend_args replaces it)."
            )
        if file_client_args is not None:
            print_log(
                '"file_client_args" will be deprecated in future. Please use "backend_args" '
                "instead",
                logger="current",
                level=logging.WARNING,
            )
            if backend_args is not None:
                raise ValueError(
                    '"file_client_args" and "backend_args" cannot be set at the same time.'
                )
        if self.out_dir is not None:
            # The deprecated FileClient (None when it cannot serve out_dir, e.g. a backend
            # registered only with the new fileio API); file_backend is what writes.
            if file_client_args is None:
                self.file_backend = get_file_backend(self.out_dir, backend_args=backend_args)
            else:
                self.file_client = _infer_file_client(file_client_args, self.out_dir)
                self.file_backend = self.file_client

    def before_run(self, runner: Any) -> None:
        """Resolve ``out_dir`` and the JSON log file name.

        Args:
            runner (Runner): The runner of the training process.
        """
        if self.out_dir is not None:
            basename = osp.basename(str(runner.work_dir).rstrip(osp.sep))
            self.out_dir = self.file_backend.join_path(self.out_dir, basename)
            if isinstance(self.file_backend, LocalBackend):
                # 0.10 found an unusable out_dir only after the whole run, when copying.
                ensure_local_dir("LoggerHook", "out_dir", self.out_dir,
                                 "set out_dir to a writable directory, or None to keep the "
                                 "logs in work_dir only.")  # fmt: skip
            runner.logger.info(
                f"Text logs will be saved to {self.out_dir} after the training process."
            )
        self.json_log_path = f"{runner.timestamp}.json"

    def after_train_iter(
        self,
        runner: Any,
        batch_idx: int,
        data_batch: DATA_BATCH = None,
        outputs: Optional[dict] = None,
    ) -> None:
        """Record logs after training iteration.

        Args:
            runner (Runner): The runner of the training process.
            batch_idx (int): The index of the current batch in the train loop.
            data_batch (dict tuple or list, optional): Data from dataloader.
            outputs (dict, optional): Outputs from model.
        """
        dataloader = runner.train_dataloader
        num_batches = self._num_batches(dataloader, batch_idx)
        end_of_epoch = batch_idx + 1 == num_batches
        # Print experiment name every n iterations.
        n, done = self.interval_exp_name, runner.iter + 1
        if (n > 0 and done % n == 0) or end_of_epoch:
            runner.logger.info(f"Exp name: {runner.experiment_name}")
        n = self.interval
        if (n > 0 and (batch_idx + 1) % n == 0) or (
            end_of_epoch and (not self.ignore_last or num_batches <= n)
        ):
            tag, log_str = runner.log_processor.get_log_after_iter(runner, batch_idx, "train")
        else:
            return
        runner.logger.info(log_str)
        runner.visualizer.add_scalars(tag, step=runner.iter + 1, file_path=self.json_log_path)

    def _num_batches(self, dataloader: Any, batch_idx: int) -> int:
        """``len(dataloader)``, computed once per dataloader and training epoch.

        Each ``len(DataLoader)`` goes through the batch sampler, the sampler and the
        dataset. An epoch's length is fixed once its iteration started, and a new epoch
        starts over at a lower ``batch_idx``: the length is computed again then.
        """
        loader, last_idx, length = self._len_cache
        if loader is not dataloader or batch_idx <= last_idx:
            length = len(dataloader)
        self._len_cache = (dataloader, batch_idx, length)
        return length

    def after_val_iter(
        self,
        runner: Any,
        batch_idx: int,
        data_batch: DATA_BATCH = None,
        outputs: Optional[Any] = None,
    ) -> None:
        """Record logs after validation iteration.

        Args:
            runner (Runner): The runner of the validation process.
            batch_idx (int): The index of the current batch in the validation loop.
            data_batch (dict or tuple or list, optional): Data from dataloader.
            outputs (sequence, optional): Outputs from model.
        """
        if self.every_n_inner_iters(batch_idx, self.interval):
            _, log_str = runner.log_processor.get_log_after_iter(runner, batch_idx, "val")
            runner.logger.info(log_str)

    def after_test_iter(
        self,
        runner: Any,
        batch_idx: int,
        data_batch: DATA_BATCH = None,
        outputs: Optional[Any] = None,
    ) -> None:
        """Record logs after testing iteration.

        Args:
            runner (Runner): The runner of the testing process.
            batch_idx (int): The index of the current batch in the test loop.
            data_batch (dict or tuple or list, optional): Data from dataloader.
            outputs (sequence, optional): Outputs from model.
        """
        if self.every_n_inner_iters(batch_idx, self.interval):
            _, log_str = runner.log_processor.get_log_after_iter(runner, batch_idx, "test")
            runner.logger.info(log_str)

    def after_val_epoch(self, runner: Any, metrics: Optional[dict[str, float]] = None) -> None:
        """Log the validation metrics and add them to the visualizer.

        The step is ``runner.epoch`` (``log_metric_by_epoch``) or ``runner.iter``, and 0 when
        the runner does not train.

        Args:
            runner (Runner): The runner of the validation process.
            metrics (dict[str, float], optional): Evaluation results of all metrics.
        """
        tag, log_str = runner.log_processor.get_log_after_epoch(
            runner, len(runner.val_dataloader), "val"
        )
        runner.logger.info(log_str)
        # Reading runner.epoch/iter would build the train loop of a val-only run.
        if not _train_loop_built(runner):
            step = 0
        elif self.log_metric_by_epoch:
            step = runner.epoch
        else:
            step = runner.iter
        runner.visualizer.add_scalars(tag, step=step, file_path=self.json_log_path)

    def after_test_epoch(self, runner: Any, metrics: Optional[dict[str, float]] = None) -> None:
        """Log the test metrics and dump them (with non-scalar results) to the JSON log.

        Args:
            runner (Runner): The runner of the testing process.
            metrics (dict[str, float], optional): Evaluation results of all metrics.
        """
        tag, log_str = runner.log_processor.get_log_after_epoch(
            runner, len(runner.test_dataloader), "test", with_non_scalar=True
        )
        runner.logger.info(log_str)
        json_name = self.json_log_path or f"{runner.timestamp}.json"
        dump(self._process_tags(tag), osp.join(runner.log_dir, json_name))

    @staticmethod
    def _process_tags(tags: dict) -> OrderedDict:
        """Convert tag values to JSON-friendly types (unsupported values become None)."""

        def process_val(value: Any) -> Any:
            if isinstance(value, (list, tuple)):
                return [process_val(item) for item in value]
            if isinstance(value, dict):
                return {k: process_val(v) for k, v in value.items()}
            if isinstance(value, (str, int, float, bool)) or value is None:
                return value
            if isinstance(value, (torch.Tensor, np.ndarray)):
                return value.tolist()
            if isinstance(value, np.generic):
                return value.item()
            return None

        return OrderedDict(process_val(tags))

    def after_run(self, runner: Any) -> None:
        """Close the visualizer and copy the logs to ``out_dir`` if it is set.

        Args:
            runner (Runner): The runner of the training/testing/validation process.
        """
        visualizer = getattr(runner, "visualizer", None)
        if visualizer is not None and hasattr(visualizer, "close"):
            visualizer.close()
        if self.out_dir is None:
            return

        log_dir = getattr(runner, "_log_dir", None) or runner.log_dir
        removed_files = []
        suffix = self.out_suffix if isinstance(self.out_suffix, str) else tuple(self.out_suffix)
        for filename in scandir(log_dir, suffix, True):
            local_filepath = osp.join(log_dir, filename)
            removed_files.append(local_filepath)
            out_filepath = self.file_backend.join_path(self.out_dir, filename)
            with open(local_filepath, encoding="utf-8") as f:
                self.file_backend.put_text(f.read(), out_filepath)
            runner.logger.info(f"The file {local_filepath} has been uploaded to {out_filepath}.")
            if not self.keep_local:
                runner.logger.info(
                    f"{local_filepath} was removed due to the `self.keep_local=False`. You can "
                    f"check the running logs in {out_filepath}"
                )

        if not self.keep_local:
            # Close file handlers first (Windows cannot remove an open file).
            for handler in runner.logger.handlers:
                if isinstance(handler, logging.FileHandler):
                    handler.close()
            for file in removed_files:
                os.remove(file)
