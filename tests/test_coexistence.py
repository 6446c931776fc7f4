"""Every package of ours refuses to import next to upstream's ``mmengine`` distribution."""

import os
import subprocess
import sys

import pytest


def _fake_site(tmp_path):
    (tmp_path / "mmengine-0.10.7.dist-info").mkdir()
    (tmp_path / "mmengine-0.10.7.dist-info" / "METADATA").write_text("Name: mmengine\n")
    return str(tmp_path)


@pytest.mark.parametrize(
    "module",
    [
        "mmengine.utils",
        "mmengine.config",
        "mmengine.registry",
        "mmengine.dataset",
        "mmengine.runner",
    ],
)
def test_importing_our_package_next_to_upstream_fails_at_once(tmp_path, module):
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
