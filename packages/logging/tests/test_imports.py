import subprocess
import sys

import mmengine.logging as mmlogging


def test_public_api():
    assert set(mmlogging.__all__) >= {"HistoryBuffer", "MessageHub", "MMLogger", "print_log"}
    for name in mmlogging.__all__:
        assert getattr(mmlogging, name) is not None
    from mmengine.logging.history_buffer import HistoryBuffer
    from mmengine.logging.logger import MMFormatter, MMLogger, print_log
    from mmengine.logging.message_hub import MessageHub

    assert HistoryBuffer is mmlogging.HistoryBuffer
    assert MessageHub is mmlogging.MessageHub
    assert MMLogger is mmlogging.MMLogger and print_log is mmlogging.print_log
    assert MMFormatter is mmlogging.MMFormatter


def test_import_does_not_load_torch():
    code = "import sys, mmengine.logging; assert 'torch' not in sys.modules, 'torch imported'"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
