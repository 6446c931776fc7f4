"""S3Backend (boto3) against an in-memory stand-in for the boto3 S3 client."""

from __future__ import annotations

import sys

import pytest

import mmengine.fileio as fileio
from mmengine.fileio import S3Backend


class FakeClientError(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.response = {"Error": {"Code": code}}


class _Body:
    def __init__(self, data):
        self._data = data

    def read(self):
        return self._data


class FakeS3:
    """The subset of the boto3 S3 client API that S3Backend uses."""

    def __init__(self):
        self.objects: dict[tuple[str, str], bytes] = {}

    def get_object(self, Bucket, Key):  # noqa: N803 - boto3 names
        if (Bucket, Key) not in self.objects:
            raise FakeClientError("NoSuchKey")
        return {"Body": _Body(self.objects[Bucket, Key])}

    def put_object(self, Bucket, Key, Body):  # noqa: N803
        self.objects[Bucket, Key] = bytes(Body)

    def head_object(self, Bucket, Key):  # noqa: N803
        if (Bucket, Key) not in self.objects:
            raise FakeClientError("404")
        return {}

    def _keys(self, bucket, prefix):
        return sorted(k for b, k in self.objects if b == bucket and k.startswith(prefix))

    def list_objects_v2(self, Bucket, Prefix="", MaxKeys=1000):  # noqa: N803
        keys = self._keys(Bucket, Prefix)[:MaxKeys]
        return {"KeyCount": len(keys), "Contents": [{"Key": k} for k in keys]}

    def get_paginator(self, name):
        assert name == "list_objects_v2"
        return self

    def paginate(self, Bucket, Prefix="", Delimiter=None):  # noqa: N803
        contents, prefixes = [], []
        for key in self._keys(Bucket, Prefix):
            rest = key[len(Prefix) :]
            if Delimiter and Delimiter in rest:
                common = Prefix + rest.split(Delimiter, 1)[0] + Delimiter
                if {"Prefix": common} not in prefixes:
                    prefixes.append({"Prefix": common})
            else:
                contents.append({"Key": key})
        page = {"Contents": contents}
        if prefixes:
            page["CommonPrefixes"] = prefixes
        return [page]

    def copy_object(self, Bucket, Key, CopySource):  # noqa: N803
        self.objects[Bucket, Key] = self.objects[CopySource["Bucket"], CopySource["Key"]]

    def upload_file(self, filename, bucket, key):
        with open(filename, "rb") as f:
            self.objects[bucket, key] = f.read()

    def download_file(self, bucket, key, filename):
        with open(filename, "wb") as f:
            f.write(self.objects[bucket, key])

    def delete_object(self, Bucket, Key):  # noqa: N803
        del self.objects[Bucket, Key]

    def delete_objects(self, Bucket, Delete):  # noqa: N803
        for item in Delete["Objects"]:
            del self.objects[Bucket, item["Key"]]

    def generate_presigned_url(self, method, Params, ExpiresIn):  # noqa: N803
        return f"https://signed/{Params['Bucket']}/{Params['Key']}?m={method}&e={ExpiresIn}"


@pytest.fixture
def s3():
    return S3Backend(client=FakeS3())


def test_missing_boto3_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "boto3", None)
    with pytest.raises(ImportError, match=r"pip install mmengine-ng-fileio\[s3\]"):
        S3Backend()
    with pytest.raises(ImportError, match="boto3"):
        fileio.get_file_backend(backend_args={"backend": "s3"})


def test_round_trip_and_queries(s3):
    s3.put(b"bytes", "s3://bkt/dir/a.bin")
    s3.put_text("text", "s3://bkt/dir/sub/b.txt")
    assert s3.get("s3://bkt/dir/a.bin") == b"bytes"
    assert s3.get_text("s3://bkt/dir/sub/b.txt") == "text"
    with pytest.raises(FileNotFoundError, match="s3://bkt/missing"):
        s3.get("s3://bkt/missing")
    assert s3.isfile("s3://bkt/dir/a.bin") and not s3.isfile("s3://bkt/dir")
    assert s3.isdir("s3://bkt/dir") and s3.isdir("s3://bkt/dir/") and not s3.isdir("s3://bkt/x")
    assert s3.exists("s3://bkt/dir") and not s3.exists("s3://bkt/nothing")
    assert s3.join_path("s3://bkt/dir/", "/sub/", "f.txt") == "s3://bkt/dir/sub/f.txt"
    with pytest.raises(ValueError, match="s3://bucket/key"):
        s3.get("no-scheme")


def test_listing(s3):
    for key in ("d/a.txt", "d/b.py", "d/sub/c.txt", "d/sub/deep/e.txt"):
        s3.put(b"x", f"s3://bkt/{key}")
    assert sorted(s3.list_dir_or_file("s3://bkt/d")) == ["a.txt", "b.py", "sub"]
    assert sorted(s3.list_dir_or_file("s3://bkt/d", recursive=True)) == [
        "a.txt",
        "b.py",
        "sub",
        "sub/c.txt",
        "sub/deep",
        "sub/deep/e.txt",
    ]
    assert sorted(
        s3.list_dir_or_file("s3://bkt/d", list_dir=False, suffix=".txt", recursive=True)
    ) == ["a.txt", "sub/c.txt", "sub/deep/e.txt"]
    with pytest.raises(TypeError, match="`suffix` should be None"):
        s3.list_dir_or_file("s3://bkt/d", suffix=".txt")


def test_copy_remove_and_local_transfers(s3, tmp_path):
    s3.put(b"1", "s3://bkt/d/a.txt")
    s3.put(b"2", "s3://bkt/d/sub/b.txt")
    assert s3.copyfile("s3://bkt/d/a.txt", "s3://bkt/d/sub") == "s3://bkt/d/sub/a.txt"
    assert s3.get("s3://bkt/d/sub/a.txt") == b"1"
    assert s3.copytree("s3://bkt/d", "s3://bkt/e") == "s3://bkt/e"
    assert s3.get("s3://bkt/e/sub/b.txt") == b"2"
    with pytest.raises(FileExistsError):
        s3.copytree("s3://bkt/d", "s3://bkt/e")
    local = tmp_path / "local"
    s3.copytree_to_local("s3://bkt/d", str(local))
    assert (local / "sub" / "b.txt").read_bytes() == b"2"
    assert s3.copyfile_to_local("s3://bkt/d/a.txt", str(tmp_path)) == str(tmp_path / "a.txt")
    assert s3.copytree_from_local(str(local), "s3://bkt/up") == "s3://bkt/up"
    assert s3.get("s3://bkt/up/sub/b.txt") == b"2"
    assert s3.copyfile_from_local(str(tmp_path / "a.txt"), "s3://bkt/f.txt") == "s3://bkt/f.txt"
    with pytest.raises(IsADirectoryError):
        s3.remove("s3://bkt/d")
    s3.remove("s3://bkt/f.txt")
    with pytest.raises(FileNotFoundError):
        s3.remove("s3://bkt/f.txt")
    s3.rmtree("s3://bkt/d")
    assert not s3.exists("s3://bkt/d") and s3.exists("s3://bkt/e")
    with s3.get_local_path("s3://bkt/e/a.txt") as path:
        with open(path, "rb") as f:
            assert f.read() == b"1"
    assert s3.copy_if_symlink_fails("s3://bkt/e/a.txt", "s3://bkt/g.txt") is False
    assert s3.generate_presigned_url("s3://bkt/g.txt", expires_in=5).endswith("e=5")


def test_through_io_functions(monkeypatch, tmp_path):
    client = FakeS3()
    args = {"backend": "s3", "client": client}
    fileio.dump({"a": 1}, "s3://bkt/x.json", backend_args=args)
    assert fileio.load("s3://bkt/x.json", backend_args=args) == {"a": 1}
    assert fileio.exists("s3://bkt/x.json", backend_args=args)
