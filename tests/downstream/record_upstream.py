"""Record how upstream mmengine 0.10.7 resolves every config the zoos ship (black box).

For each ``<zoo>/.mim/configs/**.py`` it loads ``Config.fromfile`` and stores, per top-level
key of ``to_dict()``, a short hash of the canonical value (``downstream_helpers.canonical``),
or the exception upstream raised. ``test_configs.py`` then checks that this project resolves
each config to the same dict. Run it once, from outside the repository, with upstream mmengine
and the zoos on the path, e.g.::

    cd /tmp && PYTHONPATH=/path/to/mmengine-0.10.7:<repo>/tests/downstream/shim:<zoo target> \\
        <repo>/.venv/bin/python <repo>/tests/downstream/record_upstream.py \\
        <repo>/tests/downstream/data/upstream_config_hashes.json

(upstream needs ``pkg_resources``, i.e. setuptools < 81, for ``mmdet::``-style bases).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import downstream_helpers as dh  # noqa: E402


def main(out: str) -> None:
    import mmengine
    from mmengine.config import Config

    assert mmengine.__version__ == "0.10.7", f"run this under upstream 0.10.7, not {mmengine}"
    dh.install_shim()
    site = str(dh.site_dir())
    result: dict = {
        "_meta": {
            "mmengine": mmengine.__version__,
            "zoos": {z: v for z, (_, v) in dh.ZOOS.items()},
            "hash": "per top-level key: sha256(json(canonical(value)))[:12]",
        }
    }
    for zoo in dh.ZOOS:
        start = time.time()
        root = dh.configs_dir(zoo)
        entries = {}
        for rel in dh.shipped_configs(zoo):
            try:
                cfg = Config.fromfile(str(root / rel))
                entries[rel] = {"keys": dh.config_digest(cfg.to_dict(), site)}
            except Exception as exc:  # recorded, not raised: upstream's own failures are data
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                first = first.replace(site, "<SITE>")
                entries[rel] = {"error": f"{type(exc).__name__}: {first[:200]}"}
        result[zoo] = entries
        errors = sum("error" in e for e in entries.values())
        print(f"{zoo}: {len(entries)} configs, {errors} errors, {time.time() - start:.0f}s")
    Path(out).write_text(dh.dump_records(result))


if __name__ == "__main__":
    main(sys.argv[1])
