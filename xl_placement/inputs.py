"""Read a deal from the Inputs sheet of placement.xlsm (or any workbook made by ``workbook``).

Each input cell carries a defined name derived from its deal-file path
(``placing.new_shares`` is the name ``placing_new_shares``; the uses-of-proceeds
table's columns are ``uses_name`` and ``uses_share``). The reader finds the cells by
these names, not by position, so a person may move or insert rows freely. The cells
become the deal-file mapping, which ``deal_from_mapping`` validates as it validates
a deal file; each problem then names the sheet cell as well as the field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xl_placement import deal as model
from xl_placement import fields as f
from xl_placement.dealfile import deal_from_mapping
from xl_placement.errors import MISSING, DealError, Problem
from xl_placement.money import in_context

SHEET = "Inputs"
LIST_SEPARATOR = ";"
#: Fields that hold a list in one cell, separated by LIST_SEPARATOR ("HSBC; CICC").
LIST_FIELDS = ("placing.agents", "report.illustrative")

#: Deal-file table -> prefix of its columns' defined names, and the rows the sheet holds.
TABLE_PREFIXES = {
    "market.history": "history",
    "proceeds.uses": "uses",
    "shareholders": "shareholders",
    "costs.items": "costitems",
}
TABLE_ROWS = {"market.history": 60, "proceeds.uses": 12, "shareholders": 12, "costs.items": 8}

Grid = Sequence[Sequence[object]]


def defined_name(path: str) -> str:
    """The defined name of a deal-file field or table column (``issuer.name`` -> ``issuer_name``)."""
    for table, prefix in TABLE_PREFIXES.items():
        if path.startswith(table + "."):
            return f"{prefix}_{path[len(table) + 1 :]}"
    return path.replace(".", "_", 1)


@dataclass(frozen=True)
class _Target:
    """Where a defined name's value goes in the deal-file mapping."""

    section: str  # "issuer", ..., "report", "stated", or a table such as "proceeds.uses"
    key: str
    is_table: bool


def input_kind(name: str) -> bool | None:
    """For the workbook reader: None when ``name`` is not an input, else whether it is a table column."""
    target = field_of_name(name)
    return None if target is None else target.is_table


def field_of_name(name: str) -> _Target | None:
    """The deal-file field a defined name stands for, or None for a name that is not an input."""
    section, _, key = name.partition("_")
    for table, prefix in TABLE_PREFIXES.items():
        if section == prefix and key in {spec.name for spec in f.TABLES[table]}:
            return _Target(table, key, True)
    if section in f.SECTIONS or section in f.REPORT_SECTIONS:
        specs = f.SECTIONS.get(section) or f.REPORT_SECTIONS[section]
        names = [spec.name for spec in specs]
        if key in names or model.match_pattern(key, [n for n in names if "<N>" in n]):
            return _Target(section, key, False)
    if section == "stated" and (key in f.STATED_KEYS or model.match_pattern(key, f.STATED_KEYS)):
        return _Target(section, key, False)
    return None


class Cells:
    """The values under a workbook's defined names: ``values(name)`` gives a 2-D grid and its address."""

    def __init__(self, ranges: Mapping[str, tuple[str, Callable[[], Grid]]]) -> None:
        """Keep, for each defined name, its address (for messages) and a reader of its values."""
        self._ranges = {name.lower(): value for name, value in ranges.items()}

    def names(self) -> Iterator[str]:
        """The defined names, lower case."""
        return iter(sorted(self._ranges))

    def address(self, name: str) -> str:
        """The address a name refers to, such as ``Inputs!B8``."""
        return self._ranges[name][0]

    def values(self, name: str) -> Grid:
        """The values of a name's cells, row by row."""
        return self._ranges[name][1]()


@in_context
def deal_from_workbook(path: str | Path) -> model.Deal:
    """Read and validate the deal on a workbook's Inputs sheet.

    Args:
        path: a workbook made by ``xl-placement workbook`` (``.xlsm`` or ``.xlsx``).

    Returns:
        The validated Deal, as ``load_deal`` would give for the same deal in a deal file.

    Raises:
        DealError: the inputs are invalid (every problem listed, each naming its cell).
        UnsafeWorkbookError: the file is not a workbook or is refused as unsafe.
    """
    from xl_placement import _read_workbook  # noqa: PLC0415 - openpyxl is loaded only when needed

    return deal_from_cells(Cells(_read_workbook.cells(Path(path), input_kind)), str(path))


@in_context
def deal_from_cells(cells: Cells, source: str) -> model.Deal:
    """Build the deal from the values under the input names (any workbook reader).

    Raises:
        DealError: the inputs are invalid (every problem listed, each naming its cell).
    """
    mapping: dict[str, Any] = {}
    where: dict[str, str] = {}
    table_rows: dict[str, dict[int, dict[str, object]]] = {}
    table_where: dict[str, dict[str, str]] = {}
    for name in sorted(cells.names(), key=lambda n: _position(cells.address(n))):
        target = field_of_name(name)
        if target is None:
            continue
        grid = cells.values(name)
        address = cells.address(name)
        if target.is_table:
            column = table_rows.setdefault(target.section, {})
            table_where.setdefault(target.section, {})[target.key] = address
            for index, row in enumerate(grid):
                value = _clean(row[0] if row else None)
                column.setdefault(index, {})
                if value is not None:
                    column[index][target.key] = value
            continue
        value = _clean(grid[0][0] if grid and grid[0] else None)
        path = f"{target.section}.{target.key}"
        where[path] = address
        if value is None:
            continue
        if path in LIST_FIELDS:
            value = _list(value)
        elif path == "issuer.stock_code" and isinstance(value, float) and value.is_integer():
            value = int(value)  # Excel hands a code typed as a number over as a float: 1211.0
        mapping.setdefault(target.section, {})[target.key] = value
    if not where and not table_where:
        expected = (
            f"has no named input cells (no {SHEET} sheet made by 'xl-placement workbook'); "
            "type the deal into placement.xlsm or give a deal file"
        )
        raise DealError([Problem("workbook", MISSING, expected)], source)
    _add_tables(mapping, table_rows, table_where, where)
    try:
        return deal_from_mapping(mapping, source)
    except DealError as exc:
        raise DealError([_locate(problem, where) for problem in exc.problems], source) from None


def _clean(value: object) -> object:
    """Blank cells and whitespace-only text are absent; Excel datetimes with no time are dates."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value


def _list(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]
    return value


def _add_tables(
    mapping: dict[str, Any],
    table_rows: dict[str, dict[int, dict[str, object]]],
    table_where: dict[str, dict[str, str]],
    where: dict[str, str],
) -> None:
    """Put the filled rows of each table into the mapping; remember each row's sheet cells."""
    for table, rows in table_rows.items():
        filled = [(index, row) for index, row in sorted(rows.items()) if row]
        if not filled:
            continue
        section, _, key = table.rpartition(".")
        entries = [row for _, row in filled]
        if section:
            mapping.setdefault(section, {})[key] = entries
        else:
            mapping[key] = entries
        columns = table_where[table]
        where[table] = ", ".join(sorted(columns.values()))
        for position, (index, _) in enumerate(filled):
            for column, address in columns.items():
                where[f"{table}[{position}].{column}"] = _nth_cell(address, index)
            where[f"{table}[{position}]"] = _nth_cell(next(iter(columns.values())), index)


_ADDRESS = re.compile(r"^(?P<sheet>.+)!\$?(?P<col>[A-Z]{1,3})\$?(?P<row>\d+)(?::.*)?$")


def _position(address: str) -> tuple[str, int, int]:
    """Sort key for sheet order: sheet, then row, then column (so fields come as the sheet shows them)."""
    found = _ADDRESS.match(address)
    if not found:
        return (address, 0, 0)
    column = 0
    for letter in found["col"]:
        column = column * 26 + ord(letter) - ord("A") + 1
    return (found["sheet"], int(found["row"]), column)


def _nth_cell(address: str, index: int) -> str:
    """The ``index``-th cell (from 0) down a one-column range such as ``Inputs!J8:J67``."""
    found = _ADDRESS.match(address)
    if not found:
        return address
    return f"{found['sheet']}!{found['col']}{int(found['row']) + index}"


def _locate(problem: Problem, where: Mapping[str, str]) -> Problem:
    """Add the sheet cell to a problem's field path: ``placing.price (Inputs!B17)``."""
    path = problem.path
    candidates = [path, path.split(" ")[0]]
    if "[" in path:
        candidates.append(path[: path.index("]") + 1])
    expected = problem.expected
    if path == "issuer.stock_code" and isinstance(problem.value, int):
        # The cell held a number, so Excel has already dropped any leading zeros.
        expected = (
            "is a number, which loses leading zeros; format the cell as Text and type the code "
            "as published (0020), or type it with an apostrophe ('0020)"
        )
    if candidates[1] in LIST_FIELDS and expected.startswith("must be one of"):  # "timetable, liquidity"
        expected = f"{expected}; separate several with {LIST_SEPARATOR}"
    for candidate in candidates:
        if candidate in where:
            return Problem(f"{path} (cell {where[candidate]})", problem.value, expected)
    section = path.split(".")[0]
    if problem.value is MISSING and section in f.SECTIONS:
        return Problem(
            f"{path} (fill in the {section} cells on the {SHEET} sheet)", MISSING, problem.expected
        )
    return problem
