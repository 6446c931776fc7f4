import os
import unittest

import torch.distributed as torch_dist

from mmengine.dist import all_reduce, get_rank, get_world_size, init_dist
from mmengine.testing._internal import MultiProcessTestCase, distributed


class TestTwoProcesses(MultiProcessTestCase):
    world_size = 2
    timeout = 120

    def setUp(self) -> None:
        super().setUp()
        self._spawn_processes()

    def test_all_reduce_across_two_ranks(self) -> None:
        import torch

        init_dist("pytorch", backend="gloo")
        try:
            assert get_world_size() == 2
            value = torch.tensor([float(get_rank() + 1)])
            all_reduce(value)
            assert value.item() == 3.0
        finally:
            torch_dist.destroy_process_group()


class TestRunTestProtocol(MultiProcessTestCase):
    """Subclasses override run_test to build per-process fixtures (upstream's protocol)."""

    @property
    def world_size(self) -> int:
        return 3

    def setUp(self) -> None:
        super().setUp()
        self._spawn_processes()

    def run_test(self, test_name: str, parent_pipe) -> None:  # noqa: ANN001
        # set in the worker before run_test; setUp ran in the parent only
        assert not hasattr(self, "processes") and self.rank in (0, 1, 2)
        self.fixture = f"rank{self.rank}"
        super().run_test(test_name, parent_pipe)

    def test_fixture_and_store_file(self) -> None:
        assert self.fixture == f"rank{self.rank}"
        assert self.is_master == (self.rank == 0)
        assert os.path.isfile(self.file_name)
        torch_dist.init_process_group(
            "gloo", init_method=f"file://{self.file_name}", rank=self.rank, world_size=3
        )
        try:
            assert torch_dist.get_world_size() == 3
        finally:
            torch_dist.destroy_process_group()


class _Cases(MultiProcessTestCase):
    __test__ = False  # run by the tests below, not collected on its own
    timeout = 60

    def setUp(self) -> None:
        super().setUp()
        self._spawn_processes()

    def test_fails_on_rank_one(self) -> None:
        assert self.rank != 1, "rank one refuses"

    def test_skips(self) -> None:
        raise unittest.SkipTest("no such backend here")


def test_a_failing_rank_fails_the_test_with_its_traceback():
    result = unittest.TestResult()
    _Cases("test_fails_on_rank_one").run(result)
    assert len(result.errors) == 1
    message = result.errors[0][1]
    assert "RuntimeError: Process 1 exited with error code 10 and exception:" in message
    assert "rank one refuses" in message


def test_a_skipping_worker_skips_the_test_with_its_reason():
    result = unittest.TestResult()
    _Cases(method_name="test_skips").run(result)
    assert not result.errors and not result.failures
    (reason,) = [r for _, r in result.skipped]
    assert (
        reason.startswith(distributed.TEST_SKIPS["generic"].message)
        and "no such backend here" in reason
    )


def test_skip_table_and_defaults():
    assert distributed.TEST_SKIPS["generic"] == distributed.TestSkip(
        13, "Test skipped at subprocess level, look at subprocess log for skip reason"
    )
    assert distributed.TEST_SKIPS["no_cuda"].exit_code == 11
    case = _Cases("test_skips")
    assert MultiProcessTestCase.world_size.fget(case) == 2
    assert case.rank == MultiProcessTestCase.MAIN_PROCESS_RANK == -1
