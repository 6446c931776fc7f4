import shutil
import subprocess

import pytest

from mmengine.utils import digit_version, get_git_hash


def test_digit_version_basic():
    assert digit_version("0.2.16") == (0, 2, 16, 0, 0, 0)
    assert digit_version("1.2.3") == (1, 2, 3, 0, 0, 0)
    assert digit_version("1.2") == (1, 2, 0, 0, 0, 0)
    assert digit_version("1.2.3.4.5") == (1, 2, 3, 4, 0, 0)
    assert digit_version("1.2.3", length=2) == (1, 2, 0, 0)
    assert digit_version("1.13.1+cu117") == (1, 13, 1, 0, 0, 0)
    assert digit_version("v2.0.0") == (2, 0, 0, 0, 0, 0)


def test_digit_version_prerelease():
    assert digit_version("2.0.0rc1") == (2, 0, 0, 0, -1, 1)
    assert digit_version("2.0.0a3") == (2, 0, 0, 0, -3, 3)
    assert digit_version("2.0.0b2") == (2, 0, 0, 0, -2, 2)
    assert digit_version("2.0.0alpha1") == digit_version("2.0.0a1")
    assert digit_version("2.0.0c1") == digit_version("2.0.0rc1")
    assert digit_version("1.0.0rc") == (1, 0, 0, 0, -1, 0)
    assert digit_version("1.0.0.dev1") == (1, 0, 0, 0, -4, 0)
    assert digit_version("1.10.0a0+gitabc") == (1, 10, 0, 0, -3, 0)
    assert digit_version("1.0.post2") == (1, 0, 0, 0, 1, 2)
    assert digit_version("1.0-1") == (1, 0, 0, 0, 1, 1)


def test_digit_version_ordering():
    ordered = [
        "1.0.0.dev0",
        "1.0.0a1",
        "1.0.0b1",
        "1.0.0rc1",
        "1.0.0rc2",
        "1.0.0",
        "1.0.0.post1",
        "1.0.1",
        "1.1.0",
        "1.10.0",
        "2.0",
    ]
    digits = [digit_version(v) for v in ordered]
    assert digits == sorted(digits)
    assert len(set(digits)) == len(digits)
    assert digit_version("1.8.1") > digit_version("1.8.0")
    assert digit_version("2.15.0+cu132") >= digit_version("2.0.0")


def test_digit_version_invalid():
    with pytest.raises(ValueError, match="not a valid"):
        digit_version("abc")
    with pytest.raises(AssertionError):
        digit_version("1.0.0parrots")


def test_get_git_hash(tmp_path, monkeypatch):
    if shutil.which("git") is None:
        pytest.skip("git is not available")
    monkeypatch.chdir(tmp_path)
    # not a repository: git runs and prints nothing, so '' (0.10.7), not the fallback, which
    # is only for a missing git; `__version__ + '+' + get_git_hash()[:7]` gives '1.0+' here
    assert get_git_hash(fallback="none") == ""
    assert get_git_hash(digits=7) == ""
    try:
        subprocess.run(["git", "init", "-q"], check=True)
        subprocess.run(
            ['git', '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q',
             '--allow-empty', '-m', 'x'],
            check=True,
        )  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("git is not available")
    sha = get_git_hash()
    assert len(sha) == 40 and int(sha, 16) >= 0
    assert get_git_hash(digits=7) == sha[:7]
    with pytest.raises(TypeError):
        get_git_hash(digits="7")


def test_get_git_hash_without_git(monkeypatch):
    monkeypatch.setenv("PATH", "")
    assert get_git_hash(fallback="fb") == "fb"


def test_get_mmengine_version_reports_the_installed_framework():
    from importlib.metadata import PackageNotFoundError, version

    from mmengine.utils import get_mmengine_version

    try:
        expected = version("mmengine-ng")
    except PackageNotFoundError:  # only some members installed: the member is named
        expected = f"{version('mmengine-ng-utils')} (mmengine-ng-utils)"
        try:
            expected = f"{version('mmengine-ng-runner')} (mmengine-ng-runner)"
        except PackageNotFoundError:
            pass
    assert get_mmengine_version() == expected


def test_invalid_version_is_packagings_error():
    # 0.10.7 raised packaging's InvalidVersion("Invalid version: '1.x'"), a ValueError
    with pytest.raises(ValueError, match=r"^Invalid version: '1\.x'") as info:
        digit_version("1.x")
    try:
        from packaging.version import InvalidVersion
    except ImportError:
        return
    assert isinstance(info.value, InvalidVersion)


def test_digit_version_repeated_calls_give_the_first_answer():
    # Parsed once per (string, length): the same result each time, per length, and an
    # invalid string raises every time (failures are not remembered).
    first = digit_version("2.1.0rc1")
    assert digit_version("2.1.0rc1") == first == (2, 1, 0, 0, -1, 1)
    assert digit_version("2.1.0rc1", length=2) == (2, 1, -1, 1)
    for _ in range(2):
        with pytest.raises(ValueError):
            digit_version("not.a.version")
