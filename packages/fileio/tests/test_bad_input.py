"""Bad input through the public fileio API: 0.10's exception classes, clearer messages."""

from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

import mmengine.fileio as fileio
from mmengine.fileio import (
    BaseFileHandler,
    BaseStorageBackend,
    FileClient,
    JsonHandler,
    LocalBackend,
    dict_from_file,
    dump,
    get_file_backend,
    get_local_path,
    list_dir_or_file,
    load,
    register_backend,
    register_handler,
)

SUPPORTED = "['json', 'pickle', 'pkl', 'yaml', 'yml']"


# ---------------------------------------------------------------- formats


@pytest.mark.parametrize(
    "kwargs, sentence, explanation",
    [
        (
            {"file_format": "jsn"},
            "Unsupported format: jsn (",
            "(given as file_format). Did you mean 'json'?",
        ),
        ({"file_format": ".json"}, "Unsupported format: .json (", "Did you mean 'json'?"),
        ({"file_format": "YAML"}, "Unsupported format: YAML (", "Did you mean 'yaml'?"),
        ({"file_format": 3}, "Unsupported format: 3 (", "(given as file_format)"),
    ],
)
def test_load_file_format_typo_is_named_as_given(tmp_path, kwargs, sentence, explanation):
    path = tmp_path / "a.json"
    path.write_text('{"a": 1}')
    with pytest.raises(TypeError) as info:
        load(str(path), **kwargs)
    msg = str(info.value)
    assert msg.startswith(sentence)
    assert explanation in msg
    assert "inferred" not in msg  # the format was given, not taken from the name
    assert SUPPORTED in msg


def test_dump_file_format_typo(tmp_path):
    with pytest.raises(
        TypeError,
        match=r"^Unsupported format: pkll \(given as file_format\)\. "
        r"Did you mean 'pkl'\?",
    ):
        dump({"a": 1}, tmp_path / "a.pkl", file_format="pkll")
    assert not (tmp_path / "a.pkl").exists()


@pytest.mark.parametrize("name", ["noext", "dir.d/noext"])
def test_path_without_extension(tmp_path, name):
    path = tmp_path / name
    path.parent.mkdir(exist_ok=True)
    path.write_text('{"a": 1}')
    for call in (lambda: load(path), lambda: dump({"a": 1}, str(path))):
        with pytest.raises(TypeError) as info:
            call()
        msg = str(info.value)
        assert msg.startswith("Unsupported format: ")
        assert f"{str(path)!r} has no file extension to infer the format from" in msg
        assert "file_format=" in msg
    assert path.read_text() == '{"a": 1}'


def test_dump_to_a_directory_without_extension(tmp_path):
    with pytest.raises(TypeError) as info:
        dump({"a": 1}, tmp_path)
    assert f"{str(tmp_path)!r} is a directory: give a file name inside it" in str(info.value)


def test_unknown_extension_names_the_file(tmp_path):
    with pytest.raises(TypeError) as info:
        load(tmp_path / "a.txt")
    msg = str(info.value)
    assert msg.startswith("Unsupported format: txt (inferred from the extension of ")
    assert str(tmp_path / "a.txt") in msg and SUPPORTED in msg


def test_upper_case_extension_suggests_the_lower_case_format(tmp_path):
    (tmp_path / "a.JSON").write_text("{}")
    with pytest.raises(TypeError, match="Did you mean 'json'"):
        load(tmp_path / "a.JSON")


@pytest.mark.parametrize("file", [None, "fileobj"])
def test_missing_format_without_a_file_name(tmp_path, file):
    from io import StringIO

    obj = StringIO("{}") if file == "fileobj" else None
    with pytest.raises(TypeError) as info:
        load(obj)
    msg = str(info.value)
    assert msg.startswith("Unsupported format: None (")
    assert "file_format was not given" in msg


# ---------------------------------------------------------------- corrupt files


@pytest.mark.parametrize(
    "name, data, cls, empty",
    [
        ("empty.json", b"", json.JSONDecodeError, True),
        ("bad.json", b'{"a": 1,', json.JSONDecodeError, False),
        ("empty.pkl", b"", EOFError, True),
        ("bad.pkl", b"garbage\x00", pickle.UnpicklingError, False),
        ("trunc.pkl", pickle.dumps(list(range(50)))[:20], pickle.UnpicklingError, False),
        ("json.pkl", b'{"a": 1}', pickle.UnpicklingError, False),
        ("cls.pkl", b"\x80\x02cno_such_module_xyz\nThing\nq\x00)\x81q\x01.", ImportError, False),
    ],
)
def test_corrupt_file_error_names_the_file(tmp_path, name, data, cls, empty):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(cls) as info:
        load(str(path))
    msg = str(info.value)
    fmt = name.rsplit(".", 1)[1]
    assert f"(while loading {str(path)!r} as {fmt}" in msg
    assert ("the file is empty (0 bytes)" in msg) is empty
    # Attributes of the original exception survive (JSONDecodeError.lineno, ...).
    if cls is json.JSONDecodeError:
        assert info.value.lineno == 1 and info.value.doc == data.decode()
    if cls is ImportError:
        assert isinstance(info.value, ModuleNotFoundError)
        assert info.value.name == "no_such_module_xyz"


def test_corrupt_yaml_marks_name_the_file(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("a: [1, 2\nb: c:")
    with pytest.raises(yaml.YAMLError) as info:
        load(path)
    assert f'in "{path}", line 1' in str(info.value)
    assert "<file>" not in str(info.value)


def test_binary_file_loaded_as_text_names_the_file(tmp_path):
    path = tmp_path / "model.json"
    path.write_bytes(pickle.dumps({1: 2}))
    with pytest.raises(UnicodeDecodeError) as info:
        load(path)
    msg = str(info.value)
    assert msg.startswith("'utf-8' codec can't decode byte 0x80")
    assert str(path) in msg and "binary" in msg
    assert info.value.start == 0  # still a real UnicodeDecodeError
    with pytest.raises(UnicodeDecodeError, match="binary"):
        fileio.get_text(path)


def test_explained_errors_pickle_as_the_original_class(tmp_path):
    path = tmp_path / "empty.json"
    path.write_bytes(b"")
    with pytest.raises(json.JSONDecodeError) as info:
        load(path)
    copy = pickle.loads(pickle.dumps(info.value))
    assert type(copy) is json.JSONDecodeError
    assert copy.pos == 0


def test_valid_files_still_load(tmp_path):
    (tmp_path / "a.json").write_text('{"a": [1, 2]}')
    (tmp_path / "e.yaml").write_text("")
    assert load(tmp_path / "a.json") == {"a": [1, 2]}
    assert load(tmp_path / "e.yaml") is None  # an empty yaml document is None, as in 0.10


# ---------------------------------------------------------------- dump


@pytest.mark.parametrize(
    "obj, where",
    [
        ({"a": object()}, "at obj['a'] (a object)"),
        ({"model": {"layers": [1, 2, type]}}, "at obj['model']['layers'][2] (a type)"),
        ({"a": {(1, 2): 3}}, "at obj['a'], the key (1, 2)"),
    ],
)
def test_unserialisable_json_names_the_key_and_keeps_the_file(tmp_path, obj, where):
    path = tmp_path / "out.json"
    path.write_text('{"keep": 1}')
    with pytest.raises(TypeError) as info:
        dump(obj, path)
    msg = str(info.value)
    assert where in msg
    assert f"(while dumping to {str(path)!r} as json; nothing was written" in msg
    assert path.read_text() == '{"keep": 1}'
    assert os.listdir(tmp_path) == ["out.json"]  # no temporary left behind
    with pytest.raises(TypeError, match=r"is unsupported for json dump at obj\[|keys must be"):
        dump(obj, file_format="json")


def test_json_sets_and_numpy_still_dump():
    np = pytest.importorskip("numpy")
    assert json.loads(dump({"s": {1}, "x": np.float32(1.5)}, file_format="json")) == {
        "s": [1],
        "x": 1.5,
    }


def test_user_default_is_not_second_guessed():
    def default(obj):
        raise TypeError("mine")

    with pytest.raises(TypeError) as info:
        JsonHandler().dump_to_str({"a": object()}, default=default)
    assert str(info.value) == "mine"


def test_unpicklable_object_leaves_no_file(tmp_path):
    path = tmp_path / "out.pkl"
    path.write_bytes(b"old")
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)) as info:
        dump({"f": lambda: 1}, path)
    assert f"(while dumping to {str(path)!r} as pkl; nothing was written" in str(info.value)
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["out.pkl"]


def test_dump_to_a_directory_named_like_a_file(tmp_path):
    target = tmp_path / "out.json"
    target.mkdir()
    with pytest.raises(IsADirectoryError) as info:
        dump({"a": 1}, target)
    assert f"{str(target)!r} is a directory: give a file name inside it" in str(info.value)
    assert info.value.filename == str(target)
    assert os.listdir(target) == [] and os.listdir(tmp_path) == ["out.json"]


def test_dump_below_a_file(tmp_path):
    (tmp_path / "a.json").write_text("{}")
    with pytest.raises(NotADirectoryError) as info:
        dump({"a": 1}, tmp_path / "a.json" / "sub" / "b.json")
    assert f"{str(tmp_path / 'a.json')!r} is a file, not a directory" in str(info.value)
    assert (tmp_path / "a.json").read_text() == "{}"


def test_dump_creates_missing_directories(tmp_path):
    dump({"a": 1}, tmp_path / "x" / "y" / "out.yaml")
    assert load(tmp_path / "x" / "y" / "out.yaml") == {"a": 1}


def test_dump_interrupted_mid_write_keeps_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "out.json"
    path.write_text('{"keep": 1}')
    from mmengine.fileio.backends import atomic_write

    def interrupted(fd, data):
        os.close(os.dup(fd))
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic_write, "_write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        dump({"new": list(range(1000))}, path)
    assert path.read_text() == '{"keep": 1}'
    assert os.listdir(tmp_path) == ["out.json"]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX only")
def test_dump_killed_mid_write_keeps_the_previous_file(tmp_path):
    path = tmp_path / "out.json"
    path.write_text('{"keep": 1}')
    script = textwrap.dedent(
        f"""
        import os, signal
        from mmengine.fileio import dump
        from mmengine.fileio.backends import atomic_write

        def write(fd, data):
            os.write(fd, data[: len(data) // 2])
            os.kill(os.getpid(), signal.SIGKILL)

        atomic_write._write = write
        dump({{"new": list(range(1000))}}, {str(path)!r})
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert path.read_text() == '{"keep": 1}'
    leftovers = [n for n in os.listdir(tmp_path) if n != "out.json"]
    assert len(leftovers) == 1 and leftovers[0].startswith(".out.json.")
    assert fileio.remove_stale_temporaries(tmp_path, min_age=0) == [str(tmp_path / leftovers[0])]


# ---------------------------------------------------------------- backends


@pytest.mark.parametrize("backend_args", ["local", ["local"], 3])
def test_backend_args_of_a_wrong_type(tmp_path, backend_args):
    (tmp_path / "a.json").write_text("{}")
    for call in (
        lambda: load(tmp_path / "a.json", backend_args=backend_args),
        lambda: fileio.get(str(tmp_path / "a.json"), backend_args=backend_args),
        lambda: get_file_backend(str(tmp_path), backend_args=backend_args, enable_singleton=True),
    ):
        with pytest.raises(TypeError) as info:  # 0.10: TypeError (argument after ** ...)
            call()
        assert "backend_args should be a dict such as {'backend': 'local'}" in str(info.value)
    with pytest.raises(ValueError):  # 0.10 said "uri should not be None" here
        get_file_backend(backend_args=backend_args)


def test_backend_args_key_typo(tmp_path):
    (tmp_path / "a.json").write_text("{}")
    with pytest.raises(TypeError) as info:
        load(tmp_path / "a.json", backend_args={"bakend": "local"})
    msg = str(info.value)
    assert msg.startswith("LocalBackend() takes no arguments")
    assert "backend_args={'bakend': 'local'}" in msg and "'bakend' -> 'backend'?" in msg


def test_backend_args_missing_required_argument():
    with pytest.raises(TypeError) as info:
        get_file_backend(backend_args={"backend": "lmdb", "db_pth": "x"})
    msg = str(info.value)
    assert "LmdbBackend" in msg and "'db_pth' -> 'db_path'?" in msg and "'readonly'" in msg


def test_errors_raised_inside_a_backend_constructor_are_not_rewritten():
    class Picky(BaseStorageBackend):
        def __init__(self, level=1):
            raise TypeError("level must be an int")

        def get(self, filepath):
            return b""

        def get_text(self, filepath, encoding="utf-8"):
            return ""

    register_backend("picky", Picky)
    with pytest.raises(TypeError) as info:
        get_file_backend(backend_args={"backend": "picky", "level": "x"})
    assert str(info.value) == "level must be an int"


def test_unknown_backend_name_suggests_the_close_one():
    with pytest.raises(KeyError) as info:  # 0.10: KeyError('lcoal')
        get_file_backend("/tmp", backend_args={"backend": "lcoal"})
    assert "Did you mean 'local'?" in str(info.value)


def test_unknown_uri_prefix_suggests_the_close_one():
    with pytest.raises(KeyError) as info:  # 0.10: KeyError('htps')
        load("htps://host/a.json")
    assert '"htps://"' in str(info.value) and "Did you mean 'https://'?" in str(info.value)


@pytest.mark.parametrize(
    "suffix, expected",
    [
        (["txt"], "pass suffix=('txt',)"),
        (3, "but got <class 'int'> 3"),
        ((".txt", 3), "the tuple ('.txt', 3) holds 3 (int)"),
    ],
)
def test_list_dir_or_file_suffix_of_a_wrong_type_fails_before_listing(tmp_path, suffix, expected):
    with pytest.raises(TypeError) as info:
        # No iteration: the check runs when called, not when the first item is read.
        list_dir_or_file(tmp_path / "missing", list_dir=False, suffix=suffix)
    assert str(info.value).startswith("`suffix` must be a string or tuple of strings")
    assert expected in str(info.value)


def test_list_dir_or_file_listing_nothing_warns(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    with pytest.warns(UserWarning, match="lists nothing"):
        result = list(list_dir_or_file(tmp_path, list_dir=False, list_file=False))
    assert result == []  # 0.10's result is kept


def test_get_local_path_of_a_missing_local_file_is_yielded_as_in_0_10(tmp_path):
    """Code writes through it (the local path is the path itself)."""
    with get_local_path(tmp_path / "missing.jpg") as path:
        Path(path).write_bytes(b"x")
    assert (tmp_path / "missing.jpg").read_bytes() == b"x"


class _Foo(BaseStorageBackend):
    def get(self, filepath):
        return b""

    def get_text(self, filepath, encoding="utf-8"):
        return ""


def test_register_backend_used_without_a_name():
    # 0.10 returned the decorator: the class was replaced by a function, nothing registered.
    with pytest.raises(TypeError) as info:
        register_backend(_Foo)
    assert "@register_backend('<name>') above class _Foo" in str(info.value)
    with pytest.raises(TypeError, match=r"@FileClient.register_backend\('<name>'\) above"):
        FileClient.register_backend(_Foo)


def test_register_backend_given_an_instance():
    with pytest.raises(TypeError, match="pass the class LocalBackend, not an instance of it"):
        register_backend("inst", LocalBackend())


def test_register_handler_used_without_formats():
    with pytest.raises(TypeError) as info:

        @register_handler
        class TxtHandler(BaseFileHandler):
            def load_from_fileobj(self, file):
                return file.read()

            def dump_to_fileobj(self, obj, file):
                file.write(obj)

            def dump_to_str(self, obj):
                return obj

    assert "@register_handler(['<ext>', ...]) above class TxtHandler" in str(info.value)
    with pytest.raises(TypeError, match="decorates a handler class"):
        register_handler("txt")(JsonHandler())


def test_infer_client_without_arguments_is_an_assertion_error():
    with pytest.raises(AssertionError) as info:  # 0.10: a bare AssertionError
        FileClient.infer_client()
    assert isinstance(info.value, ValueError)
    assert "file_client_args or uri" in str(info.value)


def test_dict_from_file_line_without_value_is_an_assertion_error(tmp_path):
    (tmp_path / "map.txt").write_text("a 1\nb\n")
    with pytest.raises(AssertionError) as info:  # 0.10: a bare AssertionError
        dict_from_file(tmp_path / "map.txt")
    assert f"{tmp_path / 'map.txt'}, line 2" in str(info.value)
