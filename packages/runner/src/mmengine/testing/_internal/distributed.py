"""MultiProcessTestCase: run each test method in ``world_size`` processes.

The protocol follows PyTorch's ``common_distributed`` test case, which downstream test
suites subclass: the parent process (``rank == -1``) spawns the workers in ``setUp`` and
joins them in place of the test method; each worker is a fresh instance of the case with
``rank`` and ``file_name`` set, and runs ``run_test(test_name, parent_pipe)``.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import tempfile
import time
import traceback
import unittest
from collections.abc import Callable
from functools import wraps
from multiprocessing.connection import wait
from typing import Any, NamedTuple

import torch.multiprocessing as mp

logger = logging.getLogger(__name__)


class TestSkip(NamedTuple):
    """The exit code with which a worker reports a skip, and the skip's message."""

    exit_code: int
    message: str


TEST_SKIPS = {
    "backend_unavailable": TestSkip(10, "Skipped because distributed backend is not available."),
    "no_cuda": TestSkip(11, "CUDA is not available."),
    "multi-gpu-2": TestSkip(12, "Need at least 2 CUDA device"),
    "generic": TestSkip(
        13, "Test skipped at subprocess level, look at subprocess log for skip reason"
    ),
}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MultiProcessTestCase(unittest.TestCase):
    """Run a test method in ``world_size`` processes (the process's rank in ``self.rank``).

    Call ``self._spawn_processes()`` in ``setUp`` (after ``super().setUp()``). The parent
    then waits for the workers in place of the test method: a worker that raises fails the
    test with its traceback, a worker that raises ``unittest.SkipTest`` skips it, and
    ``timeout`` seconds bound the wait. ``setUp`` runs in the parent only.

    In each worker the case is constructed afresh with ``self.rank`` and ``self.file_name``
    (a temporary file usable as a ``file://`` store) set, the environment of a 'pytorch'
    launch exported (``MASTER_ADDR``, ``MASTER_PORT``, ``RANK``, ``LOCAL_RANK``,
    ``WORLD_SIZE``, so ``mmengine.dist.init_dist('pytorch', backend='gloo')`` works), and
    ``self.run_test(test_name, parent_pipe)`` called. Override ``run_test`` to build
    per-process fixtures, then call ``super().run_test(test_name, parent_pipe)``.

    Workers fork where the platform allows it (so pytest's importlib mode, whose module names
    a spawned child could not import, works); elsewhere they spawn.

    Args:
        method_name (str): The test method to run. Defaults to 'runTest'.
        methodName (str): unittest's spelling of ``method_name``; either may be given.
    """

    MAIN_PROCESS_RANK = -1
    #: The exit code of a worker whose test raised (its traceback goes through the pipe).
    TEST_ERROR_EXIT_CODE = 10

    rank: int = MAIN_PROCESS_RANK
    file_name: str = ""

    @property
    def world_size(self) -> int:
        """int: The number of processes. Override (as a property or attribute) to change."""
        return 2

    @property
    def timeout(self) -> float:
        """float: Seconds the parent waits for all workers before failing the test."""
        return 120.0

    @property
    def is_master(self) -> bool:
        """bool: Whether this is the worker of rank 0."""
        return self.rank == 0

    def __init__(self, method_name: str = "runTest", methodName: str = "runTest") -> None:  # noqa: N803
        if methodName != "runTest":
            method_name = methodName
        super().__init__(method_name)
        body = getattr(self, method_name, None)
        if body is not None:
            setattr(self, method_name, self.join_or_run(body))

    def join_or_run(self, fn: Callable[[], Any]) -> Callable[[], None]:
        """Wrap a test method: the parent joins the workers, a worker runs ``fn``."""

        @wraps(fn)
        def wrapper() -> None:
            if self.rank == self.MAIN_PROCESS_RANK:
                self._join_processes(fn)
            else:
                fn()

        return wrapper

    def setUp(self) -> None:
        super().setUp()
        self.processes: list[Any] = []
        self.rank = self.MAIN_PROCESS_RANK
        with tempfile.NamedTemporaryFile(prefix="mmengine_mp_", delete=False) as f:
            self.file_name = f.name
        self.pid_to_pipe: dict[int, Any] = {}

    def tearDown(self) -> None:
        super().tearDown()
        for p in getattr(self, "processes", []):
            if p.is_alive():
                p.terminate()
        if self.rank == self.MAIN_PROCESS_RANK and self.file_name:
            try:
                os.remove(self.file_name)
            except OSError:
                pass
        self.processes = []

    def _current_test_name(self) -> str:
        """str: The name of the running test method (e.g. ``'test_all_reduce'``)."""
        return self.id().split(".")[-1]

    def prepare_subprocess(self) -> None:
        """Called in each worker before ``run_test``; override for per-process set-up."""

    def _start_processes(self, proc: Any) -> None:
        """Start ``world_size`` workers of the process class ``proc``."""
        if self.rank != self.MAIN_PROCESS_RANK:  # already inside a worker
            return
        port = _free_port()
        self.processes = []
        self.pid_to_pipe = {}
        ctx = self._mp_context
        for rank in range(self.world_size):
            parent_conn, child_conn = ctx.Pipe()
            process = proc(
                target=type(self)._run,
                name=f"process {rank}",
                args=(rank, self._current_test_name(), self.file_name, child_conn),
                kwargs=dict(world_size=self.world_size, master_port=port),
            )
            process.start()
            child_conn.close()
            self.pid_to_pipe[process.pid] = parent_conn
            self.processes.append(process)

    def _spawn_processes(self) -> None:
        """Start the workers (call it in ``setUp``; a no-op inside a worker)."""
        # fork where the platform has it: the child then needs not re-import the test module
        # by name (pytest's importlib mode imports test files under names a child cannot).
        method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
        self._mp_context = mp.get_context(method)
        self._start_processes(self._mp_context.Process)

    @classmethod
    def _run(
        cls,
        rank: int,
        test_name: str,
        file_name: str,
        parent_pipe: Any,
        world_size: int | None = None,
        master_port: int | None = None,
    ) -> None:
        """The worker's entry point: build the case for ``rank`` and run ``run_test``."""
        self = cls(test_name)
        self.rank = rank
        self.file_name = file_name
        env = dict(RANK=str(rank), LOCAL_RANK=str(rank), MASTER_ADDR="127.0.0.1")
        env["WORLD_SIZE"] = str(world_size if world_size is not None else self.world_size)
        if master_port is not None:
            env["MASTER_PORT"] = str(master_port)
        os.environ.update(env)
        try:
            self.prepare_subprocess()
        except BaseException:  # noqa: BLE001 (report everything to the parent)
            parent_pipe.send(("error", traceback.format_exc()))
            sys.exit(self.TEST_ERROR_EXIT_CODE)
        self.run_test(test_name, parent_pipe)
        sys.exit(0)

    def run_test(self, test_name: str, parent_pipe: Any) -> None:
        """Run the test method in this worker and report the outcome to the parent.

        A ``unittest.SkipTest`` exits with ``TEST_SKIPS['generic'].exit_code`` and sends
        the reason; any other exception sends its traceback and exits with
        ``TEST_ERROR_EXIT_CODE``.

        Args:
            test_name (str): The name of the test method.
            parent_pipe: The worker's end of the pipe to the parent.
        """
        try:
            getattr(self, test_name)()
        except unittest.SkipTest as skip:
            logger.info("Process %d skipping test %s: %s", self.rank, test_name, skip)
            parent_pipe.send(("skip", str(skip)))
            sys.exit(TEST_SKIPS["generic"].exit_code)
        except BaseException:  # noqa: BLE001 (report everything to the parent)
            parent_pipe.send(("error", traceback.format_exc()))
            sys.exit(self.TEST_ERROR_EXIT_CODE)
        finally:
            parent_pipe.close()

    def _join_processes(self, fn: Callable[[], Any]) -> None:
        """Wait for the workers of test ``fn``, then fail or skip as they reported.

        When a worker fails, the others are terminated (they would otherwise wait for it in
        a collective until the timeout).
        """
        processes = getattr(self, "processes", None)
        if not processes:
            raise RuntimeError(
                f"{type(self).__name__}.{self._current_test_name()}: no worker processes; "
                "call self._spawn_processes() in setUp (after super().setUp())."
            )
        reports, timed_out, terminated = self._wait_for_workers(processes)
        self._raise_worker_outcome(processes, reports, timed_out, terminated)

    def _wait_for_workers(self, processes: list) -> tuple[dict[int, Any], list[int], list[int]]:
        """Wait until every worker has exited, reading their reports as they come.

        Once a worker has failed, or ``self.timeout`` has passed, the live workers are
        terminated.

        Returns:
            tuple: the reports by rank, the ranks stopped at the timeout, and the ranks
            terminated because another worker failed.
        """
        reports: dict[int, Any] = {}
        timed_out: list[int] = []
        terminated: list[int] = []
        deadline = time.monotonic() + self.timeout
        while True:
            self._read_reports(processes, reports)  # so that no worker blocks on a full pipe
            alive = [p for p in processes if p.is_alive()]
            failed = any(p.exitcode not in (None, 0) for p in processes)
            if not alive:
                break
            remaining = deadline - time.monotonic()
            if failed or remaining <= 0:
                stopped = [r for r, p in enumerate(processes) if p.is_alive()]
                if failed:
                    terminated = stopped
                else:
                    timed_out = stopped
                for p in alive:
                    p.terminate()
                for p in alive:
                    p.join()
                break
            waitables = [p.sentinel for p in alive]
            waitables += [
                self.pid_to_pipe[p.pid]
                for rank, p in enumerate(processes)
                if rank not in reports and p.pid in self.pid_to_pipe
            ]
            wait(waitables, timeout=min(remaining, 1.0))
        self._read_reports(processes, reports)
        return reports, timed_out, terminated

    def _read_reports(self, processes: list, reports: dict[int, Any]) -> None:
        """Add to ``reports`` what workers without one have sent (None: pipe closed empty)."""
        for rank, p in enumerate(processes):
            pipe = self.pid_to_pipe.get(p.pid)
            if rank in reports or pipe is None or not pipe.poll():
                continue
            try:
                reports[rank] = pipe.recv()
            except EOFError:
                reports[rank] = None

    def _raise_worker_outcome(
        self,
        processes: list,
        reports: dict[int, Any],
        timed_out: list[int],
        terminated: list[int],
    ) -> None:
        """Fail (``RuntimeError``) or skip (``unittest.SkipTest``) as the workers reported;
        return when they all passed."""
        errors: list[str] = []
        skips: list[str] = []
        notes: list[str] = []
        for rank, p in enumerate(processes):
            report = reports.get(rank)
            if rank in timed_out:
                errors.append(f"Process {rank} timed out after {self.timeout} seconds")
            elif report is not None and report[0] == "skip":
                skips.append(report[1])
            elif report is not None:
                errors.append(
                    f"Process {rank} exited with error code {p.exitcode} and exception:\n"
                    f"{report[1]}"
                )
            elif rank in terminated:
                notes.append(f"Process {rank} was terminated after another process stopped")
            elif p.exitcode != 0:
                errors.append(f"Process {rank} exited with error code {p.exitcode}")
        if errors or (notes and not skips):
            raise RuntimeError("\n".join(errors + notes))
        if skips:
            raise unittest.SkipTest(
                f"{TEST_SKIPS['generic'].message} (reason: {'; '.join(sorted(set(skips)))})"
            )
