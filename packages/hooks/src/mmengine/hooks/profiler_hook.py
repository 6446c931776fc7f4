"""ProfilerHook (torch.profiler) and NPUProfilerHook (Ascend NPUs, needs torch_npu)."""

from __future__ import annotations

import inspect
import logging
import os
import os.path as osp
import sys
from collections.abc import Callable
from typing import Any, Optional, Union

import torch

from mmengine.dist import master_only
from mmengine.logging import print_log
from mmengine.registry import HOOKS

from ._checks import ArgumentTypeError, suggest
from .hook import DATA_BATCH, Hook


def check_kineto() -> bool:
    """Whether this torch build has the Kineto profiler that ProfilerHook needs.

    Returns:
        bool: ``torch.autograd.kineto_available()``, or False (with a WARNING ``NO KINETO``
        in the current MMLogger) when torch does not have that function.
    """
    kineto_available = getattr(torch.autograd, "kineto_available", None)
    if kineto_available is None:
        print_log("NO KINETO", logger="current", level=logging.WARNING)
        return False
    return bool(kineto_available())


def _kineto_profiler() -> Any:
    """``torch.profiler``, after checking that this torch build can profile with Kineto."""
    try:
        from torch import profiler
    except ImportError as exc:  # pragma: no cover - torch >= 2.1 always has it
        raise ImportError("ProfilerHook needs torch.profiler (torch >= 1.8.1)") from exc
    if not check_kineto():
        raise ImportError(
            "Due to Kineto support issues, please upgrade pytorch above 1.8.1(windows users "
            "above 1.9.1) (ProfilerHook: this torch build has no Kineto profiler; "
            "torch.autograd.kineto_available() is False or missing)."
        )
    return profiler


def _check_profile_times(by_epoch: bool, profile_times: int) -> None:
    """At least one epoch or iteration, and only one epoch (profiling slows training)."""
    if profile_times < 1:
        raise ValueError(f"profile_iters should be greater than 0, but got {profile_times}")
    if by_epoch and profile_times > 1:
        raise ValueError(
            f"Profiler will profile 0-{profile_times} epochs.\n"
            "Since profiler will slow down the training, it is recommended to train 1 "
            "epoch with ProfilerHook and adjust your setting according to the profiler "
            "summary.\nDuring normal training(epoch > 1), you may disable the ProfilerHook."
        )


def _activities(profiler: Any, with_cpu: bool, with_cuda: bool) -> list:
    """The ``torch.profiler.ProfilerActivity`` values asked for."""
    if not isinstance(with_cpu, bool):
        raise AssertionError("``activity_with_cpu`` should be a boolean.")
    if not isinstance(with_cuda, bool):
        raise AssertionError("``activity_with_cuda`` should be a boolean.")
    activities = []
    if with_cpu:
        activities.append(profiler.ProfilerActivity.CPU)
    if with_cuda:
        activities.append(profiler.ProfilerActivity.CUDA)
    return activities


def _make_schedule(profiler: Any, schedule: dict) -> Any:
    """``torch.profiler.schedule(**schedule)``; its errors say which hook argument was wrong."""
    try:
        return profiler.schedule(**schedule)
    except (TypeError, AssertionError) as e:
        raise type(e)(
            f"{e} (ProfilerHook: schedule={schedule!r} is passed to torch.profiler.schedule, "
            "which takes wait>=0, warmup>=0, active>0 and optionally repeat>=0, "
            "skip_first>=0, e.g. schedule=dict(wait=1, warmup=1, active=2).)"
        ) from e


_TRACE_TYPES = ("log_trace", "tb_trace")


def _check_trace_config(on_trace_ready: Any, json_trace_path: Any) -> None:
    """Check at construction what 0.10 only met in before_run or after profiling.

    A ``log_trace`` dict's keys and ``sort_by`` (0.10: a TypeError or AttributeError from
    ``key_averages().table`` after the profiled epoch) and ``json_trace_path``'s type.
    """
    if json_trace_path is not None and not isinstance(json_trace_path, (str, os.PathLike)):
        raise ArgumentTypeError(
            "ProfilerHook: json_trace_path must be a str path of the Chrome trace to write "
            f"(e.g. 'trace.json'), but got {type(json_trace_path).__name__}: {json_trace_path!r}"
        )
    if not isinstance(on_trace_ready, dict):
        return  # a handler or None; anything else fails in before_run with 0.10's message
    trace_type = on_trace_ready.get("type")
    if trace_type not in _TRACE_TYPES:
        raise ValueError(
            f'trace_type should be "log_trace" or "tb_trace", but got {trace_type} '
            f"(ProfilerHook: on_trace_ready=dict(type=...){suggest(str(trace_type), _TRACE_TYPES)})"
        )
    if trace_type == "log_trace":
        _check_table_kwargs({k: v for k, v in on_trace_ready.items() if k != "type"})


def _check_table_kwargs(table_kwargs: dict) -> None:
    """The keys and ``sort_by`` of a ``log_trace`` config, as ``EventList.table`` takes them."""
    try:
        from torch.autograd.profiler_util import EventList, FunctionEventAvg

        params = [n for n in inspect.signature(EventList.table).parameters if n != "self"]
        columns = FunctionEventAvg()
    except Exception:  # pragma: no cover - a torch without these: leave it to torch
        return
    for key in table_kwargs:
        if key not in params:
            raise TypeError(
                f"EventList.table() got an unexpected keyword argument {key!r} (ProfilerHook: "
                f"on_trace_ready=dict(type='log_trace', ...) takes {params}"
                f"{suggest(key, params)})"
            )
    sort_by = table_kwargs.get("sort_by")
    if sort_by is None:
        return
    # torch reads the column from the averaged events (cuda_*/xpu_* as device_*)
    device_alias = str(sort_by)
    for device in ("cuda", "xpu", "mtia", "privateuse1", "hpu"):
        device_alias = device_alias.replace(device, "device")
    if isinstance(sort_by, str) and (hasattr(columns, sort_by) or hasattr(columns, device_alias)):
        return
    known = ["cpu_time", "cpu_time_total", "self_cpu_time_total", "cuda_time", "cuda_time_total",
             "self_cuda_time_total", "cpu_memory_usage", "self_cpu_memory_usage",
             "cuda_memory_usage", "self_cuda_memory_usage", "count"]  # fmt: skip
    raise AttributeError(
        f"'FunctionEventAvg' object has no attribute {sort_by!r} (ProfilerHook: the sort_by of "
        f"on_trace_ready=dict(type='log_trace') names a column of the profile table, such as "
        f"{known}{suggest(str(sort_by), known)})"
    )


@HOOKS.register_module()
class ProfilerHook(Hook):
    """A hook to analyze performance during training and inference.

    PyTorch Profiler is a tool that allows the collection of the performance metrics during
    the training. The profiler starts in ``before_run`` and stops after ``profile_times``
    epochs (``by_epoch=True``) or iterations, then optionally exports a Chrome trace.

    Args:
        by_epoch (bool): Profile performance by epoch or by iteration. Defaults to True.
        profile_times (int): The period (epoch/iter) recorded by the profiler. Defaults to 1.
            For example, ``profile_times=10`` and ``by_epoch=False`` records iterations 0-10.
        activity_with_cpu (bool): Activities to be used in the analysis (CPU).
        activity_with_cuda (bool): Activities to be used in the analysis (CUDA).
        schedule (dict, optional): Key-word arguments passed to ``torch.profiler.schedule``.
            Defaults to None, which means profiling without a schedule.
        on_trace_ready (callable, dict, optional): Either a handler or a dict of generating
            handler: ``dict(type='log_trace', **table_kwargs)`` prints
            ``key_averages().table(**table_kwargs)``; ``dict(type='tb_trace', dir_name=...)``
            writes TensorBoard traces (``dir_name`` relative to ``runner.log_dir``, default
            ``tf_tracing_logs``). Defaults to None.
        record_shapes (bool): Save information about operator's input shapes. Defaults to
            False.
        profile_memory (bool): Track tensor memory allocation/deallocation. Defaults to False.
        with_stack (bool): Record source information (file and line number) for the ops.
            Defaults to False.
        with_flops (bool): Use formula to estimate the FLOPS of specific operators (matrix
            multiplication and 2D convolution). Defaults to False.
        json_trace_path (str, optional): Exports the collected trace in Chrome JSON format.
            Defaults to None, which means profiling does not store json files.

    Examples:
        >>> # tensorboard trace
        >>> trace_config = dict(type='tb_trace')
        >>> profiler_hook_cfg = dict(on_trace_ready=trace_config)
    """

    priority = "VERY_LOW"

    def __init__(
        self,
        *,
        by_epoch: bool = True,
        profile_times: int = 1,
        activity_with_cpu: bool = True,
        activity_with_cuda: bool = False,
        schedule: Optional[dict] = None,
        on_trace_ready: Union[Callable, dict, None] = None,
        record_shapes: bool = False,
        profile_memory: bool = False,
        with_stack: bool = False,
        with_flops: bool = False,
        json_trace_path: Optional[str] = None,
    ) -> None:
        profiler = _kineto_profiler()
        if not isinstance(by_epoch, bool):
            raise AssertionError("``by_epoch`` should be a boolean.")
        self.by_epoch = by_epoch
        _check_profile_times(by_epoch, profile_times)
        self.profile_times = profile_times
        self.activities = _activities(profiler, activity_with_cpu, activity_with_cuda)
        if schedule is not None:
            if not isinstance(schedule, dict):
                raise AssertionError("``schedule`` should be a dict.")
            self.schedule = _make_schedule(profiler, schedule)
        else:
            self.schedule = None
        _check_trace_config(on_trace_ready, json_trace_path)
        self.on_trace_ready = on_trace_ready
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self.with_flops = with_flops
        self.json_trace_path = json_trace_path
        self._closed = False
        self.profiler: Optional[torch.profiler.profile] = None

    def before_run(self, runner: Any) -> None:
        """Initialize the profiler.

        Through the runner parameter, the validity of the parameter is further determined.

        Args:
            runner (Runner): The runner of the training process.
        """
        max_times = runner.max_epochs if self.by_epoch else runner.max_iters
        if max_times < self.profile_times:
            raise ValueError(
                f"``profile_times`` should not be greater than {max_times} (the run's "
                f"{'max_epochs' if self.by_epoch else 'max_iters'})"
            )
        on_trace_ready = self._parse_trace_config(runner)
        self.profiler = torch.profiler.profile(
            activities=self.activities,
            schedule=self.schedule,
            on_trace_ready=on_trace_ready,
            record_shapes=self.record_shapes,
            profile_memory=self.profile_memory,
            with_stack=self.with_stack,
            with_flops=self.with_flops,
        )
        self.profiler.__enter__()
        self._closed = False
        runner.logger.info("profiler is profiling...")

    def _parse_trace_config(self, runner: Any) -> Optional[Callable]:
        """Turn ``on_trace_ready`` into a handler (or None)."""
        if self.on_trace_ready is None:
            return None
        if callable(self.on_trace_ready):
            return self.on_trace_ready
        if isinstance(self.on_trace_ready, dict):
            trace_cfg = dict(self.on_trace_ready)
            trace_type = trace_cfg.pop("type", None)
            if trace_type == "log_trace":

                def _log_handler(_profile: Any) -> None:
                    print(_profile.key_averages().table(**trace_cfg))

                return _log_handler
            if trace_type == "tb_trace":
                if "dir_name" not in trace_cfg:
                    trace_cfg["dir_name"] = osp.join(runner.log_dir, "tf_tracing_logs")
                elif not osp.isabs(trace_cfg["dir_name"]):
                    trace_cfg["dir_name"] = osp.join(runner.log_dir, trace_cfg["dir_name"])
                runner.logger.info(
                    f"trace_files of ProfilerHook will be saved to {trace_cfg['dir_name']}."
                )
                if self.json_trace_path is not None:
                    runner.logger.warning(
                        "When using tensorboard_trace, it is recommended to save json files by "
                        "setting ``worker_name`` instead of setting ``json_trace_path``"
                    )
                return torch.profiler.tensorboard_trace_handler(**trace_cfg)
            _check_trace_config(self.on_trace_ready, None)  # changed since __init__: raises
        raise ValueError(
            "``on_trace_ready`` should be a handler, or dict, or None, but got "
            f"{self.on_trace_ready}"
        )

    def after_train_epoch(self, runner: Any) -> None:
        """Stop profiling and export at the end of the (first) training epoch.

        Args:
            runner (Runner): The runner of the training process.
        """
        # Iteration-based loops also call after_train_epoch (once, at the end).
        if not self._closed and self.profiler is not None:
            self._export_chrome_trace(runner)

    def after_train_iter(
        self,
        runner: Any,
        batch_idx: int,
        data_batch: DATA_BATCH = None,
        outputs: Optional[dict] = None,
    ) -> None:
        """Step the profiler; stop and export after ``profile_times`` iterations.

        Args:
            runner (Runner): The runner of the training process.
            batch_idx (int): The index of the current batch in the train loop.
            data_batch (dict or tuple or list, optional): Data from dataloader.
            outputs (dict, optional): Outputs from model.
        """
        if self._closed or self.profiler is None:
            return
        self.profiler.step()
        if not self.by_epoch and runner.iter == self.profile_times - 1:
            self._export_chrome_trace(runner)

    def after_run(self, runner: Any) -> None:
        """Stop a profiler still running (a short or interrupted run).

        Args:
            runner (Runner): The runner of the training process.
        """
        if not self._closed and self.profiler is not None:
            self._export_chrome_trace(runner)

    def _export_chrome_trace(self, runner: Any) -> None:
        """Stop the profiler and export the trace."""
        self._closed = True
        runner.logger.info("profiler may take a few minutes...")
        assert self.profiler is not None
        self.profiler.__exit__(None, None, None)
        if self.json_trace_path is not None:
            self.profiler.export_chrome_trace(self.json_trace_path)


@HOOKS.register_module()
class NPUProfilerHook(Hook):
    """NPUProfiler to analyze performance during training on Ascend NPUs.

    Needs the ``torch_npu`` package. The profiling result is written to ``result_path``.

    Args:
        begin (int): Number of start iterations for profiling. Defaults to 0.
        end (int): Number of end iterations for profiling. Defaults to 1.
        result_path (str): The path to save the profiling results file. Defaults to
            'cann_profiling'.
        exit_after_profiling (bool): Whether to exit the program after profiling. Defaults to
            True.
        use_e2e_profiler (bool): Turn on E2E profiling, E2E profiling combines performance
            data at the Pytorch level and the NPU level. Defaults to False.
        ge_profiling_to_std_out (bool): Turn on GE profiling, GE uses to collect the
            profiling data of the host side scheduling of the Assend device. Defaults to
            False.

    Examples:
        >>> from mmengine.config import Config
        >>> cfg = Config(dict(custom_hooks=[]))
        >>> profiler_config = dict(type='NPUProfilerHook', end=2)
        >>> cfg.merge_from_dict({'custom_hooks': [profiler_config]})
        >>> cfg.custom_hooks
        [{'type': 'NPUProfilerHook', 'end': 2}]
    """

    priority = "VERY_LOW"

    def __init__(
        self,
        *,
        begin: int = 0,
        end: int = 1,
        result_path: str = "cann_profiling",
        exit_after_profiling: bool = True,
        use_e2e_profiler: bool = False,
        ge_profiling_to_std_out: bool = False,
    ) -> None:
        try:
            import torch_npu
        except ImportError as exc:
            raise ImportError(
                "NPUProfilerHook needs the Ascend NPU adapter: failed to import torch_npu "
                "module. Install torch_npu (or use ProfilerHook on CPU/GPU)."
            ) from exc
        if begin >= end:
            raise ValueError(
                "The iteration to start profiling should not be greater than or equal to "
                f"profile end (begin={begin}, end={end})"
            )
        self.begin = begin
        self.end = end
        self.result_path = result_path
        self.exit_after_profiling = exit_after_profiling
        self.ge_profiling_to_std_out = ge_profiling_to_std_out
        os.makedirs(self.result_path, exist_ok=True)
        self.profiler = torch_npu.npu.profile(self.result_path, use_e2e_profiler=use_e2e_profiler)

    @master_only
    def before_run(self, runner: Any) -> None:
        """Check ``end`` against the run length and set up GE profiling.

        Args:
            runner (Runner): The runner of the training process.
        """
        if self.end > runner.max_iters:
            raise ValueError(
                f"The profiling end iteration ({self.end}) should not be greater than "
                f"max_iters ({runner.max_iters})"
            )
        if self.ge_profiling_to_std_out:
            os.environ["GE_PROFILING_TO_STD_OUT"] = "1"

    @master_only
    def before_train_iter(self, runner: Any, batch_idx: int, data_batch: DATA_BATCH = None) -> None:
        """Start profiling at iteration ``begin``.

        Args:
            runner (Runner): The runner of the training process.
            batch_idx (int): The index of the current batch in the train loop.
            data_batch (dict or tuple or list, optional): Data from dataloader.
        """
        if runner.iter == self.begin:
            self.profiler.__enter__()
            runner.logger.info("NPUProfiler starts profiling...")

    @master_only
    def after_train_iter(
        self,
        runner: Any,
        batch_idx: int,
        data_batch: DATA_BATCH = None,
        outputs: Optional[dict] = None,
    ) -> None:
        """Stop profiling after iteration ``end - 1`` (and exit if asked).

        Args:
            runner (Runner): The runner of the training process.
            batch_idx (int): The index of the current batch in the train loop.
            data_batch (dict or tuple or list, optional): Data from dataloader.
            outputs (dict, optional): Outputs from model.
        """
        if runner.iter == self.end - 1:
            runner.logger.info("profiler may take a few minutes to save the profiling result.")
            self.profiler.__exit__(None, None, None)
            if self.exit_after_profiling:
                sys.exit()
