"""Shared helpers of the downstream suite: where the zoos are, tiny data sets, config hashing.

Importable without torch or any zoo installed (the suite must collect and skip cleanly then).
``record_upstream.py`` imports :func:`canonical` and :func:`config_digest` too, under upstream
mmengine 0.10.7, so both sides hash ``to_dict()`` the same way.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SHIM_DIR = HERE / "shim"
DATA_DIR = HERE / "data"

#: import name -> (distribution, pinned version)
ZOOS = {
    "mmpretrain": ("mmpretrain", "1.2.0"),
    "mmdet": ("mmdet", "3.3.0"),
    "mmseg": ("mmsegmentation", "1.2.2"),
    "mmpose": ("mmpose", "1.3.2"),
    "mmaction": ("mmaction2", "1.2.0"),
}
MMCV = ("mmcv-lite", "2.1.0")

REQUIRED = os.environ.get("MMENGINE_DOWNSTREAM_REQUIRED") == "1"
INSTALL_HINT = (
    "run `bash tests/downstream/install.sh` and put its target on PYTHONPATH "
    "(`bash tests/downstream/run.sh` does both; see docs/zoos.md)"
)


def package_dir(name: str) -> Path | None:
    """The folder of an importable top-level package, found without importing it."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def missing_zoos() -> list[str]:
    """The zoo packages (and mmcv) that cannot be imported in this environment."""
    return [name for name in ("mmcv", *ZOOS) if package_dir(name) is None]


def site_dir() -> Path | None:
    """The folder the zoos are installed in (the install target, on PYTHONPATH)."""
    found = package_dir("mmdet") or package_dir("mmpretrain") or package_dir("mmseg")
    return found.parent if found else None


def configs_dir(zoo: str) -> Path | None:
    """``<pkg>/.mim/configs`` of an installed zoo."""
    pkg = package_dir(zoo)
    return None if pkg is None else pkg / ".mim" / "configs"


def tool(zoo: str, name: str) -> Path:
    """A zoo's shipped tool, e.g. ``tool('mmdet', 'train.py')``."""
    pkg = package_dir(zoo)
    assert pkg is not None, f"{zoo} is not installed: {INSTALL_HINT}"
    return pkg / ".mim" / "tools" / name


def shipped_configs(zoo: str) -> list[str]:
    """Every ``.py`` config the zoo's wheel ships, relative to its configs folder, sorted."""
    root = configs_dir(zoo)
    if root is None or not root.is_dir():
        return []
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py"))


def install_shim() -> None:
    """Give mmcv-lite the few compiled ops the suite's models need, and mmaction2 the ``drn``
    modules its wheel lacks (in this process; ``shim/sitecustomize.py`` does it at start-up
    for the processes that have ``shim/`` on ``PYTHONPATH``)."""
    if str(SHIM_DIR) not in sys.path:
        sys.path.insert(0, str(SHIM_DIR))
    import mmcv_ext_torchvision

    mmcv_ext_torchvision.install()
    import mmaction_drn

    mmaction_drn.install()


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment a zoo tool runs in: PYTHONPATH = shim, zoo target, then the caller's."""
    env = dict(os.environ)
    parts = [str(SHIM_DIR)]
    site = site_dir()
    if site is not None:
        parts.append(str(site))
    if env.get("PYTHONPATH"):
        parts.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(parts)
    env.setdefault("OMP_NUM_THREADS", "2")
    env.update(extra)
    return env


# --------------------------------------------------------------------------- config hashing


def canonical(value, site: str | None = None):
    """A JSON-able, order-independent form of a ``to_dict()`` value.

    Dict keys are sorted (as strings); tuples stay distinct from lists; classes and functions
    are named by module and qualified name; the install folder is replaced by ``<SITE>`` so
    hashes do not depend on where the zoos were installed.
    """
    if isinstance(value, dict):
        return {"__dict__": sorted(([str(k), canonical(v, site)] for k, v in value.items()))}
    if isinstance(value, tuple):
        return {"__tuple__": [canonical(v, site) for v in value]}
    if isinstance(value, list):
        return [canonical(v, site) for v in value]
    if isinstance(value, str):
        return value.replace(site, "<SITE>") if site else value
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return {"__float__": repr(value)}
    if isinstance(value, type) or callable(value):
        module = getattr(value, "__module__", "?")
        name = getattr(value, "__qualname__", getattr(value, "__name__", repr(value)))
        return {"__object__": f"{module}.{name}"}
    return {"__repr__": f"{type(value).__name__}:{value!r}"}


def digest(value) -> str:
    """A short stable hash of a canonical value."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def config_digest(cfg_dict: dict, site: str | None = None) -> dict[str, str]:
    """Per top-level key hashes of a resolved config's ``to_dict()``."""
    return {str(k): digest(canonical(v, site)) for k, v in cfg_dict.items()}


def replace_paths(value, paths: dict[str, str]):
    """``value`` (a ``to_dict()`` value) with each of ``paths`` (path -> placeholder) replaced
    in every string, longest path first, so a path under another gets its own placeholder.
    Dicts, lists and tuples keep their type; other values are returned as they are."""
    if isinstance(value, dict):
        return {k: replace_paths(v, paths) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(replace_paths(v, paths) for v in value)
    if isinstance(value, str):
        for path in sorted(paths, key=len, reverse=True):
            value = value.replace(path, paths[path])
        return value
    return value


def run_dump_paths(work_dir: Path, data: Path, tmp: Path) -> dict[str, str]:
    """What legitimately differs between two dumps of the same zoo run: its work dir, the
    generated data folder and the temporary folder both live in, as placeholders."""
    return {str(work_dir): "<WORK_DIR>", str(data): "<DATA>", str(tmp): "<TMP>"}


def dump_canonical(cfg_dict: dict, paths: dict[str, str], site: str | None = None) -> dict:
    """Per top-level key, the canonical value of a run's dumped config (``to_dict()``) with
    the run's paths replaced (:func:`run_dump_paths`): equal for two runs of the same config."""
    cfg_dict = replace_paths(cfg_dict, paths)
    return {str(k): canonical(v, site) for k, v in cfg_dict.items()}


def dump_digest(cfg_dict: dict, paths: dict[str, str], site: str | None = None) -> dict[str, str]:
    """:func:`config_digest` of a run's dumped config, its run paths replaced."""
    return config_digest(replace_paths(cfg_dict, paths), site)


def first_difference(ours, theirs, path: str = ""):
    """Where two canonical values first differ: ``(path, ours_part, theirs_part)``, or None.

    ``path`` is dotted (``model.backbone.depth``, ``[2]`` for list items), so a failing
    comparison can name the leaf that differs rather than a whole top-level key.
    """
    if ours == theirs:
        return None
    if isinstance(ours, dict) and isinstance(theirs, dict) and set(ours) == set(theirs):
        if set(ours) == {"__dict__"}:
            a, b = dict(map(tuple, ours["__dict__"])), dict(map(tuple, theirs["__dict__"]))
            if set(a) != set(b):
                return path or "<top>", {"keys": sorted(a)}, {"keys": sorted(b)}
            for key in sorted(a):
                found = first_difference(a[key], b[key], f"{path}.{key}" if path else key)
                if found:
                    return found
        if set(ours) == {"__tuple__"}:
            return first_difference(ours["__tuple__"], theirs["__tuple__"], path)
    if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        for i, (a, b) in enumerate(zip(ours, theirs)):
            found = first_difference(a, b, f"{path}[{i}]")
            if found:
                return found
    return path or "<top>", ours, theirs


def dump_records(records: dict) -> str:
    """JSON with one line per config (``{zoo: {rel: entry}}``), so diffs stay readable."""
    lines = ["{"]
    zoos = sorted(records)
    for i, zoo in enumerate(zoos):
        lines.append(f"{json.dumps(zoo)}: {{")
        rels = sorted(records[zoo])
        for j, rel in enumerate(rels):
            entry = json.dumps(records[zoo][rel], sort_keys=True, separators=(",", ":"))
            lines.append(f"{json.dumps(rel)}: {entry}{',' if j < len(rels) - 1 else ''}")
        lines.append("}" + ("," if i < len(zoos) - 1 else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"


def load_json(name: str) -> dict:
    path = DATA_DIR / name
    return json.loads(path.read_text()) if path.exists() else {}


# --------------------------------------------------------------------------- run logs

_STEP_LINE = re.compile(
    r" - INFO - ((?:Epoch|Iter)\((?:train|val|test)\))\s*(\[\d+\])?\s*(\[\d+/\d+\])\s+(.*)$"
)
_TIMING = {"eta", "time", "data_time", "memory"}


def log_records(text: str) -> list:
    """The numbers of a run log: ``[step, {name: value}]`` per train line and per metrics line.

    ``step`` is e.g. ``Epoch(train)[1][2/3]`` (spacing dropped). Timings are left out, and so
    are the per-iteration val/test lines, which carry nothing else.
    """
    records = []
    for line in text.splitlines():
        match = _STEP_LINE.search(line)
        if not match:
            continue
        values = {}
        for item in re.split(r"\s{2,}", match.group(4).strip()):
            key, sep, raw = item.partition(": ")
            if not sep or key in _TIMING:
                continue
            try:
                values[key] = float(raw)
            except ValueError:
                continue
        if values:
            records.append([match.group(1) + (match.group(2) or "") + match.group(3), values])
    return records


def compare_records(ours: list, theirs: list, rel: float = 1e-3, abs_: float = 2e-3) -> list:
    """Differences between two :func:`log_records` results (empty when they agree).

    Steps are aligned first, so an extra or a missing log line is reported as such and the
    values of the other steps are still compared pairwise.
    """
    import difflib

    problems = []
    steps_ours, steps_theirs = [s for s, _ in ours], [s for s, _ in theirs]
    matcher = difflib.SequenceMatcher(a=steps_ours, b=steps_theirs, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            problems.append(f"only ours logs {steps_ours[i1:i2]} (at position {i1})")
        if tag in ("insert", "replace"):
            problems.append(f"only upstream logs {steps_theirs[j1:j2]} (at position {j1})")
        if tag != "equal":
            continue
        for (step, a), (_, b) in zip(ours[i1:i2], theirs[j1:j2]):
            if set(a) != set(b):
                problems.append(f"{step}: ours logs {sorted(a)}, upstream {sorted(b)}")
            for key in sorted(set(a) & set(b)):
                if not math.isclose(a[key], b[key], rel_tol=rel, abs_tol=abs_):
                    problems.append(f"{step} {key}: ours {a[key]}, upstream {b[key]}")
    return problems


# --------------------------------------------------------------------------- tiny data sets

CLASSES = ("red", "green", "blue")
COLORS = ((40, 40, 220), (40, 200, 40), (220, 60, 40))  # BGR, one per class


def make_data(kind: str, root: Path) -> Path:
    """One of the tiny data sets by the name ``zoo_runs.ZOO_RUNS`` uses."""
    makers = {
        "cls": make_classification_data,
        "coco": make_coco_data,
        "seg": make_segmentation_data,
        "pose": make_pose_data,
        "action": make_action_data,
    }
    return makers[kind](root)


def make_classification_data(root: Path, per_class: int = 2, size: int = 32) -> Path:
    """``root/{train,val}/<class>/<i>.png``: tinted noise, one folder per class (CustomDataset)."""
    import cv2
    import numpy as np

    rng = np.random.default_rng(0)
    for split in ("train", "val"):
        for cls, color in zip(CLASSES, COLORS):
            folder = root / split / cls
            folder.mkdir(parents=True, exist_ok=True)
            for i in range(per_class):
                noise = rng.integers(0, 60, (size, size, 3))
                img = np.clip(noise + np.array(color), 0, 255).astype(np.uint8)
                cv2.imwrite(str(folder / f"{i}.png"), img)
    return root


def make_coco_data(root: Path, n_images: int = 4, size: int = 64) -> Path:
    """``root/images/*.png`` with 1-2 coloured boxes each and ``root/annotations/{train,val}.json``."""
    import cv2
    import numpy as np

    rng = np.random.default_rng(0)
    (root / "images").mkdir(parents=True, exist_ok=True)
    (root / "annotations").mkdir(parents=True, exist_ok=True)
    images, annotations = [], []
    for i in range(n_images):
        img = rng.integers(0, 40, (size, size, 3)).astype(np.uint8)
        name = f"{i:03d}.png"
        for j in range(1 + i % 2):
            cls = (i + j) % len(CLASSES)
            x, y = int(rng.integers(2, size // 2)), int(rng.integers(2, size // 2))
            w, h = int(rng.integers(12, size // 2 - 2)), int(rng.integers(12, size // 2 - 2))
            img[y : y + h, x : x + w] = COLORS[cls]
            annotations.append(
                {
                    "id": len(annotations) + 1,
                    "image_id": i + 1,
                    "category_id": cls + 1,
                    "bbox": [x, y, w, h],
                    "area": w * h,
                    "iscrowd": 0,
                    "segmentation": [[x, y, x + w, y, x + w, y + h, x, y + h]],
                }
            )
        cv2.imwrite(str(root / "images" / name), img)
        images.append({"id": i + 1, "file_name": name, "width": size, "height": size})
    categories = [{"id": k + 1, "name": c} for k, c in enumerate(CLASSES)]
    coco = {"images": images, "annotations": annotations, "categories": categories}
    for split in ("train", "val"):
        (root / "annotations" / f"{split}.json").write_text(json.dumps(coco))
    return root


def make_segmentation_data(root: Path, n_images: int = 4, size: int = 64) -> Path:
    """``root/img_dir/{train,val}/*.png`` and ``root/ann_dir/{train,val}/*.png`` (labels 0-2)."""
    import cv2
    import numpy as np

    rng = np.random.default_rng(0)
    for split in ("train", "val"):
        (root / "img_dir" / split).mkdir(parents=True, exist_ok=True)
        (root / "ann_dir" / split).mkdir(parents=True, exist_ok=True)
        for i in range(n_images):
            img = rng.integers(0, 40, (size, size, 3)).astype(np.uint8)
            mask = np.zeros((size, size), np.uint8)
            for cls in (1, 2):
                x, y = int(rng.integers(0, size // 2)), int(rng.integers(0, size // 2))
                mask[y : y + size // 3, x : x + size // 3] = cls
            for cls, color in enumerate(COLORS):
                img[mask == cls] = np.clip(img[mask == cls] + np.array(color) // 2, 0, 255)
            cv2.imwrite(str(root / "img_dir" / split / f"{i:03d}.png"), img)
            cv2.imwrite(str(root / "ann_dir" / split / f"{i:03d}.png"), mask)
    return root


def make_pose_data(root: Path, n_images: int = 4, size: int = 96, keypoints: int = 17) -> Path:
    """``root/images/*.png``, one person box with 17 drawn keypoints each, and COCO keypoint
    annotations ``root/annotations/{train,val}.json`` (the same images in both)."""
    import cv2
    import numpy as np

    rng = np.random.default_rng(0)
    (root / "images").mkdir(parents=True, exist_ok=True)
    (root / "annotations").mkdir(parents=True, exist_ok=True)
    images, annotations = [], []
    for i in range(n_images):
        img = rng.integers(0, 60, (size, size, 3)).astype(np.uint8)
        x0, y0, w, h = 20 + 4 * i, 10 + 2 * i, 40, 64
        points = []
        for k in range(keypoints):
            kx, ky = x0 + rng.uniform(2, w - 2), y0 + rng.uniform(2, h - 2)
            cv2.circle(img, (int(kx), int(ky)), 2, (255, 255 - 12 * k, 12 * k), -1)
            points += [float(kx), float(ky), 2]
        cv2.imwrite(str(root / "images" / f"{i:03d}.png"), img)
        images.append(dict(id=i + 1, file_name=f"{i:03d}.png", width=size, height=size))
        annotations.append(dict(id=i + 1, image_id=i + 1, category_id=1, bbox=[x0, y0, w, h],
                                area=w * h, iscrowd=0, num_keypoints=keypoints,
                                keypoints=points))  # fmt: skip
    categories = [dict(id=1, name="person", supercategory="person",
                       keypoints=[str(k) for k in range(keypoints)], skeleton=[])]  # fmt: skip
    for split in ("train", "val"):
        coco = dict(images=images, annotations=annotations, categories=categories)
        (root / "annotations" / f"{split}.json").write_text(json.dumps(coco))
    return root


def make_action_data(root: Path, per_class: int = 2, frames: int = 8, size: int = 40) -> Path:
    """Frame folders ``root/{train,val}/<class>_<i>/img_00001.jpg`` (RawframeDataset's default
    file names, 1-based) and their lists ``root/{train,val}.txt`` (``<folder> <frames> <label>``):
    tinted noise per class with a square that moves across the frames."""
    import cv2
    import numpy as np

    rng = np.random.default_rng(0)
    for split in ("train", "val"):
        lines = []
        for label, (cls, color) in enumerate(zip(CLASSES, COLORS)):
            for i in range(per_class):
                video = f"{cls}_{i}"
                folder = root / split / video
                folder.mkdir(parents=True, exist_ok=True)
                for t in range(frames):
                    noise = rng.integers(0, 60, (size, size, 3))
                    img = np.clip(noise + np.array(color) // 2, 0, 255).astype(np.uint8)
                    x = 2 + t * (size - 14) // frames
                    img[12:24, x : x + 10] = color
                    cv2.imwrite(str(folder / f"img_{t + 1:05d}.jpg"), img)
                lines.append(f"{video} {frames} {label}")
        (root / f"{split}.txt").write_text("\n".join(lines) + "\n")
    return root
