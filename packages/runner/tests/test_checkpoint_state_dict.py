"""What a checkpoint's ``state_dict`` holds: the model's own ``state_dict()``, as 0.10's.

Checked against 0.10.7 as a black box: a model overriding ``state_dict`` (XTuner's LoRA
model returns only the adapter weights) is saved as it says, by the Runner and by a
FlexibleRunner's strategy, and so is a submodule's override. A wrapper nested inside the
model (MMSeparateDistributedDataParallel's per-submodule DDP) adds no ``module.`` segment:
0.10 kept it, and then could not resume its own checkpoint (it looks for the unwrapped names).
"""

from __future__ import annotations

from collections import OrderedDict

import pytest
import torch
from torch import nn

from mmengine.model import BaseModel
from mmengine.registry import MODEL_WRAPPERS
from mmengine.runner import FlexibleRunner, Runner


class _AdapterOnly(BaseModel):
    def __init__(self, frozen: nn.Module | None = None) -> None:
        super().__init__()
        self.frozen = frozen if frozen is not None else nn.Linear(4, 4)
        self.adapter = nn.Linear(4, 1)
        for p in self.frozen.parameters():
            p.requires_grad_(False)

    def forward(self, x, y=None, mode="loss"):  # noqa: ANN001
        out = self.adapter(self.frozen(x))
        return dict(loss=((out - y) ** 2).mean())


class _SavesAdapter(_AdapterOnly):
    def state_dict(self, *args, **kwargs):  # noqa: ANN002, ANN003
        full = super().state_dict(*args, **kwargs)
        return OrderedDict((k, v) for k, v in full.items() if k.startswith("adapter."))


@MODEL_WRAPPERS.register_module(force=True)
class _NestedWrapper(nn.Module):
    def __init__(self, module: nn.Module) -> None:
        super().__init__()
        self.module = module

    def forward(self, x):  # noqa: ANN001
        return self.module(x)


def _train(runner_cls: type, model: nn.Module, work_dir) -> dict:  # noqa: ANN001
    torch.manual_seed(0)
    data = [dict(x=torch.randn(4), y=torch.randn(1)) for _ in range(8)]
    runner = runner_cls(
        model=model,
        work_dir=str(work_dir),
        train_dataloader=dict(
            dataset=data,
            sampler=dict(type="DefaultSampler", shuffle=False),
            batch_size=2,
            collate_fn=dict(type="default_collate"),
        ),
        optim_wrapper=dict(optimizer=dict(type="SGD", lr=0.1)),
        train_cfg=dict(by_epoch=False, max_iters=2),
        default_hooks=dict(checkpoint=dict(type="CheckpointHook", interval=2, by_epoch=False)),
        experiment_name=f"ckpt_sd_{runner_cls.__name__}_{type(model).__name__}",
    )
    runner.train()
    return torch.load(work_dir / "iter_2.pth", map_location="cpu", weights_only=False)


@pytest.mark.parametrize("runner_cls", [Runner, FlexibleRunner])
def test_an_overridden_state_dict_decides_what_is_saved(tmp_path, runner_cls):
    checkpoint = _train(runner_cls, _SavesAdapter(), tmp_path)
    assert sorted(checkpoint["state_dict"]) == ["adapter.bias", "adapter.weight"]


class _SavesNothing(nn.Linear):
    def state_dict(self, *args, destination=None, prefix="", keep_vars=False):  # noqa: ANN001, ANN002
        return destination if destination is not None else OrderedDict()


def test_a_submodules_override_is_honoured_too(tmp_path):
    checkpoint = _train(Runner, _AdapterOnly(_SavesNothing(4, 4)), tmp_path)
    assert sorted(checkpoint["state_dict"]) == ["adapter.bias", "adapter.weight"]


def test_a_wrapper_inside_the_model_adds_no_module_segment_and_resumes(tmp_path):
    def model() -> nn.Module:
        return _AdapterOnly(_NestedWrapper(nn.Sequential(_NestedWrapper(nn.Linear(4, 4)))))

    checkpoint = _train(Runner, model(), tmp_path)
    assert sorted(checkpoint["state_dict"]) == [
        "adapter.bias",
        "adapter.weight",
        "frozen.0.bias",
        "frozen.0.weight",
    ]
    assert "frozen.0" in checkpoint["state_dict"]._metadata
    fresh = model()
    Runner(
        model=fresh, work_dir=str(tmp_path / "load"), load_from=str(tmp_path / "iter_2.pth")
    ).load_or_resume()
    saved = checkpoint["state_dict"]["frozen.0.weight"]
    assert torch.equal(fresh.frozen.module[0].module.weight, saved)
