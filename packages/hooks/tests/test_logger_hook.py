"""LoggerHook: logging intervals, scalars to the visualizer, test dumps, copying logs."""

import json
import os
import os.path as osp

import pytest

from mmengine.hooks import LoggerHook


def _train_calls(runner):
    return [c for c in runner.log_processor.calls if c[:2] == ("iter", "train")]


def test_train_interval_and_scalar_steps(make_runner):
    hook = LoggerHook(interval=3)
    runner = make_runner(max_epochs=2, iters_per_epoch=4, hooks=[hook])  # 4 iters/epoch
    runner.train()
    # batch_idx 2 in each epoch; the last (idx 3) is ignored because ignore_last=True.
    assert [c[2] for c in _train_calls(runner)] == [2, 2]
    steps = [s for _, s, _ in runner.visualizer.scalars]
    assert steps == [3, 7]
    assert all(fp == f"{runner.timestamp}.json" for _, _, fp in runner.visualizer.scalars)
    assert runner.visualizer.closed


def test_not_ignore_last(make_runner):
    hook = LoggerHook(interval=3, ignore_last=False)
    runner = make_runner(max_epochs=1, iters_per_epoch=4, hooks=[hook])
    runner.train()
    assert [c[2] for c in _train_calls(runner)] == [2, 3]


def test_short_epoch_logs_last_iteration(make_runner):
    hook = LoggerHook(interval=10)
    runner = make_runner(max_epochs=1, iters_per_epoch=4, hooks=[hook])
    runner.train()
    assert [c[2] for c in _train_calls(runner)] == [3]


def test_val_logs_metrics_at_epoch_or_iter(make_runner):
    hook = LoggerHook(interval=1)
    runner = make_runner(max_epochs=1, hooks=[hook])
    runner.call_hook("before_run")
    runner.epoch, runner.iter = 2, 8
    runner.run_val({"acc": 0.5})
    assert runner.visualizer.scalars[-1] == ({"acc": 0.5}, 2, f"{runner.timestamp}.json")
    assert ("iter", "val", 1) in runner.log_processor.calls

    hook = LoggerHook(log_metric_by_epoch=False)
    hook.before_run(runner)
    hook.after_val_epoch(runner, {"acc": 0.5})
    assert runner.visualizer.scalars[-1][1] == 8

    runner._train_loop = None  # val-only run: step 0, and the loop is not touched
    hook.after_val_epoch(runner, {"acc": 0.5})
    assert runner.visualizer.scalars[-1][1] == 0


def test_test_epoch_dumps_json(make_runner):
    hook = LoggerHook()
    runner = make_runner(hooks=[hook])
    hook.before_run(runner)
    hook.after_test_epoch(runner, metrics={"acc": 0.5})
    with open(osp.join(runner.log_dir, f"{runner.timestamp}.json")) as f:
        data = json.load(f)
    assert data == {"acc": 0.5, "confusion": [[1.0, 0.0], [0.0, 1.0]]}


def test_copies_logs_to_out_dir(make_runner, tmp_path):
    out = tmp_path / "backup"
    hook = LoggerHook(out_dir=str(out), keep_local=False)
    runner = make_runner(hooks=[hook])
    with open(osp.join(runner.log_dir, "extra.py"), "w") as f:
        f.write("x = 1\n")
    with open(osp.join(runner.log_dir, "skip.txt"), "w") as f:
        f.write("no\n")
    runner.logger.info("hello")
    hook.before_run(runner)
    hook.after_run(runner)
    copied = sorted(os.listdir(out / "exp"))
    assert copied == sorted(["extra.py", f"{runner.timestamp}.log"])
    assert not osp.exists(osp.join(runner.log_dir, "extra.py"))
    assert osp.exists(osp.join(runner.log_dir, "skip.txt"))


def test_out_suffix_may_be_a_list(make_runner, tmp_path):
    out = tmp_path / "backup"
    hook = LoggerHook(out_dir=str(out), out_suffix=[".txt"])
    runner = make_runner(hooks=[hook])
    with open(osp.join(runner.log_dir, "notes.txt"), "w") as f:
        f.write("yes\n")
    hook.before_run(runner)
    hook.after_run(runner)
    assert os.listdir(out / "exp") == ["notes.txt"]


@pytest.mark.parametrize(
    "kwargs,exc",
    [
        (dict(interval="1"), TypeError),
        (dict(interval=0), ValueError),
        (dict(ignore_last=1), TypeError),
        (dict(interval_exp_name=0), ValueError),
        (dict(out_dir=1), TypeError),
        (dict(keep_local=None), TypeError),
        (dict(out_suffix=[".log", 2]), TypeError),
    ],
)
def test_invalid_arguments(kwargs, exc):
    with pytest.raises(exc):
        LoggerHook(**kwargs)


def test_process_tags_makes_json_friendly_values():
    import numpy as np
    import torch

    tags = dict(a=1, b=torch.tensor([1, 2]), c=np.array([3]), d={"e": (1, 2)}, f=object(),
                g=np.float32(0.5))  # fmt: skip
    assert LoggerHook._process_tags(tags) == dict(
        a=1, b=[1, 2], c=[3], d={"e": [1, 2]}, f=None, g=0.5
    )


def test_file_client_args_without_out_dir_is_rejected(tmp_path):
    with pytest.raises(
        ValueError, match='^file_client_args should be "None" when `out_dir` is notspecified.'
    ):
        LoggerHook(file_client_args=dict(backend="disk"))
    hook = LoggerHook(out_dir=str(tmp_path), file_client_args=dict(backend="disk"))
    assert hook.file_client is hook.file_backend
