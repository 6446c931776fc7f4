"""LogProcessor lines and tags, byte for byte as mmengine 0.10.7 writes them (compat L1-L5).

The expected strings were recorded by running the same inputs through 0.10.7.
"""

from itertools import count
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from mmengine.logging import MessageHub
from mmengine.runner import LogProcessor

_names = count()


@pytest.fixture(autouse=True)
def _no_cuda(monkeypatch):
    """The lines below are CPU lines (with CUDA a ``memory`` field joins them)."""
    monkeypatch.setattr("mmengine.runner.log_processor.is_cuda_available", lambda: False)


def _runner(epoch=2, it=19, max_epochs=12, train_len=250, val_len=40, test_len=8, built=True):
    hub = MessageHub(name=f"lp_test_{next(_names)}")
    loop = SimpleNamespace(dataloader=list(range(train_len)))
    return SimpleNamespace(
        message_hub=hub,
        epoch=epoch,
        iter=it,
        max_epochs=max_epochs,
        max_iters=3000,
        train_loop=loop,
        val_loop=SimpleNamespace(dataloader=list(range(val_len))),
        test_loop=SimpleNamespace(dataloader=list(range(test_len))),
        _train_loop=loop if built else None,
        model=None,
    )


def _fill_train(hub, lrs=("lr",)):
    for name in lrs:
        hub.update_scalar(f"train/{name}", 0.01 if name.startswith("key1") else 0.02)
    hub.update_scalar("train/time", 0.25)
    hub.update_scalar("train/data_time", 0.05)
    hub.update_scalar("train/loss", 0.75)
    hub.update_scalar("train/loss_cls", 0.5)
    hub.update_info("eta", 5000)


_TAIL = "eta: 1:23:20  time: 0.2500  data_time: 0.0500  loss: 0.7500  loss_cls: 0.5000"


@pytest.mark.parametrize(
    ("max_epochs", "head"),
    [(12, "Epoch(train)  [3]"), (150, "Epoch(train)   [3]"), (8, "Epoch(train) [3]")],
)
def test_train_line_justifies_the_epoch_by_max_epochs(max_epochs, head):
    runner = _runner(max_epochs=max_epochs)
    _fill_train(runner.message_hub)
    tag, line = LogProcessor().get_log_after_iter(runner, 9, "train")
    assert line == f"{head}[ 10/250]  lr: 2.0000e-02  {_TAIL}"
    # L3: the tag carries the shown epoch and the 1-based global iteration, last
    assert list(tag.items()) == [
        ("lr", 0.02),
        ("time", 0.25),
        ("data_time", 0.05),
        ("loss", 0.75),
        ("loss_cls", 0.5),
        ("epoch", 3),
        ("iter", 20),
    ]


def test_several_learning_rates_are_joined_by_one_space():
    runner = _runner()
    _fill_train(runner.message_hub, ("key1.lr", "key2.lr"))
    _, line = LogProcessor().get_log_after_iter(runner, 9, "train")
    assert line == f"Epoch(train)  [3][ 10/250]  key1.lr: 1.0000e-02 key2.lr: 2.0000e-02  {_TAIL}"


def test_iteration_based_train_line_and_tag():
    runner = _runner()
    _fill_train(runner.message_hub)
    tag, line = LogProcessor(by_epoch=False).get_log_after_iter(runner, 9, "train")
    assert line == f"Iter(train) [  20/3000]  lr: 2.0000e-02  {_TAIL}"
    assert "epoch" not in tag and tag["iter"] == 20


def test_hierarchy_keeps_prefixes_in_the_tag_only():
    runner = _runner()
    _fill_train(runner.message_hub)
    tag, line = LogProcessor(log_with_hierarchy=True).get_log_after_iter(runner, 9, "train")
    assert line == f"Epoch(train)  [3][ 10/250]  lr: 2.0000e-02  {_TAIL}"
    assert list(tag) == [
        "train/lr",
        "train/time",
        "train/data_time",
        "train/loss",
        "train/loss_cls",
        "epoch",
        "iter",
    ]


def test_train_line_layout_without_eta_or_time():
    runner = _runner()
    runner.message_hub.update_scalar("train/loss", 1.0)
    _, line = LogProcessor().get_log_after_iter(runner, 9, "train")
    assert line == "Epoch(train)  [3][ 10/250]    loss: 1.0000"
    runner.message_hub.update_info("eta", 10)  # eta shows only together with time
    runner.message_hub.update_scalar("train/lr", 0.1)
    _, line = LogProcessor().get_log_after_iter(runner, 9, "train")
    assert line == "Epoch(train)  [3][ 10/250]  lr: 1.0000e-01  loss: 1.0000"


def test_train_line_without_eta_keeps_the_times_among_the_scalars():
    """Without an eta (no IterTimerHook) 0.10 writes the times where the hub has them, after
    the losses here; with one they follow it at the front (recorded from 0.10.7)."""
    from collections import OrderedDict

    runner = _runner()
    hub = runner.message_hub
    hub.update_scalar("train/lr", 0.1)
    hub.update_scalar("train/loss", 0.5)
    hub.update_scalar("train/loss_cls", 0.25)
    hub.update_scalar("train/time", 0.2)
    hub.update_scalar("train/data_time", 0.1)
    tag, line = LogProcessor().get_log_after_iter(runner, 1, "train")
    assert line == (
        "Epoch(train)  [3][  2/250]  lr: 1.0000e-01  loss: 0.5000  loss_cls: 0.2500  "
        "time: 0.2000  data_time: 0.1000"
    )
    assert type(tag) is OrderedDict  # as 0.10's (its repr shows it)
    hub.update_info("eta", 100)
    _, line = LogProcessor().get_log_after_iter(runner, 1, "train")
    assert line == (
        "Epoch(train)  [3][  2/250]  lr: 1.0000e-01  eta: 0:01:40  time: 0.2000  "
        "data_time: 0.1000  loss: 0.5000  loss_cls: 0.2500"
    )


@pytest.mark.parametrize(
    ("mode", "line"),
    [
        ("train", "Epoch(train)  [3][  2/250]    loss: 0.5000  time: 0.2000  acc: 0.5000"),
        ("val", "Epoch(val)  [2][ 2/40]    "),
    ],
)
def test_time_without_data_time_shows_no_eta(mode, line):
    """0.10 writes the eta and the times at the front only when both ``time`` and
    ``data_time`` are logged; a lone ``time`` stays among the scalars (recorded from 0.10.7)."""
    runner = _runner()
    hub = runner.message_hub
    hub.update_scalar(f"{mode}/loss", 0.5)
    hub.update_scalar(f"{mode}/time", 0.2)
    hub.update_scalar(f"{mode}/acc", 0.5)
    hub.update_info("eta", 100)
    assert LogProcessor().get_log_after_iter(runner, 1, mode)[1] == line


@pytest.mark.parametrize(
    ("mode", "tail", "keys"),
    [
        (
            "train",
            "eta: 1:23:20  time: 0.2500  data_time: 0.0500  memory: 123  loss: 0.7500  "
            "loss_cls: 0.5000",
            ["epoch", "iter", "memory"],
        ),
        (
            "test",
            "eta: 1:23:20  time: 0.2500  data_time: 0.0500  memory: 123  ",
            ["iter", "memory"],
        ),
    ],
)
def test_cuda_memory_comes_after_epoch_and_iter_in_the_tag(monkeypatch, mode, tail, keys):
    """With CUDA, 0.10 adds ``memory`` to the tag after ``epoch``/``iter`` (the order the
    visualizer's scalars.json keeps); in the line it follows the times (recorded from 0.10.7)."""
    monkeypatch.setattr("mmengine.runner.log_processor.is_cuda_available", lambda: True)
    monkeypatch.setattr(LogProcessor, "_get_max_memory", lambda self, runner: 123)
    runner = _runner()
    _fill_train(runner.message_hub)
    for key in ("time", "data_time", "loss"):
        runner.message_hub.update_scalar(
            f"test/{key}", {"time": 0.25, "data_time": 0.05}.get(key, 1)
        )
    tag, line = LogProcessor().get_log_after_iter(runner, 1, mode)
    assert line.endswith(tail)
    assert list(tag)[-len(keys) :] == keys


def test_an_epoch_line_for_training_is_refused_as_in_010():
    with pytest.raises(AssertionError, match="only accept val or test mode, but got train"):
        LogProcessor().get_log_after_epoch(_runner(), 0, "train")
    with pytest.raises(AssertionError):
        LogProcessor().get_log_after_iter(_runner(), 0, "predict")


def _fill_eval(hub, mode):
    hub.update_scalar(f"{mode}/time", 0.25)
    hub.update_scalar(f"{mode}/data_time", 0.05)
    hub.update_scalar(f"{mode}/acc", 4.0)  # a stale metric: never shown per iteration
    hub.update_info("eta", 5000)


_EVAL_TAIL = "    eta: 1:23:20  time: 0.2500  data_time: 0.0500  "


@pytest.mark.parametrize(
    ("by_epoch", "mode", "head", "tag_keys"),
    [
        (True, "val", "Epoch(val)  [2][10/40]", ["time", "data_time", "acc", "epoch", "iter"]),
        (True, "test", "Epoch(test) [10/8]", ["time", "data_time", "acc", "iter"]),
        (False, "val", "Iter(val) [10/40]", ["time", "data_time", "acc", "iter"]),
        (False, "test", "Iter(test) [10/8]", ["time", "data_time", "acc", "iter"]),
    ],
)
def test_eval_iteration_lines(by_epoch, mode, head, tag_keys):
    runner = _runner()
    _fill_eval(runner.message_hub, mode)
    tag, line = LogProcessor(by_epoch=by_epoch).get_log_after_iter(runner, 9, mode)
    assert line == head + _EVAL_TAIL
    assert list(tag) == tag_keys
    assert tag["iter"] == 20


def test_bare_val_glues_epoch_zero_and_needs_eta_for_times():
    runner = _runner(epoch=0, it=0, built=False)
    _fill_eval(runner.message_hub, "val")
    tag, line = LogProcessor().get_log_after_iter(runner, 9, "val")
    assert line == "Epoch(val)[0][10/40]" + _EVAL_TAIL
    assert tag["epoch"] == 0 and tag["iter"] == 0

    runner = _runner()
    runner.message_hub.update_scalar("val/time", 0.25)
    runner.message_hub.update_scalar("val/data_time", 0.05)
    _, line = LogProcessor().get_log_after_iter(runner, 9, "val")
    assert line == "Epoch(val)  [2][10/40]    "


def _fill_summary(hub, mode):
    hub.update_scalar(f"{mode}/time", 0.25)
    hub.update_scalar(f"{mode}/data_time", 0.05)
    hub.update_scalar(f"{mode}/accuracy/top1", 81.25)
    hub.update_scalar(f"{mode}/mAP", 0.5)
    hub.update_info(f"{mode}/per_class", {"cat": 0.9, "dog": 0.7})
    hub.update_info(f"{mode}/confusion", np.array([[3, 1], [0, 4]]))


_METRICS = (
    "accuracy/top1: 81.2500  mAP: 0.5000  per_class: {'cat': 0.9, 'dog': 0.7}  "
    "confusion: \n[[3 1]\n [0 4]]\n  time: 0.2500  data_time: 0.0500"
)


@pytest.mark.parametrize(
    ("by_epoch", "mode", "head"),
    [
        (True, "val", "Epoch(val) [2][40/40]"),
        (True, "test", "Epoch(test) [8/8]"),
        (False, "val", "Iter(val) [40/40]"),
        (False, "test", "Iter(test) [8/8]"),
    ],
)
def test_summary_lines(by_epoch, mode, head):
    runner = _runner()
    _fill_summary(runner.message_hub, mode)
    lp = LogProcessor(by_epoch=by_epoch)
    tag, line = lp.get_log_after_epoch(runner, 39, mode)
    assert line == f"{head}    {_METRICS}"
    assert list(tag.items()) == [
        ("accuracy/top1", 81.25),
        ("mAP", 0.5),
        ("time", 0.25),
        ("data_time", 0.05),
    ]
    tag, _ = lp.get_log_after_epoch(runner, 39, mode, with_non_scalar=True)
    assert list(tag) == ["accuracy/top1", "mAP", "per_class", "confusion", "time", "data_time"]


def test_summary_with_hierarchy_shows_prefixes():
    runner = _runner()
    _fill_summary(runner.message_hub, "val")
    tag, line = LogProcessor(log_with_hierarchy=True).get_log_after_epoch(runner, 39, "val")
    assert line.startswith("Epoch(val) [2][40/40]    val/accuracy/top1: 81.2500  val/mAP")
    assert list(tag) == ["val/accuracy/top1", "val/mAP", "val/time", "val/data_time"]


def test_summary_keeps_message_hub_order_of_time_keys_and_plain_ints():
    runner = _runner(epoch=0, it=0, built=False)
    hub = runner.message_hub
    hub.update_scalar("val/data_time", 0.05)
    hub.update_scalar("val/time", 0.25)
    hub.update_scalar("val/acc", 1.0)
    hub.update_info("val/t", torch.tensor([1.0, 2.0]))
    tag, line = LogProcessor().get_log_after_epoch(runner, 39, "val")
    assert line == (
        "Epoch(val) [0][40/40]    acc: 1.0000  t: \ntensor([1., 2.])\n  "
        "data_time: 0.0500  time: 0.2500"
    )
    assert list(tag) == ["acc", "data_time", "time"]


def test_custom_cfg_windows():
    runner = _runner()
    _fill_train(runner.message_hub)
    for i in range(20):
        runner.message_hub.update_scalar("train/loss", float(i))
    lp = LogProcessor(
        custom_cfg=[
            dict(data_src="loss", method_name="max", log_name="loss_max", window_size="global")
        ]
    )
    tag, line = lp.get_log_after_iter(runner, 9, "train")
    assert line.endswith("loss: 14.5000  loss_cls: 0.5000  loss_max: 19.0000")
    lp = LogProcessor(custom_cfg=[dict(data_src="loss", method_name="max", window_size="epoch")])
    tag, _ = lp.get_log_after_iter(runner, 9, "train")
    assert tag["loss"] == 19.0


def test_private_helper_contracts():
    runner = _runner()
    _fill_train(runner.message_hub)
    lp = LogProcessor()
    # L5: keys come back without the mode prefix by default
    assert list(lp._collect_scalars([], runner, "train")) == [
        "lr",
        "time",
        "data_time",
        "loss",
        "loss_cls",
    ]
    assert list(lp._collect_scalars([], runner, "train", reserve_prefix=True))[0] == "train/lr"
    assert lp._get_epoch(runner, "train") == 3 and lp._get_epoch(runner, "val") == 2
    with pytest.raises(ValueError, match="runner mode should be 'train' or 'val', but got test"):
        lp._get_epoch(runner, "test")
    assert lp._get_iter(runner, 5) == 6
    assert lp._remove_prefix("train/loss", "train/") == "loss"
    assert lp._remove_prefix("val/loss", "train/") == "val/loss"


@pytest.mark.parametrize(
    "entries, sentence",
    [
        ([dict(), dict()], "Found duplicate loss for loss. "),
        ([dict(log_name="x"), dict(log_name="x")], "Found duplicate x for loss. "),
    ],
)
def test_custom_cfg_duplicates_keep_the_upstream_sentence(entries, sentence):
    custom_cfg = [
        dict(data_src="loss", method_name=m, **e) for m, e in zip(("mean", "max"), entries)
    ]
    with pytest.raises(AssertionError) as err:
        LogProcessor(custom_cfg=custom_cfg)
    assert str(err.value).startswith(sentence) and "own 'log_name'" in str(err.value)


@pytest.mark.parametrize(
    "custom_cfg, error, says",
    [
        (dict(data_src="loss", method_name="mean"), TypeError, "should be a list of dicts"),
        (["loss"], TypeError, "should be a list of dicts"),
        (
            [dict(data_src="loss", method_name="mean", window_size="forever")],
            TypeError,
            "window_size should be an int, 'epoch' or 'global', got 'forever'",
        ),
    ],
)
def test_custom_cfg_of_the_wrong_shape_fails_when_built(custom_cfg, error, says):
    """0.10 fails at the first log line (or with "string indices must be integers")."""
    with pytest.raises(error, match=says):
        LogProcessor(custom_cfg=custom_cfg)


def test_custom_cfg_errors():
    with pytest.raises(AssertionError, match="^window_size cannot be epoch if LoggerHook"):
        LogProcessor(
            by_epoch=False,
            custom_cfg=[dict(data_src="loss", method_name="mean", window_size="epoch")],
        )
    runner = _runner()
    with pytest.raises(ValueError):
        LogProcessor().get_log_after_epoch(runner, 5, "train")
