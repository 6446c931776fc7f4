"""MultiProcessTestCase: run each test method in several spawned processes."""

from __future__ import annotations

import functools
import os
import socket
import sys
import traceback
import unittest
from typing import Any

import torch.multiprocessing as mp


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MultiProcessTestCase(unittest.TestCase):
    """Run a test method in ``world_size`` processes (rank in ``self.rank``).

    Call ``self._spawn_processes()`` in ``setUp``; each process runs the test method with
    ``MASTER_ADDR``/``MASTER_PORT``/``RANK``/``WORLD_SIZE`` set, so the test can call
    ``mmengine.dist.init_dist('pytorch', backend='gloo')``. In the parent, the test method
    waits for the processes; a failing process fails the test with its traceback, and
    ``timeout`` bounds the whole run.
    """

    world_size: int = 2
    timeout: float = 120.0
    rank: int = -1

    def __init__(self, methodName: str = "runTest") -> None:  # noqa: N803 (unittest's name)
        super().__init__(methodName)
        body = getattr(self, methodName, None)
        if body is None:
            return

        @functools.wraps(body)
        def run_or_join() -> None:
            if self.rank == -1:
                self._join_processes()
            else:
                body()

        setattr(self, methodName, run_or_join)

    def _spawn_processes(self) -> None:
        if self.rank != -1:  # already inside a worker
            return
        port = _free_port()
        # fork where the platform has it: the child then needs not re-import the test module
        # by name (pytest's importlib mode imports test files under names a child cannot).
        ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        self._queue = ctx.Queue()
        self._processes = [
            ctx.Process(
                target=self._run,
                args=(rank, self.world_size, port, self._testMethodName, self._queue),
            )
            for rank in range(self.world_size)
        ]
        for p in self._processes:
            p.start()

    def _join_processes(self) -> None:
        processes = getattr(self, "_processes", None)
        if processes is None:
            raise RuntimeError(
                f"{type(self).__name__}: call self._spawn_processes() in setUp before the test"
            )
        errors = []
        for p in processes:
            p.join(self.timeout)
            if p.is_alive():
                p.terminate()
                errors.append(f"process {p.pid} timed out after {self.timeout}s")
        while not self._queue.empty():
            errors.append(self._queue.get())
        for p in processes:
            if p.exitcode not in (0, None) and not errors:
                errors.append(f"process {p.pid} exited with {p.exitcode}")
        if errors:
            raise AssertionError("\n".join(errors))

    @classmethod
    def _run(cls, rank: int, world_size: int, port: int, test_name: str, queue: Any) -> None:
        os.environ.update(
            MASTER_ADDR="127.0.0.1",
            MASTER_PORT=str(port),
            RANK=str(rank),
            LOCAL_RANK=str(rank),
            WORLD_SIZE=str(world_size),
        )
        self = cls(test_name)
        self.rank = rank
        try:
            self.setUp()
            getattr(self, test_name)()
            self.tearDown()
        except BaseException:  # noqa: BLE001 (report everything to the parent)
            queue.put(f"rank {rank}:\n{traceback.format_exc()}")
            sys.exit(1)
