"""The root registries and the package's public names."""

from __future__ import annotations

import pytest

import mmengine.registry as registry_pkg
from mmengine.registry import (
    MODELS,
    OPTIMIZERS,
    PARAM_SCHEDULERS,
    RUNNERS,
    Registry,
    build_model_from_cfg,
    build_runner_from_cfg,
    build_scheduler_from_cfg,
)
from mmengine.registry import root as root_module
from mmengine.registry.build_functions import build_optimizer_from_cfg

ROOT_NAMES = [
    'RUNNERS', 'RUNNER_CONSTRUCTORS', 'LOOPS', 'HOOKS', 'STRATEGIES', 'DATASETS',
    'DATA_SAMPLERS', 'TRANSFORMS', 'MODELS', 'MODEL_WRAPPERS', 'WEIGHT_INITIALIZERS',
    'OPTIMIZERS', 'OPTIM_WRAPPERS', 'OPTIM_WRAPPER_CONSTRUCTORS', 'PARAM_SCHEDULERS',
    'METRICS', 'EVALUATOR', 'TASK_UTILS', 'VISUALIZERS', 'VISBACKENDS', 'LOG_PROCESSORS',
    'INFERENCERS', 'FUNCTIONS',
]  # fmt: skip


def test_every_root_registry_is_exported_with_mmengine_scope():
    for name in ROOT_NAMES:
        reg = getattr(registry_pkg, name)
        assert isinstance(reg, Registry), name
        assert reg.scope == "mmengine" and reg.parent is None, name
        assert name in registry_pkg.__all__
        assert getattr(root_module, name) is reg
    assert len({id(getattr(registry_pkg, n)) for n in ROOT_NAMES}) == len(ROOT_NAMES)


def test_public_api_names():
    expected = {
        'Registry', 'DefaultScope', 'build_from_cfg', 'build_model_from_cfg',
        'build_runner_from_cfg', 'build_scheduler_from_cfg', 'count_registered_modules',
        'traverse_registry_tree', 'init_default_scope', *ROOT_NAMES,
    }  # fmt: skip
    assert expected == set(registry_pkg.__all__)


def test_root_build_functions_and_names():
    assert RUNNERS.build_func is build_runner_from_cfg
    assert MODELS.build_func is build_model_from_cfg
    assert PARAM_SCHEDULERS.build_func is build_scheduler_from_cfg
    assert OPTIMIZERS.build_func is build_optimizer_from_cfg  # as upstream 0.10.7
    assert MODELS.name == "model" and PARAM_SCHEDULERS.name == "parameter scheduler"


def test_root_locations_point_at_mmengine_subpackages():
    assert OPTIMIZERS._locations == ["mmengine.optim"]
    assert MODELS._locations == ["mmengine.model"]
    assert registry_pkg.HOOKS._locations == ["mmengine.hooks"]
    assert registry_pkg.LOOPS._locations == ["mmengine.runner"]
    assert registry_pkg.DATASETS._locations == ["mmengine.dataset"]


def test_downstream_child_inherits_build_func():
    child = Registry("model", parent=MODELS, scope="root_test_child")
    try:
        assert child.build_func is build_model_from_cfg
        assert MODELS.children["root_test_child"] is child
    finally:
        del MODELS.children["root_test_child"]


def test_build_optimizer_from_cfg_merges_default_args():
    reg = Registry("toy optimizer")

    @reg.register_module()
    class ToyOptim:
        def __init__(self, params, lr):
            self.params, self.lr = list(params), lr

    optim = build_optimizer_from_cfg(dict(type="ToyOptim", lr=0.1), reg, dict(params=[1, 2]))
    assert optim.params == [1, 2] and optim.lr == 0.1
    with pytest.raises(TypeError, match="lr"):
        build_optimizer_from_cfg(dict(type="ToyOptim", params=[]), reg)


def test_upstream_module_level_names():
    import sys

    from mmengine.config.utils import MODULE2PACKAGE as config_table
    from mmengine.registry.build_functions import digit_version
    from mmengine.registry.registry import MODULE2PACKAGE
    from mmengine.registry.root import build_optimizer_from_cfg as from_root
    from mmengine.registry.utils import dump
    from mmengine.utils import digit_version as real_digit_version

    assert MODULE2PACKAGE is config_table
    assert dump is sys.modules["mmengine.fileio"].dump  # imported on first access
    assert digit_version is real_digit_version and from_root is build_optimizer_from_cfg
