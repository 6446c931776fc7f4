"""Benchmark of mmengine.config: import time, Config.fromfile, pretty_text.

Run from the repository root::

    uv run --frozen python bench/bench_config.py

It generates a detection-like config tree in a temporary directory (7 ``.py``
files, 3 levels of ``_base_``, ~360 keys with nested dicts and lists) and
prints medians plus the speed-up against the reference numbers measured for
upstream mmengine 0.10.7 on the development machine.

Each number is given as wall-clock time and as CPU time: the development
machine is shared, and CPU time is far less sensitive to other load. The
import is measured in fresh interpreters with a (private) bytecode cache, as
an installed package would run.
"""

from __future__ import annotations

import atexit
import os
import resource
import shutil
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


# Installed packages import from compiled bytecode; this workspace sets
# PYTHONDONTWRITEBYTECODE, which would make every run recompile the sources.
# Bytecode goes to a private cache dir instead (the source tree stays clean).
_PYCACHE = tempfile.mkdtemp(prefix="bench-config-pycache-")
atexit.register(shutil.rmtree, _PYCACHE, ignore_errors=True)
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
_ENV["PYTHONPYCACHEPREFIX"] = _PYCACHE


def _run_ms(code: str) -> tuple[float, float]:
    """Wall and CPU (user+sys, from rusage) ms of ``python -c code``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=_ENV)
    wall = (time.perf_counter() - start) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return wall, cpu


def import_overhead_ms(runs: int = 15) -> dict:
    """Extra ms of ``import mmengine.config`` over a bare interpreter (median
    of interleaved runs; wall clock and CPU time), and of ``import mmengine``
    alone (the meta-package facade, absent when only mmengine-ng-config is
    installed)."""
    wall, cpu, facade = [], [], []
    _run_ms("import mmengine.config")  # fill the bytecode cache
    for _ in range(runs):
        bare_wall, bare_cpu = _run_ms("pass")
        cfg_wall, cfg_cpu = _run_ms("import mmengine.config")
        fac_wall, _ = _run_ms("import mmengine")
        wall.append(cfg_wall - bare_wall)
        cpu.append(cfg_cpu - bare_cpu)
        facade.append(fac_wall - bare_wall)
    return {
        "wall": statistics.median(wall),
        "cpu": statistics.median(cpu),
        "facade": max(statistics.median(facade), 0.0),
    }


def time_ms(fn, runs: int) -> tuple[float, float]:
    """Median wall-clock and median CPU (process) time of ``fn()`` in ms."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    from mmengine.config import Config

    with tempfile.TemporaryDirectory() as root:
        leaf = write_tree(root)
        cfg = Config.fromfile(leaf)
        n_keys = count_keys(cfg.to_dict())
        n_files = sum(len(fs) for _, _, fs in os.walk(root))
        fromfile, fromfile_cpu = time_ms(lambda: Config.fromfile(leaf), 40)
        pretty, pretty_cpu = time_ms(lambda: cfg.pretty_text, 40)
        again = Config.fromstring(cfg.pretty_text, ".py")
        assert again.to_dict() == cfg.to_dict(), "pretty_text round trip failed"
    imp = import_overhead_ms()

    print(f"fixture: {n_files} files, 3 levels of _base_, {n_keys} keys")
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (medians below)")
    print(
        f"import mmengine.config: {imp['wall']:6.1f} ms wall, {imp['cpu']:6.1f} ms cpu over bare "
        f"python (facade `import mmengine` alone {imp['facade']:.1f} ms) | ref "
        f"{REF_IMPORT_MS:.0f} ms -> {REF_IMPORT_MS / imp['wall']:.1f}x wall, "
        f"{REF_IMPORT_MS / max(imp['cpu'], 0.1):.1f}x cpu"
    )
    print(
        f"Config.fromfile:        {fromfile:6.2f} ms wall, {fromfile_cpu:6.2f} ms cpu | ref "
        f"{REF_FROMFILE_MS:.0f} ms -> {REF_FROMFILE_MS / fromfile:.1f}x wall, "
        f"{REF_FROMFILE_MS / fromfile_cpu:.1f}x cpu"
    )
    print(
        f"pretty_text:            {pretty:6.2f} ms wall, {pretty_cpu:6.2f} ms cpu | ref "
        f"{REF_PRETTY_MS:.0f} ms -> {REF_PRETTY_MS / pretty:.0f}x wall, "
        f"{REF_PRETTY_MS / pretty_cpu:.0f}x cpu"
    )


if __name__ == "__main__":
    main()
