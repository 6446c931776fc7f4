"""Every config the zoos ship loads, survives `pretty_text`, and resolves as upstream 0.10.7 does.

One test per shipped ``<pkg>/.mim/configs/**.py`` and check. Upstream's resolution is recorded
black-box by ``record_upstream.py`` (``data/upstream_config_hashes.json``: per top-level key, a
hash of the canonical value). Known differences caused by this project are listed, with the
behaviour at fault, in ``data/known_config_failures.json`` and run as non-strict xfails.
"""

from __future__ import annotations

import functools

import downstream_helpers as dh
import pytest

UPSTREAM = dh.load_json("upstream_config_hashes.json")
KNOWN = dh.load_json("known_config_failures.json")


def _params() -> list:
    params = []
    for zoo in dh.ZOOS:
        configs = dh.shipped_configs(zoo)
        if not configs:  # zoo not installed: one placeholder, which skips (or fails if required)
            params.append(pytest.param(zoo, "", id=f"{zoo}-not-installed"))
        params += [pytest.param(zoo, rel, id=f"{zoo}/{rel}") for rel in configs]
    return params


PARAMS = _params()


@functools.cache
def _load(zoo: str, rel: str):
    """``(cfg, None)`` or ``(None, exception)`` for one shipped config, loaded once per run."""
    from mmengine.config import Config

    try:
        return Config.fromfile(str(dh.configs_dir(zoo) / rel)), None
    except Exception as exc:  # the tests below decide whether a failure is expected
        return None, exc


def _mark_known(request, zoo: str, rel: str, check: str) -> None:
    reason = KNOWN.get(f"{zoo}/{rel}", {}).get(check)
    if reason:
        request.applymarker(pytest.mark.xfail(reason=reason, strict=False))


def _upstream(zoo: str, rel: str) -> dict:
    entry = UPSTREAM.get(zoo, {}).get(rel)
    if entry is None:
        pytest.fail(
            f"no upstream record for {zoo}/{rel}: re-run tests/downstream/record_upstream.py "
            "(the zoo pins in requirements.txt changed?)"
        )
    return entry


def _error_text(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"


@pytest.mark.parametrize("zoo, rel", PARAMS)
def test_config_pretty_text_round_trip(request, zoo, rel):
    """`Config.fromfile` works and `Config.fromstring(cfg.pretty_text, '.py')` gives it back."""
    from mmengine.config import Config

    _mark_known(request, zoo, rel, "round_trip")
    cfg, exc = _load(zoo, rel)
    upstream_error = _upstream(zoo, rel).get("error")
    if exc is not None and upstream_error and upstream_error.split(":")[0] == type(exc).__name__:
        pytest.skip(f"the zoo ships a broken config; upstream 0.10.7 fails too: {upstream_error}")
    if exc is not None:
        raise exc
    text = cfg.pretty_text
    again = Config.fromstring(text, ".py")
    assert again.to_dict() == cfg.to_dict()


@pytest.mark.parametrize("zoo, rel", PARAMS)
def test_config_resolves_like_upstream(request, zoo, rel):
    """The resolved `to_dict()` equals upstream 0.10.7's, key by key (or both raise alike)."""
    _mark_known(request, zoo, rel, "upstream")
    entry = _upstream(zoo, rel)
    cfg, exc = _load(zoo, rel)
    if "error" in entry:
        assert exc is not None, f"upstream raises {entry['error']}, this project loads it"
        assert _error_text(exc).split(":")[0] == entry["error"].split(":")[0], (
            f"upstream raises {entry['error']}; this project raises {_error_text(exc)}"
        )
        return
    if exc is not None:
        raise exc
    ours = dh.config_digest(cfg.to_dict(), str(dh.site_dir()))
    theirs = entry["keys"]
    missing = sorted(set(theirs) - set(ours))
    extra = sorted(set(ours) - set(theirs))
    changed = sorted(k for k in set(ours) & set(theirs) if ours[k] != theirs[k])
    assert not (missing or extra or changed), (
        f"{zoo}/{rel} resolves differently from upstream 0.10.7: "
        f"missing keys {missing}, extra keys {extra}, different values under {changed}"
    )
