"""Record what upstream mmengine 0.10.7 does with the zoos (black box), as test data.

``configs OUT``: for each ``<zoo>/.mim/configs/**.py``, ``Config.fromfile`` and, per top-level
key of ``to_dict()``, a short hash of the canonical value (``downstream_helpers.canonical``),
or the exception upstream raised (``data/upstream_config_hashes.json``, for
``test_configs.py``).

``runs OUT``: the tiny runs of ``zoo_runs.py`` through each zoo's tools, and the numbers their
logs show (losses, learning rates, metrics; ``data/upstream_runs.json``, for ``test_tools.py``):
``train`` (two epochs), ``uninterrupted`` (the same run carried on to the resumed length in
one go: what a resumed run should reproduce; upstream's own ``--resume`` re-seeds and does
not), ``test`` (``tools/test.py`` on the uninterrupted run's final checkpoint) and, for the
zoos whose ``tools/test.py`` has ``--tta``, ``tta`` (the same with test-time augmentation).
``dump``: the config the ``train`` run dumped into its work dir, reloaded with
``Config.fromfile``: per top-level key of ``to_dict()`` a hash, as for the shipped configs,
with the work dir, the data folder and the temporary folder replaced by placeholders
(``downstream_helpers.dump_digest``), and the canonical value itself, for failure messages.

Run it from outside the repository, with upstream mmengine and the zoos on the path::

    cd /tmp && PYTHONPATH=/path/to/mmengine-0.10.7:<zoo target> \\
        <repo>/.venv/bin/python <repo>/tests/downstream/record_upstream.py configs \\
        <repo>/tests/downstream/data/upstream_config_hashes.json

(upstream needs ``pkg_resources``, i.e. setuptools < 81, for ``mmdet::``-style bases). Zoo
names after ``OUT`` record only those zoos again and keep the others' records in ``OUT``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import downstream_helpers as dh  # noqa: E402
from zoo_runs import ZOO_RUNS  # noqa: E402


def _check_upstream() -> str:
    import mmengine

    assert mmengine.__version__ == "0.10.7", f"run this under upstream 0.10.7, not {mmengine}"
    dh.install_shim()
    return mmengine.__version__


def _previous(out: str, zoos: list[str]) -> dict:
    """What ``out`` holds already when only some zoos are re-recorded (else nothing)."""
    unknown = sorted(set(zoos) - set(dh.ZOOS))
    if unknown:
        sys.exit(f"unknown zoo(s) {unknown}: the suite's zoos are {sorted(dh.ZOOS)}")
    return json.loads(Path(out).read_text()) if zoos and Path(out).is_file() else {}


def record_configs(out: str, zoos: list[str]) -> None:
    from mmengine.config import Config

    version = _check_upstream()
    site = str(dh.site_dir())
    result: dict = _previous(out, zoos)
    result["_meta"] = {
        "mmengine": version,
        "zoos": {z: v for z, (_, v) in dh.ZOOS.items()},
        "hash": "per top-level key: sha256(json(canonical(value)))[:12]",
    }
    for zoo in zoos or dh.ZOOS:
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


def _tool(zoo: str, name: str, *args: str, cwd: Path) -> None:
    cmd = [sys.executable, str(dh.tool(zoo, name)), *args]
    # Upstream 0.10.7 cannot load its own checkpoints under torch >= 2.6 otherwise
    # (weights_only=True refuses its HistoryBuffer pickles); torch's documented opt-out.
    env = dh.subprocess_env(TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD="1")
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")


def _newest_log(work_dir: Path) -> str:
    return sorted(work_dir.glob("*/*.log"), key=lambda p: p.stat().st_mtime)[-1].read_text()


def _dump_record(dumped: Path, paths: dict[str, str]) -> dict:
    """The config a ``train`` run dumped into its work dir, as upstream reloads it: per
    top-level key of ``to_dict()`` the hash (``keys``) and the canonical JSON (``values``, for
    the failure messages) with the run's own paths replaced by placeholders."""
    from mmengine.config import Config

    cfg_dict = Config.fromfile(str(dumped)).to_dict()
    site = str(dh.site_dir())
    values = dh.dump_canonical(cfg_dict, paths, site)
    return {
        "keys": dh.dump_digest(cfg_dict, paths, site),
        "values": {
            k: json.dumps(v, sort_keys=True, separators=(",", ":")) for k, v in values.items()
        },
    }


def record_runs(out: str, zoos: list[str]) -> None:
    version = _check_upstream()
    result: dict = _previous(out, zoos)
    result["_meta"] = {"mmengine": version, "torch": __import__("torch").__version__}
    with tempfile.TemporaryDirectory() as tmp:
        for zoo, spec in ZOO_RUNS.items():
            if zoos and zoo not in zoos:
                continue
            start = time.time()
            root = Path(tmp) / zoo
            data = dh.make_data(spec["data"], root / "data")
            config = root / f"tiny_{zoo}.py"
            config.write_text(spec["config"].format(root=str(data)))
            work_dir = root / "work_dir"
            _tool(zoo, "train.py", str(config), "--work-dir", str(work_dir), cwd=root)
            train = dh.log_records(_newest_log(work_dir))
            dump = _dump_record(
                work_dir / config.name, dh.run_dump_paths(work_dir, data, Path(tmp))
            )
            full_dir = root / "uninterrupted"
            _tool(zoo, "train.py", str(config), "--work-dir", str(full_dir),
                  "--cfg-options", *spec["more"], cwd=root)  # fmt: skip
            uninterrupted = dh.log_records(_newest_log(full_dir))
            test_dir = root / "test_dir"
            _tool(zoo, "test.py", str(full_dir / config.name), str(full_dir / spec["final"]),
                  "--work-dir", str(test_dir), cwd=root)  # fmt: skip
            test = dh.log_records(_newest_log(test_dir))
            result[zoo] = {"train": train, "uninterrupted": uninterrupted, "test": test,
                           "dump": dump}  # fmt: skip
            if spec.get("tta"):  # tools/test.py --tta: the zoo's test-time augmentation model
                tta_dir = root / "tta_dir"
                _tool(zoo, "test.py", str(full_dir / config.name), str(full_dir / spec["final"]),
                      "--tta", "--work-dir", str(tta_dir), cwd=root)  # fmt: skip
                result[zoo]["tta"] = dh.log_records(_newest_log(tta_dir))
            print(f"{zoo}: {len(train)}/{len(uninterrupted)}/{len(test)} records, "
                  f"{time.time() - start:.0f}s")  # fmt: skip
    Path(out).write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("configs", "runs"):
        sys.exit("usage: record_upstream.py {configs|runs} OUT.json [ZOO ...]")
    # With zoos named, only theirs are recorded again; OUT keeps the other zoos' records.
    {"configs": record_configs, "runs": record_runs}[sys.argv[1]](sys.argv[2], sys.argv[3:])
