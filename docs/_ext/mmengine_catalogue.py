"""The catalogue page, generated from the registries at build time so it never goes stale.

For every hook, loop, parameter scheduler, optimizer wrapper, visualization backend and
strategy registered in mmengine's root registries, the page lists its config keys: the
constructor's parameters (following ``*args``/``**kwargs`` into the base classes), their
defaults, and the type and description from the Google-style ``Args:`` sections of the
class's docstrings.

``docs/catalogue.md`` holds the hand-written introduction and the marker line
``<!-- catalogue: generated below -->``; at ``source-read`` the marker is replaced by the
generated Markdown. :func:`render_all` is plain Python (no Sphinx needed), so the tests can
check it.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MARKER = "<!-- catalogue: generated below -->"
DOCNAME = "catalogue"


@dataclass
class Section:
    """One kind of component and where it is registered.

    Args:
        title (str): the section heading.
        registry_name (str): the root registry's name in ``mmengine.registry``.
        imports (list[str]): the modules that register the built-in components.
        intro (str): Markdown shown under the heading.
        filled (dict[str, str]): keys the framework fills in, with who fills them.
        hide (Callable): ``hide(name, key)`` is True for a key a subclass passes itself.
    """

    title: str
    registry_name: str
    imports: list[str]
    intro: str
    filled: dict[str, str] = field(default_factory=dict)
    hide: Callable[[str, str], bool] = lambda name, key: False

    def registry(self) -> Any:
        for module in self.imports:
            importlib.import_module(module)
        return getattr(importlib.import_module("mmengine.registry"), self.registry_name)


def _scheduler_hides(name: str, key: str) -> bool:
    # LR/Momentum schedulers are the generic ones with param_name fixed.
    return key == "param_name" and (name.endswith("LR") or name.endswith("Momentum"))


SECTIONS: list[Section] = [
    Section(
        "Hooks",
        "HOOKS",
        ["mmengine.hooks"],
        "Hooks go in `default_hooks` (a dict keyed by name) or `custom_hooks` (a list) of a "
        "config or of `Runner(...)`: `custom_hooks = [dict(type='EMAHook', momentum=1e-4)]`. "
        "See the [hooks tutorial](tutorials/hooks.md).",
    ),
    Section(
        "Loops",
        "LOOPS",
        ["mmengine.runner"],
        "The loops are chosen by `train_cfg`, `val_cfg` and `test_cfg`: "
        "`train_cfg = dict(by_epoch=True, max_epochs=12, val_interval=1)` builds an "
        "`EpochBasedTrainLoop`, `by_epoch=False` an `IterBasedTrainLoop`, and "
        "`dict(type='MyLoop', ...)` any registered loop.",
        filled={
            "runner": "the runner",
            "dataloader": "the runner (`train_dataloader`, `val_dataloader`, ...)",
            "evaluator": "the runner (`val_evaluator`, `test_evaluator`)",
        },
    ),
    Section(
        "Parameter schedulers",
        "PARAM_SCHEDULERS",
        ["mmengine.optim"],
        "Schedulers go in `param_scheduler` (one dict or a list, applied in order): "
        "`param_scheduler = [dict(type='LinearLR', start_factor=0.1, by_epoch=False, end=500), "
        "dict(type='CosineAnnealingLR', by_epoch=True, T_max=12)]`. Besides the keys below, "
        "every scheduler with `by_epoch=True` takes `convert_to_iter_based=True`, read by the "
        "runner: the epoch-valued keys are converted to iterations and the value is updated "
        "every iteration. See the "
        "[parameter scheduler tutorial](tutorials/param_scheduler.md).",
        filled={"optimizer": "the runner (the optimizer wrapper)"},
        hide=_scheduler_hides,
    ),
    Section(
        "Optimizer wrappers",
        "OPTIM_WRAPPERS",
        ["mmengine.optim"],
        "The wrapper is chosen by `optim_wrapper`: "
        "`optim_wrapper = dict(type='AmpOptimWrapper', optimizer=dict(type='SGD', lr=0.01), "
        "accumulative_counts=4)`. See the [optimizer wrapper tutorial](tutorials/optim_wrapper.md).",
    ),
    Section(
        "Visualization backends",
        "VISBACKENDS",
        ["mmengine.visualization"],
        "Backends go in the visualizer's `vis_backends`: `visualizer = dict(type='Visualizer', "
        "vis_backends=[dict(type='LocalVisBackend'), dict(type='TensorboardVisBackend')])`. "
        "Backends other than Local and TensorBoard need their optional library. See the "
        "[visualization tutorial](tutorials/visualization.md).",
        filled={"save_dir": "the visualizer (`<work_dir>/<timestamp>/vis_data`)"},
    ),
    Section(
        "Strategies",
        "STRATEGIES",
        ["mmengine._strategy"],
        "Strategies are used by `FlexibleRunner`: "
        "`FlexibleRunner(..., strategy=dict(type='DDPStrategy'))`. See the "
        "[distributed training tutorial](tutorials/distributed.md).",
    ),
]

_SECTION_HEADERS = re.compile(
    r"^(Args|Arguments|Parameters|Returns?|Yields?|Raises|Examples?|Note|Notes|Warning|"
    r"Warnings|Attributes|See Also|References|Todo)\s*:\s*$"
)
_ARG_LINE = re.compile(
    r"^(?P<name>\*{0,2}[A-Za-z_][\w]*)\s*(?:\((?P<type>[^)]*)\))?\s*:\s*(?P<desc>.*)$"
)


def parse_args_section(doc: str | None) -> dict[str, tuple[str, str]]:
    """Read a Google-style ``Args:`` section.

    Args:
        doc (str, optional): a docstring (already dedented, as :func:`inspect.getdoc` gives).

    Returns:
        dict[str, tuple[str, str]]: ``name -> (type, description)``, description on one line.
    """
    if not doc:
        return {}
    lines = doc.splitlines()
    entries: dict[str, tuple[str, list[str]]] = {}
    i = 0
    while i < len(lines):
        if lines[i].strip() not in ("Args:", "Arguments:", "Parameters:"):
            i += 1
            continue
        base = len(lines[i]) - len(lines[i].lstrip())
        entry_indent = None
        current: list[str] | None = None  # the description lines of the entry being read
        i += 1
        while i < len(lines):
            line = lines[i]
            i += 1
            if not line.strip():
                continue
            indent = len(line) - len(line.lstrip())
            if indent <= base:
                i -= 1
                break
            if entry_indent is None:
                entry_indent = indent
            if indent == entry_indent:
                m = _ARG_LINE.match(line.strip())
                current = None
                if m:
                    current = [m["desc"]]
                    entries[m["name"].lstrip("*")] = ((m["type"] or "").strip(), current)
            elif current is not None:
                current.append(line.strip())
    return {
        name: (type_, " ".join(s for s in desc if s).strip())
        for name, (type_, desc) in entries.items()
    }


def _first_paragraph(doc: str | None) -> str:
    if not doc:
        return ""
    para = []
    for line in doc.strip().splitlines():
        if not line.strip() or _SECTION_HEADERS.match(line.strip()):
            break
        para.append(line.strip())
    return " ".join(para)


@dataclass
class Key:
    name: str
    default: str
    type: str
    description: str


def constructor_keys(cls: type, hide: Callable[[str], bool] = lambda key: False) -> list[Key]:
    """The config keys of ``cls``: its ``__init__`` parameters, following ``**kwargs`` upward.

    Args:
        cls (type): a registered class.
        hide (Callable): ``hide(key)`` is True for a parameter the class fills itself.

    Returns:
        list[Key]: in signature order, own parameters before inherited ones.
    """
    docs: dict[str, tuple[str, str]] = {}
    for klass in reversed(cls.__mro__):
        if klass is object:
            continue
        docs.update(parse_args_section(inspect.getdoc(klass) if klass.__doc__ else None))
        init_doc = klass.__dict__.get("__init__")
        if init_doc is not None and init_doc.__doc__:
            docs.update(parse_args_section(inspect.cleandoc(init_doc.__doc__)))

    keys: list[Key] = []
    seen: set[str] = set()
    forwards = False
    for klass in cls.__mro__:
        if klass is object:
            break
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        try:
            params = list(inspect.signature(init).parameters.values())[1:]
        except (TypeError, ValueError):
            break
        forwards = False
        for p in params:
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                forwards = True
                continue
            if p.name in seen or hide(p.name):
                seen.add(p.name)
                continue
            seen.add(p.name)
            doc_type, desc = docs.get(p.name, ("", ""))
            if not doc_type and p.annotation is not p.empty:
                doc_type = (
                    p.annotation if isinstance(p.annotation, str) else _type_name(p.annotation)
                )
            default = "required" if p.default is p.empty else f"`{p.default!r}`"
            keys.append(Key(p.name, default, doc_type, desc))
        if not forwards:
            break
    if forwards and docs.get("kwargs", ("", ""))[1]:
        # The last constructor still forwards ``**kwargs`` somewhere else (EMAHook to the
        # averaged model): say where, as its docstring does.
        keys.append(Key("**kwargs", "", "", docs["kwargs"][1]))
    return keys


def _type_name(annotation: Any) -> str:
    return getattr(annotation, "__name__", None) or str(annotation).replace("typing.", "")


_ROLE = re.compile(r":(?:py:)?(class|func|meth|attr|mod|obj|exc|data):`([^`]+)`")


def _md(text: str) -> str:
    """RST inline markup of a docstring, made safe for one Markdown table cell."""
    text = _ROLE.sub(lambda m: f"`{m[2].lstrip('~').split('.')[-1]}`", text)
    text = text.replace("|", "\\|")
    return text


def _public_path(cls: type) -> str:
    """The shortest public import path of ``cls`` (``mmengine.hooks.CheckpointHook``)."""
    parts = cls.__module__.split(".")
    for n in range(2, len(parts) + 1):
        module = importlib.import_module(".".join(parts[:n]))
        if (
            cls.__name__ in getattr(module, "__all__", ())
            and getattr(module, cls.__name__, None) is cls
        ):
            return f"{module.__name__}.{cls.__name__}"
    return f"{cls.__module__}.{cls.__name__}"


def _default_hooks() -> dict[str, str]:
    """``type -> key`` of the hooks a Runner registers by default."""
    from mmengine.runner.runner import DEFAULT_HOOKS

    return {cfg["type"]: key for key, cfg in DEFAULT_HOOKS.items()}


def render_entry(section: Section, name: str, cls: type) -> str:
    """One component: heading, import path, summary, hook facts, and the keys table."""
    out = [f"### {name}", ""]
    path = _public_path(cls)
    summary = _md(_first_paragraph(inspect.getdoc(cls)))
    if name != cls.__name__:
        out.append(f"Registered alias of `{cls.__name__}`.")
        out.append("")
    out.append(f"{{py:class}}`{path}`" + (f": {summary}" if summary else ""))
    out.append("")
    if section.registry_name == "HOOKS":
        from mmengine.hooks import Hook

        facts = [f"priority `{cls.priority}`"]
        default_key = _default_hooks().get(name)
        if default_key:
            facts.append(f"a default hook (`default_hooks.{default_key}`)")
        stages = Hook.get_triggered_stages(cls)  # works on the class: it reads overrides
        if stages:
            facts.append("acts at " + ", ".join(f"`{s}`" for s in stages))
        out.append("Runs with " + "; ".join(facts) + ".")
        out.append("")
    keys = constructor_keys(cls, lambda key: section.hide(name, key))
    rows = []
    for key in keys:
        if key.name in section.filled:
            rows.append(
                f"| `{key.name}` | filled in | {_md(key.type)} | set by "
                f"{section.filled[key.name]} |"
            )
        else:
            rows.append(
                f"| `{key.name}` | {key.default} | {_md(key.type)} | {_md(key.description)} |"
            )
    if rows:
        out.append("| key | default | type | description |")
        out.append("|---|---|---|---|")
        out.extend(rows)
    else:
        out.append("No config keys besides `type`.")
    out.append("")
    return "\n".join(out)


def render_section(section: Section) -> str:
    """A section: heading, introduction, then every registered component by name."""
    registry = section.registry()
    out = [f"## {section.title}", "", section.intro, ""]
    names = sorted(registry.module_dict)
    out.append(
        f"Registered in `mmengine.registry.{section.registry_name}` (scope "
        f"`{registry.scope}`): " + ", ".join(f"[{n}](#{n.lower()})" for n in names) + "."
    )
    out.append("")
    for name in names:
        out.append(render_entry(section, name, registry.module_dict[name]))
    return "\n".join(out)


def render_all() -> str:
    """Every section, as Markdown."""
    return "\n".join(render_section(section) for section in SECTIONS)


def _source_read(app: Any, docname: str, source: list[str]) -> None:
    if docname != DOCNAME:
        return
    if MARKER not in source[0]:
        from sphinx.errors import ExtensionError

        raise ExtensionError(f"docs/{DOCNAME}.md lacks the line {MARKER!r} to fill")
    source[0] = source[0].replace(MARKER, render_all())


def _always_outdated(app: Any, env: Any, added: set, changed: set, removed: set) -> list[str]:
    # The registries may change without the page changing: always rebuild it.
    return [DOCNAME] if DOCNAME in env.found_docs else []


def setup(app: Any) -> dict[str, Any]:
    app.connect("source-read", _source_read)
    app.connect("env-get-outdated", _always_outdated)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
