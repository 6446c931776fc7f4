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
