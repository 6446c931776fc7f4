"""Module-level names 0.10 had in a module, bound from a compact list.

Code written for upstream imports (or patches) names such as ``HOOKS`` or ``print_log`` from
``mmengine.runner.runner``, where upstream happened to import them. A module lists them as
``"module: name name other=alias"`` lines and :func:`bind_names` imports each into the module's
globals.
"""

from __future__ import annotations

import importlib


def bind_names(namespace: dict, spec: str) -> None:
    """Import the names ``spec`` lists into ``namespace`` (a module's ``globals()``).

    Args:
        namespace (dict): the module's globals.
        spec (str): lines ``"package.module: name name2 attr=alias"``.
    """
    for line in spec.strip().splitlines():
        module_name, names = line.split(": ")
        module = importlib.import_module(module_name)
        for item in names.split():
            attr, _, alias = item.partition("=")
            namespace[alias or attr] = getattr(module, attr)
