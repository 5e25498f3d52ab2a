"""Build placement.xlsm: the Inputs sheet, the "Build report" button and xlwings' settings.

The workbook is generated, never hand-edited: ``build_workbook`` lays out one named,
blue input cell for every deal-file field in ``fields.py`` (so the sheet cannot drift
from the deal file), fills in a deal (the demo by default), and embeds the VBA
project made by ``vba.build_vba_project`` from the installed xlwings' own. The same
inputs give the same bytes: document dates are fixed and XlsxWriter fixes the zip's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import re
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import xlsxwriter

from xl_placement import deal as model
from xl_placement import fields as f
from xl_placement import formulas
from xl_placement.dealfile import deal_from_mapping, parse_text
from xl_placement.errors import InputError
from xl_placement.figures import Figures, compute
from xl_placement.inputs import LIST_FIELDS, LIST_SEPARATOR, SHEET, TABLE_ROWS, defined_name
from xl_placement.output import write_atomic
from xl_placement.report.cache import DIV0
from xl_placement.report.cells import wrapped_lines
from xl_placement.vba import MACRO_NAME, build_vba_project

CONF_SHEET = "xlwings.conf"
PYTHON_MODULE = "placement"  # the module the button runs and "Import Functions" loads
DEFAULT_TITLE = "xl-placement deal sheet"
FIXED_DATE = dt.datetime(2025, 1, 1)  # document created/modified date: fixed, for identical bytes

#: The N of the patterned fields that get a row of their own (plus any N the deal uses).
PATTERN_DAYS = {"average_close_<N>d": (5, 10, 30), "vwap_<N>d": (5, 15, 30), "adtv_<N>d": (20, 30)}
STATED_PATTERNS = {
    "discount_to_average_close_<N>d": "average_close_<N>d",
    "discount_to_vwap_<N>d": "vwap_<N>d",
}

#: The fixed choices behind each dropdown (the fields' parsers accept exactly these).
CHOICES = {
    "issuer.exchange": model.EXCHANGES,
    "issuer.board": model.BOARD_NAMES,
    "placing.kind": model.KINDS,
    "placing.mandate": model.MANDATES,
    "placing.underwriting": model.UNDERWRITINGS,
    "placing.capacity": model.ASX_CAPACITIES[:2],
    "placing.purpose": model.PURPOSES,
    "proceeds.basis": model.PROCEEDS_BASES,
}

SECTION_TITLES = {
    "issuer": "Issuer",
    "placing": "Placing",
    "market": "Market prices (or fill in the price history on the right)",
    "costs": "Costs (leave both empty when they are not known)",
    "fx": "Second currency (optional; all three or none)",
    "proceeds": "Proceeds (the uses are in the table on the right)",
    "grid": "Pricing grid (optional; leave empty for the default prices)",
    "stated": "Figures as the announcement published them (optional; checked)",
    "report": "Report marking (optional; how the printed pages are marked)",
}
STATED_DOC = (
    'The figure as the announcement printed it ("8.6%", "HK$3.25bn", "US$415.2 million"). '
    "The report checks the computed figure at that precision, the last digit shown in the unit "
    "shown; a bare number is exact. A rate above 1 needs %."
)

INSTRUCTIONS = (
    "1. Type the deal into the blue cells. Point at a cell to read what it means and its unit. "
    "Leave optional cells empty.",
    "2. Press Build report: Python builds '<this workbook's name> report.xlsx' in this "
    "workbook's folder and opens it (a previous report of the same name is replaced).",
    "3. The tables on the right hold up to "
    f"{TABLE_ROWS['proceeds.uses']} uses of proceeds, {TABLE_ROWS['shareholders']} shareholders, "
    f"{TABLE_ROWS['costs.items']} itemised costs "
    f"and {TABLE_ROWS['market.history']} days of prices (oldest first); leave unused rows empty.",
    "4. The figures in column G use xl-placement's Excel functions: on Windows run "
    "Import Functions once (see the README, 'First run'); column H shows the same figures "
    "with plain Excel formulas.",
)


@dataclass(frozen=True)
class InputCell:
    """One named input cell on the Inputs sheet."""

    path: str  # deal-file path, e.g. "placing.new_shares" or "stated.gross_proceeds"
    label: str
    unit: str
    doc: str
    required: bool = False


def input_cells(deal: model.Deal | None = None) -> dict[str, list[InputCell]]:
    """The input cells of every section, in sheet order, derived from ``fields.py``."""
    sections: dict[str, list[InputCell]] = {}
    for section, specs in f.SECTIONS.items():
        cells = sections.setdefault(section, [])
        for spec in specs:
            for key in _expand(spec.name, deal):
                path = f"{section}.{key}"
                cells.append(InputCell(path, _label(key), _unit(path, spec), _doc(path, spec), spec.required))
    stated = sections.setdefault("stated", [])
    for key in f.STATED_KEYS:
        pattern = STATED_PATTERNS.get(key)
        names = [key.replace("<N>", str(n)) for n in _days(pattern, deal)] if pattern else [key]
        stated.extend(InputCell(f"stated.{name}", _label(name), "as published", STATED_DOC) for name in names)
    # Last, so the marking's rows move none of the deal's cells.
    for section, specs in f.REPORT_SECTIONS.items():
        sections[section] = [
            InputCell(path, _label(spec.name), _unit(path, spec), _doc(path, spec))
            for spec in specs
            for path in [f"{section}.{spec.name}"]
        ]
    return sections


def _unit(path: str, spec: f.Field) -> str:
    """A field's unit on the sheet; a list shows how its values share one cell."""
    return f"list, separated by {LIST_SEPARATOR}" if path in LIST_FIELDS else spec.unit


def _doc(path: str, spec: f.Field) -> str:
    """A field's note on the sheet: its meaning, and for a list how to type several values in one cell."""
    if path not in LIST_FIELDS:
        return spec.doc
    options = getattr(spec.parse, "options", None)
    if options:
        return (
            f"{spec.doc} Type any of these, separated by {LIST_SEPARATOR}: "
            + f"{LIST_SEPARATOR} ".join(options)
            + "."
        )
    return f"{spec.doc} Separate several with {LIST_SEPARATOR}."


def _expand(name: str, deal: model.Deal | None) -> list[str]:
    if "<N>" not in name:
        return [name]
    return [name.replace("<N>", str(n)) for n in _days(name, deal)]


def _days(pattern: str, deal: model.Deal | None) -> list[int]:
    days = set(PATTERN_DAYS[pattern])
    if deal is not None:
        given = {
            "average_close_<N>d": deal.market.average_closes,
            "vwap_<N>d": deal.market.vwaps,
            "adtv_<N>d": deal.market.adtv,
        }.get(pattern, {})
        days |= set(given)
    return sorted(days)


# Labels written for people where the field's name does not read as one (the deal-file path
# stays beside each label on the sheet, for the user who also writes deal files).
LABELS = {
    "name": "Name",
    "min_placees": "Minimum number of placees",
    "independent_placees": "Placees independent third parties",
    "public_offering": "Public offering (US)",
    "shares_outstanding": "Shares in issue before the deal",
    "class_shares_outstanding": "Shares of the placed class in issue",
    "ads_ratio": "ADS ratio (shares per ADS)",
    "prefunded_warrants": "Pre-funded warrants",
    "prefunded_price": "Pre-funded warrant price",
    "capacity": "ASX placement capacity used",
    "remaining_7_1": "Shares available under LR 7.1",
    "remaining_7_1a": "Shares available under LR 7.1A",
    "mandate_limit": "General mandate limit (shares)",
    "mandate_used": "Already issued under the mandate",
    "lock_up_days": "Issuer's lock-up (days)",
    "vendor_lock_up_days": "Vendor's lock-up (days)",
    "vendor": "Vendor (top-up; a shareholder's name)",
    "day_vwap": "VWAP of the agreement day",
    "day_vwap_date": "Date of that VWAP",
    "commission_rate": "Placing commission rate",
    "quote_currency": "Second currency",
    "rate": "Exchange rate",
    "source": "Source of the rate",
    "basis": "Shares of net or gross proceeds",
    "decimals": "Rounding of amounts (decimal places)",
    "from": "Lowest price",
    "to": "Highest price",
    "step": "Step between prices",
    "percent_of_existing": "New shares, % of existing",
    "percent_of_enlarged": "New shares, % of enlarged",
    "percent_of_existing_class": "New shares, % of existing class",
    "percent_of_enlarged_class": "New shares, % of enlarged class",
    "gross_proceeds_quote": "Gross proceeds, second currency",
    "net_proceeds_quote": "Net proceeds, second currency",
    "discount_to_day_vwap": "Discount to the day's VWAP",
    "marking": "Marking (page header)",
    "final": "Final (false: pages say Draft)",
    "draft_date": "Date of the draft",
    "logo": "Logo (PNG or JPEG beside this workbook)",
    "illustrative": "Illustrative parts (flagged on the page)",
}
_DAYS = {
    "average_close": "{n}-day average close",
    "vwap": "{n}-day VWAP",
    "adtv": "{n}-day ADTV (average daily volume)",
    "discount_to_average_close": "Discount to {n}-day average close",
    "discount_to_vwap": "Discount to {n}-day VWAP",
}


def _label(key: str) -> str:
    """A field's label on the Inputs sheet: "Shares available under LR 7.1", "20-day ADTV"."""
    if key in LABELS:
        return LABELS[key]
    found = re.fullmatch(r"([a-z_]+)_(\d{1,3})d", key)
    if found and found.group(1) in _DAYS:
        return _DAYS[found.group(1)].format(n=found.group(2))
    words = key.replace("_", " ").replace("vwap", "VWAP")
    return words[0].upper() + words[1:]


def demo_deal() -> model.Deal:
    """The demo deal (SenseTime's 2025 placing) the committed workbook opens with."""
    # The deal `xl-placement init` writes: one packaged copy of the demo (a test holds it equal
    # to examples/sensetime.toml, the short form a checkout's commands use).
    text = resources.files("xl_placement").joinpath("data", "example-deal.toml").read_text("utf-8")
    return deal_from_mapping(parse_text(text, "toml", "example-deal.toml"), "example-deal.toml")


ENLARGED_LABEL = "New shares, % of enlarged share capital"


def _blank_input_message(udf: str, figures: Figures) -> str:
    """What an Excel function shows when its input cell is blank (the function's own text)."""
    from xl_placement import excel  # noqa: PLC0415 - loaded only when a deal lacks an input

    placing = figures.deal.placing
    if udf.startswith("=DILUTION("):
        basis = "existing" if '"existing"' in udf else None
        return str(excel.DILUTION(float(placing.new_shares), None, basis))
    return str(excel.PLACEMENT_DISCOUNT(float(placing.price), None))


def build_workbook(
    path: str | Path, name: str | None = None, force: bool = False, deal: model.Deal | None = None
) -> Path:
    """Write a macro-enabled deal workbook such as placement.xlsm.

    The file may have any name: its button runs the Python module ``placement`` and its
    ``xlwings.conf`` sheet points "Import Functions" at the same module, so neither
    depends on the workbook's file name.

    Args:
        path: the ``.xlsm`` file to write.
        name: the title shown at the top of the Inputs sheet (default: "xl-placement deal sheet").
        force: replace an existing file.
        deal: the deal to fill in (default: the demo deal).

    Returns:
        The path written.

    Raises:
        OutputError: the file exists (without ``force``), is open in Excel or cannot be written.
        InputError: ``path`` does not end in ``.xlsm``, or a table of the deal is too long for the sheet.
    """
    target = Path(path)
    if target.suffix.lower() != ".xlsm":
        raise InputError(f"{target}: a workbook with macros must end in .xlsm (e.g. {target.stem}.xlsm)")
    if deal is not None:
        deal = logo_beside(deal, target)
    return write_atomic(target, workbook_bytes(name, deal), force=force)


def logo_beside(deal: model.Deal, workbook: Path) -> model.Deal:
    """The deal with its logo's path made relative to ``workbook``'s folder, as the Inputs sheet reads it.

    A deal file's ``report.logo`` is relative to the deal file; the workbook's logo cell is
    relative to the workbook, so the same image is found from wherever the workbook is written.
    An absolute path, or one on another drive than the workbook, is kept absolute.
    """
    logo = deal.report.logo
    if not logo or not deal.source or Path(logo).expanduser().is_absolute():
        return deal
    found = Path(deal.source).resolve().parent / logo
    try:
        moved = Path(os.path.relpath(found, workbook.resolve().parent)).as_posix()
    except ValueError:  # another drive (Windows): no relative path
        moved = str(found)
    return dataclasses.replace(deal, report=dataclasses.replace(deal.report, logo=moved))


def workbook_bytes(name: str | None = None, deal: model.Deal | None = None) -> bytes:
    """The bytes of the workbook ``build_workbook`` writes (the same inputs give the same bytes)."""
    deal = deal if deal is not None else demo_deal()
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,  # text from a deal is text, never a formula
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    book.set_properties(
        {
            "title": name or DEFAULT_TITLE,
            "subject": "Equity placing inputs",
            "author": "xl-placement",
            "comments": "Generated by xl-placement; edit the blue cells, then press Build report.",
            "created": FIXED_DATE,
        }
    )
    book.set_vba_name("ThisWorkbook")
    book.add_vba_project(io.BytesIO(build_vba_project()), is_stream=True)
    _Inputs(book, deal, compute(deal), name or DEFAULT_TITLE).write()
    _write_conf(book)
    book.close()
    return buffer.getvalue()


# --- the Inputs sheet -------------------------------------------------------------------------

_LABEL, _VALUE, _UNIT, _PATH = 0, 1, 2, 3  # columns A-D
_FIG_LABEL, _FIG_UDF, _FIG_NATIVE = 5, 6, 7  # columns F-H
_HIST_COL = 9  # column J
_FIRST_ROW = 7  # row 8: the first section title
VALUE_WIDTH = 30  # column B, the values typed in
PRINT_SCALE = 72  # percent: the widest printed part (E:L) fills a landscape A4 page
INPUT_COLUMNS_WIDTH = 38 + VALUE_WIDTH + 26 + 36  # A:D
MAX_ROW_HEIGHT = 409  # points: the tallest row Excel allows


class _Inputs:
    """Writes the Inputs sheet of one deal."""

    def __init__(self, book: Any, deal: model.Deal, figures: Figures, title: str) -> None:
        self.book = book
        self.deal = deal
        self.figures = figures
        self.title = title
        self.sheet = book.add_worksheet(SHEET)
        self.sheet.set_vba_name("Sheet1")
        self.sheet.set_comments_author("xl-placement")
        self.formats = _formats(book)
        self.values = deal_values(deal)

    def write(self) -> None:
        sheet, fmt = self.sheet, self.formats
        sheet.activate()
        sheet.hide_gridlines(2)
        sheet.set_column(_LABEL, _LABEL, 38)
        sheet.set_column(_VALUE, _VALUE, VALUE_WIDTH)
        sheet.set_column(_UNIT, _UNIT, 26)
        sheet.set_column(_PATH, _PATH, INPUT_COLUMNS_WIDTH - 38 - VALUE_WIDTH - 26)
        sheet.set_column(4, 4, 3)
        sheet.set_column(_FIG_LABEL, _FIG_LABEL, 46)
        sheet.set_column(_FIG_UDF, _FIG_NATIVE, 20)
        sheet.set_column(8, 8, 3)
        sheet.set_column(_HIST_COL, _HIST_COL, 22)
        sheet.set_column(_HIST_COL + 1, _HIST_COL + 2, 16)
        sheet.write_string(0, 0, self.title, fmt["title"])
        for row, line in enumerate(INSTRUCTIONS, start=1):
            # Wrapped across A:D, so a printed page (A:D) holds the whole instruction.
            sheet.merge_range(row, _LABEL, row, _PATH, line, fmt["note_wrap"])
            sheet.set_row(row, 15 * wrapped_lines(line, int(INPUT_COLUMNS_WIDTH * 1.25)))
        sheet.insert_button(
            1,
            _FIG_LABEL,
            {"macro": MACRO_NAME, "caption": "Build report", "width": 200, "height": 44, "x_offset": 8},
        )
        row = _FIRST_ROW
        for section, cells in input_cells(self.deal).items():
            row = self._section(row, section, cells) + 1
        self._figures(_FIRST_ROW)
        allocation = _FIRST_ROW + 10
        self._allocation(allocation)
        uses = allocation + TABLE_ROWS["proceeds.uses"] + 3
        self._uses(uses)
        holders = uses + TABLE_ROWS["proceeds.uses"] + 3
        self._holders(holders)
        self._cost_items(holders + TABLE_ROWS["shareholders"] + 3)
        self._history(_FIRST_ROW)
        self._column_heads(_FIRST_ROW - 1)
        sheet.freeze_panes(_FIRST_ROW, 0)
        self._print_setup()

    def _column_heads(self, row: int) -> None:
        """One row naming the columns of each block; it repeats at the top of every printed page."""
        sheet, fmt = self.sheet, self.formats
        heads = {
            _LABEL: "Input",
            _VALUE: "Value",
            _UNIT: "Unit",
            _PATH: "Deal-file key",
            _FIG_LABEL: "Figure",
            _FIG_UDF: "Excel function",
            _FIG_NATIVE: "Plain formula",
            _HIST_COL: "Date",
            _HIST_COL + 1: "Close",
            _HIST_COL + 2: "Volume",
        }
        for column, text in heads.items():
            sheet.write_string(row, column, text, fmt["head"])

    def _print_setup(self) -> None:
        """Readable print: the inputs (A:D) on their own pages, then the figures and tables (E:L).

        Shrunk to one page wide, the twelve columns printed at about half size; a page
        break before column E and a fixed scale keep every page at a readable 72%.
        """
        sheet = self.sheet
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.75)
        sheet.set_print_scale(PRINT_SCALE)
        sheet.set_v_pagebreaks([_PATH + 1])  # column E starts a new page
        sheet.print_area(0, 0, sheet.dim_rowmax, _HIST_COL + 2)  # the last row written
        sheet.repeat_rows(_FIRST_ROW - 1)  # the column heads on every page
        sheet.set_footer("&L&8&A&R&8page &P of &N", {"margin": 0.3})

    def _section(self, row: int, section: str, cells: list[InputCell]) -> int:
        sheet, fmt = self.sheet, self.formats
        sheet.write_string(row, _LABEL, SECTION_TITLES[section], fmt["section"])
        for column in (_VALUE, _UNIT, _PATH):
            sheet.write_blank(row, column, None, fmt["section"])
        for cell in cells:
            row += 1
            self._input(row, cell)
        return row + 1

    def _input(self, row: int, cell: InputCell) -> None:
        sheet, fmt = self.sheet, self.formats
        label = cell.label + (" *" if cell.required else "")
        sheet.write_string(row, _LABEL, label, fmt["label"])
        style = _style(cell)
        value = self.values.get(cell.path)
        lines = wrapped_lines(value, int(VALUE_WIDTH * 1.1)) if isinstance(value, str) else 1
        if lines > 1:  # long text (the FX source, a disclaimer) wraps in its cell instead of being cut off
            style = "text_wrap"
            sheet.set_row(row, min(15 * lines, MAX_ROW_HEIGHT))
        _write_value(sheet, row, _VALUE, value, fmt[style])
        sheet.write_string(row, _UNIT, cell.unit, fmt["unit"])
        sheet.write_string(row, _PATH, cell.path, fmt["path"])
        address = f"={SHEET}!${_col(_VALUE)}${row + 1}"
        self.book.define_name(defined_name(cell.path), address)
        note = f"{cell.doc}\nUnit: {cell.unit}.\nDeal file: {cell.path}" + (
            " (required)" if cell.required else ""
        )
        sheet.write_comment(row, _VALUE, note, {"x_scale": 2.2, "y_scale": 1.6, "author": "xl-placement"})
        if cell.path in CHOICES:
            sheet.data_validation(
                row,
                _VALUE,
                row,
                _VALUE,
                {
                    "validate": "list",
                    "source": list(CHOICES[cell.path]),
                    "error_title": "Choose from the list",
                    "error_message": "Pick one of: " + ", ".join(CHOICES[cell.path]),
                },
            )
        elif style == "date":
            sheet.data_validation(
                row,
                _VALUE,
                row,
                _VALUE,
                {
                    "validate": "date",
                    "criteria": ">",
                    "value": dt.date(1900, 1, 1),
                    "error_title": "A date",
                    "error_message": "Type a date, e.g. 2025-06-30.",
                },
            )

    def _figures(self, row: int) -> None:
        sheet, fmt, figures = self.sheet, self.formats, self.figures
        sheet.write_string(row, _FIG_LABEL, "Figures (live: they follow the blue cells)", fmt["section"])
        sheet.write_string(row, _FIG_UDF, "Excel function", fmt["section"])
        sheet.write_string(row, _FIG_NATIVE, "Plain formula", fmt["section"])
        # Ratios are cached as the double a spreadsheet computes (see formulas.discount_double).
        placing = figures.deal.placing
        # The plain formulas read the market cells of this sheet, not the price history:
        # a blank cell gives the spreadsheet's #DIV/0!, and that is what is cached.
        market = figures.deal.market
        typed = {
            "last_close": market.last_close,
            "average_close_5d": market.average_closes.get(5),
            "average_close_30d": market.average_closes.get(30),
        }
        discounts = {
            key: formulas.discount_double(float(placing.price), float(value))
            for key, value in typed.items()
            if value is not None
        }
        gross = figures.proceeds.gross
        price, shares, existing = "placing_price", "placing_new_shares", "placing_shares_outstanding"
        lines: list[tuple[str, str | None, str, Decimal | float | None, str]] = [
            (
                f"Discount to {label}",
                f"=PLACEMENT_DISCOUNT({price},market_{key})",
                "=" + formulas.discount(price, f"market_{key}"),
                discounts.get(key),
                "percent",
            )
            for key, label in (
                ("last_close", "last close"),
                ("average_close_5d", "5-day average close"),
                ("average_close_30d", "30-day average close"),
            )
        ]
        lines += [
            (
                ENLARGED_LABEL,
                f"=DILUTION({shares},{existing})",
                "=" + formulas.dilution_enlarged(shares, existing),
                # A blank share count: blank + new = new, so the plain formula gives 100%.
                None
                if placing.shares_outstanding is None
                else formulas.dilution_enlarged_double(placing.new_shares, placing.shares_outstanding),
                "percent",
            ),
            (
                "New shares, % of existing share capital",
                f'=DILUTION({shares},{existing},"existing")',
                "=" + formulas.dilution_existing(shares, existing),
                None
                if placing.shares_outstanding is None
                else formulas.ratio_double(placing.new_shares, placing.shares_outstanding),
                "percent",
            ),
            ("Gross proceeds", None, "=" + formulas.gross(shares, price), gross, "amount"),
            (
                "Proceeds the uses share (net or gross, per the basis; gross when a cost is blank)",
                None,
                "="
                + formulas.allocation_base(
                    "proceeds_basis", shares, price, "costs_commission_rate", "costs_other_costs"
                ),
                figures.allocation_base,
                "amount",
            ),
        ]
        for offset, (label, udf, native, value, style) in enumerate(lines, start=1):
            sheet.write_string(row + offset, _FIG_LABEL, label, fmt["label"])
            # A figure the deal cannot give (a reference price left blank) is cached as the
            # error the formula gives, never as 0; the Excel function shows its own message.
            cached: float | str = float(value) if value is not None else DIV0.code
            if value is None and label == ENLARGED_LABEL:
                cached = 1.0  # new / (blank + new): what the plain formula computes
            if udf:
                shown = cached if value is not None else _blank_input_message(udf, figures)
                sheet.write_formula(row + offset, _FIG_UDF, udf, fmt[style + "_out"], shown)
            else:
                sheet.write_string(row + offset, _FIG_UDF, "(plain formula only)", fmt["unit"])
            sheet.write_formula(row + offset, _FIG_NATIVE, native, fmt[style + "_out"], cached)
        base_row = row + len(lines)
        self.book.define_name("figures_allocation_base", f"={SHEET}!${_col(_FIG_NATIVE)}${base_row + 1}")

    def _allocation(self, row: int) -> None:
        sheet, fmt = self.sheet, self.formats
        sheet.write_string(row, _FIG_LABEL, "Use of proceeds, allocated (ALLOCATE_PROCEEDS)", fmt["section"])
        sheet.write_string(row, _FIG_UDF, "Amount", fmt["section"])
        # Blank rows of the uses table give blank rows here (ALLOCATE_PROCEEDS skips blank weights).
        formula = "=ALLOCATE_PROCEEDS(figures_allocation_base,uses_share,uses_name,proceeds_decimals)"
        first = self.figures.allocations[0].name if self.figures.allocations else ""
        sheet.write_dynamic_array_formula(
            row + 1, _FIG_LABEL, row + 1, _FIG_LABEL, formula, fmt["label"], first
        )

    def _uses(self, row: int) -> None:
        rows = [{"name": u.name, "share": u.share} for u in self.deal.proceeds.uses]
        self._table(row, _FIG_LABEL, "proceeds.uses", TABLE_ROWS["proceeds.uses"], rows)

    def _holders(self, row: int) -> None:
        rows = [
            {"name": h.name, "shares": h.shares, "public": None if h.public else "false"}
            for h in self.deal.shareholders
        ]
        self._table(row, _FIG_LABEL, "shareholders", TABLE_ROWS["shareholders"], rows)

    def _cost_items(self, row: int) -> None:
        rows = [{"name": i.name, "amount": i.amount} for i in self.deal.costs.items]
        self._table(row, _FIG_LABEL, "costs.items", TABLE_ROWS["costs.items"], rows)

    def _history(self, row: int) -> None:
        rows = [{"date": c.date, "close": c.close, "volume": c.volume} for c in self.deal.market.history]
        self._table(row, _HIST_COL, "market.history", TABLE_ROWS["market.history"], rows)

    def _table(self, row: int, col: int, table: str, capacity: int, rows: list[dict[str, Any]]) -> None:
        if len(rows) > capacity:
            raise InputError(
                f"{table} has {len(rows)} rows; the workbook holds {capacity} (use a deal file for more)"
            )
        sheet, fmt = self.sheet, self.formats
        specs = f.TABLES[table]
        for offset, spec in enumerate(specs):
            column = col + offset
            sheet.write_string(row, column, _table_title(table, spec.name), fmt["section"])
            note = f"{spec.doc}\nUnit: {spec.unit}.\nDeal file: [[{table}]] {spec.name}" + (
                " (required in each filled row)" if spec.required else ""
            )
            sheet.write_comment(row, column, note, {"x_scale": 2.2, "y_scale": 1.4})
            style = _style(InputCell(f"{table}.{spec.name}", "", spec.unit, ""))
            for index in range(capacity):
                value = rows[index].get(spec.name) if index < len(rows) else None
                _write_value(sheet, row + 1 + index, column, value, fmt[style])
            first, last = row + 2, row + 1 + capacity
            letter = _col(column)
            self.book.define_name(
                defined_name(f"{table}.{spec.name}"), f"={SHEET}!${letter}${first}:${letter}${last}"
            )


def _table_title(table: str, column: str) -> str:
    titles = {
        ("proceeds.uses", "name"): "Use of proceeds",
        ("proceeds.uses", "share"): "Share",
        ("shareholders", "name"): "Shareholder",
        ("shareholders", "shares"): "Shares before the deal",
        ("shareholders", "public"): "Public (false: not)",
        ("costs.items", "name"): "Other costs, itemised",
        ("costs.items", "amount"): "Amount",
        ("market.history", "date"): "Price history (date)",
        ("market.history", "close"): "Close",
        ("market.history", "volume"): "Volume",
    }
    return titles.get((table, column), _label(column))


def deal_values(deal: model.Deal) -> dict[str, object]:
    """The value of each input cell for ``deal``, by deal-file path (absent fields left out)."""
    values: dict[str, object] = {}
    for spec in f.ISSUER:
        values[f"issuer.{spec.name}"] = getattr(deal.issuer, spec.name)
    placing = deal.placing
    for spec in f.PLACING:
        values[f"placing.{spec.name}"] = getattr(placing, spec.name)
    values["placing.agents"] = f"{LIST_SEPARATOR} ".join(placing.agents)
    values["placing.public_offering"] = "true" if placing.public_offering else None
    if placing.mandate_limit is None:
        values.pop("placing.mandate_used")  # meaningless without the limit
    market = deal.market
    values["market.last_close"] = market.last_close
    values["market.day_vwap"] = market.day_vwap
    for days, price in market.average_closes.items():
        values[f"market.average_close_{days}d"] = price
    for days, price in market.vwaps.items():
        values[f"market.vwap_{days}d"] = price
    for days, volume in market.adtv.items():
        values[f"market.adtv_{days}d"] = volume
    grid = deal.grid
    values |= {"grid.from": grid.start, "grid.to": grid.stop, "grid.step": grid.step}
    values["costs.commission_rate"] = deal.costs.commission_rate  # None (not given) stays blank
    values["costs.other_costs"] = deal.costs.other_costs
    if deal.fx is not None:
        for key in ("quote_currency", "rate", "source"):
            values[f"fx.{key}"] = getattr(deal.fx, key)
    values["proceeds.basis"] = deal.proceeds.basis
    values["proceeds.decimals"] = deal.proceeds.decimals
    for key, figure in deal.stated.items():
        values[f"stated.{key}"] = figure.text
    for spec in f.REPORT:
        values[f"report.{spec.name}"] = getattr(deal.report, spec.name)
    values["report.illustrative"] = f"{LIST_SEPARATOR} ".join(deal.report.illustrative)
    return {path: value for path, value in values.items() if value not in (None, "")}


def _write_value(sheet: Any, row: int, col: int, value: object, cell_format: Any) -> None:
    if value is None:
        sheet.write_blank(row, col, None, cell_format)
    elif isinstance(value, bool):  # a yes/no field (placing.independent_placees), as text every program shows
        sheet.write_string(row, col, "true" if value else "false", cell_format)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), cell_format)
    elif isinstance(value, int):
        sheet.write_number(row, col, value, cell_format)
    elif isinstance(value, Decimal):
        sheet.write_number(row, col, float(value), cell_format)
    else:
        sheet.write_string(row, col, str(value), cell_format)


_STYLES = {
    "shares": "shares",
    "issuer currency": "shares",
    "issuer currency per share": "price",
    "issuer currency per quote unit": "price",
    "fraction": "percent",
    "fraction of gross": "percent",
    "date": "date",
    "digits": "whole",
    "true or false": "flag",
    "placees": "whole",
}


def _style(cell: InputCell) -> str:
    """The cell format of an input: by its unit; stated figures and anything else are text."""
    if cell.path.startswith("stated."):
        return "text"
    return _STYLES.get(cell.unit, "text")


def _formats(book: Any) -> dict[str, Any]:
    blue = {"font_color": "#0000FF", "bg_color": "#FFF2CC", "border": 1, "border_color": "#BFBFBF"}
    out = {"bg_color": "#F2F2F2", "border": 1, "border_color": "#BFBFBF"}
    return {
        "title": book.add_format({"bold": True, "font_size": 16}),
        "note": book.add_format({"italic": True, "font_color": "#404040"}),
        "note_wrap": book.add_format(
            {"italic": True, "font_color": "#404040", "text_wrap": True, "valign": "top"}
        ),
        "section": book.add_format({"bold": True, "bg_color": "#D9E1F2", "bottom": 1}),
        "head": book.add_format({"italic": True, "font_color": "#595959", "bottom": 1, "font_size": 9}),
        "label": book.add_format({}),
        "unit": book.add_format({"font_color": "#595959"}),
        "path": book.add_format({"font_color": "#808080", "font_name": "Consolas"}),
        "text": book.add_format({**blue, "num_format": "@"}),
        "flag": book.add_format({**blue, "align": "left"}),
        "text_wrap": book.add_format({**blue, "num_format": "@", "text_wrap": True, "valign": "top"}),
        "shares": book.add_format({**blue, "num_format": "#,##0"}),
        "price": book.add_format({**blue, "num_format": "#,##0.00##"}),
        "percent": book.add_format({**blue, "num_format": "0.00%"}),
        "date": book.add_format({**blue, "num_format": "yyyy-mm-dd"}),
        "whole": book.add_format({**blue, "num_format": "0"}),
        "percent_out": book.add_format({**out, "num_format": "0.0000%"}),
        "amount_out": book.add_format({**out, "num_format": "#,##0"}),
    }


def _col(index: int) -> str:
    return str(xlsxwriter.utility.xl_col_to_name(index))


# --- the xlwings.conf sheet ---------------------------------------------------------------------

CONF_SETTINGS = (("UDF Modules", PYTHON_MODULE), ("ADD_WORKBOOK_TO_PYTHONPATH", "False"))
CONF_NOTES = (
    "xlwings reads its settings for this workbook from A1 down to the first empty row.",
    f"UDF Modules = {PYTHON_MODULE}: 'Import Functions' loads the Excel functions of the Python "
    f"module {PYTHON_MODULE} (installed with xl-placement), whatever this workbook is called.",
    "The Build report button runs placement.main() the same way, so a copy saved under another name works.",
    "ADD_WORKBOOK_TO_PYTHONPATH = False: xlwings does not put this workbook's folder first on Python's "
    f"import path, so a stray {PYTHON_MODULE}.py beside the workbook (an old copy in Downloads) never runs "
    "instead of the installed module.",
    "To choose a Python, add a row above the empty row, e.g. Interpreter_Win | "
    r"C:\Users\you\AppData\Local\Programs\Python\Python311\python.exe",
    "Settings not listed here come from your xlwings.conf file, then from xlwings' defaults.",
)


def _write_conf(book: Any) -> None:
    sheet = book.add_worksheet(CONF_SHEET)
    sheet.set_vba_name("Sheet2")
    sheet.set_column(0, 0, 32)  # fits ADD_WORKBOOK_TO_PYTHONPATH
    sheet.set_column(1, 1, 18)
    for row, (key, value) in enumerate(CONF_SETTINGS):
        sheet.write_string(row, 0, key)
        sheet.write_string(row, 1, value)
    italic = book.add_format({"italic": True, "font_color": "#404040"})
    for row, line in enumerate(CONF_NOTES, start=len(CONF_SETTINGS) + 2):
        sheet.write_string(row, 0, line, italic)
    _conf_print_setup(sheet, len(CONF_SETTINGS) + 1 + len(CONF_NOTES))
    sheet.hide()  # settings for xlwings, not for print: xlwings still reads a hidden sheet


def _conf_print_setup(sheet: Any, last_row: int) -> None:
    """Not printed: the sheet is hidden and has no print area (LibreOffice prints a hidden sheet that has one).

    Shown again (Unhide) and printed by hand, it fits one landscape page.
    """
    del last_row  # the used range is what prints once the sheet is shown
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 1)
