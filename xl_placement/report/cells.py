"""Writing cells: text stays text, inputs are blue, formulas are black and carry their value.

Every cell the report fills goes through a ``CellWriter``, which keeps the
registry of formula cells and the values Python computed for them (see ``cache``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from copy import copy
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

from xl_placement.errors import InputError
from xl_placement.report import openpyxl_private as private
from xl_placement.report.cache import CachedValue

INPUT_COLOR = "FF0000FF"  # banker convention: typed inputs in blue
FORMULA_COLOR = "FF000000"  # formulas in black
CHARS_PER_WIDTH = 1.25  # 10-point Arial characters per unit of column width (estimated)
MAX_CELL_TEXT = 32_767  # Excel's limit; openpyxl would cut longer text silently


class CellWriter:
    """Fills cells and remembers each formula's expected value."""

    def __init__(self) -> None:
        """Start with an empty registry."""
        self.expected: dict[tuple[str, str], CachedValue | None] = {}
        self._font_ids: dict[tuple[int, int, str], int] = {}

    def text(self, ws: Worksheet, ref: str, value: str, *, is_input: bool = False) -> Cell:
        """Write ``value`` as a text cell, never as a formula (``=HYPERLINK(...)`` stays text).

        Raises:
            InputError: the text is longer than a cell can hold.
        """
        if len(value) > MAX_CELL_TEXT:
            raise InputError(
                f"text for '{ws.title}'!{ref} is {len(value):,} characters long; a cell holds {MAX_CELL_TEXT:,}"
            )
        cell = ws[ref]
        cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        cell.data_type = "s"  # a string starting with "=" or "#" is still a string
        self.colour(cell, INPUT_COLOR if is_input else FORMULA_COLOR)
        return cell

    def number(self, ws: Worksheet, ref: str, value: Decimal | int, *, is_input: bool = True) -> Cell:
        """Write a number: an input (blue), or a fixed figure such as a zero (black)."""
        cell = ws[ref]
        cell.value = value if isinstance(value, int) else float(value)
        self.colour(cell, INPUT_COLOR if is_input else FORMULA_COLOR)
        return cell

    def formula(self, ws: Worksheet, ref: str, formula: str, expected: CachedValue) -> Cell:
        """Write a native formula (black) and register the value Python computed for it.

        Args:
            ws: the sheet.
            ref: the cell, e.g. ``H6``.
            formula: the formula without its leading ``=``, as a user would type it.
            expected: the value Python computed; it becomes the cell's cached value.
        """
        cell = ws[ref]
        cell.value = f"={formula}"
        cell.data_type = "f"
        self.colour(cell, FORMULA_COLOR)
        self.expected[(ws.title, cell.coordinate)] = expected
        return cell

    def move_rows(self, ws: Worksheet, moves: Mapping[int, int], rows: Iterable[int], columns: range) -> None:
        """Follow rows that moved: each formula of ``rows`` (in ``columns``) is registered where it went.

        Args:
            ws: the sheet.
            moves: the row each row that stays moved to (a row of ``rows`` missing here was cleared:
                its formulas are forgotten).
            rows: every row of the block.
            columns: the block's columns.
        """
        taken: dict[tuple[int, int], CachedValue | None] = {}
        for row in rows:
            for column in columns:
                key = (ws.title, ws.cell(row, column).coordinate)
                if key in self.expected:
                    taken[(row, column)] = self.expected.pop(key)
        for (row, column), value in taken.items():
            if row in moves:
                self.expected[(ws.title, ws.cell(moves[row], column).coordinate)] = value

    def colour(self, cell: Cell, rgb: str) -> None:
        """Give the cell's font the colour ``rgb``, keeping the rest of its font.

        Equivalent to copying ``cell.font``, recolouring and assigning it back, but each
        (font, colour) pair is built and looked up in the workbook's fonts only once.
        """
        fonts = private.font_table(cell.parent.parent)
        key = (id(fonts), private.font_id(cell), rgb)
        font_index = self._font_ids.get(key)
        if font_index is None:
            font = copy(fonts[private.font_id(cell)])
            font.color = rgb
            font_index = self._font_ids[key] = fonts.add(font)
        private.set_font_id(cell, font_index)

    def keep_template_formulas(self, wb: Workbook) -> None:
        """Register formulas the template itself holds (a user's additions): they keep no cached value."""
        # Only the cells that exist: a missing one holds no formula. (Walking whole rows would
        # create the missing ones; leave_off_unknowns, run on every sheet next, does that.)
        for ws in wb.worksheets:
            for cell in private.existing_cells(ws):
                if cell.data_type == "f":
                    key = (ws.title, cell.coordinate)
                    if key not in self.expected:
                        self.expected[key] = None

    def not_applicable(self, ws: Worksheet, ref: str, why: str = "n/a") -> Cell:
        """Mark a figure the deal does not give (black text, right-aligned by the template)."""
        return self.text(ws, ref, why)


def fit_height(ws: Worksheet, row: int, *, line_height: float = 13.0, chars_scale: float = 1.0) -> None:
    """Set a row's height to show its wrapped text (LibreOffice does not resize rows on load).

    The number of lines is estimated from each wrapped cell's text length and its
    (merged) width: about 1.25 characters of 10-point text per unit of column width, wrapped at spaces;
    ``chars_scale`` scales that for smaller or larger text (10/9 for 9-point).
    """
    lines = 1
    for cell in ws[row]:
        if not isinstance(cell.value, str) or not cell.alignment.wrap_text:
            continue
        width = sum(_width(ws, column) for column in _merged_columns(ws, cell))
        per_line = max(1, int(width * CHARS_PER_WIDTH * chars_scale))
        lines = max(lines, sum(wrapped_lines(part, per_line) for part in cell.value.split("\n")))
    if lines > 1:
        ws.row_dimensions[row].height = line_height * lines + 3


def wrapped_lines(text: str, per_line: int) -> int:
    """How many lines ``text`` takes when wrapped at spaces into lines of ``per_line`` characters."""
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > per_line:
            lines, used = lines + 1, 0
        used += (1 if used else 0) + len(word)
        while used > per_line:  # a word longer than a line breaks anywhere
            lines, used = lines + 1, used - per_line
    return lines


def _width(ws: Worksheet, column: str) -> float:
    width = ws.column_dimensions[column].width
    return float(width) if width else 8.43


def _merged_columns(ws: Worksheet, cell: Cell) -> list[str]:
    row, column = cell.row, cell.column
    for merged in ws.merged_cells.ranges:
        # The same test as ``cell.coordinate in merged``, without parsing the coordinate.
        if merged.min_row <= row <= merged.max_row and merged.min_col <= column <= merged.max_col:
            return [ws.cell(1, c).column_letter for c in range(merged.min_col, merged.max_col + 1)]
    return [str(cell.column_letter)]
