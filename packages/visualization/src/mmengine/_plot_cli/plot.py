"""``mmengine-plot``: draw training curves from the ``scalars.json`` files of runs.

``LocalVisBackend`` writes one JSON object per line to ``<work_dir>/<timestamp>/vis_data/
scalars.json``: training rows such as ``{"lr": .., "loss": .., "epoch": 1, "iter": 15,
"step": 15}`` and validation rows such as ``{"accuracy": 91.4, "step": 1}``. This command plots
chosen keys against the iteration, the epoch or the raw ``step``, one subplot per key, with
several runs side by side (the legend names each run's folder)::

    mmengine-plot work_dirs/a/20240101_120000/vis_data/scalars.json work_dirs/b \\
        --keys loss accuracy --x iter --out curves.png

How rows become points:

- A row without the x key (validation rows carry neither ``iter`` nor ``epoch``) is placed at
  the x of the latest row before it that has one: validation after epoch 3 lands at the last
  logged iteration of epoch 3, or at epoch 3.
- Values of one key at the same x are averaged, so ``--x epoch`` shows one point per epoch for
  losses logged several times an epoch.
- Values that are not numbers (lists, strings) are skipped.

Mistakes (a missing file, a key no row has, an unreadable line) print one message and exit
with code 2. matplotlib (``pip install "mmengine-ng-visualization[matplotlib]"``) is imported
only to draw, after the files have been read and checked.
"""

from __future__ import annotations

import argparse
import glob
import json
import math
import os
import os.path as osp
import sys
from collections.abc import Sequence

X_AXES = ("iter", "epoch", "step")
_SCALARS_FILE = "scalars.json"


class PlotError(Exception):
    """A user mistake: reported as one line on stderr, exit code 2."""


class Run:
    """The rows of one ``scalars.json`` file and the label its curves get in the legend.

    Args:
        path (str): The file.
        rows (list[dict]): Its JSON objects, in file order.
        label (str): The legend entry. Defaults to the run's folder (see :func:`run_label`).
    """

    def __init__(self, path: str, rows: list[dict], label: str | None = None) -> None:
        self.path = path
        self.rows = rows
        self.label = label if label is not None else run_label(path)

    def keys(self) -> set[str]:
        """All keys that appear in at least one row."""
        return {key for row in self.rows for key in row}


def run_label(path: str) -> str:
    """``<work_dir name>/<timestamp>`` for ``<work_dir>/<timestamp>/vis_data/scalars.json``.

    Other paths are labelled with their parent folder and file name.

    Args:
        path (str): A scalars file.

    Returns:
        str: The label.
    """
    parts = osp.normpath(osp.abspath(path)).split(os.sep)
    if len(parts) >= 4 and parts[-2] == "vis_data":
        return "/".join(parts[-4:-2])
    return "/".join(parts[-2:])


def find_scalar_files(path: str) -> list[str]:
    """The scalars files ``path`` names: itself, or every ``vis_data/scalars.json`` below it.

    Args:
        path (str): A file, or a folder (a work dir or one run's timestamp folder).

    Returns:
        list[str]: The files, sorted (timestamps sort by time).
    """
    if osp.isfile(path):
        return [path]
    if osp.isdir(path):
        pattern = osp.join(glob.escape(path), "**", "vis_data", _SCALARS_FILE)
        found = sorted(glob.glob(pattern, recursive=True))
        if not found:
            raise PlotError(
                f"{path} is a folder without any vis_data/{_SCALARS_FILE} below it; give the "
                "scalars file of a run (LocalVisBackend writes "
                f"<work_dir>/<timestamp>/vis_data/{_SCALARS_FILE})"
            )
        return found
    raise PlotError(
        f"{path}: no such file or folder; give a {_SCALARS_FILE} written by LocalVisBackend "
        f"(<work_dir>/<timestamp>/vis_data/{_SCALARS_FILE}) or a work dir holding one"
    )


def read_scalars(path: str) -> list[dict]:
    """Read a JSON-lines scalars file (blank lines are skipped).

    Args:
        path (str): The file.

    Returns:
        list[dict]: One dict per line.
    """
    rows = []
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.readlines()
    except OSError as err:
        raise PlotError(f"{path}: cannot read it ({err.strerror})") from None
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            if lineno == len(lines) and not line.endswith("\n"):
                # the run was killed while writing its last line: plot what is complete
                print(
                    f"warning: {path}:{lineno}: the last line is cut short (the run stopped "
                    "while writing it); it is left out",
                    file=sys.stderr,
                )
                break
            raise PlotError(
                f"{path}:{lineno}: not valid JSON ({err.msg}); a scalars file holds "
                "one JSON object per line"
            ) from None
        if not isinstance(row, dict):
            raise PlotError(f"{path}:{lineno}: expected a JSON object, got {type(row).__name__}")
        rows.append(row)
    return rows


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def curve(rows: Sequence[dict], key: str, x: str) -> tuple[list[float], list[float]]:
    """The points of ``key`` against ``x`` in ``rows`` (see the module docstring).

    Args:
        rows (Sequence[dict]): The rows of one run, in file order.
        key (str): The value to plot, such as ``'loss'``.
        x (str): ``'iter'``, ``'epoch'`` or ``'step'``.

    Returns:
        tuple[list[float], list[float]]: xs (increasing) and ys.
    """
    sums: dict[float, list[float]] = {}
    current_x: float | None = None
    for row in rows:
        row_x = _number(row.get(x))
        if row_x is not None:
            current_x = row_x
        value = _number(row.get(key))
        if value is None or current_x is None:
            continue
        total = sums.setdefault(current_x, [0.0, 0.0])
        total[0] += value
        total[1] += 1
    xs = sorted(sums)
    return xs, [sums[point][0] / sums[point][1] for point in xs]


def check_keys(runs: Sequence[Run], keys: Sequence[str], x: str) -> None:
    """Raise PlotError for a key no run has, or a run whose rows lack the x axis.

    Args:
        runs (Sequence[Run]): The runs.
        keys (Sequence[str]): The keys to plot.
        x (str): The x axis.
    """
    present = set().union(*(run.keys() for run in runs))
    missing = [key for key in keys if key not in present]
    if missing:
        where = runs[0].path if len(runs) == 1 else f"any of the {len(runs)} files"
        raise PlotError(
            f"no row of {where} has the key{'s' if len(missing) > 1 else ''} "
            f"{', '.join(map(repr, missing))}; the keys there are: {', '.join(sorted(present))}"
        )
    for run in runs:
        if x not in run.keys():
            others = [axis for axis in X_AXES if axis in run.keys()]
            hint = f"use --x {others[0]}" if others else "it has no x axis key at all"
            raise PlotError(f"no row of {run.path} has {x!r} (the x axis of --x {x}); {hint}")


def _import_matplotlib() -> tuple[type, type]:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as err:
        raise PlotError(
            f"mmengine-plot draws with matplotlib, which is not installed ({err}); run "
            '"pip install mmengine-ng-visualization[matplotlib]" (or "pip install matplotlib")'
        ) from None
    return Figure, FigureCanvasAgg


def plot_curves(
    runs: Sequence[Run], keys: Sequence[str], x: str, out: str, title: str | None = None
) -> str:
    """Draw one subplot per key, one line per run, and save the figure to ``out``.

    Args:
        runs (Sequence[Run]): The runs.
        keys (Sequence[str]): The keys to plot.
        x (str): ``'iter'``, ``'epoch'`` or ``'step'``.
        out (str): The image file; its suffix picks the format (``.png``, ``.svg``, ``.pdf``).
        title (str, optional): A title above the subplots. Defaults to None.

    Returns:
        str: ``out``.
    """
    Figure, FigureCanvasAgg = _import_matplotlib()  # noqa: N806
    ncols = min(len(keys), 3)
    nrows = math.ceil(len(keys) / ncols)
    fig = Figure(figsize=(5.0 * ncols, 3.6 * nrows), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, key in zip(axes, keys):
        for run in runs:
            xs, ys = curve(run.rows, key, x)
            if xs:
                marker = "o" if len(xs) <= 30 else None
                ax.plot(xs, ys, marker=marker, markersize=3, linewidth=1.5, label=run.label)
        ax.set_title(key)
        ax.set_xlabel(x)
        ax.grid(True, alpha=0.3)
        if x == "epoch":
            ax.xaxis.get_major_locator().set_params(integer=True)
        ax.legend(fontsize="small")
    for ax in axes[len(keys) :]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title)
    parent = osp.dirname(osp.abspath(out))
    os.makedirs(parent, exist_ok=True)
    try:
        fig.savefig(out, dpi=120)
    except ValueError as err:  # an unknown file format
        raise PlotError(f"cannot save {out}: {err}") from None
    return out


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``mmengine-plot``."""
    parser = argparse.ArgumentParser(
        prog="mmengine-plot",
        description=(
            "Plot training curves (loss, accuracy, lr, ...) from the scalars.json files "
            "LocalVisBackend writes, one subplot per key, several runs side by side."
        ),
    )
    parser.add_argument(
        "scalars",
        nargs="+",
        metavar="SCALARS_JSON",
        help="a <work_dir>/<timestamp>/vis_data/scalars.json file, or a folder searched for them",
    )
    parser.add_argument(
        "--keys", nargs="+", required=True, help="the keys to plot, e.g. loss accuracy lr"
    )
    parser.add_argument(
        "--x",
        choices=X_AXES,
        default="iter",
        help="the x axis: iteration, epoch, or the raw step of each row (default: iter)",
    )
    parser.add_argument("--out", default="curves.png", help="the image to write (.png, .svg, .pdf)")
    parser.add_argument("--title", default=None, help="a title above the subplots")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``mmengine-plot``.

    Args:
        argv (Sequence[str], optional): The arguments. Defaults to ``sys.argv[1:]``.

    Returns:
        int: 0 on success, 2 for a mistake in the arguments or the files.
    """
    args = build_parser().parse_args(argv)
    try:
        paths = [path for arg in args.scalars for path in find_scalar_files(arg)]
        runs = [Run(path, read_scalars(path)) for path in dict.fromkeys(paths)]
        labels = [run.label for run in runs]
        for run in runs:
            if labels.count(run.label) > 1:
                run.label = run.path
        check_keys(runs, args.keys, args.x)
        out = plot_curves(runs, args.keys, args.x, args.out, args.title)
    except PlotError as err:
        print(f"mmengine-plot: error: {err}", file=sys.stderr)
        return 2
    print(
        f"Saved {', '.join(args.keys)} against {args.x} of {len(runs)} "
        f"run{'s' if len(runs) > 1 else ''} to {out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
