"""Importing mmengine.fileio stays cheap: optional clients load lazily."""

from __future__ import annotations

import subprocess
import sys

import pytest


def test_import_does_not_load_optional_or_heavy_modules():
    code = (
        "import sys, mmengine.fileio; "
        "print(sorted(m for m in ('lmdb', 'boto3', 'pymemcache', 'mc', 'petrel_client', "
        "'urllib.request', 'ssl', 'numpy', 'torch') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "[]"


def test_public_api():
    import mmengine.fileio as fileio

    expected = {
        "BaseStorageBackend", "FileClient", "PetrelBackend", "MemcachedBackend", "LmdbBackend",
        "HardDiskBackend", "LocalBackend", "HTTPBackend", "copy_if_symlink_fails", "copyfile",
        "copyfile_from_local", "copyfile_to_local", "copytree", "copytree_from_local",
        "copytree_to_local", "exists", "generate_presigned_url", "get", "get_file_backend",
        "get_local_path", "get_text", "isdir", "isfile", "join_path", "list_dir_or_file", "put",
        "put_text", "remove", "rmtree", "load", "dump", "register_handler", "BaseFileHandler",
        "JsonHandler", "PickleHandler", "YamlHandler", "list_from_file", "dict_from_file",
        "register_backend",
    }  # fmt: skip
    assert expected <= set(fileio.__all__)
    for name in fileio.__all__:
        assert getattr(fileio, name) is not None


def test_upstream_module_level_names():
    # names upstream binds in these modules (downstream imports or patches them there)
    from mmengine.fileio.backends.petrel_backend import has_method
    from mmengine.fileio.file_client import is_filepath
    from mmengine.fileio.handlers import register_handler as real_register_handler
    from mmengine.fileio.io import register_handler
    from mmengine.utils import has_method as real_has_method
    from mmengine.utils import is_filepath as real_is_filepath

    assert has_method is real_has_method and is_filepath is real_is_filepath
    assert register_handler is real_register_handler


def test_print_log_is_served_lazily():
    logging_pkg = pytest.importorskip("mmengine.logging")
    from mmengine.fileio.backends.base import print_log
    from mmengine.fileio.file_client import print_log as print_log2

    assert print_log is print_log2 is logging_pkg.print_log
