"""Convert image tensors back to numpy images."""

from __future__ import annotations

import numpy as np
import torch


def tensor2imgs(
    tensor: torch.Tensor,
    mean: tuple[float, ...] | None = None,
    std: tuple[float, ...] | None = None,
    to_bgr: bool = True,
) -> list[np.ndarray]:
    """Convert tensor to 3-channel images or 1-channel gray images.

    Args:
        tensor (torch.Tensor): Tensor that contains multiple images, shape (
            N, C, H, W). :math:`C` can be either 3 or 1. If C is 3, the format
            should be RGB.
        mean (tuple[float], optional): Mean of images. If None,
            (0, 0, 0) will be used for tensor with 3-channel,
            while (0, ) for tensor with 1-channel. Defaults to None.
        std (tuple[float], optional): Standard deviation of images. If None,
            (1, 1, 1) will be used for tensor with 3-channel,
            while (1, ) for tensor with 1-channel. Defaults to None.
        to_bgr (bool): For the tensor with 3 channel, convert its format to
            BGR. For the tensor with 1 channel, it must be False. Defaults to
            True.

    Returns:
        list[np.ndarray]: A list that contains multiple images, each of shape
        (H, W, C).
    """
    assert torch.is_tensor(tensor) and tensor.ndim == 4, (
        f"tensor must be a 4-D (N, C, H, W) torch.Tensor, got {type(tensor)}"
        + (f" with shape {tuple(tensor.shape)}" if torch.is_tensor(tensor) else "")
    )
    channels = tensor.size(1)
    assert channels in (1, 3), f"tensor must have 1 or 3 channels, got {channels}"
    if mean is None:
        mean = (0,) * channels
    if std is None:
        std = (1,) * channels
    assert (channels == len(mean) == len(std) == 3) or (
        channels == len(mean) == len(std) == 1 and not to_bgr
    ), (
        f"mean ({mean}) and std ({std}) must have one value per channel "
        f"({channels}); 1-channel tensors require to_bgr=False"
    )
    mean_t = tensor.new_tensor(mean).view(1, -1)
    std_t = tensor.new_tensor(std).view(1, -1)
    images = (tensor.permute(0, 2, 3, 1) * std_t + mean_t).detach().cpu().numpy()
    if to_bgr and channels == 3:
        images = images[:, :, :, (2, 1, 0)]
    return [np.ascontiguousarray(img) for img in images]
