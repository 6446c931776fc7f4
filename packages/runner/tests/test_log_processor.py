from types import SimpleNamespace

import pytest

from mmengine.logging import MessageHub
from mmengine.runner import LogProcessor


def _runner(by_epoch=True):
    hub = MessageHub(name=f"lp_test_{by_epoch}")
    for i in range(20):
        hub.update_scalar("train/loss", float(i))
        hub.update_scalar("train/lr", 0.01)
        hub.update_scalar("train/time", 0.5)
        hub.update_scalar("train/data_time", 0.1)
    hub.update_info("eta", 125)
    loader = list(range(40))
    loop = SimpleNamespace(dataloader=loader)
    return SimpleNamespace(
        message_hub=hub,
        epoch=2,
        iter=19,
        max_iters=200,
        train_loop=loop,
        val_loop=SimpleNamespace(dataloader=list(range(5))),
        test_loop=None,
        _train_loop=loop,
        model=None,
    )


def test_train_log_line_and_window():
    lp = LogProcessor(window_size=10)
    tag, line = lp.get_log_after_iter(_runner(), batch_idx=19, mode="train")
    assert line.startswith("Epoch(train) [3][20/40]")
    assert "lr: 1.0000e-02" in line and "eta: 0:02:05" in line
    # the loss is averaged over the last 10 values: 10..19 -> 14.5
    assert "loss: 14.5000" in line
    assert tag["loss"] == pytest.approx(14.5)
    # the times reach the visualizer too (JSON scalars, TensorBoard), as upstream
    assert tag["time"] == pytest.approx(0.5) and tag["data_time"] == pytest.approx(0.1)


def test_iter_based_line_and_custom_cfg():
    lp = LogProcessor(
        window_size=10,
        by_epoch=False,
        custom_cfg=[dict(data_src="loss", method_name="max", log_name="loss_max", window_size=20)],
    )
    tag, line = lp.get_log_after_iter(_runner(False), batch_idx=19, mode="train")
    assert line.startswith("Iter(train) [ 20/200]")
    assert tag["loss_max"] == 19.0


def test_hierarchy_keeps_prefixes():
    lp = LogProcessor(log_with_hierarchy=True)
    tag, _ = lp.get_log_after_iter(_runner(), batch_idx=19, mode="train")
    assert "train/loss" in tag


def test_custom_cfg_errors():
    with pytest.raises(AssertionError, match="duplicate"):
        LogProcessor(
            custom_cfg=[
                dict(data_src="loss", method_name="mean"),
                dict(data_src="loss", method_name="max"),
            ]
        )
    with pytest.raises(AssertionError, match="epoch"):
        LogProcessor(
            by_epoch=False,
            custom_cfg=[dict(data_src="loss", method_name="mean", window_size="epoch")],
        )


def test_val_epoch_log_has_metrics():
    runner = _runner()
    runner.message_hub.update_scalar("val/accuracy", 97.5)
    runner.message_hub.update_scalar("val/time", 0.2)
    runner.message_hub.update_scalar("val/data_time", 0.01)
    runner.message_hub.update_info("val/confusion", [[1, 0], [0, 1]])
    lp = LogProcessor()
    tag, line = lp.get_log_after_epoch(runner, batch_idx=5, mode="val", with_non_scalar=True)
    assert line.startswith("Epoch(val) [2][5/5]")
    assert "accuracy: 97.5000" in line
    assert tag["accuracy"] == 97.5 and tag["confusion"] == [[1, 0], [0, 1]]
    with pytest.raises(ValueError):
        lp.get_log_after_epoch(runner, 5, "train")
