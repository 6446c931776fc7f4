"""Every code block of the tutorials runs: docs can't silently go out of date.

The pages ``docs/getting-started.md``, ``docs/migration.md`` and ``docs/tutorials/*.md`` are
split into fenced blocks (the convention is in ``docs/developing.md``):

- ```` ```python ````: executed, in page order, in one namespace per page (like a notebook);
- ```` ```bash runnable ````: executed with ``bash -euo pipefail`` at that point of the page, with
  this interpreter's ``bin`` folder first on ``PATH`` (``python``, ``torchrun``);
- ```` ```{code-block} <lang> ```` with ``:caption: <file name>``: written to that file;
- anything else (```` ```text ````, ```` ```console ````, plain ```` ```bash ````): shown only.

Each page runs in a subprocess in a fresh temporary folder, so pages are independent; a failure
names the page, the block number and its line, and tracebacks point into the Markdown file.
The catalogue page is generated from the registries; its generator is checked here too.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGE_TIMEOUT_S = 300

# The pages whose blocks run. Other pages (API, catalogue, benchmarks, developing) hold no
# runnable blocks of their own.
RUN_PAGES = sorted(
    [DOCS / "getting-started.md", DOCS / "migration.md", *(DOCS / "tutorials").glob("*.md")]
)

_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})\s*(?P<info>.*?)\s*$")
# Spellings of Python that would silently not run: say which fence to use instead.
_NEAR_PYTHON = {"py", "python3", "py3", "Python", "ipython", "pycon"}


@dataclass
class Block:
    """One fenced block of a page."""

    kind: str  # 'python', 'bash', 'file' or 'show'
    line: int  # 1-based line of the first line of code in the Markdown file
    code: str
    info: str
    path: str = ""  # for kind 'file'


def parse_blocks(text: str, source: str = "<page>") -> list[Block]:
    """Split a MyST Markdown page into its fenced blocks, in order.

    Args:
        text (str): the page.
        source (str): the page's name, for error messages.

    Returns:
        list[Block]: every fenced block (runnable or not) with its kind.

    Raises:
        ValueError: an unclosed fence, or a fence that looks like Python but would not run.
    """
    lines = text.splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, info = m["fence"], m["info"]
        start = i
        body: list[str] = []
        i += 1
        while i < len(lines):
            close = _FENCE.match(lines[i])
            if close and close["fence"][0] == fence[0] and len(close["fence"]) >= len(fence):
                if not close["info"]:
                    break
            body.append(lines[i])
            i += 1
        else:
            raise ValueError(f"{source}:{start + 1}: the fence {fence!r} is never closed")
        i += 1
        blocks.append(_classify(info, body, start + 2, f"{source}:{start + 1}"))
    return blocks


def _classify(info: str, body: list[str], first_line: int, where: str) -> Block:
    words = info.split()
    lang = words[0] if words else ""
    if lang == "python":
        return Block("python", first_line, "\n".join(body), info)
    if lang in _NEAR_PYTHON:
        raise ValueError(
            f"{where}: fence language {lang!r} neither runs nor is plainly a non-runnable "
            "block; use ```python (runs in CI) or ```text (shown only)"
        )
    if lang == "bash" and "runnable" in words[1:]:
        return Block("bash", first_line, "\n".join(body), info)
    if lang == "{code-block}":
        options: dict[str, str] = {}
        n = 0
        while n < len(body) and body[n].startswith(":"):
            key, _, value = body[n][1:].partition(":")
            options[key.strip()] = value.strip()
            n += 1
        if n < len(body) and not body[n].strip():
            n += 1
        caption = options.get("caption", "")
        if caption and " " not in caption and "." in caption:
            code = "\n".join(body[n:]) + "\n"
            return Block("file", first_line + n, code, info, path=caption)
    return Block("show", first_line, "\n".join(body), info)


# Runs one page's blocks in order; the blocks come as JSON in argv[1], the page in argv[2:].
_DRIVER = textwrap.dedent(
    """
    import json, os, subprocess, sys, time, traceback, types

    blocks = json.load(open(sys.argv[1]))
    page = sys.argv[2]  # for messages; argv[3] is its absolute path, for tracebacks
    # As in an interactive session started in the page's folder: its modules import.
    sys.path[0] = os.getcwd()
    # The blocks run in a fresh module that is __main__, so what they define pickles.
    main = types.ModuleType("__main__")
    main.__file__ = os.path.abspath("__page__.py")
    sys.modules["__main__"] = main
    namespace = main.__dict__
    for number, block in enumerate(blocks, 1):
        where = f"{page} block {number} ({block['kind']}, line {block['line']})"
        print(f"@@@ {where}", flush=True)
        start = time.perf_counter()
        try:
            if block["kind"] == "file":
                folder = os.path.dirname(block["path"])
                if folder:
                    os.makedirs(folder, exist_ok=True)
                with open(block["path"], "w") as f:
                    f.write(block["code"])
            elif block["kind"] == "python":
                # Blank lines in front: line numbers in tracebacks are the Markdown file's.
                source = "\\n" * (block["line"] - 1) + block["code"]
                exec(compile(source, sys.argv[3], "exec"), namespace)
            else:
                cmd = ["bash", "-euo", "pipefail", "-c", block["code"]]
                rc = subprocess.run(cmd).returncode
                if rc and "torchrun" in block["code"]:
                    # A gloo rank can abort at interpreter exit after a finished run
                    # ("terminate called without an active exception", seen under load):
                    # one retry, said in the output, so that flake does not fail the page.
                    print("@@@ torchrun block failed; retrying once", flush=True)
                    rc = subprocess.run(cmd).returncode
                if rc:
                    raise subprocess.CalledProcessError(rc, cmd)
        except BaseException:
            traceback.print_exc()
            print(f"FAILED: {where}", flush=True)
            sys.exit(1)
        sys.stdout.flush()
        sys.stderr.flush()
        print(f"@@@ ok in {time.perf_counter() - start:.1f} s", flush=True)
    """
)


def _page_id(page: Path) -> str:
    return page.relative_to(DOCS).as_posix()


def test_pages_exist_and_have_runnable_code() -> None:
    """A tutorial without a single runnable block is probably a fence typo."""
    assert (DOCS / "tutorials").is_dir()
    for page in RUN_PAGES:
        kinds = {b.kind for b in parse_blocks(page.read_text(), _page_id(page))}
        assert kinds & {"python", "bash"}, f"{_page_id(page)} has no runnable block"


def _shown_name(page: Path) -> str:
    return page.relative_to(ROOT).as_posix() if page.is_relative_to(ROOT) else str(page)


def run_page(page: Path, tmp_path: Path, capture: bool = True) -> tuple[int | None, str]:
    """Run the page's blocks in order in ``tmp_path/page``, in a fresh interpreter.

    Returns:
        tuple[int | None, str]: the exit code (None after a timeout) and the output (stdout and
        stderr together; empty when not captured).
    """
    blocks = [b for b in parse_blocks(page.read_text(), _shown_name(page)) if b.kind != "show"]
    spec = tmp_path / "_blocks.json"
    spec.write_text(json.dumps([asdict(b) for b in blocks]))
    driver = tmp_path / "_driver.py"
    driver.write_text(_DRIVER)
    work = tmp_path / "page"
    work.mkdir()
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env["MPLBACKEND"] = "Agg"
    for name in ("PYTHONPATH", "WORLD_SIZE", "RANK", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(name, None)
    # A session of its own, so that a timeout also ends what the page started (torchrun).
    proc = subprocess.Popen(
        [sys.executable, str(driver), str(spec), _shown_name(page), str(page)],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE if capture else None,
        stderr=subprocess.STDOUT if capture else None,
        text=True,
        start_new_session=True,
    )
    try:
        out, _ = proc.communicate(timeout=PAGE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        return None, out or ""
    return proc.returncode, out or ""


def _check_page(page: Path, tmp_path: Path) -> None:
    code, out = run_page(page, tmp_path)
    if code is None:
        running = re.findall(r"^@@@ (.* block .*)$", out, re.M)
        pytest.fail(
            f"{_shown_name(page)} took longer than {PAGE_TIMEOUT_S} s; it was running "
            f"{running[-1] if running else 'its first block'}.\n{out[-8000:]}"
        )
    if code != 0:
        failed = re.findall(r"^FAILED: (.*)$", out, re.M)
        pytest.fail(
            f"{failed[0] if failed else _shown_name(page)} failed (exit code {code}).\n"
            f"--- output (tail)\n{out[-8000:]}"
        )


@pytest.mark.parametrize("page", RUN_PAGES, ids=_page_id)
def test_page_blocks_run(page: Path, tmp_path: Path) -> None:
    _check_page(page, tmp_path)


def test_a_failing_block_is_named_with_its_page_and_line(tmp_path: Path) -> None:
    page = tmp_path / "broken.md"
    page.write_text(
        "# Broken\n\n```python\nx = 1\n```\n\nText.\n\n```python\ny = x + 1\n"
        "z = undefined_name\n```\n"
    )
    (tmp_path / "run").mkdir()
    with pytest.raises(pytest.fail.Exception) as info:
        _check_page(page, tmp_path / "run")
    message = str(info.value)
    assert f"{page} block 2 (python, line 10) failed" in message
    # the traceback points into the Markdown file, at the failing line
    assert f'File "{page}", line 11' in message and "NameError" in message


def test_a_hanging_page_is_stopped_and_named(tmp_path: Path, monkeypatch) -> None:
    page = tmp_path / "hangs.md"
    page.write_text("```python\nx = 1\n```\n\n```bash runnable\nsleep 60\n```\n")
    (tmp_path / "run").mkdir()
    monkeypatch.setattr(sys.modules[__name__], "PAGE_TIMEOUT_S", 1.5)
    with pytest.raises(pytest.fail.Exception) as info:
        _check_page(page, tmp_path / "run")
    assert f"it was running {page} block 2 (bash, line 6)" in str(info.value)


# ---------------------------------------------------------------- the parser itself


def test_parse_blocks_kinds_and_lines() -> None:
    page = textwrap.dedent(
        """\
        # Title

        ```python
        x = 1
        ```

        ````{code-block} python
        :caption: configs/base.py

        lr = 0.1
        ````

        ```bash runnable
        python -c "print(1)"
        ```

        ```bash
        pip install mmengine-ng
        ```

        ```text
        not code
        ```
        """
    )
    blocks = parse_blocks(page)
    assert [b.kind for b in blocks] == ["python", "file", "bash", "show", "show"]
    assert blocks[0].line == 4 and blocks[0].code == "x = 1"
    assert blocks[1].path == "configs/base.py" and blocks[1].code == "lr = 0.1\n"
    assert blocks[1].line == 10
    assert blocks[2].code == 'python -c "print(1)"'


def test_parse_blocks_rejects_near_python_and_unclosed_fences() -> None:
    with pytest.raises(ValueError, match="use ```python"):
        parse_blocks("```py\nx = 1\n```\n", "p.md")
    with pytest.raises(ValueError, match="p.md:2: the fence '```' is never closed"):
        parse_blocks("text\n```python\nx = 1\n", "p.md")


# ---------------------------------------------------------------- the generated catalogue


def _load_catalogue():
    spec = importlib.util.spec_from_file_location(
        "mmengine_catalogue", DOCS / "_ext" / "mmengine_catalogue.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_catalogue_lists_every_registered_component_and_its_keys() -> None:
    """The catalogue is built from the registries: every entry and constructor key appears."""
    import inspect

    catalogue = _load_catalogue()
    text = catalogue.render_all()
    for section in catalogue.SECTIONS:
        registry = section.registry()
        names = sorted(registry.module_dict)
        assert names, f"nothing registered in {registry.name}"
        for name in names:
            assert re.search(rf"^### {re.escape(name)}$", text, re.M), name
            params = inspect.signature(registry.module_dict[name].__init__).parameters
            for p in list(params.values())[1:]:
                if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                    continue
                assert f"| `{p.name}` |" in text, f"{name}.{p.name} missing"


def test_catalogue_follows_a_newly_registered_hook() -> None:
    from mmengine.hooks import Hook
    from mmengine.registry import HOOKS

    catalogue = _load_catalogue()

    class DocsProbeHook(Hook):
        """A probe.

        Args:
            every (int): how often. Defaults to 3.
        """

        priority = "LOW"

        def __init__(self, every: int = 3) -> None:
            self.every = every

        def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
            pass

    HOOKS.register_module(module=DocsProbeHook)
    try:
        section = next(s for s in catalogue.SECTIONS if s.title == "Hooks")
        text = catalogue.render_section(section)
    finally:
        HOOKS.module_dict.pop("DocsProbeHook")
    entry = text.split("### DocsProbeHook", 1)[1].split("\n### ", 1)[0]
    assert "| `every` | `3` | int | how often. Defaults to 3. |" in entry
    assert "`after_train_iter`" in entry and "LOW" in entry


if __name__ == "__main__":
    # Run pages by hand and watch their output:
    #   uv run --frozen python tests/test_docs.py docs/tutorials/config.md [...]
    import tempfile

    status = 0
    for arg in sys.argv[1:] or [str(p) for p in RUN_PAGES]:
        with tempfile.TemporaryDirectory() as tmp:
            code, _ = run_page(Path(arg).resolve(), Path(tmp), capture=False)
            status |= 1 if code is None else code
    sys.exit(status)
