"""The Checks sheet: listing-rule checks, stated-versus-computed figures, announcement wording.

Written from ``checks.check_deal``'s ``CheckReport``: the same results the command line
and the Excel functions show.
"""

from __future__ import annotations

import re

from openpyxl import Workbook

from xl_placement.checks import CheckReport
from xl_placement.report.cells import CellWriter, fit_height
from xl_placement.report.layout import dates_as_sheets, for_reader
from xl_placement.report.tables import table_rows
from xl_placement.rules.base import RuleCheck

# In the rule and stated tables' narrow columns LibreOffice fits a little more text on a
# line than fit_height's estimate (rows came out a line too tall, the spacing uneven); the
# wide sentence rows keep the estimate, which there is about right.
CHECKS_SCALE = 1.05
NOT_CHECKED = "Not checked: the figures it needs were not available."
NOT_ENOUGH_DATA = "not enough data"
EXACT_AMOUNT = re.compile(
    r" \([0-9,]+\.[0-9]+\)$"
)  # "HK$3.247bn (3,247,000,000.00)": the rounded figure is enough
STATUS_COLOURS = {
    "pass": "FF007A33",
    "breach": "FFC00000",
    "not applicable": "FF595959",
    "not enough data": "FFB45F06",
    "information": "FF1F3864",
    "matches": "FF007A33",
    "differs": "FFC00000",
}


def fill_checks(wb: Workbook, report: CheckReport, out: CellWriter) -> None:
    """Fill the three tables of the Checks sheet (rules first: the others sit below it)."""
    rules = list(report.rules)
    proto, rows = table_rows(wb, "RuleRow", len(rules))
    ws = proto.ws
    c = [ws.cell(1, proto.min_col + i).column_letter for i in range(6)]
    if not rules:
        out.text(ws, f"{c[1]}{rows[0]}", "No listing rules are checked for this exchange")
    for check, row in zip(rules, rows, strict=False):
        for column, text in zip(c, _rule_cells(check), strict=True):
            out.text(ws, f"{column}{row}", text)
        out.colour(ws[f"{c[4]}{row}"], STATUS_COLOURS.get(check.status, "FF000000"))
        fit_height(ws, row, chars_scale=CHECKS_SCALE)

    stated = list(report.stated)
    proto, rows = table_rows(wb, "StatedRow", len(stated))
    if not stated:
        out.text(ws, f"{c[1]}{rows[0]}", "No figures stated in the announcement were compared")
    for number, (item, row) in enumerate(zip(stated, rows, strict=False), start=1):
        as_stated = f"{item.stated} ({item.precision})"
        values = (
            f"{number}.",
            dates_as_sheets(item.label),
            as_stated,
            for_reader(EXACT_AMOUNT.sub("", item.computed_text)) or "-",
            item.status,
            "",
        )
        for column, text in zip(c, values, strict=True):
            out.text(ws, f"{column}{row}", text)
        out.colour(ws[f"{c[4]}{row}"], STATUS_COLOURS.get(item.status, "FF000000"))
        fit_height(ws, row, chars_scale=CHECKS_SCALE)

    sentences = [s for s in map(for_reader, report.sentences) if s]
    proto, rows = table_rows(wb, "SentenceRow", len(sentences))
    if not sentences:
        out.text(ws, f"{c[0]}{rows[0]}", "No announcement wording available")
    for sentence, row in zip(sentences, rows, strict=False):
        out.text(ws, f"{c[0]}{row}", sentence)
        fit_height(ws, row)


def _rule_cells(check: RuleCheck) -> tuple[str, ...]:
    """A check's cells in the reader's words: a check not made says so, without the deal-file keys."""
    limit = for_reader(check.limit) or "-"
    if check.status == NOT_ENOUGH_DATA:
        figure = check.figure if for_reader(check.figure) == check.figure else "-"
        return (check.rule, dates_as_sheets(check.title), figure, limit, check.status, NOT_CHECKED)
    figure = for_reader(check.figure) or "-"
    return (
        check.rule,
        dates_as_sheets(check.title),
        figure,
        limit,
        check.status,
        for_reader(check.detail) or "",
    )
