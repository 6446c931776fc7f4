import pytest
import torch
import torch.nn as nn

from mmengine.model import BaseModel, BaseTTAModel
from mmengine.registry import MODELS
from mmengine.structures import BaseDataElement


@MODELS.register_module(force=True)
class _TTAToyModel(BaseModel):
    def __init__(self, data_preprocessor=None):
        super().__init__(data_preprocessor)
        self.scale = nn.Parameter(torch.tensor(2.0))

    def forward(self, inputs, data_samples=None, mode="tensor"):
        preds = []
        for x, sample in zip(inputs, data_samples):
            out = sample.new()
            out.score = x * self.scale
            preds.append(out)
        return preds


class AverageTTA(BaseTTAModel):
    def merge_preds(self, data_samples_list):
        merged = []
        for samples in data_samples_list:
            out = samples[0].new()
            out.score = sum(s.score for s in samples) / len(samples)
            out.num_augs = len(samples)
            merged.append(out)
        return merged


def _batch():
    samples = [[BaseDataElement(metainfo=dict(idx=i, aug=j)) for i in range(3)] for j in range(2)]
    inputs = [[torch.tensor(float(i + 10 * j)) for i in range(3)] for j in range(2)]
    return inputs, samples


def test_tta_dict_batch_is_split_per_aug_and_merged_per_sample():
    tta = AverageTTA(module=_TTAToyModel())
    inputs, samples = _batch()
    merged = tta.test_step(dict(inputs=inputs, data_samples=samples))
    assert len(merged) == 3
    for i, out in enumerate(merged):
        # mean over the two augmentations of sample i, scaled by 2
        assert out.score.item() == pytest.approx((i + (i + 10)) / 2 * 2)
        assert out.num_augs == 2 and out.idx == i


def test_tta_tuple_batch_and_build_from_dict():
    tta = AverageTTA(
        module=dict(type="_TTAToyModel"), data_preprocessor=dict(type="BaseDataPreprocessor")
    )
    assert isinstance(tta.module, _TTAToyModel)
    inputs, samples = _batch()
    merged = tta.test_step((inputs, samples))
    assert [round(m.score.item()) for m in merged] == [10, 12, 14]


def test_tta_errors():
    with pytest.raises(TypeError):
        AverageTTA(module=3)
    with pytest.raises(AssertionError, match="test_step"):
        AverageTTA(module=nn.Linear(1, 1))
    with pytest.raises(TypeError):
        AverageTTA(module=_TTAToyModel()).test_step("bad")
    with pytest.raises(TypeError):
        BaseTTAModel(module=_TTAToyModel())
