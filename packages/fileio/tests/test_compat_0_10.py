"""Behaviours compared black-box with mmengine 0.10.7 (the expected strings and
exception classes were recorded by running the same calls against 0.10.7)."""

from __future__ import annotations

import logging
import sys

import pytest

from mmengine.fileio import (
    FileClient,
    HardDiskBackend,
    LmdbBackend,
    LocalBackend,
    MemcachedBackend,
    PetrelBackend,
    generate_presigned_url,
    remove,
)

pytestmark = pytest.mark.filterwarnings(
    "ignore::DeprecationWarning"
)  # pytest.warns still sees them


def test_deprecation_log_lines_are_0_10s(logged):
    FileClient()
    HardDiskBackend()
    assert (
        '"FileClient" will be deprecated in future. Please use io functions in '
        "https://mmengine.readthedocs.io/en/latest/api/fileio.html#file-io",
        logging.WARNING,
    ) in logged
    assert (
        '"HardDiskBackend" is the alias of "LocalBackend" and the former will be '
        "deprecated in future.",
        logging.WARNING,
    ) in logged


def test_allow_symlink_logs_its_deprecation(logged):
    assert LocalBackend().allow_symlink is True
    assert logged == [("allow_symlink will be deprecated in future", logging.WARNING)]
    logged.clear()
    assert FileClient("http").allow_symlink is False
    assert ("allow_symlink will be deprecated in future", logging.WARNING) in logged


@pytest.mark.parametrize(
    ("build", "modules", "sentence"),
    [
        (lambda: PetrelBackend(), ["petrel_client"], "Please install petrel_client to enable"),
        (lambda: LmdbBackend("x.lmdb"), ["lmdb"], 'Please run "pip install lmdb" to enable'),
        (
            lambda: MemcachedBackend("servers.txt", "client.conf"),
            ["mc", "pymemcache", "pymemcache.client", "pymemcache.client.hash"],
            "Please install memcached to enable MemcachedBackend.",
        ),
    ],
)
def test_missing_optional_client_leads_with_0_10_sentence(monkeypatch, build, modules, sentence):
    for name in modules:
        monkeypatch.setitem(sys.modules, name, None)  # import fails
    with pytest.raises(ImportError) as info:
        build()
    assert str(info.value).startswith(sentence)


def test_remove_errors_lead_with_0_10_sentences(tmp_path):
    missing = tmp_path / "gone.bin"
    with pytest.raises(FileNotFoundError, match=f"^filepath {missing} does not exist"):
        remove(str(missing))
    with pytest.raises(IsADirectoryError, match="^filepath should be a file"):
        remove(str(tmp_path))


def test_presigned_url_of_a_local_path_is_an_attribute_error(tmp_path):
    # 0.10.7: AttributeError: 'LocalBackend' object has no attribute 'generate_presigned_url'
    with pytest.raises(AttributeError, match="'LocalBackend' object has no attribute"):
        generate_presigned_url(str(tmp_path / "x.mp4"))
    with pytest.raises(NotImplementedError):
        generate_presigned_url(str(tmp_path / "x.mp4"))


def test_file_client_args_messages_lead_with_0_10_sentences(tmp_path):
    from mmengine.fileio import dump, load

    path = str(tmp_path / "a.json")
    with pytest.warns(DeprecationWarning) as record:
        dump({"a": 1}, path, file_client_args={"backend": "disk"})
    assert any(
        str(w.message).startswith(
            '"file_client_args" will be deprecated in future. Please use "backend_args" instead'
        )
        for w in record
    )
    with pytest.raises(
        ValueError, match='^"file_client_args" and "backend_args" cannot be set at the same time.'
    ):
        load(path, file_client_args={"backend": "disk"}, backend_args={"backend": "local"})
