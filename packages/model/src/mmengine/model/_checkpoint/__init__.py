"""Internals of :mod:`mmengine.model.checkpoint`, one module per concept.

- :mod:`.safe_load`: the ``weights_only`` policy, its allow-list, the guarded
  ``getattr`` and the restricted unpickler;
- :mod:`.sources`: where checkpoints come from: :class:`CheckpointLoader`, its
  URL schemes (``load_from_*``) and the model-zoo indexes;
- :mod:`.state_dict`: matching a state dict against a module (and the report of
  missing/unexpected keys), collecting a module's state dict, moving it to CPU;
- :mod:`.saving`: writing checkpoints (atomic local files, storage backends, pavi);
- :mod:`.safetensors_format`: the optional safetensors container.

Every public name is bound by :mod:`mmengine.model.checkpoint`, which
``mmengine.runner.checkpoint`` is the same module as. Code in this package calls
the names that users patch there (``print_log``, ``load_from_http``,
``get_torchvision_models``, ...) through :func:`facade`, so that patching them
on that module changes what every function calls, as it did in mmengine 0.10,
where all of them lived in that one module.
"""

from __future__ import annotations

import importlib
import types


def facade() -> types.ModuleType:
    """Return :mod:`mmengine.model.checkpoint`, whose globals users may patch."""
    return importlib.import_module("mmengine.model.checkpoint")
