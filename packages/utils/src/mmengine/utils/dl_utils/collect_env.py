"""Collect information about the running environment."""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os.path as osp
import re
import subprocess
import sys
from collections import OrderedDict, defaultdict

import numpy as np
import torch

from ..version_utils import get_mmengine_version
from .parrots_wrapper import (  # noqa: F401 (upstream binds TORCH_VERSION, is_rocm_pytorch here)
    TORCH_VERSION,
    _get_cuda_home,
    get_build_config,
    is_rocm_pytorch,
)


def _nvcc_version(cuda_home: str) -> str:
    nvcc = osp.join(cuda_home, "bin", "nvcc")
    try:
        out = subprocess.check_output([nvcc, "-V"], stderr=subprocess.STDOUT)
    except (OSError, subprocess.SubprocessError):
        return "Not Available"
    text = out.decode("utf-8", errors="replace").strip()
    release = text.rfind("Cuda compilation tools")
    build = text.rfind("Build ")
    if release == -1:
        return text.splitlines()[-1] if text else "Not Available"
    return text[release : build if build > release else None].strip()


def _gcc_version() -> str:
    try:
        out = subprocess.check_output(["gcc", "--version"], stderr=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return "n/a"
    lines = out.decode("utf-8", errors="replace").strip().splitlines()
    return lines[0] if lines else "n/a"


def _msvc_version() -> str | None:  # pragma: no cover - Windows only
    try:
        out = subprocess.check_output("cl", stderr=subprocess.STDOUT, shell=True)
    except (OSError, subprocess.SubprocessError):
        return None
    text = out.decode("utf-8", errors="replace").strip()
    return text.splitlines()[0] if text else None


_OPENCV_DISTRIBUTIONS = (
    "opencv-python",
    "opencv-python-headless",
    "opencv-contrib-python",
    "opencv-contrib-python-headless",
)


def _installed_version(module: str) -> str | None:
    """``module.__version__`` (torchvision or cv2), found without importing the module.

    Importing both costs over a second, which every runner would pay for one log line:
    torchvision's version is read from its ``version.py``, OpenCV's from its distribution
    (``5.1.0.95`` is ``cv2.__version__`` ``5.1.0``). A module already imported, or one these
    shortcuts cannot read, is asked directly.
    """
    loaded = sys.modules.get(module)
    if loaded is None:
        try:
            version = _version_without_import(module)
        except (OSError, ValueError, ImportError):
            version = None
        if version is not None:
            return version
    try:
        loaded = importlib.import_module(module) if loaded is None else loaded
    except Exception:  # noqa: BLE001 - a broken install is not worth failing the report
        return None
    return getattr(loaded, "__version__", None)


def _version_without_import(module: str) -> str | None:
    spec = importlib.util.find_spec(module)
    if spec is None:
        raise ImportError(module)
    if module == "torchvision" and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            path = osp.join(folder, "version.py")
            if osp.isfile(path):
                with open(path, encoding="utf-8") as f:
                    match = re.search(r"^__version__\s*=\s*['\"]([^'\"]+)['\"]", f.read(), re.M)
                if match:
                    return match.group(1)
    if module == "cv2":
        for name in _OPENCV_DISTRIBUTIONS:
            try:
                version = importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                continue
            return ".".join(version.split(".")[:3])
    return None


def collect_env() -> dict:
    """Collect the information of the running environments.

    Returns:
        dict: The environment information. The following fields are contained.

            - sys.platform: The variable of ``sys.platform``.
            - Python: Python version.
            - CUDA available: Bool, indicating if CUDA is available.
            - MUSA available: Bool, indicating if MUSA (Moore Threads) is
              available.
            - numpy_random_seed: The first value of numpy's random state.
            - GPU devices: Device type of each GPU.
            - CUDA_HOME (optional): The env var ``CUDA_HOME``.
            - NVCC (optional): NVCC version.
            - GCC: GCC version, "n/a" if GCC is not installed.
            - MSVC: Microsoft Virtual C++ Compiler version, Windows only.
            - PyTorch: PyTorch version.
            - PyTorch compiling details: The output of
              ``torch.__config__.show()``.
            - TorchVision (optional): TorchVision version.
            - OpenCV (optional): OpenCV version.
            - MMEngine: MMEngine version.
    """
    env_info: dict = OrderedDict()
    env_info["sys.platform"] = sys.platform
    env_info["Python"] = sys.version.replace("\n", "")

    cuda_available = torch.cuda.is_available()
    env_info["CUDA available"] = cuda_available
    musa = getattr(torch, "musa", None)
    env_info["MUSA available"] = bool(musa is not None and musa.is_available())
    env_info["numpy_random_seed"] = np.random.get_state()[1][0]

    if cuda_available:
        devices: dict[str, list[str]] = defaultdict(list)
        for k in range(torch.cuda.device_count()):
            devices[torch.cuda.get_device_name(k)].append(str(k))
        for name, device_ids in devices.items():
            env_info["GPU " + ",".join(device_ids)] = name
        cuda_home = _get_cuda_home()
        env_info["CUDA_HOME"] = cuda_home
        if cuda_home is not None and osp.isdir(cuda_home):
            env_info["NVCC"] = _nvcc_version(cuda_home)

    if sys.platform == "win32":  # pragma: no cover
        msvc = _msvc_version()
        if msvc is not None:
            env_info["MSVC"] = msvc
        env_info["GCC"] = "n/a"
    else:
        env_info["GCC"] = _gcc_version()

    env_info["PyTorch"] = torch.__version__
    env_info["PyTorch compiling details"] = get_build_config()

    for key, module in (("TorchVision", "torchvision"), ("OpenCV", "cv2")):
        version = _installed_version(module)
        if version is not None:
            env_info[key] = version

    env_info["MMEngine"] = get_mmengine_version()
    return env_info
