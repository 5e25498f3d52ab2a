"""The batch's summary table: one row per deal, as ``summary.xlsx`` and ``summary.csv``.

Every text cell is written as text: never a formula in the workbook, and a CSV cell a
spreadsheet would take for one gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from xl_placement.batch.jobs import ERROR, Outcome
from xl_placement.context import AFTER_MARKET_DAYS
from xl_placement.figures import NOT_GIVEN
from xl_placement.money import in_context
from xl_placement.output import write_all

SUMMARY_NAMES = ("summary.xlsx", "summary.csv")
SUMMARY_PDF = "summary.pdf"  # with batch --pdf


# Key figures in the summary table: (deal-figure key, column heading, unit).
SUMMARY_FIGURES = (
    ("price", "price", "money"),
    ("new_shares", "new shares", "shares"),
    ("discount_to_last_close", "discount to last close", "fraction"),
    ("discount_to_benchmarked_price", "discount to benchmarked price", "fraction"),
    ("percent_of_existing", "% of existing", "fraction"),
    ("percent_of_enlarged", "% of enlarged", "fraction"),
    ("gross_proceeds", "gross proceeds", "amount"),
    ("gross_proceeds_usd", "gross proceeds US$", "amount"),  # one currency across the deals
    ("net_proceeds", "net proceeds", "amount"),
    # The close on T+N against the placing price, when the deal's history runs past it (#28).
    *((f"after_market_t{n}", f"after market T+{n}", "fraction") for n in AFTER_MARKET_DAYS),
)
SUMMARY_MILLIONS = "#,##0.0,,"  # amounts in summary.xlsx: millions to 0.1 (the cell keeps the exact amount)
# Column widths in summary.xlsx (others: 10); the long texts wrap in their columns.
SUMMARY_WIDTHS = {
    "row": 5, "source": 20, "status": 11, "report": 20, "issuer": 24, "stock code": 8, "exchange": 10,
    "currency": 9, "new shares": 14, "breaches": 30, "mismatched stated figures": 30,
    "incomplete checks": 36, "error": 40,
}  # fmt: skip
SUMMARY_WRAPPED = (
    "source", "report", "issuer", "breaches", "mismatched stated figures", "incomplete checks", "error",
)  # fmt: skip
SUMMARY_COLUMNS = (
    "row",
    "source",
    "status",
    "report",
    "issuer",
    "stock code",
    "exchange",
    "currency",
    *(heading for _, heading, _ in SUMMARY_FIGURES),
    "breaches",
    "mismatched stated figures",
    "incomplete checks",
    "error",
)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@in_context
def summary_records(outcomes: Iterable[Outcome]) -> list[list[str | Decimal | int | None]]:
    """One row per deal, in SUMMARY_COLUMNS order: text, numbers (Decimal) or None."""
    records: list[list[str | Decimal | int | None]] = []
    for o in outcomes:
        records.append(
            [
                o.row,
                o.label,
                o.status,
                o.report,
                o.issuer.get("issuer", ""),
                o.issuer.get("stock code", ""),
                o.issuer.get("exchange", ""),
                o.issuer.get("currency", ""),
                # A deal that was checked but lacks a figure's input says so; a deal in error has no figures.
                *(
                    o.figures.get(key, None if o.status == ERROR else NOT_GIVEN)
                    for key, _, _ in SUMMARY_FIGURES
                ),
                "; ".join(o.breaches),
                "; ".join(o.mismatches),
                "; ".join(o.gaps),
                "; ".join(o.error.splitlines()),
            ]
        )
    return records


@in_context
def summary_csv(outcomes: Iterable[Outcome]) -> bytes:
    """The summary table as CSV (UTF-8 with a BOM, so Excel reads the accents right).

    Text that a spreadsheet would take for a formula (starting with ``= + - @``, tab
    or carriage return) gets a leading apostrophe, the usual CSV-injection defence.
    """
    stream = io.StringIO(newline="")
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(SUMMARY_COLUMNS)
    for record in summary_records(outcomes):
        writer.writerow(["" if v is None else _csv_text(v) if isinstance(v, str) else str(v) for v in record])
    return stream.getvalue().encode("utf-8-sig")


def _csv_text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


@in_context
def summary_xlsx(outcomes: Iterable[Outcome]) -> bytes:
    """The summary table as a workbook; every text cell is written as a string, never a formula."""
    import xlsxwriter  # noqa: PLC0415 - only batch runs need it

    stream = io.BytesIO()
    options = {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    }
    workbook = xlsxwriter.Workbook(stream, options)
    # A fixed creation date: the same outcomes give the same bytes.
    workbook.set_properties({"title": "xl-placement batch summary", "created": dt.datetime(2000, 1, 1)})
    sheet = workbook.add_worksheet("Summary")
    formats = {
        "money": workbook.add_format({"num_format": "#,##0.00##", "valign": "top"}),
        "amount": workbook.add_format({"num_format": SUMMARY_MILLIONS, "valign": "top"}),  # exact, shown in m
        "shares": workbook.add_format({"num_format": "#,##0", "valign": "top"}),
        "fraction": workbook.add_format({"num_format": "0.00%", "valign": "top"}),
        "": workbook.add_format({"valign": "top", "align": "left"}),  # the row number
    }
    units = {heading: unit for _, heading, unit in SUMMARY_FIGURES}
    # Every text wraps in its column, so none runs into the next cell in print; a figure's
    # "not given" is right-aligned under the numbers.
    text_wrap = workbook.add_format(
        {"text_wrap": True, "valign": "top", "align": "left", "indent": 1}
    )  # clear of a figure
    text_top = workbook.add_format({"text_wrap": True, "valign": "top", "align": "right"})
    head = workbook.add_format(
        {"bold": True, "text_wrap": True, "valign": "bottom", "bottom": 1, "align": "left", "indent": 1}
    )
    head_figure = workbook.add_format(
        {"bold": True, "text_wrap": True, "valign": "bottom", "bottom": 1, "align": "right"}
    )
    for col, heading in enumerate(SUMMARY_COLUMNS):
        shown = f"{heading} (m)" if units.get(heading) == "amount" else heading
        sheet.write_string(0, col, shown, head_figure if heading in units else head)
    sheet.set_row(0, 45)  # three lines of heading: LibreOffice and Excel do not grow a row on load
    records = summary_records(outcomes)
    for row, record in enumerate(records, start=1):
        sheet.set_row(row, _row_height(record))  # LibreOffice and Excel do not grow rows of wrapped text
        for col, value in enumerate(record):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                figure = SUMMARY_COLUMNS[col] in units
                sheet.write_string(row, col, value[:32_767], text_top if figure else text_wrap)
            else:
                sheet.write_number(row, col, float(value), formats.get(units.get(SUMMARY_COLUMNS[col], "")))
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, len(SUMMARY_COLUMNS) - 1, 12)
    for name, width in SUMMARY_WIDTHS.items():
        col = SUMMARY_COLUMNS.index(name)
        sheet.set_column(col, col, width)
    sheet.autofilter(0, 0, max(len(records), 1), len(SUMMARY_COLUMNS) - 1)
    _summary_print_setup(sheet, len(records))
    workbook.close()
    return stream.getvalue()


def _row_height(record: Sequence[object]) -> float:
    """The height (points) of a summary row whose wrapped texts take the most lines."""
    from xl_placement.report.cells import wrapped_lines  # noqa: PLC0415 - only summary.xlsx needs it

    lines = 1
    for name, value in zip(SUMMARY_COLUMNS, record, strict=True):
        if name in SUMMARY_WRAPPED and isinstance(value, str):
            per_line = int(SUMMARY_WIDTHS[name] * 1.1)
            lines = max(lines, sum(wrapped_lines(part, per_line) for part in value.split("\n")))
    return 15.0 * lines


def _summary_print_setup(sheet: Any, rows: int) -> None:
    """Landscape A4, two pages wide (about 75%: readable), the heading row on every page."""
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.75)
    sheet.print_area(0, 0, max(rows, 1), len(SUMMARY_COLUMNS) - 1)
    sheet.repeat_rows(0)
    sheet.fit_to_pages(2, 0)
    sheet.set_footer("&L&8xl-placement batch summary&R&8page &P of &N", {"margin": 0.3})


def write_summaries(outcomes: Sequence[Outcome], out_dir: Path, *, force: bool = False) -> tuple[Path, ...]:
    """Write summary.xlsx and summary.csv into ``out_dir``: both or neither (a full disk leaves neither).

    Each report is named by its path from ``out_dir``, where the summaries are: the folder
    can be moved or sent whole and every name still leads to its report.
    """
    outcomes = [replace(o, report=_relative(o.report, out_dir)) for o in outcomes]
    return write_all(
        [
            (out_dir / "summary.xlsx", summary_xlsx(outcomes)),
            (out_dir / "summary.csv", summary_csv(outcomes)),
        ],
        force=force,
    )


def _relative(report: str, out_dir: Path) -> str:
    """A report's path as seen from the summaries' folder (unchanged when it is elsewhere or not built)."""
    if not report:
        return report
    try:
        return Path(report).resolve().relative_to(out_dir.resolve()).as_posix()
    except ValueError:
        return report
