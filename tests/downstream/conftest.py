"""Downstream suite: real OpenMMLab zoos (mmpretrain, mmdet, mmseg, mmpose, mmaction2 on
mmcv-lite) run here.

The zoos are not project dependencies: ``tests/downstream/install.sh`` installs them without
their dependencies into a target folder, and the suite runs with that folder on PYTHONPATH
(``tests/downstream/run.sh``). Without them every test here skips with the reason, so the
project's normal ``uv run pytest`` stays green; with ``MMENGINE_DOWNSTREAM_REQUIRED=1`` a missing
zoo is a failure instead.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import downstream_helpers as dh  # noqa: E402

MISSING = dh.missing_zoos()
if not MISSING:
    dh.install_shim()


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip (or, when required, fail) every downstream test while a zoo is missing."""
    if not MISSING:
        return
    message = f"downstream zoos not importable: {', '.join(MISSING)}; {dh.INSTALL_HINT}"
    if dh.REQUIRED:
        pytest.fail(f"MMENGINE_DOWNSTREAM_REQUIRED=1 but {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def zoo_data(tmp_path_factory) -> dict[str, Path]:
    """Tiny generated data sets: classification folders, a COCO json, segmentation masks,
    COCO keypoints, video frame folders."""
    root = tmp_path_factory.mktemp("zoo_data")
    return {
        "cls": dh.make_classification_data(root / "cls"),
        "coco": dh.make_coco_data(root / "coco"),
        "seg": dh.make_segmentation_data(root / "seg"),
        "pose": dh.make_pose_data(root / "pose"),
        "action": dh.make_action_data(root / "action"),
    }
