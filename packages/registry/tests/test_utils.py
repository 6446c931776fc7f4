"""``traverse_registry_tree`` and ``count_registered_modules``."""

from __future__ import annotations

import json

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
    assert len(result) == 2  # the empty registry is left out
    by_scope = {info["scope"]: info for info in result}
    assert by_scope["troot"]["num_modules"] == 1
    assert by_scope["tchild"]["num_modules"] == 2
    folder = "/".join(__name__.split(".")[:-1])
    assert by_scope["tchild"][folder] == ["B", "C"]
    assert any("Find 2 modules in troot's 'thing' registry" in m for m, _ in logs)


def test_count_registered_modules_covers_root_registries(tmp_path):
    from mmengine.registry import TASK_UTILS

    TASK_UTILS.register_module(name="CountProbe", module=dict, force=True)
    try:
        result = count_registered_modules(save_path=str(tmp_path / "out"), verbose=False)
        assert set(result) == {"scan_date", "registries"}
        assert len(result["scan_date"]) == 14
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
