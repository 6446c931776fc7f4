"""Bad hook configs fail early (construction or before_run/before_train) with a clear message.

mmengine 0.10 accepted most of these at construction and failed at the first save or the
first validation, with a bare comparison TypeError; the exception classes stay 0.10's.
"""

from __future__ import annotations

import logging
import os
import os.path as osp
from contextlib import contextmanager

import pytest

from mmengine.hooks import CheckpointHook
from mmengine.logging import MMLogger


@contextmanager
def logged_warnings():
    """Collect the WARNING records logged to the current MMLogger."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(level=logging.WARNING)
    handler.emit = records.append  # type: ignore[method-assign]
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


# ---------------------------------------------------------------- CheckpointHook
@pytest.mark.parametrize(
    "kwargs, exc, parts",
    [
        (dict(interval="1"), TypeError, ["interval must be an integer", "str: '1'"]),
        (dict(interval=None), TypeError, ["interval must be an integer", "NoneType"]),
        (dict(interval=1.5), TypeError, ["interval must be an integer", "float: 1.5"]),
        (dict(interval=1, by_epoch="False"), TypeError, ["by_epoch must be a bool", "False"]),
        (dict(interval=1, max_keep_ckpts="3"), TypeError, ["max_keep_ckpts must be an integer"]),
        (dict(interval=1, save_begin="1"), TypeError, ["save_begin must be an integer"]),
        (dict(interval=1, out_dir=5), TypeError, ["out_dir must be a str or Path", "int: 5"]),
        (dict(interval=1, out_dir=5), AssertionError, ["out_dir"]),  # 0.10's class
        (dict(interval=1, filename_tmpl=5), TypeError, ["filename_tmpl must be a str"]),
        (dict(interval=1, filename_tmpl=5), AttributeError, ["filename_tmpl"]),  # 0.10's class
        (dict(interval=1, filename_tmpl="e_{epoch}.pth"), KeyError, ["'e_{epoch}.pth'", "'{}'"]),
        (dict(interval=1, filename_tmpl="e_{}_{}.pth"), IndexError, ["'e_{}_{}.pth'", "'{}'"]),
        (
            dict(interval=1, save_best="acc", rule="Greater"),
            KeyError,
            ["rule must be greater, less or None, but got Greater.", "save_best='acc'"],
        ),
    ],
)
def test_checkpoint_hook_bad_arguments_fail_at_construction(kwargs, exc, parts):
    with pytest.raises(exc) as info:
        CheckpointHook(**kwargs)
    message = str(info.value)
    for part in parts:
        assert part in message
    assert "CheckpointHook" in message


@pytest.mark.parametrize("interval", [2, 2.0, -1])
def test_checkpoint_hook_valid_intervals_still_accepted(interval):
    assert CheckpointHook(interval=interval).interval == interval


@pytest.mark.parametrize(
    "kwargs, part",
    [
        (dict(interval=0), "interval=0 saves no periodic checkpoint"),
        (dict(interval=1, max_keep_ckpts=0), "max_keep_ckpts=0 keeps every checkpoint"),
        (dict(interval=1, filename_tmpl="ckpt.pth"), "'ckpt.pth' has no '{}' placeholder"),
    ],
)
def test_checkpoint_hook_surprising_values_warn(kwargs, part):
    with logged_warnings() as records:
        CheckpointHook(**kwargs)
    assert any(part in r.getMessage() for r in records), [r.getMessage() for r in records]


def test_checkpoint_hook_default_arguments_do_not_warn():
    with logged_warnings() as records:
        CheckpointHook(interval=1, max_keep_ckpts=2, filename_tmpl="e_{}.pth")
    assert records == []


def test_checkpoint_hook_unknown_argument_fails_in_before_train(make_runner):
    hook = CheckpointHook(interval=1, intreval=2)
    runner = make_runner(hooks=[hook])
    with pytest.raises(TypeError) as info:
        hook.before_train(runner)
    message = str(info.value)
    assert "got an unexpected keyword argument 'intreval'" in message
    assert "did you mean 'interval'?" in message
    assert runner.saved == []


def test_checkpoint_hook_argument_it_sets_itself_fails_in_before_train(make_runner):
    hook = CheckpointHook(interval=1, meta=dict(a=1))
    with pytest.raises(TypeError, match="multiple values for keyword argument 'meta'"):
        hook.before_train(make_runner(hooks=[hook]))


def test_checkpoint_hook_unusable_out_dir_fails_in_before_train(make_runner, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    hook = CheckpointHook(interval=1, out_dir=str(blocker / "ckpts"))
    runner = make_runner(hooks=[hook])
    with pytest.raises(OSError) as info:
        hook.before_train(runner)
    assert "CheckpointHook: cannot create out_dir directory" in str(info.value)
    assert str(blocker) in str(info.value)
    assert runner.saved == []


def test_checkpoint_hook_out_dir_is_created_in_before_train(make_runner, tmp_path):
    hook = CheckpointHook(interval=1, out_dir=str(tmp_path / "new" / "ckpts"))
    runner = make_runner(hooks=[hook])
    hook.before_train(runner)
    assert osp.isdir(hook.out_dir)
    assert hook.out_dir == osp.join(str(tmp_path / "new" / "ckpts"), osp.basename(runner.work_dir))


def test_checkpoint_hook_save_best_missing_metric_lists_the_metrics(make_runner):
    hook = CheckpointHook(interval=1, save_best="mAP")
    runner = make_runner(hooks=[hook])
    hook.before_train(runner)
    with pytest.raises(KeyError) as info:
        runner.run_val({"acc": 0.5, "loss": 1.0})
    message = str(info.value)
    assert "'mAP'" in message and "['acc', 'loss']" in message
    assert not any(f.startswith("best_") for f in os.listdir(hook.out_dir))
