"""Read the input cells of a workbook file in bounded memory, for ``inputs.deal_from_workbook``.

A workbook a user supplies may be hostile: a merged range over the whole sheet, rows
of millions of empty cells, a defined name over a whole column, bogus encodings,
shared-string or style indices that point nowhere. openpyxl builds the whole workbook
in memory and fails on these with MemoryError, IndexError or TypeError, so it is not
used here. Instead:

1. The file passes ``safe_read.read_checked_workbook`` (size, zip bomb: every part's
   declared size and compression ratio, not a workbook) before anything is expanded.
2. ``xl/workbook.xml`` gives the defined names; only the input names (those
   ``inputs.input_kind`` knows) are read, and each must refer to one rectangle of
   at most ``MAX_NAME_CELLS`` cells on one sheet of the workbook.
3. Each sheet holding inputs is streamed through defusedxml in 64 KB pieces, keeping
   only the cells under the input names and stopping after the last row needed; merged
   ranges, formatting and everything else are never read. Shared strings and styles
   are read only when a needed cell uses them, and only the entries it uses are kept.

Every malformed part is an ``UnsafeWorkbookError`` naming the file, the part and,
where there is one, the cell, so the command line exits with 2, not as for a bug.
Values are what Excel last saved (a formula gives its cached result), as openpyxl's
``data_only`` gives them: numbers, text, booleans, error text such as ``#N/A``, and
dates for date-formatted numbers.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from xml.sax import SAXException
from xml.sax.handler import ContentHandler

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser

from xl_placement.errors import UnsafeWorkbookError
from xl_placement.safe_read import read_checked_workbook

Grid = Sequence[Sequence[object]]
#: What the caller knows of a defined name (``inputs.input_kind``): None, not an input (never
#: read); True, a table column (every row read); False, a single field (its first cell read).
InputKind = Callable[[str], bool | None]
Ranges = dict[str, tuple[str, Callable[[], Grid]]]

#: Most cells one input name may cover (a table column of the Inputs sheet has 60).
MAX_NAME_CELLS = 10_000
#: Most defined names a workbook may declare (placement.xlsm has about 70).
MAX_DEFINED_NAMES = 10_000
#: Largest workbook.xml, styles.xml or relationships part read whole.
MAX_SMALL_PART_BYTES = 5 * 1024 * 1024
#: Most XML elements read from one workbook, in all its parts (placement.xlsm's inputs need about
#: 2,000; each costs about two microseconds, so a part of millions of empty elements stays fast).
MAX_ELEMENTS_READ = 1_000_000
#: Most elements kept from one such part (Excel allows 64,000 cell styles; a relationship each).
MAX_PART_ELEMENTS = 100_000
# The elements read from each small part.
_WORKBOOK_TAGS = frozenset({"workbookPr", "sheet", "definedName"})
_RELATIONSHIP_TAGS = frozenset({"Relationship"})
_STYLE_TAGS = frozenset({"numFmt", "cellXfs", "xf"})
#: Excel's grid: 1,048,576 rows by 16,384 columns (XFD).
MAX_ROW = 1_048_576
MAX_COLUMN = 16_384
#: Largest date serial Excel shows (9999-12-31).
MAX_DATE_SERIAL = 2_958_465
#: Most cells streamed on a sheet before its last input row (the Inputs sheet has about 300).
MAX_CELLS_READ = 200_000
#: Highest shared-string index an input cell may use (the strings before it are streamed past).
MAX_SHARED_STRING = 300_000

_CHUNK = 64 * 1024
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_STRICT_REL = "{http://purl.oclc.org/ooxml/officeDocument/relationships}"

# Sheet!$A$1 or 'My sheet'!$A$1:$A$60 (sheet names in quotes double their apostrophes).
_REFERENCE = re.compile(
    r"^(?:'(?P<quoted>(?:[^']|'')+)'|(?P<plain>[^'!:\[\]*?/\\]+))!"
    r"(?P<first>\$?[A-Za-z]{1,3}\$?\d+)(?::(?P<last>\$?[A-Za-z]{1,3}\$?\d+))?$"
)
_CELL = re.compile(r"^\$?(?P<col>[A-Za-z]{1,3})\$?(?P<row>\d+)$")
_CELL_REF = re.compile(r"^(?P<col>[A-Z]{1,3})(?P<row>\d+)$")


@dataclass(frozen=True)
class _Area:
    """The rectangle a defined name refers to: sheet and 1-based first/last rows and columns."""

    name: str
    text: str  # the reference as written, for messages
    sheet: str
    top: int
    left: int
    bottom: int
    right: int

    @property
    def address(self) -> str:
        first = f"{_column_letters(self.left)}{self.top}"
        last = f"{_column_letters(self.right)}{self.bottom}"
        return f"{self.sheet}!{first}" + ("" if first == last else f":{last}")


def cells(path: Path, input_kind: InputKind) -> Ranges:
    """The input names of the workbook at ``path`` with their values, read in bounded memory.

    ``input_kind`` tells the inputs from other names (``inputs.input_kind``), so this reader
    needs no knowledge of the deal schema and the schema module imports it, not the reverse.

    Raises:
        UnsafeWorkbookError: the file is refused (too large, zip bomb, not a workbook) or a
            part is malformed; the message names the file, the part and the cell or name.
    """
    data = read_checked_workbook(path)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _Reader(path, archive, input_kind).cells()
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise UnsafeWorkbookError(
            f"{path}: is damaged ({type(exc).__name__}: {exc}); save it again from Excel"
        ) from exc


@dataclass(frozen=True)
class _Rectangle:
    """The cells of rows 1 to ``rows`` and columns 1 to ``columns``: what ``first_sheet_table`` keeps."""

    rows: int
    columns: int

    def __contains__(self, position: object) -> bool:
        return (
            isinstance(position, tuple) and 1 <= position[0] <= self.rows and 1 <= position[1] <= self.columns
        )


def first_sheet_table(path: Path, rows: int, columns: int, max_cells: tuple[int, str]) -> tuple[str, Grid]:
    """The first sheet's name and its top-left ``rows`` x ``columns`` values, read in bounded memory.

    For a table exported to a workbook (a price history): the same checks and streaming as
    ``cells``; values as Excel last saved them (a date-formatted number is a datetime).
    Reading stops after row ``rows``; a sheet with more than ``max_cells[0]`` cells before
    then is refused, with ``max_cells[1]`` as the fix.

    Raises:
        UnsafeWorkbookError: as ``cells``, or the workbook has no sheet.
    """
    data = read_checked_workbook(path)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            reader = _Reader(path, archive, lambda _name: None)  # no defined name is read
            sheets, _, date1904 = reader.workbook()
            if not sheets:
                raise reader.refuse("xl/workbook.xml", "lists no sheet; save the workbook again from Excel")
            name, part = next(iter(sheets.items()))  # workbook order: the first sheet
            area = _Rectangle(rows, columns)
            values = _SheetValues(reader, part, name, area, date1904, rows, max_cells).read()
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise UnsafeWorkbookError(
            f"{path}: is damaged ({type(exc).__name__}: {exc}); save it again from Excel"
        ) from exc
    last = max((row for row, _ in values), default=0)
    width = max((column for _, column in values), default=0)
    return name, [[values.get((row, column)) for column in range(1, width + 1)] for row in range(1, last + 1)]


class _Reader:
    """One workbook's parts, read as the input names need them."""

    def __init__(self, path: Path, archive: zipfile.ZipFile, input_kind: InputKind) -> None:
        self.path = path
        self.input_kind = input_kind
        self.archive = archive
        self.parts = {info.filename: info for info in archive.infolist()}
        self.parsed: dict[str, Any] = {}
        self.elements = 0  # XML elements read, in every part

    def refuse(self, part: str, reason: str) -> UnsafeWorkbookError:
        return UnsafeWorkbookError(f"{self.path}: {part}: {reason}")

    def cells(self) -> Ranges:
        sheets, names, date1904 = self.workbook()
        areas = [self.area(name, text, sheets) for name, text in names.items()]
        values: dict[str, dict[tuple[int, int], object]] = {}
        for sheet in sorted({area.sheet for area in areas}):
            wanted = {
                (row, area.left)
                for area in areas
                if area.sheet == sheet
                for row in range(area.top, area.top + self.rows_read(area))
            }
            values[sheet] = _SheetValues(self, sheets[sheet], sheet, wanted, date1904).read()
        ranges: Ranges = {}
        for area in areas:
            grid = [[values[area.sheet].get((row, area.left))] for row in range(area.top, area.bottom + 1)]
            ranges[area.name] = (area.address, _constant(grid))
        return ranges

    def rows_read(self, area: _Area) -> int:
        """A field reads its first cell; a table column reads every row (first column only)."""
        return area.bottom - area.top + 1 if self.input_kind(area.name.lower()) else 1

    # --- the workbook part ------------------------------------------------------

    def workbook(self) -> tuple[dict[str, str], dict[str, str], bool]:
        """Sheet name -> part, input name -> reference text, and whether dates count from 1904."""
        root = self.xml("xl/workbook.xml", _WORKBOOK_TAGS)
        targets = self.relationships("xl/_rels/workbook.xml.rels", "xl/")
        sheets: dict[str, str] = {}
        names: dict[str, str] = {}
        date1904 = False
        for element in root.iter():
            tag = _local(element.tag)
            if tag == "workbookPr":
                date1904 = element.get("date1904", "0").strip().lower() in {"1", "true"}
            elif tag == "sheet":
                rid = element.get(f"{_REL}id") or element.get(f"{_STRICT_REL}id") or ""
                name = element.get("name", "")
                if rid in targets:
                    sheets[name] = targets[rid]
            elif tag == "definedName":
                if len(names) >= MAX_DEFINED_NAMES:
                    raise self.refuse("xl/workbook.xml", f"declares more than {MAX_DEFINED_NAMES:,} names")
                name = element.get("name", "")
                if element.get("localSheetId") is not None or self.input_kind(name.lower()) is None:
                    continue  # a sheet-level name or one that is not an input: never read
                if name.lower() in {n.lower() for n in names}:
                    raise self.refuse(
                        "xl/workbook.xml", f"the defined name {name} is declared twice; keep one of them"
                    )
                names[name] = (element.text or "").strip()
        return sheets, names, date1904

    def area(self, name: str, text: str, sheets: Mapping[str, str]) -> _Area:
        """The rectangle an input name refers to, or a refusal naming the name and its reference."""
        where = f"the defined name {name}"
        expected = "an input name must refer to one cell or one column of cells, like Inputs!$B$9"
        found = _REFERENCE.match(text.lstrip("="))
        if found is None:
            raise self.refuse(
                "xl/workbook.xml", f"{where} refers to {_short_repr(text)}, not a cell range; {expected}"
            )
        sheet = found["quoted"].replace("''", "'") if found["quoted"] else found["plain"]
        top, left = self.cell(found["first"], where, text)
        bottom, right = self.cell(found["last"], where, text) if found["last"] else (top, left)
        top, bottom = min(top, bottom), max(top, bottom)
        left, right = min(left, right), max(left, right)
        count = (bottom - top + 1) * (right - left + 1)
        if count > MAX_NAME_CELLS:
            raise self.refuse(
                "xl/workbook.xml",
                f"{where} refers to {_short_repr(text)}, {count:,} cells; an input name covers at most "
                f"{MAX_NAME_CELLS:,} cells",
            )
        if sheet not in sheets:
            raise self.refuse(
                "xl/workbook.xml",
                f"{where} refers to {_short_repr(text)}, but the workbook has no sheet {sheet!r}; {expected}",
            )
        return _Area(name, text, sheet, top, left, bottom, right)

    def cell(self, text: str, where: str, reference: str) -> tuple[int, int]:
        found = _CELL.match(text)
        assert found is not None  # noqa: S101 - the reference pattern matched it
        row, column = int(found["row"]), _column_number(found["col"].upper())
        if not 1 <= row <= MAX_ROW or not 1 <= column <= MAX_COLUMN:
            raise self.refuse(
                "xl/workbook.xml",
                f"{where} refers to {_short_repr(reference)}, outside the sheet (rows 1 to {MAX_ROW:,}, "
                "columns A to XFD); point it at the input cell again",
            )
        return row, column

    # --- parts --------------------------------------------------------------------

    def open(self, part: str) -> IO[bytes]:
        if part not in self.parts:
            raise self.refuse(part, "is missing; save the workbook again from Excel")
        return self.archive.open(part)

    def xml(self, part: str, keep: frozenset[str]) -> Any:
        """The elements ``keep`` names of a small part, as a tree under a bare root, parsed once.

        Only those elements are built (at most MAX_PART_ELEMENTS), so memory follows what is
        read, not the part's size: 5 MB of other elements costs no memory at all.
        """
        if part not in self.parsed:
            self.parsed[part] = self._parse(part, keep)
        return self.parsed[part]

    def _parse(self, part: str, keep: frozenset[str]) -> Any:
        if part not in self.parts:
            raise self.refuse(part, "is missing; save the workbook again from Excel")
        if self.parts[part].file_size > MAX_SMALL_PART_BYTES:
            raise self.refuse(part, f"is {self.parts[part].file_size:,} bytes, more than a workbook needs")
        builder = _TreeTarget(keep, lambda what: self.refuse(part, what))
        self.stream(part, builder)
        return builder.root

    def stream(self, part: str, target: Any, stop: Callable[[], bool] = lambda: False) -> None:
        """Feed a part to ``target`` through defusedxml's expat reader, 64 KB at a time, until ``stop()``.

        No DTD is accepted at all (a workbook part never has one), so no entity can be declared.
        """
        parser = DefusedExpatParser(namespaceHandling=1, forbid_dtd=True)
        parser.setContentHandler(_Events(target, lambda: self.count(part)))
        try:
            with self.open(part) as stream:
                fed = False
                while not stop():
                    chunk = stream.read(_CHUNK)
                    if not chunk:
                        if not fed:  # expat's reader fails with AttributeError on nothing at all
                            raise self.refuse(part, "is empty; save the workbook again from Excel")
                        parser.close()
                        break
                    parser.feed(chunk)
                    fed = True
        except UnsafeWorkbookError:
            raise
        except DefusedXmlException as exc:
            raise self.refuse(
                part, f"contains an XML attack ({type(exc).__name__}: entity declarations are refused)"
            ) from exc
        except (SAXException, SyntaxError, LookupError, ValueError, UnicodeError) as exc:
            # LookupError: an unknown encoding such as encoding="bogus".
            raise self.refuse(
                part, f"is not well-formed XML ({_describe(exc)}); save it again from Excel"
            ) from exc

    def count(self, part: str) -> None:
        """Count one XML element read; past MAX_ELEMENTS_READ in the whole workbook, refuse it."""
        self.elements += 1
        if self.elements > MAX_ELEMENTS_READ:
            raise self.refuse(
                part,
                f"brings the workbook past {MAX_ELEMENTS_READ:,} XML elements read, more than its inputs need",
            )

    def part_of_type(self, kind: str) -> str | None:
        """The workbook's part of a relationship type, such as ``styles`` or ``sharedStrings``."""
        for element in self.xml("xl/_rels/workbook.xml.rels", _RELATIONSHIP_TAGS).iter():
            if _local(element.tag) == "Relationship" and element.get("Type", "").endswith(f"/{kind}"):
                return self.relationships("xl/_rels/workbook.xml.rels", "xl/").get(element.get("Id", ""))
        return None

    def relationships(self, part: str, base: str) -> dict[str, str]:
        """Relationship id -> target part name."""
        targets: dict[str, str] = {}
        for element in self.xml(part, _RELATIONSHIP_TAGS).iter():
            if _local(element.tag) == "Relationship" and element.get("TargetMode") != "External":
                target = element.get("Target", "")
                full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(base + target)
                targets[element.get("Id", "")] = full
        return targets


def _constant(grid: Grid) -> Callable[[], Grid]:
    return lambda: grid


# --- one sheet ----------------------------------------------------------------------


class _SheetValues:
    """The values of some cells of one sheet, streamed; stops after the last row needed."""

    def __init__(
        self,
        reader: _Reader,
        part: str,
        sheet: str,
        wanted: Container[tuple[int, int]],
        date1904: bool,
        last_row: int | None = None,
        max_cells: tuple[int, str] = (MAX_CELLS_READ, "an Inputs sheet holds a few hundred"),
    ) -> None:
        self.reader = reader
        self.part = part
        self.sheet = sheet
        self.wanted = wanted
        self.last_row = last_row if last_row is not None else max((row for row, _ in wanted), default=0)  # type: ignore[attr-defined]
        self.max_cells = max_cells
        self.date1904 = date1904
        self.raw: dict[tuple[int, int], tuple[str, str | None, str | None]] = {}
        self.done = False
        self.cells = 0
        # Parser state.
        self.row = 0
        self.column = 0
        self.cell: tuple[int, int] | None = None
        self.kind = "n"
        self.style: str | None = None
        self.text: list[str] | None = None
        self.value: str | None = None
        self.inline: list[str] | None = None

    def read(self) -> dict[tuple[int, int], object]:
        self.reader.stream(self.part, self, lambda: self.done)
        indices = {int(v) for k, v, _ in self.raw.values() if k == "s" and v is not None and _is_int(v)}
        for position, (kind, value, _) in self.raw.items():
            if kind == "s" and value is not None and _is_int(value) and int(value) > MAX_SHARED_STRING:
                raise self.refuse(
                    position,
                    f"refers to shared string {int(value):,}; an input cell's text must be among the first "
                    f"{MAX_SHARED_STRING:,} (type the value again, or copy the Inputs sheet into a new workbook)",
                )
        strings = self.shared_strings(indices)
        styles = _Styles(self.reader) if any(s for _, _, s in self.raw.values()) else None
        return {
            position: self.convert(position, kind, value, style, strings, styles)
            for position, (kind, value, style) in self.raw.items()
        }

    # XMLParser target interface.
    def start(self, tag: str, attrib: Mapping[str, str]) -> None:
        local = _local(tag)
        if local == "row":
            self.row = self.number(attrib.get("r"), self.row + 1, "row")
            self.column = 0
            if self.row > self.last_row:
                self.done = True
        elif local == "c":
            self.cells += 1
            if self.cells > self.max_cells[0]:
                raise self.reader.refuse(
                    self.part,
                    f"has more than {self.max_cells[0]:,} cells up to row {self.row:,}, the last row read "
                    f"being {self.last_row:,}; {self.max_cells[1]}",
                )
            self.cell = self.position(attrib.get("r"))
            self.kind = attrib.get("t", "n")
            self.style = attrib.get("s")
            self.value = None
            self.inline = None
        elif self.cell is not None and self.cell in self.wanted:
            if local == "v" or (local == "t" and self.inline is not None):
                self.text = []
            elif local == "is":
                self.inline = []

    def data(self, text: str) -> None:
        if self.text is not None:
            self.text.append(text)

    def end(self, tag: str) -> None:
        local = _local(tag)
        if local == "v" and self.text is not None:
            self.value, self.text = "".join(self.text), None
        elif local == "t" and self.text is not None and self.inline is not None:
            self.inline.append("".join(self.text))
            self.text = None
        elif local == "c" and self.cell is not None:
            if self.cell in self.wanted:
                value = "".join(self.inline) if self.inline is not None else self.value
                self.raw[self.cell] = (self.kind, value, self.style)
            self.cell = None
        elif local == "sheetData":
            self.done = True

    def close(self) -> None:
        return None

    def number(self, text: str | None, default: int, what: str) -> int:
        if text is None:
            return default
        if not _is_int(text) or not 1 <= int(text) <= MAX_ROW:
            raise self.reader.refuse(
                self.part, f"a {what} is numbered {_short_repr(text)}, outside the sheet"
            )
        return int(text)

    def position(self, reference: str | None) -> tuple[int, int]:
        if reference is None:
            self.column += 1
        else:
            found = _CELL_REF.match(reference)
            column = _column_number(found["col"]) if found else 0
            if found is None or int(found["row"]) != self.row or not 1 <= column <= MAX_COLUMN:
                raise self.reader.refuse(
                    self.part,
                    f"the cell reference {_short_repr(reference)} in row {self.row} is not a cell of it",
                )
            self.column = column
        if self.column > MAX_COLUMN:
            raise self.reader.refuse(self.part, f"row {self.row} has more than {MAX_COLUMN:,} cells")
        return self.row, self.column

    # Values.
    def where(self, position: tuple[int, int]) -> str:
        return f"cell {self.sheet}!{_column_letters(position[1])}{position[0]} ({self.part})"

    def refuse(self, position: tuple[int, int], reason: str) -> UnsafeWorkbookError:
        return UnsafeWorkbookError(f"{self.reader.path}: {self.where(position)}: {reason}")

    def convert(
        self,
        position: tuple[int, int],
        kind: str,
        value: str | None,
        style: str | None,
        strings: Mapping[int, str],
        styles: _Styles | None,
    ) -> object:
        is_date = styles is not None and style is not None and styles.is_date(style, self.refuse, position)
        if value is None:
            return None
        if kind != "n":
            return self.typed(position, kind, value, strings)
        number = _cell_number(value)
        if number is None:
            raise self.refuse(position, f"is a number cell holding {_short_repr(value)}, not a number")
        if is_date:
            return self.date(position, number)
        return number

    def typed(self, position: tuple[int, int], kind: str, value: str, strings: Mapping[int, str]) -> object:
        """The value of a cell that is not a plain number: text, true/false, an error or an ISO date."""
        if kind == "s":
            if not _is_int(value) or int(value) not in strings:
                raise self.refuse(
                    position,
                    f"refers to shared string {_short_repr(value)}, which xl/sharedStrings.xml does not have; "
                    "save the workbook again from Excel",
                )
            return strings[int(value)]
        if kind in {"str", "inlineStr", "e"}:
            return value
        if kind == "b":
            if value.strip() not in {"0", "1"}:
                raise self.refuse(position, f"is a true/false cell holding {_short_repr(value)}")
            return value.strip() == "1"
        if kind == "d":
            try:
                return dt.datetime.fromisoformat(value.strip())
            except ValueError:
                raise self.refuse(
                    position, f"is a date cell holding {_short_repr(value)}, not a date"
                ) from None
        raise self.refuse(position, f"has the unknown cell type {_short_repr(kind)}")

    def date(self, position: tuple[int, int], serial: float) -> dt.datetime:
        if not 0 <= serial <= MAX_DATE_SERIAL:
            raise self.refuse(
                position, f"is formatted as a date but holds {serial:g}, not a date Excel can show"
            )
        from openpyxl.utils.datetime import (  # noqa: PLC0415 - only for date cells
            CALENDAR_MAC_1904,
            CALENDAR_WINDOWS_1900,
            from_excel,
        )

        result = from_excel(serial, CALENDAR_MAC_1904 if self.date1904 else CALENDAR_WINDOWS_1900)
        if isinstance(result, dt.datetime):
            return result
        return dt.datetime.combine(dt.date(1899, 12, 30), dt.time(0))  # serial 0: Excel's "0 January 1900"

    def shared_strings(self, indices: set[int]) -> dict[int, str]:
        if not indices:
            return {}
        part = self.reader.part_of_type("sharedStrings")
        if part is None:
            return {}
        target = _SharedStrings(indices)
        self.reader.stream(part, target, lambda: target.done)
        return target.found


class _SharedStrings:
    """Collects the shared strings at some indices (rich text runs joined, phonetic runs left out)."""

    def __init__(self, indices: set[int]) -> None:
        self.indices = indices
        self.last = max(indices)
        self.found: dict[int, str] = {}
        self.index = -1
        self.depth_phonetic = 0
        self.text: list[str] | None = None
        self.parts: list[str] = []
        self.done = False

    def start(self, tag: str, attrib: Mapping[str, str]) -> None:  # noqa: ARG002 - the parser's target interface
        local = _local(tag)
        if local == "si":
            self.index += 1
            self.parts = []
        elif local == "rPh":
            self.depth_phonetic += 1
        elif local == "t" and self.index in self.indices and not self.depth_phonetic:
            self.text = []

    def data(self, text: str) -> None:
        if self.text is not None:
            self.text.append(text)

    def end(self, tag: str) -> None:
        local = _local(tag)
        if local == "t" and self.text is not None:
            self.parts.append("".join(self.text))
            self.text = None
        elif local == "rPh":
            self.depth_phonetic -= 1
        elif local == "si":
            if self.index in self.indices:
                self.found[self.index] = "".join(self.parts)
            if self.index >= self.last:
                self.done = True

    def close(self) -> None:
        return None


class _Styles:
    """Which cell styles (``s`` indices) show numbers as dates."""

    def __init__(self, reader: _Reader) -> None:
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format  # noqa: PLC0415

        self.formats: list[int] = []
        custom: dict[int, str] = {}
        part = reader.part_of_type("styles")
        root = reader.xml(part, _STYLE_TAGS) if part is not None else None
        if root is not None:
            for element in root.iter():
                tag = _local(element.tag)
                if tag == "numFmt" and _is_int(element.get("numFmtId")):
                    custom[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
            for container in root.iter():
                if _local(container.tag) == "cellXfs":
                    self.formats = [
                        int(xf.get("numFmtId", "0")) if _is_int(xf.get("numFmtId", "0")) else 0
                        for xf in container
                        if _local(xf.tag) == "xf"
                    ]
        self.part = part or "xl/styles.xml"
        self.dates = {
            index
            for index, fmt in enumerate(self.formats)
            if is_date_format(custom.get(fmt, BUILTIN_FORMATS.get(fmt, "General")))
        }

    def is_date(
        self,
        style: str,
        refuse: Callable[[tuple[int, int], str], UnsafeWorkbookError],
        position: tuple[int, int],
    ) -> bool:
        if not _is_int(style) or not 0 <= int(style) < max(len(self.formats), 1):
            raise refuse(
                position,
                f"uses style {_short_repr(style)}, which {self.part} does not have ({len(self.formats)} styles); "
                "save the workbook again from Excel",
            )
        return int(style) in self.dates


class _Events(ContentHandler):
    """Passes SAX events on as ``start(tag, attrib)``, ``data(text)``, ``end(tag)`` and ``close()``.

    Tags and attribute names are ``{namespace}local`` as in ElementTree.
    """

    def __init__(self, target: Any, count: Callable[[], None]) -> None:
        super().__init__()
        self.target = target
        self.count = count
        # A target that reads only some elements: the others cost no attribute dictionary.
        self.keep: frozenset[str] | None = getattr(target, "keep", None)

    def startElementNS(self, name: tuple[str | None, str], qname: str | None, attrs: Any) -> None:  # noqa: N802 - SAX's name
        del qname
        self.count()
        if self.keep is not None and name[1] not in self.keep:
            self.target.open.append(False)
            return
        attrib = {(f"{{{uri}}}{local}" if uri else local): value for (uri, local), value in attrs.items()}
        self.target.start(f"{{{name[0]}}}{name[1]}" if name[0] else name[1], attrib)

    def endElementNS(self, name: tuple[str | None, str], qname: str | None) -> None:  # noqa: N802 - SAX's name
        del qname
        if self.keep is not None and name[1] not in self.keep:
            self.target.open.pop()
            return
        self.target.end(f"{{{name[0]}}}{name[1]}" if name[0] else name[1])

    def characters(self, content: str) -> None:
        """Text inside an element."""
        self.target.data(content)

    def endDocument(self) -> None:  # noqa: N802 - SAX's name
        """The part ended."""
        self.target.close()


class _TreeTarget:
    """Builds a small element tree of the elements named in ``keep`` (the rest are passed over)."""

    def __init__(self, keep: frozenset[str], refuse: Callable[[str], UnsafeWorkbookError]) -> None:
        from xml.etree.ElementTree import TreeBuilder  # noqa: PLC0415

        self.keep = keep
        self.refuse = refuse
        self.builder = TreeBuilder()
        self.builder.start("root", {})
        self.open: list[bool] = []  # for each open element: whether it is kept
        self.kept = 0
        self.root: Any = None

    def start(self, tag: str, attrib: Mapping[str, str]) -> None:
        kept = _local(tag) in self.keep
        self.open.append(kept)
        if kept:
            self.kept += 1
            if self.kept > MAX_PART_ELEMENTS:
                raise self.refuse(
                    f"has more than {MAX_PART_ELEMENTS:,} {_local(tag)} entries; save it again from Excel"
                )
            self.builder.start(tag, dict(attrib))

    def data(self, text: str) -> None:
        if self.open and self.open[-1]:
            self.builder.data(text)

    def end(self, tag: str) -> None:
        if self.open.pop():
            self.builder.end(tag)

    def close(self) -> None:
        self.builder.end("root")
        self.root = self.builder.close()


# --- small helpers ------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


# [0-9], not \d: int() and float() would read full-width digits (U+FF10 to U+FF19) that \d lets through.
def _is_int(text: str | None) -> bool:
    return text is not None and re.fullmatch(r"\s*-?[0-9]{1,18}\s*", text) is not None


def _cell_number(text: str) -> int | float | None:
    """A cell's number as openpyxl gives it: an int for digits only, else a float."""
    stripped = text.strip()
    if re.fullmatch(r"-?[0-9]{1,30}", stripped):
        return int(stripped)
    if re.fullmatch(r"-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]{1,4})?", stripped):
        result = float(stripped)
        return result if result not in {float("inf"), float("-inf")} else None
    return None


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _short_repr(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:160]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
