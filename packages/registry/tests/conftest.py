"""Shared fixtures: isolate the global ``DefaultScope`` state per test."""

from __future__ import annotations

import pytest

from mmengine.registry import DefaultScope


@pytest.fixture(autouse=True)
def clean_default_scope():
    """Run each test with no default scope, restoring the previous state."""
    saved = DefaultScope._instance_dict.copy()
    DefaultScope._instance_dict.clear()
    yield
    DefaultScope._instance_dict.clear()
    DefaultScope._instance_dict.update(saved)


@pytest.fixture
def logs(monkeypatch):
    """Capture the ``print_log`` calls of the registry modules as
    ``(message, level)`` pairs (independent of logger configuration)."""
    import logging

    import mmengine.registry._imports as imports_mod
    import mmengine.registry.registry as registry_mod
    import mmengine.registry.utils as utils_mod

    records: list = []

    def fake_print_log(msg, logger=None, level=logging.INFO):
        records.append((str(msg), level))

    for mod in (imports_mod, registry_mod, utils_mod):
        monkeypatch.setattr(mod, "print_log", fake_print_log)
    return records
