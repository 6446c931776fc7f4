"""mmengine.infer: BaseInferencer, the preprocess/forward/visualize/postprocess workflow."""

import mmengine.utils._coexist  # noqa: F401 - refuses to run next to upstream mmengine

from .infer import BaseInferencer

__all__ = ["BaseInferencer"]
