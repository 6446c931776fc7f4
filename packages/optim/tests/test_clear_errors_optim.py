"""Optimizer failures keep torch's exception and text, with a note on what to fix: the
optimizer config torch rejected, a loss that does not require grad."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from mmengine.optim import OptimWrapper, build_optim_wrapper


def notes_of(error: BaseException) -> str:
    return "\n".join(getattr(error, "__notes__", []))


def test_an_optimizer_torch_rejects_names_its_config():
    cfg = dict(optimizer=dict(type="SGD", lr="a"))
    with pytest.raises(TypeError) as info:
        build_optim_wrapper(nn.Linear(2, 1), cfg)
    assert type(info.value) is TypeError  # torch's own error, text untouched
    assert "not supported between instances of 'str' and 'float'" in str(info.value)
    assert (
        "while building optimizer SGD from optim_wrapper.optimizer={'type': 'SGD', 'lr': 'a'}"
        in (notes_of(info.value))
    )


def test_an_optimizer_value_error_names_its_config():
    cfg = dict(optimizer=dict(type="Adam", lr=-1.0))
    with pytest.raises(ValueError, match="Invalid learning rate") as info:
        build_optim_wrapper(nn.Linear(2, 1), cfg)
    assert "while building optimizer Adam from optim_wrapper.optimizer=" in notes_of(info.value)


def test_backward_of_a_loss_without_grad_fn_explains():
    wrapper = OptimWrapper(torch.optim.SGD(nn.Linear(2, 1).parameters(), lr=0.1))
    with pytest.raises(RuntimeError, match="^element 0 of tensors does not require grad") as info:
        wrapper.update_params(torch.tensor(1.0))
    note = notes_of(info.value)
    assert "does not depend on any trainable parameter" in note
    assert "detached" in note and "requires_grad=False" in note and "constant" in note
    assert wrapper._inner_count == 0


def test_backward_of_a_frozen_model_explains():
    model = nn.Linear(2, 1).requires_grad_(False)
    wrapper = OptimWrapper(torch.optim.SGD(nn.Linear(2, 1).parameters(), lr=0.1))
    with pytest.raises(RuntimeError) as info:
        wrapper.backward(model(torch.ones(1, 2)).sum())
    assert "does not depend on any trainable parameter" in notes_of(info.value)


def test_other_backward_errors_get_no_note():
    layer = nn.Linear(2, 1)
    wrapper = OptimWrapper(torch.optim.SGD(layer.parameters(), lr=0.1))
    loss = layer(torch.ones(1, 2)).sum()
    wrapper.backward(loss)
    with pytest.raises(RuntimeError, match="second time") as info:
        wrapper.backward(loss)  # the graph was freed by the first backward
    assert "trainable parameter" not in notes_of(info.value)
    assert wrapper._inner_count == 1


def _amp_wrapper(model: nn.Module, **kwargs):
    from mmengine.optim import AmpOptimWrapper

    return AmpOptimWrapper(optimizer=torch.optim.SGD(model.parameters(), lr=0.1), **kwargs)


@pytest.mark.parametrize(
    "dtype",
    [
        "bfloat16",  # the scaler is disabled and passes the loss through
        pytest.param(
            "float16",  # an enabled scaler multiplies the loss before backward
            marks=pytest.mark.skipif(
                torch.cuda.is_available(), reason="the CPU scaler is what is checked here"
            ),
        ),
    ],
)
def test_amp_backward_of_a_loss_without_grad_fn_explains(dtype):
    model = nn.Linear(2, 1)
    wrapper = _amp_wrapper(model, dtype=dtype)
    with pytest.raises(RuntimeError, match="^element 0 of tensors does not require grad") as info:
        wrapper.update_params(model(torch.ones(1, 2)).sum().detach())
    assert type(info.value) is RuntimeError
    assert "does not depend on any trainable parameter" in notes_of(info.value)
    assert wrapper._inner_count == 0


def test_amp_other_backward_errors_get_no_note():
    model = nn.Linear(2, 1)
    wrapper = _amp_wrapper(model, dtype="bfloat16")
    loss = model(torch.ones(1, 2)).sum()
    wrapper.backward(loss)
    with pytest.raises(RuntimeError, match="second time") as info:
        wrapper.backward(loss)
    assert "trainable parameter" not in notes_of(info.value)
    assert wrapper._inner_count == 1


def test_apex_backward_of_a_loss_without_grad_fn_explains(monkeypatch):
    """apex is not installed: a stand-in ``apex.amp`` whose ``scale_loss`` scales the loss
    as apex does lets ApexOptimWrapper.backward run on CPU."""
    import sys
    import types
    from contextlib import contextmanager

    from mmengine.optim import ApexOptimWrapper

    scaled = []

    @contextmanager
    def scale_loss(loss, optimizer):
        scaled.append(loss)
        yield loss * 2.0

    apex = types.ModuleType("apex")
    apex.amp = types.ModuleType("apex.amp")
    apex.amp.scale_loss = scale_loss
    monkeypatch.setitem(sys.modules, "apex", apex)
    monkeypatch.setitem(sys.modules, "apex.amp", apex.amp)
    model = nn.Linear(2, 1)
    wrapper = ApexOptimWrapper(optimizer=torch.optim.SGD(model.parameters(), lr=0.1))
    with pytest.raises(RuntimeError, match="^element 0 of tensors does not require grad") as info:
        wrapper.backward(torch.tensor(1.0))
    assert "does not depend on any trainable parameter" in notes_of(info.value)
    assert wrapper._inner_count == 0
    wrapper.backward(model(torch.ones(1, 2)).sum())  # a trainable loss goes through scale_loss
    assert len(scaled) == 2 and wrapper._inner_count == 1
    assert model.weight.grad is not None
