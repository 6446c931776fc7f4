"""The tiny training runs of the downstream suite: one config per zoo and what to expect.

Shared by ``test_tools.py`` and ``record_upstream.py`` (which runs the same configs under
upstream mmengine 0.10.7 and stores the logged numbers in ``data/upstream_runs.json``).
Each config inherits the zoo's shipped one (``_base_ = '<zoo>::...'``) and points it at the
tiny data sets of ``downstream_helpers``; ``{root}`` is the data folder.
"""

from __future__ import annotations

CLS_CONFIG = """
_base_ = 'mmpretrain::resnet/resnet18_8xb32_in1k.py'
data_root = {root!r}
model = dict(head=dict(num_classes=3, topk=(1,)))
data_preprocessor = dict(num_classes=3)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=32),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=32, edge='short'),
    dict(type='CenterCrop', crop_size=32),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False,
    dataset=dict(_delete_=True, type='CustomDataset', data_root=data_root,
                 data_prefix='train', pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False,
    dataset=dict(_delete_=True, type='CustomDataset', data_root=data_root,
                 data_prefix='val', pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1,))
test_evaluator = val_evaluator
train_cfg = dict(max_epochs=2, val_interval=1)
optim_wrapper = dict(optimizer=dict(lr=0.01))
default_hooks = dict(logger=dict(interval=1))
randomness = dict(seed=0)
"""

DET_CONFIG = """
_base_ = 'mmdet::retinanet/retinanet_r18_fpn_1x_coco.py'
data_root = {root!r} + '/'
metainfo = dict(classes=('red', 'green', 'blue'))
# score_thr 0: two epochs on four images leave every score near the 0.01 prior.
model = dict(backbone=dict(init_cfg=None), bbox_head=dict(num_classes=3),
             test_cfg=dict(score_thr=0.0))
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Resize', scale=(64, 64), keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(64, 64), keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor')),
]
train_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False,
    dataset=dict(data_root=data_root, metainfo=metainfo, ann_file='annotations/train.json',
                 data_prefix=dict(img='images/'), pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False,
    dataset=dict(data_root=data_root, metainfo=metainfo, ann_file='annotations/val.json',
                 data_prefix=dict(img='images/'), pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations/val.json')
test_evaluator = val_evaluator
train_cfg = dict(max_epochs=2, val_interval=1)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=2),
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=3, milestones=[2], gamma=0.1),
]
default_hooks = dict(logger=dict(interval=1))
randomness = dict(seed=0)
"""

SEG_CONFIG = """
_base_ = 'mmseg::fcn/fcn_r18-d8_4xb2-80k_cityscapes-512x1024.py'
crop_size = (64, 64)
data_root = {root!r}
metainfo = dict(classes=('background', 'a', 'b'), palette=[[0, 0, 0], [255, 0, 0], [0, 0, 255]])
data_preprocessor = dict(size=crop_size)
model = dict(data_preprocessor=data_preprocessor, pretrained=None,
             decode_head=dict(num_classes=3), auxiliary_head=dict(num_classes=3))
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='RandomResize', scale=(64, 64), ratio_range=(0.8, 1.2), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(64, 64), keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]
train_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False,
    dataset=dict(_delete_=True, type='BaseSegDataset', data_root=data_root, metainfo=metainfo,
                 img_suffix='.png', seg_map_suffix='.png',
                 data_prefix=dict(img_path='img_dir/train', seg_map_path='ann_dir/train'),
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1, num_workers=0, persistent_workers=False,
    dataset=dict(_delete_=True, type='BaseSegDataset', data_root=data_root, metainfo=metainfo,
                 img_suffix='.png', seg_map_suffix='.png',
                 data_prefix=dict(img_path='img_dir/val', seg_map_path='ann_dir/val'),
                 pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
# mmseg configs are iteration based: 4 iterations are two epochs of the 4-image set.
train_cfg = dict(type='IterBasedTrainLoop', max_iters=4, val_interval=2)
param_scheduler = [dict(type='PolyLR', eta_min=1e-4, power=0.9, begin=0, end=6, by_epoch=False)]
default_hooks = dict(logger=dict(interval=1), checkpoint=dict(by_epoch=False, interval=2))
randomness = dict(seed=0)
"""

# RTMPose-t (CSPNeXt from mmdet, SimCC head) at 64x128, with the EMA hook its shipped config
# comments out and mmdet's PipelineSwitchHook switching at epoch 3: in the resumed run.
POSE_CONFIG = """
_base_ = 'mmpose::body_2d_keypoint/rtmpose/coco/rtmpose-t_8xb256-420e_coco-256x192.py'
data_root = {root!r} + '/'
codec = dict(type='SimCCLabel', input_size=(64, 128), sigma=(4.9, 5.66), simcc_split_ratio=2.0,
             normalize=False, use_dark=False)
model = dict(backbone=dict(init_cfg=None),
             head=dict(input_size=codec['input_size'], in_featuremap_size=(2, 4), decoder=codec))
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomBBoxTransform', scale_factor=[0.6, 1.4], rotate_factor=80),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs'),
]
train_pipeline_stage2 = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs'),
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs'),
]
train_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False,
    dataset=dict(data_root=data_root, ann_file='annotations/train.json',
                 data_prefix=dict(img='images/'), pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False,
    dataset=dict(data_root=data_root, ann_file='annotations/val.json', bbox_file=None,
                 data_prefix=dict(img='images/'), pipeline=val_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(_delete_=True, type='PCKAccuracy', thr=0.2)
test_evaluator = val_evaluator
default_hooks = dict(logger=dict(interval=1),
                     checkpoint=dict(save_best='PCK', rule='greater', max_keep_ckpts=2))
train_cfg = dict(max_epochs=2, val_interval=1)
param_scheduler = [
    dict(type='LinearLR', start_factor=1.0e-2, by_epoch=False, begin=0, end=3),
    dict(type='CosineAnnealingLR', eta_min=1e-4, begin=1, end=3, T_max=2, by_epoch=True,
         convert_to_iter_based=True),
]
custom_hooks = [
    dict(type='EMAHook', ema_type='ExpMomentumEMA', momentum=0.0002, update_buffers=True,
         priority=49),
    dict(type='mmdet.PipelineSwitchHook', switch_epoch=2,
         switch_pipeline=train_pipeline_stage2),
]
auto_scale_lr = dict(base_batch_size=4)
randomness = dict(seed=0)
"""

# TSN (ResNet-18 instead of the config's 50, no ImageNet weights) on frame folders at 32x32:
# 3 clips per video in training, 5 clips x TenCrop in tools/test.py (clip averaging).
ACTION_CONFIG = """
_base_ = 'mmaction::recognition/tsn/tsn_imagenet-pretrained-r50_8xb32-1x1x3-100e_kinetics400-rgb.py'
data_root = {root!r}
model = dict(backbone=dict(pretrained=None, depth=18),
             cls_head=dict(num_classes=3, in_channels=512))
train_pipeline = [
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=3),
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=(-1, 36)),
    dict(type='MultiScaleCrop', input_size=32, scales=(1, 0.875, 0.75, 0.66),
         random_crop=False, max_wh_scale_gap=1),
    dict(type='Resize', scale=(32, 32), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs'),
]
val_pipeline = [
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=3, test_mode=True),
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=(-1, 36)),
    dict(type='CenterCrop', crop_size=32),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs'),
]
test_pipeline = [
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=5, test_mode=True),
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=(-1, 36)),
    dict(type='TenCrop', crop_size=32),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs'),
]
train_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False,
    dataset=dict(_delete_=True, type='RawframeDataset', ann_file=data_root + '/train.txt',
                 data_prefix=dict(img=data_root + '/train'), pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False,
    dataset=dict(_delete_=True, type='RawframeDataset', ann_file=data_root + '/val.txt',
                 data_prefix=dict(img=data_root + '/val'), pipeline=val_pipeline,
                 test_mode=True))
test_dataloader = dict(
    batch_size=1, num_workers=0, persistent_workers=False,
    dataset=dict(_delete_=True, type='RawframeDataset', ann_file=data_root + '/val.txt',
                 data_prefix=dict(img=data_root + '/val'), pipeline=test_pipeline,
                 test_mode=True))
train_cfg = dict(max_epochs=2, val_interval=1)
# lr 0.01 (the config's) with its grad clipping leaves every validation at the same accuracy.
optim_wrapper = dict(optimizer=dict(lr=0.001))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=2),
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=3, milestones=[2], gamma=0.1),
]
default_hooks = dict(logger=dict(interval=1))
randomness = dict(seed=0)
"""

ZOO_RUNS = {
    "mmpretrain": dict(
        config=CLS_CONFIG, data="cls", first="epoch_2.pth", final="epoch_3.pth",
        more=["train_cfg.max_epochs=3"], metric="accuracy/top1", tta=True,
        done=r"Epoch\(train\)\s*\[2\]", resumed=r"Epoch\(train\)\s*\[3\]",
        not_again=r"Epoch\(train\)\s*\[1\]",
    ),
    "mmdet": dict(
        config=DET_CONFIG, data="coco", first="epoch_2.pth", final="epoch_3.pth",
        more=["train_cfg.max_epochs=3"], metric="coco/bbox_mAP", tta=True,
        done=r"Epoch\(train\)\s*\[2\]", resumed=r"Epoch\(train\)\s*\[3\]",
        not_again=r"Epoch\(train\)\s*\[1\]",
    ),
    "mmseg": dict(
        config=SEG_CONFIG, data="seg", first="iter_4.pth", final="iter_6.pth",
        more=["train_cfg.max_iters=6"], metric="mIoU", tta=True,
        done=r"Iter\(train\)\s*\[4/4\]", resumed=r"Iter\(train\)\s*\[6/6\]",
        not_again=r"Iter\(train\)\s*\[[1-4]/6\]",
    ),
    "mmpose": dict(
        config=POSE_CONFIG, data="pose", first="epoch_2.pth", final="epoch_3.pth",
        more=["train_cfg.max_epochs=3"], metric="PCK",
        done=r"Epoch\(train\)\s*\[2\]", resumed=r"Epoch\(train\)\s*\[3\]",
        not_again=r"Epoch\(train\)\s*\[1\]",
    ),
    "mmaction": dict(
        config=ACTION_CONFIG, data="action", first="epoch_2.pth", final="epoch_3.pth",
        more=["train_cfg.max_epochs=3"], metric="acc/top1",
        done=r"Epoch\(train\)\s*\[2\]", resumed=r"Epoch\(train\)\s*\[3\]",
        not_again=r"Epoch\(train\)\s*\[1\]",
    ),
}  # fmt: skip
