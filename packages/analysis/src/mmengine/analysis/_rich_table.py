"""Render plain-text tables with rich (no colour codes, nothing truncated)."""

from __future__ import annotations

import io
from collections.abc import Sequence


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Render ``rows`` under ``headers`` as an ASCII table.

    Cells are taken literally (no rich markup), leading spaces are kept so
    that indentation shows the module hierarchy, and the console is wide
    enough that no cell is wrapped or cropped.

    Args:
        headers (Sequence[str]): Column titles.
        rows (Sequence[Sequence[str]]): One sequence of cell strings per row.

    Returns:
        str: The table, lines separated by ``\\n``, without trailing newline.
    """
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.ASCII2, show_header=True, header_style=None, highlight=False)
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
    return "\n".join(line.rstrip() for line in buffer.getvalue().rstrip("\n").split("\n"))
