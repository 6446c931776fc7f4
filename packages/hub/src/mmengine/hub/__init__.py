"""mmengine.hub: configs and models of installed OpenMMLab packages by ``package::path``."""

from .hub import get_config, get_model

__all__ = ["get_config", "get_model"]
