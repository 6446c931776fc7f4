import ast
import os

from mmengine.config import Config, LazyAttr, LazyObject
from mmengine.config.utils import ImportTransformer, _gather_abs_import_lazyobj

SOURCE = """
import os
import xml.dom.minidom as minidom
import yaml
import yaml.loader
from json import JSONDecoder
from yaml import SafeLoader as Loader
from addict import Dict
from mmengine.config import Config
from ._base_.runtime import default_scope as scope
from ._base_.schedule import *
start = Dict.update
"""


def run_transform():
    tree = ast.parse(SOURCE)
    global_dict = {"LazyObject": LazyObject}
    base_dict = {
        "._base_.runtime": {"default_scope": "test_config"},
        "._base_.schedule": {"val_cfg": {}, "max_epochs": 3},
    }
    transformer = ImportTransformer(global_dict, base_dict, filename="cfg.py")
    tree = transformer.visit(tree)
    tree, abs_imported = _gather_abs_import_lazyobj(tree, filename="cfg.py")
    exec(compile(ast.fix_missing_locations(tree), "cfg.py", "exec"), global_dict)
    return global_dict, transformer.imported_obj | abs_imported


def test_third_party_imports_become_lazy_objects():
    import addict
    import yaml

    g, imported = run_transform()
    assert isinstance(g["yaml"], LazyObject)
    assert g["yaml"].build() is yaml and g["yaml"].build().loader is yaml.loader
    assert isinstance(g["yaml"].SafeDumper, LazyAttr)
    assert isinstance(g["Loader"], LazyObject) and g["Loader"].build() is yaml.SafeLoader
    start = g["start"]
    assert start.module == "addict.Dict" and str(start) == "update"
    assert start.build() is addict.Dict.update
    assert {"yaml", "Loader", "Dict"} <= imported


def test_standard_library_and_config_imports_are_real():
    import xml.dom.minidom
    from json import JSONDecoder

    g, imported = run_transform()
    assert g["os"] is os
    assert g["minidom"] is xml.dom.minidom
    assert g["JSONDecoder"] is JSONDecoder
    assert g["Config"] is Config
    assert {"os", "minidom", "JSONDecoder", "Config"} <= imported


def test_base_imports_are_injected():
    g, imported = run_transform()
    assert g["scope"] == "test_config"
    assert g["val_cfg"] == {} and g["max_epochs"] == 3
    assert "scope" not in imported and "val_cfg" not in imported


def test_lazy_object_locations_name_file_and_line():
    g, _ = run_transform()
    assert g["Loader"].location == "cfg.py, line 7"
