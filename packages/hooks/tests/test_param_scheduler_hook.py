"""ParamSchedulerHook: which schedulers step when."""

import pytest
import torch

from mmengine.hooks import ParamSchedulerHook
from mmengine.optim import MultiStepLR, ReduceOnPlateauLR


class CountingScheduler:
    def __init__(self, by_epoch, need_val_args=False):
        self.by_epoch = by_epoch
        self.steps = []
        if need_val_args:
            self.need_val_args = True

    def step(self, metrics=None):
        self.steps.append(metrics)


def test_steps_iter_and_epoch_schedulers(make_runner):
    by_iter, by_epoch = CountingScheduler(False), CountingScheduler(True)
    runner = make_runner(max_epochs=2, hooks=[ParamSchedulerHook()],
                         param_schedulers=[by_iter, by_epoch])  # fmt: skip
    runner.train()
    assert len(by_iter.steps) == runner.max_iters == 8
    assert len(by_epoch.steps) == 2


def test_dict_of_scheduler_lists(make_runner):
    a, b = CountingScheduler(False), CountingScheduler(True)
    runner = make_runner(max_epochs=1, hooks=[ParamSchedulerHook()],
                         param_schedulers=dict(gen=[a], disc=[b]))  # fmt: skip
    runner.train()
    assert len(a.steps) == 4 and len(b.steps) == 1


def test_need_val_args_schedulers_step_with_metrics(make_runner):
    plateau = CountingScheduler(True, need_val_args=True)
    runner = make_runner(hooks=[ParamSchedulerHook()], param_schedulers=[plateau])
    hook = runner.hooks[0]
    hook.after_val_epoch(runner, metrics={"loss": 1.0})
    hook.after_val_epoch(runner, metrics=None)
    assert plateau.steps[-1] == {"loss": 1.0}
    runner.param_schedulers = None
    hook.after_val_epoch(runner, metrics={"loss": 1.0})  # skipped, no error


def test_real_schedulers(make_runner):
    runner = make_runner(max_epochs=3, hooks=[ParamSchedulerHook()])
    optimizer = runner.optim_wrapper.optimizer
    runner.param_schedulers = [
        MultiStepLR(optimizer, milestones=[1], gamma=0.1, by_epoch=True),
    ]
    runner.train(epochs=1)
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.01)


def test_reduce_on_plateau_is_driven_by_val_metrics(make_runner):
    runner = make_runner(hooks=[ParamSchedulerHook()])
    optimizer = runner.optim_wrapper.optimizer
    plateau = ReduceOnPlateauLR(optimizer, monitor="loss", patience=0, factor=0.5)
    runner.param_schedulers = [plateau]
    hook = runner.hooks[0]
    for _ in range(3):
        hook.after_train_epoch(runner)
        hook.after_val_epoch(runner, metrics={"loss": torch.tensor(1.0).item()})
    assert optimizer.param_groups[0]["lr"] < 0.1


def test_invalid_param_schedulers_type(make_runner):
    runner = make_runner(hooks=[ParamSchedulerHook()], param_schedulers="oops")
    with pytest.raises(TypeError, match="param_schedulers"):
        runner.hooks[0].after_train_iter(runner, 0)


def test_dict_values_must_be_lists(make_runner):
    runner = make_runner(hooks=[ParamSchedulerHook()],
                         param_schedulers=dict(gen=CountingScheduler(False)))  # fmt: skip
    with pytest.raises(AssertionError, match=r"param_schedulers\['gen'\] should be a list"):
        runner.hooks[0].after_train_iter(runner, 0)


def test_val_skips_schedulers_not_built_yet(make_runner):
    configs = [dict(type="ReduceOnPlateauLR", monitor="loss")]
    runner = make_runner(hooks=[ParamSchedulerHook()], param_schedulers=configs)
    runner.hooks[0].after_val_epoch(runner, metrics={"loss": 1.0})  # no error


def test_after_val_epoch_passes_over_what_is_not_a_scheduler_list():
    # Recorded black box from 0.10.7: after_val_epoch returns quietly for [5] and for a dict
    # whose values are not lists (only the steps after iterations/epochs check them).
    from types import SimpleNamespace

    hook = ParamSchedulerHook()
    plateau = CountingScheduler(True, need_val_args=True)
    for schedulers in ([5], dict(a=5), dict(a=[plateau], b=5), [5, plateau]):
        hook.after_val_epoch(SimpleNamespace(param_schedulers=schedulers), dict(acc=1.0))
    assert plateau.steps == [dict(acc=1.0)] * 2
    with pytest.raises(AssertionError):
        hook.after_train_epoch(SimpleNamespace(param_schedulers=dict(a=5)))


def test_wrong_container_message_leads_with_010s_sentence():
    from types import SimpleNamespace

    with pytest.raises(TypeError) as info:
        ParamSchedulerHook().after_train_iter(SimpleNamespace(param_schedulers="abc"), 0)
    assert str(info.value).startswith(  # 0.10.7's message, recorded black box
        "runner.param_schedulers should be list of ParamScheduler or a dict containing list "
        "of ParamScheduler, but got abc"
    )
