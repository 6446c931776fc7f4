"""The per-iteration paths of IterTimerHook, LoggerHook and RuntimeInfoHook keep their results."""

import pytest
import torch
from torch.utils.data import DataLoader

from mmengine.hooks import IterTimerHook, LoggerHook, RuntimeInfoHook


def test_iter_timer_subclass_overriding_a_helper_is_called_for_training(make_runner):
    calls = []

    class MyTimer(IterTimerHook):
        def _before_iter(self, runner, batch_idx, data_batch=None, mode="train"):
            calls.append(("before", mode, batch_idx))

        def _after_iter(self, runner, batch_idx, data_batch=None, outputs=None, mode="train"):
            calls.append(("after", mode, batch_idx))

    hook = MyTimer()
    runner = make_runner(hooks=[hook])
    hook.before_train_iter(runner, 3)
    hook.after_train_iter(runner, 3)
    assert calls == [("before", "train", 3), ("after", "train", 3)]
    assert "train/time" not in runner.message_hub.log_scalars


def test_logger_hook_sees_a_new_epoch_length(make_runner):
    """The length of the train dataloader is computed again when an epoch starts over."""
    hook = LoggerHook(interval=100, ignore_last=False)
    runner = make_runner(max_epochs=2, iters_per_epoch=4, hooks=[hook])
    processor = runner.log_processor
    hook.after_train_iter(runner, 3)  # the last of 4 batches: logged
    assert processor.calls[-1] == ("iter", "train", 3)
    # The next epoch has 3 batches (a dataset that shrank): batch 2 ends it.
    runner.train_loop.dataloader = runner.train_dataloader = DataLoader(torch.zeros(6, 2), 2)
    for idx in range(3):
        hook.after_train_iter(runner, idx)
    assert processor.calls[-1] == ("iter", "train", 2)
    assert len(processor.calls) == 2


def test_logger_hook_same_batch_index_recomputes_length(make_runner):
    hook = LoggerHook(interval=100, ignore_last=False)
    runner = make_runner(max_epochs=1, iters_per_epoch=4, hooks=[hook])
    hook.after_train_iter(runner, 1)
    assert runner.log_processor.calls == []
    runner.train_loop.dataloader = runner.train_dataloader = DataLoader(torch.zeros(4, 2), 2)
    hook.after_train_iter(runner, 1)  # now the last of 2 batches
    assert runner.log_processor.calls == [("iter", "train", 1)]


@pytest.mark.parametrize(
    "loss, expected",
    [(torch.tensor(2.5, requires_grad=True) * 1, 2.5), (torch.tensor(3), 3), (1.5, 1.5)],
)
def test_runtime_info_records_losses_as_numbers(make_runner, loss, expected):
    hook = RuntimeInfoHook()
    runner = make_runner(hooks=[hook])
    hook.after_train_iter(runner, 0, outputs={"loss": loss})
    hook.after_train_iter(runner, 1, outputs={"loss": loss})
    buffer = runner.message_hub.get_scalar("train/loss")
    assert buffer.current() == expected
    assert list(buffer.data[0]) == [expected, expected]


def test_runtime_info_rejects_a_loss_with_several_elements(make_runner):
    hook = RuntimeInfoHook()
    runner = make_runner(hooks=[hook])
    with pytest.raises(Exception, match="exactly one element"):
        hook.after_train_iter(runner, 0, outputs={"loss": torch.ones(2)})
