"""mmengine.hub: configs and models of installed OpenMMLab packages by ``package::path``."""

import mmengine.utils._coexist  # noqa: F401 - refuses to run next to upstream mmengine

from .hub import get_config, get_model

__all__ = ["get_config", "get_model"]
