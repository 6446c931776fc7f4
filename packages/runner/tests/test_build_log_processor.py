"""How the Runner builds its LogProcessor from a config under a default scope (as mmengine 0.10.7).

Recorded with 0.10.7 (``Runner(..., default_scope=<scope>, log_processor=...)``): a config
without ``type`` gives mmengine's own ``LogProcessor``, built without the registry, so a scope
with no ``log_processor`` registry (mmrazor) logs no "Failed to search registry" warning and a
scope's own ``LogProcessor`` does not replace it; a config naming a ``type`` is built by the
registry of the default scope.
"""

import itertools

import pytest

import mmengine.registry.registry as registry_module
from mmengine.registry import LOG_PROCESSORS, DefaultScope, Registry
from mmengine.runner import LogProcessor
from mmengine.runner.build import build_log_processor

_ids = itertools.count()


@pytest.fixture
def scope():
    """A fresh default scope whose log_processor registry holds its own ``LogProcessor``."""
    name = f"lp_shadow_scope_{next(_ids)}"
    shadow_registry = Registry("log_processor", parent=LOG_PROCESSORS, scope=name)

    @shadow_registry.register_module(name="LogProcessor")
    class ShadowLogProcessor(LogProcessor):
        pass

    with DefaultScope.overwrite_default_scope(name):
        yield ShadowLogProcessor


@pytest.fixture
def bare_scope():
    """A fresh default scope with no log_processor registry of its own."""
    name = f"lp_bare_scope_{next(_ids)}"
    with DefaultScope.overwrite_default_scope(name):
        yield name


@pytest.mark.parametrize("cfg", [dict(), dict(window_size=5)])
def test_untyped_config_is_mmengines_log_processor(scope, cfg):
    built = build_log_processor(cfg)
    assert type(built) is LogProcessor
    assert built.window_size == cfg.get("window_size", 10)


def test_typed_config_goes_through_the_scope_registry(scope):
    built = build_log_processor(dict(type="LogProcessor", window_size=3))
    assert type(built) is scope
    assert built.window_size == 3


def test_untyped_config_logs_no_scope_fallback_warning(bare_scope, monkeypatch):
    logged = []
    monkeypatch.setattr(registry_module, "print_log", lambda msg, *a, **k: logged.append(msg))
    built = build_log_processor(dict(window_size=7))
    assert type(built) is LogProcessor and built.window_size == 7
    assert not [m for m in logged if "Failed to search registry" in m]


def test_runner_builds_the_log_processor_before_its_logger(tmp_path, monkeypatch):
    """0.10 builds the log processor before the run's logger: a warning of that build (mmyolo's
    configs name ``type='LogProcessor'`` under the ``mmyolo`` scope, which has no such registry)
    goes to the console, not into the run's log file."""
    import glob

    from torch import nn

    from mmengine.logging import MMLogger
    from mmengine.model import BaseModel
    from mmengine.runner import Runner

    class Model(BaseModel):
        def __init__(self):
            super().__init__()
            self.linear = nn.Linear(1, 1)

        def forward(self, inputs, data_samples=None, mode="tensor"):
            return self.linear(inputs)

    loggers = []
    build = registry_module.print_log

    def recording(msg, *args, **kwargs):
        loggers.append((msg, MMLogger.get_current_instance().instance_name))
        build(msg, *args, **kwargs)

    monkeypatch.setattr(registry_module, "print_log", recording)
    scope = f"lp_bare_scope_{next(_ids)}"
    runner = Runner(
        model=Model(),
        work_dir=str(tmp_path),
        default_scope=scope,
        log_processor=dict(type="LogProcessor", window_size=3),
        experiment_name=f"lp_order_{next(_ids)}",
    )
    assert runner.log_processor.window_size == 3
    warning = '"log_processor" registry tree'
    warned = [name for msg, name in loggers if warning in msg]
    assert len(warned) == 1 and warned[0] != runner.experiment_name  # not the run's logger
    (log_file,) = glob.glob(str(tmp_path / "*" / "*.log"))
    with open(log_file) as f:
        assert warning not in f.read()
