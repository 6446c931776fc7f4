"""Storage backends and their registry."""

from .base import BaseStorageBackend
from .http_backend import HTTPBackend
from .lmdb_backend import LmdbBackend
from .local_backend import LocalBackend
from .memcached_backend import MemcachedBackend
from .petrel_backend import PetrelBackend
from .registry_utils import backends, prefix_to_backends, register_backend
from .s3_backend import S3Backend

__all__ = [
    "BaseStorageBackend",
    "LocalBackend",
    "HTTPBackend",
    "LmdbBackend",
    "MemcachedBackend",
    "PetrelBackend",
    "S3Backend",
    "register_backend",
    "backends",
    "prefix_to_backends",
]
