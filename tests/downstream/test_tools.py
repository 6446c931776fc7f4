"""Each zoo's own tools drive this project end to end on tiny generated data.

Per zoo, as a user would (docs/zoos.md): ``tools/train.py`` trains a tiny model for two epochs
from a config that inherits the zoo's shipped one (``_base_ = '<zoo>::...'``), ``--resume``
continues it for one more, ``tools/test.py`` evaluates the checkpoint with the config the run
dumped, and the zoo's inferencer predicts from the checkpoint. The tools run as subprocesses
with the zoos and the mmcv-lite op shim on PYTHONPATH.
"""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path

import downstream_helpers as dh
import pytest

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

ZOO_RUNS = {
    "mmpretrain": dict(
        config=CLS_CONFIG, data="cls", first="epoch_2.pth", final="epoch_3.pth",
        more=["train_cfg.max_epochs=3"], metric="accuracy/top1",
        done=r"Epoch\(train\)\s*\[2\]", resumed=r"Epoch\(train\)\s*\[3\]",
        not_again=r"Epoch\(train\)\s*\[1\]",
    ),
    "mmdet": dict(
        config=DET_CONFIG, data="coco", first="epoch_2.pth", final="epoch_3.pth",
        more=["train_cfg.max_epochs=3"], metric="coco/bbox_mAP",
        done=r"Epoch\(train\)\s*\[2\]", resumed=r"Epoch\(train\)\s*\[3\]",
        not_again=r"Epoch\(train\)\s*\[1\]",
    ),
    "mmseg": dict(
        config=SEG_CONFIG, data="seg", first="iter_4.pth", final="iter_6.pth",
        more=["train_cfg.max_iters=6"], metric="mIoU",
        done=r"Iter\(train\)\s*\[4/4\]", resumed=r"Iter\(train\)\s*\[6/6\]",
        not_again=r"Iter\(train\)\s*\[[1-4]/6\]",
    ),
}  # fmt: skip

TOOL_TIMEOUT = 600


def run_tool(zoo: str, name: str, *args: str, cwd: Path) -> str:
    """Run ``<zoo>/.mim/tools/<name>`` like a user; return its output, fail with its tail."""
    cmd = [sys.executable, str(dh.tool(zoo, name)), *args]
    proc = subprocess.run(
        cmd,
        cwd=cwd,
        env=dh.subprocess_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=TOOL_TIMEOUT,
    )
    if proc.returncode != 0:
        tail = proc.stdout[-6000:]
        pytest.fail(f"{zoo} tools/{name} exited {proc.returncode}\n$ {' '.join(cmd)}\n{tail}")
    return proc.stdout


def newest_log(work_dir: Path) -> str:
    """The text of the most recent run's ``<timestamp>/<timestamp>.log`` under a work_dir."""
    logs = sorted(work_dir.glob("*/*.log"), key=lambda p: p.stat().st_mtime)
    assert logs, f"no run log under {work_dir}"
    return logs[-1].read_text()


def load_checkpoint_file(path: Path) -> dict:
    from mmengine.runner.checkpoint import _load_checkpoint

    return _load_checkpoint(str(path), map_location="cpu")


class ZooRun:
    """One zoo's train -> resume -> test chain, shared by the tests of that zoo."""

    def __init__(self, zoo: str, root: Path, data: Path):
        self.zoo = zoo
        self.spec = ZOO_RUNS[zoo]
        self.root = root
        self.config = root / f"tiny_{zoo}.py"
        self.config.write_text(self.spec["config"].format(root=str(data)))
        self.work_dir = root / "work_dir"
        self.trained = self.resumed = None

    def train(self):
        if self.trained is None:
            self.trained = False
            run_tool(self.zoo, "train.py", str(self.config), "--work-dir", str(self.work_dir),
                     cwd=self.root)  # fmt: skip
            self.trained = True
        if not self.trained:
            pytest.fail(f"{self.zoo}: tools/train.py failed in an earlier test")

    def resume(self):
        self.train()
        if self.resumed is None:
            self.resumed = False
            run_tool(self.zoo, "train.py", str(self.config), "--work-dir", str(self.work_dir),
                     "--resume", "--cfg-options", *self.spec["more"], cwd=self.root)  # fmt: skip
            self.resumed = True
        if not self.resumed:
            pytest.fail(f"{self.zoo}: tools/train.py --resume failed in an earlier test")


_RUNS: dict[str, ZooRun] = {}


@pytest.fixture
def zoo_run(request, zoo_data, tmp_path_factory) -> ZooRun:
    zoo = request.param
    if zoo not in _RUNS:
        _RUNS[zoo] = ZooRun(zoo, tmp_path_factory.mktemp(f"run_{zoo}"),
                            zoo_data[ZOO_RUNS[zoo]["data"]])  # fmt: skip
    return _RUNS[zoo]


ZOO_PARAMS = pytest.mark.parametrize("zoo_run", list(ZOO_RUNS), indirect=True)


@ZOO_PARAMS
def test_train_two_epochs(zoo_run):
    zoo_run.train()
    spec, work_dir = zoo_run.spec, zoo_run.work_dir
    ckpt = work_dir / spec["first"]
    assert ckpt.is_file(), sorted(p.name for p in work_dir.iterdir())
    assert (work_dir / "last_checkpoint").read_text().strip().endswith(spec["first"])
    log = newest_log(work_dir)
    assert re.search(spec["done"], log), "no log line of the last training step"
    assert spec["metric"] in log, f"no {spec['metric']} in the validation log lines"
    # The run dumps its resolved config next to the checkpoints.
    assert (work_dir / zoo_run.config.name).is_file()
    state = load_checkpoint_file(ckpt)
    assert {"meta", "state_dict", "optimizer", "message_hub"} <= set(state)


@ZOO_PARAMS
def test_resume_continues(zoo_run):
    zoo_run.resume()
    spec, work_dir = zoo_run.spec, zoo_run.work_dir
    assert (work_dir / spec["final"]).is_file()
    log = newest_log(work_dir)
    assert re.search(spec["resumed"], log), "the resumed run did not train the next step"
    assert not re.search(spec["not_again"], log), "the resumed run started from scratch"
    first = load_checkpoint_file(work_dir / spec["first"])["meta"]
    final = load_checkpoint_file(work_dir / spec["final"])["meta"]
    assert final["iter"] > first["iter"]


@ZOO_PARAMS
def test_test_tool_evaluates_checkpoint(zoo_run):
    zoo_run.resume()
    spec, work_dir = zoo_run.spec, zoo_run.work_dir
    dumped = work_dir / zoo_run.config.name  # the config the run dumped, as users pass it
    test_dir = zoo_run.root / "test_dir"
    run_tool(zoo_run.zoo, "test.py", str(dumped), str(work_dir / spec["final"]),
             "--work-dir", str(test_dir), cwd=zoo_run.root)  # fmt: skip
    log = newest_log(test_dir)
    assert spec["metric"] in log, f"no {spec['metric']} in tools/test.py's log"


def _an_image(zoo_run: ZooRun) -> str:
    data = Path(re.search(r"data_root = '([^']+)'", zoo_run.config.read_text()).group(1))
    return str(sorted(p for p in data.rglob("*.png") if "ann_dir" not in p.parts)[0])


@ZOO_PARAMS
def test_inferencer_predicts_from_checkpoint(zoo_run):
    zoo_run.resume()
    zoo, ckpt = zoo_run.zoo, str(zoo_run.work_dir / zoo_run.spec["final"])
    image, config = _an_image(zoo_run), str(zoo_run.config)
    # One process here serves three zoos: make this one the default scope, as a user's
    # one-zoo process has it (upstream resolves registries through the default scope too).
    importlib.import_module(f"{zoo}.utils").register_all_modules(init_default_scope=True)
    if zoo == "mmpretrain":
        from mmpretrain import ImageClassificationInferencer

        inferencer = ImageClassificationInferencer(config, pretrained=ckpt, device="cpu")
        (result,) = inferencer(image)
        assert result["pred_class"] in dh.CLASSES
        assert len(result["pred_scores"]) == len(dh.CLASSES)
    elif zoo == "mmdet":
        from mmdet.apis import DetInferencer

        inferencer = DetInferencer(config, weights=ckpt, device="cpu", show_progress=False)
        (pred,) = inferencer(image)["predictions"]
        assert len(pred["bboxes"]) == len(pred["scores"]) == len(pred["labels"])
        assert all(0 <= label < len(dh.CLASSES) for label in pred["labels"])
    else:
        from mmseg.apis import MMSegInferencer

        inferencer = MMSegInferencer(config, weights=ckpt, device="cpu")
        pred = inferencer(image)["predictions"]
        assert pred.shape == (64, 64)
        assert 0 <= pred.min() and pred.max() < 3
