"""Writing checkpoints: atomic local files, storage backends, pavi; ``.pth`` or safetensors.

:func:`mmengine.model.checkpoint.save_checkpoint` checks its arguments and picks
the destination; the functions here do the writing.
"""

from __future__ import annotations

import io
import os.path as osp
from tempfile import TemporaryDirectory
from typing import Any, Optional

import torch

from mmengine.fileio import atomic_open, atomic_path

from .safetensors_format import safetensors_bytes, save_safetensors

SAVE_FORMATS = ("pth", "safetensors")


def resolve_save_format(filename: str, save_format: Optional[str]) -> str:
    """``save_format`` if given, else ``'safetensors'`` for a ``.safetensors`` name, else ``'pth'``."""
    if save_format is None:
        return "safetensors" if filename.endswith(".safetensors") else "pth"
    if save_format not in SAVE_FORMATS:
        raise ValueError(
            f"save_format must be one of {SAVE_FORMATS} (or None to choose by the file "
            f"suffix), but got {save_format!r} for {filename!r}."
        )
    return save_format


def _atomic_torch_save(checkpoint: Any, filename: str) -> None:
    """``torch.save`` ``checkpoint`` to ``filename`` atomically.

    The checkpoint streams into a temporary file beside ``filename``
    (:func:`mmengine.fileio.atomic_open`) that replaces it once complete: an
    interrupted save leaves the previous file untouched.
    """
    with atomic_open(osp.expanduser(filename)) as f:
        torch.save(checkpoint, f)


def save_local(checkpoint: Any, filename: str, save_format: str) -> None:
    """Write ``checkpoint`` to a local path atomically, in ``save_format``."""
    if save_format == "safetensors":
        # safetensors writes by name: give it the temporary file's name
        with atomic_path(osp.expanduser(filename)) as tmp:
            save_safetensors(checkpoint, tmp)
    else:
        _atomic_torch_save(checkpoint, filename)


def checkpoint_bytes(checkpoint: Any, save_format: str) -> bytes:
    """The serialized ``checkpoint`` in ``save_format`` (for storage backends)."""
    if save_format == "safetensors":
        return safetensors_bytes(checkpoint)
    with io.BytesIO() as f:
        torch.save(checkpoint, f)
        return f.getvalue()


def _is_local_backend(backend: Any) -> bool:
    try:
        from mmengine.fileio import LocalBackend
    except ImportError:  # pragma: no cover
        return type(backend).__name__ == "LocalBackend"
    return isinstance(backend, LocalBackend)


def _save_to_pavi(checkpoint: dict, filename: str) -> None:
    try:
        from pavi import exception, modelcloud  # type: ignore
    except ImportError as exc:
        raise ImportError("Please install pavi to load checkpoint from modelcloud.") from exc
    model_path = filename[7:]
    root = modelcloud.Folder()
    model_dir, model_name = osp.split(model_path)
    try:
        model = modelcloud.get(model_dir)
    except exception.NodeNotFoundError:
        model = root.create_training_model(model_dir)
    with TemporaryDirectory() as tmp_dir:
        checkpoint_file = osp.join(tmp_dir, model_name)
        torch.save(checkpoint, checkpoint_file)
        model.create_file(checkpoint_file, name=model_name)
