"""HTTPBackend against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import functools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.error import HTTPError

import pytest

import mmengine.fileio as fileio
from mmengine.fileio import HTTPBackend


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - keep test output clean
        pass


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("www")
    (root / "hello.txt").write_bytes("hello wörld".encode())
    (root / "data.json").write_text('{"a": [1, 2]}')
    (root / "list.txt").write_text("x\ny\nz\n")
    handler = functools.partial(_QuietHandler, directory=str(root))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.timeout = 5
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def test_get_and_get_text(server):
    backend = HTTPBackend()
    assert backend.get(f"{server}/hello.txt") == "hello wörld".encode()
    assert backend.get_text(f"{server}/hello.txt") == "hello wörld"
    assert fileio.get(f"{server}/hello.txt") == "hello wörld".encode()


def test_get_local_path_is_removed_afterwards(server):
    with fileio.get_local_path(f"{server}/hello.txt") as path:
        assert os.path.isfile(path)
        with open(path, "rb") as f:
            assert f.read() == "hello wörld".encode()
    assert not os.path.exists(path)


def test_load_and_parse_over_http(server):
    assert fileio.load(f"{server}/data.json") == {"a": [1, 2]}
    assert fileio.list_from_file(f"{server}/list.txt", offset=1) == ["y", "z"]


def test_missing_url_names_the_url(server):
    url = f"{server}/missing.txt"
    with pytest.raises(HTTPError, match="missing.txt") as excinfo:
        HTTPBackend().get(url)
    assert excinfo.value.code == 404


def test_urlopen_can_be_patched():
    from unittest.mock import patch

    with patch("mmengine.fileio.backends.http_backend.urlopen") as fake:
        fake.return_value.read.return_value = b"patched"
        assert HTTPBackend().get("http://example.invalid/x") == b"patched"
        fake.assert_called_once_with("http://example.invalid/x")
