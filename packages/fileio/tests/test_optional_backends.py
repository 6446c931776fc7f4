"""Backends whose client libraries are optional: clear errors, real behaviour."""

from __future__ import annotations

import sys
import types
from unittest.mock import MagicMock

import pytest

from mmengine.fileio import LmdbBackend, MemcachedBackend, PetrelBackend, get_file_backend


def test_lmdb_missing_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "lmdb", None)  # import lmdb -> ImportError
    with pytest.raises(ImportError, match=r"pip install mmengine-ng-fileio\[lmdb\]"):
        LmdbBackend("/tmp/db")
    with pytest.raises(ImportError, match="lmdb"):
        get_file_backend(backend_args={"backend": "lmdb", "db_path": "/tmp/db"})


def test_memcached_missing_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "mc", None)
    monkeypatch.setitem(sys.modules, "pymemcache", None)
    monkeypatch.setitem(sys.modules, "pymemcache.client", None)
    monkeypatch.setitem(sys.modules, "pymemcache.client.hash", None)
    with pytest.raises(ImportError, match=r"pip install mmengine-ng-fileio\[memcached\]"):
        MemcachedBackend("servers.conf", "client.conf")


def test_petrel_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "petrel_client", None)
    with pytest.raises(ImportError, match="petrel_client"):
        PetrelBackend()
    with pytest.raises(ImportError, match="petrel_client"):
        get_file_backend("s3://bucket/key")


def test_lmdb_reads_through_the_lmdb_api(monkeypatch):
    store = {b"key": b"value"}
    txn = MagicMock()
    txn.__enter__.return_value.get.side_effect = store.get
    env = MagicMock()
    env.begin.return_value = txn
    fake = types.ModuleType("lmdb")
    fake.open = MagicMock(return_value=env)
    monkeypatch.setitem(sys.modules, "lmdb", fake)

    backend = LmdbBackend("/path/db", readonly=True, lock=False, readahead=False, max_readers=8)
    fake.open.assert_not_called()  # opened lazily, so it can cross process boundaries
    assert backend.get("key") == b"value"
    fake.open.assert_called_once_with(
        "/path/db", readonly=True, lock=False, readahead=False, max_readers=8
    )
    env.begin.assert_called_with(write=False)
    with pytest.raises(NotImplementedError):
        backend.get_text("key")


def test_memcached_with_pymemcache(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "mc", None)
    hash_module = types.ModuleType("pymemcache.client.hash")
    hash_module.HashClient = MagicMock(name="HashClient")
    hash_module.HashClient.return_value.get.side_effect = {"img.jpg": b"jpeg"}.get
    monkeypatch.setitem(sys.modules, "pymemcache", types.ModuleType("pymemcache"))
    monkeypatch.setitem(sys.modules, "pymemcache.client", types.ModuleType("pymemcache.client"))
    monkeypatch.setitem(sys.modules, "pymemcache.client.hash", hash_module)
    servers = tmp_path / "servers.conf"
    servers.write_text("# memcached servers\n10.0.0.1:11211\n10.0.0.2 11212\n")
    backend = MemcachedBackend(str(servers), None)
    hash_module.HashClient.assert_called_once_with([("10.0.0.1", 11211), ("10.0.0.2", 11212)])
    assert backend.get("img.jpg") == b"jpeg"
    with pytest.raises(FileNotFoundError, match="missing"):
        backend.get("missing")
    servers.write_text("not-a-server\n")
    with pytest.raises(ValueError, match='expected "host:port"'):
        MemcachedBackend(str(servers), None)


class FakePetrelClient:
    """In-memory stand-in for petrel_client.client.Client."""

    def __init__(self, conf_path=None, enable_mc=True):
        self.objects: dict[str, bytes] = {}

    def Get(self, path):  # noqa: N802 - petrel's API name
        return self.objects[path]

    def put(self, path, data):
        self.objects[path] = bytes(data)

    def contains(self, path):
        return path in self.objects

    def isdir(self, path):
        prefix = path.rstrip("/") + "/"
        return any(key.startswith(prefix) for key in self.objects)

    def delete(self, path):
        del self.objects[path]

    def list(self, path):
        prefix = path if path.endswith("/") else path + "/"
        seen = set()
        names = []
        for key in sorted(self.objects):
            if key.startswith(prefix):
                rest = key[len(prefix) :]
                head, sep, _ = rest.partition("/")
                name = head + sep
                if name not in seen:
                    seen.add(name)
                    names.append(name)
        return iter(names)


@pytest.fixture
def petrel(monkeypatch):
    client_module = types.ModuleType("petrel_client.client")
    client_module.Client = FakePetrelClient
    package = types.ModuleType("petrel_client")
    package.client = client_module
    monkeypatch.setitem(sys.modules, "petrel_client", package)
    monkeypatch.setitem(sys.modules, "petrel_client.client", client_module)
    return PetrelBackend(path_mapping={"/local/data/": "s3://bucket/data/"})


def test_petrel_backend_round_trip(petrel, tmp_path):
    petrel.put_text("hello", "petrel://bucket/dir/a.txt")
    assert petrel._client.objects == {"s3://bucket/dir/a.txt": b"hello"}
    assert petrel.get("s3://bucket/dir/a.txt") == b"hello"
    assert petrel.get_text("s3://bucket/dir/a.txt") == "hello"
    petrel.put(b"x", "/local/data/b.bin")  # path_mapping applies
    assert petrel.get("s3://bucket/data/b.bin") == b"x"
    assert petrel.exists("s3://bucket/dir") and petrel.isdir("s3://bucket/dir")
    assert petrel.isfile("s3://bucket/dir/a.txt") and not petrel.isfile("s3://bucket/dir")
    assert petrel.join_path("s3://bucket/dir/", "/sub", "f") == "s3://bucket/dir/sub/f"
    with petrel.get_local_path("s3://bucket/dir/a.txt") as path:
        with open(path, "rb") as f:
            assert f.read() == b"hello"
    assert petrel.copyfile("s3://bucket/dir/a.txt", "s3://bucket/dir2/a.txt")
    assert sorted(petrel.list_dir_or_file("s3://bucket", recursive=True)) == [
        "data",
        "data/b.bin",
        "dir",
        "dir/a.txt",
        "dir2",
        "dir2/a.txt",
    ]
    assert list(petrel.list_dir_or_file("s3://bucket/dir", list_dir=False, suffix=".txt")) == [
        "a.txt"
    ]
    out = tmp_path / "out"
    petrel.copytree_to_local("s3://bucket/dir", str(out))
    assert (out / "a.txt").read_bytes() == b"hello"
    petrel.remove("s3://bucket/dir2/a.txt")
    with pytest.raises(FileNotFoundError):
        petrel.remove("s3://bucket/dir2/a.txt")
    with pytest.raises(IsADirectoryError):
        petrel.remove("s3://bucket/dir")
    petrel.rmtree("s3://bucket/dir")
    assert not petrel.exists("s3://bucket/dir")
    assert petrel.copy_if_symlink_fails("s3://bucket/data/b.bin", "s3://bucket/c.bin") is False
    assert petrel.get("s3://bucket/c.bin") == b"x"


def test_petrel_path_mapping_must_be_dict(petrel):
    # F1: checked once the client is importable; AssertionError as upstream
    with pytest.raises(AssertionError, match="path_mapping should be a dict or None"):
        PetrelBackend(path_mapping="s3://x")
    assert PetrelBackend(path_mapping=None).path_mapping is None
