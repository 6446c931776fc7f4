"""Same seed, same numbers: seeded runs give mmengine 0.10.7's initial weights and losses.

``tests/data/golden_0.10.7.json`` (and ``golden_0.10.7_torch2.1.json``) were recorded by running
``tests/data/golden_runs.py`` against mmengine 0.10.7 (see its docstring); this test runs the
same cases with this implementation. It fails when the Runner draws from the global random generators in another
order than 0.10 (construction, loop building, ``init_weights``, iterators, validation), or
when the truncated-normal initialisation differs from 0.10's.
"""

from __future__ import annotations

import importlib.util
import json
import os.path as osp

import pytest

DATA = osp.join(osp.dirname(osp.abspath(__file__)), "data")


def _golden_runs():  # noqa: ANN202
    spec = importlib.util.spec_from_file_location("golden_runs", osp.join(DATA, "golden_runs.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _torch_minor(version: str) -> tuple[int, ...]:
    from mmengine.utils import digit_version

    return digit_version(version)[:2]


def _load_golden() -> dict:
    """The record made with this torch's minor release: the numbers depend on torch's kernels
    and random streams, and 0.10.7 was recorded with the locked torch and with torch 2.1 (the
    oldest supported, ``golden_0.10.7_torch2.1.json``)."""
    import torch

    for name in ("golden_0.10.7.json", "golden_0.10.7_torch2.1.json"):
        with open(osp.join(DATA, name)) as f:
            record = json.load(f)
        if _torch_minor(record["torch"]) == _torch_minor(torch.__version__):
            return record
    return {}


GOLDEN = _load_golden()
CASES = [name for name, value in GOLDEN.items() if isinstance(value, dict)] or [
    pytest.param("none", marks=pytest.mark.skip(reason="0.10.7 not recorded with this torch"))
]


@pytest.mark.parametrize("case", CASES)
def test_seeded_run_matches_upstream(case: str, tmp_path) -> None:
    from mmengine.logging import MessageHub, MMLogger
    from mmengine.registry import DefaultScope
    from mmengine.visualization import Visualizer

    expected = GOLDEN[case]
    try:
        result = _golden_runs().run_case(case, str(tmp_path))
    finally:
        for logger in MMLogger._instance_dict.values():
            for handler in list(logger.handlers):
                handler.close()
                logger.removeHandler(handler)
        for manager in (MMLogger, MessageHub, Visualizer, DefaultScope):
            for name in [n for n in manager._instance_dict if n.startswith(f"golden_{case}")]:
                manager._instance_dict.pop(name)
    assert set(result["init"]) == set(expected["init"])
    for name, total in expected["init"].items():
        assert result["init"][name] == pytest.approx(total, rel=1e-6, abs=1e-7), name
    assert len(result["losses"]) == len(expected["losses"])
    assert result["losses"] == pytest.approx(expected["losses"], rel=1e-5, abs=1e-7)
