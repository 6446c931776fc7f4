"""Render plain-text tables with rich (no colour codes, nothing truncated)."""

from __future__ import annotations

import io
from collections.abc import Sequence


def render_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], title: str | None = None
) -> str:
    """Render ``rows`` under ``headers`` as an ASCII table.

    Cells are taken literally (no rich markup), leading spaces are kept so
    that indentation shows the module hierarchy, and the console is wide
    enough that no cell is wrapped or cropped.

    Args:
        headers (Sequence[str]): Column titles.
        rows (Sequence[Sequence[str]]): One sequence of cell strings per row.
        title (str, optional): A line centred above the table.

    Returns:
        str: The table, each line (the last too) ending with ``\\n``, as 0.10 prints it.
    """
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(
        box=box.ASCII2,
        show_header=True,
        header_style=None,
        highlight=False,
        title=None if title is None else Text(title),
        title_style=None,
    )
    for header in headers:
        table.add_column(Text(header), no_wrap=True, overflow="ignore")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))

    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    width = sum(widths) + 3 * len(widths) + 10

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        color_system=None,
        force_terminal=False,
        force_jupyter=False,
        no_color=True,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
    )
    console.print(table, end="")
    lines = buffer.getvalue().rstrip("\n").split("\n")
    # the title (wrapped to the table's width, centred with its padding) comes before the
    # first border line; table lines lose trailing spaces
    top = next((i for i, line in enumerate(lines) if line.startswith("+")), 0)
    return "\n".join(lines[:top] + [line.rstrip() for line in lines[top:]]) + "\n"
