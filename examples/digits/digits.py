"""Components of the bundled example: sklearn's 8x8 handwritten digits, a small CNN, accuracy.

scikit-learn ships the digits data set (1,797 images) inside the package, so the example trains
offline. The config `digits_cnn.py` imports this module through ``custom_imports`` and builds
everything below by its registered name.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from mmengine.dataset import BaseDataset
from mmengine.evaluator import BaseMetric
from mmengine.model import BaseModel
from mmengine.registry import DATASETS, METRICS, MODELS


@DATASETS.register_module()
class DigitsDataset(BaseDataset):
    """The 8x8 digits, split once with a fixed permutation into train and val parts.

    Args:
        split (str): 'train' (80%) or 'val' (20%).
        **kwargs: passed to :class:`BaseDataset` (pipeline, serialize_data, ...).
    """

    METAINFO = dict(classes=tuple(str(i) for i in range(10)))

    def __init__(self, split: str = "train", **kwargs) -> None:
        if split not in ("train", "val"):
            raise ValueError(f"split must be 'train' or 'val', got {split!r}")
        self.split = split
        super().__init__(**kwargs)

    def load_data_list(self) -> list[dict]:
        from sklearn.datasets import load_digits

        digits = load_digits()
        order = np.random.default_rng(0).permutation(len(digits.target))
        cut = int(0.8 * len(order))
        chosen = order[:cut] if self.split == "train" else order[cut:]
        return [
            dict(img=digits.images[i].astype(np.float32) / 16.0, gt_label=int(digits.target[i]))
            for i in chosen
        ]

    def prepare_data(self, idx: int) -> dict:
        info = self.get_data_info(idx)
        return dict(
            inputs=torch.from_numpy(info["img"]).unsqueeze(0),
            data_samples=torch.tensor(info["gt_label"]),
        )


@MODELS.register_module()
class DigitsCNN(BaseModel):
    """Two conv layers and a linear classifier: about 12k parameters."""

    def __init__(self, num_classes: int = 10, data_preprocessor: dict | None = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor)
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1),
            nn.BatchNorm2d(16),
            nn.ReLU(inplace=True),
            nn.Conv2d(16, 32, 3, padding=1),
            nn.BatchNorm2d(32),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
        )
        self.head = nn.Linear(32 * 4 * 4, num_classes)

    def forward(
        self, inputs: torch.Tensor, data_samples: torch.Tensor | None = None, mode: str = "tensor"
    ):
        logits = self.head(self.features(inputs).flatten(1))
        if mode == "loss":
            return dict(loss=F.cross_entropy(logits, data_samples))
        if mode == "predict":
            return list(zip(logits.argmax(1), data_samples))
        return logits


@METRICS.register_module()
class DigitsAccuracy(BaseMetric):
    """Top-1 accuracy in percent."""

    default_prefix = ""

    def process(self, data_batch, data_samples) -> None:
        for pred, label in data_samples:
            self.results.append(int(pred == label))

    def compute_metrics(self, results: list) -> dict:
        return dict(accuracy=100.0 * sum(results) / max(len(results), 1))
