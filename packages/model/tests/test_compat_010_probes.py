"""Behaviours found different from mmengine 0.10.7 by running the same script against both.

Expected values (messages, registry contents, model-zoo entries) were recorded from 0.10.7 as a
black box.
"""

import subprocess
import sys
import textwrap

import pytest
import torch
import torch.nn as nn

from mmengine.model import BaseTTAModel, ImgDataPreprocessor, convert_sync_batchnorm
from mmengine.model.checkpoint import (
    CheckpointLoader,
    get_deprecated_model_names,
    get_torchvision_models,
    load_from_ceph,
    load_from_mmcls,
)
from mmengine.model.efficient_conv_bn_eval import turn_on_efficient_conv_bn_eval
from mmengine.registry import MODELS


def test_importing_model_creates_no_mmengine_logger():
    # 0.10 creates no MMLogger at import, so a later
    # MMLogger.get_instance('mmengine', log_level=...) takes effect.
    code = textwrap.dedent(
        """
        import mmengine.model
        import mmengine.model.wrappers
        from mmengine.logging import MMLogger
        print(MMLogger.check_instance_created('mmengine'))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


def test_base_tta_model_is_registered_in_models():
    assert MODELS.get("BaseTTAModel") is BaseTTAModel


def test_convert_sync_batchnorm_mmcv_missing_keeps_module_not_found_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "mmcv", None)
    monkeypatch.setitem(sys.modules, "mmcv.ops", None)
    with pytest.raises(ModuleNotFoundError, match="mmcv"):
        convert_sync_batchnorm(nn.BatchNorm2d(2), implementation="mmcv")


@pytest.fixture
def restore_schemes():
    saved = CheckpointLoader._schemes.copy()
    try:
        yield
    finally:
        CheckpointLoader._schemes = saved


def test_duplicate_scheme_message_starts_with_010_sentence(restore_schemes):
    def load_dup(filename, map_location=None):
        return {}

    CheckpointLoader.register_scheme("dupcheck://", load_dup)
    with pytest.raises(KeyError) as info:
        CheckpointLoader.register_scheme("dupcheck://", load_dup)
    assert info.value.args[0].startswith(
        'dupcheck:// is already registered as a loader backend, add "force=True" if you want '
        "to override it"
    )


def test_petrel_paths_load_through_ceph_loader():
    assert r"(\S+\:)?petrel://" in CheckpointLoader._schemes
    for path in ("petrel://bucket/a.pth", "cluster:petrel://bucket/a.pth", "s3://bucket/a.pth"):
        assert CheckpointLoader._get_checkpoint_loader(path) is load_from_ceph


def test_efficient_conv_bn_eval_unknown_module_leads_with_torch_sentence():
    model = nn.Sequential(nn.Conv2d(1, 1, 1), nn.BatchNorm2d(1))
    with pytest.raises(AttributeError) as info:
        turn_on_efficient_conv_bn_eval(model, ["zzz"])
    assert str(info.value).startswith("'Sequential' object has no attribute 'zzz'")


def test_img_data_preprocessor_mean_message_prints_torch_size():
    dp = ImgDataPreprocessor(mean=[1, 2, 3], std=[1, 1, 1])
    with pytest.raises(AssertionError) as info:
        dp(dict(inputs=[torch.ones(1, 3, 5)]))
    assert str(info.value).startswith(
        "If the mean has 3 values, the input tensor should in shape of (3, H, W), but got the "
        "tensor with shape torch.Size([1, 3, 5])"
    )


@pytest.mark.parametrize("inputs", [[torch.ones(2, 2, 2)], torch.ones(1, 2, 2, 2)])
def test_channel_conversion_of_two_channels_leads_with_torch_sentence(inputs):
    dp = ImgDataPreprocessor(bgr_to_rgb=True)
    with pytest.raises(IndexError) as info:
        dp(dict(inputs=inputs))
    assert str(info.value).startswith("index 2 is out of bounds for dimension 0 with size 2")


def test_torchvision_legacy_names_and_deprecated_model_names():
    urls = get_torchvision_models()
    # torchvision 0.12 names that 0.10 resolves for ``torchvision://<name>``
    assert urls["densenet161"] == "https://download.pytorch.org/models/densenet161-8d451a50.pth"
    assert (
        urls["shufflenetv2_x1.0"]
        == "https://download.pytorch.org/models/shufflenetv2_x1-5666bf0f80.pth"
    )
    assert (
        urls["inception_v3_google"]
        == "https://download.pytorch.org/models/inception_v3_google-0cc3c7bd.pth"
    )
    assert get_deprecated_model_names() == {
        "resnet50_caffe": "detectron/resnet50_caffe",
        "resnet50_caffe_bgr": "detectron2/resnet50_caffe_bgr",
        "resnet101_caffe": "detectron/resnet101_caffe",
        "resnet101_caffe_bgr": "detectron2/resnet101_caffe_bgr",
    }


def test_mmcls_entry_with_local_path_loads_relative_to_mmengine_home(tmp_path, monkeypatch):
    # An extension of 0.10 (which reads no user mmcls.json): its entries may be local paths,
    # as open-mmlab:// entries may. They were handed to the downloader, which failed.
    monkeypatch.setenv("MMENGINE_HOME", str(tmp_path))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    (tmp_path / "mmcls.json").write_text('{"mycls": "mycls.pth"}')
    state = {"backbone.w": torch.ones(1), "head.fc.w": torch.zeros(1)}
    torch.save({"state_dict": state}, tmp_path / "mycls.pth")
    checkpoint = load_from_mmcls("mmcls://mycls")
    assert list(checkpoint["state_dict"]) == ["w"]
    assert torch.equal(checkpoint["state_dict"]["w"], torch.ones(1))
