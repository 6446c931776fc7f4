"""The guard against upstream's monolithic ``mmengine`` in the same environment."""

import sys

import pytest

from mmengine.utils import _coexist


def _fake_site(tmp_path, name="mmengine-0.10.7.dist-info"):
    (tmp_path / name).mkdir()
    (tmp_path / name / "METADATA").write_text("Name: mmengine\nVersion: 0.10.7\n")
    return str(tmp_path)


def test_find_upstream_sees_upstream_dist_info_only(tmp_path):
    ours = tmp_path / "ours"
    ours.mkdir()
    for name in ("mmengine_ng-0.11.0.dist-info", "mmengine_ng_config-0.1.0.dist-info"):
        (ours / name).mkdir()
    assert _coexist.find_upstream([str(ours)]) is None
    upstream = tmp_path / "upstream"
    upstream.mkdir()
    site = _fake_site(upstream)
    assert _coexist.find_upstream([str(ours), site]) == (site, "mmengine-0.10.7.dist-info")
    lite = tmp_path / "lite"
    lite.mkdir()
    assert _coexist.find_upstream([_fake_site(lite, "mmengine_lite-0.10.4.dist-info")])


def test_check_no_upstream_raises_once_naming_both_and_the_fix(tmp_path, monkeypatch):
    site = _fake_site(tmp_path)
    monkeypatch.setattr(sys, "path", [*sys.path, site])
    monkeypatch.delenv("MMENGINE_NG_ALLOW_UPSTREAM", raising=False)
    monkeypatch.setattr(_coexist, "_checked", False)
    with pytest.raises(_coexist.UpstreamMMEngineInstalled) as err:
        _coexist.check_no_upstream()
    message = str(err.value)
    assert f"`mmengine` 0.10.7 is installed in {site}" in message
    assert "pip uninstall -y mmengine" in message and "mmengine-ng" in message
    _coexist.check_no_upstream()  # checked once per process: no second search
    monkeypatch.setattr(_coexist, "_checked", False)
    monkeypatch.setenv("MMENGINE_NG_ALLOW_UPSTREAM", "1")
    _coexist.check_no_upstream()  # the documented opt-out
