"""The Checks sheet: listing-rule checks, stated-versus-computed figures, announcement wording.

Written from ``checks.check_deal``'s ``CheckReport``: the same results the command line
and the Excel functions show.
"""

from __future__ import annotations

from openpyxl import Workbook

from xl_placement.checks import CheckReport
from xl_placement.report.cells import CellWriter, fit_height
from xl_placement.report.tables import table_rows

# In the rule and stated tables' narrow columns LibreOffice fits a little more text on a
# line than fit_height's estimate (rows came out a line too tall, the spacing uneven); the
# wide sentence rows keep the estimate, which there is about right.
CHECKS_SCALE = 1.05
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
        for column, text in zip(
            c, (check.rule, check.title, check.figure, check.limit, check.status, check.detail), strict=True
        ):
            out.text(ws, f"{column}{row}", text)
        out.colour(ws[f"{c[4]}{row}"], STATUS_COLOURS.get(check.status, "FF000000"))
        fit_height(ws, row, chars_scale=CHECKS_SCALE)

    stated = list(report.stated)
    proto, rows = table_rows(wb, "StatedRow", len(stated))
    if not stated:
        out.text(ws, f"{c[1]}{rows[0]}", "No stated figures in the deal file")
    for number, (item, row) in enumerate(zip(stated, rows, strict=False), start=1):
        as_stated = f"{item.stated} ({item.precision})"
        values = (f"{number}.", item.label, as_stated, item.computed_text, item.status, item.key)
        for column, text in zip(c, values, strict=True):
            out.text(ws, f"{column}{row}", text)
        out.colour(ws[f"{c[4]}{row}"], STATUS_COLOURS.get(item.status, "FF000000"))
        fit_height(ws, row, chars_scale=CHECKS_SCALE)

    sentences = list(report.sentences)
    proto, rows = table_rows(wb, "SentenceRow", len(sentences))
    if not sentences:
        out.text(ws, f"{c[0]}{rows[0]}", "No announcement wording available")
    for sentence, row in zip(sentences, rows, strict=False):
        out.text(ws, f"{c[0]}{row}", sentence)
        fit_height(ws, row)
