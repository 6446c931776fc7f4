"""The guard against upstream's monolithic ``mmengine`` in the same environment."""

import os
import subprocess
import sys

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


def test_importing_our_package_next_to_upstream_fails_at_once(tmp_path, module="mmengine.utils"):
    env = dict(os.environ)
    _fake_site(tmp_path)
    env.pop("MMENGINE_NG_ALLOW_UPSTREAM", None)
    code = f"import sys; sys.path.append({str(tmp_path)!r}); import {module}"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert proc.returncode != 0
    assert "UpstreamMMEngineInstalled" in proc.stderr
    assert "`mmengine` 0.10.7 is installed in" in proc.stderr
    assert "pip uninstall -y mmengine" in proc.stderr
    assert "mmengine-ng" in proc.stderr
    env["MMENGINE_NG_ALLOW_UPSTREAM"] = "1"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
