"""The deprecated FileClient keeps working and warns."""

from __future__ import annotations

import logging
import os
import sys

import pytest

from mmengine.fileio import (
    BaseStorageBackend,
    FileClient,
    HardDiskBackend,
    HTTPBackend,
    LocalBackend,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


class ExampleBackend(BaseStorageBackend):
    def get(self, filepath):
        return b"example"

    def get_text(self, filepath, encoding="utf-8"):
        return "text"


def test_deprecation_goes_to_current_logger(logged):
    # F3: upstream logs the deprecations at WARNING through the current MMLogger
    FileClient()
    HardDiskBackend()
    messages = [m for m, level in logged if level == logging.WARNING]
    assert any(m.startswith('"FileClient" will be deprecated in future.') for m in messages)
    assert any(
        m.startswith(
            '"HardDiskBackend" is the alias of "LocalBackend" and the former will be '
            "deprecated in future."
        )
        for m in messages
    )


def test_deprecation_warning_without_logging_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "mmengine.logging", None)
    with pytest.warns(DeprecationWarning, match='"FileClient" will be deprecated'):
        FileClient()


def test_default_is_disk_and_singleton():
    client = FileClient()
    assert isinstance(client.client, HardDiskBackend)
    assert isinstance(client.client, LocalBackend)
    assert client.name == "HardDiskBackend"
    assert client.allow_symlink is True
    assert FileClient(backend="disk") is FileClient(backend="disk")
    assert FileClient(backend="disk") is client


def test_prefix_and_backend_priority():
    assert isinstance(FileClient(prefix="http").client, HTTPBackend)
    assert isinstance(FileClient(backend="disk", prefix="http").client, HardDiskBackend)


def test_unknown_backend_or_prefix():
    with pytest.raises(ValueError, match="Backend nope is not supported"):
        FileClient(backend="nope")
    with pytest.raises(ValueError, match="prefix nope is not supported"):
        FileClient(prefix="nope")


def test_parse_uri_prefix_and_infer_client():
    assert FileClient.parse_uri_prefix("s3://path/of/your/file") == "s3"
    assert FileClient.parse_uri_prefix("cluster:s3://path") == "s3"
    assert FileClient.parse_uri_prefix("/local/path") is None
    with pytest.raises(TypeError):
        FileClient.parse_uri_prefix(None)
    assert isinstance(FileClient.infer_client(uri="/local/file").client, HardDiskBackend)
    assert isinstance(FileClient.infer_client(uri="https://host/x").client, HTTPBackend)
    assert isinstance(FileClient.infer_client({"backend": "disk"}).client, HardDiskBackend)
    with pytest.raises(ValueError):
        FileClient.infer_client()


def test_disk_methods_delegate(tmp_path):
    client = FileClient("disk")
    path = str(tmp_path / "dir" / "f.txt")
    client.put(b"bytes", path)
    assert client.get(path) == b"bytes"
    client.put_text("text", path)
    assert client.get_text(path) == "text"
    assert client.exists(path) and client.isfile(path) and client.isdir(tmp_path / "dir")
    assert client.join_path(str(tmp_path), "dir") == os.path.join(str(tmp_path), "dir")
    with client.get_local_path(path) as local:
        assert local == path
    assert list(client.list_dir_or_file(tmp_path / "dir")) == ["f.txt"]
    client.remove(path)
    assert not client.exists(path)


def test_register_backend():
    FileClient.register_backend("example", ExampleBackend)
    assert FileClient(backend="example").get("x") == b"example"
    with pytest.raises(KeyError, match="already registered"):
        FileClient.register_backend("example", ExampleBackend)
    with pytest.raises(TypeError, match="not a subclass of BaseStorageBackend"):
        FileClient.register_backend("bad", dict)
    with pytest.raises(TypeError, match="should be a string"):
        FileClient.register_backend(1, ExampleBackend)

    @FileClient.register_backend("example", force=True, prefixes="ex")
    class Replacement(ExampleBackend):
        def get(self, filepath):
            return b"replacement"

    # cached clients of the replaced backend are dropped
    assert FileClient(backend="example").get("x") == b"replacement"
    assert FileClient(prefix="ex").get("x") == b"replacement"
    assert FileClient.infer_client(uri="ex://a/b").get("x") == b"replacement"


def test_hard_disk_backend_is_deprecated(monkeypatch):
    monkeypatch.setitem(sys.modules, "mmengine.logging", None)
    with pytest.warns(DeprecationWarning, match="HardDiskBackend"):
        HardDiskBackend()
