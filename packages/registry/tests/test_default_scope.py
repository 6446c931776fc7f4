"""``DefaultScope`` and ``init_default_scope``."""

from __future__ import annotations

import logging

import pytest

from mmengine.registry import DefaultScope, init_default_scope


def test_no_instance_means_none():
    assert DefaultScope.get_current_instance() is None


def test_get_instance_and_current_instance():
    scope = DefaultScope.get_instance("task", scope_name="mmdet")
    assert scope.scope_name == "mmdet"
    assert scope.instance_name == "task"
    assert DefaultScope.get_instance("task") is scope
    assert DefaultScope.get_current_instance() is scope
    latest = DefaultScope.get_instance("task2", scope_name="mmcls")
    assert DefaultScope.get_current_instance() is latest


def test_scope_name_must_be_str():
    with pytest.raises(AssertionError):
        DefaultScope.get_instance("bad", scope_name=1)
    with pytest.raises(TypeError, match="scope_name"):
        DefaultScope("bad2", scope_name=None)


def test_overwrite_default_scope():
    origin = DefaultScope.get_instance("origin", scope_name="origin_scope")
    with DefaultScope.overwrite_default_scope(None):
        assert DefaultScope.get_current_instance() is origin
    with DefaultScope.overwrite_default_scope("test_overwrite"):
        assert DefaultScope.get_current_instance().scope_name == "test_overwrite"
        with DefaultScope.overwrite_default_scope("nested"):
            assert DefaultScope.get_current_instance().scope_name == "nested"
        assert DefaultScope.get_current_instance().scope_name == "test_overwrite"
    assert DefaultScope.get_current_instance() is origin
    assert len(DefaultScope._instance_dict) == 1  # temporary instances removed


def test_overwrite_without_previous_scope_and_on_error():
    with pytest.raises(ValueError):
        with DefaultScope.overwrite_default_scope("temp"):
            assert DefaultScope.get_current_instance().scope_name == "temp"
            raise ValueError("boom")
    assert DefaultScope.get_current_instance() is None


def test_init_default_scope_creates_and_switches(logs):
    init_default_scope("mmdet")
    assert DefaultScope.get_current_instance().scope_name == "mmdet"
    assert DefaultScope.check_instance_created("mmdet")
    init_default_scope("mmdet")  # same scope: nothing changes, no warning
    assert len(DefaultScope._instance_dict) == 1
    assert not [m for m, lv in logs if lv >= logging.WARNING]

    init_default_scope("mmcls")
    assert DefaultScope.get_current_instance().scope_name == "mmcls"
    # back to an existing scope that is not current: forced, with a warning
    init_default_scope("mmdet")
    assert DefaultScope.get_current_instance().scope_name == "mmdet"
    warnings = [m for m, lv in logs if lv == logging.WARNING]
    assert any('"mmcls" is not "mmdet"' in m for m in warnings)


def test_overwrite_default_scope_drops_scopes_created_inside():
    # As in mmengine 0.10: a package's register_all_modules() inside the block does not
    # leave its scope current (or even present) afterwards.
    DefaultScope.get_instance("before-block", scope_name="outer")
    with DefaultScope.overwrite_default_scope("inner"):
        assert DefaultScope.get_current_instance().scope_name == "inner"
        DefaultScope.get_instance("made-inside", scope_name="pkg")
        assert DefaultScope.get_current_instance().scope_name == "pkg"
    assert DefaultScope.get_current_instance().scope_name == "outer"
    assert not DefaultScope.check_instance_created("made-inside")
