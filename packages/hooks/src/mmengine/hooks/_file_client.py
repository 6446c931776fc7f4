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


_UNSET = object()


class LazyFileClient:
    """A hook's ``file_client`` attribute (0.10's; deprecated).

    Set explicitly when ``file_client_args`` are given (the hook then writes through it).
    Otherwise it is made on first read, for the hook's ``out_dir``, so a run that never reads
    it logs no deprecation warning about a FileClient the user did not ask for.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_{name}"

    def __get__(self, hook: Any, owner: Optional[type] = None) -> Any:
        if hook is None:
            return self
        value = hook.__dict__.get(self.slot, _UNSET)
        if value is _UNSET:
            out_dir = getattr(hook, "out_dir", None)
            value = _infer_file_client(None, out_dir) if out_dir is not None else None
            if value is None:
                value = getattr(hook, "file_backend", None)
            hook.__dict__[self.slot] = value
        return value

    def __set__(self, hook: Any, value: Any) -> None:
        hook.__dict__[self.slot] = value

    def reset(self, hook: Any) -> None:
        """Forget the made client (the hook's ``out_dir`` or backend changed)."""
        hook.__dict__.pop(self.slot, None)
