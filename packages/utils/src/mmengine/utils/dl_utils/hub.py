"""Download and load serialized torch objects from URLs."""

from __future__ import annotations

from typing import Any

from ..path import mkdir_or_exist  # noqa: F401 (upstream binds these names here)
from ..version_utils import digit_version  # noqa: F401
from .parrots_wrapper import TORCH_VERSION  # noqa: F401


def load_url(
    url: str,
    model_dir: str | None = None,
    map_location: Any = None,
    progress: bool = True,
    check_hash: bool = False,
    file_name: str | None = None,
    weights_only: bool = False,
) -> dict[str, Any]:
    """Loads the Torch serialized object at the given URL.

    If downloaded file is a zip file, it will be automatically decompressed.
    If the object is already present in ``model_dir``, it's deserialized and
    returned. The default value of ``model_dir`` is ``<hub_dir>/checkpoints``
    where ``hub_dir`` is the directory returned by
    :func:`torch.hub.get_dir`.

    Args:
        url (str): URL of the object to download
        model_dir (str, optional): directory in which to save the object
        map_location (optional): a function or a dict specifying how to
            remap storage locations (see torch.load)
        progress (bool, optional): whether or not to display a progress bar
            to stderr. Default: True
        check_hash (bool, optional): If True, the filename part of the URL
            should follow the naming convention ``filename-<sha256>.ext``
            where ``<sha256>`` is the first eight or more digits of the
            SHA256 hash of the contents of the file. Default: False
        file_name (str, optional): name for the downloaded file. Filename
            from ``url`` will be used if not set.
        weights_only (bool): If True, only weights (tensors, primitive types,
            dicts) are unpickled, see :func:`torch.load`. Defaults to False,
            as :func:`torch.hub.load_state_dict_from_url`: full checkpoints
            (with meta and optimizer entries) are not weights-only.

    Returns:
        dict[str, Any]: The loaded object (usually a state dict).

    Example:
        >>> from mmengine.utils.dl_utils import load_url
        >>> url = 'https://s3.amazonaws.com/pytorch/models/resnet18-5c106cde.pth'
        >>> # not run by the doctests: it downloads the file
        >>> state_dict = load_url(url)  # doctest: +SKIP
    """
    from torch.hub import load_state_dict_from_url

    return load_state_dict_from_url(
        url,
        model_dir=model_dir,
        map_location=map_location,
        progress=progress,
        check_hash=check_hash,
        file_name=file_name,
        weights_only=weights_only,
    )
