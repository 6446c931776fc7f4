"""An inferencer built from nothing but a checkpoint that the Runner wrote."""

import numpy as np
import torch

from mmengine.config import Config
from mmengine.infer import BaseInferencer
from mmengine.runner import Runner


class PlainInferencer(BaseInferencer):
    def _init_pipeline(self, cfg):
        return lambda x: dict(inputs=torch.as_tensor(x, dtype=torch.float32))

    def visualize(self, inputs, preds, show=False, **kwargs):
        return None

    def postprocess(self, preds, visualization, return_datasample=False, **kwargs):
        return dict(predictions=preds, visualization=visualization)


def test_weights_alone_rebuild_the_trained_model(fakezoo, tmp_path):
    cfg = Config(
        dict(
            default_scope="fakezoo",
            model=dict(type="ToyModel", in_ch=3, out_ch=2),
            work_dir=str(tmp_path),
            train_dataloader=dict(
                dataset=dict(type="ToyDataset"),
                sampler=dict(type="DefaultSampler", shuffle=False),
                batch_size=2,
                num_workers=0,
            ),
            optim_wrapper=dict(optimizer=dict(type="SGD", lr=0.1)),
            train_cfg=dict(by_epoch=False, max_iters=2),
            default_hooks=dict(checkpoint=dict(type="CheckpointHook", interval=2, by_epoch=False)),
            log_level="WARNING",
        )
    )
    runner = Runner.from_cfg(cfg)
    runner.train()
    trained = {k: v.detach().clone() for k, v in runner.model.state_dict().items()}

    inferencer = PlainInferencer(
        None, weights=str(tmp_path / "iter_2.pth"), scope="fakezoo", show_progress=False
    )
    # the config came from the checkpoint's message hub (runtime_info.cfg)
    assert inferencer.cfg.model.type == "ToyModel"
    for key, value in inferencer.model.state_dict().items():
        assert torch.equal(value, trained[key]), key
    x = np.array([1.0, -1.0, 0.5])
    (pred,) = inferencer(x)["predictions"]
    want = torch.as_tensor(x, dtype=torch.float32) @ trained["linear.weight"].T
    torch.testing.assert_close(pred, want + trained["linear.bias"])
