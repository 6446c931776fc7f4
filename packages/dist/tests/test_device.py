"""mmengine.device on a machine without vendor accelerators."""

from __future__ import annotations

import pytest
import torch

import mmengine.device as device


def test_vendor_checks_are_false_without_extensions():
    # no torch_npu / torch_mlu / torch_musa / torch_dipu is installed here
    assert device.is_npu_available() is False
    assert device.is_mlu_available() is False
    assert device.is_musa_available() is False
    assert device.is_dipu_available() is False
    assert device.is_npu_support_full_precision() is False


def test_cuda_and_mps_follow_torch():
    assert device.is_cuda_available() == torch.cuda.is_available()
    assert device.is_mps_available() == torch.backends.mps.is_available()


def test_get_device_matches_available_hardware():
    expected = "cpu"
    if torch.cuda.is_available():
        expected = "cuda"
    elif torch.backends.mps.is_available():
        expected = "mps"
    assert device.get_device() == expected
    # a usable device string
    torch.empty(1, device=device.get_device())


def test_get_device_returns_the_module_constant(monkeypatch):
    # 0.10.7 (recorded black box): get_device() answers DEVICE, detected at import, so
    # patching mmengine.device.utils.DEVICE changes it and patching a probe does not
    import mmengine.device.utils as utils

    monkeypatch.setattr(utils, "DEVICE", "npu")
    assert device.get_device() == "npu"
    monkeypatch.setattr(utils, "DEVICE", "cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert device.is_cuda_available() is True  # asks torch on every call
    assert device.get_device() == "cpu"


def test_detected_device_order(monkeypatch):
    import mmengine.device.utils as utils

    monkeypatch.setattr(utils, "is_cuda_available", lambda: True)
    assert utils._detect_device() == "cuda"
    monkeypatch.setattr(utils, "IS_NPU_AVAILABLE", True)
    assert utils._detect_device() == "npu"


@pytest.mark.parametrize(
    ("flag", "check"),
    [
        ("IS_NPU_AVAILABLE", "is_npu_available"),
        ("IS_MLU_AVAILABLE", "is_mlu_available"),
        ("IS_MUSA_AVAILABLE", "is_musa_available"),
        ("IS_DIPU_AVAILABLE", "is_dipu_available"),
    ],
)
def test_vendor_checks_return_the_module_flags(monkeypatch, flag, check):
    # as in 0.10.7: patching the flag changes the answer
    import mmengine.device.utils as utils

    monkeypatch.setattr(utils, flag, True)
    assert getattr(device, check)() is True


def test_get_max_cuda_memory_calls_torch_directly(monkeypatch):
    # 0.10.7 (recorded): max_memory_allocated(device=...) then reset_peak_memory_stats(),
    # so tests patching both work on a machine without CUDA; floor of the MB
    calls = []
    monkeypatch.setattr(
        torch.cuda,
        "max_memory_allocated",
        lambda device=None: calls.append(("max", device)) or 5 * 1024 * 1024 - 1,
    )
    monkeypatch.setattr(
        torch.cuda, "reset_peak_memory_stats", lambda *args: calls.append(("reset", args))
    )
    assert device.get_max_cuda_memory() == 4
    assert calls == [("max", None), ("reset", ())]
    monkeypatch.setattr(torch.cuda, "max_memory_allocated", lambda device=None: 3.0 * 2**20)
    result = device.get_max_cuda_memory()
    assert result == 3 and type(result) is int


def test_get_max_musa_memory_without_torch_musa():
    # 0.10.7 raised torch's AttributeError; the sentence comes first
    with pytest.raises(AttributeError, match="^module 'torch' has no attribute 'musa'"):
        device.get_max_musa_memory()


def test_deep_import_path():
    from mmengine.device.utils import get_device

    assert get_device is device.get_device


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the CPU-only error")
def test_get_max_cuda_memory_without_cuda():
    # torch's RuntimeError (as 0.10.7), explained
    with pytest.raises(RuntimeError, match="needs a CUDA device"):
        device.get_max_cuda_memory()


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_get_max_cuda_memory_reports_and_resets_peak():
    x = torch.empty(8 * 1024 * 1024, dtype=torch.uint8, device="cuda")  # 8 MB
    del x
    peak = device.get_max_cuda_memory()
    assert isinstance(peak, int) and peak >= 8
    # the peak was reset by the first call
    assert device.get_max_cuda_memory(torch.device("cuda", 0)) < peak


def test_device_constant_is_the_detected_device():
    import mmengine.device.utils as utils

    assert utils.DEVICE == device.get_device()


def test_dist_module_globals_at_upstream_paths():
    import mmengine.dist.dist as dist_mod
    import mmengine.dist.utils as dist_utils
    from mmengine.utils import digit_version
    from mmengine.utils.dl_utils import TORCH_VERSION

    assert dist_mod.get_backend is dist_utils.get_backend
    assert dist_mod.is_npu_available is device.is_npu_available
    assert dist_mod.digit_version is digit_version
    assert dist_mod.TORCH_VERSION is TORCH_VERSION
