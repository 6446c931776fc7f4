import os
import tempfile

import pytest
import torch
import torch.distributed as torch_dist
import torch.nn as nn
from torch.nn.parallel import DataParallel, DistributedDataParallel

from mmengine.model import (
    BaseModel,
    MMDistributedDataParallel,
    MMFullyShardedDataParallel,
    MMSeparateDistributedDataParallel,
    is_model_wrapper,
)
from mmengine.optim import OptimWrapper, OptimWrapperDict
from mmengine.registry import MODEL_WRAPPERS, Registry
from mmengine.utils import digit_version


class ToyModel(BaseModel):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(2, 1)

    def forward(self, inputs, data_samples=None, mode="tensor"):
        out = self.linear(inputs)
        if mode == "loss":
            return dict(loss=(out - data_samples).pow(2).mean())
        if mode == "predict":
            return [o for o in out]
        return out


class ToyGAN(BaseModel):
    def __init__(self):
        super().__init__()
        self.generator = nn.Linear(2, 2)
        self.discriminator = nn.Linear(2, 1)
        self.frozen = nn.Linear(2, 2).requires_grad_(False)

    def forward(self, inputs, data_samples=None, mode="tensor"):
        return [self.discriminator(self.generator(inputs))]

    def train_step(self, data, optim_wrapper):
        data = self.data_preprocessor(data, True)
        fake = self.generator(data["inputs"])
        loss_g = self.discriminator(fake).mean()
        optim_wrapper["generator"].update_params(loss_g)
        loss_d = self.discriminator(fake.detach()).pow(2).mean()
        optim_wrapper["discriminator"].update_params(loss_d)
        return dict(loss_g=loss_g, loss_d=loss_d)


@pytest.fixture
def process_group():
    if not torch_dist.is_available():
        pytest.skip("torch.distributed is not available")
    with tempfile.TemporaryDirectory() as tmp:
        store = torch_dist.FileStore(os.path.join(tmp, "store"), 1)
        torch_dist.init_process_group("gloo", store=store, rank=0, world_size=1)
        try:
            yield
        finally:
            torch_dist.destroy_process_group()


def test_is_model_wrapper_with_registry_children():
    model = ToyModel()
    assert not is_model_wrapper(model)
    assert is_model_wrapper(DataParallel(model))
    for name in (
        "DistributedDataParallel",
        "DataParallel",
        "MMDistributedDataParallel",
        "MMSeparateDistributedDataParallel",
        "MMFullyShardedDataParallel",
    ):
        assert name in MODEL_WRAPPERS

    child = Registry("model_wrapper", parent=MODEL_WRAPPERS, scope="test_wrapper_scope")

    @child.register_module()
    class CustomWrapper(nn.Module):
        def __init__(self, module):
            super().__init__()
            self.module = module

    assert is_model_wrapper(CustomWrapper(model))
    assert not is_model_wrapper(CustomWrapper(model), registry=Registry("empty"))


def test_ddp_wrapper_steps(process_group):
    torch.manual_seed(0)
    model = ToyModel()
    ddp = MMDistributedDataParallel(module=model, detect_anomalous_params=True)
    assert is_model_wrapper(ddp) and isinstance(ddp, DistributedDataParallel)
    optim_wrapper = OptimWrapper(torch.optim.SGD(ddp.parameters(), lr=0.1))
    data = dict(inputs=torch.randn(4, 2), data_samples=torch.randn(4, 1))
    before = model.linear.weight.detach().clone()
    log_vars = ddp.train_step(data, optim_wrapper)
    assert set(log_vars) == {"loss"}
    assert not torch.equal(before, model.linear.weight)
    assert len(ddp.val_step(data)) == 4
    assert len(ddp.test_step(data)) == 4


@pytest.mark.filterwarnings("ignore:`broadcast_buffers` is deprecated:FutureWarning")
def test_separate_ddp_wraps_trainable_submodules(process_group):
    model = ToyGAN()
    wrapper = MMSeparateDistributedDataParallel(module=model)
    assert isinstance(model.generator, MMDistributedDataParallel)
    assert isinstance(model.discriminator, MMDistributedDataParallel)
    assert isinstance(model.frozen, nn.Linear)
    assert is_model_wrapper(wrapper)
    optim = OptimWrapperDict(
        generator=OptimWrapper(torch.optim.SGD(model.generator.parameters(), lr=0.1)),
        discriminator=OptimWrapper(torch.optim.SGD(model.discriminator.parameters(), lr=0.1)),
    )
    logs = wrapper.train_step(dict(inputs=torch.randn(3, 2)), optim)
    assert set(logs) == {"loss_g", "loss_d"}
    assert len(wrapper.val_step(dict(inputs=torch.randn(3, 2)))) == 1
    wrapper.train(False)
    assert not wrapper.training and not model.generator.training
    with wrapper.no_sync():
        pass


def test_fsdp_wrapper_arguments_are_parsed(process_group):
    if digit_version(torch.__version__) < digit_version("2.3"):
        # its forward fails on the CPU there: "TypeError: Stream() takes no arguments"
        pytest.skip("FSDP runs on the CPU from torch 2.3")
    try:
        fsdp = MMFullyShardedDataParallel(
            module=ToyModel(),
            sharding_strategy="NO_SHARD",
            cpu_offload=False,
            backward_prefetch="BACKWARD_PRE",
            auto_wrap_policy=dict(type="size_based_auto_wrap_policy", min_num_params=10**8),
            device_id=torch.device("cpu"),
        )
    except (RuntimeError, ValueError, AssertionError) as exc:  # pragma: no cover
        pytest.skip(f"FSDP is not usable on CPU with this torch build: {exc}")
    assert is_model_wrapper(fsdp)
    # buildable by name from the registry (the class is imported lazily)
    built = MODEL_WRAPPERS.build(
        dict(
            type="MMFullyShardedDataParallel",
            module=ToyModel(),
            sharding_strategy="NO_SHARD",
            device_id=torch.device("cpu"),
        )
    )
    assert type(built) is MMFullyShardedDataParallel
    assert MODEL_WRAPPERS.get("MMFullyShardedDataParallel") is MMFullyShardedDataParallel
    optim_wrapper = OptimWrapper(torch.optim.SGD(fsdp.parameters(), lr=0.1))
    data = dict(inputs=torch.randn(4, 2), data_samples=torch.randn(4, 1))
    assert set(fsdp.train_step(data, optim_wrapper)) == {"loss"}
    assert len(fsdp.val_step(data)) == 4


def test_fsdp_argument_errors():
    with pytest.raises(ValueError, match="ShardingStrategy"):
        MMFullyShardedDataParallel(module=ToyModel(), sharding_strategy="SOMETIMES")
    with pytest.raises(ValueError, match="FUNCTIONS"):
        MMFullyShardedDataParallel(module=ToyModel(), auto_wrap_policy="no_such_policy")
    with pytest.raises(TypeError, match="cpu_offload"):
        MMFullyShardedDataParallel(module=ToyModel(), cpu_offload="yes")


def test_deepspeed_engine_wrapper_with_duck_engine():
    from mmengine.model.wrappers._deepspeed import MMDeepSpeedEngineWrapper

    class FakeEngine(nn.Module):
        def __init__(self, module):
            super().__init__()
            self.module = module

        def forward(self, *args, **kwargs):
            return self.module(*args, **kwargs)

    model = ToyModel().to(torch.float64)
    engine = FakeEngine(model)
    wrapper = MMDeepSpeedEngineWrapper(model=engine, inputs_to_half=["inputs"])
    optim_wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    data = dict(inputs=torch.randn(2, 2), data_samples=torch.randn(2, 1, dtype=torch.float64))
    assert set(wrapper.train_step(data, optim_wrapper)) == {"loss"}
    preds = wrapper.val_step(dict(inputs=torch.randn(3, 2)))
    assert len(preds) == 3 and preds[0].dtype == torch.float64
    assert wrapper.module is model  # attribute access falls through
    assert MODEL_WRAPPERS.get("MMDeepSpeedEngineWrapper") is MMDeepSpeedEngineWrapper


def test_fsdp2_on_a_torch_without_fully_shard_names_the_release(monkeypatch):
    import torch.distributed.fsdp as fsdp

    from mmengine.model.wrappers.fully_sharded_distributed import fully_shard_model

    monkeypatch.delattr(fsdp, "fully_shard", raising=False)  # torch < 2.6
    with pytest.raises(ImportError, match=r"needs torch >= 2\.6.*fsdp_version=1"):
        fully_shard_model(ToyModel())
