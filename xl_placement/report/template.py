"""The report template: load it, check it has every name the generator needs, fill placeholders.

The template (``xl_placement/data/report.xlsx``, made by ``templates/make_template.py``) holds
the layout and styles; the generator finds its cells by defined names. A template
missing a name, or holding a placeholder the generator cannot fill, is refused
before anything is written.
"""

from __future__ import annotations

import pickle
import re
import warnings
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from xl_placement.errors import TemplateError
from xl_placement.report import openpyxl_private as private

# The template is package data (templates/make_template.py writes it), read through
# importlib.resources so it is found wherever the package is installed.
DEFAULT_TEMPLATE: Traversable = resources.files("xl_placement").joinpath("data", "report.xlsx")
REGENERATE = "regenerate it with `python templates/make_template.py` or add the names in Excel (Formulas > Name Manager)"

# Single cells, filled with a value or a formula.
CELL_NAMES = (
    # Deal sheet: terms
    "IssuerName", "StockCode", "Exchange", "ShareClass", "Kind", "Mandate", "Underwriting",
    "Agents", "Placees", "Offering", "NewShares", "Price",
    # Deal sheet: proceeds
    "Gross", "GrossQuote", "CommissionRate", "Commission", "CommissionQuote", "OtherCosts",
    "OtherCostsQuote", "TotalCosts", "TotalCostsQuote", "Net", "NetQuote", "NetPerShare",
    "FxRate", "FxSource", "CostsNote",
    # Deal sheet: share capital
    "SharesOutstanding", "ClassShares", "Enlarged", "ClassEnlarged", "PctExisting",
    "PctExistingClass", "PctEnlarged", "PctEnlargedClass", "TheoreticalPrice",
    "TheoreticalEffect", "MandateLimit", "MandateUsed", "MandateHeadroom",
    # Deal sheet: key figures at the top
    "KeyGross", "KeyDiscount", "KeyEnlarged", "KeyNetPrice", "KeyGrossQuote",
    # Deal sheet: market context
    "MarketDate", "MarketCap", "MarketCapQuote", "GrossToMarketCap",
    # Pricing grid
    "GridNote", "GridFoot",
    # Use of proceeds
    "AllocBasis", "AllocBase", "AllocDecimals", "AllocCheck", "AllocUnits", "AllocLeft", "AllocRounded", "AllocNote", "ShareDecimals", "SharesUnits", "ChartAnchor",
)  # fmt: skip
# One-row prototypes of the variable-length tables (and their total rows).
ROW_NAMES = (
    "RefRow", "UseRow", "UseTotal", "ChartRow", "WorkRow", "HoldingRow", "HoldingTotal",
    "RuleRow", "StatedRow", "SentenceRow",
    "LiquidityRow", "TimetableRow", "CostItemRow", "CostItemTotal", "PublicFloatRow", "GridHead", "GridRow",
)  # fmt: skip
REQUIRED_NAMES = CELL_NAMES + ROW_NAMES
SHEETS = ("Deal sheet", "Use of proceeds", "Shareholding", "Pricing grid", "Checks")

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]+)\s*\}\}")
MAX_TEMPLATE_BYTES = 5_000_000


@dataclass(frozen=True)
class Area:
    """Where a defined name points: a sheet and a rectangle of cells (1-based, inclusive)."""

    ws: Worksheet
    min_col: int
    min_row: int
    max_col: int
    max_row: int

    @property
    def ref(self) -> str:
        """The top-left cell, e.g. ``C16``."""
        return str(self.ws.cell(self.min_row, self.min_col).coordinate)


def load_template(path: str | Path | None = None) -> Workbook:
    """Load the report template and check it has every sheet and defined name the generator needs.

    Args:
        path: a restyled template; the packaged one (``xl_placement/data/report.xlsx``) when None.

    Returns:
        The template workbook, ready to fill.

    Raises:
        TemplateError: the file is missing or unreadable, or lacks sheets or names (all listed).
    """
    if path is None:
        with resources.as_file(DEFAULT_TEMPLATE) as packaged:  # the file itself for an ordinary install
            return _load(packaged)
    return _load(Path(path))


def keep_template(path: str | Path | None = None) -> None:
    """Parse the template now and keep it for this process (and the workers forked from it).

    A batch calls this before its workers start, so each unpickles the template from its
    first deal on (see ``_PARSED``).
    """
    if path is None:
        with resources.as_file(DEFAULT_TEMPLATE) as packaged:
            _load(packaged, keep=True)
    else:
        _load(Path(path), keep=True)


def _load(source: Path, *, keep: bool = False) -> Workbook:
    if not source.is_file():
        raise TemplateError(f"report template {source} not found; {REGENERATE.split(' or ', maxsplit=1)[0]}")
    status = source.stat()
    if status.st_size > MAX_TEMPLATE_BYTES:
        raise TemplateError(f"report template {source} is larger than {MAX_TEMPLATE_BYTES:,} bytes")
    key = (str(source.resolve()), status.st_mtime_ns, status.st_size)
    if key in _PARSED:
        return _thaw(_PARSED[key])
    try:
        with warnings.catch_warnings():
            # Content openpyxl cannot keep is reported as a warning; refuse it instead.
            warnings.simplefilter("error")
            wb = load_workbook(source)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, UserWarning) as exc:
        raise TemplateError(f"report template {source} cannot be read: {exc}") from exc
    check_template(wb, str(source))
    if keep or key in _SEEN:  # the second load in this process: later ones unpickle
        _remember(key, wb)
    else:  # a process that builds one report never pays for pickling (8 ms of a cold report)
        _SEEN.add(key)
    return wb


# Parsing the template is a third of a report's time; a batch builds hundreds in one
# process. A template loaded a second time (or kept for a batch's workers) is kept,
# pickled, for this process only (never on disk), and every later load unpickles a fresh
# copy: about ten times faster than parsing, and the same workbook
# (tests/test_report_template_cache.py compares the bytes). The first load is not
# pickled: a command that builds one report would pay for a copy it never uses.
# A template file that changes (time or size) is parsed again.
_PARSED: dict[tuple[str, int, int], tuple[bytes, dict[str, list[int]]]] = {}
_SEEN: set[tuple[str, int, int]] = set()  # parsed once in this process, not yet kept
_PARSED_MAX = 4


def _remember(key: tuple[str, int, int], wb: Workbook) -> None:
    while len(_PARSED) >= _PARSED_MAX:
        del _PARSED[next(iter(_PARSED))]
    try:
        cached = pickle.dumps(wb, protocol=pickle.HIGHEST_PROTOCOL), _stale_entries(wb)
        trial = _thaw(cached)
    except (pickle.PicklingError, TypeError, AttributeError, ValueError, KeyError, IndexError):
        return  # something openpyxl keeps cannot be pickled: parse every time
    for name, positions in cached[1].items():
        if len(private.index_of(getattr(trial, name))) != len(private.index_of(getattr(wb, name))) - len(
            positions
        ):
            return  # a stale entry equals a live one; unpickling merged them: parse every time
    _PARSED[key] = cached


def _stale_entries(wb: Workbook) -> dict[str, list[int]]:
    """Per style table, the positions of index entries that no longer find their own style.

    openpyxl changes some cell styles in place after indexing them while it loads, so
    those entries are keyed by an old hash and never match again: an equal style used
    later is appended as a new entry. Unpickling would rehash them and let them match,
    changing the saved style numbers; ``_thaw`` drops them again to keep the bytes identical.
    """
    stale = {}
    for name, table in vars(wb).items():
        if isinstance(table, IndexedList):
            index = private.index_of(table)
            stale[name] = [i for i, style in enumerate(index) if style not in index]
    return stale


def _thaw(cached: tuple[bytes, dict[str, list[int]]]) -> Workbook:
    """Unpickle a template workbook and repair what pickling changes in openpyxl 3.1."""
    blob, stale = cached
    wb: Workbook = pickle.loads(blob)  # noqa: S301 - bytes this process pickled itself
    for name, positions in stale.items():
        index = private.index_of(getattr(wb, name))
        keys = list(index)
        for position in positions:
            del index[keys[position]]
    for ws in wb.worksheets:
        if not isinstance(ws, Worksheet):
            continue  # a chart sheet has no row or column dimensions
        # A DimensionHolder is a defaultdict subclass: pickling drops its factory and
        # passes the factory as the holder's worksheet.
        add_row, add_column = private.dimension_factories(ws)
        for holder, factory in ((ws.row_dimensions, add_row), (ws.column_dimensions, add_column)):
            holder.worksheet = ws
            holder.default_factory = factory
    return wb


def check_template(wb: Workbook, source: str = "the report template") -> None:
    """Refuse a template that lacks a sheet or a defined name, or whose name points nowhere.

    Raises:
        TemplateError: naming every missing sheet and name.
    """
    problems = []
    missing_sheets = [s for s in SHEETS if s not in wb.sheetnames]
    if missing_sheets:
        problems.append(f"sheets {', '.join(missing_sheets)}")
    missing = [n for n in REQUIRED_NAMES if n not in wb.defined_names]
    if missing:
        problems.append(f"defined names {', '.join(missing)}")
    broken = [n for n in REQUIRED_NAMES if n in wb.defined_names and _destination(wb, n) is None]
    if broken:
        problems.append(f"names pointing to no cell on an existing sheet: {', '.join(broken)}")
    if problems:
        raise TemplateError(f"{source} lacks {'; '.join(problems)}; {REGENERATE}")


def area(wb: Workbook, name: str) -> Area:
    """The sheet and cells a defined name points to.

    Raises:
        TemplateError: the name is missing or points nowhere.
    """
    found = _destination(wb, name)
    if found is None:
        raise TemplateError(f"the report template lacks the defined name {name}; {REGENERATE}")
    return found


def named_cell(wb: Workbook, name: str) -> tuple[Worksheet, str]:
    """The sheet and cell reference of a single-cell defined name."""
    found = area(wb, name)
    return found.ws, found.ref


def optional_area(wb: Workbook, name: str) -> Area | None:
    """The sheet and cells of a name a template may leave out (``LogoAnchor``), or None."""
    return _destination(wb, name)


def destination(defined: DefinedName) -> tuple[str, str] | None:
    """The one (sheet title, reference) a defined name points to; None for none or several."""
    return _parse_destination(defined.attr_text) if isinstance(defined.attr_text, str) else None


@lru_cache(maxsize=4096)
def _parse_destination(attr_text: str) -> tuple[str, str] | None:
    # openpyxl tokenizes the formula on every ``destinations`` call; names are read
    # thousands of times while tables grow, so each distinct text is parsed once.
    try:
        destinations = list(DefinedName("_", attr_text=attr_text).destinations)
    except (ValueError, TypeError, AttributeError):
        return None
    return destinations[0] if len(destinations) == 1 else None


@lru_cache(maxsize=4096)
def _bounds(ref: str) -> tuple[int, int, int, int] | None:
    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    except (ValueError, TypeError):
        return None
    if min_col is None or min_row is None or max_col is None or max_row is None:
        return None
    return int(min_col), int(min_row), int(max_col), int(max_row)


def _destination(wb: Workbook, name: str) -> Area | None:
    defined = wb.defined_names.get(name)
    if defined is None:
        return None
    found = destination(defined)
    if found is None or found[0] not in wb.sheetnames:
        return None
    title, ref = found
    bounds = _bounds(ref)
    if bounds is None:
        return None
    return Area(wb[title], *bounds)


def placeholders(wb: Workbook) -> Iterator[tuple[str, str]]:
    """Every placeholder in the template's text cells and page footers: (where, key)."""
    for ws in wb.worksheets:
        for row in private.rows_of(ws):
            for cell in row:
                if isinstance(cell.value, str):
                    for match in PLACEHOLDER.finditer(cell.value):
                        yield f"'{ws.title}'!{cell.coordinate}", match.group(1)
        for where, part in _header_footer_parts(ws):
            for match in PLACEHOLDER.finditer(part.text or ""):
                yield f"'{ws.title}' {where}", match.group(1)


def check_placeholders(wb: Workbook, known: set[str]) -> None:
    """Refuse a template holding a placeholder the generator has no value for.

    Raises:
        TemplateError: naming each unknown placeholder and where it is.
    """
    unknown = [f"{{{{{key}}}}} in {where}" for where, key in placeholders(wb) if key not in known]
    if unknown:
        raise TemplateError(
            f"the report template has placeholders with no value: {'; '.join(unknown)}; "
            f"known placeholders are {', '.join(sorted(known))}"
        )


def fill_placeholders(
    wb: Workbook,
    values: Mapping[str, str],
    per_sheet: Mapping[str, Mapping[str, str]],
) -> None:
    """Replace every placeholder in text cells and footers with its value, in one pass.

    Values are inserted as text, never scanned again, so deal text holding ``{{`` is safe;
    in page headers and footers each ``&`` is doubled, so text never becomes a header code.
    ``per_sheet`` adds values that differ by sheet (the sheet's own name).
    """
    for ws in wb.worksheets:
        known = {**values, **per_sheet.get(ws.title, {})}

        def sub(match: re.Match[str], known: Mapping[str, str] = known) -> str:
            return known[match.group(1)]

        def sub_footer(match: re.Match[str], known: Mapping[str, str] = known) -> str:
            return known[match.group(1)].replace("&", "&&")  # "&" starts a footer code

        for row in private.rows_of(ws):
            for cell in row:
                if isinstance(cell.value, str) and PLACEHOLDER.search(cell.value):
                    cell.value = PLACEHOLDER.sub(sub, cell.value)
                    cell.data_type = "s"
        for _, part in _header_footer_parts(ws):
            if part.text:
                part.text = PLACEHOLDER.sub(sub_footer, part.text)


def _header_footer_parts(ws: Worksheet) -> Iterator[tuple[str, Any]]:
    for attr in ("oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter"):
        block = getattr(ws, attr)
        for side in ("left", "center", "right"):
            yield f"{attr} {side}", getattr(block, side)
