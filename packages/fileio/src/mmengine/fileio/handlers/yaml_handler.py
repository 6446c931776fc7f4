"""YAML handler built on PyYAML (its C LibYAML bindings when available)."""

from __future__ import annotations

from typing import IO, Any

import yaml

try:
    from yaml import CDumper as Dumper
    from yaml import CSafeLoader as _SafeLoaderBase
except ImportError:  # PyYAML built without LibYAML
    from yaml import Dumper  # type: ignore[assignment]
    from yaml import SafeLoader as _SafeLoaderBase  # type: ignore[assignment]

from .base import BaseFileHandler


class Loader(_SafeLoaderBase):  # type: ignore[misc,valid-type]
    """Safe YAML loader that also reads ``!!python/tuple``.

    Loading never executes or imports code. Tuples, which the default
    dumper writes as ``!!python/tuple`` (configs are full of them), are
    accepted so that a dump followed by a load round-trips. Pass
    ``Loader=yaml.Loader`` to :meth:`YamlHandler.load_from_fileobj` to read
    other Python tags from trusted files.
    """


def _construct_tuple(loader: yaml.BaseLoader, node: yaml.Node) -> tuple:
    return tuple(loader.construct_sequence(node))  # type: ignore[attr-defined]


Loader.add_constructor("tag:yaml.org,2002:python/tuple", _construct_tuple)


class YamlHandler(BaseFileHandler):
    """Handler for the yaml / yml formats."""

    def load_from_fileobj(self, file: IO, **kwargs: Any) -> Any:
        """Load yaml from a file object (kwargs go to :func:`yaml.load`)."""
        kwargs.setdefault("Loader", Loader)
        return yaml.load(file, **kwargs)

    def dump_to_fileobj(self, obj: Any, file: IO, **kwargs: Any) -> None:
        """Dump ``obj`` as yaml into a file object (kwargs go to :func:`yaml.dump`)."""
        kwargs.setdefault("Dumper", Dumper)
        yaml.dump(obj, file, **kwargs)

    def dump_to_str(self, obj: Any, **kwargs: Any) -> str:
        """Dump ``obj`` to a yaml string (kwargs go to :func:`yaml.dump`)."""
        kwargs.setdefault("Dumper", Dumper)
        return yaml.dump(obj, **kwargs)
