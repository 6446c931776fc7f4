"""Optional optimizer libraries register what they have, family by family."""

import sys
import types

import torch

from mmengine.optim.optimizer import builder
from mmengine.registry import OPTIMIZERS


def test_deepspeed_families_register_independently(monkeypatch):
    # A DeepSpeed release without deepspeed.runtime.fp16.onebit (0.19 dropped it) must still
    # register its fused optimizers, and importing mmengine.optim must not fail.
    class FusedAdam(torch.optim.SGD):
        pass

    adam = types.ModuleType("deepspeed.ops.adam")
    adam.FusedAdam = FusedAdam  # DeepSpeedCPUAdam missing as well: skipped, not an error
    for name, module in {
        "deepspeed": types.ModuleType("deepspeed"),
        "deepspeed.ops": types.ModuleType("deepspeed.ops"),
        "deepspeed.ops.adam": adam,
    }.items():
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.setattr(builder, "_installed", lambda package: package == "deepspeed")
    previous = OPTIMIZERS.module_dict.get("FusedAdam")
    try:
        assert builder.register_deepspeed_optimizers() == ["FusedAdam"]
        assert OPTIMIZERS.get("FusedAdam") is FusedAdam
    finally:
        OPTIMIZERS.module_dict.pop("FusedAdam", None)
        if previous is not None:
            OPTIMIZERS.module_dict["FusedAdam"] = previous


def test_npu_without_full_precision_builds_amp(monkeypatch):
    # build_optim_wrapper asks the module's own is_npu_available/is_npu_support_full_precision
    # (0.10's tests patch them there); an NPU that cannot train in fp32 gets AmpOptimWrapper.
    model = torch.nn.Linear(2, 2)
    cfg = dict(optimizer=dict(type="SGD", lr=0.1))
    assert type(builder.build_optim_wrapper(model, cfg)).__name__ == "OptimWrapper"
    monkeypatch.setattr(builder, "is_npu_available", lambda: True)
    monkeypatch.setattr(builder, "is_npu_support_full_precision", lambda: False)
    assert type(builder.build_optim_wrapper(model, cfg)).__name__ == "AmpOptimWrapper"
    monkeypatch.setattr(builder, "is_npu_support_full_precision", lambda: True)
    assert type(builder.build_optim_wrapper(model, cfg)).__name__ == "OptimWrapper"
