"""TimeLimitHook durations and requests; CheckpointStore rotation, pointer and cleanup."""

from __future__ import annotations

import os
import os.path as osp
import subprocess
import sys
from types import SimpleNamespace

import pytest

from mmengine.hooks import CheckpointHook, TimeLimitHook
from mmengine.hooks.checkpoint_store import CheckpointStore
from mmengine.hooks.time_limit_hook import parse_duration


@pytest.mark.parametrize(
    ("given", "seconds"),
    [(90, 90.0), (1.5, 1.5), ("01:30", 90.0), ("2:00:00", 7200.0), ("1-00:00:01", 86401.0)],
)
def test_parse_duration(given, seconds):
    assert parse_duration(given) == seconds


def test_parse_duration_errors():
    with pytest.raises(ValueError, match="HH:MM:SS"):
        parse_duration("ninety minutes")
    with pytest.raises(ValueError, match="negative"):
        parse_duration(-1)


def test_time_limit_hook_asks_the_runner_to_stop():
    requests = []
    runner = SimpleNamespace(request_stop=lambda reason, exit_code=None: requests.append(
        (reason, exit_code)))  # fmt: skip
    hook = TimeLimitHook(max_time=3600, exit_code=3)
    hook.before_train(runner)
    hook.after_train_iter(runner, 0)
    assert requests == []  # plenty of time left
    hook.max_seconds = 0
    hook.after_train_iter(runner, 1)
    assert requests == [("time limit of 0 s reached", 3)]


def test_time_limit_hook_without_graceful_stop_ends_the_loop(make_runner):
    runner = make_runner(max_epochs=3, hooks=[TimeLimitHook(max_time=0)])
    runner.train()
    assert runner.train_loop.stop_training
    assert runner.epoch == 1  # the fake loop checks stop_training between epochs


def test_store_rotation_pointer_and_resume(make_runner):
    hook = CheckpointHook(interval=1, max_keep_ckpts=2)
    runner = make_runner(max_epochs=3, hooks=[hook])
    runner.train()
    store = runner.checkpoint_store
    assert store is hook.store
    assert [name for name, _ in store.kept] == ["epoch_2.pth", "epoch_3.pth"]
    # an extra checkpoint (a preemption's) joins the rotation and becomes the last one
    path = store.save(runner, "iter_13.pth", meta=dict(epoch=3, iter=13), by_epoch=False)
    assert sorted(f for f in os.listdir(runner.work_dir) if f.endswith(".pth")) == [
        "epoch_3.pth",
        "iter_13.pth",
    ]
    with open(osp.join(runner.work_dir, "last_checkpoint")) as f:
        assert f.read() == path
    assert runner.message_hub.get_info("keep_ckpt_files") == ["epoch_3.pth", "iter_13.pth"]
    assert runner.message_hub.get_info("keep_ckpt_ids") == [3]

    # a checkpoint outside the rotation changes neither the pointer nor the kept files
    store.save(runner, "extra.pth", meta={}, rotate=False, update_pointer=False)
    with open(osp.join(runner.work_dir, "last_checkpoint")) as f:
        assert f.read() == path

    # a resumed hub restores the rotation (and applies a smaller max_keep_ckpts)
    again = CheckpointStore(runner.work_dir, runner.work_dir, max_keep_ckpts=1)
    again.restore(runner.message_hub)
    assert [name for name, _ in again.kept] == ["iter_13.pth"]
    assert not osp.exists(osp.join(runner.work_dir, "epoch_3.pth"))


def test_store_save_failing_with_a_full_disk_leaves_everything_as_it_was(make_runner, monkeypatch):
    import errno

    hook = CheckpointHook(interval=1, max_keep_ckpts=2)
    runner = make_runner(max_epochs=2, hooks=[hook])
    runner.train()
    store = runner.checkpoint_store
    kept, last = store.kept, runner.message_hub.get_info("last_ckpt")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(runner, "save_checkpoint", full)
    with pytest.raises(OSError) as info:
        store.save(runner, "epoch_3.pth", meta=dict(epoch=3, iter=12))
    assert f"while writing the checkpoint {store.path('epoch_3.pth')}: nothing was replaced" in (
        "".join(getattr(info.value, "__notes__", []))
    )
    # the hub (saved in the next checkpoint) names no file that was not written
    assert store.kept == kept and runner.message_hub.get_info("last_ckpt") == last
    assert runner.message_hub.get_info("keep_ckpt_files") == [name for name, _ in kept]
    assert sorted(f for f in os.listdir(runner.work_dir) if f.endswith(".pth")) == [
        "epoch_1.pth",
        "epoch_2.pth",
    ]


def test_store_restores_upstream_keep_ckpt_ids(tmp_path):
    from mmengine.logging import MessageHub

    hub = MessageHub.get_instance("store_upstream_ids")
    hub.update_info("keep_ckpt_ids", [4, 5])
    store = CheckpointStore(str(tmp_path), str(tmp_path), filename_tmpl="iter_{}.pth")
    store.restore(hub)
    assert store.kept == [("iter_4.pth", 4), ("iter_5.pth", 5)]


def test_store_removes_temporaries_of_dead_writers(tmp_path):
    from mmengine.fileio.backends.atomic_write import _HOST

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".epoch_1.pth.{_HOST}.{dead.pid}.3.tmp"
    stale.write_bytes(b"partial")
    live = tmp_path / f".epoch_2.pth.{_HOST}.{os.getpid()}.0.tmp"
    live.write_bytes(b"being written")
    store = CheckpointStore(str(tmp_path), str(tmp_path))
    assert store.clean_temporaries() == [str(stale)]
    assert live.exists() and not stale.exists()
