"""Benchmark of mmengine.config: import time, Config.fromfile, pretty_text.

Run from the repository root::

    uv run --frozen python bench/bench_config.py

It generates a detection-like config tree in a temporary directory (7 ``.py``
files, 3 levels of ``_base_``, ~360 keys with nested dicts and lists) and
prints medians plus the speed-up against the reference numbers measured for
upstream mmengine 0.10.7 on the development machine.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

# Upstream mmengine 0.10.7 on this machine (see the task brief).
REF_IMPORT_MS = 500.0
REF_FROMFILE_MS = 15.0
REF_PRETTY_MS = 1000.0


def _pipeline(n: int, prefix: str) -> str:
    steps = []
    for i in range(n):
        steps.append(
            f"    dict(type='{prefix}Step{i}', scale=({1333 - i}, {800 + i}), keep_ratio=True,\n"
            f"         prob={0.1 * (i % 5):.1f}, meta_keys=('img_id', 'img_path', 'ori_shape')),"
        )
    return "[\n" + "\n".join(steps) + "\n]"


def write_tree(root: str) -> str:
    """Write the 7-file, 3-level config tree; return the leaf config path."""
    base = os.path.join(root, "_base_")
    os.makedirs(os.path.join(base, "models"))
    os.makedirs(os.path.join(base, "datasets"))
    os.makedirs(os.path.join(base, "schedules"))
    files = {}
    heads = "\n".join(
        f'    head{i}=dict(type="Head{i}", in_channels=256, feat_channels=256,\n'
        f'               loss=dict(type="FocalLoss", gamma=2.0, alpha=0.25, loss_weight=1.0),\n'
        f'               anchor=dict(type="AnchorGenerator", scales=[8], ratios=[0.5, 1.0, 2.0],\n'
        f"                           strides=[4, 8, 16, 32, 64])),"
        for i in range(4)
    )
    files["_base_/models/faster_rcnn.py"] = textwrap.dedent("""\
        model = dict(
            type='FasterRCNN',
            data_preprocessor=dict(type='DetDataPreprocessor', mean=[123.675, 116.28, 103.53],
                                   std=[58.395, 57.12, 57.375], bgr_to_rgb=True, pad_size_divisor=32),
            backbone=dict(type='ResNet', depth=50, num_stages=4, out_indices=(0, 1, 2, 3),
                          frozen_stages=1, norm_cfg=dict(type='BN', requires_grad=True),
                          norm_eval=True, style='pytorch',
                          init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet50')),
            neck=dict(type='FPN', in_channels=[256, 512, 1024, 2048], out_channels=256, num_outs=5),
        HEADS
            train_cfg=dict(rpn=dict(assigner=dict(type='MaxIoUAssigner', pos_iou_thr=0.7,
                                                  neg_iou_thr=0.3, min_pos_iou=0.3),
                                    sampler=dict(type='RandomSampler', num=256, pos_fraction=0.5),
                                    allowed_border=-1, pos_weight=-1, debug=False)),
            test_cfg=dict(rpn=dict(nms_pre=1000, max_per_img=1000,
                                   nms=dict(type='nms', iou_threshold=0.7), min_bbox_size=0)),
        )
        """).replace("HEADS", heads)
    files["_base_/datasets/coco.py"] = (
        textwrap.dedent("""\
        dataset_type = 'CocoDataset'
        data_root = 'data/coco/'
        backend_args = None
        train_pipeline = TRAIN
        test_pipeline = TEST
        train_dataloader = dict(batch_size=2, num_workers=2, persistent_workers=True,
                                sampler=dict(type='DefaultSampler', shuffle=True),
                                dataset=dict(type=dataset_type, data_root=data_root,
                                             ann_file='annotations/instances_train2017.json',
                                             data_prefix=dict(img='train2017/'),
                                             pipeline=train_pipeline))
        val_dataloader = dict(batch_size=1, num_workers=2,
                              dataset=dict(type=dataset_type, data_root=data_root,
                                           test_mode=True, pipeline=test_pipeline))
        test_dataloader = val_dataloader
        val_evaluator = dict(type='CocoMetric', metric='bbox', format_only=False)
        test_evaluator = val_evaluator
        """)
        .replace("TRAIN", _pipeline(10, "Train").replace("\n", "\n"))
        .replace("TEST", _pipeline(4, "Test"))
    )
    files["_base_/schedules/schedule_1x.py"] = textwrap.dedent("""\
        train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=12, val_interval=1)
        val_cfg = dict(type='ValLoop')
        test_cfg = dict(type='TestLoop')
        param_scheduler = [
            dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=500),
            dict(type='MultiStepLR', begin=0, end=12, by_epoch=True, milestones=[8, 11], gamma=0.1),
        ]
        optim_wrapper = dict(type='OptimWrapper',
                             optimizer=dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=0.0001))
        auto_scale_lr = dict(enable=False, base_batch_size=16)
        """)
    files["_base_/default_runtime.py"] = textwrap.dedent("""\
        default_scope = 'mmdet'
        default_hooks = dict(timer=dict(type='IterTimerHook'),
                             logger=dict(type='LoggerHook', interval=50),
                             param_scheduler=dict(type='ParamSchedulerHook'),
                             checkpoint=dict(type='CheckpointHook', interval=1),
                             sampler_seed=dict(type='DistSamplerSeedHook'),
                             visualization=dict(type='DetVisualizationHook'))
        env_cfg = dict(cudnn_benchmark=False, mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
                       dist_cfg=dict(backend='nccl'))
        vis_backends = [dict(type='LocalVisBackend')]
        visualizer = dict(type='DetLocalVisualizer', vis_backends=vis_backends, name='visualizer')
        log_processor = dict(type='LogProcessor', window_size=50, by_epoch=True)
        log_level = 'INFO'
        load_from = None
        resume = False
        """)
    files["faster_rcnn_r50_fpn_1x_coco.py"] = textwrap.dedent("""\
        _base_ = [
            '_base_/models/faster_rcnn.py', '_base_/datasets/coco.py',
            '_base_/schedules/schedule_1x.py', '_base_/default_runtime.py'
        ]
        """)
    files["faster_rcnn_r101_fpn_1x_coco.py"] = textwrap.dedent("""\
        _base_ = './faster_rcnn_r50_fpn_1x_coco.py'
        model = dict(backbone=dict(depth=101,
                                   init_cfg=dict(type='Pretrained',
                                                 checkpoint='torchvision://resnet101')))
        """)
    files["faster_rcnn_r101_fpn_2x_coco.py"] = textwrap.dedent("""\
        _base_ = './faster_rcnn_r101_fpn_1x_coco.py'
        max_epochs = 24
        train_cfg = dict(max_epochs=max_epochs)
        param_scheduler = [
            dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=500),
            dict(type='MultiStepLR', begin=0, end=max_epochs, by_epoch=True,
                 milestones=[16, 22], gamma=0.1)
        ]
        optim_wrapper = dict(optimizer=dict(lr=0.01))
        work_dir = './work_dirs/{{fileBasenameNoExtension}}'
        """)
    for rel, text in files.items():
        with open(os.path.join(root, rel), "w", encoding="utf-8") as f:
            f.write(text)
    return os.path.join(root, "faster_rcnn_r101_fpn_2x_coco.py")


def count_keys(obj) -> int:
    if isinstance(obj, dict):
        return sum(1 + count_keys(v) for v in obj.values())
    if isinstance(obj, (list, tuple)):
        return sum(count_keys(v) for v in obj)
    return 0


def _run_ms(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return (time.perf_counter() - start) * 1000


def import_overhead_ms(runs: int = 15) -> tuple[float, float, float]:
    """Median extra ms of ``import mmengine.config`` over a bare interpreter,
    the median extra ms of ``import mmengine`` alone (the meta-package's
    ``mmengine/__init__.py`` facade, absent when only mmengine-config is
    installed), and the best run. Runs are interleaved so machine load hits
    all of them alike."""
    total, facade = [], []
    for _ in range(runs):
        bare = _run_ms("pass")
        total.append(_run_ms("import mmengine.config") - bare)
        facade.append(_run_ms("import mmengine") - _run_ms("pass"))
    return statistics.median(total), max(statistics.median(facade), 0.0), min(total)


def time_ms(fn, runs: int) -> tuple[float, float]:
    """Median and minimum wall time of ``fn()`` in ms."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def main() -> None:
    from mmengine.config import Config

    with tempfile.TemporaryDirectory() as root:
        leaf = write_tree(root)
        cfg = Config.fromfile(leaf)
        n_keys = count_keys(cfg.to_dict())
        n_files = sum(len(fs) for _, _, fs in os.walk(root))
        fromfile, fromfile_min = time_ms(lambda: Config.fromfile(leaf), 40)
        pretty, pretty_min = time_ms(lambda: cfg.pretty_text, 40)
        again = Config.fromstring(cfg.pretty_text, ".py")
        assert again.to_dict() == cfg.to_dict(), "pretty_text round trip failed"
    imp, facade, imp_min = import_overhead_ms()

    print(f"fixture: {n_files} files, 3 levels of _base_, {n_keys} keys")
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(
        f"import mmengine.config: median {imp:6.1f} ms (best {imp_min:5.1f}) over bare python; "
        f"facade `import mmengine` alone {facade:.1f} ms | ref {REF_IMPORT_MS:.0f} ms -> "
        f"{REF_IMPORT_MS / imp:.1f}x"
    )
    print(
        f"Config.fromfile:        median {fromfile:6.2f} ms (best {fromfile_min:5.2f}) | "
        f"ref {REF_FROMFILE_MS:.0f} ms -> {REF_FROMFILE_MS / fromfile:.1f}x"
    )
    print(
        f"pretty_text:            median {pretty:6.2f} ms (best {pretty_min:5.2f}) | "
        f"ref {REF_PRETTY_MS:.0f} ms -> {REF_PRETTY_MS / pretty:.0f}x"
    )


if __name__ == "__main__":
    main()
