"""list_from_file and dict_from_file."""

from __future__ import annotations

import pytest

from mmengine.fileio import dict_from_file, list_from_file


@pytest.fixture
def list_file(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("a\nb\nc\nd\ne\n")
    return str(path)


@pytest.fixture
def dict_file(tmp_path):
    path = tmp_path / "b.txt"
    path.write_text("1 cat\n2 dog cow\n3\tpanda\n")
    return str(path)


def test_list_from_file(list_file):
    assert list_from_file(list_file) == ["a", "b", "c", "d", "e"]
    assert list_from_file(list_file, offset=2) == ["c", "d", "e"]
    assert list_from_file(list_file, max_num=2) == ["a", "b"]
    assert list_from_file(list_file, max_num=0) == ["a", "b", "c", "d", "e"]
    assert list_from_file(list_file, max_num=-1) == ["a", "b", "c", "d", "e"]
    assert list_from_file(list_file, offset=3, max_num=1) == ["d"]
    assert list_from_file(list_file, offset=10) == []
    assert list_from_file(list_file, prefix="/mnt/") == [
        "/mnt/a",
        "/mnt/b",
        "/mnt/c",
        "/mnt/d",
        "/mnt/e",
    ]


def test_list_from_file_windows_newlines_and_encoding(tmp_path):
    path = tmp_path / "w.txt"
    path.write_bytes("甲\r\n乙\r\n".encode("gbk"))
    assert list_from_file(str(path), encoding="gbk") == ["甲", "乙"]


def test_dict_from_file(dict_file):
    assert dict_from_file(dict_file) == {"1": "cat", "2": ["dog", "cow"], "3": "panda"}
    assert dict_from_file(dict_file, key_type=int) == {1: "cat", 2: ["dog", "cow"], 3: "panda"}


def test_dict_from_file_encoding_and_bad_line(tmp_path):
    path = tmp_path / "enc.txt"
    path.write_bytes("键 值\n".encode("gbk"))
    assert dict_from_file(str(path), encoding="gbk") == {"键": "值"}
    bad = tmp_path / "bad.txt"
    bad.write_text("1 cat\nlonely\n")
    with pytest.raises(ValueError, match="line 2"):
        dict_from_file(str(bad))


@pytest.mark.filterwarnings("ignore:.*FileClient.*:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:.*file_client_args.*:DeprecationWarning")
def test_file_client_args_is_deprecated(list_file):
    with pytest.warns(DeprecationWarning, match="file_client_args"):
        assert list_from_file(list_file, file_client_args={"backend": "disk"}) == list("abcde")
    with pytest.raises(ValueError, match="cannot be set at the same time"):
        list_from_file(list_file, file_client_args={"backend": "disk"}, backend_args={})


@pytest.mark.filterwarnings("ignore:.*FileClient.*:DeprecationWarning")
def test_dict_from_file_with_file_client_args(dict_file):
    with pytest.warns(DeprecationWarning, match="file_client_args"):
        assert dict_from_file(dict_file, file_client_args={"backend": "disk"})["1"] == "cat"
