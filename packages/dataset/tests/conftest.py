"""Shared fixtures of the dataset tests."""

from __future__ import annotations

import logging

import pytest


@pytest.fixture
def log_messages():
    """The messages logged through the current MMLogger while the test runs (any level)."""
    from mmengine.logging import MMLogger

    messages: list[str] = []

    class Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger = MMLogger.get_current_instance()
    handler = Handler(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
