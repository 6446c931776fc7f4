"""Checkpoint IO (``mmengine.runner.checkpoint``).

The implementation lives in :mod:`mmengine.model.checkpoint`, the lowest package that needs it
(weight initialisation loads pretrained checkpoints). This import path is that very module
object, not a copy of its names: code written for upstream patches globals here (e.g.
``mmengine.runner.checkpoint._load_checkpoint = patched`` or
``mock.patch('mmengine.runner.checkpoint.print_log')``) and the module's own functions must see
the patch.
"""

import sys

from mmengine.model import checkpoint as _implementation

sys.modules[__name__] = _implementation
