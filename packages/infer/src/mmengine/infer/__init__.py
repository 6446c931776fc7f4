"""mmengine.infer: BaseInferencer, the preprocess/forward/visualize/postprocess workflow."""

from .infer import BaseInferencer

__all__ = ["BaseInferencer"]
