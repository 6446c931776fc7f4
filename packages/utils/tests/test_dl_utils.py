import multiprocessing as std_mp
import os
import warnings

import pytest

torch = pytest.importorskip("torch")
np = pytest.importorskip("numpy")

from mmengine.utils import digit_version  # noqa: E402
from mmengine.utils.dl_utils import (  # noqa: E402
    TORCH_VERSION,
    TimeCounter,
    collect_env,
    has_batch_norm,
    is_jit_tracing,
    is_norm,
    load_url,
    mmcv_full_available,
    set_multi_processing,
    setup_cache_size_limit_of_dynamo,
    tensor2imgs,
    torch_meshgrid,
)
from mmengine.utils.dl_utils.parrots_wrapper import (  # noqa: E402
    SyncBatchNorm,
    _BatchNorm,
    _InstanceNorm,
)


def test_torch_version():
    assert TORCH_VERSION == torch.__version__
    assert digit_version(TORCH_VERSION) >= digit_version("1.6.0")


def test_collect_env():
    env = collect_env()
    for key in ('sys.platform', 'Python', 'CUDA available', 'GCC', 'PyTorch',
                'PyTorch compiling details', 'MMEngine'):  # fmt: skip
        assert key in env, key
    assert env["PyTorch"] == torch.__version__
    assert env["CUDA available"] == torch.cuda.is_available()
    if env["CUDA available"]:
        assert any(k.startswith("GPU ") for k in env)


def test_collect_env_reports_torchvision_and_opencv_without_importing_them():
    """Importing both costs over a second per runner; the versions read without importing
    equal the modules' own ``__version__``."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from mmengine.utils.dl_utils import collect_env\n"
        "env = collect_env()\n"
        "print('imported', 'torchvision' in sys.modules, 'cv2' in sys.modules)\n"
        "print('TorchVision', env.get('TorchVision'))\n"
        "print('OpenCV', env.get('OpenCV'))\n"
        "try:\n    import torchvision; print('TorchVision', torchvision.__version__)\n"
        "except ImportError:\n    print('TorchVision', None)\n"
        "try:\n    import cv2; print('OpenCV', cv2.__version__)\n"
        "except ImportError:\n    print('OpenCV', None)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = out.stdout.splitlines()
    assert lines[0] == "imported False False", out.stdout
    assert lines[1] == lines[3] and lines[2] == lines[4], out.stdout


def test_has_batch_norm_and_is_norm():
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(3, 3, 1), nn.Sequential(nn.BatchNorm2d(3)))
    assert has_batch_norm(model)
    assert not has_batch_norm(nn.Sequential(nn.Conv2d(3, 3, 1), nn.GroupNorm(1, 3)))
    assert is_norm(nn.BatchNorm1d(2))
    assert is_norm(nn.InstanceNorm2d(2))
    assert is_norm(nn.GroupNorm(1, 2))
    assert is_norm(nn.LayerNorm(2))
    assert not is_norm(nn.Conv2d(1, 1, 1))
    assert not is_norm(nn.BatchNorm1d(2), exclude=nn.BatchNorm1d)
    assert not is_norm(nn.LayerNorm(2), exclude=(nn.LayerNorm, nn.GroupNorm))
    with pytest.raises(TypeError):
        is_norm(nn.BatchNorm1d(2), exclude="BN")
    assert issubclass(nn.SyncBatchNorm, _BatchNorm)
    assert issubclass(SyncBatchNorm, nn.SyncBatchNorm)
    assert issubclass(nn.InstanceNorm1d, _InstanceNorm)


def test_mmcv_full_available():
    assert isinstance(mmcv_full_available(), bool)


def test_tensor2imgs():
    t = torch.rand(2, 3, 4, 5)
    imgs = tensor2imgs(t, to_bgr=False)
    assert len(imgs) == 2 and imgs[0].shape == (4, 5, 3)
    np.testing.assert_allclose(imgs[0], t[0].permute(1, 2, 0).numpy(), rtol=1e-6)
    bgr = tensor2imgs(t, mean=(1, 2, 3), std=(2, 2, 2))
    expected = (t[1].permute(1, 2, 0) * 2 + torch.tensor([1.0, 2, 3])).numpy()[..., ::-1]
    np.testing.assert_allclose(bgr[1], expected, rtol=1e-6)
    assert bgr[1].flags["C_CONTIGUOUS"]
    gray = tensor2imgs(torch.rand(1, 1, 2, 2), to_bgr=False)
    assert gray[0].shape == (2, 2, 1)
    with pytest.raises(AssertionError):
        tensor2imgs(torch.rand(1, 1, 2, 2))  # 1 channel requires to_bgr=False
    with pytest.raises(AssertionError):
        tensor2imgs(torch.rand(3, 2, 2))
    with pytest.raises(AssertionError):
        tensor2imgs(torch.rand(1, 2, 2, 2), to_bgr=False)


def test_torch_meshgrid():
    a, b = torch_meshgrid(torch.arange(3), torch.arange(4))
    assert a.shape == (3, 4) and b.shape == (3, 4)
    assert a[2, 0] == 2 and b[0, 3] == 3


def test_is_jit_tracing():
    assert not is_jit_tracing()
    seen = []

    def fn(x):
        seen.append(is_jit_tracing())
        return x * 2

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.jit.trace is deprecated
        torch.jit.trace(fn, torch.ones(1), check_trace=False)
    assert seen == [True]
    assert not is_jit_tracing()


def test_time_counter_decorator(capsys):
    @TimeCounter(tag="test_tc_dec", log_interval=2, warmup_interval=1)
    def fn():
        return 5

    assert fn() == 5
    assert capsys.readouterr().out == ""
    fn()
    out = capsys.readouterr().out
    assert out.startswith("[test_tc_dec]-time per run averaged in the past 2 runs:")
    assert out.strip().endswith("ms")


def test_time_counter_context_and_sharing(capsys):
    with TimeCounter(tag="test_tc_ctx"):
        pass
    assert "[test_tc_ctx]-time per run averaged in the past 1 runs" in capsys.readouterr().out
    assert TimeCounter(tag="test_tc_ctx") is TimeCounter(tag="test_tc_ctx")
    with pytest.raises(AssertionError):
        with TimeCounter():
            pass
    with pytest.raises(AssertionError):
        TimeCounter(warmup_interval=0)


def test_time_counter_warmup(capsys):
    counter = TimeCounter(tag="test_tc_warm", warmup_interval=3)
    for _ in range(3):
        with counter:
            pass
    out = capsys.readouterr().out.strip().splitlines()
    # runs 1 and 2 are warm-up; run 3 is the first logged one
    assert len(out) == 1 and "past 3 runs" in out[0]


def test_set_multi_processing(monkeypatch):
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.delenv("MKL_NUM_THREADS", raising=False)
    original = std_mp.get_start_method(allow_none=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            set_multi_processing(mp_start_method="spawn", distributed=False)
        assert std_mp.get_start_method() == "spawn"
        assert "OMP_NUM_THREADS" not in os.environ
        with pytest.warns(UserWarning):
            set_multi_processing(mp_start_method="fork", distributed=True)
        assert std_mp.get_start_method() == "fork"
        assert os.environ["OMP_NUM_THREADS"] == "1"
        assert os.environ["MKL_NUM_THREADS"] == "1"
    finally:
        std_mp.set_start_method(original, force=True)


@pytest.mark.skipif(os.name == "nt", reason="the start method is not set on Windows")
def test_set_multi_processing_names_the_start_methods(recwarn):
    original = std_mp.get_start_method(allow_none=True)
    with pytest.raises(ValueError, match=r"^cannot find context for 'bogus': .*must be one of"):
        set_multi_processing(mp_start_method="bogus")
    assert std_mp.get_start_method(allow_none=True) == original  # left as it was
    assert not recwarn.list  # no "different from the previous setting" warning first


def test_setup_cache_size_limit_of_dynamo(monkeypatch):
    import sys
    from types import SimpleNamespace

    # importing the real torch._dynamo takes seconds: stand in for it
    fake = SimpleNamespace(config=SimpleNamespace(cache_size_limit=8))
    monkeypatch.setitem(sys.modules, "torch._dynamo", fake)
    monkeypatch.delenv("DYNAMO_CACHE_SIZE_LIMIT", raising=False)
    setup_cache_size_limit_of_dynamo()  # unset: nothing happens
    assert fake.config.cache_size_limit == 8
    monkeypatch.setenv("DYNAMO_CACHE_SIZE_LIMIT", "4")
    with pytest.warns(UserWarning, match="4"):
        setup_cache_size_limit_of_dynamo()
    assert fake.config.cache_size_limit == 4
    monkeypatch.setenv("DYNAMO_CACHE_SIZE_LIMIT", "four")
    with pytest.raises(ValueError, match="DYNAMO_CACHE_SIZE_LIMIT"):
        setup_cache_size_limit_of_dynamo()


def test_load_url_from_local_file(tmp_path):
    src = tmp_path / "weights.pth"
    torch.save({"w": torch.ones(2), "meta": {"epoch": 3}}, src)
    model_dir = tmp_path / "cache"
    out = load_url(src.as_uri(), model_dir=str(model_dir), progress=False)
    assert out["meta"] == {"epoch": 3}
    assert torch.equal(out["w"], torch.ones(2))
    assert (model_dir / "weights.pth").exists()


@pytest.mark.skipif(not torch.cuda.is_available(), reason="requires CUDA")
def test_time_counter_with_cuda_sync(capsys):
    @TimeCounter(tag="test_tc_cuda")
    def fn():
        return torch.ones(4, device="cuda").sum()

    fn()
    assert "test_tc_cuda" in capsys.readouterr().out


class Custom:
    """A class that weights-only unpickling refuses."""


def test_load_url_weights_only(tmp_path):
    # upstream's load_url is torch's load_state_dict_from_url: it takes weights_only
    src = tmp_path / "custom.pth"
    torch.save({"obj": Custom()}, src)
    with pytest.raises(Exception, match="Weights only load failed|Unsupported global"):
        load_url(src.as_uri(), model_dir=str(tmp_path / "c1"), progress=False, weights_only=True)
    out = load_url(src.as_uri(), model_dir=str(tmp_path / "c2"), progress=False)
    assert isinstance(out["obj"], Custom)


def test_time_counter_current_logger_goes_to_mmlogger(monkeypatch):
    logging_pkg = pytest.importorskip("mmengine.logging")
    calls = []
    monkeypatch.setattr(logging_pkg, "print_log", lambda msg, logger=None: calls.append(logger))
    with TimeCounter(tag="test_tc_current", logger="current"):
        pass
    assert calls == ["current"]


def test_upstream_module_level_names():
    import importlib

    from mmengine.utils import mkdir_or_exist

    collect_env_mod = importlib.import_module("mmengine.utils.dl_utils.collect_env")
    assert collect_env_mod.TORCH_VERSION == TORCH_VERSION
    assert collect_env_mod.is_rocm_pytorch() in (True, False)
    hub = importlib.import_module("mmengine.utils.dl_utils.hub")
    assert hub.mkdir_or_exist is mkdir_or_exist and hub.digit_version is digit_version
    from mmengine.utils.dl_utils.misc import tensor2imgs as from_misc

    assert from_misc is tensor2imgs
