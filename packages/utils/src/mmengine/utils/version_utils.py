"""Version parsing (``digit_version``) and git hash lookup."""

from __future__ import annotations

import os
import re

# A PEP 440 version, case-insensitive, with the spellings PEP 440 normalises
# (``alpha`` -> ``a``, ``c``/``pre``/``preview`` -> ``rc``, ``-1`` -> post 1).
_PEP440 = re.compile(
    r"""
    ^\s*v?
    (?:(?P<epoch>\d+)!)?
    (?P<release>\d+(?:\.\d+)*)
    (?:[-_.]?(?P<pre_l>alpha|beta|preview|pre|rc|a|b|c)[-_.]?(?P<pre_n>\d+)?)?
    (?:-(?P<post_implicit>\d+)|[-_.]?(?P<post_l>post|rev|r)[-_.]?(?P<post_n>\d+)?)?
    (?:[-_.]?(?P<dev_l>dev)[-_.]?(?P<dev_n>\d+)?)?
    (?:\+(?P<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?
    \s*$
    """,
    re.VERBOSE | re.IGNORECASE,
)

_PRE_ALIASES = {
    "a": "a",
    "alpha": "a",
    "b": "b",
    "beta": "b",
    "rc": "rc",
    "c": "rc",
    "pre": "rc",
    "preview": "rc",
}
_PRE_RANK = {"a": -3, "b": -2, "rc": -1}


def _invalid_version(message: str) -> ValueError:
    """The error for an unparsable version: ``packaging``'s ``InvalidVersion``
    (a ``ValueError``), which 0.10 raised, when ``packaging`` is installed."""
    try:
        from packaging.version import InvalidVersion
    except ImportError:
        return ValueError(message)
    return InvalidVersion(message)


def digit_version(version_str: str, length: int = 4) -> tuple[int, ...]:
    """Convert a version string into a tuple of integers.

    This method is usually used for comparing two versions. For pre-release
    versions: alpha < beta < rc.

    The result is the release part padded (or truncated) to ``length``
    numbers, followed by two more: ``(-3|-2|-1, n)`` for alpha/beta/rc ``n``,
    ``(-4, 0)`` for a dev-only pre-release, ``(1, n)`` for post-release ``n``
    and ``(0, 0)`` for a final release. Local labels (``+cu117``) are ignored.

    Examples:
        >>> from mmengine.utils import digit_version
        >>> digit_version('1.2.3')
        (1, 2, 3, 0, 0, 0)
        >>> digit_version('1.2.3rc1')
        (1, 2, 3, 0, -1, 1)

    Args:
        version_str (str): The version string.
        length (int): The maximum number of version levels. Default: 4.

    Returns:
        tuple[int]: The version info in digits (integers).

    Raises:
        ValueError: If ``version_str`` is not a PEP 440 version
            (``packaging.version.InvalidVersion`` when packaging is installed).
    """
    if type(version_str) is str:
        # Zoo code calls this per call site, often on torch.__version__: parse each string once.
        cached = _DIGIT_VERSIONS.get((version_str, length))
        if cached is None:
            cached = _parse_digit_version(version_str, length)
            if len(_DIGIT_VERSIONS) < 1024:
                _DIGIT_VERSIONS[version_str, length] = cached
        return cached
    return _parse_digit_version(version_str, length)


_DIGIT_VERSIONS: dict[tuple[str, int], tuple[int, ...]] = {}


def _parse_digit_version(version_str: str, length: int) -> tuple[int, ...]:
    assert "parrots" not in version_str, "parrots versions are not supported"
    match = _PEP440.match(version_str)
    if match is None:
        raise _invalid_version(
            f"Invalid version: {version_str!r}: it is not a valid PEP 440 "
            "version such as '1.2.3', '2.0.0rc1' or '1.13.1+cu117'"
        )
    release = [int(part) for part in match.group("release").split(".")][:length]
    release += [0] * (length - len(release))
    pre_l = match.group("pre_l")
    post = match.group("post_implicit") or match.group("post_n")
    has_post = match.group("post_implicit") is not None or match.group("post_l") is not None
    if pre_l is not None:
        pre_kind = _PRE_ALIASES[pre_l.lower()]
        release += [_PRE_RANK[pre_kind], int(match.group("pre_n") or 0)]
    elif match.group("dev_l") is not None:
        # A dev release (e.g. 1.0.dev1) precedes all alpha/beta/rc releases.
        release += [-4, 0]
    elif has_post:
        release += [1, int(post or 0)]
    else:
        release += [0, 0]
    return tuple(release)


def _minimal_ext_cmd(cmd: list[str]) -> bytes:
    """Run ``cmd`` with a minimal, locale-neutral environment; return stdout."""
    import subprocess

    env = {}
    for key in ("SYSTEMROOT", "PATH", "HOME"):
        value = os.environ.get(key)
        if value is not None:
            env[key] = value
    env["LANGUAGE"] = "C"
    env["LANG"] = "C"
    env["LC_ALL"] = "C"
    return subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
    ).communicate()[0]


def get_git_hash(fallback: str = "unknown", digits: int | None = None) -> str:
    """Get the git hash of the current repo.

    As 0.10: ``fallback`` only when ``git`` cannot be run at all; outside a repository
    ``git`` prints nothing and the result is ``''``, so the common
    ``__version__ + '+' + get_git_hash()[:7]`` reads ``'1.0.0+'`` there, not
    ``'1.0.0+unknown'``.

    Args:
        fallback (str, optional): The fallback string when git hash is
            unavailable (no ``git`` executable). Defaults to 'unknown'.
        digits (int, optional): kept digits of the hash. Defaults to None,
            meaning all digits are kept.

    Returns:
        str: Git commit hash (``''`` outside a git repository).
    """
    if digits is not None and not isinstance(digits, int):
        raise TypeError(f"digits must be None or an integer, but got {type(digits)}")
    try:
        out = _minimal_ext_cmd(["git", "rev-parse", "HEAD"])
    except OSError:
        return fallback
    sha = out.strip().decode("ascii", errors="replace")
    if digits is not None:
        sha = sha[:digits]
    return sha


def get_mmengine_version() -> str:
    """The installed version of the framework, as logs and checkpoints record it.

    That is the ``mmengine-ng`` meta-package's version; without it (only some members
    installed), the first member found, named: ``'0.1.0 (mmengine-ng-utils)'``.

    Returns:
        str: the version, or ``'unknown'``.
    """
    import importlib.metadata

    for dist in ("mmengine-ng", "mmengine-ng-runner", "mmengine-ng-utils"):
        try:
            version = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            continue
        return version if dist == "mmengine-ng" else f"{version} ({dist})"
    return "unknown"
