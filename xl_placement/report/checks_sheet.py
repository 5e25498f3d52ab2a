"""The Checks sheet: listing-rule checks, stated-versus-computed figures, announcement wording.

Written from a ``checks.CheckReport`` (see ``xl_placement.checks``); the sheet only needs
the attributes below, so it is typed against these protocols.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import copy
from decimal import Decimal
from typing import Protocol

from openpyxl import Workbook
from openpyxl.cell.cell import Cell

from xl_placement.report.cells import CellWriter
from xl_placement.report.tables import table_rows

STATUS_COLOURS = {
    "pass": "FF007A33",
    "breach": "FFC00000",
    "not applicable": "FF595959",
    "not enough data": "FFB45F06",
    "information": "FF1F3864",
}
CHARS_PER_LINE = 150  # about what the merged wording row shows at 10 pt
LINE_HEIGHT = 13.0


class RuleCheckLike(Protocol):
    """One listing-rule check."""

    @property
    def rule(self) -> str: ...  # noqa: D102
    @property
    def title(self) -> str: ...  # noqa: D102
    @property
    def figure(self) -> str: ...  # noqa: D102
    @property
    def limit(self) -> str: ...  # noqa: D102
    @property
    def status(self) -> str: ...  # noqa: D102
    @property
    def detail(self) -> str: ...  # noqa: D102


class StatedCheckLike(Protocol):
    """One published figure compared with the computed one."""

    @property
    def key(self) -> str: ...  # noqa: D102
    @property
    def label(self) -> str: ...  # noqa: D102
    @property
    def stated(self) -> str: ...  # noqa: D102
    @property
    def computed(self) -> Decimal: ...  # noqa: D102
    @property
    def computed_text(self) -> str: ...  # noqa: D102
    @property
    def matches(self) -> bool: ...  # noqa: D102


class CheckReportLike(Protocol):
    """All checks of one deal."""

    @property
    def rules(self) -> Sequence[RuleCheckLike]: ...  # noqa: D102
    @property
    def stated(self) -> Sequence[StatedCheckLike]: ...  # noqa: D102
    @property
    def sentences(self) -> Sequence[str]: ...  # noqa: D102


def fill_checks(wb: Workbook, report: CheckReportLike | None, out: CellWriter) -> None:
    """Fill the three tables of the Checks sheet (rules first: the others sit below it)."""
    rules = list(report.rules) if report else []
    proto, rows = table_rows(wb, "RuleRow", len(rules))
    ws = proto.ws
    c = [ws.cell(1, proto.min_col + i).column_letter for i in range(6)]
    if report is None:
        out.text(ws, f"{c[1]}{rows[0]}", "Listing-rule checks are not available in this version")
    elif not rules:
        out.text(ws, f"{c[1]}{rows[0]}", f"No listing rules are checked for {_exchange(wb)}")
    for check, row in zip(rules, rows, strict=False):
        for column, text in zip(
            c, (check.rule, check.title, check.figure, check.limit, check.status, check.detail), strict=True
        ):
            out.text(ws, f"{column}{row}", text)
        _colour(ws[f"{c[4]}{row}"], STATUS_COLOURS.get(check.status, "FF000000"))

    stated = list(report.stated) if report else []
    proto, rows = table_rows(wb, "StatedRow", len(stated))
    if not stated:
        out.text(ws, f"{c[1]}{rows[0]}", "No stated figures in the deal file")
    for number, (item, row) in enumerate(zip(stated, rows, strict=False), start=1):
        verdict = "yes" if item.matches else "NO"
        values = (f"{number}.", item.label, item.stated, item.computed_text, verdict, item.key)
        for column, text in zip(c, values, strict=True):
            out.text(ws, f"{column}{row}", text)
        _colour(ws[f"{c[4]}{row}"], STATUS_COLOURS["pass" if item.matches else "breach"])

    sentences = list(report.sentences) if report else []
    proto, rows = table_rows(wb, "SentenceRow", len(sentences))
    if not sentences:
        out.text(ws, f"{c[0]}{rows[0]}", "No announcement wording available")
    for sentence, row in zip(sentences, rows, strict=False):
        out.text(ws, f"{c[0]}{row}", sentence)
        lines = max(1, -(-len(sentence) // CHARS_PER_LINE))
        ws.row_dimensions[row].height = LINE_HEIGHT * lines + 3


def _exchange(wb: Workbook) -> str:
    from xl_placement.report.template import area  # noqa: PLC0415 - avoids a cycle at import time

    found = area(wb, "Exchange")
    return str(found.ws[found.ref].value)


def _colour(cell: Cell, rgb: str) -> None:
    font = copy(cell.font)
    font.color = rgb
    cell.font = font
