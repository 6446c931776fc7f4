"""Bad input through the public API of ``mmengine.config``: the error keeps the class 0.10
raised (so ``except``/``pytest.raises`` in downstream code still work) and says what was
wrong, where, and what to write instead; nothing is silently lost or half-written."""

from __future__ import annotations

import pickle

import pytest

from mmengine.config import Config, ConfigDict


def _message(exc: BaseException) -> str:
    return "\n".join([str(exc), *getattr(exc, "__notes__", [])])


@pytest.mark.parametrize("bad", [None, 3, ["a.py"]], ids=["none", "int", "list"])
def test_fromfile_of_a_non_path(bad):
    # 0.10: AttributeError ('NoneType' object has no attribute 'endswith')
    for cls in (AttributeError, TypeError):
        with pytest.raises(cls) as info:
            Config.fromfile(bad)
        assert "path of a config file" in str(info.value) and repr(bad) in str(info.value)


def test_fromfile_of_a_directory(tmp_path):
    with pytest.raises(FileNotFoundError) as info:  # as 0.10
        Config.fromfile(tmp_path)
    assert str(tmp_path) in str(info.value) and "directory" in str(info.value)


def test_indentation_error_keeps_its_class(write):
    root = write({"c.py": "a = 1\n  b = 2\n"})
    with pytest.raises(IndentationError) as info:  # 0.10 raised IndentationError too
        Config.fromfile(root / "c.py")
    assert f"{root}/c.py" in str(info.value) and "line 2" in str(info.value)


def test_dunder_base_is_not_silently_ignored(write):
    # 0.10 dropped `__base__` like any dunder name: the bases were silently not inherited
    root = write({"b.py": "x = 1\n", "c.py": "__base__ = './b.py'\ny = 2\n"})
    with pytest.raises(ValueError) as info:
        Config.fromfile(root / "c.py")
    msg = str(info.value)
    assert "'__base__'" in msg and f"{root}/c.py" in msg and "`_base_ = ...`" in msg


def test_dump_unsupported_format_sentence(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TypeError, match=r"^Unsupported format: txt\. "):
        Config(dict(a=1)).dump("out.txt")


@pytest.mark.parametrize("name", ["out.txt", "out", "outdir"])
def test_dump_to_an_unsupported_extension(tmp_path, name):
    with pytest.raises(TypeError) as info:  # 0.10: TypeError('Unsupported format: txt')
        Config(dict(a=1)).dump(tmp_path / name)
    msg = str(info.value)
    assert msg.startswith("Unsupported format: ")  # 0.10's sentence: the text after the last dot
    assert f"Cannot dump config to {str(tmp_path / name)!r}" in msg
    assert ".py" in msg and ".json" in msg and ".yaml" in msg
    assert isinstance(info.value, OSError)  # what this project raised before
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize("ext", [".py", ".json", ".yaml", ".yml"])
def test_dump_interrupted_mid_write_keeps_the_previous_file(tmp_path, monkeypatch, ext):
    import builtins

    out = tmp_path / "sub" / f"cfg{ext}"
    out.parent.mkdir()
    out.write_text("old = 1\n")
    real_open = builtins.open

    class Crashing:
        def __init__(self, f):
            self.f = f

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def write(self, text):
            self.f.write(text[: len(text) // 2])
            raise KeyboardInterrupt  # the job is killed half-way through the write

    def crashing_open(file, mode="r", *args, **kwargs):
        f = real_open(file, mode, *args, **kwargs)
        return Crashing(f) if "w" in mode else f

    cfg = Config(dict(a=1, model=dict(depth=50, names=["x", "y"]), text_="x" * 100))
    monkeypatch.setattr(builtins, "open", crashing_open)
    with pytest.raises(KeyboardInterrupt):
        cfg.dump(out)
    monkeypatch.setattr(builtins, "open", real_open)
    assert out.read_text() == "old = 1\n"
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temporary file left
    cfg.dump(out)  # an uninterrupted dump replaces it
    assert Config.fromfile(out).to_dict() == cfg.to_dict()
    assert [p.name for p in out.parent.iterdir()] == [out.name]


def test_missing_item_suggests_the_key_and_stays_a_keyerror():
    cfg = Config(dict(model=dict(backbone=dict(depth=50)), optim_wrapper=dict()))
    with pytest.raises(KeyError) as info:
        cfg["modle"]
    assert info.value.args == ("modle",)  # as a plain KeyError
    assert str(info.value) == "'modle'. Did you mean 'model'?"
    with pytest.raises(KeyError) as info:
        cfg["model"]["bakbone"]
    assert "Did you mean 'backbone'?" in str(info.value)
    with pytest.raises(KeyError) as info:
        cfg["zzz"]
    assert str(info.value) == "'zzz'"  # nothing close: the plain message
    err = pickle.loads(pickle.dumps(info.value))
    assert type(err) is KeyError and err.args == ("zzz",)
    plain = ConfigDict(a=1)  # get / in / hasattr do not raise
    assert plain.get("b") is None and "b" not in plain and not hasattr(plain, "b")


def test_deleting_a_missing_key():
    cfg = Config(dict(model=dict(backbone=1)))
    # 0.10: `del cfg.model.x` raised KeyError; the error is now also an AttributeError
    for cls in (KeyError, AttributeError):
        with pytest.raises(cls) as info:
            del cfg.model.bakbone
        assert info.value.args[0] == "bakbone"
        assert "cannot delete 'bakbone'" in str(info.value)
        assert "Did you mean 'backbone'?" in str(info.value)
        with pytest.raises(cls) as info:
            del cfg["modl"]
        assert "cannot delete 'modl'" in str(info.value) and "Did you mean 'model'?" in str(
            info.value
        )
    del cfg.model.backbone
    del cfg["model"]
    assert cfg.to_dict() == {}


@pytest.mark.parametrize("bad", [None, [("a", 1)], "a=1"], ids=["none", "list", "str"])
def test_merge_from_dict_of_a_non_dict(bad):
    cfg = Config(dict(a=1))
    for cls in (AttributeError, TypeError):  # 0.10: AttributeError (no attribute 'items')
        with pytest.raises(cls) as info:
            cfg.merge_from_dict(bad)
        assert "merge_from_dict expects a dict" in str(info.value)
    assert cfg.to_dict() == {"a": 1}


@pytest.mark.parametrize("key", ["model..depth", "model.", ".model", ""])
def test_merge_from_dict_key_with_an_empty_part_warns(key):
    cfg = Config(dict(model=dict(depth=50)))
    with pytest.warns(UserWarning, match="empty part") as record:
        cfg.merge_from_dict({key: 1})
    assert repr(key) in str(record[0].message)


def test_merge_from_dict_of_a_reserved_key_warns():
    cfg = Config(dict(a=1), filename="x.py")
    with pytest.warns(UserWarning, match="'filename' is reserved"):
        cfg.merge_from_dict({"filename": "y.py"})
    assert cfg["filename"] == "y.py" and cfg.filename == "x.py"  # as 0.10


def test_read_base_of_a_package_that_is_not_installed(write):
    root = write(
        {
            "c.py": "from mmengine.config import read_base\n"
            "with read_base():\n"
            "    from mmcfg_no_such_pkg.configs.b import *\n"
        }
    )
    with pytest.raises(ModuleNotFoundError) as info:
        Config.fromfile(root / "c.py")
    msg = str(info.value)
    assert "mmcfg_no_such_pkg" in msg and f"{root}/c.py, line 3" in msg
    assert "not installed" in msg and info.value.name == "mmcfg_no_such_pkg"


@pytest.mark.parametrize(
    "line",
    ["a = '{{$MMCFG_SOME_VAR:3}}'", "a = '{{fileDirname}}/x'", "a = '{{ _base_.lr }}'"],
    ids=["env", "predefined", "base-ref"],
)
def test_substitution_in_a_lazy_config_warns(write, line):
    # as 0.10, pure-Python configs keep the text; a warning says it is not substituted
    root = write({"c.py": f"from torch.optim import SGD\nx = 1\n{line}\n"})
    with pytest.warns(UserWarning, match="not substituted") as record:
        cfg = Config.fromfile(root / "c.py")
    assert f"{root}/c.py, line 3" in str(record[0].message)
    assert "{{" in cfg.a


def test_base_reference_in_a_lazy_config_explains(write):
    root = write(
        {
            "b.py": "lr = 0.1\n",
            "c.py": "from mmengine.config import read_base\n"
            "with read_base():\n"
            "    from .b import *\n"
            "x = {{_base_.lr}}\n",
        }
    )
    with pytest.warns(UserWarning), pytest.raises(NameError) as info:
        Config.fromfile(root / "c.py")
    assert "use the names" in _message(info.value) and f"{root}/c.py" in _message(info.value)


@pytest.mark.parametrize(
    "text, line",
    [
        ("import os\nif os.environ.get('X'):\n    _base_ = './b.py'\nz = 1\n", 3),
        ("for i in range(1):\n    _base_ = './b.py'\nz = 1\n", 2),
        ("z = 1\nif True:\n    _base_ = ['./b.py']\nelse:\n    _base_ = []\n", 3),
    ],
    ids=["if-with-import", "for", "if-else"],
)
def test_base_inside_a_block_is_an_error(write, text, line):
    # 0.10 failed here too (RuntimeError / ValueError); the error now says what to write
    root = write({"b.py": "x = 1\n", "c.py": text})
    for cls in (ValueError, RuntimeError):
        with pytest.raises(cls) as info:
            Config.fromfile(root / "c.py")
        msg = str(info.value)
        assert f"{root}/c.py, line {line}" in msg and "top level" in msg


@pytest.mark.parametrize(
    "text", ["y = _base_ = ['./b.py']\nz = 1\n", "_base_, y = ['./b.py'], 2\nz = 1\n"]
)
def test_base_assigned_in_an_unread_form_warns(write, text):
    # 0.10 silently did not inherit: kept, with a warning naming the line
    root = write({"b.py": "x = 1\n", "c.py": text})
    with pytest.warns(UserWarning, match="not inherited") as record:
        cfg = Config.fromfile(root / "c.py")
    assert f"{root}/c.py, line 1" in str(record[0].message)
    assert "x" not in cfg and cfg.z == 1


def test_base_assigned_twice_warns_and_uses_the_first(write):
    root = write(
        {"a.py": "x = 1\n", "b.py": "y = 1\n", "c.py": "_base_ = './a.py'\n_base_ = './b.py'\n"}
    )
    with pytest.warns(UserWarning, match=r"2 times \(lines 1, 2\)") as record:
        cfg = Config.fromfile(root / "c.py")
    assert f"{root}/c.py" in str(record[0].message)
    assert cfg.to_dict() == {"x": 1}  # as 0.10


@pytest.mark.parametrize(
    "name, text", [("c.py", "_delete_ = True\nx = 2\n"), ("c.yaml", "_delete_: true\nx: 2\n")]
)
def test_top_level_delete_warns(write, name, text):
    root = write(
        {
            "b.py": "model = dict(a=1)\n",
            name: "_base_ = './b.py'\n" if name == "c.py" else "_base_: ./b.py\n",
        }
    )
    (root / name).write_text((root / name).read_text() + text)
    with pytest.warns(UserWarning, match="top level") as record:
        cfg = Config.fromfile(root / name)
    assert f"{root}/{name}" in str(record[0].message)
    assert cfg.to_dict() == {"model": {"a": 1}, "_delete_": True, "x": 2}  # as 0.10


@pytest.mark.parametrize(
    "base, options, allow, expected",
    [
        (dict(t=(dict(a=1), 2)), {"t.0.a": 2}, True, ["'t' is a tuple of length 2", "t=("]),
        (dict(n=["a", "b"]), {"n.0": "c"}, False, ["'n' is a list of length 2", "allow_list_keys"]),
    ],
    ids=["tuple", "list-without-allow-list-keys"],
)
def test_index_key_into_a_sequence_explains(base, options, allow, expected):
    cfg = Config(base)
    with pytest.raises(TypeError) as info:
        cfg.merge_from_dict(options, allow_list_keys=allow)
    msg = str(info.value)
    assert "cannot inherit from base" in msg  # 0.10's sentence first
    for part in expected:
        assert part in msg
    assert cfg.to_dict() == Config(base).to_dict()  # unchanged


@pytest.mark.parametrize("text, line", [(b"a = 1\x00\n", 1), (b"import os\na = 1\nb = \x00\n", 3)])
def test_nul_byte_in_a_python_config_names_the_line(tmp_path, text, line):
    (tmp_path / "c.py").write_bytes(text)
    with pytest.raises(SyntaxError) as info:  # as 0.10, which gave no file nor line
        Config.fromfile(tmp_path / "c.py")
    assert f"{tmp_path}/c.py, line {line}:" in str(info.value) and "NUL" in str(info.value)
    assert info.value.lineno == line
