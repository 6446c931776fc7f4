"""BaseTTAModel: run a model on every augmented view of a batch and merge the predictions."""

from __future__ import annotations

import logging
from abc import abstractmethod
from typing import Any, Optional, Union

import torch
import torch.nn as nn

from mmengine.logging import print_log
from mmengine.registry import MODELS
from mmengine.structures import BaseDataElement

from .base_model import BaseModel

__all__ = ["BaseTTAModel"]

EnhancedBatchInputs = list[Union[torch.Tensor, list]]
EnhancedBatchDataSamples = list[list[BaseDataElement]]
DataBatch = Union[dict, tuple, list]
MergedDataSamples = list[BaseDataElement]


class TTADataError(IndexError, ValueError):
    """A batch that is not one list per augmentation (0.10: IndexError, or StopIteration for
    an empty dict, which a caller's loop could take for the end of its iteration)."""


def _augmented_batch_error(data: Any) -> TTADataError:
    if not data:
        problem = f"the batch is an empty {type(data).__name__}"
    else:
        items = data.items() if isinstance(data, dict) else enumerate(data)
        lengths = {key: len(value) if hasattr(value, "__len__") else None for key, value in items}
        problem = f"the number of augmented views differs between its items: {lengths}"
    return TTADataError(
        f"list index out of range: BaseTTAModel.test_step expects a batch with one entry per "
        f"augmentation under every key, e.g. dict(inputs=[aug1, aug2], data_samples=[aug1, "
        f"aug2]) (what TestTimeAug and pseudo_collate produce), but {problem}."
    )


@MODELS.register_module()
class BaseTTAModel(BaseModel):
    """Base model for inference with test-time augmentation.

    ``BaseTTAModel`` is a wrapper for inference given multi-batch data.
    It implements the :meth:`test_step` for multi-batch data inference.
    ``multi-batch`` data means data processed by different augmentation
    from the same batch.

    The data collated by ``pseudo_collate`` after ``TestTimeAug`` looks like::

        dict(inputs=[[image1_aug1, image2_aug1], [image1_aug2, image2_aug2]],
             data_samples=[[sample1_aug1, sample2_aug1],
                           [sample1_aug2, sample2_aug2]])

    :meth:`test_step` splits it into one batch per augmentation, runs
    ``module.test_step`` on each, regroups the predictions per sample
    (``[[sample1_aug1, sample1_aug2], [sample2_aug1, sample2_aug2]]``) and
    passes them to :meth:`merge_preds`, which subclasses implement.

    Warning:
        If ``data_preprocessor`` is not None, it will overwrite the model's
        ``data_preprocessor``.

    Args:
        module (dict or nn.Module): Tested model.
        data_preprocessor (dict or :obj:`BaseDataPreprocessor`, optional):
            If model does not define ``data_preprocessor``, it will be the
            default value for model.
    """

    def __init__(
        self,
        module: Union[dict, nn.Module],
        data_preprocessor: Optional[Union[dict, nn.Module]] = None,
    ) -> None:
        super().__init__()
        if isinstance(module, nn.Module):
            self.module = module
            if data_preprocessor is not None:
                print_log(
                    f"{type(self).__name__}: data_preprocessor={data_preprocessor!r:.120} is "
                    f"ignored because module is an already built {type(module).__name__} (it "
                    "only fills in the data_preprocessor of a module config); set the module's "
                    "own data_preprocessor instead.",
                    logger="current",
                    level=logging.WARNING,
                )
        elif isinstance(module, dict):
            if data_preprocessor is not None:
                module["data_preprocessor"] = data_preprocessor
            self.module = MODELS.build(module)
        else:
            raise TypeError(
                f"The type of module should be a `nn.Module` instance or a dict, but got {module}"
            )
        if not hasattr(self.module, "test_step"):
            raise AssertionError(
                f"Model wrapped by BaseTTAModel must implement `test_step`! "
                f"{type(self.module).__name__} does not."
            )

    @abstractmethod
    def merge_preds(self, data_samples_list: EnhancedBatchDataSamples) -> MergedDataSamples:
        """Merge predictions of enhanced data to one prediction.

        Args:
            data_samples_list (EnhancedBatchDataSamples): List of predictions
                of all enhanced data, one list per sample of the batch.

        Returns:
            List[BaseDataElement]: Merged prediction.
        """

    def test_step(self, data: DataBatch) -> MergedDataSamples:
        """Get predictions of each enhanced data, a multiple predictions.

        Args:
            data (DataBatch): Enhanced data batch sampled from dataloader.

        Returns:
            MergedDataSamples: Merged prediction.
        """
        data_list: list[Any]
        try:
            if isinstance(data, dict):
                num_augs = len(data[next(iter(data))])
                data_list = [
                    {key: value[idx] for key, value in data.items()} for idx in range(num_augs)
                ]
            elif isinstance(data, (tuple, list)):
                num_augs = len(data[0])
                data_list = [[_data[idx] for _data in data] for idx in range(num_augs)]
            else:
                raise TypeError(
                    "data given by dataLoader should be a dict, tuple or a list, but got "
                    f"{type(data)}"
                )
        except (StopIteration, IndexError) as exc:
            raise _augmented_batch_error(data) from exc
        predictions = [self.module.test_step(aug_data) for aug_data in data_list]
        per_sample = [list(preds) for preds in zip(*predictions)]
        return self.merge_preds(per_sample)

    def forward(
        self,
        inputs: torch.Tensor,
        data_samples: Optional[list] = None,
        mode: str = "tensor",
    ) -> Union[dict[str, torch.Tensor], list]:
        """``BaseTTAModel.forward`` should not be called; use :meth:`test_step`.

        Raises:
            NotImplementedError: Always (subclasses may implement it).
        """
        raise NotImplementedError(
            "`BaseTTAModel.forward` will not be called during training or"
            "testing. Please call `test_step` instead. If you want to use"
            "`BaseTTAModel.forward`, please implement this method"
        )
