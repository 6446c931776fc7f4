"""LocalVisBackend: JSON-lines scalars, PNG images and the config file on disk."""

import copy
import json
import os
import os.path as osp
import pickle

import numpy as np
import pytest
import torch

from mmengine.config import Config
from mmengine.registry import VISBACKENDS
from mmengine.visualization import BaseVisBackend, LocalVisBackend


def read_png(path):
    """Decode a PNG file the backend wrote (with Pillow, which the package depends on)."""
    from PIL import Image

    with Image.open(path) as img:
        assert img.format == "PNG"
        return np.asarray(img)


def read_lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


def test_registered_and_lazy(tmp_path):
    assert VISBACKENDS.get("LocalVisBackend") is LocalVisBackend
    save_dir = tmp_path / "vis"
    backend = LocalVisBackend(str(save_dir))
    # Building creates nothing: the directory appears on the first write.
    assert not save_dir.exists()
    assert backend.experiment is backend
    assert save_dir.is_dir()


def test_base_backend_is_abstract():
    with pytest.raises(TypeError):
        BaseVisBackend("dir")


def test_file_name_suffixes_are_checked(tmp_path):
    with pytest.raises(AssertionError):
        LocalVisBackend(str(tmp_path), config_save_file="config.txt")
    with pytest.raises(AssertionError):
        LocalVisBackend(str(tmp_path), scalar_save_file="scalars.txt")


def test_add_scalar_and_scalars_write_json_lines(tmp_path):
    backend = LocalVisBackend(str(tmp_path))
    backend.add_scalar("map", 0.5)
    backend.add_scalar("map", torch.tensor(0.75), step=1)
    backend.add_scalars({"loss": [1, 2, 3], "acc": 0.8}, step=2)
    backend.add_scalars({"lr": np.float64(0.01), "grid": np.arange(3), "t": torch.tensor([1.5])})
    records = read_lines(tmp_path / "scalars.json")
    assert records == [
        {"map": 0.5, "step": 0},
        {"map": 0.75, "step": 1},
        {"loss": [1, 2, 3], "acc": 0.8, "step": 2},
        {"lr": 0.01, "grid": [0, 1, 2], "t": 1.5, "step": 0},
    ]
    backend.close()


def test_add_scalars_keeps_existing_step_and_does_not_mutate(tmp_path):
    backend = LocalVisBackend(str(tmp_path))
    scalars = {"loss": 1.0, "step": 7}
    backend.add_scalars(scalars, step=3)
    assert scalars == {"loss": 1.0, "step": 7}
    assert read_lines(tmp_path / "scalars.json") == [{"loss": 1.0, "step": 7}]


def test_add_scalars_file_path_writes_both_files(tmp_path):
    backend = LocalVisBackend(str(tmp_path))
    backend.add_scalars({"loss": 0.3}, step=1, file_path="20240101.json")
    backend.add_scalars({"loss": 0.2}, step=2, file_path="20240101.json")
    expected = [{"loss": 0.3, "step": 1}, {"loss": 0.2, "step": 2}]
    assert read_lines(tmp_path / "20240101.json") == expected
    assert read_lines(tmp_path / "scalars.json") == expected
    with pytest.raises(AssertionError):
        backend.add_scalars({"loss": 0.1}, file_path="log.txt")
    with pytest.raises(AssertionError):
        backend.add_scalars({"loss": 0.1}, file_path="scalars.json")


def test_custom_scalar_file_and_reopen_after_close(tmp_path):
    backend = LocalVisBackend(str(tmp_path), scalar_save_file="metrics.json")
    backend.add_scalar("a", 1)
    backend.close()
    backend.add_scalar("a", 2, step=1)  # reopened in append mode
    os.remove(tmp_path / "metrics.json")
    backend.add_scalar("a", 3, step=2)  # recreated when removed
    assert read_lines(tmp_path / "metrics.json") == [{"a": 3, "step": 2}]
    backend.close()


def test_lines_are_flushed_per_call(tmp_path):
    backend = LocalVisBackend(str(tmp_path))
    for step in range(3):
        backend.add_scalars({"loss": 1.0 / (step + 1)}, step=step)
        # Readable immediately, without closing.
        assert len(read_lines(tmp_path / "scalars.json")) == step + 1


def test_unserializable_value_error_names_file(tmp_path):
    backend = LocalVisBackend(str(tmp_path))
    with pytest.raises(TypeError, match="scalars.json"):
        backend.add_scalars({"obj": object()})


def test_add_image_writes_rgb_png(tmp_path):
    backend = LocalVisBackend(str(tmp_path))
    image = np.random.randint(0, 256, size=(10, 12, 3)).astype(np.uint8)
    backend.add_image("img", image)
    backend.add_image("img", image[..., 0], step=3)
    assert sorted(os.listdir(tmp_path / "vis_image")) == ["img_0.png", "img_3.png"]
    np.testing.assert_array_equal(read_png(tmp_path / "vis_image" / "img_0.png"), image)
    np.testing.assert_array_equal(read_png(tmp_path / "vis_image" / "img_3.png"), image[..., 0])
    with pytest.raises(AssertionError):
        backend.add_image("bad", image.astype(np.float32))
    with pytest.raises(ValueError, match=r"shape \(10, 12, 5\)"):
        backend.add_image("bad", np.zeros((10, 12, 5), np.uint8))
    rgba = np.random.randint(0, 256, size=(4, 6, 4)).astype(np.uint8)
    backend.add_image("rgba", rgba)
    backend.add_image("one", image[..., :1])
    np.testing.assert_array_equal(read_png(tmp_path / "vis_image" / "rgba_0.png"), rgba)
    np.testing.assert_array_equal(read_png(tmp_path / "vis_image" / "one_0.png"), image[..., 0])


def test_png_readable_by_matplotlib(tmp_path):
    mpl_image = pytest.importorskip("matplotlib.image")
    backend = LocalVisBackend(str(tmp_path), img_save_dir="imgs")
    image = np.random.randint(0, 256, size=(7, 5, 3)).astype(np.uint8)
    backend.add_image("x", image, step=2)
    loaded = mpl_image.imread(osp.join(tmp_path, "imgs", "x_2.png"))
    np.testing.assert_array_equal((loaded * 255).round().astype(np.uint8), image)


def test_add_config_dumps_python_config(tmp_path):
    backend = LocalVisBackend(str(tmp_path), config_save_file="cfg.py")
    cfg = Config(dict(a=1, b=dict(b1=[0, 1])))
    backend.add_config(cfg)
    loaded = Config.fromfile(str(tmp_path / "cfg.py"))
    assert loaded.a == 1 and loaded.b.b1 == [0, 1]
    with pytest.raises(TypeError):
        backend.add_config(dict(a=1))


def test_pickle_and_deepcopy_with_open_files(tmp_path):
    backend = LocalVisBackend(str(tmp_path))
    backend.add_scalar("a", 1)
    clone = pickle.loads(pickle.dumps(backend))
    clone.add_scalar("a", 2, step=1)
    copied = copy.deepcopy(backend)
    copied.add_scalar("a", 3, step=2)
    backend.add_scalar("a", 4, step=3)
    assert [r["a"] for r in read_lines(tmp_path / "scalars.json")] == [1, 2, 3, 4]
    for b in (backend, clone, copied):
        b.close()


def test_missing_save_dir_is_a_clear_error():
    backend = LocalVisBackend(None)
    with pytest.raises(ValueError, match="save_dir"):
        backend.add_scalar("a", 1)
