"""The Hook base class: stages, no-op defaults, mode delegation, helpers, triggered stages."""

import inspect
from types import SimpleNamespace

import pytest

import mmengine.hooks as hooks_pkg
from mmengine.hooks import Hook
from mmengine.registry import HOOKS


def test_stages_are_the_22_hook_points_in_run_order():
    assert len(Hook.stages) == 22 and len(set(Hook.stages)) == 22
    assert Hook.stages[0] == "before_run" and Hook.stages[-1] == "after_run"
    assert Hook.stages.index("after_load_checkpoint") < Hook.stages.index("before_train")
    for stage in Hook.stages:
        assert callable(getattr(Hook, stage))
    assert Hook.priority == "NORMAL"


def test_public_signatures_match_upstream():
    sig = inspect.signature(Hook.after_train_iter)
    assert list(sig.parameters) == ["self", "runner", "batch_idx", "data_batch", "outputs"]
    assert sig.parameters["data_batch"].default is None
    assert list(inspect.signature(Hook.after_val_epoch).parameters) == ["self", "runner", "metrics"]
    assert list(inspect.signature(Hook.before_test_iter).parameters) == [
        "self", "runner", "batch_idx", "data_batch"
    ]  # fmt: skip
    assert list(inspect.signature(Hook._after_iter).parameters) == [
        "self", "runner", "batch_idx", "data_batch", "outputs", "mode"
    ]  # fmt: skip


def test_public_points_delegate_to_mode_helpers():
    calls = []

    class Recorder(Hook):
        def _before_epoch(self, runner, mode="train"):
            calls.append(("before_epoch", mode))

        def _after_epoch(self, runner, mode="train"):
            calls.append(("after_epoch", mode))

        def _before_iter(self, runner, batch_idx, data_batch=None, mode="train"):
            calls.append(("before_iter", mode, batch_idx))

        def _after_iter(self, runner, batch_idx, data_batch=None, outputs=None, mode="train"):
            calls.append(("after_iter", mode, batch_idx, outputs))

    hook, runner = Recorder(), object()
    hook.before_train_epoch(runner)
    hook.after_val_epoch(runner, metrics={"a": 1})
    hook.before_test_iter(runner, batch_idx=3)
    hook.after_train_iter(runner, 1, None, {"loss": 1})
    assert calls == [
        ("before_epoch", "train"),
        ("after_epoch", "val"),
        ("before_iter", "test", 3),
        ("after_iter", "train", 1, {"loss": 1}),
    ]


def test_base_hook_points_are_noops():
    hook, runner = Hook(), object()
    for stage in Hook.stages:
        params = list(inspect.signature(getattr(Hook, stage)).parameters)[2:]
        kwargs = {p: None for p in params}
        if "batch_idx" in kwargs:
            kwargs["batch_idx"] = 0
        assert getattr(hook, stage)(runner, **kwargs) is None


def test_period_helpers():
    hook = Hook()
    runner = SimpleNamespace(epoch=1, iter=9, max_epochs=2, max_iters=10)
    assert hook.every_n_epochs(runner, 2)
    assert not hook.every_n_epochs(runner, 3)
    assert not hook.every_n_epochs(runner, 0)
    assert hook.every_n_epochs(runner, 1, start=2)
    assert not hook.every_n_epochs(runner, 1, start=3)  # before start
    assert hook.every_n_train_iters(runner, 5)
    assert not hook.every_n_train_iters(runner, 3)
    assert hook.every_n_train_iters(runner, 4, start=2)  # 9 + 1 - 2 = 8
    assert not hook.every_n_train_iters(runner, -1)
    assert hook.every_n_inner_iters(4, 5)
    assert not hook.every_n_inner_iters(4, 0)
    assert hook.end_of_epoch([1, 2, 3], 2)
    assert not hook.end_of_epoch([1, 2, 3], 1)
    assert hook.is_last_train_epoch(runner)
    assert hook.is_last_train_iter(runner)
    runner.iter = 3
    assert not hook.is_last_train_iter(runner)


def test_get_triggered_stages():
    assert Hook().get_triggered_stages() == []

    class A(Hook):
        def after_run(self, runner):
            pass

        def before_run(self, runner):
            pass

        def _after_iter(self, runner, batch_idx, data_batch=None, outputs=None, mode="train"):
            pass

    stages = A().get_triggered_stages()
    assert stages == ["before_run", "after_train_iter", "after_val_iter", "after_test_iter",
                      "after_run"]  # fmt: skip
    assert stages == [s for s in Hook.stages if s in stages]


def test_all_builtin_hooks_exported_and_registered():
    expected = {
        "Hook", "IterTimerHook", "DistSamplerSeedHook", "ParamSchedulerHook", "SyncBuffersHook",
        "EmptyCacheHook", "CheckpointHook", "LoggerHook", "NaiveVisualizationHook", "EMAHook",
        "RuntimeInfoHook", "ProfilerHook", "PrepareTTAHook", "NPUProfilerHook",
        "EarlyStoppingHook", "ProgressBarHook", "TimeLimitHook",
    }  # fmt: skip
    assert set(hooks_pkg.__all__) == expected
    for name in expected - {"Hook"}:
        assert HOOKS.get(name) is getattr(hooks_pkg, name)
        assert issubclass(getattr(hooks_pkg, name), Hook)


@pytest.mark.parametrize(
    "name,priority",
    [
        ("RuntimeInfoHook", "VERY_HIGH"),
        ("IterTimerHook", "NORMAL"),
        ("DistSamplerSeedHook", "NORMAL"),
        ("LoggerHook", "BELOW_NORMAL"),
        ("ParamSchedulerHook", "LOW"),
        ("CheckpointHook", "VERY_LOW"),
        ("EMAHook", "NORMAL"),
        ("EmptyCacheHook", "NORMAL"),
        ("SyncBuffersHook", "NORMAL"),
        ("EarlyStoppingHook", "LOWEST"),
        ("ProfilerHook", "VERY_LOW"),
    ],
)
def test_default_priorities(name, priority):
    assert getattr(hooks_pkg, name).priority == priority


def test_deep_import_paths():
    from mmengine.hooks.checkpoint_hook import CheckpointHook
    from mmengine.hooks.hook import DATA_BATCH  # noqa: F401
    from mmengine.hooks.sampler_seed_hook import DistSamplerSeedHook
    from mmengine.hooks.sync_buffer_hook import SyncBuffersHook
    from mmengine.hooks.test_time_aug_hook import PrepareTTAHook

    assert CheckpointHook is hooks_pkg.CheckpointHook
    assert DistSamplerSeedHook is hooks_pkg.DistSamplerSeedHook
    assert SyncBuffersHook is hooks_pkg.SyncBuffersHook
    assert PrepareTTAHook is hooks_pkg.PrepareTTAHook
