"""MultiProcessTestCase: run each test method in several spawned processes."""

from __future__ import annotations

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
    ``mmengine.dist.init_dist('pytorch', backend='gloo')``. A failing process fails the test
    with its traceback; ``timeout`` bounds the whole run.
    """

    world_size: int = 2
    timeout: float = 120.0
    rank: int = -1

    def _spawn_processes(self) -> None:
        if self.rank != -1:  # already inside a worker
            return
        port = _free_port()
        ctx = mp.get_context("spawn")
        queue = ctx.Queue()
        procs = [
            ctx.Process(
                target=self._run,
                args=(rank, self.world_size, port, self._testMethodName, queue),
            )
            for rank in range(self.world_size)
        ]
        for p in procs:
            p.start()
        errors = []
        for p in procs:
            p.join(self.timeout)
            if p.is_alive():
                p.terminate()
                errors.append(f"process {p.pid} timed out after {self.timeout}s")
        while not queue.empty():
            errors.append(queue.get())
        for p in procs:
            if p.exitcode not in (0, None) and not errors:
                errors.append(f"process {p.pid} exited with {p.exitcode}")
        # The parent does not run the body itself.
        setattr(self, self._testMethodName, lambda: None)
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
