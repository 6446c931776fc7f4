"""0.10's DEBUG lines for registry lookups and builds (recorded from 0.10.7), written only when
the current logger shows DEBUG records."""

from __future__ import annotations

import uuid

from mmengine.logging import MMLogger
from mmengine.registry import Registry


def _log_lines(path) -> list[str]:
    return [line.split(" - ", 3)[-1] for line in path.read_text().splitlines()]


def test_lookups_and_builds_log_upstreams_debug_lines(tmp_path):
    scope = f"dbg{uuid.uuid4().hex[:6]}"
    things = Registry("thing", scope=scope)

    @things.register_module()
    class Widget:
        def __init__(self, x=1):
            self.x = x

    log_file = tmp_path / "debug.log"
    logger = MMLogger.get_instance(f"dbg_{scope}", log_level="DEBUG", log_file=str(log_file))
    try:
        things.get("Widget")
        things.build(dict(type="Widget"))
        things.build(dict(type=Widget))  # a class given directly: no lookup line
        things.register_module(name="WidgetAlias", module=Widget)
        things.get("WidgetAlias")  # the line names the class found, not the key
        located = Registry("gadget", scope=f"{scope}x", locations=["json"])
        located.get("Nothing")
        for handler in logger.handlers:
            handler.flush()
        assert _log_lines(log_file) == [
            f'Get class `Widget` from "thing" registry in "{scope}"',
            f'Get class `Widget` from "thing" registry in "{scope}"',
            "An `Widget` instance is built from registry, and its implementation can "
            f"be found in {__name__}",
            "An `Widget` instance is built from registry, and its implementation can "
            f"be found in {__name__}",
            f'Get class `Widget` from "thing" registry in "{scope}"',
            f"Modules of {scope}x's gadget registry have been automatically imported from json",
        ]
    finally:
        # a later logger becomes the current one again: no DEBUG lines for other tests
        MMLogger.get_instance(f"dbg_{scope}_after", log_level="INFO")


def test_no_debug_line_without_a_debug_logger(tmp_path):
    scope = f"nodbg{uuid.uuid4().hex[:6]}"
    things = Registry("thing", scope=scope)
    things.register_module(name="W", module=dict)
    log_file = tmp_path / "info.log"
    logger = MMLogger.get_instance(f"info_{scope}", log_level="INFO", log_file=str(log_file))
    things.build(dict(type="W"))
    for handler in logger.handlers:
        handler.flush()
    assert log_file.read_text() == ""
