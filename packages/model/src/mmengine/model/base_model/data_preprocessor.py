"""Data preprocessors: move a collated batch to the model's device and normalise images."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any, Optional, Union

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmengine.registry import MODELS
from mmengine.structures import BaseDataElement
from mmengine.utils import is_seq_of  # noqa: F401  (upstream keeps this name here)

from ..utils import stack_batch

__all__ = ["BaseDataPreprocessor", "ImgDataPreprocessor"]

CastData = Union[tuple, dict, BaseDataElement, torch.Tensor, list, bytes, str, None]


def _translate_npu(args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    """Map ``'npu'`` device strings to torch_npu's native device name."""
    native = getattr(getattr(torch, "npu", None), "native_device", None)
    if native is None:
        return args, kwargs
    if args and isinstance(args[0], str) and "npu" in args[0]:
        args = (args[0].replace("npu", native), *args[1:])
    device = kwargs.get("device")
    if isinstance(device, str) and "npu" in device:
        kwargs = dict(kwargs, device=device.replace("npu", native))
    return args, kwargs


def _parse_target_device(*args: Any, **kwargs: Any) -> Optional[torch.device]:
    """Return the device an ``nn.Module.to(*args, **kwargs)`` call moves to (or None)."""
    device = torch._C._nn._parse_to(*args, **kwargs)[0]
    return None if device is None else torch.device(device)


def _accelerator_device(kind: str, device: Any = None) -> torch.device:
    if device is None:
        backend = getattr(torch, kind, None)
        index = backend.current_device() if backend is not None else 0
        return torch.device(kind, index)
    if isinstance(device, int):
        return torch.device(kind, device)
    return torch.device(device)


class _MissingInputsError(KeyError):
    """The batch has no ``inputs`` (0.10: ``KeyError('inputs')``), printed as plain text."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class PadSizeDivisorError(ValueError, ZeroDivisionError):
    """A ``pad_size_divisor`` below 1 (0.10 divided by zero for 0 and cropped the images of
    a batched tensor for a negative one)."""


def _check_channel_values(name: str, value: Any) -> None:
    """``mean``/``std`` must be a sequence of 1 or 3 numbers (0.10's AssertionError on length)."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
        raise TypeError(
            f"`{name}` of ImgDataPreprocessor must be a sequence of 1 or 3 numbers, but got "
            f"{type(value).__name__} {value!r}; write e.g. {name}=[{value!r}] for one value "
            "for all channels."
            if not isinstance(value, (str, bytes))
            else f"`{name}` of ImgDataPreprocessor must be a sequence of 1 or 3 numbers, but "
            f"got the string {value!r}; write e.g. {name}=[123.675, 116.28, 103.53]."
        )
    if len(value) not in (1, 3):
        raise AssertionError(
            f"`{name}` should have 1 or 3 values, to be compatible with RGB or "
            f"gray image, but got {len(value)} values"
        )
    for item in value:
        if isinstance(item, bool) or not isinstance(item, (numbers.Real, torch.Tensor)):
            raise TypeError(
                f"`{name}` of ImgDataPreprocessor must hold numbers, but got "
                f"{type(item).__name__} {item!r} in {value!r}"
            )


def _check_pad_size_divisor(pad_size_divisor: Any) -> None:
    if isinstance(pad_size_divisor, bool) or not isinstance(pad_size_divisor, numbers.Real):
        raise TypeError(
            "pad_size_divisor of ImgDataPreprocessor must be a positive integer, but got "
            f"{type(pad_size_divisor).__name__} {pad_size_divisor!r}"
        )
    if pad_size_divisor < 1 or float(pad_size_divisor) != int(pad_size_divisor):
        raise PadSizeDivisorError(
            "pad_size_divisor of ImgDataPreprocessor must be a positive integer (the padded "
            f"height and width are multiples of it; 1 pads only to the largest image), but got "
            f"{pad_size_divisor!r}."
        )


def _channel_error(exc: IndexError, shape: tuple, expected: str) -> IndexError:
    # torch's sentence first (the IndexError 0.10 let through), then what to change
    return IndexError(
        f"{exc}: bgr_to_rgb/rgb_to_bgr "
        f"swaps the first and third channels of {expected} images, but got an image of shape "
        f"{shape} (channels first). Set bgr_to_rgb=False and rgb_to_bgr=False for images "
        "without 3 channels."
    )


def _normalize_error(exc: BaseException, shape: tuple, mean: torch.Tensor) -> RuntimeError:
    return RuntimeError(
        f"{exc}: ImgDataPreprocessor normalizes (N, C, H, W) inputs with {mean.shape[0]} mean/std "
        f"values (one per channel), but got inputs of shape {shape}. If the channels are last "
        "(N, H, W, C), the pipeline must pack them channels first (e.g. PackInputs)."
    )


def _describe_inputs(inputs: Any) -> str:
    if isinstance(inputs, (list, tuple)):
        for index, item in enumerate(inputs):
            if not isinstance(item, torch.Tensor):
                return (
                    f"a {type(inputs).__name__} whose item {index} is a "
                    f"{type(item).__module__}.{type(item).__name__}, not a torch.Tensor"
                )
    return f"a {type(inputs).__name__}"


@MODELS.register_module()
class BaseDataPreprocessor(nn.Module):
    """Base data pre-processor used for copying data to the target device.

    Subclasses inherit from ``BaseDataPreprocessor`` could override the
    forward method to implement custom data pre-processing, such as
    batch-resize, MixUp, or CutMix.

    Args:
        non_blocking (bool): Whether block current process
            when transferring data to device. Defaults to False.

    Note:
        Data dictionary returned by dataloader must be a dict and at least
        contain the ``inputs`` key.
    """

    def __init__(self, non_blocking: Optional[bool] = False) -> None:
        super().__init__()
        self._non_blocking = non_blocking
        self._device = torch.device("cpu")

    def cast_data(self, data: CastData) -> CastData:
        """Copying data to the target device.

        Tensors and :obj:`BaseDataElement` are moved with ``.to(device)``;
        mappings, lists, tuples and namedtuples are rebuilt with their items
        cast; anything else (str, bytes, numbers, None, arrays) is returned
        unchanged.

        Args:
            data (dict): Data returned by ``DataLoader``.

        Returns:
            CollatedResult: Inputs and data sample at target device.
        """
        cls = type(data)
        # The common cases first (a dict of tensors per iteration): no ABC isinstance checks.
        if cls is torch.Tensor:
            device = self.device
            if data.device == device:  # ``.to`` would return the tensor itself
                return data
            return data.to(device, non_blocking=self._non_blocking)
        if cls is dict:
            device = self.device
            cast = {}
            for key, value in data.items():
                if type(value) is torch.Tensor and value.device == device:
                    cast[key] = value  # no call for a tensor already in place
                else:
                    cast[key] = self.cast_data(value)
            return cast
        if isinstance(data, Mapping):
            return {key: self.cast_data(data[key]) for key in data}
        if isinstance(data, (str, bytes)) or data is None:
            return data
        if isinstance(data, tuple) and hasattr(data, "_fields"):
            return type(data)(*(self.cast_data(sample) for sample in data))
        if isinstance(data, Sequence):
            return type(data)(self.cast_data(sample) for sample in data)  # type: ignore[call-arg]
        if isinstance(data, (torch.Tensor, BaseDataElement)):
            return data.to(self.device, non_blocking=self._non_blocking)
        return data

    def forward(self, data: dict, training: bool = False) -> Union[dict, list]:
        """Preprocesses the data into the model input format.

        Args:
            data (dict): Data returned by dataloader.
            training (bool): Whether to enable training time augmentation.

        Returns:
            dict or list: Data in the same format as the model input.
        """
        return self.cast_data(data)  # type: ignore

    @property
    def device(self) -> torch.device:
        """torch.device: The device data is moved to."""
        return self._device

    def to(self, *args: Any, **kwargs: Any) -> nn.Module:
        """Overrides this method to set the device.

        Returns:
            nn.Module: The model itself.
        """
        args, kwargs = _translate_npu(args, kwargs)
        device = _parse_target_device(*args, **kwargs)
        if device is not None:
            self._device = device
        return super().to(*args, **kwargs)

    def cuda(self, device: Any = None) -> nn.Module:
        """Overrides this method to set the device.

        Returns:
            nn.Module: The model itself.
        """
        self._device = _accelerator_device("cuda", device)
        return super().cuda(device)

    def musa(self, device: Any = None) -> nn.Module:
        """Overrides this method to set the device.

        Returns:
            nn.Module: The model itself.
        """
        self._device = _accelerator_device("musa", device)
        return super().musa(device)  # type: ignore[attr-defined]

    def npu(self, device: Any = None) -> nn.Module:
        """Overrides this method to set the device.

        Returns:
            nn.Module: The model itself.
        """
        self._device = _accelerator_device("npu", device)
        return super().npu(device)  # type: ignore[attr-defined]

    def mlu(self, device: Any = None) -> nn.Module:
        """Overrides this method to set the device.

        Returns:
            nn.Module: The model itself.
        """
        self._device = _accelerator_device("mlu", device)
        return super().mlu(device)  # type: ignore[attr-defined]

    def cpu(self, *args: Any, **kwargs: Any) -> nn.Module:
        """Overrides this method to set the device.

        Returns:
            nn.Module: The model itself.
        """
        self._device = torch.device("cpu")
        return super().cpu()


@MODELS.register_module()
class ImgDataPreprocessor(BaseDataPreprocessor):
    """Image pre-processor for normalization and bgr to rgb conversion.

    Accepts the data sampled by the dataloader, and preprocesses it into the
    format of the model input. ``ImgDataPreprocessor`` provides the basic data
    pre-processing as follows

    - Collates and moves data to the target device.
    - Converts inputs from bgr to rgb if the shape of input is (3, H, W).
    - Normalizes image with defined std and mean.
    - Pads inputs to the maximum size of current batch with defined
      ``pad_value``. The padding size can be divisible by a defined
      ``pad_size_divisor``
    - Stack inputs to batch_inputs.

    For ``ImgDataPreprocessor``, the dimension of the single inputs must be
    (3, H, W) (or (1, H, W) with a single-value mean/std).

    Args:
        mean (Sequence[float or int], optional): The pixel mean of image
            channels. If ``bgr_to_rgb=True`` it means the mean value of R,
            G, B channels. If the length of ``mean`` is 1, it means all
            channels have the same mean value, or the input is a gray image.
            If it is not specified, images will not be normalized. Defaults
            None.
        std (Sequence[float or int], optional): The pixel standard deviation
            of image channels, as ``mean``. Defaults None.
        pad_size_divisor (int): The size of padded image should be
            divisible by ``pad_size_divisor``. Defaults to 1.
        pad_value (float or int): The padded pixel value. Defaults to 0.
        bgr_to_rgb (bool): whether to convert image from BGR to RGB.
            Defaults to False.
        rgb_to_bgr (bool): whether to convert image from RGB to BGR.
            Defaults to False.
        non_blocking (bool): Whether block current process
            when transferring data to device.

    Note:
        if images do not need to be normalized, ``std`` and ``mean`` should be
        both set to None, otherwise both of them should be set to a tuple of
        corresponding values.
    """

    def __init__(
        self,
        mean: Optional[Sequence[Union[float, int]]] = None,
        std: Optional[Sequence[Union[float, int]]] = None,
        pad_size_divisor: int = 1,
        pad_value: Union[float, int] = 0,
        bgr_to_rgb: bool = False,
        rgb_to_bgr: bool = False,
        non_blocking: Optional[bool] = False,
    ) -> None:
        super().__init__(non_blocking)
        if bgr_to_rgb and rgb_to_bgr:
            raise AssertionError("`bgr2rgb` and `rgb2bgr` cannot be set to True at the same time")
        if (mean is None) != (std is None):
            raise AssertionError("mean and std should be both None or tuple")
        if mean is not None:
            for name, value in (("mean", mean), ("std", std)):
                _check_channel_values(name, value)
            if any(float(v) == 0 for v in std):  # type: ignore[union-attr]
                raise ValueError(
                    f"std of ImgDataPreprocessor must not contain 0, but got {list(std)!r}: "  # type: ignore[arg-type]
                    "the normalized images would be inf/NaN. Give the standard deviation of "
                    "each channel, e.g. std=[58.395, 57.12, 57.375]."
                )
            self._enable_normalize = True
            self.register_buffer("mean", torch.tensor(mean).view(-1, 1, 1), False)
            self.register_buffer("std", torch.tensor(std).view(-1, 1, 1), False)
        else:
            self._enable_normalize = False
        self._channel_conversion = rgb_to_bgr or bgr_to_rgb
        _check_pad_size_divisor(pad_size_divisor)
        self.pad_size_divisor = pad_size_divisor
        self.pad_value = pad_value

    def forward(self, data: dict, training: bool = False) -> Union[dict, list]:
        """Performs normalization, padding and bgr2rgb conversion based on ``BaseDataPreprocessor``.

        Args:
            data (dict): Data sampled from dataset. ``data['inputs']`` is either
                a list of (C, H, W) tensors (``pseudo_collate``) or a batched
                (N, C, H, W) tensor (``default_collate``).
            training (bool): Whether to enable training time augmentation. If
                subclasses override this method, they can perform different
                preprocessing strategies for training and testing based on the
                value of ``training``.

        Returns:
            dict or list: Data in the same format as the model input, with
            ``inputs`` a float (N, C, H', W') tensor and ``data_samples`` set
            (None when absent).
        """
        data = self.cast_data(data)  # type: ignore
        if not isinstance(data, Mapping):
            raise TypeError(
                'ImgDataPreprocessor expects a dict with an "inputs" key from the '
                f"dataloader, but got {type(data)}"
            )
        if "inputs" not in data:
            raise _MissingInputsError(
                f"'inputs': ImgDataPreprocessor expects a dict with an \"inputs\" key from the "
                f"dataloader, but its keys are {list(data)}. Pack the images under 'inputs' "
                "(e.g. with PackInputs / the dataset's PackXXInputs transform)."
            )
        batch = data["inputs"]
        if isinstance(batch, (list, tuple)) and all(isinstance(t, torch.Tensor) for t in batch):
            if self._fits_fast_path(batch):
                batch_inputs = self._into_batch(batch)
            else:  # irregular batches (and their errors) take the image-by-image path
                images = [self._process_one(img) for img in batch]
                batch_inputs = stack_batch(images, self.pad_size_divisor, self.pad_value)
        elif isinstance(batch, torch.Tensor):
            if batch.dim() != 4:
                raise AssertionError(
                    "The input of `ImgDataPreprocessor` should be a NCHW tensor or a list of "
                    f"tensor, but got a tensor with shape: {batch.shape}"
                )
            if self._fits_fast_path(batch):
                batch_inputs = self._into_batch(batch)
            else:  # irregular batches (and their errors) take the tensor-wide path
                batch_inputs = self._process_batch(batch)
        else:
            raise TypeError(
                "Output of `cast_data` should be a dict of list/tuple with inputs and "
                f"data_samples, but got {type(data)} whose 'inputs' is {_describe_inputs(batch)}; "
                "'inputs' must be a list of (C, H, W) tensors or an (N, C, H, W) tensor."
            )
        data["inputs"] = batch_inputs
        data.setdefault("data_samples", None)
        return data

    def _fits_fast_path(self, images: Any) -> bool:
        """Whether ``_into_batch`` gives exactly what the image-by-image path gives: images
        of one channel count on one device, which the mean/std and the channel flip fit."""
        if isinstance(images, torch.Tensor):
            channels = images.shape[1]  # an (N, C, H, W) batch
        else:
            if not images or images[0].dim() != 3:
                return False
            channels, device = images[0].shape[0], images[0].device
            if any(i.dim() != 3 or i.shape[0] != channels or i.device != device for i in images):
                return False
        if self._channel_conversion and channels not in (1, 3):
            return False  # [2, 1, 0] selects or fails, a flip would not
        if not self._enable_normalize:
            return True
        # a float64 mean (a .double() model) promotes the batch to float64 on the other path
        return self.mean.shape[0] in (1, channels) and self.mean.dtype != torch.float64

    def _into_batch(self, images: Any) -> torch.Tensor:
        """Flip, normalize and pad (C, H, W) images (a list, or an (N, C, H, W) tensor)
        straight into one float batch.

        The same numbers as flipping, ``float()``, ``(x - mean) / std``, padding and stacking
        image by image, without the four intermediate copies of every image.
        """
        divisor = self.pad_size_divisor
        if isinstance(images, torch.Tensor):
            parts = [images]  # one (N, C, H, W) part
        else:
            parts = [image[None] for image in images]  # N parts of (1, C, H, W)
        height = max(part.shape[2] for part in parts)
        width = max(part.shape[3] for part in parts)
        height, width = math.ceil(height / divisor) * divisor, math.ceil(width / divisor) * divisor
        first = parts[0]
        out = torch.empty(
            (len(images), first.shape[1], height, width), dtype=torch.float32, device=first.device
        )
        flip = self._channel_conversion and first.shape[1] == 3
        start = 0
        for part in parts:
            n, h, w = part.shape[0], part.shape[2], part.shape[3]
            block = out[start : start + n]
            start += n
            if h < height:
                block[:, :, h:].fill_(self.pad_value)
            if w < width:
                block[:, :, :h, w:].fill_(self.pad_value)
            view = block[:, :, :h, :w]
            view.copy_(part.flip(1) if flip else part)
            if self._enable_normalize:
                view.sub_(self.mean).div_(self.std)
        return out

    def _process_batch(self, batch: torch.Tensor) -> torch.Tensor:
        """Flip, convert, normalize and pad an (N, C, H, W) batch as whole-tensor operations."""
        if self._channel_conversion and batch.shape[1] != 1:
            try:
                batch = batch[:, [2, 1, 0], ...]
            except IndexError as exc:
                raise _channel_error(exc, tuple(batch.shape), "(N, 3, H, W)") from exc
        batch = batch.float()
        if self._enable_normalize:
            try:
                batch = (batch - self.mean) / self.std
            except RuntimeError as exc:
                raise _normalize_error(exc, tuple(batch.shape), self.mean) from exc
        h, w = batch.shape[2:]
        target_h = math.ceil(h / self.pad_size_divisor) * self.pad_size_divisor
        target_w = math.ceil(w / self.pad_size_divisor) * self.pad_size_divisor
        return F.pad(batch, (0, target_w - w, 0, target_h - h), "constant", self.pad_value)

    def _process_one(self, image: torch.Tensor) -> torch.Tensor:
        if self._channel_conversion and image.size(0) != 1:
            try:
                image = image[[2, 1, 0], ...]
            except IndexError as exc:
                raise _channel_error(exc, tuple(image.shape), "(3, H, W)") from exc
        # convert after the channel flip: cheaper on uint8
        image = image.float()
        if self._enable_normalize:
            if self.mean.shape[0] == 3 and (image.dim() != 3 or image.shape[0] != 3):
                raise AssertionError(
                    "If the mean has 3 values, the input tensor should in shape of (3, H, W), "
                    f"but got the tensor with shape {image.shape} (channels come first: "
                    "an (H, W, 3) image must be transposed, e.g. by PackInputs; a gray image "
                    "needs a mean and std of 1 value)"
                )
            image = (image - self.mean) / self.std
        return image
