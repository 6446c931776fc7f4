import os.path as osp

import pytest

DATA = osp.join(osp.dirname(__file__), "data", "config")


@pytest.fixture
def data_dir():
    return DATA


@pytest.fixture
def write(tmp_path):
    """Write ``{relative_path: text}`` under tmp_path and return tmp_path."""

    def _write(files):
        for rel, text in files.items():
            path = tmp_path / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return tmp_path

    return _write
