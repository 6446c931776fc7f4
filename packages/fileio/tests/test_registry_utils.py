"""register_backend: validation, duplicates, force, prefixes, decorator use."""

from __future__ import annotations

import pytest

from mmengine.fileio import BaseStorageBackend, LocalBackend, get_file_backend, register_backend
from mmengine.fileio.backends import backends, prefix_to_backends


class ExampleBackend(BaseStorageBackend):
    def get(self, filepath):
        return b"example"

    def get_text(self, filepath, encoding="utf-8"):
        return "example"


def test_default_table():
    assert backends["local"] is LocalBackend
    assert prefix_to_backends[""] is LocalBackend
    assert {"local", "http", "petrel", "lmdb", "memcached", "s3"} <= set(backends)
    assert {"", "http", "https", "petrel", "s3"} <= set(prefix_to_backends)


def test_register_as_function_and_dispatch_by_prefix():
    register_backend("example", ExampleBackend, prefixes="example")
    assert backends["example"] is ExampleBackend
    backend = get_file_backend("example://bucket/key")
    assert isinstance(backend, ExampleBackend)
    assert isinstance(get_file_backend(backend_args={"backend": "example"}), ExampleBackend)


def test_register_as_decorator_with_prefix_list():
    @register_backend("example2", prefixes=["ex2", "ex3"])
    class Example2(ExampleBackend):
        pass

    assert Example2.__name__ == "Example2"  # the class is returned unchanged
    assert prefix_to_backends["ex2"] is Example2
    assert prefix_to_backends["ex3"] is Example2


@pytest.mark.parametrize(
    "name, backend, message",
    [
        (1, ExampleBackend, "the backend name should be a string"),
        ("bad", "not a class", "backend should be a class"),
        ("bad", dict, "is not a subclass of BaseStorageBackend"),
    ],
)
def test_register_rejects_bad_arguments(name, backend, message):
    with pytest.raises(TypeError, match=message):
        register_backend(name, backend)
    assert "bad" not in backends


def test_register_rejects_bad_prefixes():
    with pytest.raises(TypeError, match='prefixes of backend "example"'):
        register_backend("example", ExampleBackend, prefixes=1)
    with pytest.raises(AssertionError):  # what upstream raised
        register_backend("example", ExampleBackend, prefixes=1)
    assert "example" not in backends


def test_duplicate_name_needs_force():
    register_backend("example", ExampleBackend)
    with pytest.raises(ValueError, match="example is already registered as a storage backend"):
        register_backend("example", LocalBackend)
    assert backends["example"] is ExampleBackend
    # upstream raised ValueError here and KeyError in FileClient: both work
    with pytest.raises(KeyError):
        register_backend("example", LocalBackend)

    class Replacement(ExampleBackend):
        pass

    register_backend("example", Replacement, force=True)
    assert backends["example"] is Replacement


def test_duplicate_prefix_needs_force_and_leaves_tables_untouched():
    with pytest.raises(ValueError, match="http is already registered"):
        register_backend("my_http", ExampleBackend, prefixes="http")
    # A failed call changes nothing, not even the name table.
    assert "my_http" not in backends
    assert prefix_to_backends["http"].__name__ == "HTTPBackend"
    register_backend("my_http", ExampleBackend, prefixes="http", force=True)
    assert prefix_to_backends["http"] is ExampleBackend


def test_force_override_invalidates_cached_singletons(tmp_path):
    path = str(tmp_path / "x")
    first = get_file_backend(path, enable_singleton=True)
    assert isinstance(first, LocalBackend)
    register_backend("local", ExampleBackend, force=True, prefixes="")
    second = get_file_backend(path, enable_singleton=True)
    assert isinstance(second, ExampleBackend)
