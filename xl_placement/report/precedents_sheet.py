"""The Precedents sheet: this deal beside comparable placings, their statistics and a scatter chart.

Published figures are inputs (blue); a figure computed from the row's others is a live
formula (black italic), as is every statistic (COUNT, MIN, QUARTILE, MEDIAN, AVERAGE,
MAX: functions Excel 2010 and LibreOffice both have) and this deal's percentile rank.
Each formula carries the value ``xl_placement.precedents`` computed for it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from copy import copy
from decimal import Decimal
from pathlib import PurePath
from urllib.parse import urlsplit

from openpyxl import Workbook
from openpyxl.chart import Reference, ScatterChart, Series
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.legend import LegendEntry
from openpyxl.chart.marker import Marker
from openpyxl.chart.series import SeriesLabel
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from xl_placement import formulas
from xl_placement import precedents as pr
from xl_placement.deal import KIND_LABELS
from xl_placement.errors import TemplateError
from xl_placement.figures import Figures
from xl_placement.proceeds import to_quote
from xl_placement.report.cells import CellWriter
from xl_placement.report.layout import dates_as_sheets, for_reader
from xl_placement.report.tables import table_rows
from xl_placement.report.template import REGENERATE, area

SHEET = "Precedents"
NAMES = (
    "PrecedentSelection",
    "PrecedentDeal",
    "PrecedentRow",
    "PrecedentStats",
    "PrecedentNotes",
    "PrecedentChart",
)
# Offsets of the columns from the start of the PrecedentRow name.
COLUMNS = (
    "date", "issuer", "stock_code", "kind", "share_class", "currency", "new_shares", "price",
    "last_close", "discount_to_last_close", "discount_to_average_close_5d", "percent_of_existing",
    "percent_of_enlarged", "gross_proceeds", "net_proceeds", "usd_rate", "gross_proceeds_usd",
    *pr.AFTER_MARKET, "source", "", "full_source", "computed", "average_close_5d", "shares_outstanding",
)  # fmt: skip
STATISTICS = ("count", "minimum", "lower_quartile", "median", "mean", "upper_quartile", "maximum")
DEAL_MARKER = "C00000"
PRECEDENT_MARKER = "2E75B6"
NA = "n/a"


def check_names(wb: Workbook) -> None:
    """Refuse a template without the Precedents sheet or its names (only when precedents are asked for).

    Raises:
        TemplateError: naming what is missing.
    """
    missing = [n for n in NAMES if n not in wb.defined_names]
    if SHEET not in wb.sheetnames or missing:
        what = f"the sheet {SHEET!r}" if SHEET not in wb.sheetnames else f"the names {', '.join(missing)}"
        raise TemplateError(f"the report template lacks {what}, needed for precedents; {REGENERATE}")


def remove_sheet(wb: Workbook) -> None:
    """Drop the Precedents sheet and its names: a report without precedents has no such page."""
    if SHEET in wb.sheetnames:
        del wb[SHEET]
    for key in NAMES:
        if key in wb.defined_names:
            del wb.defined_names[key]


class _Cols:
    """Column letters of the table, by field name."""

    def __init__(self, ws: Worksheet, first: int) -> None:
        self.ws = ws
        self.letters: dict[str, str] = {
            key: get_column_letter(first + i) for i, key in enumerate(COLUMNS) if key
        }

    def __getitem__(self, key: str) -> str:
        return self.letters[key]


def fill_precedents(wb: Workbook, selection: pr.Selection, figures: Figures, out: CellWriter) -> None:
    """Fill the sheet: the selection line, this deal, the precedents, the statistics, notes and chart."""
    check_names(wb)
    proto, rows = table_rows(wb, "PrecedentRow", len(selection.rows))
    ws = proto.ws
    cols = _Cols(ws, proto.min_col)
    for precedent, row in zip(selection.rows, rows, strict=True):
        _precedent_row(ws, cols, row, precedent, out)
    deal_row = area(wb, "PrecedentDeal").min_row
    _deal_row(wb, ws, cols, deal_row, figures, out)
    stats = area(wb, "PrecedentStats")
    ranges = {m: f"${cols[m]}${rows[0]}:${cols[m]}${rows[-1]}" for m, _ in pr.MEASURES}
    _statistics(ws, cols, stats.min_row, deal_row, selection, figures, ranges, out)
    found = area(wb, "PrecedentSelection")
    out.text(ws, found.ref, _selection_text(selection))
    notes = area(wb, "PrecedentNotes")
    out.text(ws, notes.ref, _notes(selection))
    deal = figures.deal
    money = figures.proceeds
    deal_usd = money.gross_quote if deal.fx is not None and deal.fx.quote_currency == "USD" else None
    _chart(ws, cols, deal_row, rows, area(wb, "PrecedentChart").ref, selection, deal_usd)


def _selection_text(selection: pr.Selection) -> str:
    count = len(selection.rows)
    filters = for_reader(selection.filters) or "none"
    # The file's name: a path on the preparer's disk tells a reader nothing.
    source = PurePath(str(selection.path)).name
    return f"{count} precedent{'s' if count != 1 else ''} from {source} ({selection.read} read) · filters: {filters}"


def _notes(selection: pr.Selection) -> str:
    parts = [dates_as_sheets(n) for n in selection.notes]
    if any(row.reported for row in selection.rows):
        parts.append(
            "Figures from a precedents file are as reported by each row's source, not checked "
            "against the exchange's filings"
        )
    if not all(row.reported for row in selection.rows):
        parts.append("Figures from deal files or a batch summary are computed by xl-placement from the deals")
    parts.append(
        "A date such as 2025-11 was published only to the month and sorts at the month's end. "
        "Blank: not published and not computable. Quartiles as Excel's QUARTILE (inclusive); "
        "percentile rank: share of the precedents below this deal, ties counted half. "
        "Close T+N vs price: the close N trading days after the deal over the placing price, "
        "less 1 (published, or computed from a deal's price history). "
        "US$ amounts only where a row gives its rate per US$; the rate's source follows the full "
        "source, right of the print area"
    )
    return " ".join(f"{p.rstrip('.')}." for p in parts)


def _precedent_row(ws: Worksheet, cols: _Cols, row: int, p: pr.Precedent, out: CellWriter) -> None:
    c = {key: f"{letter}{row}" for key, letter in cols.letters.items()}
    if p.date is not None:
        if p.date.exact:
            ws[c["date"]].value = p.date.first
            out.colour(ws[c["date"]], "FF0000FF")
        else:
            out.text(ws, c["date"], p.date.text, is_input=True)
    for key in ("issuer", "stock_code", "kind", "share_class", "currency"):
        value = getattr(p, key)
        if value:
            out.text(ws, c[key], value, is_input=True)
    for key in ("new_shares", "price", "last_close", "average_close_5d", "shares_outstanding", "usd_rate"):
        value = getattr(p, key)
        if value is not None:
            out.number(ws, c[key], value)
    row_formulas = _row_formulas(p, c)
    for key in (
        "discount_to_last_close",
        "discount_to_average_close_5d",
        "percent_of_existing",
        "percent_of_enlarged",
        "gross_proceeds",
        "net_proceeds",
        "gross_proceeds_usd",
        *pr.AFTER_MARKET,
    ):
        value = getattr(p, key)
        if value is None:
            continue
        if key not in p.computed:
            out.number(ws, c[key], value)
            continue
        # A figure computed here from the row's cells is a live formula; one xl-placement
        # computed from a deal (a deal file, a batch summary) is its value, in black.
        if p.reported:
            cell = out.formula(ws, c[key], row_formulas[key](), value)
        else:
            cell = out.number(ws, c[key], value, is_input=False)
        font = copy(cell.font)
        font.i = True
        cell.font = font
    source = p.source or p.origin
    out.text(ws, c["source"], _short(source), is_input=True)
    out.text(
        ws, c["full_source"], source if not p.usd_rate_source else f"{source} · rate: {p.usd_rate_source}"
    )
    out.text(ws, c["computed"], ", ".join(sorted(p.computed)) if p.computed else "none")


def _row_formulas(p: pr.Precedent, c: dict[str, str]) -> dict[str, Callable[[], str]]:
    """The formula of each computable figure, from the same inputs ``precedents.complete`` used."""
    result: dict[str, Callable[[], str]] = {
        "discount_to_last_close": lambda: formulas.discount(c["price"], c["last_close"]),
        "discount_to_average_close_5d": lambda: formulas.discount(c["price"], c["average_close_5d"]),
        "gross_proceeds": lambda: formulas.gross(c["new_shares"], c["price"]),
        "gross_proceeds_usd": lambda: formulas.to_quote(c["gross_proceeds"], c["usd_rate"]),
    }
    if p.new_shares is not None and p.shares_outstanding is not None:
        result["percent_of_existing"] = lambda: formulas.dilution_existing(
            c["new_shares"], c["shares_outstanding"]
        )
        result["percent_of_enlarged"] = lambda: formulas.dilution_enlarged(
            c["new_shares"], c["shares_outstanding"]
        )
    else:
        result["percent_of_existing"] = lambda: formulas.existing_from_enlarged(c["percent_of_enlarged"])
        result["percent_of_enlarged"] = lambda: formulas.enlarged_from_existing(c["percent_of_existing"])
    return result


def _short(source: str) -> str:
    """A web address as its host ("gmteight.com"); other text as it is."""
    parts = urlsplit(source)
    if parts.scheme in ("http", "https") and parts.hostname:
        return parts.hostname.removeprefix("www.")
    return source


def _deal_cell(wb: Workbook, figures: Figures, key: str, column: int) -> str | None:
    """The Deal sheet cell of a reference price (column 1) or its discount (column 2)."""
    proto = area(wb, "RefRow")
    for offset, ref in enumerate(figures.references):
        if ref.key == key:
            letter = get_column_letter(proto.min_col + column)
            return f"'{proto.ws.title}'!${letter}${proto.min_row + offset}"
    return None


def _deal_row(wb: Workbook, ws: Worksheet, cols: _Cols, row: int, figures: Figures, out: CellWriter) -> None:
    deal, money = figures.deal, figures.proceeds
    c = {key: f"{letter}{row}" for key, letter in cols.letters.items()}
    p = deal.placing
    dates = [d for d in (p.agreement_date, p.announcement_date, p.price_fixing_date) if d is not None]
    if dates:
        ws[c["date"]].value = min(dates)
    else:
        out.text(ws, c["date"], "This deal")
    out.text(ws, c["issuer"], f"{deal.issuer.name} (this deal)" if dates else deal.issuer.name)
    out.text(ws, c["stock_code"], deal.issuer.stock_code)
    out.text(ws, c["kind"], p.kind)
    out.text(ws, c["share_class"], deal.issuer.share_class or "")
    out.text(ws, c["currency"], deal.issuer.currency)
    out.formula(ws, c["new_shares"], formulas.copy_of("NewShares"), p.new_shares)
    out.formula(ws, c["price"], formulas.copy_of("Price"), p.price)
    for key, column, target in (
        ("last_close", 1, "last_close"),
        ("last_close", 2, "discount_to_last_close"),
        ("average_close_5d", 2, "discount_to_average_close_5d"),
    ):
        ref = figures.reference(key)
        where = _deal_cell(wb, figures, key, column)
        if ref is not None and where is not None:
            out.formula(ws, c[target], formulas.copy_of(where), ref.price if column == 1 else ref.discount)
    for key, name, value in (
        ("percent_of_existing", "PctExisting", figures.percent_of_existing),
        ("percent_of_enlarged", "PctEnlarged", figures.percent_of_enlarged),
    ):
        if value is not None:  # None: the deal gives no shares in issue (the Deal sheet says n/a)
            out.formula(ws, c[key], formulas.copy_of(name), value)
    out.formula(ws, c["gross_proceeds"], formulas.copy_of("Gross"), money.gross)
    if money.net is not None:  # None: costs not given (the Deal sheet says not given)
        out.formula(ws, c["net_proceeds"], formulas.copy_of("Net"), money.net)
    if deal.fx is not None and deal.fx.quote_currency == "USD" and money.gross_quote is not None:
        out.formula(ws, c["usd_rate"], formulas.copy_of("FxRate"), deal.fx.rate)
        # The Deal sheet's GrossQuote cell (gross / rate, unrounded), which this cell copies.
        out.formula(
            ws, c["gross_proceeds_usd"], formulas.copy_of("GrossQuote"), to_quote(money.gross, deal.fx.rate)
        )
    for after in figures.after_market:  # from the deal's history (the Price history sheet shows the closes)
        cell = out.number(ws, c[f"after_market_t{after.days}"], after.change, is_input=False)
        font = copy(cell.font)
        font.i = True
        cell.font = font
    out.text(ws, c["source"], "Deal sheet")


def deal_measures(figures: Figures) -> dict[str, Decimal | None]:
    """This deal's value of each measure (None when the deal does not give it)."""
    deal, money = figures.deal, figures.proceeds
    last = figures.reference("last_close")
    usd = deal.fx is not None and deal.fx.quote_currency == "USD"
    after: dict[str, Decimal | None] = dict.fromkeys(pr.AFTER_MARKET)
    after |= {f"after_market_t{a.days}": a.change for a in figures.after_market}
    return {
        "discount_to_last_close": last.discount if last else None,
        "percent_of_enlarged": figures.percent_of_enlarged,
        "gross_proceeds_usd": to_quote(money.gross, deal.fx.rate) if usd and deal.fx is not None else None,
        **after,
    }


def _statistics(
    ws: Worksheet,
    cols: _Cols,
    first: int,
    deal_row: int,
    selection: pr.Selection,
    figures: Figures,
    ranges: dict[str, str],
    out: CellWriter,
) -> None:
    mine = deal_measures(figures)
    for measure, _ in pr.MEASURES:
        values = pr.values_of(selection.rows, measure)
        stats = pr.summarise(values)
        cells = ranges[measure]
        letter = cols[measure]
        for offset, key in enumerate(STATISTICS):
            expected = getattr(stats, key)
            formula = formulas.statistic(key, cells)
            out.formula(ws, f"{letter}{first + offset}", formula, NA if expected is None else expected)
        ref = f"{letter}{first + len(STATISTICS)}"
        value = mine[measure]
        if value is None:
            out.not_applicable(
                ws, ref, "n/a"
            )  # the deal lacks this figure (the after-market columns are narrow)
            continue
        rank = pr.percentile_rank(values, value)
        out.formula(
            ws, ref, formulas.percentile_rank(cells, f"{letter}{deal_row}"), NA if rank is None else rank
        )


# How the scatter tells the kinds apart: (legend name, marker, colour) per kind of precedent.
KIND_MARKERS = {
    "placing": (KIND_LABELS["placing"], "circle", PRECEDENT_MARKER),
    "top-up": (KIND_LABELS["top-up"], "triangle", "548235"),
    "subscription": (KIND_LABELS["subscription"], "square", "BF8F00"),
}
OTHER_KIND = ("Other", "x", "7F7F7F")
# Words that say nothing about which issuer a point is; a label keeps the first two others.
_GENERIC = {
    "group",
    "company",
    "limited",
    "ltd",
    "ltd.",
    "inc",
    "inc.",
    "holdings",
    "corporation",
    "co.",
    "co",
    "plc",
}


def point_label(p: pr.Precedent) -> str:
    """A scatter point's label: a short issuer name and the month ("SenseTime Dec 2025")."""
    words = [w for w in p.issuer.replace(",", " ").split() if w.lower() not in _GENERIC]
    name = " ".join(words[:2]) or p.issuer[:20]
    return f"{name} {p.date.first.strftime('%b %Y')}" if p.date is not None else name


def _chart(
    ws: Worksheet,
    cols: _Cols,
    deal_row: int,
    rows: list[int],
    anchor: str,
    selection: pr.Selection,
    deal_usd: Decimal | None,
) -> None:
    """Discount to last close against gross proceeds in US$ (log scale), one labelled point per deal.

    Each precedent is its own series, named by its label (shown beside its point) and drawn
    with its kind's marker; the legend lists the kinds (a series with no points each) and
    this deal, whose point is a larger red diamond.
    """
    chart = ScatterChart()
    chart.style = 2
    chart.width = 30.0
    chart.height = 15.0
    chart.scatterStyle = "marker"
    x, y = cols["gross_proceeds_usd"], cols["discount_to_last_close"]
    column_x, column_y = ws[f"{x}1"].column, ws[f"{y}1"].column
    blank = (
        ws[f"{cols['source']}1"].column + 1
    )  # the empty column after the sources: the kinds' legend series have no points
    kinds = sorted(
        {p.kind if p.kind in KIND_MARKERS else "" for p in selection.rows},
        key=lambda k: list(KIND_MARKERS).index(k) if k in KIND_MARKERS else 99,
    )
    for kind in kinds:
        title, symbol, colour = KIND_MARKERS.get(kind, OTHER_KIND)
        chart.series.append(_series(ws, blank, blank, deal_row, title, symbol, colour, 7, label=False))
    shown = len(chart.series)
    for precedent, row in zip(selection.rows, rows, strict=True):
        _, symbol, colour = KIND_MARKERS.get(precedent.kind, OTHER_KIND)
        chart.series.append(_series(ws, column_x, column_y, row, point_label(precedent), symbol, colour, 7))
    chart.series.append(_series(ws, column_x, column_y, deal_row, "This deal", "diamond", DEAL_MARKER, 12))
    chart.legend.legendEntry = [LegendEntry(idx=i, delete=True) for i in range(shown, len(chart.series) - 1)]
    chart.x_axis.title = "Gross proceeds, US$ m (log scale)"
    chart.y_axis.title = "Discount to last close"
    chart.x_axis.scaling.logBase = 10
    sizes = [v for v in (*(p.gross_proceeds_usd for p in selection.rows), deal_usd) if v]
    if sizes:  # whole powers of ten around the deals: no empty decades at either end
        chart.x_axis.scaling.min = 10.0 ** math.floor(math.log10(float(min(sizes))))
        chart.x_axis.scaling.max = 10.0 ** math.ceil(math.log10(float(max(sizes))))
    chart.x_axis.number_format = "#,##0,,"
    chart.y_axis.number_format = "0%"
    chart.x_axis.majorGridlines = None
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.txPr = _text_props(900)
    chart.y_axis.txPr = _text_props(900)
    chart.legend.position = "b"
    ws.add_chart(chart, anchor)


def _series(
    ws: Worksheet,
    column_x: int,
    column_y: int,
    row: int,
    title: str,
    symbol: str,
    colour: str,
    size: int,
    *,
    label: bool = True,
) -> Series:
    xs = Reference(ws, min_col=column_x, min_row=row, max_row=row)
    ys = Reference(ws, min_col=column_y, min_row=row, max_row=row)
    series = Series(ys, xs)
    series.tx = SeriesLabel(v=title)  # a literal: deal text never becomes a reference or formula
    series.marker = Marker(symbol=symbol, size=size)
    series.graphicalProperties.line.noFill = True
    series.marker.graphicalProperties = GraphicalProperties(solidFill=colour)
    series.marker.graphicalProperties.line.solidFill = colour
    if label:
        series.dLbls = DataLabelList()
        series.dLbls.showSerName = True
        for flag in ("showVal", "showCatName", "showLegendKey", "showPercent"):
            setattr(series.dLbls, flag, False)
        series.dLbls.position = "r"
        series.dLbls.txPr = _text_props(800, colour="404040" if size < 10 else DEAL_MARKER)
    return series


def _text_props(size: int, colour: str = "000000") -> RichText:
    props = CharacterProperties(sz=size, solidFill=colour)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])
