"""Storage backend for Amazon S3 and S3-compatible stores, via boto3 (``s3`` extra).

Not part of upstream MMEngine. Select it with ``backend_args={'backend': 's3'}``
(the ``s3://`` prefix keeps mapping to :class:`PetrelBackend`, as upstream).
"""

from __future__ import annotations

import os
import os.path as osp
import tempfile
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from shutil import SameFileError
from typing import Any, Optional, Union

from mmengine.utils import mkdir_or_exist

from .base import BaseStorageBackend
from .local_backend import check_list_args

_NOT_FOUND_CODES = {"404", "NoSuchKey", "NotFound", "NoSuchBucket"}


def _is_not_found(exc: BaseException) -> bool:
    """Whether a botocore ``ClientError`` means "no such key/bucket"."""
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return False
    return str(response.get("Error", {}).get("Code")) in _NOT_FOUND_CODES


class S3Backend(BaseStorageBackend):
    """Amazon S3 (and MinIO, Ceph RGW, ...) storage backend built on boto3.

    Paths look like ``s3://bucket/key``; "directories" are key prefixes
    ending with '/'.

    Args:
        path_mapping (dict, optional): Path mapping dict from local path to
            S3 path. When ``path_mapping={'src': 'dst'}``, ``src`` in
            ``filepath`` will be replaced by ``dst``. Defaults to None.
        client (optional): A ready boto3 S3 client. Defaults to None, in which
            case ``boto3.client('s3', **client_kwargs)`` is created.
        **client_kwargs: Passed to ``boto3.client``, e.g. ``endpoint_url``,
            ``region_name``, ``aws_access_key_id``, ``aws_secret_access_key``.

    Raises:
        ImportError: If boto3 is not installed and no ``client`` is given.

    Examples:
        >>> from mmengine.fileio import load
        >>> # not run by the doctests: it needs ``boto3`` and an S3 bucket
        >>> load('s3://bucket/ann.json', backend_args={'backend': 's3'})  # doctest: +SKIP
    """

    def __init__(
        self, path_mapping: Optional[dict] = None, client: Any = None, **client_kwargs: Any
    ) -> None:
        if path_mapping is not None and not isinstance(path_mapping, dict):
            raise TypeError(f"path_mapping should be a dict or None, but got {type(path_mapping)}")
        self.path_mapping = path_mapping
        if client is None:
            try:
                import boto3
            except ImportError as exc:
                raise ImportError(
                    'S3Backend needs "boto3", which is not installed. Install it with '
                    "`pip install mmengine-ng-fileio[s3]` (or `pip install boto3`)."
                ) from exc
            client = boto3.client("s3", **client_kwargs)
        self._client = client

    # -- path helpers -------------------------------------------------------
    def _map_path(self, filepath: Union[str, Path]) -> str:
        filepath = str(filepath).replace("\\", "/")
        if self.path_mapping is not None:
            for src, dst in self.path_mapping.items():
                filepath = filepath.replace(src, dst, 1)
        return filepath

    def _split(self, filepath: Union[str, Path]) -> tuple[str, str]:
        """Split ``s3://bucket/key`` into ``(bucket, key)``."""
        path = self._map_path(filepath)
        scheme, sep, rest = path.partition("://")
        if not sep or not rest:
            raise ValueError(
                f'S3Backend expects paths like "s3://bucket/key", but got {str(filepath)!r}'
            )
        bucket, _, key = rest.partition("/")
        return bucket, key

    def _dir_prefix(self, key: str) -> str:
        return key if key == "" or key.endswith("/") else key + "/"

    def _iter_keys(self, bucket: str, prefix: str) -> Iterator[str]:
        paginator = self._client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                yield item["Key"]

    # -- reading / writing ---------------------------------------------------
    def get(self, filepath: Union[str, Path]) -> bytes:
        """Read bytes from ``filepath``.

        Raises:
            FileNotFoundError: If the object does not exist.
        """
        bucket, key = self._split(filepath)
        try:
            response = self._client.get_object(Bucket=bucket, Key=key)
        except Exception as exc:
            if _is_not_found(exc):
                raise FileNotFoundError(f"S3 object {str(filepath)!r} does not exist") from exc
            raise
        return response["Body"].read()

    def get_text(self, filepath: Union[str, Path], encoding: str = "utf-8") -> str:
        """Read text from ``filepath``, decoded with ``encoding``."""
        return self.get(filepath).decode(encoding)

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        """Write bytes to ``filepath`` (S3 writes are atomic per object)."""
        bucket, key = self._split(filepath)
        self._client.put_object(Bucket=bucket, Key=key, Body=obj)

    def put_text(self, obj: str, filepath: Union[str, Path], encoding: str = "utf-8") -> None:
        """Write text to ``filepath``, encoded with ``encoding``."""
        self.put(obj.encode(encoding), filepath)

    # -- queries -------------------------------------------------------------
    def isfile(self, filepath: Union[str, Path]) -> bool:
        """Whether an object exists at ``filepath``."""
        bucket, key = self._split(filepath)
        if not key or key.endswith("/"):
            return False
        try:
            self._client.head_object(Bucket=bucket, Key=key)
        except Exception as exc:
            if _is_not_found(exc):
                return False
            raise
        return True

    def isdir(self, filepath: Union[str, Path]) -> bool:
        """Whether some object key starts with ``filepath + '/'``."""
        bucket, key = self._split(filepath)
        response = self._client.list_objects_v2(
            Bucket=bucket, Prefix=self._dir_prefix(key), MaxKeys=1
        )
        return bool(response.get("KeyCount") or response.get("Contents"))

    def exists(self, filepath: Union[str, Path]) -> bool:
        """Whether ``filepath`` is an object or a non-empty prefix."""
        return self.isfile(filepath) or self.isdir(filepath)

    def join_path(self, filepath: Union[str, Path], *filepaths: Union[str, Path]) -> str:
        """Concatenate paths with '/'.

        Examples:
            >>> from mmengine.fileio import S3Backend
            >>> S3Backend(client=object()).join_path('s3://b/dir/', '/sub', 'f')
            's3://b/dir/sub/f'
        """
        parts = [self._map_path(filepath).rstrip("/")]
        parts += [self._map_path(p).strip("/") for p in filepaths]
        return "/".join(parts)

    @contextmanager
    def get_local_path(self, filepath: Union[str, Path]) -> Generator[str, None, None]:
        """Download ``filepath`` to a temporary file, removed on exit."""
        data = self.get(filepath)
        fd, path = tempfile.mkstemp(suffix=osp.splitext(str(filepath))[1])
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            yield path
        finally:
            os.remove(path)

    # -- copying -------------------------------------------------------------
    def copyfile(self, src: Union[str, Path], dst: Union[str, Path]) -> str:
        """Copy an object server side; a directory ``dst`` gets src's name."""
        src, dst = self._map_path(src), self._map_path(dst)
        if self.isdir(dst):
            dst = self.join_path(dst, src.rsplit("/", 1)[-1])
        if src == dst:
            raise SameFileError(f"src and dst should not be the same file: {src!r}")
        src_bucket, src_key = self._split(src)
        dst_bucket, dst_key = self._split(dst)
        self._client.copy_object(
            Bucket=dst_bucket, Key=dst_key, CopySource={"Bucket": src_bucket, "Key": src_key}
        )
        return dst

    def copytree(self, src: Union[str, Path], dst: Union[str, Path]) -> str:
        """Copy every object under ``src`` to ``dst``, which must not exist."""
        src, dst = self._map_path(src), self._map_path(dst)
        if self.exists(dst):
            raise FileExistsError(f"copytree destination {dst!r} already exists")
        for rel in self.list_dir_or_file(src, list_dir=False, recursive=True):
            self.copyfile(self.join_path(src, rel), self.join_path(dst, rel))
        return dst

    def copyfile_from_local(self, src: Union[str, Path], dst: Union[str, Path]) -> str:
        """Upload a local file (multipart for large files)."""
        dst = self._map_path(dst)
        if self.isdir(dst):
            dst = self.join_path(dst, osp.basename(src))
        bucket, key = self._split(dst)
        self._client.upload_file(str(src), bucket, key)
        return dst

    def copytree_from_local(self, src: Union[str, Path], dst: Union[str, Path]) -> str:
        """Upload a local directory tree to ``dst``, which must not exist."""
        dst = self._map_path(dst)
        if self.exists(dst):
            raise FileExistsError(f"copytree destination {dst!r} already exists")
        for cur_dir, _, files in os.walk(src):
            for name in files:
                local = osp.join(cur_dir, name)
                rel = osp.relpath(local, src).replace(os.sep, "/")
                self.copyfile_from_local(local, self.join_path(dst, rel))
        return dst

    def copyfile_to_local(self, src: Union[str, Path], dst: Union[str, Path]) -> Union[str, Path]:
        """Download an object to a local file or directory."""
        if osp.isdir(dst):
            basename = str(src).rsplit("/", 1)[-1]
            dst = osp.join(dst, basename) if isinstance(dst, str) else Path(dst) / basename
        bucket, key = self._split(src)
        self._client.download_file(bucket, key, str(dst))
        return dst

    def copytree_to_local(self, src: Union[str, Path], dst: Union[str, Path]) -> Union[str, Path]:
        """Download every object under ``src`` into the local ``dst``."""
        for rel in self.list_dir_or_file(src, list_dir=False, recursive=True):
            local = osp.join(dst, rel)
            mkdir_or_exist(osp.dirname(local))
            bucket, key = self._split(self.join_path(src, rel))
            self._client.download_file(bucket, key, local)
        return dst

    # -- removing ------------------------------------------------------------
    def remove(self, filepath: Union[str, Path]) -> None:
        """Delete one object.

        Raises:
            IsADirectoryError: If ``filepath`` is a prefix ("directory").
            FileNotFoundError: If nothing exists at ``filepath``.
        """
        if not self.isfile(filepath):
            if self.isdir(filepath):
                raise IsADirectoryError(
                    f"Cannot remove {str(filepath)!r}: it is a directory; use rmtree() instead"
                )
            raise FileNotFoundError(f"Cannot remove {str(filepath)!r}: it does not exist")
        bucket, key = self._split(filepath)
        self._client.delete_object(Bucket=bucket, Key=key)

    def rmtree(self, dir_path: Union[str, Path]) -> None:
        """Delete every object under ``dir_path`` (in batches of 1000)."""
        bucket, key = self._split(dir_path)
        keys = list(self._iter_keys(bucket, self._dir_prefix(key)))
        for start in range(0, len(keys), 1000):
            batch = [{"Key": k} for k in keys[start : start + 1000]]
            self._client.delete_objects(Bucket=bucket, Delete={"Objects": batch})

    def copy_if_symlink_fails(self, src: Union[str, Path], dst: Union[str, Path]) -> bool:
        """Copy ``src`` to ``dst``: S3 has no symbolic links. Returns False."""
        if self.isfile(src):
            self.copyfile(src, dst)
        else:
            self.copytree(src, dst)
        return False

    def list_dir_or_file(
        self,
        dir_path: Union[str, Path],
        list_dir: bool = True,
        list_file: bool = True,
        suffix: Optional[Union[str, tuple[str, ...]]] = None,
        recursive: bool = False,
    ) -> Iterator[str]:
        """Scan a prefix for "directories" and objects, relative to ``dir_path``."""
        check_list_args(list_dir, suffix, list_file)
        bucket, key = self._split(dir_path)
        root = self._dir_prefix(key)
        paginator = self._client.get_paginator("list_objects_v2")

        def scan(prefix: str) -> Iterator[str]:
            for page in paginator.paginate(Bucket=bucket, Prefix=prefix, Delimiter="/"):
                for item in page.get("Contents", []):
                    rel = item["Key"][len(root) :]
                    if not rel or rel.endswith("/"):
                        continue  # a "directory marker" object
                    if list_file and (suffix is None or rel.endswith(suffix)):
                        yield rel
                for common in page.get("CommonPrefixes", []):
                    sub = common["Prefix"]
                    if list_dir:
                        yield sub[len(root) : -1]
                    if recursive:
                        yield from scan(sub)

        return scan(root)

    def generate_presigned_url(
        self, url: str, client_method: str = "get_object", expires_in: int = 3600
    ) -> str:
        """Generate a presigned URL for ``url``.

        Args:
            url (str): ``s3://bucket/key`` to sign.
            client_method (str): 'get_object' or 'put_object'.
                Default: 'get_object'.
            expires_in (int): expires, in seconds. Default: 3600.

        Returns:
            str: Generated presigned url.
        """
        bucket, key = self._split(url)
        return self._client.generate_presigned_url(
            client_method, Params={"Bucket": bucket, "Key": key}, ExpiresIn=expires_in
        )
