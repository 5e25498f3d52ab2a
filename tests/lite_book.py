"""A recording stand-in for the xlwings ``Book`` that xlwings Lite hands a script.

It answers what ``xl_placement.lite`` and ``button.deal_from_book`` ask of a workbook
(its sheets, its defined names and the cells they refer to, read from an openpyxl
workbook such as placement.xlsm) and records every write: cell values and formulas,
number formats, fonts and fills, added and deleted sheets and names, message boxes.
Plain Python with no xlwings, so it runs in Pyodide too (tests/test_pyodide.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl.utils.cell import range_boundaries


class FakeFont:
    """``Range.font``: records what is set."""

    def __init__(self, record: dict[str, Any]) -> None:
        object.__setattr__(self, "_record", record)

    def __setattr__(self, name: str, value: Any) -> None:
        self._record[f"font.{name}"] = value


class FakeRange:
    """One cell or range of a sheet: reads from the workbook, records writes."""

    def __init__(self, sheet: FakeSheet, address: str) -> None:
        self.sheet = sheet
        self.address = address
        self._address = address.replace("$", "")
        self._record = sheet.book.written.setdefault(sheet.name, {}).setdefault(self._address, {})
        self.font = FakeFont(self._record)
        self._options: dict[str, Any] = {}

    def options(self, **options: Any) -> FakeRange:
        self._options = options
        return self

    @property
    def value(self) -> Any:
        assert self._options.get("ndim") == 2, "the reader asks for rows"
        source = self.sheet.book.source[self.sheet.name]
        low_col, low_row, high_col, high_row = range_boundaries(self._address)
        return [
            [source.cell(row, col).value for col in range(low_col, high_col + 1)]
            for row in range(low_row, high_row + 1)
        ]

    @value.setter
    def value(self, value: Any) -> None:
        self._record["value"] = value

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("number_format", "color"):
            self._record[name] = value
        else:
            object.__setattr__(self, name, value)


class FakeSheet:
    """A sheet: ``sheet["B3"]`` gives its range; ``delete()`` is recorded."""

    def __init__(self, book: FakeBook, name: str) -> None:
        self.book = book
        self.name = name

    def __getitem__(self, address: str) -> FakeRange:
        return FakeRange(self, address)

    def delete(self) -> None:
        self.book.log.append(("delete sheet", self.name))
        self.book._sheets.remove(self)


class FakeSheets:
    """``book.sheets``: iteration and ``add``."""

    def __init__(self, book: FakeBook) -> None:
        self.book = book

    def __iter__(self) -> Any:
        return iter(list(self.book._sheets))

    def add(self, name: str, before: Any = None, after: Any = None) -> FakeSheet:
        assert before is None, "new sheets go at the end"
        assert after is self.book._sheets[-1], "new sheets go at the end"
        assert name not in {sheet.name for sheet in self.book._sheets}, f"a sheet {name} exists"
        sheet = FakeSheet(self.book, name)
        self.book._sheets.append(sheet)
        self.book.log.append(("add sheet", name))
        return sheet


class FakeName:
    """A defined name: ``refers_to_range`` for one on cells of the workbook, ``delete()`` recorded."""

    def __init__(self, book: FakeBook, name: str, refers_to: str) -> None:
        self.book = book
        self.name = name
        self.refers_to = refers_to

    @property
    def refers_to_range(self) -> FakeRange:
        sheet, _, address = self.refers_to.lstrip("=").rpartition("!")
        sheet = sheet.strip("'")
        if sheet not in self.book.source.sheetnames or not address:
            raise ValueError(f"{self.name} refers to no range")
        return FakeRange(FakeSheet(self.book, sheet), address)

    def delete(self) -> None:
        self.book.log.append(("delete name", self.name))
        self.book._names.remove(self)


class FakeNames:
    """``book.names``: iteration and ``add``."""

    def __init__(self, book: FakeBook) -> None:
        self.book = book

    def __iter__(self) -> Any:
        return iter(list(self.book._names))

    def add(self, name: str, refers_to: str) -> FakeName:
        assert name.lower() not in {n.name.lower() for n in self.book._names}, f"a name {name} exists"
        added = FakeName(self.book, name, refers_to)
        self.book._names.append(added)
        self.book.names_added[name] = refers_to
        return added


class FakeApp:
    """``book.app``: ``alert`` is recorded."""

    def __init__(self, book: FakeBook) -> None:
        self.book = book

    def alert(self, prompt: str, title: str = "", mode: str = "") -> None:
        self.book.alerts.append(f"{title} ({mode}): {prompt}")


class FakeBook:
    """A workbook as xlwings Lite hands it to a script, over an openpyxl workbook (values, not formulas)."""

    def __init__(self, source: Any, fullname: str = "placement.xlsm") -> None:
        self.source = source
        self.fullname = fullname
        self.written: dict[str, dict[str, dict[str, Any]]] = {}
        self.names_added: dict[str, str] = {}
        self.alerts: list[str] = []
        self.log: list[tuple[str, str]] = []
        self._sheets = [FakeSheet(self, name) for name in source.sheetnames]
        self._names = [FakeName(self, name, "=" + d.attr_text) for name, d in source.defined_names.items()]
        self.sheets = FakeSheets(self)
        self.names = FakeNames(self)
        self.app = FakeApp(self)

    def record(self) -> dict[str, Any]:
        """What was written, as JSON: dates as ISO text."""

        def plain(value: Any) -> Any:
            return value.isoformat() if isinstance(value, dt.date) else value

        return {
            "written": {
                sheet: {
                    cell: {k: plain(v) for k, v in record.items()} for cell, record in cells.items() if record
                }
                for sheet, cells in self.written.items()
            },
            "names": self.names_added,
            "alerts": self.alerts,
            "log": self.log,
        }


def differences(record: dict[str, Any], report: Any, left_out: str, gap: int) -> list[str]:
    """Where a recorded build differs from the openpyxl report ``report``: values, formulas, number formats, names.

    Every filled cell of every report sheet must have been written with the same value
    (a formula as the same text, a date as its ISO text) and number format, the report's
    defined names added with the same references, and each sheet end with the line
    saying what the Lite build leaves out.
    """
    found = []
    written = record["written"]
    for worksheet in report.worksheets:
        cells = written.get(worksheet.title)
        if cells is None:
            found.append(f"{worksheet.title}: not written")
            continue
        for row in worksheet.iter_rows():
            for cell in row:
                got = cells.get(cell.coordinate, {})
                expected = cell.value
                if isinstance(expected, dt.datetime):
                    expected = (expected.date() if expected.time() == dt.time(0) else expected).isoformat()
                if expected is not None and got.get("value") != expected:
                    found.append(f"{worksheet.title}!{cell.coordinate}: {got.get('value')!r} != {expected!r}")
                if cell.number_format != "General" and got.get("number_format") != cell.number_format:
                    found.append(f"{worksheet.title}!{cell.coordinate} format: {got.get('number_format')!r}")
        note = cells.get(f"A{worksheet.max_row + gap}", {})
        if note.get("value") != left_out:
            found.append(f"{worksheet.title}: no line saying what is left out")
    expected_names = {name: "=" + d.attr_text for name, d in report.defined_names.items()}
    if record["names"] != expected_names:
        found.append(f"names: {sorted(set(record['names']) ^ set(expected_names))}")
    return found
