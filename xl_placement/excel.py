"""The Excel functions: thin adapters from cells to the calculation core, through xlwings.

Each function converts what Excel hands over once, at the edge (a cell, a range
in a row or a column, blanks, numbers that arrive as floats, numeric text such as
"1,700,000,000" or "8.6%", error cells), calls the core, and shapes the result
for the sheet: a float, or a list of rows that spills natively. Every argument is
read as a list of rows (xlwings' ``ndim=2``), so a row of cells is told from a
column (a list result follows its input's orientation) and a block where a list is
expected is refused instead of being read as one long list.

What Excel shows for a function comes from the decorator metadata that xlwings
reads on "Import Functions": the docstring (one line, at most 255 characters) is
the description in the function wizard, ``doc=`` of ``xw.arg`` is each
argument's help and ``category`` groups the functions under "xl-placement".
Arguments are annotated ``Any`` because xlwings treats an annotation as the
converter to use and ``Any`` selects its plain value reader.

Errors never show a traceback. An argument holding an error value (#N/A, #DIV/0!, ...)
gives that very error back, as Excel's own functions do. Any other problem is one line
naming the argument, the value and the fix: in xlwings Lite a real #VALUE! error with
that line as its message (xlwings Lite turns an exception into one, and an error text
such as "#N/A" into the error itself); in the classic add-in, which cannot return an
error value (xlwings issue 776), the text ``#VALUE! <line>``. No text a function
returns exceeds 255 characters (``TEXT_LIMIT``): the classic add-in turns a whole array
holding a longer one into #VALUE! (xlwings issues 456 and 869).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal, getcontext, localcontext
from itertools import chain
from typing import Any, TypeVar, cast

try:
    import xlwings as xw
except ImportError:  # no xlwings: plain Python functions, registered with no Excel
    from xl_placement import _no_xlwings as xw  # type: ignore[no-redef]

from xl_placement import capital, parsers, ranges
from xl_placement import prices as market  # not `prices`: VWAP has an argument of that name
from xl_placement.checks import check_deal
from xl_placement.deal import Deal
from xl_placement.dealfile import deal_from_mapping
from xl_placement.errors import MISSING, CostsExceedGrossError, DealError, FunctionError, InputError, Problem
from xl_placement.figures import compute
from xl_placement.money import CONTEXT, PRECISION
from xl_placement.proceeds import ALLOCATION_DECIMALS, allocate_proceeds, shares_total_problem
from xl_placement.proceeds import proceeds as placing_proceeds
from xl_placement.rules import EXCHANGES
from xl_placement.rules.registry import file_only_phrases

# The Excel functions: the one list that placement.py (the classic add-in's module),
# lite/main.py (xlwings Lite's) and the tests import (`from xl_placement.excel import *`).
__all__ = [
    "ALLOCATE_PROCEEDS",
    "BENCHMARKED_PRICE",
    "DILUTION",
    "PLACEMENT_CHECK",
    "PLACEMENT_DISCOUNT",
    "PLACEMENT_PROCEEDS",
    "THEORETICAL_DILUTION",
    "VWAP",
]
FUNCTIONS = tuple(__all__)

CATEGORY = "xl-placement"
ERROR_PREFIX = "#VALUE! "
MAX_SHOWN = 40  # characters of a bad text value repeated back in an error
TEXT_LIMIT = 255  # the longest text the classic add-in returns without failing the whole array
# xlwings Lite (Pyodide, with xlwings' own decorators) turns an exception into a real #VALUE!
# error whose message the cell shows on hover; the classic add-in shows an exception's
# traceback text instead, so there a problem is returned as one line of text.
RAISES_ERRORS = sys.platform == "emscripten" and getattr(xw, "__name__", "") == "xlwings"

Cell = Any  # what xlwings passes for one argument: a value, a list, or a list of lists
Row = list[float | str]

_F = TypeVar("_F", bound=Callable[..., Any])

# Every argument is read with xlwings' plain value reader as a list of rows (ndim=2), so a
# row and a column stay apart and a block is seen as a block; error cells (#N/A, #DIV/0!)
# arrive as their text instead of as blanks, so they are reported, not skipped. In the
# classic add-in the reader also drops a range's empty tail before xlwings cleans each
# cell (see _tail_dropping_reader, defined below once _trimmed is).
_READ: dict[str, Any] = {"err_to_str": True, "ndim": 2}

# Excel's error values. xlwings passes the older seven as their text (err_to_str); the newer
# ones (#SPILL!, #CALC!, ...) still arrive as the COM error code, 0x800A0000 + Excel's number.
ERROR_TEXTS = {
    2000: "#NULL!",
    2007: "#DIV/0!",
    2015: "#VALUE!",
    2023: "#REF!",
    2029: "#NAME?",
    2036: "#NUM!",
    2042: "#N/A",
    2043: "#GETTING_DATA",
    2045: "#SPILL!",
    2046: "#CONNECT!",
    2047: "#BLOCKED!",
    2048: "#UNKNOWN!",
    2049: "#FIELD!",
    2050: "#CALC!",
    2051: "#EXTERNAL!",
    2052: "#BUSY!",
    2053: "#PYTHON!",
}
_COM_ERROR_BASE = 0x800A0000 - 2**32  # signed, as pywin32 hands a VT_ERROR over


# --- Excel-shaped input, converted once -------------------------------------------------


def _error_text(value: object) -> str | None:
    """The error value (#N/A, #SPILL!, ...) a cell holds, or None for a cell without one."""
    if isinstance(value, str) and value.strip().upper() in ERROR_TEXTS.values():
        return value.strip().upper()
    if isinstance(value, int) and not isinstance(value, bool):
        return ERROR_TEXTS.get(value - _COM_ERROR_BASE)
    return None


def _as_in_cell(value: object) -> str:
    """Show a value in an error message the way the user sees it in the cell."""
    error = _error_text(value)
    if error is not None:
        return f"the error {error}"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float | Decimal):
        return _in_general_format(value)
    if isinstance(value, dt.date):
        return _date_as_in_cell(value)
    if isinstance(value, str):
        # Escaped first, then shortened: an escape such as \U0001f600 must not make it longer.
        text = value.encode("unicode_escape").decode("ascii")
        return "'" + (text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 3] + "...") + "'"
    return str(value)


def _date_as_in_cell(value: dt.date) -> str:
    """A date (and its time, if any) as ``the date 2025-01-01``."""
    time = value.time() if isinstance(value, dt.datetime) else dt.time(0)
    return f"the date {value:%Y-%m-%d}" + ("" if time == dt.time(0) else f" {time:%H:%M:%S}")


def _in_general_format(value: float | Decimal) -> str:
    """A number as Excel's General format shows it, to 15 significant digits: 8000000000, 0.5, -1, 1e+300."""
    return format(float(value), ".15g")


def _bad(name: str, value: object, expected: str) -> InputError:
    """The error for one argument: its name, what is expected and what it got."""
    return InputError(f"{name} {expected}, got {_as_in_cell(value)}")


def _is_blank(value: object) -> bool:
    """A blank cell: None from an empty cell, or empty text from a formula such as ="" ."""
    return value is None or (isinstance(value, str) and not value.strip())


def _grid(value: Cell) -> list[list[Any]]:
    """An argument as a list of rows, as xlwings reads it with ``ndim=2``.

    A single value is one row of one cell. A flat list (what a direct call from Python
    may pass, never Excel with ``ndim=2``) is a column.
    """
    if not isinstance(value, list | tuple):
        return [[value]]
    if value and all(isinstance(row, list | tuple) for row in value):
        return [list(row) for row in value]
    return [[item] for item in value]


def _size(grid: list[list[Any]]) -> tuple[int, int]:
    """Rows and columns of a grid (a ragged one counts its longest row)."""
    return len(grid), max((len(row) for row in grid), default=0)


def _shape(rows: int, columns: int) -> str:
    """A range's shape in words: ``5 rows x 2 columns``, ``1 row x 3 columns``."""
    return f"{rows} row{'s' * (rows != 1)} x {columns} column{'s' * (columns != 1)}"


class _Trimmed(list[Any]):
    """A large range without the empty cells after its last filled one; ``shape`` is the range's own."""

    def __init__(self, cells: list[Any], shape: tuple[int, int]) -> None:
        super().__init__(cells)
        self.shape = shape


MIN_TRIM = 64  # cells along a range from which its empty tail is dropped (smaller ones are cheap)
_BLOCK = 4096  # empty cells compared at once, at C speed, from the end of a range


def _trimmed(value: Cell) -> Cell:
    """An argument without the empty cells after its last filled one, before any per-cell work.

    A whole column (A:A, 1,048,576 cells) then costs what its filled cells cost. Only
    empty cells (None) are dropped, at least one cell is kept, and the result remembers
    the range's own shape for the checks of sizes and the messages.
    """
    if (
        isinstance(value, _Trimmed)
        or not isinstance(value, list | tuple)
        or not value
        or type(value[0]) not in (list, tuple)
    ):
        return value
    if len(value) == 1:  # one row: drop the empty cells at its end
        row = value[0]
        end = len(row) if len(row) < MIN_TRIM else max(1, _filled(row, None))
        return value if end == len(row) else _Trimmed([row[:end]], (1, len(row)))
    columns = len(value[-1])
    end = len(value) if len(value) < MIN_TRIM else max(1, _filled(value, type(value[0])([None]) * columns))
    if end == len(value):
        return value
    width = max((len(row) for row in value[:end] if isinstance(row, list | tuple)), default=columns)
    return _Trimmed(list(value[:end]), (len(value), max(width, columns)))


def _tail_dropping_reader() -> Any:
    """The plain value reader of xlwings, with ``_trimmed`` run before its per-cell cleaning, or None.

    A whole column reaches xlwings as 1,048,576 cells; its cleaning (dates, errors,
    empties) would cost about a second before the function even starts. This reader
    is xlwings' own ``ValueAccessor`` pipeline with one stage added before the cleaning
    and one after it that keeps the range's shape. Only for the classic add-in: None
    without xlwings, in xlwings Lite (whose own reader is left as it is) or when xlwings'
    conversion stages are not what this expects.
    """
    if RAISES_ERRORS or getattr(xw, "__name__", "") != "xlwings":
        return None
    try:
        from xlwings import conversion  # noqa: PLC0415 - only with xlwings

        stages = (
            conversion.ReadValueFromRangeStage,
            conversion.Ensure2DStage,
            conversion.CleanDataFromReadStage,
            conversion.AdjustDimensionsStage,
        )
        accessor: Any = conversion.Accessor
    except (ImportError, AttributeError):
        return None
    read, ensure_2d, clean, adjust = cast(tuple[Any, Any, Any, Any], stages)

    def drop_tail(context: Any) -> None:
        trimmed = _trimmed(context.value)
        if isinstance(trimmed, _Trimmed):
            context.meta["shape"] = trimmed.shape
        context.value = trimmed

    def keep_shape(context: Any) -> None:
        if "shape" in context.meta:
            context.value = _Trimmed(context.value, context.meta["shape"])

    class TailDroppingReader(accessor):  # type: ignore[misc]
        """xlwings' value reader for the Excel functions' arguments: empty tails dropped first."""

        @staticmethod
        def reader(options: dict[str, Any]) -> Any:
            return (
                accessor.reader(options)
                .append_stage(read(options))
                .append_stage(ensure_2d())
                .append_stage(drop_tail)
                .append_stage(clean(options))
                .append_stage(adjust(options))
                .append_stage(keep_shape)
            )

    TailDroppingReader.register(TailDroppingReader)
    return TailDroppingReader


_TAIL_DROPPING_READER = _tail_dropping_reader()
if _TAIL_DROPPING_READER is not None:
    _READ["convert"] = _TAIL_DROPPING_READER


def _filled(cells: list[Any] | tuple[Any, ...], empty: object) -> int:
    """How many cells there are up to the last one that differs from ``empty``."""
    end = len(cells)
    block = [empty] * _BLOCK if isinstance(cells, list) else (empty,) * _BLOCK
    while end >= _BLOCK and cells[end - _BLOCK : end] == block:
        end -= _BLOCK
    while end and cells[end - 1] == empty:
        end -= 1
    return end


def _count(name: str, value: Cell) -> int:
    """How many cells a list argument has along its row or column, its empty tail included."""
    if isinstance(value, _Trimmed):
        return max(value.shape)
    return len(_cells(name, value))


def _line(name: str, value: Cell) -> tuple[list[Any], bool]:
    """The cells of an argument that takes a list: one row or one column, and whether it is a row.

    Raises:
        InputError: a block of two or more rows and columns.
    """
    if not isinstance(value, list | tuple) or not value:
        return [value] if not isinstance(value, list | tuple) else [], False
    if not _all_rows(value):
        return list(value), False  # a flat list: a column (see _grid)
    rows, columns = value.shape if isinstance(value, _Trimmed) else (len(value), max(map(len, value)))
    if rows == 1:
        cells = list(value[0])
        return cells, columns > 1
    if columns > 1:
        raise InputError(
            f"{name} must be one row or one column; got {_shape(rows, columns)}; "
            "select the cells of a single row or column"
        )
    return [row[0] if row else None for row in value], False


def _all_rows(value: Sequence[Any]) -> bool:
    """Whether every item of a range is a row (a list or tuple): the types counted in C, not cell by cell."""
    return all(issubclass(kind, list | tuple) for kind in set(map(type, value)))


def _cells(name: str, value: Cell) -> list[Any]:
    """The cells of a list argument (one row or one column); blanks are kept so ranges pair cell by cell."""
    return _line(name, value)[0]


def _single(name: str, value: Cell) -> object:
    """The value of an argument that takes one cell (a one-cell range counts as its cell)."""
    if not isinstance(value, list | tuple):
        return value  # the common case, once per cell of a range: kept fast
    grid = _grid(value)
    rows, columns = value.shape if isinstance(value, _Trimmed) else _size(grid)
    if rows * columns != 1 or len(grid[0]) != 1:
        raise InputError(f"{name} must be a single cell, got a range of {_shape(rows, columns)}")
    return grid[0][0]


def _parse(name: str, value: object, parse: Callable[[object], Any]) -> Any:
    """Parse one cell with a deal-file field parser; a blank or bad cell names the argument."""
    value = _single(name, value)
    if _is_blank(value):
        raise InputError(f"{name} is blank; give a value")
    try:
        return parse(_excel_number(value))
    except parsers.Invalid as exc:
        raise _bad(name, value, str(exc)) from exc


def _excel_number(value: object) -> object:
    """A number from a cell at Excel's own precision of 15 significant digits (=1/3 is 0.333333333333333).

    Excel computes with doubles but holds and shows 15 digits; reading a float at that
    precision keeps 1.91 as 1.91 and lets results of formulas such as =1/3 through.
    """
    if isinstance(value, float) and math.isfinite(value):
        return Decimal(format(value, ".15g"))
    return value


def _optional(name: str, value: object, parse: Callable[[object], Any], default: Any) -> Any:
    """An optional argument: left out or blank gives ``default``."""
    value = None if value is None else _single(name, value)
    return default if _is_blank(value) else _parse(name, value, parse)


def _prices(name: str, value: Cell) -> list[Decimal]:
    """The prices in the non-blank cells of a range; blanks are skipped (a range may be longer than the data).

    A bad cell is named by its position in the range, counted across each row, then down.
    """
    cells = _cells(name, value)
    if len(cells) == 1:
        return [_parse(name, cells[0], parsers.positive)]
    parsed = [
        _parse(_cell_name(name, i), cell, parsers.positive)
        for i, cell in enumerate(cells)
        if not _is_blank(cell)
    ]
    if not parsed:
        raise InputError(f"{name} has no values; select the cells that hold them")
    return parsed


def _cell_name(name: str, index: int) -> str:
    """Name one cell of a range argument in a message: ``weights (cell 3)``."""
    return f"{name} (cell {index + 1})"


def _basis(value: object) -> str:
    """The dilution basis: "enlarged" (the default) or "existing"."""
    result: str = _optional("basis", value, parsers.choice(capital.BASES), "enlarged")
    return result


def _decimals(value: object) -> int:
    """Digits of rounding for ALLOCATE_PROCEEDS (default whole units, as in the deal file)."""
    result: int = _optional("decimals", value, parsers.decimals, ALLOCATION_DECIMALS)
    return result


# --- Result shaping ---------------------------------------------------------------------


def _to_excel(value: Decimal | int | None) -> float | str:
    """A number for a cell (Excel holds doubles); nothing becomes an empty cell."""
    return "" if value is None else float(value)


def _cell_function(function: _F) -> _F:
    """Turn any failure into the one line a cell shows, never a traceback.

    An ``InputError`` (bad argument, impossible calculation) becomes ``#VALUE! <message>``;
    anything unexpected becomes ``#VALUE! <FUNCTION> failed unexpectedly: <error>``.
    """

    @functools.wraps(function)
    def wrapper(*args: Any) -> Any:
        args = tuple(map(_trimmed, args))  # whole columns cost what their filled cells cost
        error = _first_error(args)
        if error is not None:
            return error  # xlwings Lite shows it as the error itself, the classic add-in as its text
        try:
            with localcontext(CONTEXT):  # the project's decimal context, whatever the host's
                return _within_limit(function(*args))
        except InputError as exc:
            message = _one_line(str(exc))
        except Exception as exc:  # noqa: BLE001 - a cell must show a message, never a traceback
            detail = _shorten(_one_line(f"{type(exc).__name__}: {exc}"), 120)
            message = f"{function.__name__} failed unexpectedly: {detail}; please report it"
        if RAISES_ERRORS:
            raise FunctionError(_shorten(message, TEXT_LIMIT))
        return _shorten(ERROR_PREFIX + message, TEXT_LIMIT)

    return wrapper  # type: ignore[return-value]


def _first_error(args: tuple[Any, ...]) -> str | None:
    """The first error value (#N/A, ...) among the arguments, argument by argument, each across then down.

    An error passes through as itself, as in Excel's own functions (=SUM(A1:A3) with #N/A
    in A2 is #N/A), so ISNA and IFERROR see it; None when no cell holds one.
    """
    for value in args:
        for cell in _error_candidates(value):
            error = _error_text(cell)
            if error is not None:
                return error
    return None


def _error_candidates(value: Cell) -> list[Any]:
    """The cells of an argument that may hold an error value: its text and whole-number cells."""
    if not isinstance(value, list | tuple):
        return [value]
    if _all_rows(value):  # the usual range: its cells' types are counted in C first
        if not set(map(type, chain.from_iterable(value))) & {str, int}:
            return []  # numbers, blanks and dates only: no error value can be there
        cells = chain.from_iterable(value)
    else:
        cells = chain.from_iterable(row if isinstance(row, list | tuple) else (row,) for row in value)
    return [cell for cell in cells if type(cell) in (str, int)]


def _one_line(text: str) -> str:
    """Join a multi-line message into one line for a cell."""
    return "; ".join(line.strip() for line in text.splitlines() if line.strip()) or "no details"


def _shorten(text: str, limit: int) -> str:
    """``text`` if it fits in ``limit`` characters, else cut at the last word that fits, marked "...".

    A safety net: messages are short by design, and a check's full detail stays in the
    report and in ``xl-placement check``.
    """
    if len(text) <= limit:
        return text
    cut = text[: limit - 3]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:") + "..."


def _within_limit(result: Any) -> Any:
    """A function's result with every text of more than ``TEXT_LIMIT`` characters shortened."""
    if isinstance(result, str):
        return _shorten(result, TEXT_LIMIT)
    if isinstance(result, list) and any(isinstance(cell, str) for row in result for cell in row):
        return [
            [_shorten(cell, TEXT_LIMIT) if isinstance(cell, str) else cell for cell in row] for row in result
        ]
    return result


# --- The functions ----------------------------------------------------------------------


@xw.func(category=CATEGORY)
@xw.arg("price", doc="Placing price per share, e.g. 1.91.", **_READ)
@xw.arg(
    "reference",
    doc="Reference price (e.g. last close 2.09), or a range of daily closes, oldest first, to average.",
    **_READ,
)
@xw.arg(
    "days",
    doc="Optional: with a range of closes, average only the last N (e.g. 5); default all of them.",
    **_READ,
)
@xw.arg(
    "dates",
    doc="Optional: the date of each close, one per cell of reference; the closes are then ordered by date, not position.",
    **_READ,
)
@_cell_function
def PLACEMENT_DISCOUNT(price: Cell, reference: Cell, days: Cell = None, dates: Cell = None) -> Any:
    """Discount of the placing price to a reference price or to the average of a range of closes, as a fraction: 1 - price / reference. Negative is a premium."""
    p = _parse("price", price, parsers.positive)
    cells = _by_date("reference", reference, dates)
    average = _fast_average(cells, days)
    if average is not None:
        return _to_excel(market.discount(p, average))
    closes = _prices("reference", cells)
    n = _optional("days", days, parsers.positive_whole, len(closes))
    if n > len(closes):
        raise InputError(
            f"days is {n} but reference has {len(closes)} close(s); select more closes or ask for fewer days"
        )
    return _to_excel(market.discount(p, market.average_close(closes, n)))


@xw.func(category=CATEGORY)
@xw.arg("new_shares", doc="New shares issued by the placing, e.g. 1700000000.", **_READ)
@xw.arg("existing_shares", doc="Shares in issue before the placing, excluding treasury shares.", **_READ)
@xw.arg(
    "basis",
    doc='Optional: "enlarged" (default, new / (existing + new)) or "existing" (new / existing).',
    **_READ,
)
@_cell_function
def DILUTION(new_shares: Cell, existing_shares: Cell, basis: Cell = None) -> Any:
    """New shares as a fraction of the enlarged share capital (default) or of the existing share capital."""
    new = _parse("new_shares", new_shares, parsers.positive_whole)
    existing = _parse("existing_shares", existing_shares, parsers.positive_whole)
    return _to_excel(capital.dilution(new, existing, _basis(basis)))


@xw.func(category=CATEGORY)
@xw.arg("amount", doc="Amount to allocate, e.g. net proceeds 3247000000.", **_READ)
@xw.arg(
    "weights",
    doc="Share of each use: fractions (0.4) or percentages (40%, or 40 when any weight is above 1); must total 100%.",
    **_READ,
)
@xw.arg(
    "labels",
    doc="Optional: names of the uses, one per weight; the result is then a two-column table.",
    **_READ,
)
@xw.arg(
    "decimals",
    doc="Optional: digits after the point of each amount (default 0, whole units, as in the deal file; 2 for cents).",
    **_READ,
)
@_cell_function
def ALLOCATE_PROCEEDS(amount: Cell, weights: Cell, labels: Cell = None, decimals: Cell = None) -> Any:
    """Split an amount by weights into amounts that add up to it exactly at the given decimals (largest remainder). Spills one amount per weight, as the weights lie (a column or a row)."""
    total = _parse("amount", amount, parsers.non_negative)
    places = _decimals(decimals)
    raw, is_row = _line("weights", weights)
    names = None if labels is None else _labels(labels, _count("weights", weights))
    fast = _fast_allocation(total, raw, places)
    amounts: list[float | str] = _allocation(total, raw, places) if fast is None else list(fast)
    # Follow the weights: a column of weights spills a column (label, amount per row), a row a row.
    rows: list[Row] = (
        [[value] for value in amounts]
        if names is None
        else [[name, value] for name, value in zip(names + [""] * len(amounts), amounts, strict=False)]
    )
    return [list(line) for line in zip(*rows, strict=True)] if is_row else rows


def _allocation(total: Decimal, raw: list[Any], places: int) -> list[float | str]:
    """ALLOCATE_PROCEEDS's amounts cell by cell, up to the last weight; a blank weight gives a blank."""
    rows = [i for i, weight in enumerate(raw) if not _is_blank(weight)]
    if not rows:
        raise InputError("weights has no values; select the cells that hold the shares of the uses")
    shares = _weights({i: raw[i] for i in rows})
    amounts = dict(zip(rows, allocate_proceeds(total, shares, places), strict=True))
    # Up to the last weight: a whole column spills no blank tail.
    return [_to_excel(amounts.get(index)) for index in range(rows[-1] + 1)]


_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 in Excel's 1900 date system (from March 1900)


def _by_date(name: str, closes: Cell, dates: Cell) -> list[Any]:
    """The cells of a range of closes, oldest first: by their dates when ``dates`` is given, else as they lie.

    Each close needs its date and each date its close (rows blank in both are skipped);
    two closes on one date are refused.
    """
    cells = _cells(name, closes)
    if dates is None or all(_is_blank(cell) for cell in _cells("dates", dates)):
        return cells
    if _count("dates", dates) != _count(name, closes):
        raise InputError(
            f"dates has {_count('dates', dates)} cell(s) but {name} has {_count(name, closes)}; "
            "select one date per close"
        )
    cells, date_cells = _padded(cells, _cells("dates", dates))
    dated: dict[dt.date, tuple[int, object]] = {}
    for index, (close, date) in enumerate(zip(cells, date_cells, strict=True)):
        if _is_blank(close) and _is_blank(date):
            continue
        if _is_blank(close):
            raise InputError(
                f"{_cell_name(name, index)} is blank but its date is given; give the close or clear the date"
            )
        day = _date_cell(_cell_name("dates", index), date)
        if day in dated:
            raise InputError(
                f"dates (cells {dated[day][0] + 1} and {index + 1}) are both {day.isoformat()}; give one close per day"
            )
        dated[day] = (index, close)
    return [dated[day][1] for day in sorted(dated)]


def _date_cell(name: str, value: object) -> dt.date:
    """A date cell: a date (the classic add-in), a serial number (xlwings Lite) or text YYYY-MM-DD."""
    if _is_blank(value):
        raise InputError(f"{name} is blank; give the date of each close")
    if isinstance(value, float | int) and not isinstance(value, bool):
        if not (math.isfinite(value) and value == int(value) and 0 < value < 2_958_466):  # up to 9999-12-31
            raise _bad(name, value, "must be a date")
        value = _EXCEL_EPOCH + dt.timedelta(days=int(value))
    try:
        return parsers.date(value)
    except parsers.Invalid as exc:
        raise _bad(name, value, str(exc)) from exc


def _padded(first: list[Any], second: list[Any]) -> tuple[list[Any], list[Any]]:
    """Two ranges of the same size, one of them without its empty tail, with empty cells again."""
    size = max(len(first), len(second))
    return first + [None] * (size - len(first)), second + [None] * (size - len(second))


def _labels(labels: Cell, count: int) -> list[str] | None:
    """The labels of ALLOCATE_PROCEEDS, one per weight (a row or a column), as text; None when all are blank."""
    cells = _cells("labels", labels)
    if all(_is_blank(cell) for cell in cells):
        return None
    if _count("labels", labels) != count:
        raise InputError(
            f"labels has {_count('labels', labels)} cell(s) but weights has {count}; select one label per weight"
        )
    return [_label(_cell_name("labels", index), cell) for index, cell in enumerate(cells)]


_TINIEST = float(parsers.MIN_MAGNITUDE)


def _fast_cells(value: Cell) -> list[float] | None:
    """A large range of numbers for the fast path, or None (a cell the fields refuse as too small goes cell by cell)."""
    cells = ranges.flat_floats(value)
    if cells is None:
        return None
    import numpy as np  # noqa: PLC0415 - xlwings has loaded it; only large ranges need it

    array = np.abs(np.asarray(cells, dtype=float))
    return None if ((array > 0) & (array < _TINIEST)).any() else cells


def _fast_average(reference: Cell, days: Cell) -> Decimal | None:
    """The average of a large range of closes by ``ranges`` (exact, same as the core), or None.

    None sends the range cell by cell: small, blank, text, zero or out-of-range cells.
    """
    cells = _fast_cells(reference)
    if cells is None:
        return None
    count = _optional("days", days, parsers.positive_whole, len(cells))
    if count > len(cells):
        return None
    parts = ranges.decimal_parts(cells[-count:])
    if parts is None or 0 in parts[0]:
        return None
    return ranges.average(parts)


def _fast_allocation(total: Decimal, weights: Cell, places: int) -> list[float] | None:
    """ALLOCATE_PROCEEDS's amounts for a large range of weights by ``ranges``, or None.

    The same checks and results as the cell-by-cell path (percentages when any weight
    is above 1, a total of 100%); anything it would refuse goes that way for the message.
    """
    cells = _fast_cells(weights)
    parts = None if cells is None else ranges.decimal_parts(cells)
    if cells is None or parts is None:
        return None
    if ranges.any_above_one(parts, cells):
        parts = ranges.divided(parts, 2)
    numerators, scale = ranges.common_scale(parts)
    weight_sum = ranges.exact_sum(numerators, scale, getcontext().prec)  # as _weights adds them
    if weight_sum is None or shares_total_problem(weight_sum) is not None:
        return None
    units = ranges.allocate(total, numerators, places)
    if units is None or max(map(abs, units)) >= 10 ** getcontext().prec:
        return None
    return ranges.as_floats(units, places)


def _fast_vwap(prices: list[Any], volumes: list[Any]) -> Decimal | None:
    """VWAP of large ranges of numbers by ``ranges``, exactly as ``prices.vwap`` computes it, or None.

    None sends the ranges cell by cell (blank, text, zero-price, tiny or large cells), which
    also words any error. The turnover and the volumes are added exactly in integers; the
    volumes only when the core's sum at the current precision would not round either.
    """
    price_cells, volume_cells = _fast_cells(prices), _fast_cells(volumes)
    if price_cells is None or volume_cells is None:
        return None
    price_parts, volume_parts = ranges.decimal_parts(price_cells), ranges.decimal_parts(volume_cells)
    if price_parts is None or volume_parts is None or 0 in price_parts[0]:
        return None
    total_volume = ranges.exact_sum(*ranges.common_scale(volume_parts), getcontext().prec)
    products = (
        [kp * kv for kp, kv in zip(price_parts[0], volume_parts[0], strict=True)],
        [sp + sv for sp, sv in zip(price_parts[1], volume_parts[1], strict=True)],
    )
    turnover = ranges.exact_sum(*ranges.common_scale(products), PRECISION)
    if total_volume is None or not total_volume or turnover is None:
        return None
    return turnover / total_volume


def _weights(cells: dict[int, object]) -> list[Decimal]:
    """Weights as fractions: percentages when any plain number is above 1; the sum must be 100%."""
    values = []
    for index, cell in cells.items():
        value = _parse(_cell_name("weights", index), cell, parsers.fraction)
        if value < 0:
            raise _bad(_cell_name("weights", index), cell, "must be zero or positive")
        values.append(value)
    if any(value > 1 for value in values):
        values = [value / 100 for value in values]
    problem = shares_total_problem(sum(values, Decimal(0)), "weights")
    if problem is not None:
        raise InputError(problem)
    return values


def _label(name: str, value: object) -> str:
    """A label cell as text (a number label such as 2025 stays 2025); never turned into a formula.

    Raises:
        InputError: TRUE/FALSE or a date, which would show as something else (an error
            cell never gets here: the function gives the error back).
    """
    if _is_blank(value):
        return ""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return _as_in_cell(float(value))
    if isinstance(value, str):
        return value
    raise InputError(f"{name} must be text or a number, got {_as_in_cell(value)}; type the label as text")


PROCEEDS_LABELS = (
    "Gross proceeds",
    "Commission",
    "Other costs",
    "Net proceeds",
    "Net price per share",
    "Gross proceeds in quote currency",
    "Net proceeds in quote currency",
)


@xw.func(category=CATEGORY)
@xw.arg("new_shares", doc="New shares issued by the placing, e.g. 1700000000.", **_READ)
@xw.arg("price", doc="Placing price per share, e.g. 1.91.", **_READ)
@xw.arg(
    "commission_rate",
    doc="Optional: placing commission as a fraction of gross (0.025 or 2.5%); default 0.",
    **_READ,
)
@xw.arg("other_costs", doc="Optional: all other costs (fees, levies) as an amount; default 0.", **_READ)
@xw.arg(
    "fx_rate",
    doc="Optional: issuer currency per unit of the quote currency (7.8203 HKD per USD) for the quote-currency rows.",
    **_READ,
)
@_cell_function
def PLACEMENT_PROCEEDS(
    new_shares: Cell,
    price: Cell,
    commission_rate: Cell = None,
    other_costs: Cell = None,
    fx_rate: Cell = None,
) -> Any:
    """Gross proceeds, commission, other costs, net proceeds, net price per share and the quote-currency amounts, as a two-column table of label and value."""
    try:
        money = placing_proceeds(
            _parse("new_shares", new_shares, parsers.positive_whole),
            _parse("price", price, parsers.positive),
            _optional("commission_rate", commission_rate, parsers.rate, Decimal(0)),
            _optional("other_costs", other_costs, parsers.non_negative, Decimal(0)),
            _optional("fx_rate", fx_rate, parsers.positive, None),
        )
    except CostsExceedGrossError as exc:
        raise InputError(
            f"other_costs ({_as_in_cell(exc.other_costs)}) plus the commission ({_as_in_cell(exc.commission)}, "
            f"commission_rate x gross) exceed the gross proceeds ({_as_in_cell(exc.gross)}, new_shares x price); "
            "lower other_costs or commission_rate"
        ) from exc
    values = (
        money.gross,
        money.commission,
        money.other_costs,
        money.net,
        money.net_price_per_share,
        money.gross_quote,
        money.net_quote,
    )
    return [[label, _to_excel(value)] for label, value in zip(PROCEEDS_LABELS, values, strict=True)]


@xw.func(category=CATEGORY)
@xw.arg("agreement_close", doc="Closing price on the date of the placing agreement.", **_READ)
@xw.arg(
    "prior_closes",
    doc="Daily closes before the earliest of the agreement, announcement and price-fixing dates, oldest first; the last 5 are averaged.",
    **_READ,
)
@xw.arg(
    "dates",
    doc="Optional: the date of each close, one per cell of prior_closes; the latest 5 by date are then averaged, whatever the order.",
    **_READ,
)
@_cell_function
def BENCHMARKED_PRICE(agreement_close: Cell, prior_closes: Cell, dates: Cell = None) -> Any:
    """HKEX Rule 13.36(5) benchmarked price: the higher of the agreement-date close and the average of the 5 closes before the earliest key date."""
    close = _parse("agreement_close", agreement_close, parsers.positive)
    closes = _prices("prior_closes", _by_date("prior_closes", prior_closes, dates))
    if len(closes) < 5:
        raise InputError(
            f"prior_closes has {len(closes)} close(s); select at least the 5 before the earliest key date"
        )
    return _to_excel(market.benchmarked_price(close, closes))


@xw.func(category=CATEGORY)
@xw.arg("benchmarked_price", doc="Benchmarked price (see BENCHMARKED_PRICE).", **_READ)
@xw.arg(
    "existing_shares",
    doc="Shares in issue before the issue, excluding treasury shares. Note: here existing_shares comes before new_shares (Rule 7.27B's order), the other way round from DILUTION.",
    **_READ,
)
@xw.arg("new_shares", doc="New shares issued (after existing_shares here; first in DILUTION).", **_READ)
@xw.arg("price", doc="Issue price per share.", **_READ)
@_cell_function
def THEORETICAL_DILUTION(
    benchmarked_price: Cell, existing_shares: Cell, new_shares: Cell, price: Cell
) -> Any:
    """HKEX Rule 7.27B theoretical dilution effect: the discount of (benchmarked price x existing + funds raised) / (existing + new) to the benchmarked price."""
    return _to_excel(
        capital.theoretical_dilution_effect(
            _parse("benchmarked_price", benchmarked_price, parsers.positive),
            _parse("existing_shares", existing_shares, parsers.positive_whole),
            _parse("new_shares", new_shares, parsers.positive_whole),
            _parse("price", price, parsers.positive),
        )
    )


@xw.func(category=CATEGORY)
@xw.arg("prices", doc="Traded prices (or daily closes), one per row or column.", **_READ)
@xw.arg("volumes", doc="Volumes traded at those prices, the same number of cells as prices.", **_READ)
@_cell_function
def VWAP(prices: Cell, volumes: Cell) -> Any:
    """Volume-weighted average price: sum of price x volume divided by the sum of volumes. Rows blank in both ranges are skipped."""
    price_cells, volume_cells = _cells("prices", prices), _cells("volumes", volumes)
    sizes = _count("prices", prices), _count("volumes", volumes)
    if sizes[0] != sizes[1]:
        raise InputError(
            f"prices has {sizes[0]} cell(s) but volumes has {sizes[1]}; select ranges of the same size"
        )
    price_cells, volume_cells = _padded(price_cells, volume_cells)
    pairs = [
        (index, p, v)
        for index, (p, v) in enumerate(zip(price_cells, volume_cells, strict=True))
        if not (_is_blank(p) and _is_blank(v))
    ]
    if not pairs:
        raise InputError("prices has no values; select the cells that hold them")
    fast = _fast_vwap(price_cells, volume_cells)
    if fast is not None:
        return _to_excel(fast)
    p_values = [_parse(_cell_name("prices", i), p, parsers.positive) for i, p, _ in pairs]
    v_values = [_parse(_cell_name("volumes", i), v, parsers.non_negative) for i, _, v in pairs]
    return _to_excel(market.vwap(p_values, v_values))


# Each argument of PLACEMENT_CHECK and the deal-file field it fills (the names match).
CHECK_FIELDS = {
    "exchange": "issuer.exchange",
    "price": "placing.price",
    "new_shares": "placing.new_shares",
    "shares_outstanding": "placing.shares_outstanding",
    "last_close": "market.last_close",
    "average_close_5d": "market.average_close_5d",
    "mandate": "placing.mandate",
    "min_placees": "placing.min_placees",
    "mandate_limit": "placing.mandate_limit",
    "mandate_used": "placing.mandate_used",
    "day_vwap": "market.day_vwap",
    "vwap_15d": "market.vwap_15d",
    "currency_code": "issuer.currency",  # not "currency": Currency is a VBA keyword
    "capacity": "placing.capacity",
    "warrant_shares": "placing.warrant_shares",
    "public_offering": "placing.public_offering",
    "sp_asx_300": "issuer.sp_asx_300",
    "vwap_5d": "market.vwap_5d",  # after header, so existing formulas keep their argument positions
}
# The currency the check texts show prices in, unless the currency_code argument says otherwise.
EXCHANGE_CURRENCIES = {code: exchange.currency for code, exchange in EXCHANGES.items()}
NO_CURRENCY = "XXX"  # ISO 4217's code for "no currency", for an exchange without a default
CHECK_HEADER: Row = ["Rule", "Check", "Status", "Figure", "Limit", "Unit", "Detail"]
MAX_TEXT = 255  # xlwings' classic add-in turns a whole array into #VALUE! for a longer string


@xw.func(category=CATEGORY)
@xw.arg(
    "exchange",
    doc='Exchange whose rules apply: "HKEX", "HKEX GEM", "SGX", "NASDAQ", "ASX", "LSE", "TSX", "Bursa" or "other".',
    **_READ,
)
@xw.arg("price", doc="Placing price per share, e.g. 1.91.", **_READ)
@xw.arg("new_shares", doc="New shares issued by the placing, e.g. 1700000000.", **_READ)
@xw.arg("shares_outstanding", doc="Shares in issue before the placing, excluding treasury shares.", **_READ)
@xw.arg("last_close", doc="Closing price on the last trading day (the agreement date), e.g. 2.09.", **_READ)
@xw.arg(
    "average_close_5d",
    doc="Optional: average close of the 5 trading days before the deal (HKEX benchmarked price, Nasdaq).",
    **_READ,
)
@xw.arg("mandate", doc='Optional: "general" (default) or "specific".', **_READ)
@xw.arg(
    "min_placees", doc="Optional: minimum number of placees (HKEX: fewer than six must be named).", **_READ
)
@xw.arg(
    "mandate_limit", doc="Optional: shares the general mandate allows in all (HKEX headroom check).", **_READ
)
@xw.arg(
    "mandate_used", doc="Optional: shares already issued under the same general mandate (default 0).", **_READ
)
@xw.arg(
    "day_vwap", doc="Optional: VWAP of the full market day the agreement is signed (SGX Rule 811).", **_READ
)
@xw.arg("vwap_15d", doc="Optional: 15-trading-day VWAP (ASX Listing Rule 7.1A).", **_READ)
@xw.arg(
    "currency_code",
    doc='Optional: currency of the prices, for the texts, e.g. "HKD"; default the exchange\'s (HKD, SGD, USD, AUD).',
    **_READ,
)
@xw.arg("capacity", doc='Optional: ASX placement capacity of the shares, "7.1" or "7.1A".', **_READ)
@xw.arg(
    "warrant_shares",
    doc="Optional: Nasdaq 5635(d) shares issuable on warrants sold in the deal, pre-funded ones included.",
    **_READ,
)
@xw.arg(
    "public_offering", doc="Optional: Nasdaq, TRUE for a public offering (5635(d) does not apply).", **_READ
)
@xw.arg(
    "sp_asx_300",
    doc="Optional: ASX, TRUE when the company is in the S&P/ASX 300 (not eligible for LR 7.1A).",
    **_READ,
)
@xw.arg("header", doc="Optional: FALSE to leave out the header row (default TRUE).", **_READ)
@xw.arg("vwap_5d", doc="Optional: 5-day VWAP before the relevant date (TSX s.607 market price).", **_READ)
@_cell_function
def PLACEMENT_CHECK(
    exchange: Cell,
    price: Cell,
    new_shares: Cell,
    shares_outstanding: Cell,
    last_close: Cell,
    average_close_5d: Cell = None,
    mandate: Cell = None,
    min_placees: Cell = None,
    mandate_limit: Cell = None,
    mandate_used: Cell = None,
    day_vwap: Cell = None,
    vwap_15d: Cell = None,
    currency_code: Cell = None,
    capacity: Cell = None,
    warrant_shares: Cell = None,
    public_offering: Cell = None,
    sp_asx_300: Cell = None,
    header: Cell = None,
    vwap_5d: Cell = None,
) -> Any:
    """Listing-rule checks of a placing: rule, check, status (pass, breach, not applicable, not enough data, information), figure and limit as numbers, unit, short detail."""
    arguments = dict(
        zip(
            CHECK_FIELDS,
            (
                exchange,
                price,
                new_shares,
                shares_outstanding,
                last_close,
                average_close_5d,
                mandate,
                min_placees,
                mandate_limit,
                mandate_used,
                day_vwap,
                vwap_15d,
                currency_code,
                capacity,
                warrant_shares,
                public_offering,
                sp_asx_300,
                vwap_5d,
            ),
            strict=True,
        )
    )
    with_header = _parse("header", _single("header", header), parsers.flag) if not _is_blank(header) else True
    report = check_deal(compute(_check_deal_from(arguments)))
    rows: list[Row] = [
        [
            _in_arguments(r.rule),
            _in_arguments(r.title),
            r.status,
            _to_excel(r.value),
            _to_excel(r.limit_value),
            r.unit if r.value is not None or r.limit_value is not None else "",
            _short(_in_arguments(r.detail)),
        ]
        for r in report.rules
    ]
    return [CHECK_HEADER, *rows] if with_header else rows


def _short(text: str) -> str:
    """A detail that fits a cell xlwings can return (255 characters).

    Its last sentence (the verdict's reason) after as many of its first sentences as fit;
    else cut at a word.
    """
    if len(text) <= MAX_TEXT:
        return text
    *first, last = re.split(r"(?<=\.) (?=[A-Z])", text)
    if len(last) > MAX_TEXT:
        return text[: MAX_TEXT - 1].rsplit(" ", 1)[0] + "\u2026"
    kept: list[str] = []
    for sentence in first:
        if len(" ".join([*kept, sentence, "\u2026", last])) > MAX_TEXT:
            break
        kept.append(sentence)
    gap = [] if len(kept) == len(first) else ["\u2026"]
    return " ".join([*kept, *gap, last])


def _in_arguments(text: str) -> str:
    """A check's text in terms of PLACEMENT_CHECK's arguments instead of deal-file fields.

    The rule modules name the phrases about inputs the function has no argument for (the
    price history, the agreement date, tranches); they are dropped here.
    """
    for phrase in file_only_phrases():
        text = text.replace(phrase, "")
    text = text.replace("as given in the deal file", "as given in the arguments")
    for name, path in CHECK_FIELDS.items():
        text = text.replace(path, name)
    return text


def _check_deal_from(arguments: dict[str, Cell]) -> Deal:
    """Build the deal PLACEMENT_CHECK checks, validated by the deal-file rules; problems name the arguments."""
    mapping: dict[str, dict[str, Any]] = {
        # The checks need no name, stock code or uses; these placeholders satisfy the deal file.
        "issuer": {"name": "PLACEMENT_CHECK", "stock_code": "-"},
        "placing": {},
        "market": {},
        "proceeds": {"uses": [{"name": "Proceeds", "share": 1}]},
    }
    for name, path in CHECK_FIELDS.items():
        value = _single(name, arguments[name])
        if not _is_blank(value):
            section, key = path.split(".")
            if name == "capacity" and isinstance(value, float):  # 7.1 typed into a cell is a number
                value = format(value, "g")
            mapping[section][key] = _excel_number(value)
    exchange = str(mapping["issuer"].get("exchange", "")).strip().upper()
    boarded = next((e for key, e in EXCHANGES.items() if e.board and key.upper() == exchange), None)
    if boarded is not None:  # "HKEX GEM": the exchange and its board, as a deal file gives them
        mapping["issuer"] |= {"exchange": boarded.code, "board": boarded.board}
    mapping["issuer"].setdefault("currency", EXCHANGE_CURRENCIES.get(exchange, NO_CURRENCY))
    try:
        return deal_from_mapping(mapping)
    except DealError as exc:
        raise InputError(
            _problems_in_a_line([_argument_problem(p, arguments) for p in exc.problems])
        ) from exc


def _problems_in_a_line(problems: list[str]) -> str:
    """Whole problems joined by "; ", as many as a cell shows (TEXT_LIMIT), then how many more there are."""
    room = TEXT_LIMIT - len(ERROR_PREFIX) - len("; and 99 more problems")
    shown = problems[:1]
    for problem in problems[1:]:
        if len("; ".join([*shown, problem])) > room:
            break
        shown.append(problem)
    rest = len(problems) - len(shown)
    more = f"; and {rest} more problem{'s' * (rest != 1)}" if rest else ""
    return "; ".join(shown) + more


def _argument_problem(problem: Problem, arguments: dict[str, Cell]) -> str:
    """A deal-file problem said in terms of PLACEMENT_CHECK's arguments."""
    by_path = {path: name for name, path in CHECK_FIELDS.items()}
    name = by_path.get(problem.path)
    if name is None:
        text = str(problem)
    elif problem.value is MISSING:
        text = (
            f"{name} is blank; give a value"
            if "required" in problem.expected
            else f"{name} {problem.expected}"
        )
    else:
        # "got <value>" goes before the fix: "mandate_used cannot exceed ..., got 9000000000; correct ..."
        expected, _, fix = problem.expected.partition("; ")
        got = _as_in_cell(_single(name, arguments[name]))
        text = f"{name} {expected}, got {got}" + (f"; {fix}" if fix else "")
    # Numbers as Excel's General format shows them (8000000000, not the deal file's 8,000,000,000).
    text = _GROUPED.sub(lambda found: found[0].replace(",", ""), text)
    return _in_arguments(text)


_GROUPED = re.compile(r"(?<![\d,])\d{1,3}(?:,\d{3})+(?![\d,])")
