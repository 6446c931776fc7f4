"""The deprecated ``FileClient`` that hooks still expose as ``file_client``."""

from __future__ import annotations

import warnings
from typing import Any, Optional

from mmengine.fileio import FileClient


def _infer_file_client(file_client_args: Optional[dict], uri: Any) -> Any:
    """The deprecated FileClient for ``uri`` (None when FileClient cannot serve it).

    Explicit ``file_client_args`` must work, so their errors propagate.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        if file_client_args is not None:
            return FileClient.infer_client(file_client_args, uri)
        try:
            return FileClient.infer_client(None, uri)
        except ValueError:
            return None
