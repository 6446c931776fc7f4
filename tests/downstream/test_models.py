"""Classic zoo models build from their shipped configs, `init_weights()`, train a step and predict.

Each model comes from the config the zoo ships, shrunk only where CPU speed needs it, with
pretrained checkpoints switched off (no downloads). A step goes through this project's
`BaseModel.train_step` with an `OptimWrapper` and `val_step`, as the Runner drives it.
"""

from __future__ import annotations

import importlib
import math

import downstream_helpers as dh
import pytest

NO_PRETRAINED_BACKBONE = {"model.backbone.init_cfg": None}


def _build(zoo: str, rel: str, overrides: dict):
    """Config from the zoo's wheel, overrides merged, model built by the zoo's MODELS registry."""
    from mmengine.config import Config

    importlib.import_module(f"{zoo}.utils").register_all_modules(init_default_scope=True)
    cfg = Config.fromfile(str(dh.configs_dir(zoo) / rel))
    cfg.merge_from_dict(overrides)
    if "data_preprocessor" in cfg and "data_preprocessor" not in cfg.model:
        # What Runner does with a top-level `data_preprocessor` (mmpretrain configs).
        cfg.model.data_preprocessor = cfg.data_preprocessor
    model = importlib.import_module(f"{zoo}.registry").MODELS.build(cfg.model)
    model.init_weights()
    return cfg, model


def _step(model, data: dict) -> tuple[dict, list]:
    """One optimisation step through `train_step`, then `val_step` on the same batch."""
    import torch

    from mmengine.optim import OptimWrapper

    torch.manual_seed(0)
    optim_wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=1e-4))
    before = [p.detach().clone() for p in model.parameters() if p.requires_grad]
    model.train()
    log_vars = model.train_step(data, optim_wrapper)
    assert "loss" in log_vars
    assert all(math.isfinite(float(v)) for v in log_vars.values()), log_vars
    after = [p for p in model.parameters() if p.requires_grad]
    assert any(not torch.equal(b, a) for b, a in zip(before, after)), "no parameter moved"
    model.eval()
    with torch.no_grad():
        outputs = model.val_step(data)
    return log_vars, outputs


def _images(n: int, size: int):
    import torch

    g = torch.Generator().manual_seed(0)
    return [
        torch.randint(0, 256, (3, size, size), dtype=torch.uint8, generator=g) for _ in range(n)
    ]


# --------------------------------------------------------------------------- mmpretrain


CLS_MODELS = {
    "resnet": ("resnet/resnet18_8xb32_in1k.py", {}),
    "vit": (
        "vision_transformer/vit-base-p16_64xb64_in1k.py",
        {
            "model.backbone.arch": dict(
                _delete_=True, embed_dims=64, num_layers=2, num_heads=4, feedforward_channels=128
            ),
            "model.backbone.img_size": 32,
            "model.backbone.patch_size": 8,
            "model.head.in_channels": 64,
            "model.head.hidden_dim": 128,
        },
    ),
}


@pytest.mark.parametrize("name", list(CLS_MODELS))
def test_mmpretrain_classifier(name):
    import torch
    from mmpretrain.structures import DataSample

    rel, overrides = CLS_MODELS[name]
    cfg, model = _build("mmpretrain", rel, overrides)
    num_classes = cfg.model.head.num_classes
    if name == "resnet":  # init_cfg of ResNet: Kaiming convs, constant-1 norms
        bn = model.backbone.bn1
        assert torch.all(bn.weight == 1) and torch.all(bn.bias == 0)
    else:  # VisionTransformer.init_weights: trunc_normal_(pos_embed, std=0.02)
        std = float(model.backbone.pos_embed.std())
        assert 0.01 < std < 0.03, f"pos_embed std {std}: trunc_normal_ init not applied"
    data = {
        "inputs": _images(2, 32),
        "data_samples": [DataSample().set_gt_label(i) for i in range(2)],
    }
    log_vars, outputs = _step(model, data)
    assert len(outputs) == 2
    for out in outputs:
        assert out.pred_score.shape == (num_classes,)
        assert torch.allclose(out.pred_score.sum(), torch.tensor(1.0), atol=1e-4)


# --------------------------------------------------------------------------- mmdet


DET_MODELS = {
    "retinanet": ("retinanet/retinanet_r18_fpn_1x_coco.py", {}),
    "faster_rcnn": ("faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py", {}),
    "mask_rcnn": ("mask_rcnn/mask-rcnn_r50_fpn_1x_coco.py", {}),
}


def _det_batch(with_masks: bool, size: int = 64) -> dict:
    import numpy as np
    import torch
    from mmdet.structures import DetDataSample
    from mmdet.structures.mask import BitmapMasks

    from mmengine.structures import InstanceData

    samples = []
    for i in range(2):
        sample = DetDataSample(
            metainfo=dict(img_shape=(size, size), ori_shape=(size, size), scale_factor=(1.0, 1.0))
        )
        boxes = torch.tensor([[4.0, 6.0, 30.0, 40.0], [20.0 + i, 24.0, 60.0, 58.0]])
        gt = InstanceData(bboxes=boxes, labels=torch.tensor([i, 2]))
        if with_masks:
            masks = np.zeros((2, size, size), np.uint8)
            for k, (x1, y1, x2, y2) in enumerate(boxes.int().tolist()):
                masks[k, y1:y2, x1:x2] = 1
            gt.masks = BitmapMasks(masks, size, size)
        sample.gt_instances = gt
        samples.append(sample)
    return {"inputs": _images(2, size), "data_samples": samples}


@pytest.mark.parametrize("name", list(DET_MODELS))
def test_mmdet_detector(name):
    import torch

    rel, overrides = DET_MODELS[name]
    cfg, model = _build("mmdet", rel, {**NO_PRETRAINED_BACKBONE, **overrides})
    if name == "retinanet":  # bias_prob=0.01 init of the classification conv
        expected = -math.log((1 - 0.01) / 0.01)
        assert torch.allclose(model.bbox_head.retina_cls.bias, torch.tensor(expected), atol=1e-4)
    else:  # Normal(std=0.01) init of the RPN convs, zero bias
        assert float(model.rpn_head.rpn_conv.weight.std()) == pytest.approx(0.01, rel=0.2)
        assert torch.all(model.rpn_head.rpn_conv.bias == 0)
    log_vars, outputs = _step(model, _det_batch(with_masks=name == "mask_rcnn"))
    assert any(k.startswith("loss_bbox") for k in log_vars), log_vars
    if name == "mask_rcnn":
        assert "loss_mask" in log_vars
    assert len(outputs) == 2
    for out in outputs:
        pred = out.pred_instances
        assert pred.bboxes.ndim == 2 and pred.bboxes.shape[1] == 4
        assert len(pred.scores) == len(pred.labels) == len(pred.bboxes)
        if name == "mask_rcnn":
            assert pred.masks.shape[1:] == (64, 64)


# --------------------------------------------------------------------------- mmseg

SEG_SMALL = {
    "model.pretrained": None,
    "model.data_preprocessor.size": (64, 64),
    "model.decode_head.num_classes": 3,
}
SEG_AUX = {"model.auxiliary_head.num_classes": 3}
SEG_MODELS = {
    "fcn": ("fcn/fcn_r18-d8_4xb2-80k_cityscapes-512x1024.py", SEG_AUX),
    "pspnet": ("pspnet/pspnet_r18-d8_4xb2-80k_cityscapes-512x1024.py", SEG_AUX),
    "deeplabv3": ("deeplabv3/deeplabv3_r18-d8_4xb2-80k_cityscapes-512x1024.py", SEG_AUX),
    "segformer": ("segformer/segformer_mit-b0_8xb2-160k_ade20k-512x512.py", {}),
}


@pytest.mark.parametrize("name", list(SEG_MODELS))
def test_mmseg_segmentor(name):
    import torch
    from mmseg.structures import SegDataSample

    from mmengine.structures import PixelData

    rel, overrides = SEG_MODELS[name]
    cfg, model = _build("mmseg", rel, {**SEG_SMALL, **NO_PRETRAINED_BACKBONE, **overrides})
    # BaseDecodeHead's init_cfg: Normal(std=0.01) on conv_seg.
    assert float(model.decode_head.conv_seg.weight.std()) == pytest.approx(0.01, rel=0.3)
    g = torch.Generator().manual_seed(0)
    samples = []
    for _ in range(2):
        sample = SegDataSample(metainfo=dict(img_shape=(64, 64), ori_shape=(64, 64)))
        sample.gt_sem_seg = PixelData(data=torch.randint(0, 3, (1, 64, 64), generator=g))
        samples.append(sample)
    log_vars, outputs = _step(model, {"inputs": _images(2, 64), "data_samples": samples})
    assert "decode.loss_ce" in log_vars
    assert len(outputs) == 2
    for out in outputs:
        seg = out.pred_sem_seg.data
        assert seg.shape == (1, 64, 64)
        assert int(seg.min()) >= 0 and int(seg.max()) < 3


# --------------------------------------------------------------------------- mmaction

# pretrained2d=False: I3D would otherwise inflate 2D weights from `pretrained`.
ACTION_SMALL = {"model.backbone.pretrained": None, "model.cls_head.num_classes": 3}
# name -> (config, overrides, one video's input: clips x C x H x W, or clips x C x T x H x W;
# I3D at 8 x 32 x 32 pools down to 1 x 1 x 1 and predicts NaN, upstream too)
ACTION_MODELS = {
    "tsn": (
        "recognition/tsn/tsn_imagenet-pretrained-r50_8xb32-1x1x3-100e_kinetics400-rgb.py",
        {}, (3, 3, 32, 32),
    ),
    "i3d": (
        "recognition/i3d/i3d_imagenet-pretrained-r50_8xb8-32x2x1-100e_kinetics400-rgb.py",
        {"model.backbone.pretrained2d": False}, (1, 3, 8, 64, 64),
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(ACTION_MODELS))
def test_mmaction_recognizer(name):
    """TSN (Recognizer2D, ResNet, 3 clips averaged) and I3D (Recognizer3D, ResNet3d)."""
    import torch
    from mmaction.structures import ActionDataSample

    rel, overrides, shape = ACTION_MODELS[name]
    cfg, model = _build("mmaction", rel, {**ACTION_SMALL, **overrides})
    # The heads' init_cfg: Normal(std=init_std) on fc_cls; the backbone's: Kaiming convs, BN 1.
    std = float(model.cls_head.fc_cls.weight.std())
    assert std == pytest.approx(cfg.model.cls_head.init_std, rel=0.3)
    bn = model.backbone.conv1.bn
    assert torch.all(bn.weight == 1) and torch.all(bn.bias == 0)
    g = torch.Generator().manual_seed(0)
    inputs = [torch.randint(0, 256, shape, dtype=torch.uint8, generator=g) for _ in range(2)]
    samples = [ActionDataSample().set_gt_label(i) for i in range(2)]
    log_vars, outputs = _step(model, {"inputs": inputs, "data_samples": samples})
    assert "loss_cls" in log_vars and "top1_acc" in log_vars, log_vars
    assert len(outputs) == 2
    for out in outputs:
        assert out.pred_score.shape == (3,)  # average_clips='prob': clip scores averaged
        assert torch.allclose(out.pred_score.sum(), torch.tensor(1.0), atol=1e-4)


@pytest.mark.parametrize("zoo", sorted(dh.ZOOS))
def test_every_zoo_checkpoint_alias_resolves(zoo):
    """The ``open-mmlab://`` and ``mmcls://`` pretrained names the zoo's configs use are in
    the bundled indexes (0.10's), so a user with network gets the weights instead of a
    KeyError before any download."""
    import re

    from mmengine.runner.checkpoint import get_external_models, get_mmcls_models

    root = dh.configs_dir(zoo)
    names: dict[str, set[str]] = {"open-mmlab": set(), "mmcls": set()}
    for rel in dh.shipped_configs(zoo):
        text = (root / rel).read_text(encoding="utf-8")
        for scheme, name in re.findall(r"(open-mmlab|mmcls)://([\w./-]+)", text):
            names[scheme].add(name)
    indexes = {"open-mmlab": get_external_models(), "mmcls": get_mmcls_models()}
    missing = {
        f"{scheme}://{name}" for scheme, found in names.items() for name in found
        if name not in indexes[scheme]
    }  # fmt: skip
    assert not missing, sorted(missing)
    for scheme, index in indexes.items():
        for name in names[scheme]:
            assert index[name].startswith("https://download.openmmlab.com/"), index[name]
