"""The zoos import on this project and register their modules into our registries."""

from __future__ import annotations

import importlib
import importlib.metadata

import downstream_helpers as dh
import pytest

# A few names per registry that the classic models of each zoo need.
EXPECTED = {
    "mmpretrain": {
        "MODELS": ["ImageClassifier", "ResNet", "VisionTransformer", "LinearClsHead"],
        "DATASETS": ["CustomDataset", "ImageNet"],
        "TRANSFORMS": ["PackInputs", "RandomResizedCrop"],
        "METRICS": ["Accuracy"],
        "HOOKS": ["VisualizationHook"],
    },
    "mmdet": {
        "MODELS": ["RetinaNet", "FasterRCNN", "MaskRCNN", "DetDataPreprocessor"],
        "DATASETS": ["CocoDataset"],
        "TRANSFORMS": ["PackDetInputs", "LoadAnnotations", "Resize"],
        "METRICS": ["CocoMetric"],
        "HOOKS": ["DetVisualizationHook"],
    },
    "mmseg": {
        "MODELS": ["EncoderDecoder", "FCNHead", "PSPHead", "ASPPHead", "SegformerHead"],
        "DATASETS": ["BaseSegDataset", "CityscapesDataset"],
        "TRANSFORMS": ["PackSegInputs", "LoadAnnotations"],
        "METRICS": ["IoUMetric"],
        "HOOKS": ["SegVisualizationHook"],
    },
    "mmpose": {
        "MODELS": ["TopdownPoseEstimator", "HeatmapHead", "RTMCCHead", "PoseDataPreprocessor"],
        "DATASETS": ["CocoDataset"],
        "TRANSFORMS": ["PackPoseInputs", "TopdownAffine", "GenerateTarget"],
        "METRICS": ["PCKAccuracy", "CocoMetric"],
        "HOOKS": ["PoseVisualizationHook"],
    },
    "mmaction": {
        "MODELS": ["Recognizer2D", "Recognizer3D", "ResNetTSM", "ResNet3d", "TSNHead",
                   "ActionDataPreprocessor", "DRN"],  # DRN: shim/mmaction_drn.py's stand-in
        "DATASETS": ["RawframeDataset", "VideoDataset"],
        "TRANSFORMS": ["SampleFrames", "RawFrameDecode", "PackActionInputs", "FormatShape"],
        "METRICS": ["AccMetric"],
        "HOOKS": ["VisualizationHook"],
    },
}  # fmt: skip


def test_pinned_versions_and_no_upstream_mmengine():
    """The recipe installs the pinned zoos and never upstream mmengine itself."""
    for dist, version in [dh.MMCV, *dh.ZOOS.values()]:
        assert importlib.metadata.version(dist) == version
    import mmengine

    assert "mmengine-ng" in {d.metadata["Name"] for d in importlib.metadata.distributions()}
    with pytest.raises(importlib.metadata.PackageNotFoundError):
        importlib.metadata.distribution("mmengine")
    # mmcv and the zoos check mmengine's version at import (mmdet wants >=0.7.1,<1.0.0).
    importlib.import_module("mmcv")
    assert mmengine.__version__ < "1"


@pytest.mark.parametrize("zoo", list(dh.ZOOS))
def test_register_all_modules(zoo):
    """`<zoo>.utils.register_all_modules()` fills the zoo's registries, children of ours."""
    import mmengine.registry as root
    from mmengine.registry import DefaultScope

    importlib.import_module(f"{zoo}.utils").register_all_modules(init_default_scope=True)
    assert DefaultScope.get_current_instance().scope_name == zoo
    registries = importlib.import_module(f"{zoo}.registry")
    for reg_name, names in EXPECTED[zoo].items():
        registry = getattr(registries, reg_name)
        assert registry.scope == zoo
        assert registry.parent is getattr(root, reg_name), f"{zoo}.{reg_name} is not our child"
        for name in names:
            assert registry.get(name) is not None, f"{name} not in {zoo}.registry.{reg_name}"
    # Built-ins of the root are reachable through the zoo's registry (parent lookup).
    assert registries.HOOKS.get("CheckpointHook") is root.HOOKS.get("CheckpointHook")
    assert registries.OPTIM_WRAPPERS.get("OptimWrapper") is not None


def test_hub_gets_zoo_configs_and_models():
    """`mmengine.hub` resolves `package::path` against the zoo's `.mim` and builds its models."""
    from mmengine.config import Config
    from mmengine.hub import get_config, get_model

    rel = "retinanet/retinanet_r18_fpn_1x_coco.py"
    cfg = get_config(f"mmdet::{rel}")
    assert cfg.to_dict() == Config.fromfile(str(dh.configs_dir("mmdet") / rel)).to_dict()
    model = get_model("mmpretrain::resnet/resnet18_8xb32_in1k.py")
    assert type(model).__name__ == "ImageClassifier"
    # The config's top-level data_preprocessor is moved into the model, as upstream does.
    assert type(model.data_preprocessor).__name__ == "ClsDataPreprocessor"
    with pytest.raises(FileNotFoundError):
        get_config("mmdet::no_such_folder/no_such_config.py")
