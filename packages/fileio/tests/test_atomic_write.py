"""Local writes are atomic: a failure never leaves a half-written file."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import mmengine.fileio as fileio
from mmengine.fileio.backends import atomic_write


def _entries(directory: Path) -> list[str]:
    return sorted(os.listdir(directory))


def test_failure_mid_write_keeps_old_content(tmp_path, monkeypatch):
    target = tmp_path / "ckpt.bin"
    fileio.put(b"old complete content", target)

    def failing_write(fd, data):
        os.write(fd, bytes(data)[:3])  # part of the data hits the disk ...
        raise OSError(28, "No space left on device")  # ... then the disk is full

    monkeypatch.setattr(atomic_write, "_write", failing_write)
    with pytest.raises(OSError, match="No space left"):
        fileio.put(b"new content that never completes", target)
    assert target.read_bytes() == b"old complete content"
    assert _entries(tmp_path) == ["ckpt.bin"]  # no temporary file left behind


def test_interrupt_mid_write_keeps_old_content(tmp_path, monkeypatch):
    target = tmp_path / "log.json"
    fileio.dump({"epoch": 1}, target)

    def interrupted(fd, data):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic_write, "_write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fileio.dump({"epoch": 2}, target)
    assert fileio.load(target) == {"epoch": 1}
    assert _entries(tmp_path) == ["log.json"]


def test_failed_rename_cleans_up_and_names_destination(tmp_path):
    target = tmp_path / "a_directory"
    target.mkdir()
    with pytest.raises(OSError) as excinfo:
        fileio.put(b"data", target)
    assert excinfo.value.filename == str(target)
    assert _entries(tmp_path) == ["a_directory"]
    assert _entries(target) == []


def test_new_file_not_visible_until_complete(tmp_path, monkeypatch):
    target = tmp_path / "new.bin"
    seen = []

    def spying_write(fd, data):
        seen.append(target.exists())
        return os.write(fd, data)

    monkeypatch.setattr(atomic_write, "_write", spying_write)
    fileio.put(b"payload", target)
    assert seen == [False]
    assert target.read_bytes() == b"payload"


def test_partial_os_writes_are_completed(tmp_path, monkeypatch):
    def short_write(fd, data):
        return os.write(fd, bytes(memoryview(data)[:5]))

    monkeypatch.setattr(atomic_write, "_write", short_write)
    payload = bytes(range(256)) * 3
    fileio.put(payload, tmp_path / "big.bin")
    assert (tmp_path / "big.bin").read_bytes() == payload
    fileio.put(bytearray(b"0123456789abc"), tmp_path / "ba.bin")
    assert (tmp_path / "ba.bin").read_bytes() == b"0123456789abc"


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_permissions_follow_umask_like_open(tmp_path):
    old = os.umask(0o027)
    try:
        with open(tmp_path / "plain", "wb") as f:
            f.write(b"x")
        fileio.put(b"x", tmp_path / "atomic")
        fileio.put_text("x", tmp_path / "atomic_text")
    finally:
        os.umask(old)
    expected = stat.S_IMODE(os.stat(tmp_path / "plain").st_mode)
    assert expected == 0o640
    assert stat.S_IMODE(os.stat(tmp_path / "atomic").st_mode) == expected
    assert stat.S_IMODE(os.stat(tmp_path / "atomic_text").st_mode) == expected


def test_missing_parent_is_created_and_errors_are_clear(tmp_path):
    fileio.put_text("hi", tmp_path / "a" / "b" / "c.txt")
    assert (tmp_path / "a" / "b" / "c.txt").read_text() == "hi"
    blocker = tmp_path / "file"
    blocker.write_text("not a dir")
    with pytest.raises(OSError):
        fileio.put(b"x", blocker / "child.bin")
    assert blocker.read_text() == "not a dir"


def test_stale_temp_name_is_skipped(tmp_path, monkeypatch):
    target = tmp_path / "f.bin"
    nxt = next(atomic_write._counter) + 1
    stale = tmp_path / f".f.bin{atomic_write._tag}{nxt}.tmp"
    stale.write_bytes(b"left by a crashed process")
    fileio.put(b"fresh", target)
    assert target.read_bytes() == b"fresh"
    assert stale.read_bytes() == b"left by a crashed process"


def test_long_file_name(tmp_path):
    name = "n" * 240
    fileio.put(b"long", tmp_path / name)
    assert (tmp_path / name).read_bytes() == b"long"
    assert _entries(tmp_path) == [name]


def test_concurrent_writers_never_mix(tmp_path):
    target = tmp_path / "shared.bin"
    payloads = [bytes([i]) * 4096 for i in range(8)]
    errors = []

    def writer(data):
        try:
            for _ in range(20):
                fileio.put(data, target)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(p,)) for p in payloads]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors
    assert target.read_bytes() in payloads
    assert _entries(tmp_path) == ["shared.bin"]


@pytest.mark.skipif(
    os.name == "nt" or os.geteuid() == 0, reason="needs POSIX permissions and a non-root user"
)
def test_permission_error_names_destination(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(PermissionError) as excinfo:
            fileio.put(b"x", locked / "f.bin")
        assert excinfo.value.filename == str(locked / "f.bin")
    finally:
        locked.chmod(0o700)


def test_open_error_names_destination(tmp_path, monkeypatch):
    def denied(path, flags, mode):
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(atomic_write, "_open", denied)
    with pytest.raises(PermissionError) as excinfo:
        fileio.put(b"x", tmp_path / "f.bin")
    assert excinfo.value.filename == str(tmp_path / "f.bin")
    assert "f.bin" in str(excinfo.value) and ".tmp" not in str(excinfo.value)


def test_failed_dump_leaves_previous_file(tmp_path):
    target = tmp_path / "results.json"
    fileio.dump({"ok": 1}, target)
    with pytest.raises(TypeError, match="unsupported for json dump"):
        fileio.dump({"bad": object()}, target)
    assert fileio.load(target) == {"ok": 1}
    assert _entries(tmp_path) == ["results.json"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_forked_child_uses_its_own_pid_in_temp_names():
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        try:
            os.write(write_fd, atomic_write._tag.encode())
        finally:
            os._exit(0)
    os.close(write_fd)
    child_tag = os.read(read_fd, 100).decode()
    os.close(read_fd)
    os.waitpid(pid, 0)
    assert child_tag == f".{atomic_write._HOST}.{pid}."
    assert atomic_write._tag == f".{atomic_write._HOST}.{os.getpid()}."


# ---------------------------------------------------------------- atomic_open


def test_atomic_open_streams_then_renames(tmp_path):
    target = tmp_path / "sub" / "ckpt.pth"
    with fileio.atomic_open(target) as f:
        f.write(b"part 1, ")
        assert not target.exists()  # not visible until the block ends
        names = os.listdir(target.parent)
        assert len(names) == 1 and re.match(atomic_write.TEMP_NAME_PATTERN, names[0])
        f.write(b"part 2")
    assert target.read_bytes() == b"part 1, part 2"
    assert _entries(target.parent) == ["ckpt.pth"]


def test_atomic_open_failure_keeps_previous_content(tmp_path):
    target = tmp_path / "ckpt.pth"
    target.write_bytes(b"previous")
    with pytest.raises(RuntimeError, match="boom"):
        with fileio.atomic_open(target) as f:
            f.write(b"half")
            raise RuntimeError("boom")
    assert target.read_bytes() == b"previous"
    assert _entries(tmp_path) == ["ckpt.pth"]


def test_atomic_open_text_mode_and_bad_modes(tmp_path):
    with fileio.atomic_open(tmp_path / "t.txt", "w") as f:
        f.write("héllo")
    assert (tmp_path / "t.txt").read_text(encoding="utf-8") == "héllo"
    for mode in ("ab", "r", "w+b"):
        with pytest.raises(ValueError, match="atomic_open supports"):
            with fileio.atomic_open(tmp_path / "x", mode):
                pass
    assert _entries(tmp_path) == ["t.txt"]


def test_atomic_open_failed_rename_names_destination(tmp_path):
    target = tmp_path / "a_directory"
    target.mkdir()
    with pytest.raises(OSError) as excinfo:
        with fileio.atomic_open(target) as f:
            f.write(b"x")
    assert excinfo.value.filename == str(target)
    assert _entries(tmp_path) == ["a_directory"]


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_writes_through_a_symlink_like_open(tmp_path):
    real = tmp_path / "real.bin"
    real.write_bytes(b"old")
    link = tmp_path / "link.bin"
    link.symlink_to(real)
    with fileio.atomic_open(link) as f:
        f.write(b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"
    fileio.put(b"newer", link)
    assert link.is_symlink() and real.read_bytes() == b"newer"


def test_torch_save_through_atomic_open(tmp_path):
    torch = pytest.importorskip("torch")
    target = tmp_path / "epoch_1.pth"
    with fileio.atomic_open(target) as f:
        torch.save({"w": torch.ones(2)}, f)
    assert torch.equal(torch.load(target)["w"], torch.ones(2))


def test_atomic_path_for_writers_that_take_a_name(tmp_path):
    target = tmp_path / "d" / "w.npy"
    with fileio.atomic_path(target) as tmp:
        assert os.path.dirname(tmp) == str(target.parent) and not target.exists()
        with open(tmp, "wb") as f:
            f.write(b"weights")
    assert target.read_bytes() == b"weights"
    with pytest.raises(KeyboardInterrupt):
        with fileio.atomic_path(target) as tmp:
            with open(tmp, "wb") as f:
                f.write(b"half")
            raise KeyboardInterrupt
    assert target.read_bytes() == b"weights"
    assert _entries(target.parent) == ["w.npy"]


# ------------------------------------------------------ remove_stale_temporaries


def _temp_name(target: str, pid: int, n: int = 0, host: str | None = None) -> str:
    return f".{target}.{host or atomic_write._HOST}.{pid}.{n}.tmp"


def _age(path: Path, seconds: float) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_remove_stale_temporaries_only_dead_old_local_ones(tmp_path, monkeypatch):
    dead, live = 999_001, 999_002
    monkeypatch.setattr(atomic_write, "_pid_alive", lambda pid: pid != dead)
    files = {
        "stale": _temp_name("ckpt.pth", dead),
        "young": _temp_name("log.json", dead, 1),
        "live": _temp_name("ckpt.pth", live),
        "mine": _temp_name("ckpt.pth", os.getpid(), 7),
        "other_host": _temp_name("ckpt.pth", dead, host="otherhost"),
        "user": ".ckpt.pth.999001.tmp",  # not our pattern
        "plain": "epoch_1.pth",
    }
    for key, name in files.items():
        (tmp_path / name).write_bytes(b"x")
        if key != "young":
            _age(tmp_path / name, 60)
    removed = fileio.remove_stale_temporaries(tmp_path)
    assert removed == [str(tmp_path / files["stale"])]
    left = set(_entries(tmp_path))
    assert left == {name for key, name in files.items() if key != "stale"}


def test_remove_stale_temporaries_recursive_and_missing_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(atomic_write, "_pid_alive", lambda pid: False)
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    for folder in (tmp_path, nested):
        (folder / _temp_name("x.bin", 999_003)).write_bytes(b"x")
        _age(folder / _temp_name("x.bin", 999_003), 60)
    assert fileio.remove_stale_temporaries(tmp_path) == [
        str(tmp_path / _temp_name("x.bin", 999_003))
    ]
    assert fileio.remove_stale_temporaries(tmp_path, recursive=True) == [
        str(nested / _temp_name("x.bin", 999_003))
    ]
    assert fileio.remove_stale_temporaries(tmp_path / "not_there") == []


def test_remove_stale_temporaries_of_a_really_dead_writer(tmp_path):
    # a process that exited: its pid is not alive
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    pid = int(proc.stdout)
    assert not atomic_write._pid_alive(pid)
    assert atomic_write._pid_alive(os.getpid())
    stale = tmp_path / _temp_name("ckpt.pth", pid)
    stale.write_bytes(b"left by a killed save")
    _age(stale, 60)
    mine = tmp_path / _temp_name("ckpt.pth", os.getpid())
    mine.write_bytes(b"being written")
    _age(mine, 60)
    assert fileio.remove_stale_temporaries(tmp_path, min_age=1) == [str(stale)]
    assert mine.exists()


def test_temp_names_match_the_documented_pattern(tmp_path, monkeypatch):
    seen = []
    real_replace = atomic_write._replace

    def spy(src, dst):
        seen.append(os.path.basename(src))
        real_replace(src, dst)

    monkeypatch.setattr(atomic_write, "_replace", spy)
    fileio.put(b"x", tmp_path / "a.b.json")
    fileio.put(b"x", tmp_path / ("n" * 240))
    match = re.match(atomic_write.TEMP_NAME_PATTERN, seen[0])
    assert match and match["target"] == "a.b.json" and int(match["pid"]) == os.getpid()
    assert match["host"] == atomic_write._HOST
    assert re.match(atomic_write.TEMP_NAME_PATTERN, seen[1])["target"] == "mmengine"
