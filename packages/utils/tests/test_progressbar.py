import io
import re
import time

import pytest

from mmengine.utils import (
    ProgressBar,
    track_iter_progress,
    track_parallel_progress,
    track_progress,
    track_progress_rich,
)


def _double(x):
    return 2 * x


def test_progressbar_known_total():
    out = io.StringIO()
    bar = ProgressBar(3, bar_width=10, file=out)
    assert out.getvalue() == f"[{' ' * 10}] 0/3, elapsed: 0s, ETA:"
    bar.update()
    bar.update(2)
    assert bar.completed == 3
    text = out.getvalue()
    assert "1/3" in text and "3/3" in text
    assert text.endswith("ETA:     0s")
    assert ">" in text


def test_progressbar_unknown_total():
    out = io.StringIO()
    bar = ProgressBar(file=out)
    assert out.getvalue() == "completed: 0, elapsed: 0s"
    bar.update()
    bar.update()
    # U2: no carriage return without a total (upstream writes the updates one after another)
    text = out.getvalue()
    assert "\r" not in text
    assert re.fullmatch(
        r"completed: 0, elapsed: 0s"
        r"completed: 1, elapsed: \d+s, (inf|[\d.]+) tasks/s"
        r"completed: 2, elapsed: \d+s, (inf|[\d.]+) tasks/s",
        text,
    ), text
    with pytest.raises(AssertionError):
        bar.update(0)


def test_progressbar_deferred_start():
    out = io.StringIO()
    bar = ProgressBar(2, start=False, file=out)
    assert out.getvalue() == ""
    bar.start()
    bar.update()
    assert "1/2" in out.getvalue()


def test_track_progress():
    out = io.StringIO()
    assert track_progress(_double, [1, 2, 3], file=out) == [2, 4, 6]
    assert "3/3" in out.getvalue()
    assert out.getvalue().endswith("\n")
    out = io.StringIO()
    assert track_progress(_double, (iter([1, 2]), 2), file=out) == [2, 4]
    assert track_progress(pow, [2, 3], file=io.StringIO(), exp=2) == [4, 9]
    with pytest.raises(TypeError):
        track_progress(_double, 5, file=io.StringIO())
    with pytest.raises(AssertionError):
        track_progress(_double, ([1], "x"), file=io.StringIO())


def test_track_iter_progress():
    out = io.StringIO()
    seen = [x for x in track_iter_progress([1, 2, 3], file=out)]
    assert seen == [1, 2, 3]
    assert "3/3" in out.getvalue()
    seen = list(track_iter_progress((iter("ab"), 2), file=io.StringIO()))
    assert seen == ["a", "b"]


def test_track_parallel_progress():
    out = io.StringIO()
    assert track_parallel_progress(abs, [-1, -2, 3, -4], 2, file=out) == [1, 2, 3, 4]
    assert "4/4" in out.getvalue()
    res = track_parallel_progress(abs, [-1, -2, 3, -4], 2, keep_order=False, file=io.StringIO())
    assert sorted(res) == [1, 2, 3, 4]
    out = io.StringIO()
    res = track_parallel_progress(abs, [-1, -2, 3, -4, 5], 2, skip_first=True, file=out)
    assert res == [1, 2, 3, 4, 5]
    assert "3/3" in out.getvalue()


def test_track_progress_rich_serial_and_parallel():
    assert track_progress_rich(abs, [-1, 2, -3]) == [1, 2, 3]
    assert track_progress_rich(abs, [-1, -2, -3, 4], nproc=2) == [1, 2, 3, 4]
    # tuples/lists are spread as positional arguments
    assert track_progress_rich(pow, [(2, 3), [2, 2]]) == [8, 4]
    # a dict task is passed as one argument, as 0.10.7 does (recorded: func(x) got the dict)
    assert track_progress_rich(len, [{"base": 3, "exp": 2}]) == [2]
    assert track_progress_rich(pow, [(2, 3), (3, 2), (2, 5)], nproc=2) == [8, 9, 32]
    # a function without arguments is called task_num times
    assert len(track_progress_rich(time.time, task_num=2)) == 2
    # iterators without length: task_num is the total, or the bar is open-ended
    assert track_progress_rich(abs, iter([-1, -2]), task_num=2) == [1, 2]
    assert track_progress_rich(abs, iter([-1, -2])) == [1, 2]


def test_track_progress_rich_errors():
    with pytest.raises(ValueError, match="task_num"):
        track_progress_rich(abs)
    with pytest.raises(ValueError, match="task_num"):
        track_progress_rich(abs, [1, 2], task_num=3)
    with pytest.raises(ValueError, match="nproc"):
        track_progress_rich(abs, [1], nproc=0)
    with pytest.raises(TypeError):
        track_progress_rich(abs, 3)
    with pytest.raises(TypeError):
        track_progress_rich("abs", [1])


def test_track_progress_rich_columns_in_0_10_order(capsys):
    # recorded from 0.10.7: "Processing ━━━━ 0:00:00 3/3 100%" (time left, count, percent)
    track_progress_rich(abs, [-1, 2, -3])
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert re.search(r"\d:\d\d:\d\d 3/3 100%$", line), line


def test_progress_bar_overflow_is_not_clamped(monkeypatch):
    # 0.10.7 draws int(bar_width * completed / task_num) marks: past task_num the
    # bar grows beyond its width (4 of 2 tasks with bar_width=10: 20 marks)
    monkeypatch.setenv("COLUMNS", "200")
    out = io.StringIO()
    bar = ProgressBar(2, bar_width=10, file=out)
    for _ in range(4):
        bar.update()
    last = out.getvalue().split("\r")[-1]
    assert last.startswith("[" + ">" * 20 + "] 4/2, ")


def test_track_progress_tasks_type_error_sentence():
    # 0.10.7's sentence leads the message
    with pytest.raises(TypeError, match='"tasks" must be a tuple object or a sequence object'):
        track_progress(abs, 5, file=io.StringIO())
    with pytest.raises(TypeError, match='"tasks" must be a tuple object or a sequence object'):
        track_progress(abs, iter([1]), file=io.StringIO())
