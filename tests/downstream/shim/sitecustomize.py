"""Downstream test scaffolding: give mmcv-lite the few compiled ops the suite needs, and
mmaction2 1.2.0 the ``drn`` modules its wheel lacks.

Python imports ``sitecustomize`` at start-up from ``PYTHONPATH``, so putting
``tests/downstream/shim`` there (as ``tests/downstream/run.sh`` does) covers the pytest process
and every zoo tool it starts (``tools/train.py``, ``tools/test.py``).
"""

import mmaction_drn
import mmcv_ext_torchvision

mmcv_ext_torchvision.install()
mmaction_drn.install()
