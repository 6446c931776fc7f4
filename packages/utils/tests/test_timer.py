import time

import pytest

from mmengine.utils import Timer, TimerError, check_time


def test_timer_measures_elapsed():
    timer = Timer()
    assert timer.is_running
    time.sleep(0.02)
    first = timer.since_start()
    assert first >= 0.015
    time.sleep(0.01)
    since_last = timer.since_last_check()
    assert 0.005 <= since_last < first + 1
    assert timer.since_start() >= first


def test_timer_not_started():
    timer = Timer(start=False)
    assert not timer.is_running
    with pytest.raises(TimerError) as exc:
        timer.since_start()
    assert "not running" in exc.value.message
    with pytest.raises(TimerError):
        timer.since_last_check()
    timer.start()
    assert timer.is_running


def test_timer_context_manager(capsys):
    with Timer(print_tmpl="took {:.1f}s") as t:
        assert t.is_running
    assert not t.is_running
    assert capsys.readouterr().out.strip() == "took 0.0s"
    with Timer():
        pass
    assert capsys.readouterr().out.strip() == "0.000"


def test_check_time():
    assert check_time("test_check_time_id") == 0
    time.sleep(0.01)
    assert check_time("test_check_time_id") >= 0.005
