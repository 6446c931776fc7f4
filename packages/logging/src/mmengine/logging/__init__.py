"""mmengine.logging: MMLogger, print_log, MessageHub and HistoryBuffer."""

from .history_buffer import HistoryBuffer
from .logger import MMFormatter, MMLogger, print_log
from .message_hub import MessageHub

__all__ = ["HistoryBuffer", "MessageHub", "MMFormatter", "MMLogger", "print_log"]
