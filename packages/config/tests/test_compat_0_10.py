"""Behaviours compared black-box with mmengine 0.10.7 (the expected values were
recorded by running the same calls against 0.10.7)."""

from __future__ import annotations

import copy
import logging
import pickle

import pytest

from mmengine.config import Config


@pytest.fixture
def logged(monkeypatch):
    """Capture what goes to the current MMLogger (``print_log``) as (message, level)."""
    logging_pkg = pytest.importorskip("mmengine.logging")
    calls: list = []

    def fake(msg, logger=None, level=logging.INFO):
        assert logger == "current"
        calls.append((msg, level))

    monkeypatch.setattr(logging_pkg, "print_log", fake)
    return calls


def test_env_variables_are_logged_and_only_set_ones_recorded(write, monkeypatch, logged):
    monkeypatch.setenv("MMNG_TEST_A", "va")
    monkeypatch.setenv("MMNG_TEST_B", "3")
    monkeypatch.delenv("MMNG_TEST_UNSET", raising=False)
    root = write(
        {
            "e.yaml": 'a: "{{ $MMNG_TEST_A:x }}"\nc: {{ $MMNG_TEST_B:1 }}\n'
            'd: "{{ $MMNG_TEST_UNSET:dflt }}"\ne: "{{ $MMNG_TEST_A:x }}/p"\n'
        }
    )
    cfg = Config.fromfile(str(root / "e.yaml"))
    assert cfg.to_dict() == {"a": "va", "c": 3, "d": "dflt", "e": "va/p"}
    # 0.10.7: a default that is used is no environment variable
    assert cfg.env_variables == {"MMNG_TEST_A": "va", "MMNG_TEST_B": "3"}
    # 0.10.7: one INFO record per substitution from the environment, in file order
    template = "Using env variable `{}` with value of {} to replace item in config."
    assert logged == [
        (template.format("MMNG_TEST_A", "va"), logging.INFO),
        (template.format("MMNG_TEST_B", "3"), logging.INFO),
        (template.format("MMNG_TEST_A", "va"), logging.INFO),
    ]


@pytest.mark.parametrize(
    ("text", "fmt", "dumped"),
    [
        ("a: 1\n", ".yaml", "a: 1\n"),
        ("a: 1\n", ".yml", "a: 1\n"),
        ('{"a": 1}', ".json", '{"a": 1}'),
    ],
)
def test_fromstring_config_dumps_in_its_format(text, fmt, dumped):
    # 0.10.7: Config.fromstring('a: 1', '.yaml').dump() == 'a: 1\n'
    cfg = Config.fromstring(text, fmt)
    assert cfg.dump() == dumped
    assert copy.deepcopy(cfg).dump() == dumped
    assert copy.copy(cfg).dump() == dumped
    assert pickle.loads(pickle.dumps(cfg)).dump() == dumped
    assert Config.fromstring("a = 1\n", ".py").dump().strip() == "a = 1"


def test_fromfile_missing_file_is_not_found_before_the_extension_check(tmp_path):
    # 0.10.7: FileNotFoundError: file "<path>/x.txt" does not exist
    with pytest.raises(FileNotFoundError, match=r'^file ".*x\.txt" does not exist'):
        Config.fromfile(str(tmp_path / "x.txt"))
    # 0.10.7 opens a .py file: the OSError with errno and the path as given
    missing = str(tmp_path / "x.py")
    with pytest.raises(FileNotFoundError) as info:
        Config.fromfile(missing)
    assert str(info.value) == f"[Errno 2] No such file or directory: '{missing}'"
    assert (info.value.errno, info.value.filename) == (2, missing)
    (tmp_path / "y.txt").write_text("a = 1\n")
    with pytest.raises(OSError, match="^Only py/yml/yaml/json type are supported now!"):
        Config.fromfile(str(tmp_path / "y.txt"))


def test_fromfile_keeps_the_filename_as_given(write, monkeypatch):
    # recorded from 0.10.7: Config.fromfile('./sub/c.py').filename == './sub/c.py' and
    # repr(cfg) starts 'Config (path: ./sub/c.py)'; {{fileDirname}} stays absolute
    root = write({"sub/c.py": 'a = "{{ fileDirname }}"\n', "sub/y.yaml": "b: 1\n"})
    monkeypatch.chdir(root)
    for given in ("sub/c.py", "./sub/c.py", "sub/../sub/c.py"):
        cfg = Config.fromfile(given)
        assert cfg.filename == given
        assert repr(cfg).startswith(f"Config (path: {given}): ")
        assert cfg.a == str(root / "sub")
    assert Config.fromfile(root / "sub" / "y.yaml").filename == str(root / "sub" / "y.yaml")
    assert Config.fromfile("sub/y.yaml").dump() == "b: 1\n"


def test_external_config_lookup_errors_lead_with_0_10_sentences(write):
    from mmengine.config.utils import _get_cfg_metainfo, _get_external_cfg_base_path

    root = write(
        {
            ".mim/model-index.yml": "Import:\n  - configs/det/metafile.yml\n",
            ".mim/configs/det/metafile.yml": "Models:\n  - Name: m1\n    Config: configs/det/m1.py\n"
            "  - Name: m2\n    Config: configs/det/m2.py\n",
        }
    )
    # recorded from 0.10.7
    with pytest.raises(
        ValueError,
        match=r"^Expected configs: dict_keys\(\['det/m1.py', 'det/m2.py'\]\), but got det/zz.py",
    ):
        _get_cfg_metainfo(str(root), "det/zz.py")
    missing = str(root / ".mim" / "configs" / "det" / "zz.py")
    with pytest.raises(FileNotFoundError, match=f'^file "{missing}" does not exist'):
        _get_external_cfg_base_path(str(root), "det/zz.py")
    # no model index: 0.10's FileNotFoundError (still a ValueError, which hub catches)
    bare = root / "bare"
    bare.mkdir()
    with pytest.raises(FileNotFoundError) as info:
        _get_cfg_metainfo(str(bare), "det/m1.py")
    assert isinstance(info.value, ValueError)
    assert type(info.value).__name__ == "FileNotFoundError"
