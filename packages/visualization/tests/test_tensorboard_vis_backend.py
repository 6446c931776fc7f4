"""TensorboardVisBackend writes real events files."""

import glob
import os

import numpy as np
import pytest
import torch

from mmengine.config import Config
from mmengine.registry import VISBACKENDS
from mmengine.visualization import TensorboardVisBackend

pytest.importorskip("tensorboard")  # an extra: mmengine-ng-visualization[tensorboard]


def _events(save_dir):
    return glob.glob(os.path.join(save_dir, "events.out.tfevents.*"))


def test_lazy_and_registered(tmp_path):
    assert VISBACKENDS.get("TensorboardVisBackend") is TensorboardVisBackend
    save_dir = tmp_path / "tb"
    backend = TensorboardVisBackend(str(save_dir))
    assert not save_dir.exists()
    from torch.utils.tensorboard import SummaryWriter

    assert isinstance(backend.experiment, SummaryWriter)
    backend.close()


def test_scalars_images_config_are_written(tmp_path):
    backend = TensorboardVisBackend(str(tmp_path))
    backend.add_scalar("map", 0.6, step=1)
    backend.add_scalar("t", torch.tensor(0.5), step=1)
    backend.add_scalars({"loss": 0.1, "acc": np.float32(0.8)}, step=2)
    backend.add_image("img", np.random.randint(0, 256, (8, 8, 3)).astype(np.uint8), step=2)
    backend.add_config(Config(dict(a=1)))
    with pytest.warns(UserWarning, match="Skip it"):
        backend.add_scalar("bad", "not a number")
    with pytest.raises(AssertionError):
        backend.add_scalars({"loss": 0.1, "step": 3})
    backend.close()

    files = _events(str(tmp_path))
    assert len(files) == 1 and os.path.getsize(files[0]) > 0

    event_accumulator = pytest.importorskip(
        "tensorboard.backend.event_processing.event_accumulator"
    )
    acc = event_accumulator.EventAccumulator(str(tmp_path), size_guidance={"images": 0})
    acc.Reload()
    tags = acc.Tags()
    assert {"map", "t", "loss", "acc"} <= set(tags["scalars"])
    assert "bad" not in tags["scalars"]
    assert [(e.step, round(e.value, 4)) for e in acc.Scalars("loss")] == [(2, 0.1)]
    assert "img" in tags["images"]
