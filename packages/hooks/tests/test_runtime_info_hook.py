"""RuntimeInfoHook: runtime info, lr and loss scalars, metrics, loop stage."""

import numpy as np
import torch

from mmengine.hooks import RuntimeInfoHook


def test_training_info(make_runner):
    hook = RuntimeInfoHook()
    runner = make_runner(max_epochs=2, hooks=[hook])
    hub = runner.message_hub
    hook.before_run(runner)
    assert hub.get_info("experiment_name") == runner.experiment_name
    assert hub.get_info("seed") == 0
    assert hub.get_info("cfg") == "model = dict()"
    assert isinstance(hub.get_info("mmengine_version"), str)
    hook.before_train(runner)
    assert hub.get_info("loop_stage") == "train"
    assert hub.get_info("max_iters") == runner.max_iters
    assert hub.get_info("max_epochs") == 2
    runner.epoch, runner.iter = 1, 5
    hook.before_train_epoch(runner)
    hook.before_train_iter(runner, 0)
    assert hub.get_info("epoch") == 1 and hub.get_info("iter") == 5
    assert hub.get_scalar("train/lr").current() == 0.1
    hook.after_train_iter(runner, 0, outputs={"loss": torch.tensor(0.5), "acc": 1.0})
    assert hub.get_scalar("train/loss").current() == 0.5
    assert hub.get_scalar("train/acc").current() == 1.0
    hook.after_train(runner)
    assert "loop_stage" not in hub.runtime_info


def test_metrics_and_loop_stage(make_runner):
    hook = RuntimeInfoHook()
    runner = make_runner(hooks=[hook])
    hub = runner.message_hub
    hook.before_run(runner)
    hook.before_train(runner)
    hook.before_val(runner)
    assert hub.get_info("loop_stage") == "val"
    metrics = {"acc": 0.5, "arr": np.array([1.0]), "vec": [1, 2], "t": torch.ones(2)}
    hook.after_val_epoch(runner, metrics)
    assert hub.get_scalar("val/acc").current() == 0.5
    assert hub.get_scalar("val/arr").current() == 1.0
    assert hub.get_info("val/vec") == [1, 2]
    assert torch.equal(hub.get_info("val/t"), torch.ones(2))
    hook.after_val(runner)
    assert hub.get_info("loop_stage") == "train"  # back to training

    hook.before_test(runner)
    hook.after_test_epoch(runner, {"acc": 0.7})
    assert hub.get_scalar("test/acc").current() == 0.7
    hook.after_test(runner)
    assert "loop_stage" not in hub.runtime_info

    # A standalone validation leaves no stage behind.
    hook.before_val(runner)
    hook.after_val(runner)
    assert "loop_stage" not in hub.runtime_info


def test_get_lr_must_return_a_dict(make_runner):
    import pytest

    runner = make_runner()
    runner.optim_wrapper.get_lr = lambda: [0.1]
    with pytest.raises(AssertionError, match="should return a dict"):
        RuntimeInfoHook().before_train_iter(runner, 0)


def test_lr_not_a_dict_message_is_010s(make_runner):
    import pytest

    hook = RuntimeInfoHook()
    runner = make_runner(hooks=[hook])
    runner.optim_wrapper.get_lr = lambda: [0.1]
    with pytest.raises(AssertionError) as info:
        hook.before_train_iter(runner, 0)
    assert str(info.value).startswith(  # 0.10.7's whole sentence, recorded black box
        "`runner.optim_wrapper.get_lr()` should return a dict of learning rate when training "
        "with OptimWrapper(single optimizer) or OptimWrapperDict(multiple optimizer), but got "
        "<class 'list'> please check your optimizer constructor return an `OptimWrapper` or "
        "`OptimWrapperDict` instance"
    )
