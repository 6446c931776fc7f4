"""Optimizer registration in OPTIMIZERS."""

import pytest
import torch
import torch.nn as nn

from mmengine.optim import OPTIMIZERS, ApexOptimWrapper
from mmengine.optim.optimizer.builder import TORCH_OPTIMIZERS
from mmengine.registry import OPTIMIZERS as ROOT_OPTIMIZERS


def test_every_torch_optimizer_is_registered():
    assert OPTIMIZERS is ROOT_OPTIMIZERS
    for name in ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "ASGD", "NAdam"):
        assert name in TORCH_OPTIMIZERS
        assert OPTIMIZERS.get(name) is getattr(torch.optim, name)
    if hasattr(torch.optim, "Adafactor"):
        assert OPTIMIZERS.get("TorchAdafactor") is torch.optim.Adafactor


def test_build_optimizer_from_cfg():
    model = nn.Linear(1, 1)
    opt = OPTIMIZERS.build(dict(type="AdamW", params=model.parameters(), lr=1e-3))
    assert isinstance(opt, torch.optim.AdamW)
    assert opt.defaults["lr"] == 1e-3


def test_apex_wrapper_clear_error_without_apex():
    try:
        import apex  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="apex"):
            ApexOptimWrapper(optimizer=torch.optim.SGD(nn.Linear(1, 1).parameters(), lr=0.1))
    else:  # pragma: no cover
        pytest.skip("apex installed")
