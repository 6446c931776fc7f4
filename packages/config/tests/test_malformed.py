"""Malformed configs give a clear error naming the file (and line or key where possible) and
what to write instead, or the right value; never a silent garbage value."""

from __future__ import annotations

import argparse

import pytest

from mmengine.config import Config, ConfigParsingError, DictAction

BASE = (
    "optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.01))\n"
    "model = dict(type='M', depth=50)\n"
    "names = ['a', 'b']\n"
)


def _message(exc: BaseException) -> str:
    """The text a user sees: the message and the notes under the traceback."""
    return "\n".join([str(exc), *getattr(exc, "__notes__", [])])


# (id, files, entry file, exception class, substrings of the message; "{root}" is the folder)
CASES = [
    (
        "syntax-error",
        {"c.py": "a = 1\nb = dict(x=1\nc = 2\n"},
        "c.py",
        SyntaxError,
        ["{root}/c.py", "line 2"],
    ),
    (
        "syntax-error-in-base",
        {"b.py": "x = [1,\n", "c.py": "_base_ = './b.py'\n"},
        "c.py",
        SyntaxError,
        ["{root}/b.py", "line 1", "base config of {root}/c.py"],
    ),
    (
        "missing-base-file",
        {"c.py": "_base_ = ['./nope.py']\n"},
        "c.py",
        FileNotFoundError,
        ["'./nope.py'", "{root}/c.py", "{root}/nope.py"],
    ),
    (
        "base-cycle",
        {"a.py": "_base_ = './b.py'\n", "b.py": "_base_ = './a.py'\n"},
        "a.py",
        ConfigParsingError,
        ["Circular `_base_`", "{root}/a.py", "{root}/b.py"],
    ),
    (
        "base-includes-itself",
        {"a.py": "_base_ = './a.py'\nx = 1\n"},
        "a.py",
        ConfigParsingError,
        ["Circular `_base_`", "{root}/a.py"],
    ),
    (
        "base-wrong-type",
        {"c.py": "_base_ = 3\n"},
        "c.py",
        TypeError,
        ["`_base_`", "{root}/c.py", "str or a list of str", "3"],
    ),
    (
        "base-list-with-non-str",
        {"b.py": BASE, "c.py": "_base_ = ['./b.py', None]\n"},
        "c.py",
        TypeError,
        ["`_base_`", "{root}/c.py", "None"],
    ),
    (
        "base-listed-twice",
        {"b.py": BASE, "c.py": "_base_ = ['./b.py', './b.py']\n"},
        "c.py",
        KeyError,
        ["{root}/b.py", "{root}/c.py", "twice"],
    ),
    (
        "duplicate-key-in-two-bases",
        {"a.py": "x = 1\n", "b.py": "x = 2\n", "c.py": "_base_ = ['./a.py', './b.py']\n"},
        "c.py",
        KeyError,
        ["Duplicate key", "'x'", "{root}/a.py", "{root}/b.py", "{root}/c.py"],
    ),
    (
        "missing-base-reference",
        {"b.py": BASE, "c.py": "_base_ = './b.py'\nm = {{_base_.modle.depth}}\n"},
        "c.py",
        KeyError,
        ["{{_base_.modle.depth}}", "{root}/c.py", "line 2", "Did you mean 'model'"],
    ),
    (
        "base-reference-into-a-number",
        {"b.py": BASE, "c.py": "_base_ = './b.py'\nm = {{_base_.model.depth.x}}\n"},
        "c.py",
        KeyError,
        ["{{_base_.model.depth.x}}", "{root}/c.py", "_base_.model.depth", "'x'"],
    ),
    (
        "base-reference-index-out-of-range",
        {"b.py": BASE, "c.py": "_base_ = './b.py'\nm = {{_base_.names.5}}\n"},
        "c.py",
        KeyError,
        ["{{_base_.names.5}}", "{root}/c.py", "out of range", "length 2"],
    ),
    (
        "base-reference-without-base",
        {"c.py": "m = {{_base_.model}}\n"},
        "c.py",
        KeyError,
        ["{{_base_.model}}", "{root}/c.py", "no `_base_`"],
    ),
    (
        "python-base-attribute-misspelt",
        {"b.py": BASE, "c.py": "_base_ = './b.py'\nm = _base_.modle\n"},
        "c.py",
        AttributeError,
        ["Did you mean 'model'", "{root}/c.py"],
    ),
    (
        "unknown-predefined-variable",
        {"c.py": "name = '{{fileBasenameNoExt}}'\n"},
        "c.py",
        KeyError,
        [
            "{{fileBasenameNoExt}}",
            "{root}/c.py",
            "line 1",
            "fileDirname",
            "fileBasename",
            "fileBasenameNoExtension",
            "fileExtname",
        ],
    ),
    (
        "env-variable-unset-no-default",
        {"c.py": "x = '{{$MMCFG_TEST_UNSET_VAR}}'\n"},
        "c.py",
        KeyError,
        ["MMCFG_TEST_UNSET_VAR", "{root}/c.py", "{{$MMCFG_TEST_UNSET_VAR:default}}"],
    ),
    (
        "env-variable-unset-empty-default",
        {"c.yaml": "x: '{{$MMCFG_TEST_UNSET_VAR:}}'\n"},
        "c.yaml",
        KeyError,
        ["MMCFG_TEST_UNSET_VAR", "{root}/c.yaml", "{{$MMCFG_TEST_UNSET_VAR:default}}"],
    ),
    (
        "base-near-miss",
        {"b.py": BASE, "c.py": "base_ = './b.py'\nx = 1\n"},
        "c.py",
        ValueError,
        ["'base_'", "{root}/c.py", "`_base_ = ...`"],
    ),
    (
        "bases-near-miss",
        {"b.py": BASE, "c.py": "_bases_ = ['./b.py']\nx = 1\n"},
        "c.py",
        ValueError,
        ["'_bases_'", "{root}/c.py", "`_base_ = ...`"],
    ),
    (
        "dict-over-scalar-base",
        {"b.py": BASE, "c.py": "_base_ = './b.py'\nnames = dict(a=1)\n"},
        "c.py",
        TypeError,
        ["names", "{root}/c.py", "`_delete_=True`"],
    ),
    (
        "reserved-key",
        {"c.py": "filename = 'x'\n"},
        "c.py",
        KeyError,
        ["filename is reserved", "{root}/c.py"],
    ),
    (
        "undefined-name",
        {"c.py": "a = 1\nb = undefined_name + 1\n"},
        "c.py",
        NameError,
        ["undefined_name", "{root}/c.py"],
    ),
    (
        "bad-yaml",
        {"c.yaml": "a: 1\nb: [1, 2\nc: 3\n"},
        "c.yaml",
        ValueError,
        ["{root}/c.yaml", "line"],
    ),
    (
        "bad-json",
        {"c.json": '{"a": 1, "b": }\n'},
        "c.json",
        ValueError,
        ["{root}/c.json", "line 1"],
    ),
    (
        "yaml-top-level-list",
        {"c.yaml": "- 1\n- 2\n"},
        "c.yaml",
        TypeError,
        ["{root}/c.yaml", "mapping"],
    ),
    (
        "not-utf8",
        {"c.py": b"a = '\xff\xfe'\n"},
        "c.py",
        ValueError,
        ["{root}/c.py", "UTF-8"],
    ),
    (
        "custom-imports-not-a-dict",
        {"c.py": "custom_imports = ['os.path']\n"},
        "c.py",
        TypeError,
        ["custom_imports", "{root}/c.py", "dict(imports=["],
    ),
    (
        "custom-imports-unknown-key",
        {"c.py": "custom_imports = dict(import_=['os.path'])\n"},
        "c.py",
        TypeError,
        ["custom_imports", "{root}/c.py", "'import_'", "imports", "allow_failed_imports"],
    ),
    (
        "custom-imports-wrong-type",
        {"c.py": "custom_imports = dict(imports=5)\n"},
        "c.py",
        TypeError,
        ["custom_imports", "{root}/c.py", "imports"],
    ),
    (
        "custom-imports-missing-module",
        {"c.py": "custom_imports = dict(imports=['mmcfg_no_such_module_xyz'])\n"},
        "c.py",
        ImportError,
        ["mmcfg_no_such_module_xyz", "{root}/c.py", "PYTHONPATH"],
    ),
    (
        "unsupported-extension",
        {"c.txt": "a = 1\n"},
        "c.txt",
        OSError,
        ["{root}/c.txt", "py/yml/yaml/json"],
    ),
    (
        "config-file-missing",
        {},
        "c.py",
        FileNotFoundError,
        ["{root}/c.py"],
    ),
    (
        "external-base-of-missing-package",
        {"c.py": "_base_ = 'mmcfg_no_such_pkg::a/b.py'\n"},
        "c.py",
        ModuleNotFoundError,
        ["mmcfg_no_such_pkg", "{root}/c.py"],
    ),
    (
        "external-base-malformed",
        {"c.py": "_base_ = 'mmpose:::body_2d/cfg.py'\n"},
        "c.py",
        ValueError,
        ["mmpose:::body_2d/cfg.py"],
    ),
    (
        "lazy-base-missing",
        {
            "c.py": "from mmengine.config import read_base\nwith read_base():\n    from .nope import *\n"
        },
        "c.py",
        ConfigParsingError,
        ["{root}/nope.py", "{root}/c.py", "line 3"],
    ),
    (
        "lazy-config-with-underscore-base",
        {"c.py": "from torch.optim import SGD\n_base_ = './b.py'\n"},
        "c.py",
        RuntimeError,
        ["{root}/c.py", "read_base"],
    ),
    (
        "classic-chain-with-lazy-base",
        {
            "b.py": "from torch.optim import SGD\noptimizer = dict(type=SGD)\n",
            "c.py": "_base_ = './b.py'\n",
        },
        "c.py",
        RuntimeError,
        ["{root}/b.py", "lazy_import"],
    ),
]


@pytest.mark.parametrize(
    "files, entry, exc_type, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_malformed_config_gives_a_clear_error(
    tmp_path, monkeypatch, files, entry, exc_type, expected
):
    monkeypatch.delenv("MMCFG_TEST_UNSET_VAR", raising=False)
    for rel, content in files.items():
        path = tmp_path / rel
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    with pytest.raises(exc_type) as info:
        Config.fromfile(tmp_path / entry)
    message = _message(info.value)
    for part in expected:
        assert part.replace("{root}", str(tmp_path)) in message, message


@pytest.mark.parametrize(
    "option, expected",
    [
        ("a.b", ["a.b", "KEY=VALUE"]),
        ("=1", ["=1", "key"]),
        ("a=[1,2", ["a=[1,2", "bracket"]),
        ("a=(1,[2)", ["(1,[2)", "bracket"]),
    ],
)
def test_bad_cfg_options(option, expected):
    # the error leaves parse_args as in 0.10 (ValueError/AssertionError), naming the option
    parser = argparse.ArgumentParser()
    parser.add_argument("--cfg-options", nargs="+", action=DictAction)
    with pytest.raises(ValueError) as info:
        parser.parse_args(["--cfg-options", option])
    assert isinstance(info.value, AssertionError)
    for part in ["--cfg-options", *expected]:
        assert part in str(info.value), info.value


def test_base_reference_inside_an_expression(write):
    # `{{_base_.x}}` works in expressions: the base's value, not a placeholder string
    root = write(
        {
            "b.py": BASE,
            "c.py": (
                "_base_ = './b.py'\n"
                "lr = {{_base_.optim_wrapper.optimizer.lr}} * 2\n"
                "depth = dict(d={{_base_.model.depth}} + 1)\n"
                "names = {{_base_.names}} + ['c']\n"
                "first = {{_base_.names.0}}\n"
                "model = {{_base_.model}}\n"
                "model['depth'] = 101\n"
                "quoted = '{{_base_.model.type}}'\n"
            ),
        }
    )
    cfg = Config.fromfile(root / "c.py")
    assert cfg.lr == 0.02
    assert cfg.depth.d == 51
    assert cfg.names == ["a", "b", "c"]
    assert cfg.first == "a"
    assert cfg.model.to_dict() == {"type": "M", "depth": 101}
    assert cfg.quoted == "M"  # as upstream: the quotes around a reference are consumed
    assert cfg.optim_wrapper.optimizer.lr == 0.01  # the base value is copied, not shared


def test_base_reference_inside_a_string_is_interpolated(write):
    root = write(
        {
            "b.py": BASE,
            "c.py": "_base_ = './b.py'\nwork_dir = './work_dirs/{{_base_.model.type}}_x'\n",
            "c.yaml": "_base_: ./b.py\nwork_dir: './w/{{_base_.model.depth}}'\nlr: '{{_base_.optim_wrapper.optimizer.lr}}'\n",
        }
    )
    assert Config.fromfile(root / "c.py").work_dir == "./work_dirs/M_x"
    cfg = Config.fromfile(root / "c.yaml")
    assert cfg.work_dir == "./w/50" and cfg.lr == 0.01


def test_env_variable_without_default(write, monkeypatch):
    root = write({"c.py": "x = '{{$MMCFG_TEST_SET_VAR}}'\ny = {{$MMCFG_TEST_SET_VAR:7}}\n"})
    monkeypatch.setenv("MMCFG_TEST_SET_VAR", "5")
    cfg = Config.fromfile(root / "c.py")
    assert cfg.x == "5" and cfg.y == 5
    assert cfg.env_variables == {"MMCFG_TEST_SET_VAR": "5"}


def test_double_braces_of_other_words_are_left_alone(write):
    # only near-misses of the predefined variables are errors; other text stays as written
    root = write({"c.py": "tmpl = '{{epoch}}-{{name}}'\n"})
    assert Config.fromfile(root / "c.py").tmpl == "{{epoch}}-{{name}}"


@pytest.mark.parametrize(
    ("files", "top", "expected"),
    [
        (
            {"b.py": BASE, "c.py": "_base_ = './b.py'\nmodel = dict(_delete=True, type='N')\n"},
            "c.py",
            ["'_delete'", "model._delete", "c.py", "`_delete_=True`"],
        ),
        (
            {
                "b.py": BASE,
                "c.py": "_base_ = './b.py'\noptim_wrapper = dict(optimizer=dict(__delete__=True))\n",
            },
            "c.py",
            ["'__delete__'", "optim_wrapper.optimizer.__delete__", "`_delete_=True`"],
        ),
        (
            {"b.py": BASE, "c.yaml": "_base_: ./b.py\nmodel: {delete_: true, type: N}\n"},
            "c.yaml",
            ["'delete_'", "model.delete_", "c.yaml", "`_delete_=True`"],
        ),
    ],
)
def test_misspelt_delete_is_kept_like_upstream_with_a_warning(tmp_path, files, top, expected):
    # Shipped zoo configs (mmpretrain's twins) contain `_delete=True`: 0.10 keeps it as a plain
    # key, so a config that loads there must load here; the warning says what was meant.
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    from mmengine.config.parsing import ConfigSpellingWarning

    with pytest.warns(ConfigSpellingWarning) as record:
        cfg = Config.fromfile(str(tmp_path / top))
    message = str(record[0].message)
    for part in expected:
        assert part in message
    misspelt = expected[0].strip("'")
    assert misspelt in str(cfg.to_dict())
