"""OptimWrapperDict: a dict of optimizer wrappers for multi-optimizer training."""

import pytest
import torch.nn as nn
from torch.optim import SGD, Adam

from mmengine.optim import OptimWrapper, OptimWrapperDict


def _dict():
    gen, disc = nn.Linear(1, 1), nn.Linear(1, 1)
    return OptimWrapperDict(
        gen=OptimWrapper(SGD(gen.parameters(), lr=0.01)),
        disc=OptimWrapper(Adam(disc.parameters(), lr=0.02, betas=(0.5, 0.9))),
    )


def test_lr_momentum_and_mapping_interface():
    optim_dict = _dict()
    assert optim_dict.get_lr() == {"gen.lr": [0.01], "disc.lr": [0.02]}
    assert optim_dict.get_momentum() == {"gen.momentum": [0], "disc.momentum": [0.5]}
    assert list(optim_dict.keys()) == ["gen", "disc"]
    assert len(optim_dict) == 2 and "gen" in optim_dict
    assert isinstance(optim_dict["gen"], OptimWrapper)
    assert [k for k, _ in optim_dict.items()] == ["gen", "disc"]
    assert set(optim_dict.param_groups) == {"gen", "disc"}
    assert "name: gen" in repr(optim_dict)
    with pytest.raises(KeyError):
        optim_dict["missing"]


def test_state_dict_round_trip_and_mismatch():
    optim_dict = _dict()
    state = optim_dict.state_dict()
    assert set(state) == {"gen", "disc"}
    state["gen"]["param_groups"][0]["lr"] = 0.5
    other = _dict()
    other.load_state_dict(state)
    assert other.get_lr()["gen.lr"] == [0.5]
    with pytest.raises(KeyError, match="other"):
        other.load_state_dict({"other": {}})


def test_unsupported_methods_raise_and_init_count_is_noop():
    optim_dict = _dict()
    model = nn.Linear(1, 1)
    for call in (
        lambda: optim_dict.update_params(None),
        lambda: optim_dict.backward(None),
        lambda: optim_dict.step(),
    ):
        with pytest.raises(NotImplementedError):
            call()
    with pytest.raises(NotImplementedError):
        with optim_dict.optim_context(model):
            pass
    optim_dict.initialize_count_status(model, 0, 10)
    optim_dict.zero_grad()
    with pytest.raises(TypeError):
        OptimWrapperDict(gen=SGD(model.parameters(), lr=0.1))
