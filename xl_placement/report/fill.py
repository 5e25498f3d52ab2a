"""Filling the template: the deal sheet, the use of proceeds and the shareholding.

Inputs (the deal's figures) are written as values in blue; every derived figure
is a native formula in black that refers to those inputs, registered with the value
Python computed, so Excel follows a changed price and a reader sees the numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from copy import copy
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from openpyxl import Workbook
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from xl_placement import formulas
from xl_placement.capital import PLACEES, Holding
from xl_placement.deal import KIND_LABELS, MANDATE_LABELS, UNDERWRITING_LABELS, Deal, Fx
from xl_placement.figures import NET_NOT_GIVEN_BASIS, NOT_GIVEN, Figures, Reference
from xl_placement.formats import MILLION, percent_text, price_places, price_text
from xl_placement.money import LargestRemainder, largest_remainder, round_half_up, to_minor_units
from xl_placement.proceeds import SHARE_DECIMALS, to_quote
from xl_placement.report import openpyxl_private as private
from xl_placement.report.cells import CHARS_PER_WIDTH, CellWriter, fit_height, wrapped_lines
from xl_placement.report.chart import Bars, ChartRow, add_waterfall, label_size, wrap_label
from xl_placement.report.layout import (
    REPORT_PRICE_DECIMALS,
    close_up,
    computed_price_format,
    dates_as_sheets,
    for_reader,
    price_format,
)
from xl_placement.report.tables import table_rows
from xl_placement.report.template import area
from xl_placement.wording import authority_text, net_price_places

NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
NEEDS_OUTSTANDING = NOT_GIVEN  # the Checks sheet and the command line name placing.shares_outstanding
BLANK = ""  # a quote-currency cell when the deal has no quote currency
TERMS = (
    "IssuerName", "StockCode", "Exchange", "ShareClass", "Kind", "Mandate", "Underwriting",
    "Agents", "Placees", "Offering", "NewShares", "Price",
)  # fmt: skip
FX_ROWS = ("FxRate", "FxSource", "CostsNote")
HKEX_ROWS = ("TheoreticalPrice", "TheoreticalEffect", "MandateLimit", "MandateUsed", "MandateHeadroom")
MANDATE_ROWS = ("MandateLimit", "MandateUsed", "MandateHeadroom")
NOTE_SCALE = (
    1.3  # the notes are 9-point italic: LibreOffice fits about 1.3 times the 10-point estimate on a line
)
T = TypeVar("T")
DASH_ZERO_SHARES = '#,##0;(#,##0);"\u2013"'  # zero as an en dash, the banker's blank
DASH_ZERO_PERCENT = '0.00%;(0.00%);"\u2013"'


def cell(wb: Workbook, name: str) -> tuple[Worksheet, str]:
    """The sheet and cell reference of a single-cell defined name."""
    found = area(wb, name)
    return found.ws, found.ref


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


def shown_millions(value: Decimal) -> Decimal:
    """An amount as the report shows it: millions to one decimal (format ``#,##0.0,,``)."""
    return round_half_up(value / MILLION, 1)


def adds_up_as_shown(parts: Sequence[Decimal], total: Decimal) -> bool:
    """True when the parts, each shown in millions to one decimal, add up to the total as shown."""
    return sum((shown_millions(p) for p in parts), Decimal(0)) == shown_millions(total)


ROUNDED_TOTAL = "Total (rows rounded separately)"  # the rows as shown do not add up to it exactly


def footing_notes(gross: Decimal, costs: Decimal, net: Decimal, currency: str) -> list[str]:
    """A sentence when the amounts shown in millions do not foot (gross less costs is not net as shown).

    Each amount is rounded on its own, so the shown figures can differ by 0.1m; a reader
    adding up the column is told rather than left to find it.
    """
    g, c, n = (shown_millions(v) for v in (gross, costs, net))
    if g - c == n:
        return []
    return [
        f"{currency} m shown rounded: {g:,} less {c:,} is {g - c:,}, against net {n:,} "
        f"(a rounding difference of {abs(g - c - n):,}m; the cells hold the exact amounts)."
    ]


#: London's authority in the deal sheet's few words (the announcement sentence says it in full).
LSE_MANDATE_CELL = {
    "general": "Existing non-pre-emptive authority",
    "specific": "Specific shareholder approval",
}


def mandate_text(deal: Deal) -> str:
    """The deal sheet's "Mandate" cell, in the exchange's terms (Hong Kong terms for HKEX and SGX only)."""
    if deal.issuer.exchange in ("HKEX", "SGX"):
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


@dataclass
class DealSheet:
    """Fills the deal sheet and remembers where the reference prices went."""

    wb: Workbook
    figures: Figures
    out: CellWriter
    left_out: set[str] = field(default_factory=set)  # names whose rows were left out: never written

    def fill(self) -> None:
        """Fill the terms, pricing, proceeds and share capital blocks."""
        self._terms()
        self._references()
        self._proceeds()
        self._capital()
        self._key_figures()

    def put_text(self, name: str, value: str, *, is_input: bool = True) -> None:
        """Write a text input (blue) or a label (black) into a named cell."""
        if name in self.left_out:
            return
        ws, ref = cell(self.wb, name)
        self.out.text(ws, ref, value, is_input=is_input)

    def put_number(self, name: str, value: Decimal | int) -> None:
        """Write an input number (blue) into a named cell."""
        if name in self.left_out:
            return
        ws, ref = cell(self.wb, name)
        self.out.number(ws, ref, value)

    def put_formula(self, name: str, formula: str, expected: Decimal | int | float | None) -> None:
        """Write a formula into a named cell, or "n/a" when the deal does not give the figure."""
        if name in self.left_out:
            return
        ws, ref = cell(self.wb, name)
        if expected is None:
            self.out.not_applicable(ws, ref)
        else:
            self.out.formula(ws, ref, formula, expected)

    def na(self, name: str, text: str = "n/a") -> None:
        """Mark a named cell "n/a" (or ``text``): the deal does not give this figure."""
        if name in self.left_out:
            return
        ws, ref = cell(self.wb, name)
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
            # Underwriting is a term a reader needs: shown as "not given" rather than left out.
            "Underwriting": UNDERWRITING_LABELS.get(p.underwriting, NOT_GIVEN)
            if p.underwriting
            else NOT_GIVEN,
            "Agents": ", ".join(p.agents),
            "Placees": (
                placees_text(p.min_placees, independent=p.independent_placees)
                if p.min_placees is not None
                else ""
            ),
            "Offering": p.offering,
        }
        for key, text in texts.items():
            if text:
                self.put_text(key, text)
        self.put_number("NewShares", p.new_shares)
        self.put_number("Price", p.price)
        self.number_format("Price", price_format(p.price))
        shown = [key for key in TERMS if texts.get(key, "x")]
        close_up(self.wb, TERMS, shown, "B", "E")

    def number_format(self, name: str, fmt: str) -> None:
        """Give a named cell a number format decided by the deal (a price's decimals)."""
        if name in self.left_out:
            return
        ws, ref = cell(self.wb, name)
        ws[ref].number_format = fmt

    def _references(self) -> None:
        refs = self.figures.references
        proto, rows = table_rows(self.wb, "RefRow", len(refs))
        ws = proto.ws
        col = [ws.cell(proto.min_row, proto.min_col + i).column_letter for i in range(4)]
        if not refs:
            self.out.text(
                ws,
                f"{col[0]}{rows[0]}",
                "No market prices were available",
            )
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
                    _number(p.ads_ratio or 1),
                    _number(p.prefunded_warrants or 0),
                    _number(p.prefunded_price or 0),
                ),
                money.gross,
            )
        notes = [costs_note(deal, self.figures)]
        if money.commission is None or money.other_costs is None or money.net is None:
            self._costs_not_given()
        else:
            notes += self._costs_and_net(money.commission, money.other_costs, money.net)
        self.put_text("CostsNote", " ".join(notes), is_input=False)
        ws, ref = cell(self.wb, "CostsNote")
        fit_height(ws, ws[ref].row, chars_scale=NOTE_SCALE)
        close_up(self.wb, FX_ROWS, FX_ROWS if deal.fx else FX_ROWS[2:], "G", "I")
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
        ws, ref = cell(self.wb, "CostsNote")
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
        ws, ref = cell(self.wb, "FxSource")
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
            # The rows print blank: the band says in one line what is missing.
            found = area(self.wb, "SharesOutstanding")
            band = found.ws.cell(found.min_row - 1, found.min_col - 1)
            band.value = "Share capital: not available"
            for key in ("Enlarged", "PctExisting", "PctEnlarged", "TheoreticalPrice", "TheoreticalEffect"):
                self.na(key, NEEDS_OUTSTANDING)
        else:
            self._dilution()
        self._class_and_mandate()

    def _leave_out_foreign_rows(self) -> None:
        """Rule 7.27B rows only for HKEX; the mandate rows where a general mandate exists (HKEX, SGX).

        Done before the rows are filled, so every formula is written where it stays.
        """
        exchange = self.figures.deal.issuer.exchange
        kept = [key for key in HKEX_ROWS if exchange == "HKEX" or (exchange == "SGX" and key in MANDATE_ROWS)]
        if len(kept) < len(HKEX_ROWS):
            close_up(self.wb, HKEX_ROWS, kept, "G", "I")
            self.left_out |= set(HKEX_ROWS) - set(kept)

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
        last = self._reference_cell("last_close", column=2)
        ref = f.reference("last_close")
        if last is None or ref is None:
            self.na("KeyDiscount", NOT_GIVEN)
        else:
            price = float(f.deal.placing.price)
            self.put_formula(
                "KeyDiscount",
                formulas.copy_of(last),
                formulas.discount_double(formulas.written_double(price), formulas.written_double(ref.price)),
            )
        p, money = f.deal.placing, f.proceeds
        if p.shares_outstanding is None or f.percent_of_enlarged is None:
            self.na("KeyEnlarged", NOT_GIVEN)
        else:
            enlarged = formulas.dilution_enlarged_double(p.new_shares, p.shares_outstanding)
            self.put_formula("KeyEnlarged", formulas.copy_of("PctEnlarged"), enlarged)
        if money.commission is None or money.other_costs is None:
            self.na("KeyNetPrice", NOT_GIVEN)
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
        ws, ref = cell(self.wb, "TheoreticalPrice")
        ws[ref].number_format = computed_price_format(p.price)
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


#: The use-of-proceeds formulas are exact in a spreadsheet's doubles while the units to split
#: stay below 10^14 and the shares' total below 1.1 x 10^7 units of 10^-7 (shares add up to
#: about 100%): every product is then below 1.3 x 10^14 < 2^53, and every MOD quotient below
#: 1.1 x 10^7, where LibreOffice's 15-digit rounding inside MOD cannot reach a whole number
#: and Excel's MOD limit (2^27) is far away.
EXACT_LIMIT = 10**14
SHARES_UNITS_LIMIT = 11 * 10**6


def share_units(shares: Sequence[Decimal]) -> list[int] | None:
    """Each share in whole units of 10^-SHARE_DECIMALS, or None when one has more decimals."""
    scaled = [share.scaleb(SHARE_DECIMALS) for share in shares]
    if any(value != value.to_integral_value() for value in scaled):
        return None
    return [int(value) for value in scaled]


def workings(base: Decimal, shares: Sequence[Decimal], decimals: int) -> LargestRemainder | None:
    """The steps of ``money.allocate`` as the sheet shows them, or None when the sheet cannot be exact.

    The sheet counts shares in units of 10^-7 and needs every product below 10^14; a deal
    outside that (shares with more decimals, a very large amount) gets its amounts as figures.
    """
    weights = share_units(shares)
    units = to_minor_units(base, decimals)
    if weights is None or not 0 <= units < EXACT_LIMIT or sum(weights) > SHARES_UNITS_LIMIT:
        return None
    return largest_remainder(units, weights)


def rounding_note(base: Decimal, rounded: Decimal, decimals: int, currency: str) -> str:
    """Say how an amount that is not a whole number of the rounding unit is split."""
    unit = f"{Decimal(1).scaleb(-decimals):f}" if decimals > 0 else f"{10**-decimals:,}"
    places = max(decimals, 0)
    if rounded == base:
        return (
            f"The amount is a whole number of the rounding unit ({currency} {unit}), "
            "so the uses add up to it exactly."
        )
    return (
        f"The amount, {currency} {base:,.2f}, is not a whole number of the rounding unit ({currency} {unit}): "
        f"it is rounded half up to {currency} {rounded:,.{places}f} before it is split, so the uses add up "
        f"to that ({rounded - base:+,.2f})."
    )


def fill_proceeds(wb: Workbook, figures: Figures, out: CellWriter) -> None:  # noqa: PLR0915 - one table, step by step
    """The use-of-proceeds table, its workings and the waterfall chart."""
    deal = figures.deal
    plan = deal.proceeds
    ws, ref = cell(wb, "AllocBasis")
    basis = figures.allocation_basis  # "gross (net not given)": net basis without the costs
    out.text(ws, ref, "gross (net not published)" if basis == NET_NOT_GIVEN_BASIS else basis)
    _, base_ref = cell(wb, "AllocBase")
    out.formula(ws, base_ref, formulas.copy_of("Net" if basis == "net" else "Gross"), figures.allocation_base)
    _, dec_ref = cell(wb, "AllocDecimals")
    out.number(ws, dec_ref, plan.decimals)
    if not plan.uses:
        _no_uses(wb, out)
        _fill_chart(wb, figures, out, [], [], None)
        return
    units = to_minor_units(figures.allocation_base, plan.decimals)
    rounded = Decimal(units).scaleb(-plan.decimals)
    _, units_ref = cell(wb, "AllocUnits")
    _, rounded_ref = cell(wb, "AllocRounded")
    out.formula(ws, units_ref, formulas.units("AllocBase", "AllocDecimals"), units)
    out.formula(ws, rounded_ref, formulas.from_units(units_ref, "AllocDecimals"), rounded)
    _, note_ref = cell(wb, "AllocNote")
    note = rounding_note(figures.allocation_base, rounded, plan.decimals, deal.issuer.currency)

    steps = workings(figures.allocation_base, [u.share for u in plan.uses], plan.decimals)
    work_proto, work_rows = table_rows(wb, "WorkRow", len(plan.uses))
    use_proto, use_rows = table_rows(wb, "UseRow", len(plan.uses))
    wc = [ws.cell(1, work_proto.min_col + i).column_letter for i in range(5)]
    uc = [ws.cell(1, use_proto.min_col + i).column_letter for i in range(4)]
    floors = f"${wc[1]}${work_rows[0]}:${wc[1]}${work_rows[-1]}"
    remainders = f"${wc[2]}${work_rows[0]}:${wc[2]}${work_rows[-1]}"
    extras = f"${wc[4]}${work_rows[0]}:${wc[4]}${work_rows[-1]}"
    _, left_ref = cell(wb, "AllocLeft")
    _, k_ref = cell(wb, "ShareDecimals")
    _, total_ref = cell(wb, "SharesUnits")
    _, check_ref = cell(wb, "AllocCheck")
    if steps is not None:
        out.number(ws, k_ref, SHARE_DECIMALS, is_input=False)
        first_s, last_s = f"{wc[0]}{work_rows[0]}", f"{wc[0]}{work_rows[-1]}"
        out.formula(ws, total_ref, formulas.total(first_s, last_s), steps.total)
        out.formula(ws, left_ref, formulas.left(units_ref, floors), steps.left)
        out.formula(ws, check_ref, formulas.units_check(floors, extras, units_ref), 0)
    else:
        for ref_ in (k_ref, total_ref, left_ref, check_ref):
            out.not_applicable(ws, ref_)
        note += (
            " The shares have more than seven decimals or the amount is too large for exact spreadsheet"
            " arithmetic, so the amounts are xl-placement's figures, not formulas."
        )
    _, note_ref = cell(wb, "AllocNote")
    out.text(ws, note_ref, note)
    fit_height(ws, ws[note_ref].row)
    rate = deal.fx.rate if deal.fx else None
    for i, (allocation, use_row, work_row) in enumerate(
        zip(figures.allocations, use_rows, work_rows, strict=True)
    ):
        s_, f, r, k, e = (f"{c}{work_row}" for c in wc)
        share_cell = f"{uc[1]}{use_row}"
        out.text(ws, f"{uc[0]}{use_row}", allocation.name, is_input=True)
        out.number(ws, share_cell, allocation.share)
        amount_cell = f"{uc[2]}{use_row}"
        if steps is None:
            out.number(ws, amount_cell, allocation.amount, is_input=False)
        else:
            out.formula(ws, s_, formulas.share_units(share_cell, k_ref), steps.weights[i])
            out.formula(ws, f, formulas.floor_units(units_ref, s_, total_ref), steps.floors[i])
            out.formula(ws, r, formulas.remainder_units(units_ref, s_, total_ref), steps.remainders[i])
            out.formula(ws, k, formulas.rank(r, remainders), steps.ranks[i])
            out.formula(ws, e, formulas.extra_unit(k, left_ref), steps.extras[i])
            out.formula(ws, amount_cell, formulas.amount(f, e, "AllocDecimals"), allocation.amount)
        if rate is None:
            out.not_applicable(ws, f"{uc[3]}{use_row}", BLANK)
        else:
            out.formula(
                ws,
                f"{uc[3]}{use_row}",
                formulas.to_quote(amount_cell, "FxRate"),
                formulas.ratio_double(float(allocation.amount), float(rate)),
            )
    _use_totals(wb, figures, out, uc, use_rows)
    left_after = None
    if steps is not None:
        first_f, first_e = f"${wc[1]}${work_rows[0]}", f"${wc[4]}${work_rows[0]}"

        def left_after(i: int) -> str:
            """The amount still to split after the first i + 1 uses, from whole units (exact)."""
            row = work_rows[i]
            used = f"SUM({first_f}:${wc[1]}${row})-SUM({first_e}:${wc[4]}${row})"  # units - floors - extras
            return formulas.from_units(f"({units_ref}-{used})", "AllocDecimals")

    _fill_chart(
        wb,
        figures,
        out,
        [f"${uc[2]}${row}" for row in use_rows],
        [f"${uc[0]}${row}" for row in use_rows],
        left_after,
    )


def hide_workings(wb: Workbook) -> None:
    """Hide the rounding's decimal places and the zero difference below the uses' total.

    They are workings for the preparer: the rows stay (formulas refer to them) but do not
    print. Called once every table of the sheet has its rows (inserting rows moves them).
    """
    for key in ("AllocDecimals", "AllocCheck"):
        found = area(wb, key)
        found.ws.row_dimensions[found.min_row].hidden = True


def _use_totals(wb: Workbook, figures: Figures, out: CellWriter, uc: list[str], use_rows: list[int]) -> None:
    """The total row of the uses (the check that they add up is a cell of its own, in units)."""
    ws = area(wb, "UseTotal").ws
    plan, deal = figures.deal.proceeds, figures.deal
    rate = deal.fx.rate if deal.fx else None
    total_row = area(wb, "UseTotal").min_row
    first, last = use_rows[0], use_rows[-1]
    out.text(ws, f"{uc[0]}{total_row}", "Total")
    out.formula(
        ws,
        f"{uc[1]}{total_row}",
        formulas.total(f"{uc[1]}{first}", f"{uc[1]}{last}"),
        sum(u.share for u in plan.uses),
    )
    allocated = sum((a.amount for a in figures.allocations), Decimal(0))
    out.formula(
        ws,
        f"{uc[2]}{total_row}",
        formulas.rounded_total(f"{uc[2]}{first}", f"{uc[2]}{last}", "AllocDecimals"),
        allocated,
    )
    if rate is None:
        out.not_applicable(ws, f"{uc[3]}{total_row}", BLANK)
    else:
        out.formula(
            ws,
            f"{uc[3]}{total_row}",
            formulas.to_quote(f"{uc[2]}{total_row}", "FxRate"),
            formulas.ratio_double(float(allocated), float(rate)),
        )
        quotes = [to_quote(a.amount, rate) for a in figures.allocations]
        if not adds_up_as_shown(quotes, to_quote(allocated, rate)):
            out.text(ws, f"{uc[0]}{total_row}", ROUNDED_TOTAL)


def _no_uses(wb: Workbook, out: CellWriter) -> None:
    """The use-of-proceeds table of a deal without [[proceeds.uses]]: it says so, with no made-up rows."""
    use_proto, (use_row,) = table_rows(wb, "UseRow", 1)
    ws = use_proto.ws
    uc = [ws.cell(1, use_proto.min_col + i).column_letter for i in range(4)]
    # The line says what is missing, so it prints; the total row below ("not given") does not.
    out.text(ws, f"{uc[0]}{use_row}", "The use of proceeds was not published")
    total_row = area(wb, "UseTotal").min_row
    out.text(ws, f"{uc[0]}{total_row}", "Total")
    for column in uc[1:]:
        out.not_applicable(ws, f"{column}{total_row}", NOT_GIVEN)
    for name in ("AllocUnits", "AllocLeft", "AllocCheck"):
        sheet, ref = cell(wb, name)
        out.not_applicable(sheet, ref, NOT_GIVEN)


Bar = tuple[str, Decimal]  # a formula (without "=") and its value; "" for an empty segment
EMPTY: Bar = ("", Decimal(0))


def _fill_chart(
    wb: Workbook,
    figures: Figures,
    out: CellWriter,
    amount_cells: list[str],
    name_cells: list[str],
    left_after: Callable[[int], str] | None,
) -> None:
    """The waterfall's data: gross, costs, net, then each use stepping down from the base.

    Each bar has four stacked segments: the invisible base, a total, a cost and a use.
    ``left_after(i)`` is the formula of what is left after use i (None: write the figures).
    A thin bar's label carries its amount (a formula, so it follows edits), see ``chart``.
    """
    money = figures.proceeds
    bars: list[tuple[str, Bar, Bar, Bar, Bar]] = [
        ("Gross proceeds", EMPTY, ("Gross", money.gross), EMPTY, EMPTY)
    ]
    amounts: list[tuple[str, Decimal, str]] = [("Gross", money.gross, "")]  # amount cell, value, name cell
    if figures.allocation_basis == "net" and money.net is not None and money.costs is not None:
        if money.costs:  # no empty slot for costs of zero: gross steps straight to net
            bars.append(("Costs", ("Net", money.net), EMPTY, ("TotalCosts", money.costs), EMPTY))
            amounts.append(("TotalCosts", money.costs, ""))
        bars.append(("Net proceeds", EMPTY, ("Net", money.net), EMPTY, EMPTY))
        amounts.append(("Net", money.net, ""))
    # The uses step down from the amount split (the base rounded to the rounding unit).
    remaining = sum((a.amount for a in figures.allocations), Decimal(0))
    uses = zip(figures.allocations, amount_cells, name_cells, strict=True)
    for index, (allocation, amount_cell, name_cell) in enumerate(uses):
        remaining -= allocation.amount
        step = (left_after(index) if left_after else "", remaining)
        bars.append((allocation.name, step, EMPTY, EMPTY, (amount_cell, allocation.amount)))
        amounts.append((amount_cell, allocation.amount, name_cell))
    proto, lines = table_rows(wb, "ChartRow", len(bars))
    ws = proto.ws
    cols = [ws.cell(1, proto.min_col + i).column_letter for i in range(5)]
    segments = tuple((b[1][1], b[2][1], b[3][1], b[4][1]) for b in bars)
    names = [label for label, *_ in bars]
    size = label_size(names)
    thin = Bars(("", "", "", ""), (), segments).thin
    labels: list[str] = []
    for index, (line, (label, *segs)) in enumerate(zip(lines, bars, strict=True)):
        target = f"{cols[0]}{line}"
        if index in thin:
            labels.append(_thin_label(ws, out, target, label, amounts[index]))
        else:
            labels.append(wrap_label(label, len(bars), size))
            out.text(ws, target, labels[-1])
        for column, (formula, value) in zip(cols[1:], segs, strict=True):
            if formula:
                out.formula(ws, f"{column}{line}", formula, value)
            else:
                out.number(ws, f"{column}{line}", value, is_input=False)
    head = [str(ws.cell(proto.min_row - 1, proto.min_col + i).value or "") for i in range(1, 5)]
    titles = (head[0], head[1], head[2], head[3])
    add_waterfall(
        ws,
        ChartRow(proto.min_col, lines[0], lines[-1]),
        area(wb, "ChartAnchor").ref,
        figures.deal.issuer.currency,
        Bars(titles, tuple(labels), segments),
    )


def _thin_label(
    ws: Worksheet, out: CellWriter, target: str, label: str, amount: tuple[str, Decimal, str]
) -> str:
    """A thin bar's category label with its amount in millions on a second line ("none" for zero).

    The name comes from the use table's cell (or is the fixed word of a total or the costs),
    so no user text is ever written into a formula.
    """
    cell_ref, value, name_cell = amount
    shown = "none" if value == 0 else f"{shown_millions(value):,}"
    name = name_cell if name_cell else f'"{label}"'
    formula = formulas.bar_label(name, cell_ref)
    text = f"{label}\n{shown}"
    out.formula(ws, target, formula, text)
    return text


# A top-up's shareholding in three stages: the heads of its six figure columns, and the widths
# that keep the sheet as wide in print as the deal sheet (A:I) when it prints to column H.
STAGED_HEADS = (
    "Shares before",
    "% before",
    "After the vendor's placing of existing shares",
    "%",
    "After the vendor's subscription for new shares",
    "%",
)
STAGED_WIDTHS = {"B": 58, "C": 19, "D": 12, "E": 19, "F": 12, "G": 19, "H": 12}


def fill_shareholding(wb: Workbook, figures: Figures, out: CellWriter) -> str:
    """Before and after per listed holder, the placees, the public and the total.

    A top-up whose vendor is named shows the stage between: after the vendor's placing of
    existing shares, before its subscription for new ones.

    Returns:
        The last column to print: F, or H for a top-up in three stages.
    """
    holdings = figures.shareholding
    if not holdings:
        _no_holdings(wb, out)
        return "F"
    staged = holdings[0].shares_between is not None
    lines = holdings[:-1]  # listed holders, placees, public; the total comes last
    proto, rows = table_rows(wb, "HoldingRow", len(lines))
    ws = proto.ws
    c = [ws.cell(1, proto.min_col + i).column_letter for i in range(7 if staged else 5)]
    total_row = area(wb, "HoldingTotal").min_row
    total = holdings[-1]
    # (shares column, percent column) of each stage; "after" is the last.
    before_col, after_col = c[1], c[5] if staged else c[3]
    stages = [(c[1], c[2]), (c[3], c[4])] + ([(c[5], c[6])] if staged else [])
    if staged:
        _staged_layout(ws, proto.min_row - 1, c)
    vendor = figures.deal.placing.vendor
    listed = len(lines) - 2
    for index, (holding, row) in enumerate(zip(lines, rows, strict=True)):
        out.text(ws, f"{c[0]}{row}", holding.name, is_input=index < listed)
        before, after = f"{before_col}{row}", f"{after_col}{row}"
        between = f"{c[3]}{row}"
        if index < listed:
            out.number(ws, before, holding.shares_before)
            if staged and holding.name == vendor:
                out.formula(
                    ws, between, formulas.subtract(before, "NewShares"), _staged(holding.shares_between)
                )
                out.formula(ws, after, formulas.add(between, "NewShares"), holding.shares_after)
            else:
                if staged:
                    out.formula(ws, between, formulas.copy_of(before), _staged(holding.shares_between))
                out.formula(ws, after, formulas.copy_of(before), holding.shares_after)
        elif holding.name == PLACEES:  # nothing before the deal: shown as dashes, not "0 / 0.00%"
            out.number(ws, before, 0, is_input=False)
            ws[before].number_format = DASH_ZERO_SHARES
            ws[f"{c[2]}{row}"].number_format = DASH_ZERO_PERCENT
            if staged:
                out.formula(ws, between, formulas.copy_of("NewShares"), _staged(holding.shares_between))
            out.formula(ws, after, formulas.copy_of("NewShares"), holding.shares_after)
        else:  # the other public shareholders: what the listed holders do not hold
            formula = (
                formulas.subtract("SharesOutstanding", f"SUM({c[1]}{rows[0]}:{c[1]}{rows[listed - 1]})")
                if listed
                else formulas.copy_of("SharesOutstanding")
            )
            out.formula(ws, before, formula, holding.shares_before)
            if staged:
                out.formula(ws, between, formulas.copy_of(before), _staged(holding.shares_between))
            out.formula(ws, after, formulas.copy_of(before), holding.shares_after)
        _holding_percents(ws, out, row, stages, total_row, holding, total)
    out.text(ws, f"{c[0]}{total_row}", "Total")
    totals = [
        (total.shares_before, total.percent_before),
        *([(_staged(total.shares_between), _staged(total.percent_between))] if staged else []),
        (total.shares_after, total.percent_after),
    ]
    for (shares_col, percent_col), (shares, percent) in zip(stages, totals, strict=True):
        out.formula(
            ws,
            f"{shares_col}{total_row}",
            formulas.total(f"{shares_col}{rows[0]}", f"{shares_col}{rows[-1]}"),
            shares,
        )
        out.formula(
            ws,
            f"{percent_col}{total_row}",
            formulas.total(f"{percent_col}{rows[0]}", f"{percent_col}{rows[-1]}"),
            percent,
        )
    return str(c[-1])


def _staged(value: T | None) -> T:
    """A stage-between figure of a top-up in three stages, which has every stage."""
    if value is None:
        raise ValueError("a top-up's shareholding in three stages lacks its stage between")
    return value


def _holding_percents(
    ws: Worksheet,
    out: CellWriter,
    row: int,
    stages: Sequence[tuple[str, str]],
    total_row: int,
    holding: Holding,
    total: Holding,
) -> None:
    """Each stage's percentage of the line: its shares over the stage's total."""
    middle = len(stages) == 3
    shares = [
        holding.shares_before,
        *([_staged(holding.shares_between)] if middle else []),
        holding.shares_after,
    ]
    totals = [total.shares_before, *([_staged(total.shares_between)] if middle else []), total.shares_after]
    for (shares_col, percent_col), part, whole in zip(stages, shares, totals, strict=True):
        out.formula(
            ws,
            f"{percent_col}{row}",
            formulas.share_of(f"{shares_col}{row}", f"${shares_col}${total_row}"),
            formulas.ratio_double(part, whole),
        )


def _staged_layout(ws: Worksheet, head_row: int, columns: Sequence[str]) -> None:
    """A top-up's heads over its three stages, and column widths that print at the deal sheet's scale."""
    for column, head in zip(columns[1:], STAGED_HEADS, strict=True):
        ws[f"{column}{head_row}"].value = head
        ws[f"{column}{head_row}"].data_type = "s"
    ws.row_dimensions[head_row].height = 42
    for column, width in STAGED_WIDTHS.items():
        ws.column_dimensions[column].width = width


def _number(value: Decimal | int) -> str:
    """A validated deal-file number as formula text (plain digits, no exponent)."""
    return format(Decimal(value), "f")


def _no_holdings(wb: Workbook, out: CellWriter) -> None:
    """The shareholding table without placing.shares_outstanding: it says so, with no made-up rows."""
    proto, (row,) = table_rows(wb, "HoldingRow", 1)
    ws = proto.ws
    c = [ws.cell(1, proto.min_col + i).column_letter for i in range(5)]
    # The line says what is missing, so it prints; the total row below ("not given") does not.
    out.text(ws, f"{c[0]}{row}", "The number of shares in issue was not available")
    total_row = area(wb, "HoldingTotal").min_row
    out.text(ws, f"{c[0]}{total_row}", "Total")
    for column in c[1:]:
        out.not_applicable(ws, f"{column}{total_row}", NOT_GIVEN)
