"""mmengine.logging: MMLogger, print_log, MessageHub and HistoryBuffer."""

import mmengine.utils._coexist  # noqa: F401 - refuses to run next to upstream mmengine

from .history_buffer import HistoryBuffer
from .logger import MMFormatter, MMLogger, print_log
from .message_hub import MessageHub

__all__ = ["HistoryBuffer", "MessageHub", "MMFormatter", "MMLogger", "print_log"]
