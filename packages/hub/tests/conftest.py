"""A fake installed OpenMMLab-style package ``hubzoo`` for the mmengine.hub tests.

Layout::

    <root>/hubzoo/__init__.py
    <root>/hubzoo/registry.py           a MODELS child registry, scope 'hubzoo'
    <root>/hubzoo/models.py             HubNet (a BaseModel), registered only in that child
    <root>/hubzoo/utils.py              register_all_modules() (counts its calls)
    <root>/hubzoo/.mim/model-index.yml  imports configs/net/metafile.yml
    <root>/hubzoo/.mim/configs/net/     net_a.py (listed, with Weights), net_b.py (listed,
                                        no Weights), unlisted.py (not in any metafile)
    <root>/net_a.pth                    the checkpoint net_a's ``Weights`` points to
"""

import sys
import textwrap

import pytest
import torch

REGISTRY = """
from mmengine.registry import MODELS as MM_MODELS
from mmengine.registry import Registry

MODELS = Registry("model", parent=MM_MODELS, scope="hubzoo", locations=["hubzoo.models"])
"""

MODELS = """
from torch import nn

from mmengine.model import BaseModel

from .registry import MODELS


@MODELS.register_module()
class HubNet(BaseModel):
    def __init__(self, in_ch=3, out_ch=2, data_preprocessor=None, init_cfg=None, **extra):
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.linear = nn.Linear(in_ch, out_ch)
        self.extra = extra

    def forward(self, inputs, data_samples=None, mode="tensor"):
        return self.linear(inputs)
"""

UTILS = """
CALLS = []


def register_all_modules(init_default_scope=True):
    from mmengine.registry import DefaultScope

    current = DefaultScope.get_current_instance()
    CALLS.append(current.scope_name if current is not None else None)
    import hubzoo.models  # noqa: F401
"""

NET_A = """
model = dict(
    type='HubNet', in_ch=3, out_ch=2,
    init_cfg=dict(type='Constant', layer='Linear', val=7.0))
data_preprocessor = dict(type='BaseDataPreprocessor', non_blocking=True)
"""

NET_B = """
model = dict(type='HubNet', in_ch=4, out_ch=1)
"""

UNLISTED = """
model = dict(type='HubNet', in_ch=5, out_ch=3)
"""


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


@pytest.fixture(scope="session")
def hubzoo(tmp_path_factory):
    """Build ``hubzoo`` once and put it on ``sys.path``.

    Returns a namespace with ``package_dir``, ``configs`` (folder of the configs),
    ``weights`` (path of net_a's checkpoint) and ``state_dict`` (its tensors).
    """
    root = tmp_path_factory.mktemp("hubzoo")
    pkg = root / "hubzoo"
    _write(pkg / "__init__.py", "")
    _write(pkg / "registry.py", REGISTRY)
    _write(pkg / "models.py", MODELS)
    _write(pkg / "utils.py", UTILS)
    configs = pkg / ".mim" / "configs"
    _write(configs / "net" / "net_a.py", NET_A)
    _write(configs / "net" / "net_b.py", NET_B)
    _write(configs / "net" / "unlisted.py", UNLISTED)
    weights = root / "net_a.pth"
    state_dict = {
        "linear.weight": torch.arange(6, dtype=torch.float32).reshape(2, 3),
        "linear.bias": torch.tensor([1.0, -1.0]),
    }
    torch.save({"state_dict": state_dict, "meta": {"note": "test"}}, weights)
    _write(pkg / ".mim" / "model-index.yml", "Import:\n  - configs/net/metafile.yml\n")
    _write(
        configs / "net" / "metafile.yml",
        "Models:\n"
        "  - Name: net-a\n"
        "    Config: configs/net/net_a.py\n"
        f"    Weights: {weights}\n"
        "  - Name: net-b\n"
        "    Config: configs/net/net_b.py\n",
    )
    sys.path.insert(0, str(root))

    class Zoo:
        pass

    zoo = Zoo()
    zoo.package_dir, zoo.configs = pkg, configs
    zoo.weights, zoo.state_dict = str(weights), state_dict
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
