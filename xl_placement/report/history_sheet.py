"""The "Price history" sheet: closes, volumes, the placing price and the reference prices.

Six months of closes and volumes as a chart, with the placing price and the reference
prices as lines, and the after-market closes (T+1, T+5, T+20). Only for a deal with a dated history (typed or read from a price file). The sheet holds values,
not formulas: every number is a close, a volume or a figure the core computed.
"""

from __future__ import annotations

import datetime as dt

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.axis import ChartLines
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.drawing.line import LineProperties
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from xl_placement.context import AFTER_MARKET_DAYS
from xl_placement.figures import Figures
from xl_placement.formats import unit_label
from xl_placement.prices import Close
from xl_placement.report.layout import DATE_CELL, computed_price_format, price_format, sheet_date

SHEET = "Price history"
CHART_DAYS = 126  # about six months of trading days
CHART_ROW = 11  # the chart, below the after-market figures
TABLE_ROW = 33  # the table of days, below the chart
LAST_COLUMN = "H"  # the printed width: the chart spans columns A to H
REFERENCES = ("last_close", "average_close_5d", "benchmarked_price", "vwap_15d", "day_vwap")
COLOURS = ("1F4E79", "C00000", "7F6000", "548235", "7030A0", "BF8F00")


def fill_history(wb: Workbook, figures: Figures) -> None:
    """Add the sheet (before Precedents, after Checks) when the deal has a dated history."""
    history = list(figures.deal.market.history)
    if not history:
        return
    index = wb.sheetnames.index("Checks") + 1 if "Checks" in wb.sheetnames else len(wb.sheetnames)
    ws = wb.create_sheet(SHEET, index)
    deal, ccy = figures.deal, unit_label(figures.deal.issuer.currency)
    shown = history[-CHART_DAYS:]
    money = price_format(deal.placing.price)
    ws["A1"] = f"{deal.issuer.name}: price history"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(f"A2:{LAST_COLUMN}2")
    ws.row_dimensions[2].height = 30
    ws["A2"] = (
        f"Closes and volumes of the last {len(shown)} trading days of the history, "
        f"{sheet_date(shown[0].date)} to {sheet_date(shown[-1].date)}; the placing price and the "
        f"reference prices as lines ({ccy})."
    )
    _after_market(ws, figures, money)
    refs = [r for key in REFERENCES if (r := figures.reference(key)) is not None]
    headers = ["Date", f"Close ({ccy})", "Volume (shares)", f"Placing price ({ccy})"]
    headers += [f"{r.label} ({ccy})" for r in refs]
    for column, text in enumerate(headers, start=1):
        cell = ws.cell(TABLE_ROW, column, text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for offset, day in enumerate(shown, start=1):
        row = TABLE_ROW + offset
        ws.cell(row, 1, day.date).number_format = DATE_CELL
        ws.cell(row, 2, day.close).number_format = money
        if day.volume is not None:
            ws.cell(row, 3, day.volume).number_format = "#,##0"
        ws.cell(row, 4, deal.placing.price).number_format = money
        for column, ref in enumerate(refs, start=5):
            fmt = price_format(ref.price)
            if ref.origin == "from history":  # an average of closes: at the stated precision, not in full
                fmt = computed_price_format(deal.placing.price)
            ws.cell(row, column, ref.price).number_format = fmt
    for column in range(1, max(len(headers), 8) + 1):
        ws.column_dimensions[get_column_letter(column)].width = 14 if column > 1 else 12
    ws.row_dimensions[TABLE_ROW].height = 60
    _chart(ws, shown, len(headers), any(d.volume is not None for d in shown))
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{TABLE_ROW}:{TABLE_ROW}"
    ws.row_breaks.append(Break(id=TABLE_ROW - 1))  # the chart on the first page, the days after it
    _header_footer(wb, ws)


def _header_footer(wb: Workbook, ws: Worksheet) -> None:
    """The header and footer of the other sheets (the market data date; issuer, sheet and page)."""
    if "Checks" not in wb.sheetnames:
        ws.oddFooter.center.text = "&A, page &P of &N"
        return
    like = wb["Checks"]
    for mine, theirs in ((ws.oddHeader, like.oddHeader), (ws.oddFooter, like.oddFooter)):
        for part in ("left", "center", "right"):
            source, target = getattr(theirs, part), getattr(mine, part)
            if source.text:
                target.text = source.text.replace("Checks", SHEET)
                target.size = source.size


def _after_market(ws: Worksheet, figures: Figures, money: str) -> None:
    """T+1, T+5 and T+20: the close against the placing price, or why it is not given."""
    deal = figures.deal
    day = deal.placing.agreement_date or deal.placing.announcement_date
    ws["A4"] = "After the deal"
    ws["A4"].font = Font(bold=True)
    for column, text in enumerate(("Trading day", "Date", "Close", "Against the placing price"), start=1):
        ws.cell(5, column, text).font = Font(bold=True)
    found = {a.days: a for a in figures.after_market}
    last = deal.market.history[-1].date
    for offset, n in enumerate(AFTER_MARKET_DAYS, start=6):
        ws.cell(offset, 1, f"T+{n}")
        after = found.get(n)
        if after is None:
            ws.cell(offset, 2, _why_not(day, last))
            continue
        ws.cell(offset, 2, after.date).number_format = DATE_CELL
        ws.cell(offset, 3, after.close).number_format = money
        ws.cell(offset, 4, after.change).number_format = "+0.00%;-0.00%;0.00%"
    ws["A9"] = (
        "T is the agreement date (the announcement date without one); T+N is the N-th trading day "
        "of the history after it."
    )
    ws.merge_cells(f"A9:{LAST_COLUMN}9")
    ws["A9"].alignment = Alignment(wrap_text=True, vertical="top")


def _why_not(day: dt.date | None, last: dt.date) -> str:
    if day is None:
        return "no placing date to count from"
    return f"after the history, which ends on {sheet_date(last)}"


def _chart(ws: Worksheet, shown: list[Close], columns: int, volumes: bool) -> None:
    first, last = TABLE_ROW + 1, TABLE_ROW + len(shown)
    dates = Reference(ws, min_col=1, min_row=first, max_row=last)
    prices = LineChart()
    prices.title = "Close, placing price and reference prices"
    prices.y_axis.title = "Price"
    prices.y_axis.majorGridlines = ChartLines()
    prices.x_axis.number_format = "mmm-yy"
    prices.x_axis.title = None
    for column in [2, *range(4, columns + 1)]:
        data = Reference(ws, min_col=column, min_row=TABLE_ROW, max_row=last)
        prices.add_data(data, titles_from_data=True)
    prices.set_categories(dates)
    for index, series in enumerate(prices.series):
        series.smooth = False
        series.marker.symbol = "none"
        colour = COLOURS[index % len(COLOURS)]
        width = 22000 if index == 0 else 15000
        dash = None if index <= 1 else "dash"
        series.graphicalProperties = GraphicalProperties(
            ln=LineProperties(solidFill=colour, w=width, prstDash=dash)
        )
    if volumes:
        bars = BarChart()
        bars.add_data(Reference(ws, min_col=3, min_row=TABLE_ROW, max_row=last), titles_from_data=True)
        bars.y_axis.axId = 200
        bars.y_axis.title = "Volume"
        bars.y_axis.crosses = "max"
        bars.y_axis.majorGridlines = None
        most = max((d.volume for d in shown if d.volume is not None), default=0)
        if most > 0:  # the bars take the lower third, under the price lines
            bars.y_axis.scaling.max = float(most) * 3
        bars.y_axis.scaling.min = 0
        bars.y_axis.number_format = '#,##0.0,,"m"'
        bars.series[0].graphicalProperties = GraphicalProperties(solidFill="BDD7EE")
        bars.gapWidth = 30
        prices.y_axis.crosses = "min"
        prices += bars
    prices.x_axis.tickLblSkip = max(1, len(shown) // 8)
    prices.x_axis.tickMarkSkip = max(1, len(shown) // 8)
    prices.x_axis.number_format = "dd-mmm-yy"
    prices.legend.position = "b"
    prices.height = 10
    prices.width = 21
    ws.add_chart(prices, f"A{CHART_ROW}")
