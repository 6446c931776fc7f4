"""`compile` in the config compiles the model's train, val and test steps (options pass through)."""

import torch
from torch import nn

from mmengine.model import BaseModel
from mmengine.runner import Runner


class _Net(BaseModel):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(2, 1)

    def forward(self, inputs, labels=None, mode="tensor"):
        out = self.fc(inputs)
        if mode == "loss":
            return dict(loss=((out.squeeze(1) - labels) ** 2).mean())
        return [dict(pred=o) for o in out]


def _loader():
    data = [dict(inputs=torch.randn(2), labels=torch.tensor(0.5)) for _ in range(4)]
    return dict(
        dataset=data,
        sampler=dict(type="DefaultSampler", shuffle=False),
        batch_size=2,
        collate_fn=dict(type="default_collate"),
    )


def test_compile_covers_train_val_and_test(tmp_path, capsys):
    from mmengine.evaluator import BaseMetric
    from mmengine.registry import METRICS

    @METRICS.register_module(force=True)
    class CountMetric(BaseMetric):
        def process(self, data_batch, data_samples):
            self.results.append(len(data_samples))

        def compute_metrics(self, results):
            return dict(n=sum(results))

    runner = Runner(
        model=_Net(),
        work_dir=str(tmp_path),
        train_dataloader=_loader(),
        val_dataloader=_loader(),
        test_dataloader=_loader(),
        train_cfg=dict(by_epoch=True, max_epochs=1, val_interval=1),
        val_cfg=dict(),
        test_cfg=dict(),
        val_evaluator=dict(type="CountMetric"),
        test_evaluator=dict(type="CountMetric"),
        optim_wrapper=dict(optimizer=dict(type="SGD", lr=0.1)),
        cfg=dict(compile=dict(backend="eager")),
        default_hooks=dict(checkpoint=None),
    )
    runner.train()
    out = "".join(capsys.readouterr())
    # 0.10's line, once for train_step and val_step
    assert out.count('Model has been "compiled". The first few iterations will be slow') == 1
    model = runner.model
    assert getattr(model.train_step, "mmengine_compiled", False)
    assert getattr(model.val_step, "mmengine_compiled", False)
    val_step = model.val_step
    assert runner.val()["n"] == 4
    assert model.val_step is val_step  # compiled once, not wrapped again
    assert runner.test()["n"] == 4
    assert getattr(model.test_step, "mmengine_compiled", False)
