"""Process-level environment setup: multiprocessing, threads, dynamo."""

from __future__ import annotations

import os
import platform
import warnings

import torch.multiprocessing as mp

from ..version_utils import digit_version


def set_multi_processing(
    mp_start_method: str = "fork",
    opencv_num_threads: int = 0,
    distributed: bool = False,
) -> None:
    """Set multi-processing related environment.

    Sets the multiprocessing start method (not on Windows), the number of
    OpenCV threads when OpenCV is installed, and, in a distributed run,
    ``OMP_NUM_THREADS``/``MKL_NUM_THREADS`` to 1 unless already set.

    Args:
        mp_start_method (str): Set the method which should be used to start
            child processes. Defaults to 'fork'.
        opencv_num_threads (int): Number of threads for opencv.
            Defaults to 0.
        distributed (bool): True if distributed environment.
            Defaults to False.
    """
    if platform.system() != "Windows":
        methods = mp.get_all_start_methods()
        if mp_start_method not in methods:
            # multiprocessing's own sentence first (0.10 raised it, after a misleading warning)
            raise ValueError(
                f"cannot find context for {mp_start_method!r}: mp_start_method "
                f"(env_cfg.mp_cfg.mp_start_method in a config) must be one of {methods}."
            )
        current_method = mp.get_start_method(allow_none=True)
        if current_method is not None and current_method != mp_start_method:
            warnings.warn(
                f"Multi-processing start method `{mp_start_method}` is "
                f"different from the previous setting `{current_method}`."
                f"It will be force set to `{mp_start_method}`. You can "
                "change this behavior by changing `mp_start_method` in "
                "your config.",
                stacklevel=2,
            )
        mp.set_start_method(mp_start_method, force=True)

    try:
        import cv2  # type: ignore[import-not-found]
    except ImportError:
        pass
    else:
        # Disable OpenCV multithreading to avoid system overload.
        cv2.setNumThreads(opencv_num_threads)

    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        if var not in os.environ and distributed:
            warnings.warn(
                f"Setting {var} environment variable for each process to be 1 "
                "in default, to avoid your system being overloaded, please "
                "further tune the variable for optimal performance in your "
                "application as needed.",
                stacklevel=2,
            )
            os.environ[var] = "1"


def setup_cache_size_limit_of_dynamo() -> None:
    """Set ``torch._dynamo.config.cache_size_limit`` from the environment.

    When ``DYNAMO_CACHE_SIZE_LIMIT`` is set (e.g. to a small value such as 4
    for models whose dynamic shapes would otherwise be recompiled again and
    again), it is applied to ``torch._dynamo.config.cache_size_limit``.
    Nothing happens for PyTorch < 2.0 or when the variable is unset.

    Raises:
        ValueError: If ``DYNAMO_CACHE_SIZE_LIMIT`` is not an integer.
    """
    import torch

    if digit_version(torch.__version__) < digit_version("2.0.0"):
        return
    value = os.environ.get("DYNAMO_CACHE_SIZE_LIMIT")
    if value is None:
        return
    try:
        cache_size_limit = int(value)
    except ValueError:
        raise ValueError(
            f"Environment variable DYNAMO_CACHE_SIZE_LIMIT must be an integer, got {value!r}"
        ) from None
    import importlib

    dynamo = importlib.import_module("torch._dynamo")
    dynamo.config.cache_size_limit = cache_size_limit
    warnings.warn(
        f"torch._dynamo.config.cache_size_limit is force set to {cache_size_limit}.",
        stacklevel=2,
    )
