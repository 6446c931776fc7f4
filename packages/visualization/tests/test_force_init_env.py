"""force_init_env: backends set themselves up once, on first use."""

import pytest

from mmengine.visualization import BaseVisBackend
from mmengine.visualization.vis_backend import force_init_env


class CountingBackend(BaseVisBackend):
    def __init__(self, save_dir=None, fail_times=0):
        super().__init__(save_dir)
        self.inits = 0
        self.fail_times = fail_times
        self.values = []

    def _init_env(self):
        self.inits += 1
        if self.inits <= self.fail_times:
            raise RuntimeError("service unavailable")

    @property
    @force_init_env
    def experiment(self):
        return self

    @force_init_env
    def add_scalar(self, name, value, step=0, **kwargs):
        self.values.append((name, value, step))


def test_init_once_on_first_use():
    backend = CountingBackend()
    assert backend.inits == 0 and backend._env_initialized is False
    backend.add_scalar("a", 1)
    backend.add_scalar("a", 2, step=1)
    assert backend.experiment is backend
    assert backend.inits == 1 and backend._env_initialized is True
    assert backend.values == [("a", 1, 0), ("a", 2, 1)]


def test_failed_init_is_retried():
    backend = CountingBackend(fail_times=1)
    with pytest.raises(RuntimeError, match="unavailable"):
        backend.add_scalar("a", 1)
    assert backend._env_initialized is False and backend.values == []
    backend.add_scalar("a", 1)
    assert backend.inits == 2 and backend.values == [("a", 1, 0)]


def test_missing_init_env_is_reported():
    class NoInit:
        @force_init_env
        def add_scalar(self, name, value):
            return value

    with pytest.raises(AttributeError, match="_init_env"):
        NoInit().add_scalar("a", 1)


def test_base_methods_are_noops_until_used():
    backend = CountingBackend()
    assert BaseVisBackend.add_config(backend, None) is None
    assert BaseVisBackend.add_image(backend, "x", None) is None
    assert BaseVisBackend.add_graph(backend, None, []) is None
    BaseVisBackend.close(backend)
    assert backend.inits == 0


class ClosingBackend(CountingBackend):
    closed = 0

    def _close_env(self):
        self.closed += 1


def test_base_add_scalars_logs_each_entry_through_add_scalar():
    backend = ClosingBackend()
    backend.add_scalars({"loss": 0.5, "acc": 0.9}, step=3)
    assert backend.values == [("loss", 0.5, 3), ("acc", 0.9, 3)]
    assert backend.inits == 1
    with pytest.raises(AssertionError, match="Please set it directly through the step parameter"):
        backend.add_scalars({"loss": 0.5, "step": 3})
    with pytest.raises(AssertionError, match="expects a dict"):
        backend.add_scalars([0.5])
    assert len(backend.values) == 2  # nothing of the rejected calls was logged


def test_close_releases_only_what_was_set_up():
    unused = ClosingBackend()
    unused.close()
    assert unused.closed == 0
    used = ClosingBackend()
    used.add_scalar("a", 1)
    used.close()
    assert used.closed == 1
