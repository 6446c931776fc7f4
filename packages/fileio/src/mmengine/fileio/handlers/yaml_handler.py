"""YAML handler built on PyYAML (its C LibYAML bindings when available).

PyYAML is imported on first use, not with :mod:`mmengine.fileio` (it is 20-40 ms of every
``import mmengine.runner`` otherwise). ``Loader`` and ``Dumper`` stay importable from this
module: reading them imports PyYAML.
"""

from __future__ import annotations

import functools
from typing import IO, Any

from .base import BaseFileHandler


@functools.cache
def _yaml() -> tuple[Any, type, type]:
    """``(yaml, Loader, Dumper)``, built once on first use."""
    import yaml

    try:
        from yaml import CDumper as dumper
        from yaml import CSafeLoader as safe_loader
    except ImportError:  # PyYAML built without LibYAML
        from yaml import Dumper as dumper  # type: ignore[assignment]
        from yaml import SafeLoader as safe_loader  # type: ignore[assignment]

    class Loader(safe_loader):  # type: ignore[misc,valid-type]
        """Safe YAML loader that also reads ``!!python/tuple``.

        Loading never executes or imports code. Tuples, which the default
        dumper writes as ``!!python/tuple`` (configs are full of them), are
        accepted so that a dump followed by a load round-trips. Pass
        ``Loader=yaml.Loader`` to :meth:`YamlHandler.load_from_fileobj` to read
        other Python tags from trusted files.
        """

    Loader.__module__, Loader.__qualname__ = __name__, "Loader"

    def construct_tuple(loader: Any, node: Any) -> tuple:
        return tuple(loader.construct_sequence(node))

    Loader.add_constructor("tag:yaml.org,2002:python/tuple", construct_tuple)
    return yaml, Loader, dumper


def __getattr__(name: str) -> Any:
    if name in ("yaml", "Loader", "Dumper"):
        return _yaml()[("yaml", "Loader", "Dumper").index(name)]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class YamlHandler(BaseFileHandler):
    """Handler for the yaml / yml formats."""

    def load_from_fileobj(self, file: IO, **kwargs: Any) -> Any:
        """Load yaml from a file object (kwargs go to :func:`yaml.load`)."""
        yaml, loader, _ = _yaml()
        kwargs.setdefault("Loader", loader)
        return yaml.load(file, **kwargs)

    def dump_to_fileobj(self, obj: Any, file: IO, **kwargs: Any) -> None:
        """Dump ``obj`` as yaml into a file object (kwargs go to :func:`yaml.dump`)."""
        yaml, _, dumper = _yaml()
        kwargs.setdefault("Dumper", dumper)
        yaml.dump(obj, file, **kwargs)

    def dump_to_str(self, obj: Any, **kwargs: Any) -> str:
        """Dump ``obj`` to a yaml string (kwargs go to :func:`yaml.dump`)."""
        yaml, _, dumper = _yaml()
        kwargs.setdefault("Dumper", dumper)
        return yaml.dump(obj, **kwargs)
