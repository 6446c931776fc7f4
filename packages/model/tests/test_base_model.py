from collections import OrderedDict

import pytest
import torch
import torch.nn as nn

from mmengine.model import BaseDataPreprocessor, BaseModel, ImgDataPreprocessor
from mmengine.optim import OptimWrapper
from mmengine.registry import MODELS


class ToyModel(BaseModel):
    def __init__(self, data_preprocessor=None):
        super().__init__(data_preprocessor=data_preprocessor)
        self.linear = nn.Linear(2, 1)

    def forward(self, inputs, data_samples=None, mode="tensor"):
        out = self.linear(inputs)
        if mode == "loss":
            return dict(loss_mse=(out - data_samples).pow(2), acc=out.detach())
        if mode == "predict":
            return [o for o in out]
        return out


def test_default_data_preprocessor_and_build_from_dict():
    model = ToyModel()
    assert type(model.data_preprocessor) is BaseDataPreprocessor
    model = ToyModel(data_preprocessor=dict(type="ImgDataPreprocessor", mean=[0], std=[1]))
    assert isinstance(model.data_preprocessor, ImgDataPreprocessor)
    pre = BaseDataPreprocessor()
    assert ToyModel(data_preprocessor=pre).data_preprocessor is pre
    with pytest.raises(TypeError, match="data_preprocessor"):
        ToyModel(data_preprocessor="BaseDataPreprocessor")


def test_forward_is_abstract():
    with pytest.raises(TypeError):
        BaseModel()


def test_parse_losses_sums_loss_keys_and_logs_all():
    model = ToyModel()
    losses = dict(
        loss_cls=torch.tensor([1.0, 3.0]),
        loss_list=[torch.tensor(1.0), torch.tensor([2.0, 4.0])],
        acc=torch.tensor(0.5),
    )
    loss, log_vars = model.parse_losses(losses)
    assert isinstance(log_vars, OrderedDict)
    assert list(log_vars) == ["loss", "loss_cls", "loss_list", "acc"]
    assert loss.item() == pytest.approx(2.0 + 4.0)
    assert log_vars["loss"].item() == pytest.approx(6.0)
    assert log_vars["acc"].item() == pytest.approx(0.5)
    with pytest.raises(TypeError, match="loss_bad is not a tensor or list of tensors"):
        model.parse_losses(dict(loss_bad=1.0))


def test_train_step_updates_params_with_real_optim_wrapper():
    torch.manual_seed(0)
    model = ToyModel()
    optim_wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    data = dict(inputs=torch.randn(4, 2), data_samples=torch.randn(4, 1))
    before = model.linear.weight.detach().clone()
    log_vars = model.train_step(data, optim_wrapper)
    assert set(log_vars) == {"loss", "loss_mse", "acc"}
    assert not torch.equal(before, model.linear.weight)
    # the loss decreases along the gradient
    first = log_vars["loss"].item()
    for _ in range(20):
        last = model.train_step(data, optim_wrapper)["loss"].item()
    assert last < first


class DuckWrapper:
    def __init__(self):
        self.calls = []

    def optim_context(self, model):
        import contextlib

        self.calls.append("context")
        return contextlib.nullcontext()

    def update_params(self, loss):
        self.calls.append(("update", float(loss.detach())))


def test_train_step_calls_optim_context_then_update_params():
    model = ToyModel()
    wrapper = DuckWrapper()
    model.train_step((torch.ones(1, 2), torch.zeros(1, 1)), wrapper)
    assert wrapper.calls[0] == "context" and wrapper.calls[1][0] == "update"


def test_val_and_test_step_use_predict_mode():
    model = ToyModel()
    out = model.val_step(dict(inputs=torch.ones(3, 2)))
    assert isinstance(out, list) and len(out) == 3
    out = model.test_step([torch.ones(2, 2)])
    assert len(out) == 2
    with pytest.raises(TypeError, match="list, tuple or dict"):
        model._run_forward(torch.ones(1), mode="tensor")


def test_to_and_cpu_update_preprocessor_device():
    model = ToyModel()
    model.to(torch.float64)
    assert model.data_preprocessor.device == torch.device("cpu")
    model.to("cpu")
    assert model.data_preprocessor.device == torch.device("cpu")
    model.data_preprocessor._device = torch.device("meta")
    model.cpu()
    assert model.data_preprocessor.device == torch.device("cpu")
    model.to(device="meta")
    assert model.data_preprocessor.device == torch.device("meta")
    assert model.linear.weight.device.type == "meta"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="requires CUDA")
def test_cuda_moves_preprocessor_device():
    model = ToyModel().cuda()
    assert model.data_preprocessor.device.type == "cuda"
    out = model.val_step(dict(inputs=torch.ones(1, 2)))
    assert out[0].device.type == "cuda"


def test_registered_in_models():
    assert MODELS.get("BaseDataPreprocessor") is BaseDataPreprocessor
    assert MODELS.get("ImgDataPreprocessor") is ImgDataPreprocessor
