"""``build_from_cfg`` and the specialised build functions."""

from __future__ import annotations

import sys
import types

import pytest

from mmengine.config import Config, ConfigDict
from mmengine.registry import (
    DefaultScope,
    Registry,
    build_from_cfg,
    build_model_from_cfg,
    build_runner_from_cfg,
    build_scheduler_from_cfg,
)
from mmengine.utils import ManagerMixin


@pytest.fixture
def backbones():
    reg = Registry("backbone", scope="bbtest")

    @reg.register_module()
    class ResNet:
        def __init__(self, depth, stages=4):
            self.depth = depth
            self.stages = stages

    @reg.register_module()
    def resnet50(stages=4):
        return ("resnet50", stages)

    return reg


class TestBuildFromCfg:
    def test_class_and_function_by_name(self, backbones):
        model = build_from_cfg(dict(type="ResNet", depth=50), backbones)
        assert type(model).__name__ == "ResNet" and model.depth == 50 and model.stages == 4
        assert build_from_cfg(dict(type="resnet50", stages=3), backbones) == ("resnet50", 3)
        assert backbones.build(dict(type="ResNet", depth=18)).depth == 18

    def test_type_may_be_a_class_or_callable(self, backbones):
        class Unregistered:
            def __init__(self, a=1):
                self.a = a

        obj = build_from_cfg(dict(type=Unregistered, a=5), backbones)
        assert isinstance(obj, Unregistered) and obj.a == 5
        assert build_from_cfg(dict(type=lambda x: x * 2, x=4), backbones) == 8

    def test_default_args_merge_with_cfg_priority(self, backbones):
        model = build_from_cfg(dict(type="ResNet", depth=50), backbones, dict(stages=3, depth=18))
        assert model.depth == 50 and model.stages == 3
        model = build_from_cfg(dict(depth=34), backbones, dict(type="ResNet"))
        assert model.depth == 34
        model = build_from_cfg(dict(type="ResNet", depth=34), backbones, dict(type="resnet50"))
        assert model.depth == 34

    def test_config_types_accepted(self, backbones):
        model = build_from_cfg(ConfigDict(type="ResNet", depth=50), backbones)
        assert model.depth == 50
        model = build_from_cfg(dict(type="ResNet"), backbones, ConfigDict(depth=101))
        assert model.depth == 101
        model = build_from_cfg(Config(dict(type="ResNet", depth=152)), backbones)
        assert model.depth == 152

    def test_caller_cfg_is_not_mutated(self, backbones):
        cfg = dict(type="ResNet", depth=50, _scope_="bbtest")
        default_args = dict(stages=2)
        build_from_cfg(cfg, backbones, default_args)
        assert cfg == dict(type="ResNet", depth=50, _scope_="bbtest")
        assert default_args == dict(stages=2)
        cfg_dict = ConfigDict(type="ResNet", depth=50)
        build_from_cfg(cfg_dict, backbones)
        assert cfg_dict == dict(type="ResNet", depth=50)

    def test_manager_mixin_built_with_get_instance(self, backbones):
        @backbones.register_module()
        class Tracker(ManagerMixin):
            def __init__(self, name, value=0):
                super().__init__(name)
                self.value = value

        first = backbones.build(dict(type="Tracker", name="tracker-a", value=1))
        assert Tracker.get_instance("tracker-a") is first
        assert Tracker.get_current_instance() is first
        assert first.value == 1

    def test_argument_type_errors(self, backbones):
        with pytest.raises(TypeError, match="cfg should be a dict"):
            build_from_cfg("ResNet", backbones)
        with pytest.raises(TypeError, match="registry must be"):
            build_from_cfg(dict(type="ResNet"), "backbones")
        with pytest.raises(TypeError, match="default_args should be"):
            build_from_cfg(dict(type="ResNet"), backbones, default_args=1)
        with pytest.raises(TypeError, match="type must be a str or valid type"):
            build_from_cfg(dict(type=1000), backbones)

    def test_missing_type_key(self, backbones):
        with pytest.raises(KeyError, match='must contain the key "type"'):
            build_from_cfg(dict(depth=50), backbones)
        with pytest.raises(KeyError, match='must contain the key "type"'):
            build_from_cfg(dict(depth=50), backbones, default_args=dict(stages=2))

    def test_unknown_type_error_names_registry_scopes_and_suggestions(self, backbones):
        child = Registry("backbone", parent=backbones, scope="childscope")
        with pytest.raises(KeyError) as info:
            child.build(dict(type="ResNte", depth=50))
        msg = str(info.value)
        assert "ResNte is not in the childscope::backbone registry" in msg
        assert '"childscope" -> "bbtest"' in msg  # the scopes that were searched
        assert '"ResNet"' in msg  # close-name suggestion

    def test_suggestions_include_scoped_names_from_other_branches(self, backbones):
        left = Registry("backbone", parent=backbones, scope="left")
        right = Registry("backbone", parent=backbones, scope="right")
        left.register_module(name="SwinTransformer", module=dict)
        with pytest.raises(KeyError, match="left.SwinTransformer"):
            right.build(dict(type="SwinTransfomer"))

    def test_constructor_type_error_names_class_file_and_argument(self, backbones):
        with pytest.raises(TypeError) as info:
            backbones.build(dict(type="ResNet", depth=50, dpeth=3))
        msg = str(info.value)
        assert "ResNet" in msg
        assert __file__ in msg  # where the class is defined
        assert "'dpeth'" in msg
        assert "unexpected keyword argument 'dpeth'" in msg  # original text kept
        assert isinstance(info.value.__cause__, TypeError)  # chained, traceback kept

    def test_misspelt_argument_gets_a_suggestion(self, backbones):
        with pytest.raises(TypeError, match="'dpeth' \\(did you mean 'depth'\\?\\)"):
            backbones.build(dict(type="ResNet", dpeth=50))

    def test_missing_required_argument_is_reported(self, backbones):
        with pytest.raises(TypeError, match="missing required argument\\(s\\) 'depth'"):
            backbones.build(dict(type="ResNet"))

    def test_type_error_inside_constructor_keeps_original(self, backbones):
        original = TypeError("bad operand inside")

        @backbones.register_module()
        class Broken:
            def __init__(self, x=1):
                raise original

        with pytest.raises(TypeError) as info:
            backbones.build(dict(type="Broken", x=2))
        assert info.value is original
        notes = getattr(info.value, "__notes__", [])
        assert not notes or "Broken" in notes[0]

    def test_other_exceptions_keep_their_type(self, backbones):
        class CustomError(Exception):
            def __init__(self, code):  # a constructor type(e)(msg) would break
                super().__init__(f"code {code}")
                self.code = code

        @backbones.register_module()
        class Faulty:
            def __init__(self):
                raise CustomError(7)

        with pytest.raises(CustomError) as info:
            backbones.build(dict(type="Faulty"))
        assert info.value.code == 7
        notes = getattr(info.value, "__notes__", None)
        if notes is not None:
            assert any("Faulty" in n and "backbone" in n for n in notes)


class TestScopes:
    def _tree(self):
        root = Registry("model", scope="sroot")
        alpha = Registry("model", parent=root, scope="alpha")
        beta = Registry("model", parent=root, scope="beta")

        @root.register_module()
        class RReLU:
            pass

        @alpha.register_module()
        class LogSoftmax:
            pass

        @beta.register_module(name="LogSoftmax")
        class BetaLogSoftmax:
            pass

        return root, alpha, beta, RReLU, LogSoftmax, BetaLogSoftmax

    def test_scope_prefix_and_parent_modules(self):
        root, alpha, beta, RReLU, LogSoftmax, _ = self._tree()
        assert isinstance(alpha.build(dict(type="RReLU")), RReLU)
        assert isinstance(alpha.build(dict(type="sroot.RReLU")), RReLU)
        assert isinstance(beta.build(dict(type="alpha.LogSoftmax")), LogSoftmax)

    def test_underscore_scope_switches_registry(self):
        root, alpha, beta, _, LogSoftmax, BetaLogSoftmax = self._tree()
        assert isinstance(beta.build(dict(type="LogSoftmax")), BetaLogSoftmax)
        assert isinstance(beta.build(dict(type="LogSoftmax", _scope_="alpha")), LogSoftmax)
        assert isinstance(root.build(dict(type="LogSoftmax", _scope_="beta")), BetaLogSoftmax)
        assert DefaultScope.get_current_instance() is None  # restored

    def test_nested_builds_inherit_underscore_scope(self):
        root, alpha, beta, _, LogSoftmax, BetaLogSoftmax = self._tree()

        @root.register_module()
        class Wrapper:
            def __init__(self, inner):
                self.inner = root.build(inner)

        obj = root.build(dict(type="Wrapper", inner=dict(type="LogSoftmax"), _scope_="alpha"))
        assert isinstance(obj.inner, LogSoftmax)
        obj = root.build(dict(type="Wrapper", inner=dict(type="LogSoftmax"), _scope_="beta"))
        assert isinstance(obj.inner, BetaLogSoftmax)

    def test_default_scope_selects_registry(self):
        root, alpha, beta, _, LogSoftmax, BetaLogSoftmax = self._tree()
        DefaultScope.get_instance("test-default-scope", scope_name="alpha")
        assert isinstance(root.build(dict(type="LogSoftmax")), LogSoftmax)
        assert isinstance(beta.build(dict(type="LogSoftmax")), LogSoftmax)
        DefaultScope.get_instance("test-default-scope-2", scope_name="beta")
        assert isinstance(alpha.build(dict(type="LogSoftmax")), BetaLogSoftmax)

    def test_scope_added_after_cached_lookup(self):
        root, alpha, *_ = self._tree()
        DefaultScope.get_instance("late-scope", scope_name="late")
        root.register_module(name="Late", module=list)
        assert root.build(dict(type="Late")) == []  # no 'late' registry: falls back
        late = Registry("model", parent=root, scope="late")
        late.register_module(name="Late", module=tuple)
        assert root.build(dict(type="Late")) == ()

    def test_unknown_default_scope_falls_back_with_warning(self, logs):
        root, alpha, *_ = self._tree()
        DefaultScope.get_instance("unknown", scope_name="nosuchscope_kk")
        assert type(alpha.build(dict(type="LogSoftmax"))).__name__ == "LogSoftmax"
        assert any("nosuchscope_kk" in m for m, _ in logs)

    def test_switch_scope_and_registry(self):
        root, alpha, beta, *_ = self._tree()
        DefaultScope.get_instance("custom", scope_name="beta")
        with beta.switch_scope_and_registry("alpha") as registry:
            assert registry is alpha
            assert DefaultScope.get_current_instance().scope_name == "alpha"
            with beta.switch_scope_and_registry("sroot") as inner:
                assert inner is root
                assert DefaultScope.get_current_instance().scope_name == "sroot"
            assert DefaultScope.get_current_instance().scope_name == "alpha"
        assert DefaultScope.get_current_instance().scope_name == "beta"
        with beta.switch_scope_and_registry(None) as registry:
            assert registry is beta

    def test_switch_restores_scope_on_error(self):
        root, alpha, *_ = self._tree()
        with pytest.raises(RuntimeError):
            with root.switch_scope_and_registry("alpha"):
                raise RuntimeError("boom")
        assert DefaultScope.get_current_instance() is None


class TestBuildModelFromCfg:
    def test_single_config(self):
        models = Registry("model", build_func=build_model_from_cfg, scope="mtest")
        models.register_module(name="Net", module=lambda width=1: ("net", width))
        assert models.build(dict(type="Net", width=3)) == ("net", 3)

    def test_list_builds_sequential(self, monkeypatch):
        # Stand-in for ``mmengine.model`` (torch-free and fast): the build
        # function must wrap the built modules, in order, in its Sequential.
        fake_model = types.ModuleType("mmengine.model")

        class Sequential:
            def __init__(self, *modules):
                self.modules = modules

        fake_model.Sequential = Sequential
        monkeypatch.setitem(sys.modules, "mmengine.model", fake_model)
        models = Registry("model", build_func=build_model_from_cfg, scope="mtest")
        models.register_module(name="Layer", module=lambda width=1: ("layer", width))
        seq = models.build([dict(type="Layer", width=2), dict(type="Layer")])
        assert isinstance(seq, Sequential)
        assert seq.modules == (("layer", 2), ("layer", 1))

    def test_list_without_model_package_explains(self, monkeypatch):
        monkeypatch.setitem(sys.modules, "mmengine.model", None)  # import fails
        models = Registry("model", build_func=build_model_from_cfg, scope="mtest")
        models.register_module(name="Layer", module=lambda: "layer")
        with pytest.raises(ImportError, match="pip install mmengine-ng-model"):
            models.build([dict(type="Layer")])


class TestBuildRunnerFromCfg:
    def test_runner_type_and_default(self):
        runners = Registry("runner", build_func=build_runner_from_cfg, scope="rtest")

        @runners.register_module()
        class Runner:
            def __init__(self, cfg):
                self.cfg = cfg

            @classmethod
            def from_cfg(cls, cfg):
                return cls(cfg)

        @runners.register_module()
        class CustomRunner(Runner):
            pass

        cfg = dict(work_dir="w", _scope_="rtest")
        runner = runners.build(cfg)
        assert type(runner) is Runner and runner.cfg == dict(work_dir="w")
        assert cfg == dict(work_dir="w", _scope_="rtest")
        runner = runners.build(dict(runner_type="CustomRunner", work_dir="w"))
        assert type(runner) is CustomRunner
        runner = runners.build(dict(runner_type=CustomRunner))
        assert type(runner) is CustomRunner
        with pytest.raises(KeyError, match="NoRunner is not in the runner registry"):  # 0.10's
            runners.build(dict(runner_type="NoRunner"))
        with pytest.raises(TypeError):
            runners.build(dict(runner_type=3))
        with pytest.raises(TypeError):
            build_runner_from_cfg("cfg", runners)


class TestBuildSchedulerFromCfg:
    @pytest.fixture
    def schedulers(self):
        reg = Registry("parameter scheduler", build_func=build_scheduler_from_cfg, scope="stest")

        @reg.register_module()
        class StepLR:
            def __init__(self, optimizer, step=1, by_epoch=True, begin=0, end=10):
                self.optimizer = optimizer
                self.step = step
                self.by_epoch = by_epoch
                self.begin, self.end = begin, end
                self.converted = False

            @classmethod
            def build_iter_from_epoch(cls, *args, begin=0, end=10, epoch_length=None, **kwargs):
                obj = cls(
                    *args,
                    begin=begin * epoch_length,
                    end=end * epoch_length,
                    by_epoch=False,
                    **kwargs,
                )
                obj.converted = True
                return obj

        return reg

    def test_plain_build_drops_epoch_length(self, schedulers):
        sched = schedulers.build(
            dict(type="StepLR", step=2), default_args=dict(optimizer="opt", epoch_length=5)
        )
        assert sched.optimizer == "opt" and sched.step == 2 and not sched.converted

    def test_convert_to_iter_based(self, schedulers):
        cfg = dict(type="StepLR", convert_to_iter_based=True, begin=1, end=3)
        sched = build_scheduler_from_cfg(cfg, schedulers, dict(optimizer="opt", epoch_length=10))
        assert sched.converted and sched.begin == 10 and sched.end == 30
        assert sched.by_epoch is False
        assert cfg == dict(type="StepLR", convert_to_iter_based=True, begin=1, end=3)

    def test_convert_requires_epoch_length_and_by_epoch(self, schedulers):
        with pytest.raises(AssertionError, match="epoch_length"):
            schedulers.build(
                dict(type="StepLR", convert_to_iter_based=True), default_args=dict(optimizer="o")
            )
        with pytest.raises(ValueError, match="Only epoch-based"):
            schedulers.build(
                dict(type="StepLR", convert_to_iter_based=True, by_epoch=False),
                default_args=dict(optimizer="o", epoch_length=3),
            )

    def test_convert_unknown_type(self, schedulers):
        with pytest.raises(KeyError, match="NoLR is not in the"):
            schedulers.build(
                dict(type="NoLR", convert_to_iter_based=True),
                default_args=dict(optimizer="o", epoch_length=3),
            )


def test_removed_child_registry_is_not_used_from_cache():
    root = Registry("model", scope="cache_root")
    child = Registry("model", parent=root, scope="cache_child")
    root.register_module(name="Net", module=list)
    child.register_module(name="Net", module=tuple)
    DefaultScope.get_instance("cache-test", scope_name="cache_child")
    assert root.build(dict(type="Net")) == ()
    del root.children["cache_child"]
    assert root.build(dict(type="Net")) == []
