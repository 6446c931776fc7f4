import torch.distributed as torch_dist

from mmengine.dist import all_reduce, get_rank, get_world_size, init_dist
from mmengine.testing._internal import MultiProcessTestCase


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


class _FailsOnRankOne(MultiProcessTestCase):
    __test__ = False  # run by the test below, not collected on its own
    world_size = 2
    timeout = 60

    def setUp(self) -> None:
        super().setUp()
        self._spawn_processes()

    def test_body(self) -> None:
        assert self.rank != 1, "rank one refuses"


def test_a_failing_rank_fails_the_test_with_its_traceback():
    import unittest

    result = unittest.TestResult()
    _FailsOnRankOne("test_body").run(result)
    assert len(result.failures) == 1
    message = result.failures[0][1]
    assert "rank 1:" in message and "rank one refuses" in message
