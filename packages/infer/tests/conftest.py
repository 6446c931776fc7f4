"""A fake installed OpenMMLab-style package ``fakezoo`` for the inferencer tests.

Layout (what ``mim``/pip installs of mmdet & co. look like)::

    <root>/fakezoo/__init__.py
    <root>/fakezoo/registry.py      MODELS / DATASETS / FUNCTIONS children, scope 'fakezoo'
    <root>/fakezoo/models.py        ToyModel (a BaseModel: one Linear layer), ToyDataset
    <root>/fakezoo/utils.py         register_all_modules()
    <root>/fakezoo/.mim/model-index.yml
    <root>/fakezoo/.mim/configs/toy/metafile.yml
    <root>/fakezoo/.mim/configs/toy/toy_model.py
    <root>/toy_weights.pth          the checkpoint the metafile's ``Weights`` points to
"""

import sys
import textwrap

import pytest
import torch

PACKAGE = "fakezoo"

REGISTRY = """
from mmengine.registry import DATASETS as MM_DATASETS
from mmengine.registry import FUNCTIONS as MM_FUNCTIONS
from mmengine.registry import MODELS as MM_MODELS
from mmengine.registry import Registry

MODELS = Registry("model", parent=MM_MODELS, scope="fakezoo", locations=["fakezoo.models"])
DATASETS = Registry("dataset", parent=MM_DATASETS, scope="fakezoo", locations=["fakezoo.models"])
FUNCTIONS = Registry("function", parent=MM_FUNCTIONS, scope="fakezoo", locations=["fakezoo.models"])
"""

MODELS = """
import torch
from torch import nn

from mmengine.dataset import pseudo_collate
from mmengine.model import BaseModel

from .registry import DATASETS, FUNCTIONS, MODELS

BATCH_SIZES = []  # the batch sizes test_step saw, in order
COLLATE_CALLS = []


@MODELS.register_module()
class ToyModel(BaseModel):
    def __init__(self, in_ch=3, out_ch=2, data_preprocessor=None, init_cfg=None):
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.linear = nn.Linear(in_ch, out_ch)

    def forward(self, inputs, data_samples=None, mode="tensor"):
        x = torch.stack(list(inputs)) if isinstance(inputs, (list, tuple)) else inputs
        out = self.linear(x.float())
        if mode == "loss":
            return dict(loss=out.pow(2).mean())
        BATCH_SIZES.append(len(x))
        return list(out)


@DATASETS.register_module()
class ToyDataset(torch.utils.data.Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, idx):
        return dict(inputs=torch.full((3,), float(idx)))


@FUNCTIONS.register_module()
def counting_collate(data_batch, tag=None):
    COLLATE_CALLS.append((len(data_batch), tag))
    return pseudo_collate(data_batch)
"""

UTILS = """
CALLS = []


def register_all_modules(init_default_scope=True):
    CALLS.append(init_default_scope)
    import fakezoo.models  # noqa: F401
"""

CONFIG = """
default_scope = 'fakezoo'
model = dict(type='ToyModel', in_ch=3, out_ch=2, pretrained='never/loaded.pth')
"""


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


@pytest.fixture(scope="session")
def fakezoo(tmp_path_factory):
    """Build ``fakezoo`` once, put it on ``sys.path`` and import it.

    Returns a namespace with ``root``, ``package_dir``, ``config`` (path of the listed config),
    ``weights`` (path of the metafile's checkpoint), ``state_dict`` (its tensors) and
    ``module`` (the imported ``fakezoo.models``).
    """
    root = tmp_path_factory.mktemp("zoo")
    pkg = root / PACKAGE
    _write(pkg / "__init__.py", "")
    _write(pkg / "registry.py", REGISTRY)
    _write(pkg / "models.py", MODELS)
    _write(pkg / "utils.py", UTILS)
    config = pkg / ".mim" / "configs" / "toy" / "toy_model.py"
    _write(config, CONFIG)
    weights = root / "toy_weights.pth"
    state_dict = {
        "linear.weight": torch.arange(6, dtype=torch.float32).reshape(2, 3) / 10,
        "linear.bias": torch.tensor([0.5, -0.5]),
    }
    torch.save({"state_dict": state_dict, "meta": {}}, weights)
    _write(pkg / ".mim" / "model-index.yml", "Import:\n  - configs/toy/metafile.yml\n")
    _write(
        pkg / ".mim" / "configs" / "toy" / "metafile.yml",
        "Models:\n"
        "  - Name: toy-model_3x2\n"
        "    Alias:\n"
        "      - ToyAlias\n"
        "    In Collection: Toy\n"
        "    Config: configs/toy/toy_model.py\n"
        f"    Weights: {weights}\n"
        "  - Name: toy-big\n"
        "    Alias: BigToy\n"
        "    Config: configs/toy/toy_model.py\n",
    )
    sys.path.insert(0, str(root))
    import fakezoo.models as module

    class Zoo:
        pass

    zoo = Zoo()
    zoo.root, zoo.package_dir, zoo.config = root, pkg, str(config)
    zoo.weights, zoo.state_dict, zoo.module = str(weights), state_dict, module
    yield zoo
    sys.path.remove(str(root))


@pytest.fixture(autouse=True)
def _isolated_default_scope():
    """Each test starts without a default scope and leaves none behind."""
    from mmengine.registry import DefaultScope

    saved = DefaultScope._instance_dict.copy()
    DefaultScope._instance_dict.clear()
    yield
    DefaultScope._instance_dict.clear()
    DefaultScope._instance_dict.update(saved)
