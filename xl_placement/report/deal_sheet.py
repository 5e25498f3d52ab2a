"""The deal sheet: terms, pricing, proceeds, share capital, key figures, market context, timetable.

Inputs (the deal's figures) are written as values in blue; every derived figure
is a native formula in black that refers to those inputs, registered with the value
Python computed (``figures``, ``context``), so Excel follows a changed price and a reader
sees the numbers; "n/a" or a reason where the deal lacks a figure.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Border, Font, PatternFill
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from xl_placement import formulas
from xl_placement.context import TOP_UP_SUBSCRIPTION_DAYS, lock_up_end
from xl_placement.deal import KIND_LABELS, MANDATE_LABELS, UNDERWRITING_LABELS, Deal, Fx
from xl_placement.figures import NOT_GIVEN, Figures, Reference
from xl_placement.formats import in_pence, in_sentence, percent_text, price_places, price_text, unit_label
from xl_placement.proceeds import to_quote
from xl_placement.report import openpyxl_private as private
from xl_placement.report.cells import CHARS_PER_WIDTH, CellWriter, fit_height, wrapped_lines
from xl_placement.report.layout import (
    BLANK,
    REPORT_PRICE_DECIMALS,
    ROUNDED_TOTAL,
    adds_up_as_shown,
    close_up,
    computed_price_format,
    dates_as_sheets,
    for_reader,
    pence_beside,
    price_format,
    quote_cell,
    shown_millions,
)
from xl_placement.report.tables import table_rows
from xl_placement.report.template import Area, area, named_cell
from xl_placement.wording import authority_text, net_price_places

NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
NEEDS_OUTSTANDING = NOT_GIVEN  # the Checks sheet and the command line name placing.shares_outstanding
TERMS = (
    "IssuerName", "StockCode", "Exchange", "ShareClass", "Kind", "Mandate", "Underwriting",
    "Agents", "Placees", "Offering", "NewShares", "Price",
)  # fmt: skip
FX_ROWS = ("FxRate", "FxSource", "CostsNote")
PROCEEDS_ROWS = (
    "Gross",
    "CommissionRate",
    "Commission",
    "OtherCosts",
    "TotalCosts",
    "Net",
    "NetPerShare",
    *FX_ROWS,
)
CAPITAL_ROWS = ("SharesOutstanding", "Enlarged", "PctExisting", "PctEnlarged")  # then HKEX_ROWS
MARKET_ROWS = ("MarketDate", "MarketCap", "GrossToMarketCap")
HKEX_ROWS = ("TheoreticalPrice", "TheoreticalEffect", "MandateLimit", "MandateUsed", "MandateHeadroom")
MANDATE_ROWS = ("MandateLimit", "MandateUsed", "MandateHeadroom")
NOTE_SCALE = (
    1.3  # the notes are 9-point italic: LibreOffice fits about 1.3 times the 10-point estimate on a line
)
EXCEL_EPOCH = dt.date(1899, 12, 30)  # day 0 of spreadsheet date serials (1900 system)
NO_VOLUMES = "Trading volumes were not available"
NO_FILL = PatternFill(fill_type=None)
# The discount tile: to the last close, else to the price the exchange's rule measures from.
TILE_REFERENCES = ("last_close", "benchmarked_price", "vwap_5d")


def fill_deal(wb: Workbook, figures: Figures, out: CellWriter) -> None:
    """Fill the deal sheet: every block, the rows of figures the deal does not give left out."""
    DealSheet(wb, figures, out).fill()


def serial(day: dt.date) -> int:
    """A date as a spreadsheet serial number (the cached value of a date formula)."""
    return (day - EXCEL_EPOCH).days


def placees_text(minimum: int | None, *, independent: bool = False) -> str:
    """How the placees are described: "Not less than six placees".

    "independent" only when the deal says so (``placing.independent_placees``).
    """
    if minimum is None:
        return NOT_GIVEN
    count = NUMBER_WORDS[minimum] if minimum < len(NUMBER_WORDS) else f"{minimum:,}"
    return f"Not less than {count} {'independent ' if independent else ''}placees"


def costs_note(deal: Deal, figures: Figures) -> str:
    """Say plainly what the costs are: given, given as zero, or not given (and so no net)."""
    if not deal.costs.given:
        return (
            "Costs and net proceeds were not published."
            if len(deal.costs.missing) > 1
            else "The costs were not published in full, so net proceeds are not shown."
        )
    if figures.proceeds.costs == 0:
        return "No costs: net proceeds equal gross proceeds."
    return "Costs: commission on gross proceeds plus other costs."


def net_format(deal: Deal) -> str:
    """The net price's number format: the placing price's decimals, as the announcement wording has it."""
    return "#,##0." + "0" * net_price_places(deal)


def footing_notes(gross: Decimal, costs: Decimal, net: Decimal, currency: str) -> list[str]:
    """A sentence when the amounts shown in millions do not foot (gross less costs is not net as shown).

    Each amount is rounded on its own, so the shown figures can differ by 0.1m; a reader
    adding up the column is told rather than left to find it.
    """
    g, c, n = (shown_millions(v) for v in (gross, costs, net))
    if g - c == n:
        return []
    return [
        f"{unit_label(currency)} m shown rounded: {g:,} less {c:,} is {g - c:,}, against net {n:,} "
        f"(a rounding difference of {abs(g - c - n):,}m; the cells hold the exact amounts)."
    ]


#: London's authority in the deal sheet's few words (the announcement sentence says it in full).
LSE_MANDATE_CELL = {
    "general": "Existing non-pre-emptive authority",
    "specific": "Specific shareholder approval",
}


def mandate_text(deal: Deal) -> str:
    """The deal sheet's "Mandate" cell, in the exchange's terms (a mandate on HKEX, SGX and Bursa)."""
    if deal.issuer.exchange in ("HKEX", "SGX", "Bursa"):  # each calls it a general or specific mandate
        mandate = deal.placing.mandate
        return NOT_GIVEN if mandate is None else MANDATE_LABELS.get(mandate, mandate)
    tranches = deal.placing.tranches
    if (
        deal.issuer.exchange == "ASX" and tranches
    ):  # the tranches in a few words; the Checks sheet has the shares
        names = {"7.1": "LR 7.1", "7.1A": "LR 7.1A", "approval": "holder approval"}
        used = [names[c] for c in names if any(t.capacity == c for t in tranches)]
        return f"{' + '.join(used)} ({len(tranches)} tranches)"
    if (
        deal.issuer.exchange == "LSE" and deal.placing.mandate in LSE_MANDATE_CELL
    ):  # the sentence is too long for the cell
        return LSE_MANDATE_CELL[deal.placing.mandate]
    words = for_reader(authority_text(deal))  # "Placement capacity not given (placing.capacity)": None
    return NOT_GIVEN if words is None else words[0].upper() + words[1:]


def structure_note(figures: Figures) -> str:
    """ADSs, pre-funded warrants in gross proceeds, and the fully diluted size with the warrants."""
    deal = figures.deal
    p, ccy = deal.placing, deal.issuer.currency
    parts = []
    if p.ads_ratio is not None:
        parts.append(
            f"Prices are per ADS of {p.ads_ratio:,} ordinary shares; shares are ordinary shares "
            "(gross = shares x price / ADS ratio)."
        )
    if p.prefunded_warrants and p.prefunded_price is not None:
        parts.append(
            f"Gross includes {p.prefunded_warrants:,} pre-funded warrant shares at "
            f"{price_text(p.prefunded_price, ccy)}."
        )
    if p.attached_warrants:
        exercise = (
            f" at {price_text(p.warrant_exercise_price, ccy)}" if p.warrant_exercise_price is not None else ""
        )
        parts.append(f"Attached warrants for {p.attached_warrants:,} shares{exercise}.")
    if figures.has_warrants:
        diluted = figures.percent_fully_diluted
        size = "" if diluted is None else f": {percent_text(diluted)} fully diluted"
        parts.append(f"New and warrant shares: {figures.potential_shares:,}{size}.")
    return " ".join(parts)


def clear_heads(ws: Worksheet, row: int, first: int, last: int) -> None:
    """Clear a band's column heads (columns after ``first`` up to ``last``): no heads over nothing."""
    for column in range(first + 1, last + 1):
        ws.cell(row, column).value = None


def _formula_literal(value: Decimal | int) -> str:
    """A validated deal-file number as formula text (plain digits, no exponent)."""
    return format(Decimal(value), "f")


@dataclass
class DealSheet:
    """Fills the deal sheet and remembers where the reference prices went."""

    wb: Workbook
    figures: Figures
    out: CellWriter
    left_out: set[str] = field(default_factory=set)  # names whose rows were left out: never written
    cleared: set[int] = field(default_factory=set)  # rows a block left empty when it closed up

    def fill(self) -> None:
        """Fill every block: terms, pricing, proceeds, share capital, key figures, market, timetable, costs."""
        self._terms()
        self._references()
        self._proceeds()
        self._capital()
        self._key_figures()
        self._headline_quote()
        self._market()
        self._liquidity()
        self._timetable()
        self._cost_items()
        self._hide_empty_rows()

    def put_text(self, name: str, value: str, *, is_input: bool = True) -> None:
        """Write a text input (blue) or a label (black) into a named cell."""
        if name in self.left_out:
            return
        ws, ref = named_cell(self.wb, name)
        self.out.text(ws, ref, value, is_input=is_input)

    def put_number(self, name: str, value: Decimal | int) -> None:
        """Write an input number (blue) into a named cell."""
        if name in self.left_out:
            return
        ws, ref = named_cell(self.wb, name)
        self.out.number(ws, ref, value)

    def put_formula(self, name: str, formula: str, expected: Decimal | int | float | None) -> None:
        """Write a formula into a named cell, or "n/a" when the deal does not give the figure."""
        if name in self.left_out:
            return
        ws, ref = named_cell(self.wb, name)
        if expected is None:
            self.out.not_applicable(ws, ref)
        else:
            self.out.formula(ws, ref, formula, expected)

    def na(self, name: str, text: str = "n/a") -> None:
        """Mark a named cell "n/a" (or ``text``): the deal does not give this figure."""
        if name in self.left_out:
            return
        ws, ref = named_cell(self.wb, name)
        self.out.not_applicable(ws, ref, text)

    def _terms(self) -> None:
        """The terms the deal gives; the rows of terms it does not give are left out."""
        deal = self.figures.deal
        issuer, p = deal.issuer, deal.placing
        texts = {
            "IssuerName": issuer.name,
            "StockCode": issuer.stock_code,
            "Exchange": issuer.exchange,
            "ShareClass": issuer.share_class,
            "Kind": KIND_LABELS.get(p.kind, p.kind),
            "Mandate": mandate_text(deal),
            "Underwriting": UNDERWRITING_LABELS.get(p.underwriting, "") if p.underwriting else "",
            "Agents": ", ".join(p.agents),
            "Placees": (
                placees_text(p.min_placees, independent=p.independent_placees)
                if p.min_placees is not None
                else ""
            ),
            "Offering": p.offering,
        }
        for key, text in texts.items():
            if text and text != NOT_GIVEN:
                self.put_text(key, text)
        self.put_number("NewShares", p.new_shares)
        self.put_number("Price", p.price)
        self.number_format("Price", price_format(p.price))
        shown = [key for key in TERMS if texts.get(key, "x") not in (None, "", NOT_GIVEN)]
        self._close_up(TERMS, shown, "B", "E")
        if in_pence(self.figures.deal.issuer.currency):  # shown in pence beside the pounds the formulas take
            pence_beside(*named_cell(self.wb, "Price"), self.out, p.price)

    def number_format(self, name: str, fmt: str) -> None:
        """Give a named cell a number format decided by the deal (a price's decimals)."""
        if name in self.left_out:
            return
        ws, ref = named_cell(self.wb, name)
        ws[ref].number_format = fmt

    def _close_up(self, names: Sequence[str], shown: Sequence[str], first: str, last: str) -> None:
        """Leave the rows of ``names`` not in ``shown`` off the sheet; the rows below them move up."""
        kept = [key for key in names if key not in self.left_out]
        if len(shown) < len(kept):
            rows = sorted(area(self.wb, key).min_row for key in kept)
            self.left_out |= set(close_up(self.wb, kept, shown, first, last, self.out))
            self.cleared |= set(rows[len(shown) :])

    def _hide_empty_rows(self) -> None:
        """Hide the rows the blocks on both sides left empty, so the blocks below move up.

        Tables grow below their own rows, so a row a block cleared keeps its number.
        """
        ws = area(self.wb, "IssuerName").ws
        for row in sorted(self.cleared):
            if all(cell.value in (None, "") for cell in ws[row]):
                ws.row_dimensions[row].hidden = True

    def _leave_off_not_given(
        self, names: Sequence[str], first: str, last: str, *, also: Sequence[str] = ()
    ) -> None:
        """Leave off the rows of a block whose figures are not given (and the rows ``also``): the rest close up.

        A row is left off when it holds "not given" and no figure beside it (a class column's
        "n/a" or an empty quote cell is no figure). When no row is left, the block's band
        keeps its title (which says what is missing) but not its column heads.
        """
        kept = [key for key in names if key not in self.left_out]
        shown = [key for key in kept if key not in also and not self._not_given(key, first, last)]
        if shown or not kept:
            self._close_up(kept, shown, first, last)
            return
        found = area(self.wb, kept[0])
        self._close_up(kept, shown, first, last)
        clear_heads(found.ws, found.min_row - 1, found.ws[f"{first}1"].column, found.ws[f"{last}1"].column)

    def _not_given(self, name: str, first: str, last: str) -> bool:
        """True when the named cell's row, between ``first`` and ``last``, holds "not given" and no figure."""
        found = area(self.wb, name)
        ws = found.ws
        values = []
        for column in range(ws[f"{first}1"].column, ws[f"{last}1"].column + 1):
            cell = ws.cell(found.min_row, column)
            if column == ws[f"{first}1"].column and column != found.min_col:
                continue  # the row's label
            value = (
                self.out.expected.get((ws.title, cell.coordinate)) if cell.data_type == "f" else cell.value
            )
            values.append(value)
        return NOT_GIVEN in values and all(v in (None, BLANK, NOT_GIVEN, "n/a") for v in values)

    def _key_missing(self, name: str, text: str) -> None:
        """A key figure the deal cannot give: one short line in its tile says what is missing (never an empty tile)."""
        ws, ref = named_cell(self.wb, name)
        target = self.out.text(ws, ref, text)
        font = target.font
        target.font = Font(name=font.name, sz=9, i=True, color=copy(font.color))

    def _references(self) -> None:
        refs = self.figures.references
        proto, rows = table_rows(self.wb, "RefRow", len(refs))
        ws = proto.ws
        col = [ws.cell(proto.min_row, proto.min_col + i).column_letter for i in range(4)]
        if not refs:
            self.out.text(ws, f"{col[0]}{rows[0]}", "No market prices were available")
            clear_heads(ws, rows[0] - 1, proto.min_col, proto.min_col + 3)
            return
        where = {r.key: f"{col[1]}{row}" for r, row in zip(refs, rows, strict=True)}
        for ref, row in zip(refs, rows, strict=True):
            self.out.text(ws, f"{col[0]}{row}", dates_as_sheets(ref.label))
            price_cell = f"{col[1]}{row}"
            source = self._reference_price(ws, price_cell, ref, where)
            price = formulas.written_double(self.figures.deal.placing.price)
            discount = formulas.discount_double(price, formulas.written_double(ref.price))
            self.out.formula(ws, f"{col[2]}{row}", formulas.discount("Price", price_cell), discount)
            self.out.text(ws, f"{col[3]}{row}", source)

    def _reference_price(self, ws: Worksheet, target: str, ref: Reference, where: dict[str, str]) -> str:
        """Write one reference price: a formula when it follows from other rows, else an input."""
        if (
            ref.key == "benchmarked_price"
            and ref.origin == "given"
            and {"last_close", "average_close_5d"} <= set(where)
        ):
            formula = formulas.higher(where["last_close"], where["average_close_5d"])
            self.out.formula(ws, target, formula, ref.price)
            ws[target].number_format = price_format(ref.price)
            return "higher of close, 5-day"
        self.out.number(ws, target, ref.price)
        if ref.origin != "from history":
            ws[target].number_format = price_format(ref.price)
            return "given"
        shown = computed_price_format(self.figures.deal.placing.price)
        ws[target].number_format = shown
        rounded = price_places(ref.price, most=REPORT_PRICE_DECIMALS + 1) > len(shown.split(".")[1])
        return f"from history, to {len(shown.split('.')[1])} decimals" if rounded else "from history"

    def _proceeds(self) -> None:
        deal, money = self.figures.deal, self.figures.proceeds
        p = deal.placing
        if p.ads_ratio is None and not p.prefunded_warrants:
            self.put_formula("Gross", formulas.gross("NewShares", "Price"), money.gross)
        else:  # the structure's counts and prices are numbers from the deal file, never user text
            self.put_formula(
                "Gross",
                formulas.structured_gross(
                    "NewShares",
                    "Price",
                    _formula_literal(p.ads_ratio or 1),
                    _formula_literal(p.prefunded_warrants or 0),
                    _formula_literal(p.prefunded_price or 0),
                ),
                money.gross,
            )
        notes = [costs_note(deal, self.figures)]
        if money.commission is None or money.other_costs is None or money.net is None:
            self._costs_not_given()
        else:
            notes += self._costs_and_net(money.commission, money.other_costs, money.net)
        self.put_text("CostsNote", " ".join(notes), is_input=False)
        ws, ref = named_cell(self.wb, "CostsNote")
        fit_height(ws, ws[ref].row, chars_scale=NOTE_SCALE)
        self._leave_off_not_given(PROCEEDS_ROWS, "G", "I", also=() if deal.fx else FX_ROWS[:2])
        self._structure_note()

    def _costs_not_given(self) -> None:
        """Costs not given: the net cells say so (never a net equal to gross); gross still converts."""
        deal, money = self.figures.deal, self.figures.proceeds
        rate = deal.costs.commission_rate
        if rate is None:
            for key in ("CommissionRate", "Commission"):
                self.na(key, NOT_GIVEN)
        else:
            self.put_number("CommissionRate", rate)
            self.put_formula("Commission", formulas.commission("Gross", "CommissionRate"), money.commission)
        if money.other_costs is None:
            self.na("OtherCosts", NOT_GIVEN)
        else:
            self.put_number("OtherCosts", money.other_costs)
        for key in ("TotalCosts", "Net", "NetPerShare"):
            self.na(key, NOT_GIVEN)
        quotes = {
            "CommissionQuote": ("Commission", money.commission),
            "OtherCostsQuote": ("OtherCosts", money.other_costs),
            "TotalCostsQuote": ("TotalCosts", None),
            "NetQuote": ("Net", None),
        }
        if deal.fx is None:
            for key in ("GrossQuote", *quotes):
                self.na(key, BLANK)
            return
        self._fx_source(deal.fx)
        self.put_formula(
            "GrossQuote",
            formulas.to_quote("Gross", "FxRate"),
            formulas.ratio_double(float(money.gross), float(deal.fx.rate)),
        )
        for key, (base, value) in quotes.items():
            if value is None:
                self.na(key, NOT_GIVEN)
            else:
                self.put_formula(
                    key,
                    formulas.to_quote(base, "FxRate"),
                    formulas.ratio_double(float(value), float(deal.fx.rate)),
                )

    def _fx_source(self, fx_: Fx) -> None:
        self.put_number("FxRate", fx_.rate)
        self.put_text("FxSource", fx_.source)
        self._fit_source(fx_.source)

    def _costs_and_net(self, commission: Decimal, other: Decimal, net: Decimal) -> list[str]:
        """Costs given: commission, other costs, their total and net, as formulas; the footing notes."""
        deal, gross = self.figures.deal, self.figures.proceeds.gross
        total = commission + other
        self.put_number("CommissionRate", deal.costs.commission_rate or Decimal(0))
        self.put_formula("Commission", formulas.commission("Gross", "CommissionRate"), commission)
        self.put_number("OtherCosts", other)
        self.put_formula("TotalCosts", formulas.add("Commission", "OtherCosts"), total)
        self.put_formula("Net", formulas.subtract("Gross", "TotalCosts"), net)
        shares = (
            "NewShares"
            if not deal.placing.prefunded_warrants
            else f"(NewShares+{deal.placing.prefunded_warrants})"
        )
        # The amounts as a spreadsheet holds them (doubles), for the ratios' cached values.
        costs = float(commission) + float(other)
        net_double = float(gross) - costs
        per_share = formulas.ratio_double(
            net_double, deal.placing.new_shares + (deal.placing.prefunded_warrants or 0)
        )
        self.put_formula("NetPerShare", formulas.per_share("Net", shares), per_share)
        self.number_format("NetPerShare", net_format(deal))
        quotes = {
            "GrossQuote": ("Gross", float(gross)),
            "CommissionQuote": ("Commission", float(commission)),
            "OtherCostsQuote": ("OtherCosts", float(other)),
            "TotalCostsQuote": ("TotalCosts", costs),
            "NetQuote": ("Net", net_double),
        }
        notes = footing_notes(gross, total, net, deal.issuer.currency)
        if deal.fx is None:
            for key in quotes:
                self.na(key, BLANK)
            return notes
        self._fx_source(deal.fx)
        for key, (base, value) in quotes.items():
            self.put_formula(
                key, formulas.to_quote(base, "FxRate"), formulas.ratio_double(value, float(deal.fx.rate))
            )
        rate = deal.fx.rate
        gross_q, costs_q, net_q = (to_quote(v, rate) for v in (gross, total, net))
        return notes + footing_notes(gross_q, costs_q, net_q, deal.fx.quote_currency)

    def _structure_note(self) -> None:
        """ADS and warrant terms on the row below the costs note, in its style, as tall as they need."""
        structure = structure_note(self.figures)
        if not structure:
            return
        ws, ref = named_cell(self.wb, "CostsNote")
        note = ws[ref]
        row = note.row + 1
        private.merge_cells(ws, row, note.column, row, note.column + 2)
        target = self.out.text(ws, f"{note.column_letter}{row}", structure)
        target.font = copy(note.font)
        target.alignment = copy(note.alignment)
        target.number_format = note.number_format  # not the "Source of the rate: " of a row moved up
        fit_height(ws, row, chars_scale=NOTE_SCALE)

    def _fit_source(self, source: str) -> None:
        """Grow the source's row to show it whole (its format adds "Source of the rate: ")."""
        ws, ref = named_cell(self.wb, "FxSource")
        row = ws[ref].row
        merged = next((m for m in ws.merged_cells.ranges if ref in m), None)
        columns = range(merged.min_col, merged.max_col + 1) if merged else [ws[ref].column]
        width = sum(ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in columns)
        lines = wrapped_lines(f"Source of the rate: {source}", int(width * CHARS_PER_WIDTH * NOTE_SCALE))
        if lines > 1:
            ws.row_dimensions[row].height = 13.0 * lines + 3

    def _capital(self) -> None:
        self._leave_out_foreign_rows()
        p = self.figures.deal.placing
        if p.shares_outstanding is None:
            self.na("SharesOutstanding", NOT_GIVEN)
            # The rows are left off: the band says in one line what is missing.
            found = area(self.wb, "SharesOutstanding")
            band = found.ws.cell(found.min_row - 1, found.min_col - 1)
            band.value = "Share capital: not available"
            for key in ("Enlarged", "PctExisting", "PctEnlarged", "TheoreticalPrice", "TheoreticalEffect"):
                self.na(key, NEEDS_OUTSTANDING)
        else:
            self._dilution()
        self._class_and_mandate()
        self._leave_off_not_given((*CAPITAL_ROWS, *HKEX_ROWS), "G", "I")

    def _leave_out_foreign_rows(self) -> None:
        """Rule 7.27B rows only for HKEX; the mandate rows where a general mandate exists (HKEX, SGX).

        Done before the rows are filled, so every formula is written where it stays.
        """
        exchange = self.figures.deal.issuer.exchange
        kept = [key for key in HKEX_ROWS if exchange == "HKEX" or (exchange == "SGX" and key in MANDATE_ROWS)]
        if len(kept) < len(HKEX_ROWS):
            self._close_up(HKEX_ROWS, kept, "G", "I")

    def _dilution(self) -> None:
        f, p = self.figures, self.figures.deal.placing
        assert p.shares_outstanding is not None  # noqa: S101 - _capital checked it
        self.put_number("SharesOutstanding", p.shares_outstanding)
        self.put_formula("Enlarged", formulas.enlarged("SharesOutstanding", "NewShares"), f.enlarged_shares)
        new, existing = p.new_shares, p.shares_outstanding
        self.put_formula(
            "PctExisting",
            formulas.dilution_existing("NewShares", "SharesOutstanding"),
            formulas.ratio_double(new, existing),
        )
        self.put_formula(
            "PctEnlarged",
            formulas.dilution_enlarged("NewShares", "SharesOutstanding"),
            formulas.dilution_enlarged_double(new, existing),
        )
        self._theoretical()

    def _class_and_mandate(self) -> None:
        f, p = self.figures, self.figures.deal.placing
        if p.class_shares_outstanding is None:
            # No class at all: the column stays empty, like the quote column without a quote currency.
            missing = "n/a" if self.figures.deal.issuer.share_class else BLANK
            for key in ("ClassShares", "ClassEnlarged", "PctExistingClass", "PctEnlargedClass"):
                self.na(key, missing)
        else:
            self.put_number("ClassShares", p.class_shares_outstanding)
            self.put_formula(
                "ClassEnlarged",
                formulas.enlarged("ClassShares", "NewShares"),
                p.class_shares_outstanding + p.new_shares,
            )
            self.put_formula(
                "PctExistingClass",
                formulas.dilution_existing("NewShares", "ClassShares"),
                formulas.ratio_double(p.new_shares, p.class_shares_outstanding),
            )
            self.put_formula(
                "PctEnlargedClass",
                formulas.dilution_enlarged("NewShares", "ClassShares"),
                formulas.dilution_enlarged_double(p.new_shares, p.class_shares_outstanding),
            )
        if p.mandate_used is None:
            self.na("MandateUsed", NOT_GIVEN)
        else:
            self.put_number("MandateUsed", p.mandate_used)
        if p.mandate_limit is None:
            self.na("MandateLimit", NOT_GIVEN)
            self.na("MandateHeadroom", NOT_GIVEN)  # needs the limit
        else:
            self.put_number("MandateLimit", p.mandate_limit)
            # Nothing given as used: the headroom counts none, as the check says.
            used = "MandateUsed" if p.mandate_used is not None else "0"
            self.put_formula(
                "MandateHeadroom", formulas.headroom("MandateLimit", used, "NewShares"), f.mandate_headroom
            )

    def _key_figures(self) -> None:
        f = self.figures
        self.put_formula("KeyGross", formulas.copy_of("Gross"), f.proceeds.gross)
        # The last close, else the price the exchange's rule measures from, else the first one given.
        ranked = sorted(
            f.references, key=lambda r: TILE_REFERENCES.index(r.key) if r.key in TILE_REFERENCES else 9
        )
        if not ranked:
            self._key_missing("KeyDiscount", "Market prices not available")
        else:
            ref = ranked[0]
            source = self._reference_cell(ref.key, column=2)
            assert source is not None  # every reference has its row in the pricing table  # noqa: S101
            if ref.key != "last_close":  # the label says which discount the tile shows
                ws, figure_ref = named_cell(self.wb, "KeyDiscount")
                label = ws[figure_ref].offset(
                    row=-1
                )  # a tile's label is the row above its figure (make_template)
                label.value = f"Discount to {dates_as_sheets(in_sentence(ref.label))}"
            price = formulas.written_double(float(f.deal.placing.price))
            self.put_formula(
                "KeyDiscount",
                formulas.copy_of(source),
                formulas.discount_double(price, formulas.written_double(ref.price)),
            )
        p, money = f.deal.placing, f.proceeds
        if p.shares_outstanding is None or f.percent_of_enlarged is None:
            self._key_missing("KeyEnlarged", "Shares in issue not available")
        else:
            enlarged = formulas.dilution_enlarged_double(p.new_shares, p.shares_outstanding)
            self.put_formula("KeyEnlarged", formulas.copy_of("PctEnlarged"), enlarged)
        if money.commission is None or money.other_costs is None:
            in_full = len(f.deal.costs.missing) < 2  # as the costs note says it
            self._key_missing("KeyNetPrice", "Costs not published" + (" in full" if in_full else ""))
            return
        net = float(money.gross) - (float(money.commission) + float(money.other_costs))
        per_share = formulas.ratio_double(net, p.new_shares + (p.prefunded_warrants or 0))
        self.put_formula("KeyNetPrice", formulas.copy_of("NetPerShare"), per_share)
        self.number_format("KeyNetPrice", net_format(f.deal))

    def _theoretical(self) -> None:
        f = self.figures
        bench = self._reference_cell("benchmarked_price")
        outstanding = f.deal.placing.shares_outstanding
        if (
            bench is None
            or outstanding is None
            or f.theoretical_diluted_price is None
            or f.theoretical_dilution_effect is None
        ):
            self.na("TheoreticalPrice")
            self.na("TheoreticalEffect")
            return
        p = f.deal.placing
        bench_ref = f.reference("benchmarked_price")
        bench_price = formulas.written_double(bench_ref.price) if bench_ref is not None else math.nan
        price = formulas.theoretical_price_double(bench_price, outstanding, p.new_shares, float(p.price))
        self.put_formula(
            "TheoreticalPrice",
            formulas.theoretical_price(bench, "SharesOutstanding", "NewShares", "Price"),
            price,
        )
        self.number_format("TheoreticalPrice", computed_price_format(p.price))
        self.put_formula(
            "TheoreticalEffect",
            formulas.discount("TheoreticalPrice", bench),
            formulas.discount_double(price, bench_price),
        )

    def _reference_cell(self, key: str, column: int = 1) -> str | None:
        """The absolute reference of a reference price's row (column 1: price, 2: discount)."""
        proto = area(self.wb, "RefRow")
        for offset, ref in enumerate(self.figures.references):
            if ref.key == key:
                letter = proto.ws.cell(proto.min_row, proto.min_col + column).column_letter
                return f"${letter}${proto.min_row + offset}"
        return None

    def _headline_quote(self) -> None:
        money, deal = self.figures.proceeds, self.figures.deal
        ws, ref = named_cell(self.wb, "KeyGrossQuote")
        if deal.fx is None or money.gross_quote is None:
            self.out.not_applicable(ws, ref, BLANK)
            ws[ref].fill = NO_FILL  # no shaded strip under the tile with nothing in it
            return
        # The same double as the GrossQuote cell it copies (Gross / FxRate, as a spreadsheet computes it).
        quote = formulas.ratio_double(float(money.gross), float(deal.fx.rate))
        self.out.formula(ws, ref, formulas.copy_of("GrossQuote"), quote)
        ws[ref].number_format = f'"{deal.fx.quote_currency} "#,##0.0,,"m"'

    def _market(self) -> None:
        """The market data's date, the capitalisation and the deal against it; the rows not given left off."""
        self._market_figures()
        self._leave_off_not_given(MARKET_ROWS, "B", "E")
        if "MarketCap" in self.left_out and "MarketDate" not in self.left_out:  # the heads are the cap's
            found = area(self.wb, "MarketDate")
            clear_heads(found.ws, found.min_row - 1, found.min_col - 1, found.min_col + 2)

    def _market_figures(self) -> None:
        f = self.figures
        m = f.market
        ws, ref = named_cell(self.wb, "MarketDate")
        if m.as_of is None:
            self.out.text(ws, ref, NOT_GIVEN)
        else:
            self.out.number(ws, ref, serial(m.as_of), is_input=False)
        last = self._reference_cell("last_close")
        placed = m.placed_class_shares
        if m.as_of is None and m.market_cap is None:  # the rows are left off: the band says so
            found = area(self.wb, "MarketDate")
            band = found.ws.cell(found.min_row - 1, found.min_col - 1)
            band.value = "Market context: not available"
        if last is None or m.market_cap is None or placed is None:
            self.na("MarketCap", NOT_GIVEN)  # without the last close either: the row is left off
            self.na("MarketCapQuote", BLANK)
            self.na("GrossToMarketCap", NOT_GIVEN)
            return
        p = f.deal.placing
        # The placed class at the last close, in cells when the deal sheet holds its share count;
        # the other classes (shares x close x rate, from the deal file) as one number.
        if m.market_cap_basis == "" or placed == p.shares_outstanding:
            shares_cell = "SharesOutstanding"
        elif placed == p.class_shares_outstanding:
            shares_cell = "ClassShares"
        else:  # shares outstanding less the other classes
            shares_cell = f"(SharesOutstanding-{sum(c.shares for c in f.deal.issuer.other_classes)})"
        close = f.reference("last_close")
        cap = formulas.written_double(close.price if close else 0) * float(placed)
        formula = formulas.product(last, shares_cell)
        if f.deal.issuer.other_classes:
            formula += f"+{m.other_classes_value}"
            cap += float(m.other_classes_value)
        self.put_formula("MarketCap", formula, cap)
        if f.deal.fx is None or m.market_cap_quote is None:
            self.na("MarketCapQuote", BLANK)
        else:
            quote = formulas.ratio_double(cap, float(f.deal.fx.rate))
            self.put_formula("MarketCapQuote", formulas.to_quote("MarketCap", "FxRate"), quote)
        share = formulas.ratio_double(float(f.proceeds.gross), cap)
        self.put_formula("GrossToMarketCap", formulas.ratio("Gross", "MarketCap"), share)

    def _liquidity(self) -> None:
        rows_of = self.figures.market.liquidity
        proto, rows = table_rows(self.wb, "LiquidityRow", len(rows_of))
        ws, out = proto.ws, self.out
        c = [ws.cell(proto.min_row, proto.min_col + i).column_letter for i in range(4)]
        if not rows_of:  # one line says so, with no column heads over nothing
            out.text(ws, f"{c[0]}{rows[0]}", NO_VOLUMES)
            clear_heads(ws, rows[0] - 1, proto.min_col, proto.min_col + 3)
            return
        for item, row in zip(rows_of, rows, strict=True):
            out.text(ws, f"{c[0]}{row}", f"{item.days} trading days ({item.origin})")
            out.number(ws, f"{c[1]}{row}", item.volume)
            if item.value is None:
                out.not_applicable(ws, f"{c[2]}{row}", "n/a")
            else:
                out.number(ws, f"{c[2]}{row}", item.value)
            days = formulas.ratio_double(float(self.figures.deal.placing.new_shares), float(item.volume))
            out.formula(ws, f"{c[3]}{row}", formulas.ratio("NewShares", f"{c[1]}{row}"), days)

    def _timetable(self) -> None:
        """The deal's dates in its order, lock-ups from completion; a date not given is left off."""
        p = self.figures.deal.placing
        days = {"lock_up_end": p.lock_up_days, "vendor_lock_up_end": p.vendor_lock_up_days}
        entries = [
            e
            for e in self.figures.timetable
            if (days[e.key] is not None if e.key in days else e.when is not None)
        ]
        proto, rows = table_rows(self.wb, "TimetableRow", len(entries))
        ws, out = proto.ws, self.out
        c = [ws.cell(proto.min_row, proto.min_col + i).column_letter for i in range(3)]
        completion: str | None = None
        agreement: str | None = None
        self._timetable_band(proto, shown=bool(entries))
        for entry, row in zip(entries, rows[: len(entries)], strict=True):  # none: one empty row
            out.text(ws, f"{c[0]}{row}", entry.label)
            date_cell, days_cell = f"{c[1]}{row}", f"{c[2]}{row}"
            if entry.key == "subscription_deadline":
                if agreement is None or entry.when is None:
                    out.not_applicable(ws, date_cell, NOT_GIVEN)
                    continue
                out.number(ws, days_cell, TOP_UP_SUBSCRIPTION_DAYS, is_input=False)
                out.formula(ws, date_cell, formulas.days_after(agreement, days_cell), serial(entry.when))
                continue
            if entry.key in days:
                length = days[entry.key]
                if length is None:
                    out.not_applicable(ws, date_cell, NOT_GIVEN)
                    continue
                out.number(ws, days_cell, length)
                end, _ = lock_up_end(p.completion_date, length)
                if completion is None or end is None:
                    out.not_applicable(ws, date_cell, "no completion date")
                else:
                    out.formula(ws, date_cell, formulas.days_after(completion, days_cell), serial(end))
                continue
            if entry.when is None:
                out.not_applicable(ws, date_cell, NOT_GIVEN)
                continue
            out.number(ws, date_cell, serial(entry.when))
            if entry.key == "completion_date":
                completion = date_cell
            if entry.key == "agreement_date":
                agreement = date_cell

    def _timetable_band(self, proto: Area, *, shown: bool) -> None:
        """The band says when no date was available; over no row at all it stands alone (no heads, no empty row)."""
        ws, row = proto.ws, proto.min_row
        if not any(e.when is not None for e in self.figures.timetable):
            band = ws.cell(row - 1, proto.min_col)
            band.value = f"{band.value}: no dates were available"
        if not shown:
            clear_heads(ws, row - 1, proto.min_col, proto.min_col + 2)
            for column in range(proto.min_col, proto.min_col + 3):
                ws.cell(row, column).border = Border()

    def _cost_items(self) -> None:
        deal, out = self.figures.deal, self.out
        items = deal.costs.items
        proto, rows = table_rows(self.wb, "CostItemRow", len(items))
        ws = proto.ws
        c = [ws.cell(proto.min_row, proto.min_col + i).column_letter for i in range(3)]
        total_row = area(self.wb, "CostItemTotal").min_row
        if not items:  # one line says so: no column heads over nothing, no empty total
            out.text(ws, f"{c[0]}{rows[0]}", "Other costs were not itemised")
            clear_heads(ws, rows[0] - 1, proto.min_col, proto.min_col + 2)
            for column in c:
                ws[f"{column}{total_row}"].border = Border()
            return
        rate = deal.fx.rate if deal.fx else None
        for item, row in zip(items, rows, strict=True):
            out.text(ws, f"{c[0]}{row}", item.name, is_input=True)
            out.number(ws, f"{c[1]}{row}", item.amount)
            quote_cell(out, ws, f"{c[2]}{row}", f"{c[1]}{row}", item.amount, rate)
        first, last = f"{c[1]}{rows[0]}", f"{c[1]}{rows[-1]}"
        total = sum((i.amount for i in items), Decimal(0))
        rounded = not adds_up_as_shown([i.amount for i in items], total) or (
            rate is not None
            and not adds_up_as_shown([to_quote(i.amount, rate) for i in items], to_quote(total, rate))
        )
        out.text(ws, f"{c[0]}{total_row}", ROUNDED_TOTAL if rounded else "Total: the other costs above")
        out.formula(ws, f"{c[1]}{total_row}", formulas.total(first, last), total)
        if rate is None:
            out.not_applicable(ws, f"{c[2]}{total_row}", BLANK)
        else:
            out.formula(
                ws,
                f"{c[2]}{total_row}",
                formulas.total(f"{c[2]}{rows[0]}", f"{c[2]}{rows[-1]}"),
                sum((to_quote(i.amount, rate) for i in items), Decimal(0)),
            )
        # The proceeds block's other costs follow the items.
        self.put_formula(
            "OtherCosts", formulas.rounded_total(first, last, "2"), self.figures.proceeds.other_costs
        )
