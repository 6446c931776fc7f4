"""A small PNG encoder (numpy + zlib), so saving images needs no OpenCV or Pillow."""

from __future__ import annotations

import os
import struct
import zlib

import numpy as np

# PNG colour types by channel count: gray, gray+alpha, RGB, RGBA.
_COLOR_TYPES = {1: 0, 2: 4, 3: 2, 4: 6}
_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def encode_png(image: np.ndarray, compress_level: int = 6) -> bytes:
    """Encode an 8-bit image as PNG bytes.

    Args:
        image (np.ndarray): uint8 array of shape (H, W) or (H, W, C) with C in
            1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA).
        compress_level (int): zlib level 0-9. Defaults to 6.

    Returns:
        bytes: The PNG file content.
    """
    if image.dtype != np.uint8:
        raise TypeError(f"PNG images must be uint8, but got dtype {image.dtype}")
    if image.ndim == 2:
        image = image[..., None]
    if image.ndim != 3 or image.shape[2] not in _COLOR_TYPES:
        raise ValueError(
            f"Cannot save an image of shape {image.shape} as PNG: expected (H, W) or "
            "(H, W, C) with C in 1, 2, 3, 4"
        )
    height, width, channels = image.shape
    header = struct.pack(">IIBBBBB", width, height, 8, _COLOR_TYPES[channels], 0, 0, 0)
    rows = np.ascontiguousarray(image).reshape(height, width * channels)
    # Every scanline is prefixed by its filter type; 0 means "none".
    raw = np.empty((height, width * channels + 1), dtype=np.uint8)
    raw[:, 0] = 0
    raw[:, 1:] = rows
    data = zlib.compress(raw.tobytes(), compress_level)
    return _SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def write_png(path: str, image: np.ndarray) -> None:
    """Write ``image`` (see :func:`encode_png`) to ``path``, creating parent folders.

    Args:
        path (str): Destination file.
        image (np.ndarray): The uint8 image.
    """
    content = encode_png(image)
    parent = os.path.dirname(path)
    if parent:
        os.makedirs(parent, exist_ok=True)
    with open(path, "wb") as f:
        f.write(content)
