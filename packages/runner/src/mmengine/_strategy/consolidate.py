"""Consolidate a sharded checkpoint into one file.

Usage::

    python -m mmengine._strategy.consolidate work_dirs/exp/epoch_3.pth epoch_3_full.pth

The sharded checkpoint (a directory written by ``FSDPStrategy`` with sharded state dicts, on
any number of processes) is assembled on this one process, without a process group, into an
ordinary checkpoint that ``mmengine.runner.checkpoint.load_checkpoint`` reads and a
single-process ``Runner`` resumes from.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Optional


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mmengine._strategy.consolidate",
        description="Assemble a sharded (torch.distributed.checkpoint) checkpoint directory "
        "into one checkpoint file that load_checkpoint reads on a single process.",
    )
    parser.add_argument("sharded_dir", help="the sharded checkpoint directory")
    parser.add_argument("out", help="the checkpoint file to write")
    parser.add_argument(
        "--no-optimizer",
        action="store_true",
        help="leave the optimizer state out (a smaller file for inference or fine-tuning)",
    )
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point; returns the exit status (2 for a wrong argument)."""
    args = build_parser().parse_args(argv)
    from .sharded_checkpoint import consolidate

    try:
        checkpoint = consolidate(args.sharded_dir, args.out, with_optimizer=not args.no_optimizer)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    weights = checkpoint["state_dict"]
    numel = sum(getattr(v, "numel", lambda: 0)() for v in weights.values())
    parts = ", ".join(sorted(checkpoint))
    print(f"Wrote {args.out}: {len(weights)} tensors ({numel} values); keys: {parts}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
