"""``find_latest_checkpoint`` reports a missing ``last_checkpoint`` as 0.10 does."""

from __future__ import annotations

import logging

from mmengine.logging import MMLogger
from mmengine.model.checkpoint import find_latest_checkpoint


def test_missing_last_checkpoint_is_printed_not_logged(tmp_path, capsys):
    # 0.10.7 (black box): the sentence is print()ed, bare, on stdout; the current logger's
    # handlers (the run's log file) do not get it.
    log_file = tmp_path / "run.log"
    logger = MMLogger.get_instance(
        "test_find_latest_checkpoint_log", log_file=str(log_file), log_level="INFO"
    )
    records: list[logging.LogRecord] = []

    class _Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    keep = _Keep()
    logger.addHandler(keep)
    try:
        assert find_latest_checkpoint(str(tmp_path)) is None
    finally:
        logger.removeHandler(keep)
    assert capsys.readouterr().out == "Did not find last_checkpoint to be resumed.\n"
    assert not [r for r in records if "last_checkpoint" in r.getMessage()]
    for handler in logger.handlers:
        handler.flush()
    assert "last_checkpoint" not in log_file.read_text()
