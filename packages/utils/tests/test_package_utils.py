import os.path as osp
import subprocess
import sys

import pytest

from mmengine.utils import call_command, get_installed_path, install_package, is_installed
from mmengine.utils.package_utils import package2module


def test_is_installed(tmp_path, monkeypatch):
    assert is_installed("rich")
    assert is_installed("rich")
    assert not is_installed("no_such_package_xyz")
    # modules found on sys.path (not installed as distributions) count too
    (tmp_path / "local_mod_xyz.py").write_text("X = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert is_installed("local_mod_xyz")


def test_get_installed_path(tmp_path, monkeypatch):
    import rich  # a dependency of mmengine-ng-utils

    assert get_installed_path("rich") == osp.dirname(rich.__file__)
    pkg = tmp_path / "local_pkg_xyz"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert get_installed_path("local_pkg_xyz") == str(pkg)
    with pytest.raises(Exception, match="no_such_package_xyz"):
        get_installed_path("no_such_package_xyz")


def test_package2module():
    assert package2module("rich") == "rich"


def test_call_command():
    call_command([sys.executable, "-c", "pass"])
    with pytest.raises(subprocess.CalledProcessError):
        call_command([sys.executable, "-c", "raise SystemExit(3)"])


def test_install_package_skips_installed(monkeypatch):
    calls = []
    monkeypatch.setattr("mmengine.utils.package_utils.call_command", calls.append)
    install_package("rich")
    assert calls == []
    install_package("no_such_package_xyz")
    assert calls and calls[0][-1] == "no_such_package_xyz"
    assert calls[0][1:4] == ["-m", "pip", "install"]
