"""``traverse_registry_tree`` and ``count_registered_modules``."""

from __future__ import annotations

import datetime
import importlib.util
import json
import logging
import sys

import pytest

from mmengine.registry import Registry, count_registered_modules, traverse_registry_tree


def test_traverse_registry_tree_from_any_node(logs):
    root = Registry("thing", scope="troot")
    child = Registry("thing", parent=root, scope="tchild")
    empty = Registry("thing", parent=root, scope="tempty")

    @root.register_module()
    class A:
        pass

    @child.register_module()
    class B:
        pass

    @child.register_module(name="C")
    class CImpl:
        pass

    result = traverse_registry_tree(empty, verbose=True)
    assert result == traverse_registry_tree(child, verbose=False)
    # Y1: every node, depth-first from the root, empty ones included
    assert [info["scope"] for info in result] == ["troot", "tchild", "tempty"]
    assert result[2] == {"num_modules": 0, "scope": "tempty"}
    assert result[0]["num_modules"] == 1
    assert result[1]["num_modules"] == 2
    folder = "/".join(__name__.split(".")[:-1])
    assert result[1][folder] == ["B", "C"]
    # one log line per node, worded as upstream (trailing space included)
    messages = [m for m, _ in logs]
    assert "Find 1 modules in troot's 'thing' registry " in messages
    assert "Find 0 modules in tempty's 'thing' registry " in messages


def test_traverse_lists_empty_children_in_insertion_order():
    root = Registry("gadget", scope="groot")
    Registry("gadget", parent=root, scope="child_a")
    child_b = Registry("gadget", parent=root, scope="child_b")

    @root.register_module()
    class Only:
        pass

    result = traverse_registry_tree(child_b, verbose=False)
    assert len(result) == 3
    assert result[1:] == [
        {"num_modules": 0, "scope": "child_a"},
        {"num_modules": 0, "scope": "child_b"},
    ]


def test_count_registered_modules_covers_root_registries(tmp_path):
    from mmengine.registry import TASK_UTILS

    TASK_UTILS.register_module(name="CountProbe", module=dict, force=True)
    try:
        result = count_registered_modules(save_path=str(tmp_path / "out"), verbose=False)
        assert set(result) == {"scan_date", "registries"}
        datetime.datetime.strptime(result["scan_date"], "%Y-%m-%d %H:%M:%S")
        import mmengine.registry as registries

        for name, infos in result["registries"].items():
            # the root node comes first and counts what the root registry holds
            root_registry = getattr(registries, name)
            assert infos[0]["num_modules"] == len(root_registry.module_dict)
        assert "MODELS" in result["registries"] and "FUNCTIONS" in result["registries"]
        infos = result["registries"]["TASK_UTILS"]
        assert any(
            "CountProbe" in names
            for info in infos
            for names in info.values()
            if isinstance(names, list)
        )
        saved = json.loads((tmp_path / "out" / "modules_statistic_results.json").read_text())
        assert saved == result
    finally:
        del TASK_UTILS.module_dict["CountProbe"]


def test_count_registered_modules_imports_registering_packages(tmp_path, monkeypatch, logs):
    # Y2: the packages that register built-ins are imported first; absent ones are skipped,
    # broken ones are skipped with a warning
    import mmengine.registry.utils as utils_mod
    from mmengine.registry import TASK_UTILS

    pkg = tmp_path / "fake_registering_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text(
        "from mmengine.registry import TASK_UTILS\n"
        "TASK_UTILS.register_module(name='FakeBuiltin', module=dict, force=True)\n"
    )
    (tmp_path / "broken_registering_pkg.py").write_text("from os import not_a_name\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(
        utils_mod,
        "_REGISTERING_PACKAGES",
        ("fake_registering_pkg", "not_installed_pkg_xyz", "broken_registering_pkg"),
    )
    try:
        result = count_registered_modules(verbose=True)
        assert "FakeBuiltin" in TASK_UTILS.module_dict
        root_info = result["registries"]["TASK_UTILS"][0]
        assert root_info["num_modules"] == len(TASK_UTILS.module_dict)
        assert any("not_installed_pkg_xyz" in m and "skipped" in m for m, _ in logs)
        warnings = [m for m, level in logs if level == logging.WARNING]
        assert any("broken_registering_pkg" in m and "not_a_name" in m for m in warnings)
    finally:
        TASK_UTILS.module_dict.pop("FakeBuiltin", None)
        for name in ("fake_registering_pkg", "broken_registering_pkg"):
            sys.modules.pop(name, None)


def test_count_registered_modules_lists_mmengine_builtins():
    for package in ("torch", "mmengine.hooks"):
        if importlib.util.find_spec(package) is None:
            pytest.skip(f"{package} is not installed")
    from mmengine.registry import HOOKS

    result = count_registered_modules(verbose=False)
    assert "CheckpointHook" in HOOKS.module_dict
    assert result["registries"]["HOOKS"][0]["num_modules"] == len(HOOKS.module_dict)
