"""Visualizer: backends from configs, storage forwarding, instances, image state."""

import json
import os
import os.path as osp
import subprocess
import sys
import uuid

import numpy as np
import pytest
import torch

from mmengine.config import Config
from mmengine.registry import VISBACKENDS, VISUALIZERS
from mmengine.visualization import (
    BaseVisBackend,
    LocalVisBackend,
    TensorboardVisBackend,
    Visualizer,
)


@VISBACKENDS.register_module(force=True)
class RecordingVisBackend(BaseVisBackend):
    """A backend that records every call, to check the Visualizer forwards them."""

    def __init__(self, save_dir="none", tag=None):
        super().__init__(save_dir)
        self.tag = tag
        self.calls = []
        self.closed = False

    @property
    def experiment(self):
        return self

    def add_config(self, config, **kwargs):
        self.calls.append(("config", config))

    def add_graph(self, model, data_batch, **kwargs):
        self.calls.append(("graph", model))

    def add_image(self, name, image, step=0, **kwargs):
        self.calls.append(("image", name, step))

    def add_scalar(self, name, value, step=0, **kwargs):
        self.calls.append(("scalar", name, value, step))

    def add_scalars(self, scalar_dict, step=0, file_path=None, **kwargs):
        self.calls.append(("scalars", scalar_dict, step, file_path))

    def close(self):
        self.closed = True


def unique(prefix="vis"):
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def test_registered_in_visualizers():
    assert VISUALIZERS.get("Visualizer") is Visualizer


def test_construction_is_cheap_and_lazy(tmp_path):
    pytest.importorskip("tensorboard")
    vis = Visualizer(
        vis_backends=[dict(type="LocalVisBackend"), dict(type="TensorboardVisBackend")],
        save_dir=str(tmp_path),
    )
    assert os.listdir(tmp_path) == []
    assert isinstance(vis.get_backend("LocalVisBackend"), LocalVisBackend)
    assert isinstance(vis.get_backend("TensorboardVisBackend"), TensorboardVisBackend)
    assert vis.get_backend("missing") is None
    # Backends write under save_dir/vis_data.
    vis.add_scalars({"loss": 0.5}, step=1)
    assert os.path.isfile(tmp_path / "vis_data" / "scalars.json")
    assert any(f.startswith("events.out") for f in os.listdir(tmp_path / "vis_data"))
    vis.close()


def test_import_does_not_load_matplotlib_or_tensorboard():
    code = (
        "import sys, mmengine.visualization as v\n"
        "v.Visualizer(vis_backends=[dict(type='LocalVisBackend')], save_dir='unused')\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'tensorboard')"
        " or m.startswith('torch.utils.tensorboard')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_works_without_tensorboard_installed(tmp_path):
    """TensorBoard is an extra: without it the package imports, LocalVisBackend works and
    TensorboardVisBackend says which extra to install when first used."""
    code = (
        "import sys, json, os\n"
        "sys.modules['tensorboard'] = None  # as if it were not installed\n"
        "from mmengine.visualization import Visualizer, TensorboardVisBackend\n"
        f"save_dir = {str(tmp_path)!r}\n"
        "vis = Visualizer(vis_backends=[dict(type='LocalVisBackend')], save_dir=save_dir)\n"
        "vis.add_scalars({'loss': 0.5}, step=1)\n"
        "with open(os.path.join(save_dir, 'vis_data', 'scalars.json')) as f:\n"
        "    assert json.loads(f.readline()) == {'loss': 0.5, 'step': 1}\n"
        "tb = TensorboardVisBackend(os.path.join(save_dir, 'tb'))\n"
        "try:\n"
        "    tb.add_scalar('loss', 0.5)\n"
        "except ImportError as err:\n"
        "    print(err)\n"
        "else:\n"
        "    raise SystemExit('no ImportError')\n"
        "assert not os.path.exists(os.path.join(save_dir, 'tb'))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "pip install mmengine-ng-visualization[tensorboard]" in proc.stdout
    assert "TensorboardVisBackend" in proc.stdout


def test_storage_calls_are_forwarded_to_every_backend(tmp_path):
    vis = Visualizer(
        vis_backends=[
            dict(type="RecordingVisBackend", name="a"),
            dict(type="RecordingVisBackend", name="b", save_dir="elsewhere"),
        ],
        save_dir=str(tmp_path),
    )
    a, b = vis.get_backend("a"), vis.get_backend("b")
    assert a._save_dir == osp.join(str(tmp_path), "vis_data")
    assert b._save_dir == "elsewhere"  # an explicit save_dir wins
    cfg = Config(dict(x=1))
    model = torch.nn.Linear(1, 1)
    image = np.zeros((2, 2, 3), np.uint8)
    vis.add_config(cfg)
    vis.add_graph(model, [])
    vis.add_image("img", image, step=2)
    vis.add_scalar("lr", 0.1, step=3)
    vis.add_scalars({"loss": 1.0}, step=4, file_path="x.json")
    expected = [
        ("config", cfg),
        ("graph", model),
        ("image", "img", 2),
        ("scalar", "lr", 0.1, 3),
        ("scalars", {"loss": 1.0}, 4, "x.json"),
    ]
    assert a.calls == expected and b.calls == expected
    vis.close()
    assert a.closed and b.closed


def test_backend_names_rules(tmp_path):
    with pytest.raises(RuntimeError):  # same type twice without names
        Visualizer(
            vis_backends=[dict(type="RecordingVisBackend"), dict(type="RecordingVisBackend")],
            save_dir=str(tmp_path),
        )
    with pytest.raises(RuntimeError):  # duplicate names
        Visualizer(
            vis_backends=[
                dict(type="RecordingVisBackend", name="x"),
                dict(type="RecordingVisBackend", name="x"),
            ],
            save_dir=str(tmp_path),
        )
    # Only some named: allowed, as in 0.10 (the unnamed one goes under its type name).
    mixed = Visualizer(
        vis_backends=[
            dict(type="RecordingVisBackend", name="x"),
            dict(type="LocalVisBackend"),
        ],
        save_dir=str(tmp_path),
    )
    assert list(mixed._vis_backends) == ["x", "LocalVisBackend"]
    # A single dict is accepted, and the caller's config is not modified.
    cfg = dict(type="RecordingVisBackend", name="solo", tag=3)
    vis = Visualizer(vis_backends=cfg, save_dir=str(tmp_path))
    assert vis.get_backend("solo").tag == 3
    assert cfg == dict(type="RecordingVisBackend", name="solo", tag=3)


def test_without_save_dir_backends_needing_one_are_skipped_with_warning():
    # 0.10's sentence first
    upstream = r"^Failed to add <class '.*LocalVisBackend'>, please provide the `save_dir` argument"
    with pytest.warns(UserWarning, match=upstream + r".*needs a save_dir"):
        vis = Visualizer(vis_backends=[dict(type="LocalVisBackend")])
    assert vis.get_backend("LocalVisBackend") is None
    vis.add_scalars({"loss": 1.0})  # nothing to write to, no error

    class NeedsDir:  # any object with the backend methods is accepted
        def __init__(self, save_dir):
            self._save_dir = save_dir

    with pytest.warns(UserWarning, match="NeedsDir"):
        vis = Visualizer(vis_backends=[NeedsDir(None)])
    assert vis._vis_backends == {}
    vis = Visualizer(vis_backends=[NeedsDir("somewhere")])
    assert isinstance(vis.get_backend("NeedsDir"), NeedsDir)

    # Backends whose save_dir has a default are built; an explicit one is kept.
    vis = Visualizer(
        vis_backends=[
            dict(type="RecordingVisBackend", name="a"),
            dict(type="RecordingVisBackend", name="b", save_dir="own"),
        ]
    )
    assert vis.get_backend("a")._save_dir is None
    assert vis.get_backend("b")._save_dir == "own"


def test_local_backend_end_to_end(tmp_path):
    vis = Visualizer(vis_backends=[dict(type="LocalVisBackend")], save_dir=str(tmp_path))
    vis.add_scalar("loss", 0.2, step=0)
    vis.add_scalar("loss", torch.tensor(0.5), step=1)
    vis.add_scalars({"loss": 0.3, "acc": 0.8}, step=3)
    vis.add_image("demo", np.zeros((4, 4, 3), np.uint8), step=3)
    vis.add_config(Config(dict(a=1)))
    vis_data = tmp_path / "vis_data"
    with open(vis_data / "scalars.json") as f:
        assert [json.loads(line) for line in f] == [
            {"loss": 0.2, "step": 0},
            {"loss": 0.5, "step": 1},
            {"loss": 0.3, "acc": 0.8, "step": 3},
        ]
    assert (vis_data / "vis_image" / "demo_3.png").is_file()
    assert (vis_data / "config.py").is_file()
    vis.close()


def test_get_instance_semantics():
    name = unique()
    vis1 = Visualizer.get_instance(name, vis_backends=None)
    assert Visualizer.get_instance(name) is vis1
    assert Visualizer.get_current_instance() is vis1
    assert vis1.instance_name == name

    class DetLocalVisualizer(Visualizer):
        def __init__(self, name, **kwargs):
            super().__init__(name, **kwargs)

    sub_name = unique("det")
    det = DetLocalVisualizer.get_instance(sub_name)
    # A subclass instance is also the current Visualizer instance.
    assert Visualizer.get_current_instance() is det
    assert DetLocalVisualizer.get_current_instance() is det
    assert Visualizer.get_instance(sub_name) is det
    # Fetching an older instance does not make it current.
    Visualizer.get_instance(name)
    assert Visualizer.get_current_instance() is det


def test_build_from_registry_uses_get_instance(tmp_path):
    name = unique()
    vis = VISUALIZERS.build(
        dict(
            type="Visualizer",
            name=name,
            vis_backends=[dict(type="LocalVisBackend")],
            save_dir=str(tmp_path),
        )
    )
    assert Visualizer.get_current_instance() is vis
    assert Visualizer.get_instance(name) is vis


def test_dataset_meta():
    vis = Visualizer()
    assert vis.dataset_meta is None
    vis.dataset_meta = dict(classes=("cat", "dog"))
    assert vis.dataset_meta == dict(classes=("cat", "dog"))


def test_set_and_get_image_without_drawing():
    image = np.random.randint(0, 256, (6, 9, 3)).astype(np.uint8)
    vis = Visualizer(image=image)
    assert (vis.width, vis.height) == (9, 6)
    out = vis.get_image()
    np.testing.assert_array_equal(out, image)
    out[:] = 0  # a copy, not the internal buffer
    np.testing.assert_array_equal(vis.get_image(), image)
    vis.set_image(image[..., 0])  # gray is expanded to RGB
    assert vis.get_image().shape == (6, 9, 3)
    with pytest.raises(AssertionError):
        Visualizer().get_image()


def test_add_datasample_is_a_noop_hook():
    vis = Visualizer()
    assert vis.add_datasample("x", np.zeros((2, 2, 3), np.uint8)) is None


@pytest.mark.parametrize(
    "draw",
    [
        lambda v: v.draw_bboxes(np.array([0, 0, 2, 2])),
        lambda v: v.draw_lines(np.array([0, 2]), np.array([0, 2])),
        lambda v: v.draw_circles(np.array([1, 1]), np.array([1])),
        lambda v: v.draw_polygons(np.array([[0, 0], [2, 0], [2, 2]])),
        lambda v: v.draw_texts("a", np.array([1, 1])),
        lambda v: v.draw_points(np.array([1, 1])),
        lambda v: v.draw_binary_masks(np.ones((4, 4), bool)),
        lambda v: Visualizer.draw_featmap(torch.rand(4, 2, 2), channel_reduction=None, topk=2),
    ],
)
def test_drawing_without_matplotlib_names_the_extra(monkeypatch, draw):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    vis = Visualizer(image=np.zeros((4, 4, 3), np.uint8))
    with pytest.raises(ImportError, match=r"mmengine-ng-visualization\[matplotlib\]"):
        draw(vis)
    # Storage and undrawn images keep working.
    np.testing.assert_array_equal(vis.get_image(), np.zeros((4, 4, 3), np.uint8))


def test_upstream_module_names_are_importable():
    """Names downstream code imports from upstream's modules (not in their __all__)."""
    from mmengine.visualization.vis_backend import (  # noqa: F401
        TORCH_VERSION,
        ConfigDict,
        MMLogger,
        digit_version,
        dump,
        force_init_env,
    )
    from mmengine.visualization.visualizer import VisBackendsType, is_seq_of  # noqa: F401

    assert is_seq_of([1, 2], int) and digit_version("1.2") > digit_version("1.1")
