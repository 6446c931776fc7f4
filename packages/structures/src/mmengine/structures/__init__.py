"""Data structures passed between the components of a training run."""

import mmengine.utils._coexist  # noqa: F401 - refuses to run next to upstream mmengine

from .base_data_element import BaseDataElement
from .instance_data import InstanceData
from .label_data import LabelData
from .pixel_data import PixelData

__all__ = ["BaseDataElement", "InstanceData", "LabelData", "PixelData"]
