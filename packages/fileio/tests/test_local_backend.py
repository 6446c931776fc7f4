"""LocalBackend: the behaviour every local path relies on."""

from __future__ import annotations

import os
from pathlib import Path
from shutil import SameFileError

import pytest

from mmengine.fileio import LocalBackend


@pytest.fixture
def backend() -> LocalBackend:
    return LocalBackend()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """dir1/{a.txt, b.py, .hidden, sub/{c.txt, d.py}}, dir1/empty/."""
    root = tmp_path / "dir1"
    (root / "sub").mkdir(parents=True)
    (root / "empty").mkdir()
    (root / "a.txt").write_text("a")
    (root / "b.py").write_text("b")
    (root / ".hidden").write_text("h")
    (root / "sub" / "c.txt").write_text("c")
    (root / "sub" / "d.py").write_text("d")
    return root


@pytest.mark.parametrize("as_path", [False, True])
def test_put_get_round_trip(backend, tmp_path, as_path):
    target = tmp_path / "nested" / "deeper" / "file.bin"
    path = target if as_path else str(target)
    backend.put(b"\x00binary\xff", path)  # parent directories are created
    assert backend.get(path) == b"\x00binary\xff"
    backend.put(b"second", path)  # overwrite
    assert target.read_bytes() == b"second"


def test_put_text_get_text_encoding(backend, tmp_path):
    path = str(tmp_path / "sub" / "text.txt")
    backend.put_text("héllo\nworld", path)
    assert backend.get_text(path) == "héllo\nworld"
    backend.put_text("中文", path, encoding="gbk")
    assert backend.get_text(path, encoding="gbk") == "中文"
    assert Path(path).read_bytes() == "中文".encode("gbk")


def test_put_rejects_wrong_types(backend, tmp_path):
    with pytest.raises(TypeError):
        backend.put("not bytes", str(tmp_path / "x"))
    with pytest.raises(TypeError, match="put_text expects a str"):
        backend.put_text(b"bytes", str(tmp_path / "x"))
    assert os.listdir(tmp_path) == []


def test_get_missing_file(backend, tmp_path):
    with pytest.raises(FileNotFoundError):
        backend.get(tmp_path / "missing")


def test_queries(backend, tree):
    assert backend.name == "LocalBackend"
    assert backend.allow_symlink is True
    assert backend.exists(tree) and backend.exists(tree / "a.txt")
    assert not backend.exists(tree / "nope")
    assert backend.isdir(tree) and not backend.isdir(tree / "a.txt")
    assert backend.isfile(tree / "a.txt") and not backend.isfile(tree)


def test_join_path(backend):
    assert backend.join_path("/path/of/dir1", "dir2", "path/of/file") == (
        os.path.join("/path/of/dir1", "dir2", "path/of/file")
    )
    assert backend.join_path(Path("/a"), "b") == os.path.join("/a", "b")


def test_get_local_path_yields_path_and_keeps_file(backend, tree):
    target = tree / "a.txt"
    with backend.get_local_path(target) as path:
        assert path == target
    assert target.exists()


def test_copyfile(backend, tree, tmp_path):
    src = tree / "a.txt"
    dst = tmp_path / "copy.txt"
    assert backend.copyfile(src, dst) == dst
    assert dst.read_text() == "a"
    dst_dir = tmp_path / "dst_dir"
    dst_dir.mkdir()
    result = backend.copyfile(str(src), str(dst_dir))
    assert result == str(dst_dir / "a.txt")
    assert (dst_dir / "a.txt").read_text() == "a"
    with pytest.raises(SameFileError):
        backend.copyfile(src, src)
    assert backend.copyfile_from_local(src, tmp_path / "c2") == tmp_path / "c2"
    assert backend.copyfile_to_local(src, tmp_path / "c3") == tmp_path / "c3"
    assert (tmp_path / "c3").read_text() == "a"


def test_copytree(backend, tree, tmp_path):
    dst = tmp_path / "tree2"
    assert backend.copytree(tree, dst) == dst
    assert (dst / "sub" / "c.txt").read_text() == "c"
    with pytest.raises(FileExistsError):
        backend.copytree(tree, dst)
    assert backend.copytree_from_local(tree, tmp_path / "t3") == tmp_path / "t3"
    assert backend.copytree_to_local(tree, tmp_path / "t4") == tmp_path / "t4"
    assert (tmp_path / "t4" / "b.py").exists()


def test_remove_and_rmtree(backend, tree):
    backend.remove(tree / "a.txt")
    assert not (tree / "a.txt").exists()
    with pytest.raises(FileNotFoundError, match="does not exist"):
        backend.remove(tree / "a.txt")
    with pytest.raises(IsADirectoryError, match="rmtree"):
        backend.remove(tree / "sub")
    backend.rmtree(tree)
    assert not tree.exists()


def test_copy_if_symlink_fails(backend, tree, tmp_path, monkeypatch):
    link = tmp_path / "link.txt"
    assert backend.copy_if_symlink_fails(tree / "a.txt", link) is True
    assert link.is_symlink() and link.read_text() == "a"

    def no_symlink(*args, **kwargs):
        raise Exception("symlinks not supported here")

    monkeypatch.setattr(os, "symlink", no_symlink)
    file_copy = tmp_path / "copy.txt"
    assert backend.copy_if_symlink_fails(tree / "a.txt", file_copy) is False
    assert not file_copy.is_symlink() and file_copy.read_text() == "a"
    dir_copy = tmp_path / "dircopy"
    assert backend.copy_if_symlink_fails(tree, dir_copy) is False
    assert (dir_copy / "sub" / "d.py").read_text() == "d"


def _norm(paths):
    return sorted(p.replace(os.sep, "/") for p in paths)


def test_list_dir_or_file(backend, tree):
    assert _norm(backend.list_dir_or_file(tree)) == ["a.txt", "b.py", "empty", "sub"]
    assert _norm(backend.list_dir_or_file(tree, list_dir=False)) == ["a.txt", "b.py"]
    assert _norm(backend.list_dir_or_file(tree, list_file=False)) == ["empty", "sub"]
    assert _norm(backend.list_dir_or_file(tree, list_dir=False, suffix=".txt")) == ["a.txt"]
    assert _norm(backend.list_dir_or_file(tree, list_dir=False, suffix=(".txt", ".py"))) == [
        "a.txt",
        "b.py",
    ]
    assert _norm(backend.list_dir_or_file(tree, recursive=True)) == [
        "a.txt",
        "b.py",
        "empty",
        "sub",
        "sub/c.txt",
        "sub/d.py",
    ]
    assert _norm(backend.list_dir_or_file(tree, list_dir=False, suffix=".py", recursive=True)) == [
        "b.py",
        "sub/d.py",
    ]
    assert _norm(backend.list_dir_or_file(tree, list_file=False, recursive=True)) == [
        "empty",
        "sub",
    ]


def test_list_dir_or_file_argument_errors(backend, tree):
    with pytest.raises(TypeError) as exc:
        list(backend.list_dir_or_file(tree, suffix=".txt"))
    # F2: upstream's phrase first, the project's explanation after it
    assert str(exc.value).startswith("`list_dir` should be False when `suffix` is not None")
    assert "`suffix` should be None when `list_dir` is True" in str(exc.value)
    with pytest.raises(TypeError, match="`suffix` must be a string or tuple of strings"):
        list(backend.list_dir_or_file(tree, list_dir=False, suffix=[".txt"]))
