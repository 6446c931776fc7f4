import logging

import pytest


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def current_log():
    """``(levelname, message)`` pairs logged through ``print_log(..., logger='current')``."""
    from mmengine.logging import MMLogger

    logger = MMLogger.get_current_instance()
    handler = _ListHandler()
    logger.addHandler(handler)
    try:
        yield lambda: [(r.levelname, r.getMessage()) for r in handler.records]
    finally:
        logger.removeHandler(handler)
