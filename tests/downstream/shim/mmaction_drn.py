"""A stand-in for ``mmaction.models.localizers.drn``, which mmaction2 1.2.0's wheel does not ship.

Test scaffolding for the downstream suite only. The PyPI wheel of mmaction2 1.2.0 omits the
folder ``mmaction/models/localizers/drn/`` that ``mmaction/models/localizers/__init__.py``
imports (``from .drn.drn import DRN``), so ``import mmaction.models`` (and with it
``mmaction.utils.register_all_modules()``) fails with ``ModuleNotFoundError: No module named
'mmaction.models.localizers.drn'``, on upstream mmengine 0.10.7 as on this project: a
packaging bug of the zoo.

:func:`install` appends a finder to ``sys.meta_path`` that answers for exactly the two missing
modules, and only when the normal path finders do not (a wheel or a source checkout that has
the real folder keeps it). ``...drn`` is an empty package; ``...drn.drn`` registers a ``DRN``
model in mmaction's ``MODELS`` registry that raises ``NotImplementedError`` when it is built,
so everything else of mmaction imports and the three ``localization/drn/*`` configs still load
(as configs; their model cannot be built). Installed by ``sitecustomize`` next to this file
when ``tests/downstream/shim`` is on ``PYTHONPATH``.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys

__all__ = ["install", "MESSAGE", "PACKAGE", "MODULE"]

PACKAGE = "mmaction.models.localizers.drn"
MODULE = PACKAGE + ".drn"

MESSAGE = (
    "DRN is not available: the mmaction2 1.2.0 wheel on PyPI does not ship "
    "mmaction/models/localizers/drn/, and tests/downstream/shim/mmaction_drn.py only stands "
    "in for it so that the rest of mmaction imports. To use DRN, install mmaction2 from its "
    "source repository (which has that folder), with `pip install --no-deps`."
)

_MODULE_SOURCE = '''
from mmengine.model import BaseModel

from mmaction.registry import MODELS


@MODELS.register_module()
class DRN(BaseModel):
    """Stand-in for the DRN localizer missing from the mmaction2 1.2.0 wheel: not usable."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError(MESSAGE)

    def forward(self, *args, **kwargs):
        raise NotImplementedError(MESSAGE)
'''


class _DRNLoader(importlib.abc.Loader):
    def create_module(self, spec):
        return None  # the default module object

    def exec_module(self, module) -> None:
        if module.__name__ == PACKAGE:
            module.__doc__ = __doc__
            return
        module.__dict__["MESSAGE"] = MESSAGE
        exec(compile(_MODULE_SOURCE, __file__ + ":" + MODULE, "exec"), module.__dict__)


class _DRNFinder(importlib.abc.MetaPathFinder):
    """Finds the two DRN modules only; appended last, so a real folder wins."""

    def find_spec(self, fullname, path, target=None):
        if fullname == PACKAGE:
            spec = importlib.machinery.ModuleSpec(fullname, _DRNLoader(), is_package=True)
            spec.submodule_search_locations = []  # nothing else inside: `__path__ = []`
            return spec
        if fullname == MODULE:
            return importlib.machinery.ModuleSpec(fullname, _DRNLoader())
        return None


def install() -> None:
    """Append the finder to ``sys.meta_path`` (once)."""
    if not any(isinstance(f, _DRNFinder) for f in sys.meta_path):
        sys.meta_path.append(_DRNFinder())
