import pytest
import torch
import torch.nn as nn

from mmengine.logging import MMLogger
from mmengine.model import (
    convert_sync_batchnorm,
    detect_anomalous_params,
    merge_dict,
    revert_sync_batchnorm,
    stack_batch,
)


def test_stack_batch_pads_right_bottom_with_divisor():
    a = torch.ones(3, 5, 7)
    b = torch.ones(3, 6, 4)
    out = stack_batch([a, b], pad_size_divisor=4, pad_value=-1)
    assert out.shape == (2, 3, 8, 8)
    assert torch.all(out[0, :, :5, :7] == 1) and torch.all(out[0, :, 5:, :] == -1)
    assert torch.all(out[1, :, :, 4:] == -1)
    same = stack_batch([torch.zeros(1, 4, 4), torch.zeros(1, 4, 4)])
    assert same.shape == (2, 1, 4, 4)
    # channel (first) dim is never padded
    assert stack_batch([torch.zeros(3, 2)], pad_size_divisor=4).shape == (1, 3, 4)


def test_stack_batch_input_checks():
    with pytest.raises(AssertionError):
        stack_batch(torch.ones(3, 2))
    with pytest.raises(AssertionError):
        stack_batch([])
    with pytest.raises(AssertionError):
        stack_batch([torch.ones(3, 2), torch.ones(3, 2, 1)])


def test_merge_dict_and_fx_trace():
    assert merge_dict({"a": 1}, {"b": 2}, {"a": 3}) == {"a": 3, "b": 2}
    with pytest.raises(AssertionError):
        merge_dict({"a": 1}, [1])

    class M(nn.Module):
        def forward(self, x):
            return merge_dict({"a": x}, {"b": x + 1})

    traced = torch.fx.symbolic_trace(M())
    assert traced(torch.ones(1))["b"].item() == 2


def test_detect_anomalous_params_logs_unused(tmp_path):
    log_file = tmp_path / "anomalous.log"
    logger = MMLogger.get_instance("test_anomalous", log_file=str(log_file))
    model = nn.ModuleDict(dict(used=nn.Linear(2, 1), unused=nn.Linear(2, 1)))
    loss = model["used"](torch.ones(1, 2)).sum()
    detect_anomalous_params(loss, model)
    for handler in logger.handlers:
        handler.flush()
    text = log_file.read_text()
    assert "unused.weight with shape torch.Size([1, 2]) is not in the computational graph" in text
    assert "used.weight" not in text.replace("unused.weight", "")


def test_convert_and_revert_sync_batchnorm_round_trip():
    model = nn.Sequential(nn.Conv2d(3, 4, 1), nn.BatchNorm2d(4), nn.Sequential(nn.BatchNorm1d(4)))
    with torch.no_grad():
        model[1].weight.fill_(2)
        model[1].running_mean.fill_(0.5)
    model.eval()
    synced = convert_sync_batchnorm(model)
    assert isinstance(synced[1], nn.SyncBatchNorm) and isinstance(synced[2][0], nn.SyncBatchNorm)
    assert torch.all(synced[1].weight == 2) and torch.all(synced[1].running_mean == 0.5)
    assert not synced[1].training
    reverted = revert_sync_batchnorm(synced)
    assert not isinstance(reverted[1], nn.SyncBatchNorm)
    assert isinstance(reverted[1], nn.modules.batchnorm._BatchNorm)
    assert torch.all(reverted[1].weight == 2) and torch.all(reverted[1].running_mean == 0.5)
    # the reverted layer accepts any input dimensionality and runs on CPU
    out = reverted(torch.randn(2, 3, 5, 5))
    assert out.shape == (2, 4, 5, 5)
    assert set(reverted.state_dict()) == set(model.state_dict())
    with pytest.raises(ValueError, match="sync_bn"):
        convert_sync_batchnorm(nn.BatchNorm2d(2), implementation="apex")
