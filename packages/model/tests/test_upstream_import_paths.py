"""Module globals that downstream code imports (or patches) at upstream's paths."""

import importlib

import pytest


@pytest.mark.parametrize(
    "module, name, source",
    [
        ("mmengine.model", "TORCH_VERSION", "mmengine.utils.dl_utils"),
        ("mmengine.model", "digit_version", "mmengine.utils"),
        ("mmengine.model.averaged_model", "print_log", "mmengine.logging"),
        ("mmengine.model.base_model.base_model", "OptimWrapper", "mmengine.optim"),
        ("mmengine.model.base_model.base_model", "is_list_of", "mmengine.utils"),
        ("mmengine.model.base_model.data_preprocessor", "is_seq_of", "mmengine.utils"),
        ("mmengine.model.utils", "mmcv_full_available", "mmengine.utils.dl_utils"),
        ("mmengine.model.weight_init", "trunc_normal_", "mmengine.model.weight_init"),
        ("mmengine.model.wrappers", "TORCH_VERSION", "mmengine.utils.dl_utils"),
        ("mmengine.model.wrappers", "digit_version", "mmengine.utils"),
        ("mmengine.model.wrappers.distributed", "OptimWrapper", "mmengine.optim"),
        ("mmengine.model.wrappers.seperate_distributed", "OptimWrapperDict", "mmengine.optim"),
        ("mmengine.model.wrappers.seperate_distributed", "get_device", "mmengine.device"),
    ],
)
def test_module_global(module, name, source):
    assert getattr(importlib.import_module(module), name) is getattr(
        importlib.import_module(source), name
    )
