"""load / dump with the json, yaml and pickle handlers and custom handlers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

import mmengine.fileio as fileio
from mmengine.fileio import (
    BaseFileHandler,
    JsonHandler,
    PickleHandler,
    YamlHandler,
    register_handler,
)
from mmengine.fileio.handlers import file_handlers

OBJ = [{"a": "abc", "b": 1}, 2, "c"]


@pytest.mark.parametrize("ext", ["json", "yaml", "yml", "pkl", "pickle"])
def test_dump_load_by_path(tmp_path, ext):
    path = tmp_path / f"out.{ext}"
    assert fileio.dump(OBJ, path) is None
    assert fileio.load(path) == OBJ
    assert fileio.load(str(path)) == OBJ


@pytest.mark.parametrize("fmt", ["json", "yaml", "pickle"])
def test_dump_load_by_file_object(tmp_path, fmt):
    mode = "b" if fmt == "pickle" else ""
    path = tmp_path / "obj.data"
    with open(path, "w" + mode) as f:
        fileio.dump(OBJ, f, file_format=fmt)
    with open(path, "r" + mode) as f:
        assert fileio.load(f, file_format=fmt) == OBJ
    # explicit format wins over the (unknown) extension for paths too
    fileio.dump(OBJ, str(path), file_format=fmt)
    assert fileio.load(str(path), file_format=fmt) == OBJ


def test_dump_to_string():
    assert fileio.dump(OBJ, file_format="json") == '[{"a": "abc", "b": 1}, 2, "c"]'
    assert yaml.safe_load(fileio.dump(OBJ, file_format="yaml")) == OBJ
    pickled = fileio.dump(OBJ, file_format="pkl")
    assert isinstance(pickled, bytes)
    assert fileio.load(io.BytesIO(pickled), file_format="pkl") == OBJ


def test_handler_kwargs_are_forwarded(tmp_path):
    text = fileio.dump({"b": 1, "a": 2}, file_format="json", indent=2, sort_keys=True)
    assert text == '{\n  "a": 2,\n  "b": 1\n}'
    assert PickleHandler().dump_to_str(1) == PickleHandler().dump_to_str(1, protocol=2)


def test_json_serialises_sets_ranges_and_numpy():
    assert fileio.load(io.StringIO(fileio.dump({1, 2}, file_format="json")), "json") == [1, 2]
    assert fileio.dump(range(3), file_format="json") == "[0, 1, 2]"
    np = pytest.importorskip("numpy")
    dumped = fileio.dump(
        {"arr": np.arange(3), "f": np.float32(0.5), "i": np.int64(7)}, file_format="json"
    )
    assert fileio.load(io.StringIO(dumped), file_format="json") == {
        "arr": [0, 1, 2],
        "f": 0.5,
        "i": 7,
    }
    with pytest.raises(TypeError, match="is unsupported for json dump"):
        fileio.dump(object(), file_format="json")


def test_yaml_round_trips_tuples_but_loads_safely(tmp_path):
    path = tmp_path / "cfg.yaml"
    fileio.dump({"scale": (1333, 800), "nested": [(1, 2)]}, path)
    assert fileio.load(path) == {"scale": (1333, 800), "nested": [(1, 2)]}
    evil = tmp_path / "evil.yaml"
    evil.write_text("!!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(yaml.YAMLError):
        fileio.load(evil)
    # opting into the full loader for trusted files is still possible
    (tmp_path / "trusted.yaml").write_text("!!python/name:builtins.len\n")
    assert fileio.load(tmp_path / "trusted.yaml", Loader=yaml.UnsafeLoader) is len


def test_handler_path_helpers(tmp_path):
    for handler, name in ((JsonHandler(), "a.json"), (YamlHandler(), "a.yaml")):
        handler.dump_to_path(OBJ, tmp_path / name)
        assert handler.load_from_path(tmp_path / name) == OBJ
    handler = PickleHandler()
    handler.dump_to_path(OBJ, tmp_path / "a.pkl")
    assert handler.load_from_path(tmp_path / "a.pkl") == OBJ
    assert PickleHandler.str_like is False and JsonHandler.str_like is True


def test_unsupported_format_and_bad_file():
    with pytest.raises(TypeError, match="Unsupported format: txt"):
        fileio.load("/tmp/file.txt")
    with pytest.raises(TypeError, match="Unsupported format"):
        fileio.dump(OBJ, "/tmp/file.unknown")
    with pytest.raises(ValueError, match="file_format must be specified"):
        fileio.dump(OBJ)
    with pytest.raises(TypeError, match="must be a filepath str or a file-object"):
        fileio.load(123, file_format="json")
    with pytest.raises(TypeError, match="must be a filename str or a file-object"):
        fileio.dump(OBJ, 123, file_format="json")


def test_register_handler(tmp_path):
    @register_handler(["txt1", "log1"])
    class TxtHandler(BaseFileHandler):
        def load_from_fileobj(self, file, **kwargs):
            return file.read()

        def dump_to_fileobj(self, obj, file, **kwargs):
            file.write(str(obj))

        def dump_to_str(self, obj, **kwargs):
            return str(obj)

    assert isinstance(file_handlers["txt1"], TxtHandler)
    assert isinstance(file_handlers["log1"], TxtHandler)
    fileio.dump("hello", tmp_path / "a.log1")
    assert fileio.load(tmp_path / "a.log1") == "hello"
    assert fileio.dump(12, file_format="txt1") == "12"

    @register_handler("single")
    class Single(TxtHandler):
        pass

    assert isinstance(file_handlers["single"], Single)


def test_register_handler_errors():
    with pytest.raises(TypeError, match="handler must be a child of BaseFileHandler"):
        register_handler("x")(dict)
    with pytest.raises(TypeError, match="file_formats must be a str or a list of str"):
        register_handler([1])(JsonHandler)
    assert "x" not in file_handlers


def test_base_handler_is_abstract():
    with pytest.raises(TypeError):
        BaseFileHandler()


def test_load_accepts_path_objects_with_backend_args(tmp_path):
    path = Path(tmp_path) / "x.json"
    fileio.dump({"a": 1}, path, backend_args={"backend": "local"})
    assert fileio.load(path, backend_args={"backend": "local"}) == {"a": 1}


def test_yaml_is_imported_on_first_use_only():
    """``import mmengine.fileio`` leaves PyYAML unimported (import time); the first yaml
    load or dump imports it, and the module's ``Loader``/``Dumper`` are still there."""
    import subprocess
    import sys

    code = (
        "import sys, io\n"
        "import mmengine.fileio as f\n"
        "assert 'yaml' not in sys.modules, 'yaml imported with mmengine.fileio'\n"
        "s = f.dump({'a': (1, 2)}, file_format='yaml')\n"
        "assert 'yaml' in sys.modules\n"
        "assert f.load(io.StringIO(s), file_format='yaml') == {'a': (1, 2)}\n"
        "from mmengine.fileio.handlers.yaml_handler import Dumper, Loader\n"
        "assert Loader.__name__ == 'Loader' and Dumper.__name__.endswith('Dumper')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
