"""One deal of a batch (``Job``), what became of it (``Outcome``), the batch's result, and error texts.

An error names the deal's CSV row or file once per line; a CSV row's error uses the
column names (``proceeds.uses.0.share``), so the user finds the cell.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from xl_placement.errors import PlacementError

ERROR = "error"  # the deal got no report: invalid input, or it could not be written


@dataclass(frozen=True)
class Job:
    """One deal to build: a CSV row's mapping or a deal file, and where its report goes."""

    label: str  # "deals.csv row 3" or "deals/byd.toml": how messages name the deal
    row: int | None
    mapping: Mapping[str, Any] | None
    path: Path | None
    report: Path
    prices: Path | None = None  # --prices: the price-history file for every deal
    base: Path | None = None  # the folder a CSV row's market.history_file is relative to


@dataclass(frozen=True)
class Outcome:
    """What became of one deal."""

    label: str
    row: int | None
    status: str  # passed | failed | incomplete (the checks' outcome), or error (no report)
    report: str = ""
    issuer: Mapping[str, str] = field(default_factory=dict)
    figures: Mapping[str, Decimal] = field(default_factory=dict)
    breaches: tuple[str, ...] = ()
    mismatches: tuple[str, ...] = ()
    gaps: tuple[str, ...] = ()
    error: str = ""
    trace: str = ""
    exists: bool = False  # failed because the report exists and force was not given


@dataclass(frozen=True)
class BatchResult:
    """Every deal's outcome and the summary files written."""

    outcomes: tuple[Outcome, ...]
    summaries: tuple[Path, ...]

    @property
    def errors(self) -> tuple[Outcome, ...]:
        """The deals that got no report (status ``error``)."""
        return tuple(o for o in self.outcomes if o.status == ERROR)


def _split_path(text: str) -> tuple[str, str, str]:
    """Split "path = value: expected" (or "path: expected") into the path, the separator and the rest."""
    match = re.match(r"(.*?)( = |: )(.*)", text, flags=re.DOTALL)
    return (match[1], match[2], match[3]) if match else (text, "", "")


def error_message(exc: PlacementError, label: str, *, csv_row: bool) -> str:
    """The error text, naming the row or file once per line; CSV rows use the column names."""
    lines = str(exc).splitlines() or [type(exc).__name__]
    result = []
    for line in lines:
        text = line.removeprefix(f"{label}: ")
        if csv_row:
            # proceeds.uses[0].share -> proceeds.uses.0.share, the CSV column's name (the path only, not the value)
            path, sep, rest = _split_path(text)
            text = re.sub(r"\[(\d+)\]", r".\1", path) + sep + rest
        result.append(f"{label}: {text}")
    return "\n".join(result)
