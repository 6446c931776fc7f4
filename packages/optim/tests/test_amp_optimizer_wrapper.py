"""AmpOptimWrapper on torch.amp: autocast context, scaler only for fp16."""

import pytest
import torch
import torch.nn as nn
from torch.optim import SGD

from mmengine.optim import AmpOptimWrapper, OptimWrapper

cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
# A float16 loss scaler off CUDA needs torch.amp.GradScaler (torch >= 2.3); with older torch
# the CPU has no scaler (CUDA's disables itself there).
cpu_scaler = pytest.mark.skipif(
    not torch.cuda.is_available() and not hasattr(torch.amp, "GradScaler"),
    reason="no float16 loss scaler on the CPU before torch 2.3",
)


def _cpu_autocast_enabled() -> bool:
    try:
        return torch.is_autocast_enabled("cpu")
    except TypeError:  # torch < 2.4: no device argument
        return torch.is_autocast_cpu_enabled()


def _wrapper(**kwargs):
    model = nn.Linear(4, 2)
    return model, AmpOptimWrapper(optimizer=SGD(model.parameters(), lr=0.1), **kwargs)


def test_cpu_defaults_to_bfloat16_without_loss_scaling():
    if torch.cuda.is_available():
        pytest.skip("CPU-only expectation")
    model, wrapper = _wrapper()
    assert isinstance(wrapper, OptimWrapper)
    assert not wrapper.loss_scaler.is_enabled()
    with wrapper.optim_context(model):
        assert _cpu_autocast_enabled()
        out = model(torch.randn(3, 4))
        assert out.dtype == torch.bfloat16
        loss = out.float().pow(2).mean()
    before = model.weight.detach().clone()
    wrapper.update_params(loss)
    assert not torch.equal(before, model.weight)
    assert not _cpu_autocast_enabled()


@cpu_scaler
def test_float16_uses_grad_scaler_and_saves_its_state():
    model, wrapper = _wrapper(dtype="float16", loss_scale=512.0)
    assert wrapper.loss_scaler.is_enabled()
    assert wrapper.cast_dtype == torch.float16
    x = torch.randn(3, 4)
    loss = model(x).pow(2).mean()
    wrapper.backward(loss)
    # The gradient is scaled by the static loss scale until step unscales it.
    ref = nn.Linear(4, 2)
    ref.load_state_dict(model.state_dict())
    ref(x).pow(2).mean().backward()
    torch.testing.assert_close(model.weight.grad, ref.weight.grad * 512.0)
    wrapper.step()
    state = wrapper.state_dict()
    assert state["loss_scaler"]["scale"] == 512.0
    _, other = _wrapper(dtype="float16")
    other.load_state_dict(state)
    assert other.loss_scaler.get_scale() == 512.0


@cpu_scaler
def test_clip_grad_unscales_first():
    model, wrapper = _wrapper(dtype="float16", loss_scale=1024.0, clip_grad=dict(max_norm=1e6))
    model(torch.ones(2, 4)).sum().backward()
    wrapper.loss_scaler.scale(torch.tensor(1.0))  # initialise scaler state
    raw = torch.cat([p.grad.flatten() for p in model.parameters()]).norm()
    wrapper._inner_count = 1
    for p in model.parameters():
        p.grad.mul_(1024.0)
    wrapper.step()
    logged = wrapper.message_hub.get_scalar("train/grad_norm").current()
    assert logged == pytest.approx(float(raw), rel=1e-4)


@pytest.mark.parametrize("dtype", ["bfloat16", torch.bfloat16, "float32"])
def test_non_fp16_dtypes_disable_scaler(dtype):
    _, wrapper = _wrapper(dtype=dtype)
    assert not wrapper.loss_scaler.is_enabled()
    assert "loss_scaler" in wrapper.state_dict()


@cpu_scaler
def test_loss_scale_dict_and_invalid_args():
    _, wrapper = _wrapper(dtype="float16", loss_scale=dict(init_scale=8.0, growth_interval=3))
    assert wrapper.loss_scaler.get_scale() == 8.0
    with pytest.raises(TypeError):
        _wrapper(loss_scale="static")
    with pytest.raises((ValueError, AssertionError)):
        _wrapper(dtype="int8")
    with pytest.raises((TypeError, AssertionError)):
        _wrapper(dtype=3)


@cuda
def test_cuda_float16_training_step():
    model = nn.Linear(4, 2).cuda()
    wrapper = AmpOptimWrapper(optimizer=SGD(model.parameters(), lr=0.1))
    assert wrapper.loss_scaler.is_enabled()
    with wrapper.optim_context(model):
        out = model(torch.randn(3, 4, device="cuda"))
        assert out.dtype == torch.float16
    wrapper.update_params(out.float().sum())
    assert "scale" in wrapper.state_dict()["loss_scaler"]


@cpu_scaler
def test_use_fsdp_builds_sharded_scaler(tmp_path):
    import torch.distributed as dist
    from torch.distributed.fsdp.sharded_grad_scaler import ShardedGradScaler

    initialized_here = not dist.is_initialized()
    if initialized_here:
        dist.init_process_group(
            "gloo", init_method=f"file://{tmp_path / 'store'}", rank=0, world_size=1
        )
    try:
        model, wrapper = _wrapper(dtype="float16", use_fsdp=True)
        assert isinstance(wrapper.loss_scaler, ShardedGradScaler)
        wrapper.update_params(model(torch.ones(1, 4)).sum())
        assert "scale" in wrapper.state_dict()["loss_scaler"]
    finally:
        if initialized_here:
            dist.destroy_process_group()


def test_torch_without_amp_grad_scaler_uses_cudas(monkeypatch):
    # torch < 2.3 has no torch.amp.GradScaler: CUDA's is built, and disables itself off CUDA
    monkeypatch.delattr(torch.amp, "GradScaler", raising=False)
    _, wrapper = _wrapper(dtype="float16")
    assert isinstance(wrapper.loss_scaler, torch.cuda.amp.GradScaler)
    assert wrapper.loss_scaler.is_enabled() == torch.cuda.is_available()


def test_sharded_scaler_without_a_device_argument(monkeypatch):
    # torch < 2.3: ShardedGradScaler(init_scale, ..., enabled, process_group), no `device`
    import torch.distributed.fsdp.sharded_grad_scaler as sharded

    built = []

    class OldShardedGradScaler:
        def __init__(self, init_scale=2.0**16, enabled=True, process_group=None):
            built.append(dict(init_scale=init_scale, enabled=enabled))

    monkeypatch.setattr(sharded, "ShardedGradScaler", OldShardedGradScaler)
    _, wrapper = _wrapper(dtype="float16", use_fsdp=True, loss_scale=dict(init_scale=8.0))
    assert isinstance(wrapper.loss_scaler, OldShardedGradScaler)
    assert built == [dict(init_scale=8.0, enabled=True)]
