import logging

import pytest

from mmengine.logging import MessageHub, MMLogger


@pytest.fixture(autouse=True)
def _isolated_instances(monkeypatch):
    """Each test starts with no MMLogger/MessageHub instances and no
    distributed launcher environment; file handlers are closed afterwards."""
    for var in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "CUDA_VISIBLE_DEVICES"):
        monkeypatch.delenv(var, raising=False)
    saved = {cls: dict(cls._instance_dict) for cls in (MMLogger, MessageHub)}
    for cls in saved:
        cls._instance_dict.clear()
    yield
    for logger in list(MMLogger._instance_dict.values()):
        for handler in logger.handlers:
            if isinstance(handler, logging.FileHandler):
                handler.close()
    for cls, instances in saved.items():
        cls._instance_dict.clear()
        cls._instance_dict.update(instances)
