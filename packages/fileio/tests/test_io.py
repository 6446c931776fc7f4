"""The io functions: backend selection by prefix and delegation."""

from __future__ import annotations

import os
import sys
import types
from pathlib import Path
from unittest.mock import MagicMock

import pytest

import mmengine.fileio as fileio
from mmengine.fileio import (
    HTTPBackend,
    LocalBackend,
    PetrelBackend,
    get_file_backend,
)
from mmengine.fileio import io as fileio_io
from mmengine.fileio.io import _parse_uri_prefix


@pytest.fixture
def fake_petrel(monkeypatch):
    """Install a stand-in for SenseTime's petrel_client package."""
    client_module = types.ModuleType("petrel_client.client")
    client_module.Client = MagicMock(name="Client")
    package = types.ModuleType("petrel_client")
    package.client = client_module
    monkeypatch.setitem(sys.modules, "petrel_client", package)
    monkeypatch.setitem(sys.modules, "petrel_client.client", client_module)
    return client_module.Client


@pytest.mark.parametrize(
    "uri, prefix",
    [
        ("/home/path/of/file", ""),
        ("relative/file.txt", ""),
        (Path("/a/b"), ""),
        ("s3://bucket/file", "s3"),
        ("clusterName:s3://bucket/file", "s3"),
        ("http://host/a.json", "http"),
        ("https://host/a.json?x=http://y", "https"),
    ],
)
def test_parse_uri_prefix(uri, prefix):
    assert _parse_uri_prefix(uri) == prefix


def test_parse_uri_prefix_rejects_non_paths():
    with pytest.raises(TypeError, match="uri should be a str or Path"):
        _parse_uri_prefix(123)
    with pytest.raises(AssertionError):  # what upstream raised
        _parse_uri_prefix(None)


def test_get_file_backend_by_prefix(fake_petrel):
    assert isinstance(get_file_backend("/tmp/file"), LocalBackend)
    assert isinstance(get_file_backend(Path("/tmp/file")), LocalBackend)
    assert isinstance(get_file_backend("http://host/file"), HTTPBackend)
    assert isinstance(get_file_backend("https://host/file"), HTTPBackend)
    assert isinstance(get_file_backend("s3://bucket/file"), PetrelBackend)
    assert isinstance(get_file_backend("petrel://bucket/file"), PetrelBackend)


def test_backend_args_name_wins_over_prefix(fake_petrel):
    backend = get_file_backend("/tmp/file", backend_args={"backend": "petrel", "enable_mc": False})
    assert isinstance(backend, PetrelBackend)
    fake_petrel.assert_called_with(conf_path=None, enable_mc=False)
    assert isinstance(get_file_backend(backend_args={"backend": "local"}), LocalBackend)


def test_get_file_backend_errors():
    with pytest.raises(ValueError, match="uri should not be None"):
        get_file_backend()
    with pytest.raises(KeyError, match="unknown://"):
        get_file_backend("unknown://x")
    with pytest.raises(KeyError, match='"nope" given in backend_args is not registered'):
        get_file_backend("/tmp/x", backend_args={"backend": "nope"})


def test_enable_singleton():
    a = get_file_backend("/tmp/a", enable_singleton=True)
    b = get_file_backend("/other/b", enable_singleton=True)
    assert a is b
    c = get_file_backend("/tmp/a", backend_args={"backend": "local"}, enable_singleton=True)
    assert c is get_file_backend("/x", backend_args={"backend": "local"}, enable_singleton=True)
    assert get_file_backend("/tmp/a") is not get_file_backend("/tmp/a")


def test_singleton_cache_keys(fake_petrel, monkeypatch):
    monkeypatch.setattr(fileio_io, "backend_instances", {})
    local = get_file_backend("/data/x", enable_singleton=True)
    assert fileio_io.backend_instances == {":{}": local}
    args = {"path_mapping": {"src": "dst"}, "enable_mc": True}
    petrel = get_file_backend("petrel://bucket/x", backend_args=args, enable_singleton=True)
    key = 'petrel:{"path_mapping": {"src": "dst"}, "enable_mc": true}'
    assert fileio_io.backend_instances[key] is petrel
    # the io functions share the same cache
    fileio.exists("/data/x")
    assert len(fileio_io.backend_instances) == 2


def test_local_functions_round_trip(tmp_path):
    root = tmp_path / "root"
    path = str(root / "f.txt")
    fileio.put(b"bytes", path)
    assert fileio.get(path) == b"bytes"
    fileio.put_text("text", path)
    assert fileio.get_text(path) == "text"
    fileio.put_text("gbk 中文", path, encoding="gbk")
    assert fileio.get_text(path, encoding="gbk") == "gbk 中文"
    assert fileio.exists(path) and fileio.isfile(path) and fileio.isdir(root)
    assert not fileio.isfile(root) and not fileio.exists(root / "missing")
    assert fileio.join_path(str(root), "a", "b") == os.path.join(str(root), "a", "b")
    with fileio.get_local_path(path) as local:
        assert str(local) == path
    assert fileio.copyfile(path, str(root / "g.txt")) == str(root / "g.txt")
    assert fileio.copyfile_from_local(path, str(root / "h.txt")) == str(root / "h.txt")
    assert fileio.copyfile_to_local(path, str(root / "i.txt")) == str(root / "i.txt")
    assert sorted(fileio.list_dir_or_file(root)) == ["f.txt", "g.txt", "h.txt", "i.txt"]
    assert fileio.copytree(root, tmp_path / "r2") == tmp_path / "r2"
    assert fileio.copytree_from_local(root, tmp_path / "r3") == tmp_path / "r3"
    assert fileio.copytree_to_local(root, tmp_path / "r4") == tmp_path / "r4"
    assert fileio.copy_if_symlink_fails(path, str(tmp_path / "link")) is True
    fileio.remove(path)
    assert not fileio.exists(path)
    fileio.rmtree(tmp_path / "r2")
    assert not (tmp_path / "r2").exists()
    assert sorted(fileio.list_dir_or_file(tmp_path, list_file=False)) == ["r3", "r4", "root"]


def test_generate_presigned_url(fake_petrel):
    fake_petrel.return_value.generate_presigned_url.return_value = "https://signed"
    assert fileio.generate_presigned_url("s3://bucket/v.mp4", expires_in=60) == "https://signed"
    fake_petrel.return_value.generate_presigned_url.assert_called_with(
        "s3://bucket/v.mp4", "get_object", 60
    )
    with pytest.raises(NotImplementedError, match="LocalBackend cannot generate presigned"):
        fileio.generate_presigned_url("/local/video.mp4")


def test_functions_use_backend_args(tmp_path):
    backend_args = {"backend": "local"}
    path = str(tmp_path / "f.bin")
    fileio.put(b"x", path, backend_args=backend_args)
    assert fileio.get(path, backend_args=backend_args) == b"x"
    assert fileio.exists(path, backend_args=backend_args)
