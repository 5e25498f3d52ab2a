"""The xl-placement command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from xl_placement.dealfile import load_deal
from xl_placement.errors import PlacementError
from xl_placement.figures import compute
from xl_placement.report import build_report
from xl_placement.summary import summary_lines


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="xl-placement", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser(
        "build", help="compute a deal's figures and, with -o, write its report workbook"
    )
    build.add_argument("deal")
    build.add_argument("-o", "--output")
    build.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    try:
        deal = load_deal(args.deal)
        figures = compute(deal)
        written = build_report(deal, args.output, force=args.force) if args.output else None
    except PlacementError as exc:
        print(f"error: {exc}", file=sys.stderr)  # noqa: T201
        return 2
    print("\n".join(summary_lines(figures)))  # noqa: T201
    if written is not None:
        print(f"wrote {written}")  # noqa: T201
    return 0
