"""Every use of openpyxl's private attributes, in one place (openpyxl 3.1).

The report reaches into openpyxl in a few places where its public API is too slow or
cannot do the job. They are all here, listed in :data:`PRIVATE_ATTRIBUTES`;
``tests/test_openpyxl_private.py`` checks each one on real openpyxl objects and fails
naming the attribute when an openpyxl release removes or changes it, and checks that no
other module of the project uses one.

- ``Workbook._fonts`` (an ``IndexedList`` of fonts) and ``Cell._style`` (a ``StyleArray``
  whose ``fontId`` indexes it): recolouring a cell's font without copying every style.
- ``Cell._style`` again: copying a prototype row's style in one assignment.
- ``IndexedList._dict``: the hash index of a style table, repaired after unpickling a
  cached template.
- ``Worksheet._add_row`` and ``Worksheet._add_column``: the factories of the row and
  column dimension holders, which pickling loses.
- ``Worksheet._charts``: the charts on a sheet (to extend the print area below them).
- ``Image._data``: the bytes openpyxl writes for an image; ``SizedImage`` gives them from
  memory, as openpyxl's own ``Image`` reads them through Pillow (not a dependency).
- ``Worksheet._cells``, ``Workbook._borders``, ``Workbook._protections`` and the
  ``borderId`` and ``protectionId`` of ``Cell._style``: merging cells with each distinct
  style looked up once (:func:`merge_cells`), not once per cell.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import copy
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.drawing.image import Image
from openpyxl.styles import Border
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils.cell import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

#: (class, attribute) for every private attribute this module uses.
PRIVATE_ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("Workbook", "_fonts"),
    ("Cell", "_style"),
    ("StyleArray", "fontId"),
    ("IndexedList", "_dict"),
    ("Worksheet", "_add_row"),
    ("Worksheet", "_add_column"),
    ("Worksheet", "_charts"),
    ("Image", "_data"),
    ("Worksheet", "_cells"),
    ("Workbook", "_borders"),
    ("Workbook", "_protections"),
    ("StyleArray", "borderId"),
    ("StyleArray", "protectionId"),
)


def font_table(wb: Workbook) -> Any:
    """The workbook's table of fonts (an ``IndexedList``; ``add`` returns a font's index)."""
    return wb._fonts


def font_id(cell: Cell) -> int:
    """The index of the cell's font in :func:`font_table`."""
    style = cell._style
    return 0 if style is None else int(style.fontId)  # an unstyled cell has the default font


def set_font_id(cell: Cell, font_index: int) -> None:
    """Give the cell the font at ``font_index`` of :func:`font_table`, keeping the rest of its style."""
    if cell._style is None:
        cell._style = StyleArray()
    cell._style.fontId = font_index


def style_of(cell: Cell) -> StyleArray:
    """A copy of the cell's whole style, to give another cell later with :func:`set_style`."""
    return copy(cell._style)


def set_style(cell: Cell, style: StyleArray) -> None:
    """Give the cell a style taken with :func:`style_of` (a row moved up keeps its look)."""
    cell._style = copy(style)


def copy_style(source: Cell, target: Cell) -> None:
    """Give ``target`` exactly the style of ``source`` (font, fill, border, number format, ...)."""
    target._style = copy(source._style)


def index_of(table: IndexedList) -> dict[Any, int]:
    """The hash index of a style table (value -> position)."""
    index: dict[Any, int] = table._dict
    return index


def dimension_factories(ws: Worksheet) -> tuple[Callable[[], Any], Callable[[], Any]]:
    """The factories of the row and of the column dimension holders."""
    return ws._add_row, ws._add_column


def charts(ws: object) -> list[Any]:
    """The charts on a sheet (none for a chart sheet or anything without charts)."""
    found: list[Any] = getattr(ws, "_charts", [])
    return found


class SizedImage(Image):  # type: ignore[misc]  # openpyxl ships no type hints
    """An image from checked bytes of a known format and size, without Pillow."""

    def __init__(self, data: bytes, fmt: str, width: int, height: int) -> None:  # noqa: D107
        # openpyxl's Image.__init__ opens the image with Pillow; its attributes are set here instead.
        self.ref = data
        self.format = fmt
        self.width = width
        self.height = height

    def _data(self) -> bytes:
        """The image's bytes, as openpyxl writes them into the package."""
        return bytes(self.ref)


def merge_cells(ws: Worksheet, start_row: int, start_column: int, end_row: int, end_column: int) -> None:
    """``ws.merge_cells(...)``: the same merged range, cells and styles, faster.

    openpyxl's ``MergedCellRange.format`` gives every cell of the range the top-left
    cell's protection and each edge cell an edge of its border through the style
    descriptors, hashing the style into the workbook's table once per cell (about 4 ms a
    merge, a tenth of a report). Here each distinct style is added once and its index
    given to the cells; the tables gain the same entries in the same order, so the
    workbook's bytes are the same (tests/test_openpyxl_private.py compares them).
    """
    coord = f"{get_column_letter(start_column)}{start_row}:{get_column_letter(end_column)}{end_row}"
    merged = MergedCellRange(ws, coord)  # moves the bottom-right cell's borders to the top-left one
    ws.merged_cells.add(merged)
    cells = ws._cells
    wb = ws.parent
    first = (merged.min_row, merged.min_col)
    for row, column in merged.cells:
        if (row, column) != first:
            cells[row, column] = MergedCell(ws, row, column)
    start = merged.start_cell
    if start._style is None:
        start._style = StyleArray()  # as openpyxl's style descriptors do on first read
    for name in ("top", "left", "right", "bottom"):
        side = getattr(wb._borders[start._style.borderId], name)  # re-read: an edge may change it
        if side and side.style is None:
            continue  # no border style: nothing to do
        border = Border(**{name: side})
        added: dict[int, int] = {}  # a cell's border index -> the index with this edge added
        for row, column in getattr(merged, name):
            cell = cells.get((row, column))
            if cell is None:
                cell = cells[row, column] = MergedCell(ws, row, column)
            if cell._style is None:
                cell._style = StyleArray()
            old = int(cell._style.borderId)
            if old not in added:
                added[old] = wb._borders.add(wb._borders[old] + border)
            cell._style.borderId = added[old]
    protection = wb._protections.add(copy(wb._protections[start._style.protectionId]))
    for row, column in merged.cells:
        cell = cells.get((row, column))
        if cell is None:
            cell = cells[row, column] = MergedCell(ws, row, column)
        if cell._style is None:
            cell._style = StyleArray()
        cell._style.protectionId = protection
