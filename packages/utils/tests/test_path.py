import os
import os.path as osp
from pathlib import Path

import pytest

from mmengine.utils import (
    check_file_exist,
    fopen,
    is_abs,
    is_filepath,
    mkdir_or_exist,
    scandir,
    symlink,
)
from mmengine.utils.path import find_vcs_root


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "b.JPG").write_text("b")
    (tmp_path / ".hidden.txt").write_text("h")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "c.txt").write_text("c")
    (sub / "d.py").write_text("d")
    return tmp_path


def test_is_filepath():
    assert is_filepath("a/b")
    assert is_filepath(Path("a"))
    assert not is_filepath(1)


def test_fopen(tmp_path):
    p = tmp_path / "f.txt"
    with fopen(str(p), "w") as f:
        f.write("hi")
    with fopen(p) as f:
        assert f.read() == "hi"
    with pytest.raises(ValueError):
        fopen(1)


def test_check_file_exist(tmp_path):
    p = tmp_path / "x"
    with pytest.raises(FileNotFoundError, match="does not exist"):
        check_file_exist(str(p))
    with pytest.raises(FileNotFoundError, match="custom x"):
        check_file_exist(str(p), "custom {}".replace("{}", "x") + " {}")
    p.write_text("")
    check_file_exist(str(p))
    # a directory is not a file
    with pytest.raises(FileNotFoundError):
        check_file_exist(str(tmp_path))


def test_mkdir_or_exist(tmp_path):
    d = tmp_path / "x" / "y"
    mkdir_or_exist(str(d))
    assert d.is_dir()
    mkdir_or_exist(d)  # existing: no error
    mkdir_or_exist("")  # no-op


def test_symlink(tmp_path):
    src1 = tmp_path / "s1"
    src2 = tmp_path / "s2"
    src1.write_text("1")
    src2.write_text("2")
    dst = tmp_path / "link"
    symlink(str(src1), str(dst))
    assert dst.read_text() == "1"
    symlink(str(src2), str(dst))
    assert dst.read_text() == "2"
    with pytest.raises(FileExistsError):
        symlink(str(src1), str(dst), overwrite=False)


def test_scandir(tree):
    assert sorted(scandir(tree)) == ["a.txt", "b.JPG"]
    assert sorted(scandir(str(tree), ".txt")) == ["a.txt"]
    assert sorted(scandir(tree, (".txt", ".py"), recursive=True)) == [
        "a.txt",
        osp.join("sub", "c.txt"),
        osp.join("sub", "d.py"),
    ]
    assert sorted(scandir(tree, ".jpg")) == []
    assert sorted(scandir(tree, ".jpg", case_sensitive=False)) == ["b.JPG"]
    assert sorted(scandir(tree, (".JPG", ".TXT"), case_sensitive=False)) == ["a.txt", "b.JPG"]
    with pytest.raises(TypeError):
        scandir(tree, 123)
    with pytest.raises(TypeError):
        scandir(123)


def test_find_vcs_root(tmp_path):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    deep = repo / "a" / "b"
    deep.mkdir(parents=True)
    (deep / "f.py").write_text("")
    assert find_vcs_root(str(deep)) == str(repo)
    assert find_vcs_root(str(deep / "f.py")) == str(repo)
    assert find_vcs_root(str(deep), markers=(".no_marker_xyz",)) is None


def test_is_abs():
    assert is_abs("/tmp/x")
    assert is_abs("http://a/b")
    assert is_abs("https://a/b")
    assert is_abs("s3://bucket/key")
    assert not is_abs("a/b")
    assert not is_abs(os.curdir)
