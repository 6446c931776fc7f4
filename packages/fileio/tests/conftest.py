"""Shared fixtures: keep global registries and caches clean between tests."""

from __future__ import annotations

import logging

import pytest

from mmengine.fileio import io as fileio_io
from mmengine.fileio.backends import registry_utils
from mmengine.fileio.file_client import FileClient
from mmengine.fileio.handlers import registry_utils as handler_registry


@pytest.fixture(autouse=True)
def _restore_registries():
    backends = dict(registry_utils.backends)
    prefixes = dict(registry_utils.prefix_to_backends)
    handlers = dict(handler_registry.file_handlers)
    fc_backends = dict(FileClient._backends)
    fc_prefixes = dict(FileClient._prefix_to_backends)
    fc_instances = dict(FileClient._instances)
    instances = dict(fileio_io.backend_instances)
    yield
    for live, saved in (
        (registry_utils.backends, backends),
        (registry_utils.prefix_to_backends, prefixes),
        (handler_registry.file_handlers, handlers),
        (FileClient._backends, fc_backends),
        (FileClient._prefix_to_backends, fc_prefixes),
        (FileClient._instances, fc_instances),
        (fileio_io.backend_instances, instances),
    ):
        live.clear()
        live.update(saved)


@pytest.fixture
def logged(monkeypatch):
    """Capture what goes to the current MMLogger (``print_log``) as (message, level)."""
    logging_pkg = pytest.importorskip("mmengine.logging")
    calls: list = []

    def fake(msg, logger=None, level=logging.INFO):
        assert logger == "current"
        calls.append((msg, level))

    monkeypatch.setattr(logging_pkg, "print_log", fake)
    return calls
